import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex explain --panel code --time financial_year` on the five-year council panel, against R
/// (fixtures/reference/make_mixed_reference.R, its last part): per council the persistent effect
/// (lme4's conditional mode, 1e-6 relative or 1e-5 absolute), periods above and below, the trend
/// (1e-6), the persistent rank and the rank in each single year (equal); Spearman's correlations
/// of consecutive years (1e-9), the top-ten counts (equal), and the between-council share with
/// its profile-likelihood interval (1e-6; R's root finder on lme4's deviance function). Each
/// council-year adds up; the rank intervals are the same bytes on one core; bad panels are
/// refused in one line.
struct PanelCLITests {
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
    static let args = ["explain", panel, "--panel", "code", "--time", "financial_year", "--label", "name",
                       "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year",
                       "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--justified", "type=council_type",
                       "--justified", "year=financial_year", "--scale", "pop_18p", "--draws", "500", "--seed", "7"]

    /// The fixed part's groups: each one's joint F test with Satterthwaite's df (lmerTest's
    /// `contest(joint = TRUE)`: F 1e-6, df 1e-5), the marginal R² of every subset of groups refitted
    /// by REML and the groups' Shapley shares of it (1e-5: eight REML optima), and with --scale
    /// the pounds above and below per year and for the persistent effects (1e-6; counts equal),
    /// against fixtures/reference/panel_explain.csv (make_panel_explain_reference.R).
    @Test func groupTestsSharesAndPoundsAgainstR() throws {
        let r = try CLI.run(Self.args + ["--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let want = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/panel_explain.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let groups = j["groups"] as! [[String: Any]]
        let names = ["need", "type", "year"]
        for (g, name) in paired(groups, names) {
            #expect(g["name"] as? String == name)
            let number = { (key: String) in (g[key] as! NSNumber).doubleValue }
            #expect(number("num_df") == want["test_\(name)_num_df"]!, "\(name) NumDF")
            #expect(g["test"] as? String == "F" && CLI.close(number("statistic"), want["test_\(name)_f"]!, rel: 1e-6), "\(name) F")
            #expect(CLI.close(number("den_df"), want["test_\(name)_den_df"]!, rel: 1e-5), "\(name) DenDF")
            #expect(CLI.close(number("p_value"), want["test_\(name)_p"]!, rel: 1e-4), "\(name) p")
            #expect(CLI.close(number("share"), want["share_\(name)"]!, rel: 1e-5), "\(name) share: \(number("share"))")
        }
        let subsets = j["subset_r_squared"] as! [[String: Any]]
        #expect(subsets.count == 8)
        for (s, row) in subsets.enumerated().dropFirst() {
            let got = (row["r_squared"] as! NSNumber).doubleValue
            #expect(CLI.close(got, want["r2_\(s)"]!, rel: 1e-5), "subset \(s): \(got)")
        }
        let totals = j["pound_totals"] as! [String: Any]
        let periods = totals["periods"] as! [[String: Any]]
        let years = ["2014-15", "2015-16", "2016-17", "2017-18", "2018-19"]
        func check(_ t: [String: Any], _ prefix: String) {
            for key in ["count_above", "count_below"] { #expect((t[key] as! NSNumber).doubleValue == want["\(prefix)_\(key)"]!, "\(prefix) \(key)") }
            for key in ["above", "below"] {
                let got = (t[key] as! NSNumber).doubleValue
                #expect(CLI.close(got, want["\(prefix)_\(key)"]!, rel: 1e-6), "\(prefix) \(key): \(got)")
            }
        }
        for (t, year) in paired(periods, years) {
            #expect(t["period"] as? String == year)
            check(t, "total_" + year)
        }
        check(totals["persistent"] as! [String: Any], "persistent")
    }

    /// `--persistent-bootstrap N` through the binary: the bootstrap interval columns (per head and,
    /// with --scale, in pounds: the same mean adults as persistent_gbp), the JSON's `boot_low` and
    /// `boot_high` and `persistent_bootstrap`, the text saying what each interval includes, and
    /// the option refused without --panel. (Its coverage of known effects is PersistentBootstrapTests'.)
    @Test func persistentBootstrapColumns() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.args + ["--persistent-bootstrap", "20", "--persistent-out", dir + "/units.csv", "--json", dir + "/s.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("with the fixed effects and variance components taken as known; the bootstrap intervals"), "\(r.stdout)")
        let units = try CLI.records(dir + "/units.csv")
        #expect(units.count == 152)
        for u in units {
            let mode = Double(u["persistent"]!)!, low = Double(u["persistent_boot_low"]!)!, high = Double(u["persistent_boot_high"]!)!
            #expect(low < mode && mode < high, "\(u["code"]!)")
            let adults = Double(u["persistent_gbp"]!)! / mode
            #expect(CLI.close(Double(u["persistent_boot_low_gbp"]!)!, low * adults, rel: 1e-9), "\(u["code"]!)")
        }
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/s.json"))) as! [String: Any]
        #expect((j["persistent_bootstrap"] as? [String: Any])?["replicates"] as? Int == 20)
        let first = (j["units"] as! [[String: Any]])[0]
        #expect(CLI.close((first["boot_low"] as! NSNumber).doubleValue, Double(units[0]["persistent_boot_low"]!)!, rel: 1e-12))
        let refused = try CLI.run(["explain", Self.panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--justified", "need=imd_score",
                                   "--persistent-bootstrap", "20"])
        #expect(refused.status != 0 && refused.stderr.contains("--persistent-bootstrap go with --panel UNIT"), "\(refused.stderr)")
    }

    @Test func panelAgainstR() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.args + ["--out", dir + "/rows.csv", "--persistent-out", dir + "/units.csv", "--json", dir + "/s.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("lies between councils and persists"), "\(r.stdout)")
        let units = Dictionary(uniqueKeysWithValues: try CLI.records(dir + "/units.csv").map { ($0["code"]!, $0) })
        let want = try CLI.records(CLI.fixture("reference/panel_units.csv"))
        #expect(units.count == 152 && want.count == 152)
        for w in want {
            let g = units[w["code"]!]!
            #expect(g["periods"] == w["periods"] && g["periods_above"] == w["above"] && g["periods_below"] == w["below"], "\(w["code"]!)")
            #expect(CLI.close(Double(g["persistent"]!)!, Double(w["persistent"]!)!, rel: 1e-6, abs: 1e-5), "\(w["code"]!)")
            #expect(CLI.close(Double(g["trend_per_period"]!)!, Double(w["trend"]!)!, rel: 1e-6, abs: 1e-6), "\(w["code"]!) trend")
            // Pounds a year: the per-adult effect and its interval times the council's mean adults.
            for key in ["persistent_gbp", "persistent_low_gbp", "persistent_high_gbp"] {
                #expect(CLI.close(Double(g[key]!)!, Double(w[key]!)!, rel: 1e-6, abs: 1e-5 * 1e6), "\(w["code"]!) \(key)")
            }
            #expect(g["rank"] == w["rank"], "\(w["code"]!) rank")
            for y in ["2014-15", "2015-16", "2016-17", "2017-18", "2018-19"] {
                #expect(g["rank_" + y] == (w["rank_" + y] == "NA" ? "" : w["rank_" + y]), "\(w["code"]!) \(y)")
            }
            let low = Int(g["rank_low"]!)!, high = Int(g["rank_high"]!)!, rank = Int(g["rank"]!)!
            #expect(low <= high && low >= 1 && high <= 152)
            #expect(low <= rank + 2 && rank - 2 <= high, "\(w["code"]!): rank \(rank) far outside \(low)–\(high)")
        }
        let summary = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/panel_summary.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/s.json"))) as! [String: Any]
        let share = j["between_share"] as! [String: Double]
        for (key, ref) in [("estimate", "share"), ("low", "share_low"), ("high", "share_high")] {
            #expect(CLI.close(share[key]!, summary[ref]!, rel: 1e-6), "share \(key)")
        }
        let within = j["within_share"] as! [String: Double]
        #expect(CLI.close(within["estimate"]!, 1 - summary["share"]!, rel: 1e-6) && CLI.close(within["low"]!, 1 - summary["share_high"]!, rel: 1e-5)
                && CLI.close(within["high"]!, 1 - summary["share_low"]!, rel: 1e-5))
        let rho = j["period_rank_correlations"] as! [Double]
        #expect(rho.count == 4)
        for (k, x) in rho.enumerated() { #expect(CLI.close(x, summary["rho_\(k + 1)"]!, rel: 1e-9)) }
        #expect((j["top_kept"] as! [Int]).map(Double.init) == ["2014-15", "2015-16", "2016-17", "2017-18", "2018-19"].map { summary["kept_" + $0]! })
        // Every council-year adds up, and its pounds are its per-head amounts times the adults.
        let adults = try CSVReader.read(path: Self.panel)
        let pop = adults.header.firstIndex(of: "pop_18p")!
        for (i, row) in try CLI.records(dir + "/rows.csv").enumerated() where row["note"]!.isEmpty {
            let parts = ["baseline", "effect_need", "effect_type", "effect_year", "persistent", "transient"].map { Double(row[$0]!)! }
            let observed = Double(row["observed"]!)!
            #expect(abs(parts.reduce(0, +) - observed) <= 1e-12 * abs(observed), "row \(i + 1)")
            let unjustified = Double(row["unjustified"]!)!
            #expect(abs(unjustified - (parts[4] + parts[5])) <= 1e-9 * abs(observed), "all groups justified: unjustified = persistent + transient")
            #expect(CLI.close(Double(row["unjustified_gbp"]!)!, unjustified * Double(adults.rows[i][pop])!, rel: 1e-12))
        }
    }

    @Test func sameBytesOnOneCore() throws {
        let dir = try CLI.temporaryDirectory()
        let first = try CLI.run(Self.args + ["--persistent-out", dir + "/a.csv"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset"), "taskset is missing: the one-core run cannot be checked")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
        p.arguments = ["-c", "0", CLI.binary] + Self.args + ["--persistent-out", dir + "/b.csv"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv")), b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.csv"))
        #expect(a == b && !a.isEmpty)
    }

    @Test func badPanelsAreRefused() throws {
        let dir = try CLI.temporaryDirectory()
        let text = try String(contentsOfFile: Self.panel, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert(lines[3], at: 10) // a council-year twice
        let twice = try CLI.write(lines.joined(separator: "\n"), named: "twice.csv", in: dir)
        let formula = "asc_net_spend_per_adult_gbp ~ imd_score + financial_year"
        let cases: [([String], String)] = [
            (["explain", twice, "--panel", "code", "--time", "financial_year", "--formula", formula, "--justified", "all=imd_score,financial_year"],
             "--panel E06000001 appears twice in --time 2016-17 (data rows 3 and 10)"),
            (["explain", Self.panel, "--panel", "code", "--time", "financial_year", "--formula", formula + " + (1 | region)",
              "--justified", "all=imd_score,financial_year"], "random-effect terms with --panel: not defined; the unit's random intercept (1 | unit) is added"),
            (["explain", Self.panel, "--panel", "code", "--formula", formula, "--justified", "all=imd_score,financial_year"], "--panel needs --time"),
            (["explain", Self.panel, "--panel", "nosuch", "--time", "financial_year", "--formula", formula, "--justified", "all=imd_score,financial_year"],
             "no column named 'nosuch'"),
            (["explain", Self.panel, "--panel", "code", "--time", "financial_year", "--formula", formula, "--justified", "all=imd_score,financial_year",
              "--se", "HC3"], "--se HC0 … HC5 with --panel: not defined"),
            // A log response's effects are not pounds per adult: no pound columns from them.
            (["explain", Self.panel, "--panel", "code", "--time", "financial_year", "--formula", "log(asc_net_spend_per_adult_gbp) ~ imd_score + financial_year",
              "--justified", "all=imd_score,financial_year", "--scale", "pop_18p"], "--scale with the response log(asc_net_spend_per_adult_gbp) in a panel explain"),
        ]
        for (arguments, expected) in cases {
            let r = try CLI.run(arguments + ["--out", dir + "/out.csv"])
            #expect(r.status == 1, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(expected), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/out.csv"))
        }
    }
}

/// `varex report --panel`: the page's data equal the run's CSV, it names every council, and in
/// Chromium the chosen council's chart is drawn without console errors.
struct PanelReportTests {
    static func run() throws -> (dir: String, html: String) {
        let dir = try CLI.temporaryDirectory()
        var args = PanelCLITests.args
        args[0] = "report"
        let r = try CLI.run(args + ["--html", dir + "/panel.html", "--out", dir + "/units.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        return (dir, try String(contentsOfFile: dir + "/panel.html", encoding: .utf8))
    }

    @Test func pageDataEqualTheRun() throws {
        let (dir, html) = try Self.run()
        for id in ["findings", "ranking", "years", "persistent", "summary", "notes"] { #expect(html.contains("<section id=\"\(id)\">")) }
        let start = html.range(of: "id=\"panel-data\">")!.upperBound, end = html.range(of: "</script>", range: start..<html.endIndex)!.lowerBound
        let data = try JSONSerialization.jsonObject(with: Data(String(html[start..<end]).utf8)) as! [String: Any]
        let units = data["units"] as! [[String: Any]]
        #expect((data["periods"] as! [String]) == ["2014-15", "2015-16", "2016-17", "2017-18", "2018-19"])
        let table = try CLI.records(dir + "/units.csv")
        #expect(units.count == 152 && table.count == 152)
        for (u, row) in paired(units, table) {
            #expect(u["id"] as? String == row["code"])
            #expect(CLI.close((u["persistent"] as! NSNumber).doubleValue, Double(row["persistent"]!)!, rel: 1e-15))
            let observed = (u["observed"] as! [Any]).compactMap { ($0 as? NSNumber)?.doubleValue }
            #expect(observed.count == Int(row["periods"]!)!)
            let mean = observed.reduce(0, +) / Double(observed.count)
            #expect(CLI.close(mean, Double(row["mean_observed"]!)!, rel: 1e-12))
        }
        // The caterpillar: one dot per council, its title the council's estimate and interval.
        let svg = html.components(separatedBy: "<svg id=\"chart-persistent\"")[1].components(separatedBy: "</svg>")[0]
        #expect(svg.components(separatedBy: "<circle").count - 1 == 152)
        #expect(svg.contains("<title>City of London: 400.6 (381.5 to 419.7)</title>"))
    }

    @Test(.enabled(if: ReportTests.chromium != nil || ReportTests.chromiumRequired, "Chromium is not installed (scripts/test.sh installs it)"))
    func drawsInChromium() throws {
        let chromium = try #require(ReportTests.chromium, "VAREX_REQUIRE_CHROMIUM is set but Chromium is not installed")
        let (dir, _) = try Self.run()
        let (dom, console) = try CLI.chromiumDOM(chromium, page: dir + "/panel.html", dir: dir)
        #expect(console.isEmpty, "console messages: \(console)")
        #expect(dom.contains("<div id=\"years-chart\" role=\"img\" aria-live=\"polite\"><svg"))
        #expect(dom.contains("Hartlepool: observed 2014-15 £405"), "the first council's chart, with its values in the text alternative")
        #expect(dom.components(separatedBy: "<option").count - 1 == 152)
    }

    /// A period, a council's name and a group's name are data: markup in them stays text when
    /// the page's script draws the chart (issue 19: a time value ran as HTML through the
    /// chart's innerHTML). The first period and Hartlepool's name carry an element that would
    /// mark the page if it were ever parsed as markup.
    @Test(.enabled(if: ReportTests.chromium != nil || ReportTests.chromiumRequired, "Chromium is not installed (scripts/test.sh installs it)"))
    func dataInTheChartsStaysText() throws {
        let chromium = try #require(ReportTests.chromium, "VAREX_REQUIRE_CHROMIUM is set but Chromium is not installed")
        let dir = try CLI.temporaryDirectory()
        let payload = "<img src=x onerror=document.body.classList.add(1)>"
        var text = try String(contentsOfFile: PanelCLITests.panel, encoding: .utf8)
        text = text.replacingOccurrences(of: ",2014-15,", with: ",\(payload)2014-15,")
        text = text.replacingOccurrences(of: ",Hartlepool,", with: ",</script><svg onload=document.body.classList.add(2)>Hartlepool,")
        let data = try CLI.write(text, named: "panel.csv", in: dir)
        var args = PanelCLITests.args
        args[0] = "report"
        args[1] = data
        let r = try CLI.run(args + ["--html", dir + "/panel.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let (page, console) = try CLI.chromiumDOM(chromium, page: dir + "/panel.html", dir: dir)
        #expect(console.isEmpty, "console messages: \(console)")
        // The page's data block is JSON, not markup: what is in it is checked by the parse below.
        let parts = page.components(separatedBy: "id=\"panel-data\">")
        #expect(parts.count == 2)
        let json = parts[1].components(separatedBy: "</script>")[0]
        let units = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect((units["units"] as! [[String: Any]]).count == 152, "the data block ends where it should")
        let dom = parts[0] + parts[1].components(separatedBy: "</script>").dropFirst().joined(separator: "</script>")
        #expect(dom.contains("<div id=\"years-chart\" role=\"img\" aria-live=\"polite\"><svg"), "the chart was drawn")
        #expect(dom.contains("&lt;img src=x onerror"), "the period is shown as text")
        #expect(!dom.contains("<img src=\"x\""), "an element was made from a period")
        #expect(!dom.contains("<svg onload"), "an element was made from a council's name")
        #expect(!dom.contains("class=\"1") && !dom.contains("class=\"2"), "a script from the data ran")
    }

    /// `--funnel-indicator` in a panel report: one point per council from the last period's rows
    /// (2018-19), whose funnel is R's on the 2018-19 file (fixtures/reference/funnel_ascof_1a*.csv):
    /// as many points as R's rows, and the target, φ and τ² R gives, as the page prints them.
    @Test func funnelOfTheLastPeriod() throws {
        let dir = try CLI.temporaryDirectory()
        var args = PanelCLITests.args
        args[0] = "report"
        let r = try CLI.run(args + ["--html", dir + "/panel.html", "--funnel-indicator", "ascof_1a", "--funnel-moe", "ascof_1a_moe"])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/panel.html", encoding: .utf8)
        #expect(html.contains("One point per council: the 2018-19 values."))
        let ref = try CLI.records(CLI.fixture("reference/funnel_ascof_1a.csv"))
        let chart = html.components(separatedBy: "id=\"chart-funnel\"").dropFirst().first?.components(separatedBy: "</svg>").first ?? ""
        #expect(chart.components(separatedBy: "<circle").count - 1 == ref.count)
        var stats: [String: Double] = [:]
        for row in try CLI.records(CLI.fixture("reference/funnel_ascof_1a_stats.csv")) { stats[row["name"]!] = Double(row["value"]!) }
        let line = "target \(NumberFormat.significant(stats["target"]!, 5)), φ = \(NumberFormat.significant(stats["phi"]!, 4)), "
            + "τ² = \(NumberFormat.significant(stats["tau2"]!, 4))"
        #expect(html.contains(line), "\(line)")
    }
}

/// The spec keys `panel` and `time`: `explain --spec` runs the panel; `rank`, `snapshot` and
/// `verify`, which would ignore them, refuse the spec with one line.
struct PanelSpecTests {
    @Test func panelFromSpec() throws {
        let dir = try CLI.temporaryDirectory()
        let spec = """
            data: \(PanelCLITests.panel)
            label: name
            formula: asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year
            panel: code
            time: financial_year
            justified:
              need: [imd_score, I(100 * pop_65p/pop_18p)]
              type: [council_type]
              year: [financial_year]
            scale: pop_18p
            """
        let path = try CLI.write(spec, named: "panel.yaml", in: dir)
        let fromSpec = try CLI.run(["explain", "--spec", path, "--persistent-out", dir + "/a.csv", "--draws", "500", "--seed", "7"])
        #expect(fromSpec.status == 0, "\(fromSpec.stderr)")
        let fromFlags = try CLI.run(PanelCLITests.args + ["--persistent-out", dir + "/b.csv"])
        #expect(fromFlags.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv")) == Data(contentsOf: URL(fileURLWithPath: dir + "/b.csv")))
        for command in [["rank", "--spec", path], ["snapshot", path, "--out", dir + "/snap"]] {
            let r = try CLI.run(command)
            #expect(r.status == 1 && r.stderr.contains("the spec's panel is not for"), "\(command): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
    }
}
