import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex explain --family` with random-effect terms (a GLMM's decomposition) through the
/// binary, against fixtures/reference/make_glmm_reference.R (glmm_explain_*.csv): per council
/// the baseline, η, each group's effect on the link and response scales, the region's part,
/// the justified level and the unjustified amount (1e-5 relative, 1e-6 absolute: glmer's
/// modes are within ~1e-6 of the optimum); the groups' Wald χ² (2e-5, the exact covariance),
/// and the Shapley shares of the deviance explained beyond the random terms from glmer refits
/// of every subset of groups (1e-6 absolute: −2 log L to 1e-7 over a deviance of ~800).
struct GLMMExplainTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let cases: [(String, [String], [String])] = [
        ("binomial", ["--family", "binomial", "--higher-is", "better", "--formula",
                      "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + (1 | region)",
                      "--justified", "need=imd_score,I(100 * pop_65p/pop_18p),(1 | region)", "--unjustified", "type=council_type"],
         ["need", "type"]),
        ("poisson", ["--family", "poisson", "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(pop_65p)) + (1 | region)",
                     "--justified", "need=imd_score", "--unjustified", "type=council_type", "--unjustified", "place=(1 | region)"],
         ["need", "type"]),
    ]

    static func number(_ v: Any?) -> Double { (v as? NSNumber)?.doubleValue ?? .nan }

    @Test(arguments: cases.map(\.0))
    func againstR(_ name: String) throws {
        let (_, args, groups) = Self.cases.first { $0.0 == name }!
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["explain", Self.councils, "--id", "code", "--out", dir + "/rows.csv", "--json", "-",
                             "--sensitivity-out", dir + "/sens.csv", "--xlsx", dir + "/explain.xlsx"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/glmm_explain_stats.csv"))
            .filter { $0["case"] == name }.map { ($0["name"]!, Double($0["value"]!)!) })
        #expect(stats.count >= 10)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((j["fit"] as! [String: Any])["kind"] as? String == "glmm")
        #expect(CLI.close(Self.number(j["baseline_link"]), stats["baseline"]!, rel: 1e-6))
        #expect(abs(Self.number(j["deviance_explained"]) - stats["deviance_explained"]!) <= 1e-6)
        // Varex's subsets run over every group, a group of random terms only among them (it
        // changes no refit); R's over the fixed groups `groups`.
        let names = (j["groups"] as! [[String: Any]]).map { $0["name"] as! String }
        let subsets = (j["subset_deviance_explained"] as! [Any]).map(Self.number)
        #expect(subsets.count == 1 << names.count)
        for (k, v) in subsets.enumerated() {
            let bits = groups.enumerated().reduce(0) { sum, g in
                let i = names.firstIndex(of: g.element)!
                return sum + (k & (1 << i) != 0 ? 1 << g.offset : 0)
            }
            #expect(abs(v - stats["subset_\(bits)"]!) <= 1e-6, "subset \(k)")
        }
        let jg = (j["groups"] as! [[String: Any]]).filter { groups.contains($0["name"] as! String) }
        #expect(jg.count == groups.count)
        for g in jg {
            let n = g["name"] as! String
            #expect(abs(Self.number(g["share"]) - stats["share_\(n)"]!) <= 1e-6, "\(n) share")
            #expect(g["test"] as? String == "chisq" && Self.number(g["num_df"]) == stats["df_\(n)"]!)
            #expect(CLI.close(Self.number(g["statistic"]), stats["chisq_\(n)"]!, rel: 2e-5), "\(n) χ²")
            #expect(CLI.close(Self.number(g["p_value"]), stats["p_\(n)"]!, rel: 1e-3), "\(n) p")
        }

        let rows = try CLI.records(dir + "/rows.csv")
        let want = try CLI.records(CLI.fixture("reference/glmm_explain_rows.csv")).filter { $0["case"] == name }
        #expect(rows.count == want.count && rows.count == 152)
        for (g, w) in paired(rows, want) {
            #expect(g["code"] == w["code"])
            for (mine, theirs) in [("linear_predictor", "eta"), ("random_region", "random_region"), ("justified", "justified"),
                                   ("unjustified", "unjustified")] + groups.flatMap({ [("effect_\($0)_response", "effect_\($0)_response")] }) {
                #expect(CLI.close(Double(g[mine]!)!, Double(w[theirs]!)!, rel: 1e-5, abs: 1e-6), "\(w["code"]!) \(mine)")
            }
            // effect_<g> on the link scale holds the random terms the group names.
            let needWithRandom = name == "binomial" ? Double(w["effect_need"]!)! + Double(w["random_region"]!)! : Double(w["effect_need"]!)!
            #expect(CLI.close(Double(g["effect_need"]!)!, needWithRandom, rel: 1e-5, abs: 1e-6))
            #expect(CLI.close(Double(g["effect_type"]!)!, Double(w["effect_type"]!)!, rel: 1e-5, abs: 1e-6))
        }
        // The sensitivity table: the ranks under every assignment of the groups.
        let sens = try CLI.records(dir + "/sens.csv")
        #expect(sens.count == 152)
        #expect(sens.allSatisfy { $0["rank"] == rows[sens.firstIndex(of: $0)!]["rank"] })
        #expect(FileManager.default.fileExists(atPath: dir + "/explain.xlsx"))
    }

    /// `varex rank` with a GLMM: the unjustified amounts of R's decomposition (1e-5), the point
    /// ranks their competition ranks, every interval around its point rank; the intervals'
    /// calibration is GLMMRankCoverageTests'.
    @Test func ranksOfTheDecomposition() throws {
        let (_, args, _) = Self.cases.first { $0.0 == "poisson" }!
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["rank", Self.councils, "--id", "code", "--bootstrap", "200", "--out", dir + "/ranks.csv"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("fixed effects and conditional modes drawn"))
        let rows = try CLI.records(dir + "/ranks.csv")
        let want = try CLI.records(CLI.fixture("reference/glmm_explain_rows.csv")).filter { $0["case"] == "poisson" }
        #expect(rows.count == want.count && rows.count == 152)
        let unjustified = want.map { Double($0["unjustified"]!)! }
        let ranks = Ranking.competition(unjustified, descending: true)
        for (k, (g, w)) in paired(rows, want).enumerated() {
            #expect(g["code"] == w["code"])
            #expect(CLI.close(Double(g["unjustified"]!)!, unjustified[k], rel: 1e-5, abs: 1e-6))
            #expect(Int(g["rank"]!)! == ranks[k], "\(w["code"]!)")
            let low = Int(g["rank_low"]!)!, high = Int(g["rank_high"]!)!, rank = Int(g["rank"]!)!
            #expect(low <= rank + 2 && rank - 2 <= high && low <= high, "\(w["code"]!): \(low)–\(high) around \(rank)")
        }
    }
}

/// `report --family poisson` with random-effect terms: the page's sections; the funnel of
/// observed over the population-level expected counts with R's target, φ and τ²
/// (glmm_explain_stats.csv, printed to 5 and 4 significant digits); the table's unjustified
/// amounts against R's decomposition (1e-5); each waterfall adding up to its observed count;
/// the rank intervals around the medians; the CSV and workbook written.
struct GLMMReportTests {
    @Test func reportAgainstR() throws {
        let (_, args, _) = GLMMExplainTests.cases.first { $0.0 == "poisson" }!
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", GLMMExplainTests.councils, "--id", "code", "--label", "name", "--bootstrap", "100",
                             "--html", dir + "/r.html", "--out", dir + "/r.csv", "--xlsx", dir + "/r.xlsx"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        for section in ["id=\"findings\"", "id=\"ranking\"", "id=\"summary\"", "id=\"funnel\"", "id=\"ranks\"", "id=\"waterfall\"", "id=\"notes\"", "draws of the fixed"] {
            #expect(html.contains(section), "\(section)")
        }
        #expect(!html.contains(" NaN "))
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/glmm_explain_stats.csv"))
            .filter { $0["case"] == "poisson" }.map { ($0["name"]!, Double($0["value"]!)!) })
        #expect(html.contains("Observed / expected against expected count; target \(NumberFormat.significant(stats["funnel_target"]!, 5)), φ = \(NumberFormat.significant(stats["funnel_phi"]!, 4)), τ² = \(NumberFormat.significant(stats["funnel_tau2"]!, 4))"), "funnel line")
        let t = try CLI.records(dir + "/r.csv")
        let want = try CLI.records(CLI.fixture("reference/glmm_explain_rows.csv")).filter { $0["case"] == "poisson" }
        #expect(t.count == 152 && want.count == 152)
        for (g, w) in paired(t, want) {
            #expect(g["code"] == w["code"])
            #expect(CLI.close(Double(g["unjustified"]!)!, Double(w["unjustified"]!)!, rel: 1e-5, abs: 1e-6), "\(w["code"]!)")
            let low = Double(g["rank_low"]!)!, high = Double(g["rank_high"]!)!, median = Double(g["median_rank"]!)!
            #expect(low <= median && median <= high)
        }
        let start = html.range(of: "id=\"waterfall-data\">")!.upperBound
        let end = html.range(of: "</script>", range: start..<html.endIndex)!.lowerBound
        let data = try JSONSerialization.jsonObject(with: Data(html[start..<end].replacingOccurrences(of: "<\\/", with: "</").utf8)) as! [String: Any]
        let councils = data["councils"] as! [[String: Any]]
        #expect(councils.count == 152)
        for c in councils {
            let steps = (c["effects"] as! [NSNumber]).map(\.doubleValue)
            let total = (c["baseline"] as! NSNumber).doubleValue + steps.reduce(0, +) + (c["residual"] as! NSNumber).doubleValue
            #expect(CLI.close(total, (c["observed"] as! NSNumber).doubleValue, rel: 1e-9, abs: 1e-9), "\(c["id"]!)")
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/r.xlsx"))
    }
}

/// `varex funnel --formula` with random-effect terms and a count family: observed over the
/// GLMM's population-level expected counts; target (1e-6), φ and τ² (1e-4: the fit's
/// precision through the winsorised z) against R (glmm_explain_stats.csv), one row per council.
struct GLMMFunnelTests {
    @Test func funnelOfTheGLMMsExpectedCounts() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["funnel", GLMMExplainTests.councils, "--id", "code", "--family", "poisson", "--formula",
                             "ascof_2a2_num ~ imd_score + council_type + offset(log(pop_65p)) + (1 | region)", "--out", dir + "/f.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/glmm_explain_stats.csv"))
            .filter { $0["case"] == "poisson" }.map { ($0["name"]!, Double($0["value"]!)!) })
        let rows = try CLI.records(dir + "/f.csv")
        #expect(rows.count == 152)
        #expect(rows.allSatisfy { CLI.close(Double($0["target"]!)!, stats["funnel_target"]!, rel: 1e-6) })
        #expect(r.stderr.contains("φ = \(NumberFormat.significant(stats["funnel_phi"]!, 4))") && r.stderr.contains("τ² = \(NumberFormat.significant(stats["funnel_tau2"]!, 4))"), "\(r.stderr)")
    }
}
