import Foundation
import Testing
import Varex
import VarexAnalysis
import ZIPFoundation

/// `varex explain --panel code --time financial_year --family binomial` (a panel through a GLMM,
/// lme4's glmer with a random intercept per council) on ASCOF 2B1's counts, against
/// fixtures/reference/make_glmm_panel_reference.R. Tolerances as GLMMCLITests: glmer's own
/// rows and modes 5e-6 (its optimum is ~1e-6 from the polished one), conditional SDs 2e-5, the
/// groups' Wald χ² 2e-5 (the exact Hessian), the shares and subsets of the deviance explained
/// 1e-6 absolute (differences of tight refits' deviances, each to ~1e-7), the between share on
/// the latent scale 5e-6 (θ to 1e-6) and its profile interval 1e-5 against the exact profile (R's root on its
/// own profile, each point an optimisation over β), 2e-3 against lme4's `confint` (a spline
/// through a coarse profile).
struct PanelGLMMTests {
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
    static let pair = "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num)"
    static let args = ["explain", panel, "--panel", "code", "--time", "financial_year", "--label", "name", "--family", "binomial",
                       "--formula", pair + " ~ imd_score + I(100 * pop_65p/pop_18p) + financial_year",
                       "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--unjustified", "year=financial_year",
                       "--scale", "ascof_2b1_den", "--draws", "200"]

    static func number(_ v: Any?) -> Double { (v as? NSNumber)?.doubleValue ?? .nan }

