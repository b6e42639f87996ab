import Foundation
import Testing
import Varex

/// `--subset EXPR` (and the spec's `subset:`) against R's `subset` argument
/// (fixtures/reference/subset.csv, make_subset_reference.R): `&`, `|` with a missing value
/// (NA rows left out), `!`, `%in%`, arithmetic, text comparisons; a linear model, a GLM and a
/// mixed model; levels seen only outside the subset dropped, as lm's drop.unused.levels.
struct SubsetTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
    static let cases: [String: [String]] = [
        "lm_and": [councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                   "--subset", "imd_score > 20 & council_type != \"County\""],
        "lm_or_na": [councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--subset", "ascof_1j > 20 | imd_score > 30"],
        "lm_not_arith": [councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                         "--subset", "!(region %in% c(\"London\", \"South East\")) & (pop_85p / pop_65p > 0.2 | imd_score >= 25)"],
        "glm_poisson": [councils, "--family", "poisson", "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))",
                        "--subset", "council_type == 'County' | region == \"London\""],
        // The councils joined to their rurality, in memory (StreamJoinTests reads it in blocks).
        "lm_join": [councils, "--id", "code", "--join", CLI.fixture("councils/rurality_2011.csv"),
                    "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + pct_rural_2011 + council_type"],
        "lmer_years": [panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + financial_year + (1 | code)",
                       "--subset", "financial_year == \"2017-18\" | financial_year == \"2018-19\""],
        // A panel explanation (not a subset): a council-level file joined on the unit, two
        // councils excluded with every one of their years.
        "panel_join_exclude": [panel, "--panel", "code", "--time", "financial_year", "--draws", "20",
                               "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + pct_rural_2011 + financial_year",
                               "--justified", "all=imd_score,pct_rural_2011,financial_year",
                               "--join", CLI.fixture("councils/rurality_2011.csv"), "--exclude", "E09000001", "--exclude", "E06000053"],
    ]

    @Test func againstR() throws {
        let rows = try CSVReader.read(path: CLI.fixture("reference/subset.csv")).rows
        #expect(Set(rows.map { $0[0] }) == Set(Self.cases.keys))
        for (name, line) in Self.cases.sorted(by: { $0.key < $1.key }) {
            let ref = rows.filter { $0[0] == name }
            let r = try CLI.run([name.hasPrefix("panel") ? "explain" : "fit"] + line + ["--json", "-"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let top = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let j = (top["fit"] as? [String: Any]) ?? top
            #expect(j["n"] as? Int == Int(ref[0][1]), "\(name): nobs \(j["n"]!) vs \(ref[0][1])")
            let coefficients = j["coefficients"] as! [[String: Any]]
            // lme4's optimiser stops at its own tolerance: its estimates agree to about 1e-7.
            let rel = name.hasPrefix("lmer") || name.hasPrefix("panel") ? 1e-6 : 1e-9
            for (row, c) in paired(ref, coefficients) {
                #expect(c["term"] as? String == row[2], "\(name)")
                for (key, k) in [("estimate", 3), ("std_error", 4)] {
                    let mine = (c[key] as! NSNumber).doubleValue, want = Double(row[k])!
                    #expect(abs(mine - want) <= rel * max(abs(want), 1e-3), "\(name) \(row[2]) \(key): \(mine) vs \(want)")
                }
            }
        }
    }

    /// The left-out rows stay in the residual table with a note; explain takes the same flag;
    /// a spec's `subset:` is the flag's.
    @Test func rowsOutsideTheSubsetAreNotedAndSpecsTakeIt() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit", Self.councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score",
                             "--subset", "region == \"London\"", "--residuals", dir + "/res.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let table = try CSVReader.read(path: dir + "/res.csv")
        let note = table.header.firstIndex(of: "note")!
        #expect(table.rows.count == 152)
        #expect(table.rows.filter { $0[note] == "out of sample: outside the subset" }.count == 152 - 33)
        let spec = try CLI.write("data: \(Self.councils)\nid: code\nformula: asc_net_spend_per_adult_gbp ~ imd_score\nsubset: region == \"London\"\n",
                                 named: "spec.yaml", in: dir)
        let s = try CLI.run(["fit", "--spec", spec, "--json", "-"])
        let j = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any]
        #expect(j["n"] as? Int == 33, "\(s.stderr)")
        let e = try CLI.run(["explain", Self.councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score",
                             "--justified", "need=imd_score", "--subset", "region == \"London\"", "--out", dir + "/explain.csv"])
        #expect(e.status == 0, "\(e.stderr)")
    }

    /// Bad conditions are errors naming what is wrong; nothing is written.
    @Test func badConditionsAreClear() throws {
        let dir = try CLI.temporaryDirectory()
        let cases: [(String, String)] = [
            ("nosuch > 3", "no column named 'nosuch'"),
            ("region > 3", "region"),
            ("imd_score + 3", "expected a comparison"),
            ("imd_score > 3 &", "expected a number, a column or '('"),
            ("(imd_score > 3", "')'"),
        ]
        for (condition, expected) in cases {
            let r = try CLI.run(["fit", Self.councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--subset", condition,
                                 "--residuals", dir + "/out.csv"])
            #expect(r.status == 1 && r.stderr.contains(expected), "\(condition): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/out.csv"))
        }
    }
}
