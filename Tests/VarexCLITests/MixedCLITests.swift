import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex fit` with random-effect terms through the binary: the JSON, the residual table and
/// the conditional-mode table on the council panel against lme4 and lmerTest
/// (fixtures/reference/make_mixed_reference.R; tolerances as in MixedModelTests: 1e-6 relative,
/// 1e-6 of the SE for estimates, 1e-5 for Satterthwaite df), and every refusal with one line
/// and exit 1.
struct MixedCLITests {
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year + (1 | code)"

    /// `--reference` applies to the fixed part of a mixed model, as R's relevel (issue 19: it
    /// was refused, "'council_type' is not a categorical variable of the model"); a variable
    /// in no part of the model is still refused.
    @Test func referenceLevelOfTheFixedPartAgainstLme4() throws {
        let formula = "ascof_3a ~ council_type + imd_score + (1 | code)"
        let r = try CLI.run(["fit", Self.panel, "--formula", formula, "--reference", "council_type=Metropolitan District", "--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let fixef = try CLI.records(CLI.fixture("reference/mixed_panel_reference_fixef.csv"))
        #expect(fixef.count == 5)
        for (c, w) in paired(j["coefficients"] as! [[String: Any]], fixef) {
            #expect(c["term"] as? String == w["term"])
            let se = Double(w["se"]!)!
            #expect(CLI.close((c["estimate"] as! NSNumber).doubleValue, Double(w["estimate"]!)!, rel: 1e-6, abs: 1e-6 * se), "\(w["term"]!)")
            #expect(CLI.close((c["std_error"] as! NSNumber).doubleValue, se, rel: 1e-6), "\(w["term"]!) se")
        }
        let unknown = try CLI.run(["fit", Self.panel, "--formula", formula, "--reference", "region=London"])
        #expect(unknown.status == 1 && unknown.stderr.contains("'region' is not a categorical variable of the model"), "\(unknown.stderr)")
    }

    /// In memory, and with `--stream` (the file read in blocks, only the model's columns kept).
    @Test(arguments: [[], ["--stream"]])
    func panelThroughTheBinaryAgainstLme4(_ extra: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit", Self.panel, "--formula", Self.formula, "--keep", "code", "--json", "-",
                             "--residuals", dir + "/rows.csv", "--ranef", dir + "/ranef.csv"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 of 760 rows left out"))
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(j["method"] as? String == "REML" && j["n"] as? Int == 759 && j["singular"] as? Bool == false)
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/mixed_panel_stats.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        for (key, ref) in [("criterion", "criterion"), ("log_likelihood", "logLik"), ("aic", "AIC"), ("bic", "BIC"), ("sigma", "sigma")] {
            #expect(CLI.close((j[key] as! NSNumber).doubleValue, stats[ref]!, rel: 1e-6), "\(key)")
        }
        let fixef = try CLI.records(CLI.fixture("reference/mixed_panel_fixef.csv"))
        for (c, w) in paired(j["coefficients"] as! [[String: Any]], fixef) {
            #expect(c["term"] as? String == w["term"])
            let se = Double(w["se"]!)!
            #expect(CLI.close((c["estimate"] as! NSNumber).doubleValue, Double(w["estimate"]!)!, rel: 1e-6, abs: 1e-6 * se), "\(w["term"]!)")
            #expect(CLI.close((c["std_error"] as! NSNumber).doubleValue, se, rel: 1e-6), "\(w["term"]!) se")
            #expect(CLI.close((c["df"] as! NSNumber).doubleValue, Double(w["df"]!)!, rel: 1e-5), "\(w["term"]!) df")
            #expect(CLI.close((c["p_value"] as! NSNumber).doubleValue, Double(w["p"]!)!, rel: 1e-4), "\(w["term"]!) p")
        }
        // Conditional modes and SDs, by council.
        let modes = Dictionary(uniqueKeysWithValues: try CLI.records(dir + "/ranef.csv").map { ($0["level"]!, $0) })
        let ranef = try CLI.records(CLI.fixture("reference/mixed_panel_ranef.csv"))
        #expect(modes.count == ranef.count && ranef.count == 152)
        for w in ranef {
            let g = modes[w["level"]!]!
            #expect(CLI.close(Double(g["mode"]!)!, Double(w["condval"]!)!, rel: 1e-6, abs: 1e-5), "\(w["level"]!)")
            #expect(CLI.close(Double(g["cond_sd"]!)!, Double(w["condsd"]!)!, rel: 1e-6), "\(w["level"]!) sd")
            let low = Double(g["ci_low"]!)!, mode = Double(g["mode"]!)!, sd = Double(g["cond_sd"]!)!
            #expect(abs(mode - low - 1.959963984540054 * sd) <= 1e-9 * sd)
        }
        // Per row: conditional and marginal fitted values and residuals; the left-out row noted.
        let rows = try CLI.records(dir + "/rows.csv")
        #expect(rows.count == 760)
        let want = try CLI.records(CLI.fixture("reference/mixed_panel_rows.csv"))
        var k = 0
        for (i, row) in rows.enumerated() {
            guard k < want.count, Int(want[k]["row"]!)! == i + 1 else {
                #expect(row["note"]!.hasPrefix("left out: missing")); continue
            }
            #expect(CLI.close(Double(row["fitted"]!)!, Double(want[k]["fitted"]!)!, rel: 1e-6))
            #expect(CLI.close(Double(row["marginal_fitted"]!)!, Double(want[k]["marginal"]!)!, rel: 1e-6))
            #expect(CLI.close(Double(row["residual"]!)!, Double(want[k]["residual"]!)!, rel: 1e-6, abs: 1e-4))
            // The split adds up: observed = marginal fitted + council effect + residual.
            let sum = Double(row["marginal_fitted"]!)! + Double(row["random_code"]!)! + Double(row["residual"]!)!
            #expect(abs(sum - Double(row["observed"]!)!) <= 1e-9 * abs(sum))
            k += 1
        }
        #expect(k == want.count)
    }

    @Test func singularFitIsSaid() throws {
        let r = try CLI.run(["fit", CLI.fixture("lme4/Dyestuff2.csv"), "--formula", "Yield ~ 1 + (1 | Batch)"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: boundary (singular) fit"))
        #expect(r.stdout.contains("warning: boundary (singular) fit"))
        let ml = try CLI.run(["fit", CLI.fixture("lme4/Dyestuff.csv"), "--formula", "Yield ~ 1 + (1 | Batch)", "--ml", "--format", "json"])
        let j = try JSONSerialization.jsonObject(with: Data(ml.stdout.utf8)) as! [String: Any]
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/mixed_dyestuff_ml_stats.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        #expect(j["method"] as? String == "ML")
        #expect(CLI.close((j["criterion"] as! NSNumber).doubleValue, stats["criterion"]!, rel: 1e-9))
    }

    @Test(arguments: [
        (["Yield ~ 1 + (1 | Batch)"], "one level", "lme4/one-level.csv"),
        (["Reaction ~ Days + (1 + nosuch | Subject)"], "no column named 'nosuch'", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 | nosuch)"], "no column named 'nosuch'", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days * (1 | Subject)"], "a summand of its own", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 | )"], "no grouping factor", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 | Subject | Days)"], "one bar per random-effect term", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 | Reaction)"], "needs fewer levels than rows", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 + Days + I(Days^2) + I(Days^3) + I(Days^4) + I(Days^5) + I(Days^6) + I(Days^7) + I(Days^8) + I(Days^9) | Subject)"],
         "cannot both be estimated", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + I(2 * Days) + (1 | Subject)"], "linearly dependent", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 | Subject)", "--se", "HC1"], "--se HC0 … HC5 with random-effect terms: not defined", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 | Subject)", "--family", "quasipoisson"], "the quasipoisson family has no likelihood for the Laplace approximation", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days + (1 | Subject)", "--family", "poisson", "--se", "HC1"], "--se HC0 … HC5 with random-effect terms and --family: not defined", "lme4/sleepstudy.csv"),
        (["Reaction ~ Days", "--ml"], "--ml needs random-effect terms", "lme4/sleepstudy.csv"),
        (["y ~ 1 + (1 | g)"], "3001 random effects in all", "many-groups.csv"),
    ] as [([String], String, String)])
    func refusedWithOneLine(_ arguments: [String], _ expected: String, _ data: String) throws {
        let dir = try CLI.temporaryDirectory()
        let path: String
        switch data {
        case "lme4/one-level.csv": path = try CLI.write("Yield,Batch\n1,A\n2,A\n3,A\n5,A\n", named: "one-level.csv", in: dir)
        case "many-groups.csv":
            // 3,001 groups of three rows: more random effects than the dense factorisation takes.
            let rows = (0..<9003).map { i in "\(i / 3),\(Double((i * 7919) % 101) / 10)" }
            path = try CLI.write("g,y\n" + rows.joined(separator: "\n") + "\n", named: "many-groups.csv", in: dir)
        default: path = CLI.fixture(data)
        }
        let r = try CLI.run(["fit", path, "--formula"] + arguments + ["--residuals", dir + "/out.csv"])
        #expect(r.status == 1, "\(arguments): \(r.stderr)")
        #expect(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.csv"))
    }
}

/// `fit --anova` with random-effect terms: lmerTest's `anova(fit)` (Type III, equal to Type II
/// for terms no interaction contains), F with Satterthwaite's denominator df from contestMD's
/// per-direction df, against fixtures/reference/mixed_anova.csv (make_mixed_anova_reference.R).
/// The df come from numerical derivatives on both sides: 1e-5 relative, as the coefficients' df.
struct MixedFTableTests {
    @Test func fTablesAsLmerTest() throws {
        let want = try CLI.records(CLI.fixture("reference/mixed_anova.csv"))
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let council = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year + (1 | code)"
        let cases: [(String, [String])] = [
            ("panel", [panel, "--formula", council]), ("panel_ml", [panel, "--formula", council, "--ml"]),
            ("panel_crossed", [panel, "--formula", "ascof_3a ~ imd_score + council_type + (1 | code) + (1 | financial_year)"]),
            ("sleepstudy", [CLI.fixture("lme4/sleepstudy.csv"), "--formula", "Reaction ~ Days + (Days | Subject)"]),
        ]
        for (name, args) in cases {
            let r = try CLI.run(["fit"] + args + ["--anova", "--json", "-"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let anova = json["anova"] as! [String: Any]
            #expect(anova["type"] as? String == "III" && anova["method"] as? String == "Satterthwaite")
            let rows = anova["rows"] as! [[String: Any]]
            for (got, w) in paired(rows, want.filter { $0["model"] == name }) {
                #expect(got["term"] as? String == w["term"], "\(name)")
                #expect((got["num_df"] as! NSNumber).intValue == Int(w["num_df"]!)!, "\(name) \(w["term"]!) NumDF")
                for (key, column, rel) in [("den_df", "den_df", 1e-5), ("f", "f", 1e-6), ("sum_sq", "sum_sq", 1e-6), ("mean_sq", "mean_sq", 1e-6),
                                           ("p_value", "p_value", 1e-4)] {
                    let g = (got[key] as! NSNumber).doubleValue, e = Double(w[column]!)!
                    #expect(CLI.close(g, e, rel: rel), "\(name) \(w["term"]!) \(key): \(g) vs \(e)")
                }
            }
        }
        let text = try CLI.run(["fit", panel, "--formula", council, "--anova"])
        #expect(text.stdout.contains("Type III Analysis of Variance Table with Satterthwaite's method"), "\(text.stdout)")
    }

    /// Terms inside interactions get lmerTest's Type III contrasts (factor × factor, numeric ×
    /// factor and numeric × numeric interactions; fixtures/reference/mixed_anova3.csv,
    /// make_mixed_anova3_reference.R): counts first, then the same tolerances (lmerTest rounds
    /// its contrasts to 7 digits).
    @Test func typeIIIInsideInteractionsAsLmerTest() throws {
        let want = try CLI.records(CLI.fixture("reference/mixed_anova3.csv"))
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let sleep = CLI.fixture("lme4/sleepstudy.csv")
        let cases = [("factor_factor", panel, "asc_net_spend_per_adult_gbp ~ council_type * financial_year + (1 | code)"),
                     ("numeric_factor", panel, "asc_net_spend_per_adult_gbp ~ imd_score * council_type + financial_year + (1 | code)"),
                     // Numeric × numeric: neither main effect is contained (their numeric variables differ).
                     ("numeric_numeric", sleep, "Reaction ~ Days * Subject + (1 | Subject)")]
        for (name, data, formula) in cases {
            let r = try CLI.run(["fit", data, "--formula", formula, "--anova", "--json", "-"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let rows = ((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["anova"] as! [String: Any])["rows"] as! [[String: Any]]
            for (got, w) in paired(rows, want.filter { $0["model"] == name }) {
                #expect(got["term"] as? String == w["term"] && (got["num_df"] as! NSNumber).intValue == Int(w["num_df"]!)!, "\(name)")
                for (key, rel) in [("den_df", 1e-5), ("f", 1e-5), ("sum_sq", 1e-5), ("p_value", 1e-4)] {
                    let g = (got[key] as! NSNumber).doubleValue, e = Double(w[key]!)!
                    #expect(CLI.close(g, e, rel: rel), "\(name) \(w["term"]!) \(key): \(g) vs \(e)")
                }
            }
        }
    }
}

/// Prior weights with random-effect terms (lme4's `weights`: row i's residual variance σ²/wᵢ):
/// the fixed effects, SEs and Satterthwaite df, σ, θ, the criterion (less Σ log w, as lme4's),
/// log-likelihood and AIC, each row's fitted value and residual, and each level's conditional
/// mode and SD, against fixtures/reference/mixed_weights*.csv (make_mixed_weights_reference.R);
/// and the weighted panel's persistent effects (explain --panel --weights) against the same
/// modes. The criterion is flat in θ: two optimisers agree on it to 1e-14 and on θ to 1e-6, so
/// estimates are compared to 3e-6 of their SE and the rest to 1e-5.
struct MixedWeightsTests {
    static let panelFormula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"

    @Test func weightedFitsAsLme4() throws {
        let stats = try CLI.records(CLI.fixture("reference/mixed_weights.csv"))
        let rows = try CLI.records(CLI.fixture("reference/mixed_weights_rows.csv"))
        let modes = try CLI.records(CLI.fixture("reference/mixed_weights_ranef.csv"))
        let panel = CLI.fixture("lme4/panel_weighted.csv")
        let cases: [(String, [String])] = [
            ("panel", [panel, "--weights", "adult_weight", "--formula", Self.panelFormula + " + (1 | code)"]),
            ("panel_ml", [panel, "--weights", "adult_weight", "--formula", Self.panelFormula + " + (1 | code)", "--ml"]),
            ("sleepstudy", [CLI.fixture("lme4/sleepstudy.csv"), "--weights", "Days", "--formula", "Reaction ~ Days + (Days | Subject)"]),
        ]
        for (name, args) in cases {
            let dir = try CLI.temporaryDirectory()
            var args = args
            // sleepstudy's weight is Days + 1: written as a column of its own.
            if name == "sleepstudy" {
                let t = try CSVReader.read(path: args[0])
                let days = t.header.firstIndex(of: "Days")!
                let text = ([t.header.joined(separator: ",") + ",w"] + t.rows.map { $0.joined(separator: ",") + ",\(Int($0[days])! + 1)" })
                    .joined(separator: "\n") + "\n"
                args[0] = try CLI.write(text, named: "sleep.csv", in: dir)
                args[2] = "w"
            }
            let r = try CLI.run(["fit"] + args + ["--json", "-", "--residuals", dir + "/rows.csv", "--ranef", dir + "/ranef.csv"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let want = Dictionary(uniqueKeysWithValues: stats.filter { $0["model"] == name }.map { ($0["name"]!, Double($0["value"]!)!) })
            let number = { (key: String) in (j[key] as! NSNumber).doubleValue }
            #expect(CLI.close(number("sigma"), want["sigma"]!, rel: 1e-5), "\(name) sigma")
            #expect(CLI.close(number("criterion"), want["criterion"]!, rel: 1e-10), "\(name) criterion")
            #expect(CLI.close(number("log_likelihood"), want["log_likelihood"]!, rel: 1e-10), "\(name) logLik")
            #expect(CLI.close(number("aic"), want["aic"]!, rel: 1e-10), "\(name) AIC")
            let theta = j["theta"] as! [Double]
            for (k, t) in paired(theta, (1...theta.count).map { want["theta_\($0)"]! }).enumerated() {
                #expect(CLI.close(t.0, t.1, rel: 1e-5, abs: 1e-6), "\(name) theta \(k)")
            }
            let coefficients = j["coefficients"] as! [[String: Any]]
            #expect(coefficients.count == want.keys.filter { $0.hasPrefix("estimate_") }.count)
            for c in coefficients {
                let term = c["term"] as! String
                let se = want["se_" + term]!
                #expect(abs((c["estimate"] as! NSNumber).doubleValue - want["estimate_" + term]!) <= 3e-6 * se, "\(name) \(term)")
                #expect(CLI.close((c["std_error"] as! NSNumber).doubleValue, se, rel: 1e-5), "\(name) \(term) SE")
                #expect(CLI.close((c["df"] as! NSNumber).doubleValue, want["df_" + term]!, rel: 1e-4), "\(name) \(term) df")
            }
            let got = try CLI.records(dir + "/rows.csv").filter { !$0["fitted"]!.isEmpty }
            for (g, w) in paired(got, rows.filter { $0["model"] == name }) {
                #expect(CLI.close(Double(g["fitted"]!)!, Double(w["fitted"]!)!, rel: 1e-6), "\(name) row \(w["row"]!)")
                #expect(CLI.close(Double(g["residual"]!)!, Double(w["residual"]!)!, rel: 1e-4, abs: 1e-4), "\(name) row \(w["row"]!)")
            }
            let levels = try CLI.records(dir + "/ranef.csv").filter { $0["effect"] == "(Intercept)" }
            for (g, w) in paired(levels, modes.filter { $0["model"] == name }) {
                #expect(g["level"] == w["level"])
                #expect(CLI.close(Double(g["mode"]!)!, Double(w["mode"]!)!, rel: 1e-5, abs: 1e-4), "\(name) \(w["level"]!)")
                #expect(CLI.close(Double(g["cond_sd"]!)!, Double(w["sd"]!)!, rel: 1e-5), "\(name) \(w["level"]!) SD")
            }
        }
        // The weighted panel: each council's persistent effect is its conditional mode.
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["explain", panel, "--panel", "code", "--time", "financial_year", "--weights", "adult_weight",
                             "--formula", Self.panelFormula, "--justified", "all=imd_score,I(100 * pop_65p/pop_18p),council_type,financial_year",
                             "--persistent-out", dir + "/units.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let units = try CLI.records(dir + "/units.csv")
        for (g, w) in paired(units, modes.filter { $0["model"] == "panel" }) {
            #expect(g["code"] == w["level"])
            #expect(CLI.close(Double(g["persistent"]!)!, Double(w["mode"]!)!, rel: 1e-5, abs: 1e-4), "\(w["level"]!)")
            #expect(CLI.close(Double(g["persistent_sd"]!)!, Double(w["sd"]!)!, rel: 1e-5), "\(w["level"]!) SD")
        }
    }
}

/// The dense mixed-model solver is limited to where its time stays reasonable (1,000 random
/// effects: 8 s in a release build); beyond, a clear refusal at once, not minutes of work
/// (2,999 levels took 291 s).
struct DenseMixedLimitTests {
    @Test func tooManyRandomEffectsIsRefusedAtOnce() throws {
        let dir = try CLI.temporaryDirectory()
        var text = "y,x,g\n"
        for i in 0..<3_003 { text += "\(Double(i % 17) / 3 + Double(i % 1001) / 500),\(Double(i % 13) / 4),g\(i % 1001)\n" }
        let data = try CLI.write(text, named: "d.csv", in: dir)
        let r = try CLI.run(["fit", data, "--formula", "y ~ x + (1 | g)"])
        #expect(r.status == 1 && r.stderr.contains("1001 random effects in all") && r.stderr.contains("stays quick up to 1000"), "\(r.stderr)")
    }
}

/// `varex anova` of nested mixed models against lme4's `anova(m3, m1, m2)`
/// (fixtures/reference/mixed_compare.csv): REML fits refitted by ML, ordered by their number of
/// parameters, χ² on the drop in deviance.
struct MixedComparisonTests {
    @Test func likelihoodRatioTestsAsLme4() throws {
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let y = "asc_net_spend_per_adult_gbp ~ imd_score"
        let formulas = [y + " + financial_year + (1 | code) + (1 | region)", y + " + (1 | code)", y + " + financial_year + (1 | code)"]
        let r = try CLI.run(["anova", panel] + formulas.flatMap { ["--formula", $0] } + ["--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(j["test"] as? String == "LRT")
        let ref = try CSVReader.read(path: CLI.fixture("reference/mixed_compare.csv")).rows
        let order = ["m1": 2, "m2": 3, "m3": 1]
        for (row, want) in paired(j["rows"] as! [[String: Any]], ref) {
            #expect(row["model"] as? Int == order[want[0]], "\(want[0])")
            #expect(row["npar"] as? Int == Int(want[1]))
            for (key, k) in [("aic", 2), ("bic", 3), ("log_likelihood", 4), ("deviance", 5)] {
                let mine = (row[key] as! NSNumber).doubleValue, theirs = Double(want[k])!
                #expect(abs(mine - theirs) <= 1e-8 * abs(theirs), "\(want[0]) \(key): \(mine) vs \(theirs)")
            }
            if let chi = Double(want[6]) {
                #expect(abs((row["statistic"] as! NSNumber).doubleValue - chi) <= 1e-5, "\(want[0]) Chisq")
                #expect(row["df"] as? Int == Int(want[7]))
                let p = Double(want[8])!
                #expect(abs((row["p_value"] as! NSNumber).doubleValue - p) <= 1e-4 * p, "\(want[0]) p")
            } else {
                #expect(row["statistic"] is NSNull && row["df"] is NSNull)
            }
        }
        let text = try CLI.run(["anova", panel] + formulas.flatMap { ["--formula", $0] })
        #expect(text.stdout.contains("npar") && text.stdout.contains("Pr(>Chisq)"), "\(text.stdout)")
        let mixed = try CLI.run(["anova", panel, "--formula", y, "--formula", formulas[1]])
        #expect(mixed.status == 1 && mixed.stderr.contains("compare mixed models with mixed models"), "\(mixed.stderr)")
    }
}


/// A mixed model saved with --save-model and predicted for new rows against lme4's
/// `predict(fit, newdata, re.form = NULL, allow.new.levels = TRUE)` and `re.form = NA`
/// (fixtures/reference/mixed_predict.csv): sleepstudy's (1 + Days | Subject) fitted on days
/// 0–7 without subject 372, predicted for days 8 and 9 of every subject. lme4 stops its optimiser
/// at its own tolerance: the conditional predictions and SEs agree to 1e-5, the population
/// predictions to 1e-9.
struct MixedPredictionTests {
    @Test func savedMixedModelPredictsAsLme4() throws {
        let dir = try CLI.temporaryDirectory()
        let fit = try CLI.run(["fit", CLI.fixture("reference/mixed_predict_train.csv"), "--formula", "Reaction ~ Days + (1 + Days | Subject)",
                               "--save-model", dir + "/m.json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let r = try CLI.run(["predict", dir + "/m.json", CLI.fixture("reference/mixed_predict_new.csv"), "--out", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try CSVReader.parse(Array(r.stdout.utf8), file: "stdout")
        #expect(got.header == ["id", "fit", "fit_population", "se_fit_population", "ci95_low", "ci95_high", "observed", "error", "note"])
        let ref = try CSVReader.read(path: CLI.fixture("reference/mixed_predict.csv")).rows
        for (row, want) in paired(got.rows, ref) {
            let fit = Double(row[1])!, pop = Double(row[2])!, se = Double(row[3])!
            #expect(abs(fit - Double(want[2])!) <= 1e-5 * abs(fit), "\(want[0]) day \(want[1]) conditional")
            #expect(abs(pop - Double(want[3])!) <= 1e-9 * abs(pop), "\(want[0]) day \(want[1]) population")
            #expect(abs(se - Double(want[4])!) <= 1e-5 * se, "\(want[0]) day \(want[1]) SE")
            #expect(row[8].isEmpty == (want[0] != "372"), "\(want[0]): \(row[8])")
        }
        // A saved mixed model is compared from the data, not from the file.
        let a = try CLI.run(["anova", dir + "/m.json", dir + "/m.json"])
        #expect(a.status == 1 && a.stderr.contains("is a mixed model: compare mixed models from the data"), "\(a.stderr)")
    }
}

/// `--dfbetas` on a mixed model: lme4's `dfbetas(influence(fit))`, a refit per deleted row,
/// (β₍ᵢ₎ − β) / se₍ᵢ₎ (fixtures/reference/make_mixed_dfbetas_reference.R). Against refits whose
/// optimiser ran tight (mixed_dfbetas_tight.csv) to 2e-6 absolute: a DFBETAS is a difference of
/// two fits over an SE, so its absolute error is the fits' error over the SE; and against lme4's
/// own `influence()` (mixed_dfbetas.csv), whose refits stop at its default tolerance, to 1e-3.
struct MixedDFBetasTests {
    @Test func dfbetasAsLme4() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit", CLI.fixture("councils/asc_panel_2014_2019.csv"), "--label", "code",
                             "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + (1 | region)",
                             "--residuals", dir + "/r.csv", "--dfbetas", "all"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CLI.records(dir + "/r.csv").filter { !($0["note"] ?? "").hasPrefix("left out") }
        let terms = ["(Intercept)", "imd_score", "I(100 * pop_65p/pop_18p)"]
        for (file, tolerance) in [("mixed_dfbetas_tight.csv", 2e-6), ("mixed_dfbetas.csv", 1e-3)] {
            let want = try CLI.records(CLI.fixture("reference/" + file))
            for (g, w) in paired(t, want) {
                #expect(g["code"] == w["code"])
                for term in terms {
                    let x = Double(g["dfbetas_" + term] ?? "") ?? .nan, y = Double(w[term]!)!
                    #expect(abs(x - y) <= tolerance, "\(file) \(w["code"]!) \(w["financial_year"]!) \(term): \(x) vs \(y)")
                }
            }
        }
        // Not by default: n refits are asked for.
        let plain = try CLI.run(["fit", CLI.fixture("councils/asc_panel_2014_2019.csv"), "--formula",
                                 "asc_net_spend_per_adult_gbp ~ imd_score + (1 | region)", "--residuals", "-"])
        #expect(plain.status == 0 && !plain.stdout.split(separator: "\n")[0].contains("dfbetas"))
    }
}

/// A mixed model with `--absorb` against lmerTest's lmer with the factor's dummies entered
/// first (fixtures/reference/mixed_absorb.csv), tolerances as the other mixed tests (1e-6
/// relative, 1e-6 of the SE for estimates, 1e-5 for Satterthwaite df); and a panel's `explain
/// --absorb F` is the explanation with `factor(F)` in the formula and in the group, byte for
/// byte. Both refused before ("not in this version").
struct MixedAbsorbTests {
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")