    @Test func againstGlmer() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.args + ["--json", "-", "--out", dir + "/rows.csv", "--persistent-out", dir + "/units.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("3 of 760 rows left out"), "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let fit = j["fit"] as! [String: Any]
        #expect(fit["kind"] as? String == "panel" && fit["family"] as? String == "binomial" && fit["n"] as? Int == 757)
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/glmm_panel_stats.csv")).map { ($0["name"]!, Double($0["value"]!)!) })

        // Groups: Wald χ² and shares of the deviance explained beyond (1 | code).
        let groups = j["groups"] as! [[String: Any]]
        #expect(groups.count == 2)
        for (g, name) in paired(groups, ["need", "year"]) {
            #expect(g["name"] as? String == name && g["test"] as? String == "chisq")
            #expect(Self.number(g["num_df"]) == stats["df_\(name)"]!, "\(name) df")
            #expect(CLI.close(Self.number(g["statistic"]), stats["chisq_\(name)"]!, rel: 2e-5), "\(name) χ²")
            #expect(CLI.close(Self.number(g["p_value"]), stats["p_\(name)"]!, rel: 1e-3), "\(name) p")
            #expect(abs(Self.number(g["share"]) - stats["share_\(name)"]!) <= 1e-6, "\(name) share \(Self.number(g["share"]))")
        }
        let subsets = (j["subset_deviance_explained"] as! [Any]).map(Self.number)
        #expect(subsets.count == 4)
        for (s, v) in subsets.enumerated() { #expect(abs(v - stats["subset_\(s)"]!) <= 1e-6, "subset \(s): \(v)") }
        #expect(abs(Self.number(j["deviance_explained"]) - stats["deviance_explained"]!) <= 1e-6)
        #expect(CLI.close(Self.number(j["baseline_link"]), stats["baseline"]!, rel: 5e-6))

        // The between share on the latent scale, and its profile interval.
        let share = j["between_share"] as! [String: Any]
        #expect(CLI.close(Self.number(share["estimate"]), stats["share"]!, rel: 5e-6), "share \(Self.number(share["estimate"]))")
        for (key, ref) in [("low", "share_low"), ("high", "share_high")] {
            #expect(CLI.close(Self.number(share[key]), stats[ref]!, rel: 1e-5), "share \(key) \(Self.number(share[key])) vs \(stats[ref]!)")
            #expect(CLI.close(Self.number(share[key]), stats[ref + "_lme4"]!, rel: 2e-3), "share \(key) vs lme4's confint")
        }

        // Per council-year: the split, levels on the response scale.
        let rows = try CLI.records(dir + "/rows.csv")
        #expect(rows.count == 760)
        let used = rows.filter { !$0["fitted"]!.isEmpty }
        let want = try CLI.records(CLI.fixture("reference/glmm_panel_rows.csv"))
        #expect(used.count == want.count && want.count == 757)
        #expect(rows.filter { $0["note"]!.hasPrefix("left out: missing") }.count == 3)
        for (row, w) in paired(used, want) {
            #expect(row["code"] == w["code"] && row["financial_year"] == w["financial_year"])
            #expect(CLI.close(Double(row["observed"]!)!, Double(w["observed"]!)!, rel: 1e-14))
            for (mine, theirs, tol) in [("fitted", "fitted", 5e-6), ("linear_predictor", "eta", 5e-6), ("baseline", "baseline", 5e-6),
                                        ("justified", "justified", 5e-6)] {
                #expect(CLI.close(Double(row[mine]!)!, Double(w[theirs]!)!, rel: tol), "\(w["code"]!) \(mine)")
            }
            for column in ["effect_need", "effect_year", "effect_need_response", "effect_year_response", "persistent", "persistent_link",
                           "transient", "unjustified"] {
                #expect(abs(Double(row[column]!)! - Double(w[column]!)!) <= 5e-6, "\(w["code"]!) \(w["financial_year"]!) \(column)")
            }
            // The levels add up on the response scale: observed = justified + unjustified.
            #expect(abs(Double(row["justified"]!)! + Double(row["unjustified"]!)! - Double(row["observed"]!)!) <= 1e-12)
        }

        // Per council: the persistent effect (link scale) with its conditional SD, the amount a
        // year on the response scale, the counts, the trend.
        let units = try CLI.records(dir + "/units.csv")
        let wantUnits = try CLI.records(CLI.fixture("reference/glmm_panel_units.csv"))
        #expect(units.count == 152 && wantUnits.count == 152)
        for (u, w) in paired(units, wantUnits) {
            #expect(u["code"] == w["code"])
            let code = w["code"]!
            #expect(abs(Double(u["persistent"]!)! - Double(w["mode"]!)!) <= 5e-6, "\(code) mode")
            #expect(CLI.close(Double(u["persistent_sd"]!)!, Double(w["cond_sd"]!)!, rel: 2e-5), "\(code) sd")
            #expect(u["periods"] == w["periods"])
            #expect(CLI.close(Double(u["mean_observed"]!)!, Double(w["mean_observed"]!)!, rel: 1e-13), "\(code) mean observed")
            #expect(CLI.close(Double(u["mean_justified"]!)!, Double(w["mean_justified"]!)!, rel: 5e-6), "\(code) mean justified")
            #expect(u["periods_above"] == w["periods_above"] && u["periods_below"] == w["periods_below"], "\(code) above/below")
            #expect(abs(Double(u["trend_per_period"]!)! - Double(w["trend"]!)!) <= 5e-6, "\(code) trend")
            for (mine, theirs) in [("persistent_response", "persistent_response"), ("persistent_response_low", "response_low"),
                                   ("persistent_response_high", "response_high")] {
                #expect(abs(Double(u[mine]!)! - Double(w[theirs]!)!) <= 5e-6, "\(code) \(mine)")
            }
            #expect(abs(Double(u["persistent_gbp"]!)! - Double(w["persistent_scaled"]!)!) <= 5e-6 * 2_000, "\(code) persistent_gbp")
        }
    }

    /// A Poisson panel has no latent scale of constant variance: its between share is null in
    /// the JSON and the text says why; the rest runs (the persistent effects on the log scale).
    @Test func aPoissonPanelHasNoBetweenShare() throws {
        let r = try CLI.run(["explain", Self.panel, "--panel", "code", "--time", "financial_year", "--family", "poisson",
                             "--formula", "ascof_2a2_num ~ imd_score + financial_year + offset(log(pop_65p))",
                             "--justified", "need=imd_score", "--unjustified", "year=financial_year", "--draws", "50", "--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let share = j["between_share"] as! [String: Any]
        #expect(share["estimate"] is NSNull && share["low"] is NSNull && share["high"] is NSNull)
        let text = try CLI.run(["explain", Self.panel, "--panel", "code", "--time", "financial_year", "--family", "poisson",
                                "--formula", "ascof_2a2_num ~ imd_score + financial_year + offset(log(pop_65p))",
                                "--justified", "need=imd_score", "--unjustified", "year=financial_year", "--draws", "50"])
        #expect(text.stdout.contains("The between share is not defined here: the log link of this family has no latent scale"))
    }

    /// The report and the workbook of a panel GLMM: the page's model section is the GLMM's,
    /// its per-unit table the units table; the workbook has both sheets.
    @Test func reportAndWorkbook() throws {
        let dir = try CLI.temporaryDirectory()
        let report = Array(Self.args.dropFirst()).filter { $0 != "--scale" && $0 != "ascof_2b1_den" }
        let r = try CLI.run(["report"] + report + ["--html", dir + "/r.html", "--out", dir + "/units.csv", "--xlsx", dir + "/p.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(page.contains("Generalized linear mixed model fit by maximum likelihood (Laplace Approximation)"))
        #expect(page.contains("Persistent effect on the logit scale"))
        let units = try CLI.records(dir + "/units.csv")
        #expect(units.count == 152 && units[0]["persistent_response"] != nil)
        let archive = try Archive(url: URL(fileURLWithPath: dir + "/p.xlsx"), accessMode: .read)
        var workbook = Data()
        _ = try archive.extract(archive["xl/workbook.xml"]!) { workbook.append($0) }
        let names = String(decoding: workbook, as: UTF8.self)
        #expect(names.contains("name=\"Council-periods\"") && names.contains("name=\"Councils\""), "\(names)")
    }
}
