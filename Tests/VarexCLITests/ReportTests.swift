import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex report`: the HTML's numbers equal the CSV written by the same run, the page needs no
/// network, its charts have text alternatives, and (where Chromium is installed) it opens with
/// no console errors and the script draws the waterfall.
struct ReportTests {
    static func run() throws -> (dir: String, html: String, csv: String) {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                             "--formula", "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type",
                             "--justified", "need=log(pop_85p/pop_18p),imd_score", "--unjustified", "type=council_type",
                             "--scale", "pop_18p", "--bootstrap", "200",
                             "--funnel-indicator", "ascof_3a", "--funnel-denominator", "ascof_3a_base",
                             "--html", dir + "/report.html", "--out", dir + "/report.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        return (dir, try String(contentsOfFile: dir + "/report.html", encoding: .utf8),
                try String(contentsOfFile: dir + "/report.csv", encoding: .utf8))
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// scripts/test.sh installs Chromium and sets VAREX_REQUIRE_CHROMIUM: there a missing browser fails.
    static let chromiumRequired = ProcessInfo.processInfo.environment["VAREX_REQUIRE_CHROMIUM"] != nil

    /// The report's per-council numbers against R (`lm` on the same formula, fixtures/reference/
    /// councils_report_residuals.csv): observed, fitted and residual to 1e-9 relative.
    @Test func reportNumbersEqualR() throws {
        let (_, _, csv) = try Self.run()
        let got = try CSVReader.parse(Array(csv.utf8), file: "report.csv")
        let ref = try CSVReader.read(path: CLI.fixture("reference/councils_report_residuals.csv"))
        #expect(got.rows.count == ref.rows.count)
        var compared = 0
        for name in ["observed", "fitted", "residual"] {
            let g = got.header.firstIndex(of: name)!, r = ref.header.firstIndex(of: name)!
            for (a, b) in paired(got.rows, ref.rows) where b[r] != "NA" {
                #expect(a[0] == b[0])
                let x = try #require(Double(a[g]), "\(a[0]) \(name): '\(a[g])'"), y = Double(b[r])!
                #expect(abs(x - y) <= 1e-9 * max(abs(y), 1e-3), "\(a[0]) \(name): \(x) vs R \(y)")
                compared += 1
            }
        }
        #expect(compared == 3 * 152)
    }

    /// The page's full table (every column of the CSV), from its opening tag to its end.
    static func fullTable(_ html: String) -> Substring {
        let start = html.range(of: "<table id=\"full-table\">")!.lowerBound
        return html[start..<html.range(of: "</table>", range: start..<html.endIndex)!.upperBound]
    }

    /// The full table's rows are in the ranking's order (rank 1 first, rows without a rank last)
    /// and every number in it equals the CSV's, row by row matched by id.
    @Test func htmlNumbersEqualTheCSV() throws {
        let (_, html, csv) = try Self.run()
        let table = Self.fullTable(html)
        let body = table[table.range(of: "<tbody>")!.upperBound..<table.range(of: "</tbody>")!.lowerBound]
        let htmlRows = body.split(separator: "\n").filter { $0.hasPrefix("<tr>") }
        let parsed = try CSVReader.parse(Array(csv.utf8), file: "report.csv")
        let rank = parsed.header.firstIndex(of: "rank")!
        let byID = Dictionary(uniqueKeysWithValues: parsed.rows.map { ($0[0], $0) })
        #expect(htmlRows.count == 152 && parsed.rows.count == 152)
        let ids = htmlRows.map { String($0.dropFirst("<tr><td>".count).prefix { $0 != "<" }) }
        let ranks = ids.map { Int(byID[$0]![rank]) ?? Int.max }
        #expect(ranks == ranks.sorted() && ranks.first == 1, "rows in rank order")
        var compared = 0
        for (h, id) in zip(htmlRows, ids) {
            let c = try #require(byID[id], "\(id) is not in the CSV")
            let cells = h.components(separatedBy: "<td").dropFirst()
            // Every numeric cell's data-v equals the CSV's number exactly.
            for (j, cell) in cells.enumerated() {
                guard let r = cell.range(of: "data-v=\""), j < c.count else { continue }
                let value = cell[r.upperBound...].prefix { $0 != "\"" }
                let x = try #require(Double(value), "column \(j): '\(value)' is not a number"), y = try #require(Double(c[j]), "column \(j): '\(c[j])'")
                #expect(x == y, "column \(j): \(value) vs \(c[j])")
                compared += 1
            }
        }
        #expect(compared > 152 * 20)
    }

    /// The funnel plot's x-axis is the denominator the user gave, every dot is named, and exactly
    /// the councils outside the 99.8% limits (by `varex funnel`'s own CSV) are labelled on it;
    /// the table has readable titles (the CSV name in the tooltip) and its pounds, percentages
    /// and probabilities read as £29.3m, 27.2% and 12.5%, written out here by arithmetic.
    @Test func readableFunnelAndTable() throws {
        let (_, html, _) = try Self.run()
        let funnel = html[html.range(of: "<svg id=\"chart-funnel\"")!.lowerBound...].prefix { _ in true }
        let svg = String(funnel[..<funnel.range(of: "</svg>")!.upperBound])
        #expect(svg.contains("class=\"axis\">ASCOF 3A base (count)</text>") && svg.contains("class=\"axis\">ASCOF 3A (%)</text>"))
        let f = try CLI.run(["funnel", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                             "--indicator", "ascof_3a", "--denominator", "ascof_3a_base"])
        let t = try CSVReader.parse(Array(f.stdout.utf8), file: "funnel.csv")
        let outside = t.header.firstIndex(of: "outside")!
        let plotted = t.rows.filter { $0.last == "" }
        #expect(svg.components(separatedBy: "<circle").count - 1 == plotted.count)
        for row in plotted { #expect(svg.contains("data-label=\"\(row[1])\"")) }
        let wide = Set(t.rows.filter { $0[outside].hasSuffix("99.8%") }.map { $0[1] })
        let labelled = Set(svg.components(separatedBy: "class=\"outlier\">").dropFirst().map { String($0.prefix { $0 != "<" }) })
        #expect(!wide.isEmpty && labelled == wide, "\(labelled) vs \(wide)")

        #expect(html.contains("<th scope=\"col\" title=\"unjustified_gbp\">Unjustified (£)</th>"))
        #expect(html.contains("<th scope=\"col\" title=\"unjustified_pct\">Unjustified (%)</th>"))
        let table = Self.fullTable(html)
        let header = table[table.range(of: "<thead><tr>")!.upperBound..<table.range(of: "</tr></thead>")!.lowerBound]
        let names = header.components(separatedBy: "title=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        let body = table[table.range(of: "<tbody>")!.upperBound..<table.range(of: "</tbody>")!.lowerBound]
        var checked = 0
        for line in body.split(separator: "\n") where line.hasPrefix("<tr>") {
            let cells = line.components(separatedBy: "<td").dropFirst()
            for (j, cell) in cells.enumerated() {
                guard let r = cell.range(of: "data-v=\"") else { continue }
                let v = Double(cell[r.upperBound...].prefix { $0 != "\"" })!
                let shown = String(cell[cell.range(of: ">")!.upperBound...].prefix { $0 != "<" })
                let name = names[j]
                if name.hasSuffix("_gbp") {
                    let a = abs(v), sign = v < 0 ? "-" : ""
                    let want = a >= 1e9 ? String(format: "%@£%.2fbn", sign, a / 1e9) : a >= 1e6 ? String(format: "%@£%.1fm", sign, a / 1e6)
                        : a >= 1e3 ? String(format: "%@£%.1fk", sign, a / 1e3) : String(format: "%@£%.0f", sign, a)
                    #expect(shown == want, "\(name): \(shown) vs \(want)")
                    checked += 1
                } else if name.hasSuffix("_pct") {
                    #expect(shown == String(format: "%.1f%%", v), "\(name)")
                    checked += 1
                } else if name.hasPrefix("p_") {
                    #expect(shown == String(format: "%.1f%%", 100 * v), "\(name)")
                    checked += 1
                }
            }
        }
        #expect(checked > 152 * 8)
    }

    @Test func selfContainedWithTextAlternatives() throws {
        let (_, html, _) = try Self.run()
        #expect(!html.contains("<link") && !html.contains(" src=") && !html.contains("https://"))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://") == false)
        for id in ["chart-shares", "chart-funnel", "chart-ranks"] {
            #expect(html.contains("<svg id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\""))
            #expect(html.contains("<desc id=\"\(id)-desc\">"))
        }
        #expect(html.contains("id=\"waterfall-data\"") && html.contains("id=\"full-table\""))
    }

    @Test(.enabled(if: chromium != nil || chromiumRequired, "Chromium is not installed (scripts/test.sh installs it)"))
    func opensInChromiumWithoutConsoleErrors() throws {
        let chromium = try #require(Self.chromium, "VAREX_REQUIRE_CHROMIUM is set but Chromium is not installed")
        let (dir, _, _) = try Self.run()
        let (dom, console) = try CLI.chromiumDOM(chromium, page: dir + "/report.html", dir: dir)
        #expect(console.isEmpty, "console messages: \(console)")
        // The script ran: the waterfall's SVG exists in the live DOM, with its text alternative.
        #expect(dom.contains("<div id=\"waterfall-chart\" role=\"img\" aria-live=\"polite\"><svg"))
        #expect(dom.contains("Waterfall for Hartlepool"))
    }
}

/// `report --family poisson`: the GLM's page. Its table's unjustified amounts and ranks are the
/// explain and rank outputs checked against R elsewhere; here: the risk-adjusted funnel drawn from
/// the model's own counts has the target, φ and τ² of R's (fixtures/reference/funnel_oe_stats.csv,
/// the same Poisson model), each council's waterfall adds up to its observed count (baseline +
/// steps + residual, 1e-9), the CSV and workbook are written, and in Chromium the page runs
/// without console errors and draws the waterfall.
struct GLMReportTests {
    static func run() throws -> (dir: String, html: String) {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name", "--family", "poisson",
                             "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))",
                             "--justified", "need=imd_score", "--unjustified", "type=council_type", "--bootstrap", "100",
                             "--html", dir + "/report.html", "--out", dir + "/report.csv", "--xlsx", dir + "/report.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        return (dir, try String(contentsOfFile: dir + "/report.html", encoding: .utf8))
    }

    @Test func riskAdjustedFunnelAndWaterfallsAddUp() throws {
        let (dir, html) = try Self.run()
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/funnel_oe_stats.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        #expect(html.contains("Observed / expected against expected count; target \(NumberFormat.significant(stats["target"]!, 5)), φ = \(NumberFormat.significant(stats["phi"]!, 4)), τ² = \(NumberFormat.significant(stats["tau2"]!, 4))"), "funnel line")
        #expect(FileManager.default.fileExists(atPath: dir + "/report.xlsx"))
        let csv = try CLI.records(dir + "/report.csv")
        #expect(csv.count == 152 && csv[0]["rank_low"] != nil)
        let start = html.range(of: "id=\"waterfall-data\">")!.upperBound
        let end = html.range(of: "</script>", range: start..<html.endIndex)!.lowerBound
        let data = try JSONSerialization.jsonObject(with: Data(html[start..<end].replacingOccurrences(of: "<\\/", with: "</").utf8)) as! [String: Any]
        let councils = data["councils"] as! [[String: Any]]
        #expect(councils.count == 152)
        for c in councils {
            let steps = (c["effects"] as! [NSNumber]).map(\.doubleValue)
            let total = (c["baseline"] as! NSNumber).doubleValue + steps.reduce(0, +) + (c["residual"] as! NSNumber).doubleValue
            let observed = (c["observed"] as! NSNumber).doubleValue
            #expect(CLI.close(total, observed, rel: 1e-9, abs: 1e-9), "\(c["id"]!)")
        }
    }

    @Test(.enabled(if: ReportTests.chromium != nil || ReportTests.chromiumRequired, "Chromium is not installed (scripts/test.sh installs it)"))
    func opensInChromiumWithoutConsoleErrors() throws {
        let chromium = try #require(ReportTests.chromium, "VAREX_REQUIRE_CHROMIUM is set but Chromium is not installed")
        let (dir, _) = try Self.run()
        let (dom, console) = try CLI.chromiumDOM(chromium, page: dir + "/report.html", dir: dir)
        #expect(console.isEmpty, "console messages: \(console)")
        #expect(dom.contains("<div id=\"waterfall-chart\" role=\"img\" aria-live=\"polite\"><svg"))
        #expect(dom.contains("Waterfall for Hartlepool"))
    }
}

/// `report` with random-effect terms: the page's sections, its table's amounts against R's lmer
/// (fixtures/reference/mixed_explain_rows.csv, the region justified: 1e-6 of the largest), the
/// rank intervals around the median ranks, the waterfall's steps adding up to each observed
/// value, the funnel asked for, and the workbook. Refused before ("not in this version").
struct MixedReportTests {
    @Test func mixedReportAgainstR() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                             "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + (1 | region)",
                             "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--justified", "place=(1 | region)",
                             "--unjustified", "type=council_type", "--bootstrap", "200", "--html", dir + "/r.html", "--out", dir + "/r.csv",
                             "--xlsx", dir + "/r.xlsx", "--funnel-indicator", "ascof_1a", "--funnel-moe", "ascof_1a_moe"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        for section in ["id=\"findings\"", "id=\"ranking\"", "id=\"summary\"", "id=\"funnel\"", "id=\"ranks\"", "id=\"waterfall\"", "id=\"notes\"", "draws of the fixed"] {
            #expect(page.contains(section), "\(section)")
        }
        #expect(!page.contains(" NaN "))
        let t = try CLI.records(dir + "/r.csv")
        let want = try CLI.records(CLI.fixture("reference/mixed_explain_rows.csv")).filter { $0["case"] == "place_justified" }
        let scale = want.map { abs(Double($0["unjustified"]!)!) }.max()!
        #expect(t.count == 152 && want.count == 152)
        for (g, w) in paired(t, want) {
            #expect(g["code"] == w["code"])
            #expect(abs(Double(g["unjustified"]!)! - Double(w["unjustified"]!)!) <= 1e-6 * scale, "\(w["code"]!)")
            let steps = Double(g["baseline"]!)! + ["need", "place", "type"].reduce(0.0) { $0 + Double(g["effect_" + $1]!)! } + Double(g["residual"]!)!
            #expect(abs(steps - Double(g["observed"]!)!) <= 1e-9 * Double(g["observed"]!)!, "\(w["code"]!) adds up")
            let low = Double(g["rank_low"]!)!, high = Double(g["rank_high"]!)!, median = Double(g["median_rank"]!)!
            #expect(low <= median && median <= high)
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/r.xlsx"))
    }
}