    @Test func absorbedFactorAgainstLmerWithDummies() throws {
        let r = try CLI.run(["fit", Self.panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + financial_year + (1 | code)",
                             "--absorb", "region", "--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let ref = try CSVReader.read(path: CLI.fixture("reference/mixed_absorb.csv")).rows
        let coefficientRows = ref.filter { $0[0] != "REML" && $0[0] != "sigma" }
        #expect(coefficientRows.count == 14)
        let coefficients = try #require(j["coefficients"] as? [[String: Any]])
        for (w, c) in paired(coefficientRows, coefficients) {
            #expect(c["term"] as? String == w[0])
            let se = Double(w[2])!
            #expect(CLI.close((c["estimate"] as! NSNumber).doubleValue, Double(w[1])!, rel: 1e-6, abs: 1e-6 * se), "\(w[0])")
            #expect(CLI.close((c["std_error"] as! NSNumber).doubleValue, se, rel: 1e-6), "\(w[0]) se")
            #expect(CLI.close((c["df"] as! NSNumber).doubleValue, Double(w[3])!, rel: 1e-5), "\(w[0]) df")
        }
        let reml = Double(ref.first { $0[0] == "REML" }![1])!
        #expect(j["method"] as? String == "REML")
        #expect(CLI.close((j["criterion"] as? NSNumber)?.doubleValue ?? .nan, reml, rel: 1e-9), "\(j.keys.sorted())")
        #expect(CLI.close((j["sigma"] as? NSNumber)?.doubleValue ?? .nan, Double(ref.first { $0[0] == "sigma" }![1])!, rel: 1e-6))
    }

    @Test func panelExplainWithAnAbsorbedFactorIsTheExplanationWithItsDummies() throws {
        let dir = try CLI.temporaryDirectory()
        let common = ["explain", Self.panel, "--panel", "code", "--time", "financial_year", "--draws", "50",
                      "--justified", "need=imd_score,financial_year"]
        let a = try CLI.run(common + ["--formula", "asc_net_spend_per_adult_gbp ~ imd_score + financial_year", "--absorb", "region",
                                      "--unjustified", "place=region", "--out", dir + "/a.csv"])
        let b = try CLI.run(common + ["--formula", "asc_net_spend_per_adult_gbp ~ imd_score + financial_year + factor(region)",
                                      "--unjustified", "place=factor(region)", "--out", dir + "/b.csv"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let ta = try String(contentsOfFile: dir + "/a.csv", encoding: .utf8), tb = try String(contentsOfFile: dir + "/b.csv", encoding: .utf8)
        #expect(ta.split(separator: "\n").count == 761)
        #expect(ta == tb)
    }
}

/// `explain` with random-effect terms (no `--panel`) against R's lmer on the councils with a
/// random intercept per region (fixtures/reference/mixed_explain_rows.csv, mixed_explain_stats.csv,
/// make_mixed_explain_reference.R): per council the baseline, each group's effect (the region's
/// conditional mode in the group that names `(1 | region)`), the random part, the residual, the
/// justified level and the unjustified amount with the region's group justified and not; each
/// fixed group's joint F test (lmerTest's contest) and Shapley share of the marginal R².
/// Amounts to 1e-6 of their column's largest magnitude (the optimiser's tolerance on θ), tests
/// 1e-6 (F) and 1e-5 (df, p) relative. Refused before ("not in this version").
struct MixedExplainTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + (1 | region)"

    @Test(arguments: ["place_justified", "place_unjustified"])
    func againstLmer(_ name: String) throws {
        let dir = try CLI.temporaryDirectory()
        let place = name == "place_justified" ? "--justified" : "--unjustified"
        let r = try CLI.run(["explain", Self.councils, "--id", "code", "--formula", Self.formula,
                             "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--unjustified", "type=council_type",
                             place, "place=(1 | region)", "--out", dir + "/e.csv", "--json", dir + "/e.json"])
        #expect(r.status == 0, "\(r.stderr)")
        guard r.status == 0 else { return }
        let table = try CSVReader.read(path: dir + "/e.csv")
        let want = try CSVReader.read(path: CLI.fixture("reference/mixed_explain_rows.csv"))
        let rows = want.rows.filter { $0[0] == name }
        #expect(rows.count == 152 && table.rows.count == 152)
        for column in want.header.dropFirst(2) {
            let k = try #require(table.header.firstIndex(of: column), "\(column)"), kw = want.header.firstIndex(of: column)!
            let scale = rows.map { abs(Double($0[kw])!) }.max() ?? 1
            for (row, w) in paired(table.rows, rows) {
                #expect(row[0] == w[1])
                #expect(abs(Double(row[k])! - Double(w[kw])!) <= 1e-6 * max(scale, 1), "\(name) \(w[1]) \(column): \(row[k]) vs \(w[kw])")
            }
        }
        let j = try JSONSerialization.jsonObject(with: Data(try String(contentsOfFile: dir + "/e.json", encoding: .utf8).utf8)) as! [String: Any]
        var stats: [String: Double] = [:]
        for row in try CSVReader.read(path: CLI.fixture("reference/mixed_explain_stats.csv")).rows { stats[row[0]] = Double(row[1])! }
        let groups = try #require(j["groups"] as? [[String: Any]])
        // Justified groups first, as the command line orders them.
        #expect(Set(groups.map { $0["name"] as! String }) == ["need", "type", "place"])
        for g in groups where g["name"] as? String != "place" {
            let n = g["name"] as! String
            let number = { (key: String) in (g[key] as? NSNumber)?.doubleValue ?? .nan }
            #expect(CLI.close(number("statistic"), stats["test_\(n)_f"]!, rel: 1e-6), "\(n) F")
            #expect(CLI.close(number("den_df"), stats["test_\(n)_den_df"]!, rel: 1e-5), "\(n) df")
            #expect(CLI.close(number("p_value"), stats["test_\(n)_p"]!, rel: 1e-5), "\(n) p")
            #expect(abs(number("share") - stats["share_\(n)"]!) <= 1e-6, "\(n) share")
        }
        // A group of random-effect terms only: no fixed coefficients to test, no fixed share.
        let placeGroup = try #require(groups.first { $0["name"] as? String == "place" })
        #expect(placeGroup["statistic"] is NSNull && (placeGroup["share"] as? NSNumber)?.doubleValue == 0)
        let terms = try #require(j["random_terms"] as? [[String: Any]])
        #expect(terms.count == 1 && terms[0]["group"] as? String == "place" && terms[0]["term"] as? String == "1 | region")
    }

    /// A random slope is refused by name: the marginal R² of the shares counts random intercepts.
    @Test func aRandomSlopeIsRefusedByName() throws {
        let r = try CLI.run(["explain", Self.councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + (1 + imd_score | region)",
                             "--justified", "need=imd_score", "--unjustified", "place=(1 + imd_score | region)"])
        #expect(r.status == 1 && r.stderr.contains("(1 + imd_score | region): an explanation takes random intercepts"), "\(r.stderr)")
    }

    /// Every random-effect term must be in a group, as every fixed term: named as lme4 prints it.
    @Test func aRandomTermNamedInNoGroupIsAnError() throws {
        let r = try CLI.run(["explain", Self.councils, "--formula", Self.formula, "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)",
                             "--unjustified", "type=council_type"])
        #expect(r.status == 1 && r.stderr.contains("not classified: 1 | region"), "\(r.stderr)")
    }
}
