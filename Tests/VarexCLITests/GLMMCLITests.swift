import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex fit` with random-effect terms and `--family` (a GLMM, lme4's glmer by the Laplace
/// approximation) through the binary, against fixtures/reference/make_glmm_reference.R:
/// binomial count pairs and proportions with weights, Poisson with an offset, crossed terms, a
/// random slope, a probit link with an absorbed factor, and a subset. Tolerances: the
/// estimates within 1e-5 of their SE of the reference optimum (glmer's, tightened, then
/// polished on the exact Laplace deviance), θ 1e-6 absolute (the deviance is flat to 1e-12
/// there), −2 log L 1e-7 absolute, SEs 2e-5 relative against the exact Laplace Hessian and
/// 1e-3 against lme4's own vcov (a step of 1e-4 on a deviance whose PIRLS stops at 1e-7: it
/// moves in the fourth digit, 5e-4 on the panel), and glmer's fitted values, residuals and
/// modes (at its own optimum, ~1e-6 from the polished one) 5e-6, the modes' conditional SDs
/// 2e-5 (they move with θ, which the crossed case's four-level factor leaves flat).
struct GLMMCLITests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let pair = "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num)"
    static let cases: [(String, [String])] = [
        ("binomial_pair", ["--family", "binomial", "--formula", pair + " ~ imd_score + I(100 * pop_65p/pop_18p) + (1 | region)"]),
        ("binomial_weights", ["--family", "binomial", "--weights", "ascof_2b1_den",
                              "--formula", "I(ascof_2b1_num/ascof_2b1_den) ~ imd_score + I(100 * pop_65p/pop_18p) + (1 | region)"]),
        ("poisson_offset", ["--family", "poisson", "--formula", "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region)"]),
        ("poisson_crossed", ["--family", "poisson",
                             "--formula", "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region) + (1 | council_type)"]),
        ("poisson_slope", ["--family", "poisson", "--formula", "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 + imd_score | region)"]),
        ("probit_absorbed", ["--family", "binomial", "--link", "probit", "--absorb", "council_type",
                             "--formula", pair + " ~ imd_score + (1 | region)"]),
        ("panel", ["--family", "binomial",
                   "--formula", pair + " ~ imd_score + financial_year + (1 | code)"]),
        ("subset", ["--family", "poisson", "--subset", "council_type != \"County\"",
                    "--formula", "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region)"]),
    ]

    static func number(_ v: Any?) -> Double { (v as? NSNumber)?.doubleValue ?? .nan }

    /// The data and row naming of a case: the five-year panel (a council in five rows, so its
    /// code kept rather than an id) for "panel", the 2018-19 councils by code otherwise.
    static func data(_ name: String) -> [String] {
        name == "panel" ? [CLI.fixture("councils/asc_panel_2014_2019.csv"), "--keep", "code"] : [Self.councils, "--id", "code"]
    }

    @Test(arguments: cases.map(\.0))
    func againstGlmer(_ name: String) throws { try Self.check(name, extra: []) }

    /// With `--stream` (the file read in blocks, the model's columns kept): glmer's numbers
    /// still, with weights, a subset and crossed terms.
    @Test(arguments: ["binomial_weights", "poisson_crossed", "subset"])
    func streamedAgainstGlmer(_ name: String) throws { try Self.check(name, extra: ["--stream", "--block-mb", "1"]) }

    static func check(_ name: String, extra: [String]) throws {
        let args = Self.cases.first { $0.0 == name }!.1 + extra
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit"] + Self.data(name) + ["--json", "-", "--residuals", dir + "/rows.csv",
                             "--ranef", dir + "/ranef.csv"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(j["kind"] as? String == "glmm" && j["method"] as? String == "Laplace")
        let stats = try CLI.records(CLI.fixture("reference/glmm_stats.csv")).filter { $0["case"] == name }
        #expect(stats.count == 1)
        let s = stats[0]
        #expect(j["n"] as? Int == Int(s["n"]!)!)
        let theta = (j["theta"] as! [Any]).map(Self.number), want = s["theta"]!.split(separator: ";").map { Double($0)! }
        #expect(theta.count == want.count)
        for (a, b) in paired(theta, want) { #expect(abs(a - b) <= 1e-6, "θ \(a) \(b)") }
        #expect(abs(Self.number(j["deviance"]) - Double(s["deviance"]!)!) <= 1e-7, "deviance")
        #expect(abs(Self.number(j["log_likelihood"]) - Double(s["loglik"]!)!) <= 1e-7, "logLik")
        #expect(abs(Self.number(j["aic"]) - Double(s["aic"]!)!) <= 1e-7 && abs(Self.number(j["bic"]) - Double(s["bic"]!)!) <= 1e-7)
        #expect(CLI.close(Self.number(j["deviance_residual_sum"]), Double(s["drsum"]!)!, rel: 1e-7), "drsum")

        let coefficients = j["coefficients"] as! [[String: Any]]
        let fixef = try CLI.records(CLI.fixture("reference/glmm_coefficients.csv")).filter { $0["case"] == name }
        #expect(coefficients.count == fixef.count && !fixef.isEmpty)
        for (c, w) in paired(coefficients, fixef) {
            let term = w["term"]!, se = Double(w["std_error"]!)!
            #expect(c["term"] as? String == term)
            #expect(abs(Self.number(c["estimate"]) - Double(w["estimate"]!)!) <= 1e-5 * se, "\(term)")
            #expect(CLI.close(Self.number(c["std_error"]), se, rel: 2e-5), "\(term) se")
            #expect(CLI.close(Self.number(c["std_error"]), Double(w["std_error_lme4"]!)!, rel: 1e-3), "\(term) se (lme4's vcov)")
            #expect(CLI.close(Self.number(c["statistic"]), Double(w["statistic"]!)!, rel: 2e-5, abs: 2e-5), "\(term) z")
            #expect(CLI.close(Self.number(c["p_value"]), Double(w["p_value"]!)!, rel: 1e-3, abs: 1e-300), "\(term) p")
            #expect(c["df"] is NSNull, "\(term): a z test has no df")
        }

        // Per row: conditional and population-level means, η, Pearson and deviance residuals.
        let rows = try CLI.records(dir + "/rows.csv").filter { !$0["fitted"]!.isEmpty }
        let wantRows = try CLI.records(CLI.fixture("reference/glmm_rows.csv")).filter { $0["case"] == name }
        #expect(rows.count == wantRows.count && rows.count == Int(s["n"]!)!)
        for (row, w) in paired(rows, wantRows) {
            #expect(row["code"] == w["code"])
            #expect(CLI.close(Double(row["fitted"]!)!, Double(w["fitted"]!)!, rel: 5e-6))
            #expect(CLI.close(Double(row["marginal_fitted"]!)!, Double(w["marginal_fitted"]!)!, rel: 5e-6))
            #expect(CLI.close(Double(row["linear_predictor"]!)!, Double(w["eta"]!)!, rel: 5e-6))
            #expect(CLI.close(Double(row["pearson_residual"]!)!, Double(w["pearson"]!)!, rel: 1e-5, abs: 1e-5))
            #expect(CLI.close(Double(row["deviance_residual"]!)!, Double(w["deviance"]!)!, rel: 1e-5, abs: 1e-5))
        }

        // Conditional modes and SDs, by group, level and effect.
        let modes = try CLI.records(dir + "/ranef.csv")
        let ranef = try CLI.records(CLI.fixture("reference/glmm_ranef.csv")).filter { $0["case"] == name }
        #expect(modes.count == ranef.count && !ranef.isEmpty)
        let byKey = Dictionary(uniqueKeysWithValues: modes.map { ("\($0["group"]!)|\($0["level"]!)|\($0["effect"]!)", $0) })
        for w in ranef {
            let key = "\(w["group"]!)|\(w["level"]!)|\(w["effect"]!)"
            guard let g = byKey[key] else { Issue.record("no mode for \(key)"); continue }
            #expect(abs(Double(g["mode"]!)! - Double(w["mode"]!)!) <= 5e-6, "\(key)")
            #expect(CLI.close(Double(g["cond_sd"]!)!, Double(w["cond_sd"]!)!, rel: 2e-5), "\(key) sd")
        }
    }

    /// `--save-model` then `varex predict` on the panel's 2016-17 rows: lme4's `predict.merMod`
    /// conditional means and linear predictors (1e-6 relative: glmer's optimum), the population
    /// linear predictor and its SE √(x'Vx) at the reference optimum (1e-6, 2e-5), the response
    /// scale's delta-method SE and interval made from them, and the observed counts beside.
    @Test(arguments: ["poisson_offset", "poisson_slope"])
    func savedModelPredictsAsPredictMerMod(_ name: String) throws {
        let args = Self.cases.first { $0.0 == name }!.1
        let dir = try CLI.temporaryDirectory()
        let fit = try CLI.run(["fit", Self.councils, "--id", "code", "--save-model", dir + "/model.json"] + args)
        #expect(fit.status == 0, "\(fit.stderr)")
        let panel = try CLI.records(CLI.fixture("councils/asc_panel_2014_2019.csv"))
        let header = "code,financial_year,imd_score,pop_65p,region,council_type,ascof_2a2_num"
        let lines = panel.filter { $0["financial_year"] == "2016-17" }.map { r in
            header.split(separator: ",").map { k in
                let v = r[String(k)]!
                return v.contains(" ") || v.contains(",") ? "\"\(v)\"" : v
            }.joined(separator: ",")
        }
        try ([header] + lines).joined(separator: "\n").appending("\n").write(toFile: dir + "/new.csv", atomically: true, encoding: .utf8)
        let r = try CLI.run(["predict", dir + "/model.json", dir + "/new.csv", "--id", "code", "--out", dir + "/pred.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try CLI.records(dir + "/pred.csv")
        let want = try CLI.records(CLI.fixture("reference/glmm_predict.csv")).filter { $0["case"] == name }
        #expect(got.count == want.count && want.count == 152)
        let z = 1.959963984540054
        for (g, w) in paired(got, want) {
            #expect(g["code"] == w["code"])
            let popLink = Double(w["fit_population_link"]!)!, se = Double(w["se_fit_population_link"]!)!
            #expect(CLI.close(Double(g["fit"]!)!, Double(w["fit"]!)!, rel: 1e-6), "\(w["code"]!)")
            #expect(CLI.close(Double(g["fit_link"]!)!, Double(w["fit_link"]!)!, rel: 1e-6))
            #expect(CLI.close(Double(g["fit_population_link"]!)!, popLink, rel: 1e-6))
            #expect(CLI.close(Double(g["se_fit_population_link"]!)!, se, rel: 2e-5))
            #expect(CLI.close(Double(g["fit_population"]!)!, exp(popLink), rel: 1e-6))
            #expect(CLI.close(Double(g["se_fit_population"]!)!, exp(popLink) * se, rel: 2e-5))
            #expect(CLI.close(Double(g["ci95_low"]!)!, exp(popLink - z * se), rel: 1e-6))
            #expect(CLI.close(Double(g["ci95_high"]!)!, exp(popLink + z * se), rel: 1e-6))
            #expect(Double(g["error"]!)! == Double(g["observed"]!)! - Double(g["fit"]!)!)
        }
        #expect(r.stderr.contains("against the 152 observed values in the file"), "\(r.stderr)")
    }

    /// `varex anova` of GLMM formulas: lme4's likelihood-ratio table of glmer fits (counts
    /// first, then the log-likelihoods to 1e-7 absolute, χ² 1e-6 and p 1e-5 relative).
    @Test func anovaOfGLMMsAsLme4() throws {
        let formulas = ["ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region)",
                        "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region) + (1 | council_type)",
                        "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 + imd_score | region)"]
        let r = try CLI.run(["anova", Self.councils, "--family", "poisson", "--json", "-"] + formulas.flatMap { ["--formula", $0] })
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(j["test"] as? String == "LRT")
        let rows = j["rows"] as! [[String: Any]]
        let want = try CLI.records(CLI.fixture("reference/glmm_anova.csv"))
        #expect(rows.count == want.count && want.count == 3)
        for (g, w) in paired(rows, want) {
            #expect(g["npar"] as? Int == Int(w["npar"]!)!)
            #expect(abs(Self.number(g["log_likelihood"]) - Double(w["loglik"]!)!) <= 1e-7)
            #expect(abs(Self.number(g["aic"]) - Double(w["aic"]!)!) <= 1e-6)
            if w["chisq"] == "NA" { #expect(g["statistic"] is NSNull); continue }
            #expect(CLI.close(Self.number(g["statistic"]), Double(w["chisq"]!)!, rel: 1e-6))
            #expect(Self.number(g["df"]) == Double(w["df"]!)!)
            #expect(CLI.close(Self.number(g["p_value"]), Double(w["p_value"]!)!, rel: 1e-5))
        }
    }

    /// `--anova`: car's Type III Wald χ² table (the intercept and each term, a factor's columns
    /// jointly), against the same χ² with the exact covariance (5e-5 relative) and car's own
    /// with lme4's vcov (5e-4); counts first.
    @Test(arguments: ["poisson_crossed", "probit_absorbed"])
    func anovaAsCarTypeIII(_ name: String) throws {
        let args = Self.cases.first { $0.0 == name }!.1
        let r = try CLI.run(["fit", Self.councils, "--id", "code", "--anova", "--json", "-"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let anova = j["anova"] as! [String: Any]
        #expect(anova["type"] as? String == "III" && anova["method"] as? String == "Wald chi-square")
        let rows = anova["rows"] as! [[String: Any]]
        let want = try CLI.records(CLI.fixture("reference/glmm_anova3.csv")).filter { $0["case"] == name }
        #expect(rows.count == want.count && !want.isEmpty)
        for (g, w) in paired(rows, want) {
            #expect(g["term"] as? String == w["term"])
            #expect(g["df"] as? Int == Int(w["df"]!)!)
            #expect(CLI.close(Self.number(g["chisq"]), Double(w["chisq"]!)!, rel: 5e-5), "\(w["term"]!)")
            #expect(CLI.close(Self.number(g["chisq"]), Double(w["chisq_car"]!)!, rel: 5e-4), "\(w["term"]!) (car)")
            #expect(CLI.close(Self.number(g["p_value"]), Double(w["p_value"]!)!, rel: 1e-3, abs: 1e-300), "\(w["term"]!) p")
        }
        let text = try CLI.run(["fit", Self.councils, "--anova"] + args)
        #expect(text.stdout.contains("Analysis of Deviance Table (Type III Wald chisquare tests)"))
    }

    /// `--dfbetas all`: lme4's `dfbetas(influence(fit))` of the glmer fit, each council deleted
    /// and the GLMM refitted; against tight refits polished on the exact Laplace deviance in R
    /// (1e-5 absolute, DFBETAS of order 0.1) and lme4's own (whose refits stop at maxfun 1000 and
    /// whose SEs carry its PIRLS tolerance: 2e-3); counts first.
    @Test func dfbetasAsLme4Influence() throws {
        let args = Self.cases.first { $0.0 == "binomial_pair" }!.1
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit", Self.councils, "--id", "code", "--residuals", dir + "/rows.csv", "--dfbetas", "all"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try CLI.records(dir + "/rows.csv")
        let want = try CLI.records(CLI.fixture("reference/glmm_dfbetas.csv"))
        #expect(rows.count == want.count && want.count == 152)
        let terms = ["(Intercept)", "imd_score", "I(100 * pop_65p/pop_18p)"]
        #expect(terms.allSatisfy { rows[0]["dfbetas_" + $0] != nil })
        for (g, w) in paired(rows, want) {
            #expect(g["code"] == w["code"])
            for t in terms {
                let v = Double(g["dfbetas_" + t]!)!
                #expect(abs(v - Double(w["dfbetas_" + t]!)!) <= 1e-5, "\(w["code"]!) \(t)")
                #expect(abs(v - Double(w["lme4_" + t]!)!) <= 2e-3, "\(w["code"]!) \(t) (lme4's)")
            }
        }
    }

    /// Families without a likelihood, or with a scale, are refused with a reason and no output.
    @Test func familiesTheLaplaceFitDoesNotTake() throws {
        let dir = try CLI.temporaryDirectory()
        for (family, says) in [("quasipoisson", "no likelihood"), ("Gamma", "binomial or Poisson")] {
            let r = try CLI.run(["fit", Self.councils, "--family", family, "--json", dir + "/out.json",
                                 "--formula", "ascof_2a2_num ~ imd_score + (1 | region)"])
            #expect(r.status == 1 && r.stderr.contains(says), "\(family): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/out.json"))
        }
    }
}
