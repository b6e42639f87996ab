import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex fit --family` through the binary: the JSON and the residual table against R's glm
/// (fixtures/reference/make_glm_reference.R), the proportion-with-weights form of a binomial
/// response, and the errors.
struct GLMCLITests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let binomial = "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + council_type"

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    /// Poisson with non-integer counts: R's AIC is Inf and logLik −Inf, with dpois's warning for
    /// each non-integer value (fixtures/reference/glm_poisson_noninteger.csv). Varex printed a
    /// finite AIC and said nothing.
    @Test func poissonWithNonIntegerCountsWarnsAndHasAnInfiniteAICAsR() throws {
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_poisson_noninteger.csv")).rows
        let warnings = ref.filter { $0[0] == "warning" }.map { $0[1] }
        #expect(warnings.count == 2 && ref.count == 5)
        let data = CLI.fixture("reference/glm_poisson_noninteger_data.csv")
        let text = try CLI.run(["fit", data, "--formula", "y ~ x", "--family", "poisson"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("AIC: Inf"), "\(text.stdout)")
        #expect(text.stderr.split(separator: "\n").map(String.init) == warnings.map { "varex: warning: " + $0 }, "\(text.stderr)")
        let r = try CLI.run(["fit", data, "--formula", "y ~ x", "--family", "poisson", "--json", "-"])
        let j = try Self.json(r.stdout)
        #expect(j["aic"] is NSNull && j["log_likelihood"] is NSNull, "JSON has no Inf: null, with the warnings")
        #expect((j["warnings"] as? [String]) == warnings)
        let deviance = Double(ref.first { $0[0] == "deviance" }![1])!
        #expect(abs((j["deviance"] as! NSNumber).doubleValue - deviance) <= 1e-9 * deviance)
        // Quasi-Poisson has no AIC and calls no dpois: no warning, as R.
        let quasi = try CLI.run(["fit", data, "--formula", "y ~ x", "--family", "quasipoisson"])
        #expect(quasi.status == 0 && quasi.stderr.isEmpty && quasi.stdout.contains("AIC: NA"), "\(quasi.stderr)")
    }

    /// The cases of fixtures/reference/make_glm_inference_reference.R: data, formula, family and
    /// the clustering column(s) of its CR0/CR1 covariances.
    static let inferenceCases: [String: (data: String, formula: String, family: String, cluster: [String])] = [
        "councils_poisson_offset": (councils, "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))", "poisson", ["region"]),
        "councils_quasipoisson_offset": (councils, "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))", "quasipoisson", ["region"]),
        "councils_binomial": (councils, binomial, "binomial", ["region"]),
        "councils_gamma_log": (councils, "asc_net_spend_per_adult_gbp ~ imd_score * council_type", "Gamma --link log", ["region"]),
        "warpbreaks_poisson": (CLI.fixture("reference/warpbreaks.csv"), "breaks ~ wool * tension", "poisson", []),
        "panel_poisson": (CLI.fixture("councils/asc_panel_2014_2019.csv"),
                          "ascof_2a2_num ~ imd_score + council_type + financial_year + offset(log(ascof_2a2_den))", "poisson", ["code"]),
    ]

    /// A GLM's sandwich and clustered SEs against `sandwich::vcovHC` and `vcovCL` on R's glm
    /// (fixtures/reference/glm_robust.csv): HC0–HC5 and HC4m, CR0 and CR1 by one column, CR1 by
    /// two (where R's two-way matrix has a negative diagonal, its SE is NaN, and so is ours).
    /// Varex refused `--se` and `--cluster` with `--family` before. The same with `--stream`
    /// (a pass per IRLS iteration, one more for the sandwich).
    @Test(arguments: [false, true])
    func robustAndClusteredSEsAgainstSandwich(stream: Bool) throws {
        let rows = try CSVReader.read(path: CLI.fixture("reference/glm_robust.csv")).rows
        var groups: [String: [[String]]] = [:]
        for r in rows { groups[r[0] + "/" + r[1], default: []].append(r) }
        #expect(groups.count == 6 * 7 + 5 * 2 + 1)
        for (key, ref) in groups.sorted(by: { $0.key < $1.key }) {
            let name = ref[0][0], type = ref[0][1]
            let c = try #require(Self.inferenceCases[name])
            var line = ["fit", c.data, "--formula", c.formula, "--family"] + c.family.split(separator: " ").map(String.init) + ["--json", "-"]
                + (stream ? ["--stream"] : [])
            if type.hasPrefix("CR") {
                line += ["--se", String(type.prefix(3))]
                for column in type.hasSuffix("twoway") ? ["code", "financial_year"] : c.cluster { line += ["--cluster", column] }
            } else {
                line += ["--se", type]
            }
            let r = try CLI.run(line)
            #expect(r.status == 0, "\(key): \(r.stderr)")
            guard r.status == 0 else { continue }
            let j = try Self.json(r.stdout)
            #expect(j["covariance"] as? String == String(type.prefix(type.hasPrefix("CR") ? 3 : type.count)))
            let coefficients = try #require(j["coefficients"] as? [[String: Any]])
            for (row, c) in paired(ref, coefficients) {
                #expect(c["term"] as? String == row[2], "\(key)")
                let se = Double(row[4]), mine = (c["std_error"] as? NSNumber)?.doubleValue
                if let se {
                    let m = try #require(mine, "\(key) \(row[2])")
                    #expect(abs(m - se) <= 1e-8 * se, "\(key) \(row[2]): \(m) vs \(se)")
                    let z = Double(row[5])!, myZ = (c["statistic"] as! NSNumber).doubleValue
                    #expect(abs(myZ - z) <= 1e-8 * abs(z), "\(key) \(row[2]) statistic")
                } else {
                    #expect(mine == nil, "\(key) \(row[2]): R's SE is NaN (a negative variance), Varex's \(String(describing: mine))")
                }
            }
        }
    }

    /// The cases of fixtures/reference/make_glm_cr2_reference.R: data, formula, family, cluster.
    static let cr2Cases: [String: (data: String, formula: String, family: [String], cluster: String)] = [
        "councils_poisson_offset": (councils, "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + offset(log(ascof_2a2_den))", ["poisson"], "region"),
        "councils_quasipoisson_offset": (councils, "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + offset(log(ascof_2a2_den))", ["quasipoisson"], "region"),
        "councils_binomial": (councils, "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + I(100 * pop_85p/pop_65p)", ["binomial"], "region"),
        "councils_gamma_log": (councils, "asc_net_spend_per_adult_gbp ~ imd_score * I(100 * pop_85p/pop_65p)", ["Gamma", "--link", "log"], "region"),
        "panel_poisson": (CLI.fixture("councils/asc_panel_2014_2019.csv"),
                          "ascof_2a2_num ~ imd_score + council_type + financial_year + offset(log(ascof_2a2_den))", ["poisson"], "code"),
    ]

    /// `--se CR2` on a GLM against clubSandwich (fixtures/reference/glm_cr2.csv: `coef_test(fit,
    /// vcov = "CR2", test = "Satterthwaite")`): each coefficient's SE, t, Satterthwaite df and
    /// p-value, for Poisson, quasi-Poisson, binomial (trials as prior weights) and Gamma. To 1e-6
    /// relative: G = Θ² − (SU)M(SU)ᵀ subtracts numbers of a Poisson mean's square, which costs
    /// R's and our rounding about 1e-7 of the smaller eigenvalues. Refused before ("not in this
    /// version"). The same with `--stream` (each cluster's rows gathered by one more pass).
    @Test(arguments: [false, true])
    func cr2AgainstClubSandwich(stream: Bool) throws {
        let rows = try CSVReader.read(path: CLI.fixture("reference/glm_cr2.csv")).rows
        var byCase: [String: [[String]]] = [:]
        for r in rows { byCase[r[0], default: []].append(r) }
        #expect(byCase.count == Self.cr2Cases.count && rows.count == 3 * 3 + 4 + 9)
        func close(_ a: Any?, _ ref: String, rel: Double = 1e-6) -> Bool {
            guard let got = (a as? NSNumber)?.doubleValue, let want = Double(ref) else { return false }
            return abs(got - want) <= rel * abs(want)
        }
        for (name, ref) in byCase.sorted(by: { $0.key < $1.key }) {
            let c = try #require(Self.cr2Cases[name])
            let r = try CLI.run(["fit", c.data, "--formula", c.formula, "--family"] + c.family + ["--se", "CR2", "--cluster", c.cluster, "--json", "-"]
                                + (stream ? ["--stream"] : []))
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let j = try Self.json(r.stdout)
            #expect(j["covariance"] as? String == "CR2" && j["test"] as? String == "t")
            let coefficients = try #require(j["coefficients"] as? [[String: Any]])
            for (row, c) in paired(ref, coefficients) {
                #expect(c["term"] as? String == row[1], "\(name)")
                #expect(close(c["estimate"], row[2], rel: 1e-8), "\(name) \(row[1]) estimate")
                #expect(close(c["std_error"], row[3]), "\(name) \(row[1]) SE \(c["std_error"]!) vs \(row[3])")
                #expect(close(c["statistic"], row[4]), "\(name) \(row[1]) t")
                #expect(close(c["df"], row[5]), "\(name) \(row[1]) df \(c["df"]!) vs \(row[5])")
                #expect(close(c["p_value"], row[6], rel: 1e-5), "\(name) \(row[1]) p")
            }
        }
        let text = try CLI.run(["fit", Self.councils, "--formula", Self.cr2Cases["councils_binomial"]!.formula, "--family", "binomial",
                                "--se", "CR2", "--cluster", "region"])
        #expect(text.status == 0 && text.stdout.contains("t value") && text.stdout.contains("Satterthwaite"), "\(text.stdout)")
    }

    /// `--anova` on a GLM against R: the sequential analysis of deviance (`anova(fit, test =
    /// "Chisq")`, or `"F"` for the families that estimate the dispersion) and car's Type II
    /// likelihood-ratio table (fixtures/reference/glm_anova.csv, glm_anova2.csv). Deviances to
    /// 1e-8 of the null deviance (each row is a refit that stops at R's 1e-8 criterion, as R's
    /// do), p-values to 1e-5 relative (their tails are steep in the deviance). The same with
    /// `--stream`: every refit in blocks.
    @Test(arguments: [false, true])
    func analysisOfDevianceAgainstR(stream: Bool) throws {
        let sequential = try CSVReader.read(path: CLI.fixture("reference/glm_anova.csv")).rows
        let typeII = try CSVReader.read(path: CLI.fixture("reference/glm_anova2.csv")).rows
        func close(_ a: Any?, _ ref: String, scale: Double, rel: Double = 1e-8) -> Bool {
            guard let want = Double(ref) else { return a is NSNull }
            guard let got = (a as? NSNumber)?.doubleValue else { return false }
            return abs(got - want) <= rel * scale
        }
        for name in Self.inferenceCases.keys.sorted() {
            let c = Self.inferenceCases[name]!
            let r = try CLI.run(["fit", c.data, "--formula", c.formula, "--family"] + c.family.split(separator: " ").map(String.init) + ["--anova", "--json", "-"]
                                + (stream ? ["--stream"] : []))
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let anova = try #require(Self.json(r.stdout)["anova"] as? [String: Any])
            let seq = try #require(anova["sequential"] as? [[String: Any]])
            let ref = sequential.filter { $0[0] == name }
            #expect(anova["test"] as? String == ref[0][1])
            let null = Double(ref[0][6])!
            for (row, mine) in paired(ref, seq) {
                #expect(mine["term"] as? String == row[2], "\(name)")
                #expect((mine["df"] as? Int).map(String.init) ?? "NA" == row[3], "\(name) \(row[2]) df")
                #expect(close(mine["deviance"], row[4], scale: null), "\(name) \(row[2]) deviance \(mine["deviance"]!) vs \(row[4])")
                #expect(close(mine["resid_dev"], row[6], scale: null), "\(name) \(row[2]) residual deviance")
                #expect(close(mine["statistic"], row[7], scale: Double(row[7]) ?? 1, rel: 1e-6), "\(name) \(row[2]) F")
                #expect(close(mine["p_value"], row[8], scale: Double(row[8]) ?? 1, rel: 1e-5), "\(name) \(row[2]) p \(mine["p_value"]!) vs \(row[8])")
            }
            let two = try #require(anova["type_ii"] as? [[String: Any]])
            for (row, mine) in paired(typeII.filter { $0[0] == name }, two) {
                #expect(mine["term"] as? String == row[1], "\(name)")
                #expect(close(mine["statistic"], row[2], scale: null), "\(name) \(row[1]) LR \(mine["statistic"]!) vs \(row[2])")
                #expect((mine["df"] as? Int).map(String.init) == row[3], "\(name) \(row[1]) df")
                #expect(close(mine["p_value"], row[4], scale: Double(row[4]) ?? 1, rel: 1e-5), "\(name) \(row[1]) p")
            }
        }
        // The text is R's layout.
        let c = Self.inferenceCases["councils_quasipoisson_offset"]!
        let text = try CLI.run(["fit", c.data, "--formula", c.formula, "--family", "quasipoisson", "--anova"])
        #expect(text.stdout.contains("Terms added sequentially (first to last)") && text.stdout.contains("Resid. Dev      F")
                && text.stdout.contains("LR Chisq Df Pr(>Chisq)"), "\(text.stdout)")
    }

    @Test func poissonWithOffsetAgainstR() throws {
        let dir = try CLI.temporaryDirectory()
        let formula = "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))"
        let r = try CLI.run(["fit", Self.councils, "--id", "code", "--family", "quasipoisson", "--formula", formula,
                             "--json", "-", "--residuals", dir + "/r.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try Self.json(r.stdout)
        #expect(j["family"] as? String == "quasipoisson" && j["link"] as? String == "log" && j["test"] as? String == "t")
        var want: [String: Double] = [:]
        for row in try CSVReader.read(path: CLI.fixture("reference/glm_councils_quasipoisson_offset_stats.csv")).rows {
            want[row[0]] = Double(row[1])
        }
        for key in ["deviance", "null_deviance", "dispersion", "pearson_chi2"] {
            let g = (j[key] as! NSNumber).doubleValue
            #expect(abs(g - want[key]!) <= 1e-8 * abs(want[key]!), "\(key)")
        }
        #expect(j["aic"] is NSNull, "quasi families have no AIC")
        let coefficients = try CSVReader.read(path: CLI.fixture("reference/glm_councils_quasipoisson_offset_coefficients.csv"))
        for (c, w) in paired(j["coefficients"] as! [[String: Any]], coefficients.rows) {
            #expect(c["term"] as? String == w[0])
            for (key, k) in [("estimate", 1), ("std_error", 2), ("statistic", 3)] {
                let g = (c[key] as! NSNumber).doubleValue, x = Double(w[k])!
                #expect(abs(g - x) <= 1e-8 * abs(x), "\(w[0]) \(key)")
            }
        }
        let table = try CSVReader.read(path: dir + "/r.csv")
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_councils_quasipoisson_offset_residuals.csv"))
        #expect(table.header == ["code", "observed", "fitted", "linear_predictor", "response_residual", "pearson_residual",
                                 "deviance_residual", "working_residual", "leverage", "cooks_distance", "std_deviance_residual",
                                 "std_pearson_residual", "prior_weight"]
                                + ["(Intercept)", "imd_score", "I(100 * pop_85p/pop_65p)", "council_typeLondon Borough",
                                   "council_typeMetropolitan District", "council_typeUnitary Authority"].map { "dfbetas_" + $0 } + ["note"])
        #expect(ref.header.count == 12)
        for (row, w) in paired(table.rows, ref.rows) where w[1] != "NA" {
            #expect(row[0] == w[0])
            // Every numeric column, matched by name: fitted … std_pearson_residual, prior_weight.
            for k in 2..<(table.header.count - 1) where !table.header[k].hasPrefix("dfbetas_") {
                let rk = ref.header.firstIndex(of: table.header[k])!
                let g = Double(row[k])!, x = Double(w[rk])!
                #expect(abs(g - x) <= 1e-8 * abs(x) + 1e-12, "\(w[0]) \(table.header[k])")
            }
        }
    }

    /// A proportion with the trials as --weights is the same binomial model as cbind (R's rule).
    @Test func proportionWithWeightsEqualsCbind() throws {
        let a = try CLI.run(["fit", Self.councils, "--family", "binomial", "--formula", Self.binomial, "--json", "-"])
        let b = try CLI.run(["fit", Self.councils, "--family", "binomial", "--weights", "ascof_2b1_den", "--json", "-",
                             "--formula", "I(ascof_2b1_num/ascof_2b1_den) ~ imd_score + council_type"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let ja = try Self.json(a.stdout), jb = try Self.json(b.stdout)
        for key in ["deviance", "null_deviance", "aic"] {
            let x = (ja[key] as! NSNumber).doubleValue, y = (jb[key] as! NSNumber).doubleValue
            #expect(abs(x - y) <= 1e-9 * abs(x), "\(key)")
        }
        for (c, d) in paired(ja["coefficients"] as! [[String: Any]], jb["coefficients"] as! [[String: Any]]) {
            let x = (c["estimate"] as! NSNumber).doubleValue, y = (d["estimate"] as! NSNumber).doubleValue
            #expect(abs(x - y) <= 1e-9 * abs(x))
        }
    }

    @Test func glmErrorsAreClear() throws {
        let lm = try CLI.run(["fit", Self.councils, "--formula", Self.binomial])
        #expect(lm.status == 1 && lm.stderr.contains("a cbind(successes, failures) response needs a generalized linear model: give --family"), "\(lm.stderr)")
        let link = try CLI.run(["fit", Self.councils, "--family", "poisson", "--link", "logit", "--formula", "ascof_2a2_num ~ imd_score"])
        #expect(link.status == 1 && link.stderr.contains("the poisson family takes the links log, identity, sqrt, not logit"), "\(link.stderr)")
        // The bad response is named by file, row and column, in memory and in blocks.
        for stream in [false, true] {
            let negative = try CLI.run(["fit", Self.councils, "--family", "poisson", "--formula", "I(ascof_2a2_num - 1000) ~ imd_score"]
                                       + (stream ? ["--stream"] : []))
            #expect(negative.status == 1 && negative.stderr.contains("asc_2018_19.csv, row ")
                    && negative.stderr.contains("column 'I(ascof_2a2_num - 1000)': negative values not allowed for the 'Poisson' family"),
                    "\(negative.stderr)")
        }
        // --format markdown and csv print the shared coefficient table (printed as text before).
        let markdown = try CLI.run(["fit", Self.councils, "--family", "poisson", "--format", "markdown", "--formula", "ascof_2a2_num ~ imd_score"])
        #expect(markdown.status == 0 && markdown.stdout.contains("| Term | Estimate | Std. Error | Statistic | df | p |"), "\(markdown.stdout)")
        let csv = try CLI.run(["fit", Self.councils, "--family", "poisson", "--format", "csv", "--formula", "ascof_2a2_num ~ imd_score"])
        let json = try CLI.run(["fit", Self.councils, "--family", "poisson", "--format", "json", "--formula", "ascof_2a2_num ~ imd_score"])
        let rows = try CSVReader.parse(Array(csv.stdout.utf8), file: "stdout")
        #expect(rows.header == ["term", "estimate", "std_error", "statistic", "df", "p_value", "ci_low", "ci_high"])
        for (row, c) in paired(rows.rows, try Self.json(json.stdout)["coefficients"] as! [[String: Any]]) {
            let e = (c["estimate"] as! NSNumber).doubleValue
            #expect(row[0] == c["term"] as? String && abs(Double(row[1])! - e) <= 1e-15 * abs(e))
        }
    }
}

extension GLMCLITests {
    /// `explain --family binomial` through the binary: every council in the CSV, the JSON's
    /// shares summing to the deviance explained, and rank and report refusing --family.
    @Test func explainAGLM() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["explain", Self.councils, "--id", "code", "--label", "name", "--family", "binomial",
                             "--formula", Self.binomial, "--justified", "need=imd_score", "--unjustified", "type=council_type",
                             "--out", dir + "/e.csv", "--json", dir + "/e.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Shares of the deviance explained"))
        let t = try CSVReader.read(path: dir + "/e.csv")
        #expect(t.rows.count == 152)
        #expect(Array(t.header.prefix(6)) == ["code", "name", "observed", "fitted", "linear_predictor", "baseline"])
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_explain_binomial.csv"))
        let u = t.header.firstIndex(of: "unjustified")!, ru = ref.header.firstIndex(of: "unjustified")!
        for (row, want) in paired(t.rows, ref.rows) {
            #expect(row[0] == want[0])
            let g = Double(row[u])!, w = Double(want[ru])!
            #expect(abs(g - w) <= 1e-8 * abs(w) + 1e-12)
        }
        let j = try Self.json(try String(contentsOfFile: dir + "/e.json", encoding: .utf8))
        let shares = (j["groups"] as! [[String: Any]]).map { ($0["share"] as! NSNumber).doubleValue }
        #expect(abs(shares.reduce(0, +) - (j["deviance_explained"] as! NSNumber).doubleValue) <= 1e-12)
    }
}

extension GLMCLITests {
    /// A GLM saved with --save-model and predicted for the panel's 2016-17 rows against R's
    /// `predict.glm(fit, newdata, se.fit = TRUE)` on both scales (fixtures/reference/glm_predict.csv):
    /// a Poisson model with an offset, a Gamma with a log link, a binomial with a cbind response.
    /// The observed value and error are written where the file has the response (not for cbind).
    @Test(arguments: [false, true])
    func savedGLMPredictsAsPredictGLM(stream: Bool) throws {
        let dir = try CLI.temporaryDirectory()
        let panel = try CSVReader.read(path: CLI.fixture("councils/asc_panel_2014_2019.csv"))
        let year = panel.header.firstIndex(of: "financial_year")!
        let rows = panel.rows.filter { $0[year] == "2016-17" }
        func quote(_ s: String) -> String { s.contains(",") ? "\"" + s + "\"" : s }
        let newdata = try CLI.write(([panel.header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n",
                                    named: "new.csv", in: dir)
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_predict.csv")).rows
        let cases: [(String, [String])] = [
            ("poisson_offset", ["--family", "poisson", "--formula",
                                "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))"]),
            ("gamma_log", ["--family", "Gamma", "--link", "log", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type"]),
            ("binomial_logit", ["--family", "binomial", "--formula", Self.binomial]),
        ]
        for (name, args) in cases {
            let model = dir + "/\(name).json"
            let fit = try CLI.run(["fit", Self.councils, "--id", "code"] + args + ["--save-model", model] + (stream ? ["--stream"] : []))
            #expect(fit.status == 0, "\(name): \(fit.stderr)")
            let p = try CLI.run(["predict", model, newdata, "--id", "code", "--out", "-"])
            #expect(p.status == 0, "\(name): \(p.stderr)")
            let out = try CSVReader.parse(Array(p.stdout.utf8), file: "stdout")
            let want = ref.filter { $0[0] == name }
            #expect(out.header.prefix(7) == ["code", "fit", "se_fit", "ci95_low", "ci95_high", "fit_link", "se_fit_link"], "\(out.header)")
            #expect(out.header.contains("observed") == (name != "binomial_logit"), "\(out.header)")
            for (row, r) in paired(out.rows, want) {
                #expect(row[0] == r[1])
                for (k, col) in [(5, 2), (6, 3), (1, 4), (2, 5)] {
                    let mine = Double(row[k])!, theirs = Double(r[col])!
                    #expect(abs(mine - theirs) <= 1e-9 * abs(theirs), "\(name) \(r[1]) \(out.header[k]): \(mine) vs \(theirs)")
                }
                // The interval is the link-scale Wald interval carried through the inverse link.
                let low = Double(row[3])!, high = Double(row[4])!, fit = Double(row[1])!
                #expect(low < fit && fit < high)
            }
        }
    }
}

extension GLMCLITests {
    /// `varex anova` of nested GLMs, from a CSV with --family and from saved GLMs, against R's
    /// `anova(m1, m2, ..., test = "Chisq"|"F")` (fixtures/reference/glm_compare.csv); a linear
    /// model and a GLM are not compared.
    @Test func anovaComparesGLMsByDeviance() throws {
        let dir = try CLI.temporaryDirectory()
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_compare.csv")).rows
        let offset = " + offset(log(ascof_2a2_den))"
        let cases: [(String, [String], [String])] = [
            ("poisson", ["--family", "poisson"], ["ascof_2a2_num ~ imd_score" + offset, "ascof_2a2_num ~ imd_score + council_type" + offset,
                                                  "ascof_2a2_num ~ imd_score + council_type + I(100 * pop_85p/pop_65p)" + offset]),
            ("quasipoisson", ["--family", "quasipoisson"], ["ascof_2a2_num ~ imd_score" + offset, "ascof_2a2_num ~ imd_score + council_type" + offset]),
            ("gamma_log", ["--family", "Gamma", "--link", "log"], ["asc_net_spend_per_adult_gbp ~ imd_score",
                                                                   "asc_net_spend_per_adult_gbp ~ imd_score + council_type"]),
        ]
        func close(_ a: Any?, _ ref: String, rel: Double) -> Bool {
            guard let want = Double(ref) else { return a is NSNull }
            guard let got = (a as? NSNumber)?.doubleValue else { return false }
            return abs(got - want) <= rel * abs(want)
        }
        for (name, family, formulas) in cases {
            var models: [String] = []
            for (k, f) in formulas.enumerated() {
                let path = dir + "/\(name)\(k).json"
                let r = try CLI.run(["fit", Self.councils, "--id", "code", "--formula", f] + family + ["--save-model", path])
                #expect(r.status == 0, "\(r.stderr)")
                models.append(path)
            }
            let fromCSV = try CLI.run(["anova", Self.councils, "--id", "code"] + family + formulas.flatMap { ["--formula", $0] } + ["--json", "-"])
            let fromSaved = try CLI.run(["anova"] + models + ["--json", "-"])
            let want = ref.filter { $0[0] == name }
            for r in [fromCSV, fromSaved] {
                #expect(r.status == 0, "\(name): \(r.stderr)")
                guard r.status == 0 else { continue }
                let j = try Self.json(r.stdout)
                #expect(j["test"] as? String == want[0][1])
                for (row, w) in paired(j["rows"] as! [[String: Any]], want) {
                    #expect(row["res_df"] as? Int == Int(w[3]))
                    #expect(close(row["rss"], w[4], rel: 1e-9), "\(name) deviance \(row["rss"]!) vs \(w[4])")
                    #expect((row["df"] as? Int).map(String.init) ?? "NA" == w[5])
                    #expect(close(row["sum_sq"], w[6], rel: 1e-7), "\(name) drop")
                    if w[1] == "F" { #expect(close(row["statistic"], w[7], rel: 1e-7), "\(name) F") }
                    #expect(close(row["p_value"], w[8], rel: 1e-5), "\(name) p \(row["p_value"]!) vs \(w[8])")
                }
            }
            let text = try CLI.run(["anova"] + models)
            #expect(text.stdout.hasPrefix("Analysis of Deviance Table") && text.stdout.contains(w0(want[0][1])), "\(text.stdout)")
        }
        let lm = dir + "/lm.json"
        _ = try CLI.run(["fit", Self.councils, "--id", "code", "--formula", "ascof_2a2_num ~ imd_score", "--save-model", lm])
        let mixed = try CLI.run(["anova", lm, dir + "/poisson0.json"])
        #expect(mixed.status == 1 && mixed.stderr.contains("is not the same kind of model"), "\(mixed.stderr)")
    }

    /// The p-value column R prints for the test.
    func w0(_ test: String) -> String { test == "F" ? "Pr(>F)" : "Pr(>Chi)" }
}

extension GLMCLITests {
    /// explain --family gives each council's observed − expected with its SE, z and interval,
    /// against R (fixtures/reference/glm_explain_oe.csv: y − μ, and z = rstandard(fit, type =
    /// "pearson"), the SE their ratio), for a Poisson model with an offset and a binomial pair.
    @Test func observedMinusExpectedAgainstR() throws {
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_explain_oe.csv")).rows
        let cases: [(String, [String])] = [
            ("poisson_offset", ["--family", "poisson", "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))"]),
            ("binomial", ["--family", "binomial", "--formula", Self.binomial]),
        ]
        for (name, args) in cases {
            let r = try CLI.run(["explain", Self.councils, "--id", "code", "--justified", "need=imd_score", "--unjustified", "type=council_type",
                                 "--out", "-"] + args)
            #expect(r.status == 0, "\(r.stderr)")
            let out = try CSVReader.parse(Array(r.stdout.utf8), file: "stdout")
            let col = { (n: String) in out.header.firstIndex(of: n)! }
            let byCode = Dictionary(uniqueKeysWithValues: out.rows.map { ($0[0], $0) })
            let want = ref.filter { $0[0] == name }
            #expect(want.count >= 150 && want.count <= out.rows.count)
            for w in want {
                let row = try #require(byCode[w[1]])
                for (column, k) in [("o_minus_e", 2), ("se_o_minus_e", 3), ("z_o_minus_e", 4)] {
                    let mine = Double(row[col(column)])!, theirs = Double(w[k])!
                    #expect(abs(mine - theirs) <= 1e-8 * max(abs(theirs), 1e-6), "\(name) \(w[1]) \(column): \(mine) vs \(theirs)")
                }
                let low = Double(row[col("o_minus_e_low")])!, high = Double(row[col("o_minus_e_high")])!
                let d = Double(w[2])!, se = Double(w[3])!
                #expect(abs(low - (d - 1.959963984540054 * se)) <= 1e-8 * se && abs(high - (d + 1.959963984540054 * se)) <= 1e-8 * se)
            }
        }
    }
}

/// A risk-adjusted funnel (indirect standardisation): `funnel --formula ... --family poisson`
/// takes the GLM's fitted counts as the expected ones, and `funnel --indicator O --expected E`
/// a column of them (joined from a file here); both against R (fixtures/reference/funnel_oe*.csv,
/// make_funnel_oe_reference.R): observed, expected, O/E, its SE √(target/E), z and the adjusted z
/// and limits under each overdispersion method (1e-9), the target, φ and τ² (1e-9).
struct RiskAdjustedFunnelTests {
    @Test(arguments: ["none", "multiplicative", "additive"])
    func observedOverExpectedAsR(_ method: String) throws {
        let want = try CLI.records(CLI.fixture("reference/funnel_oe.csv"))
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/funnel_oe_stats.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        let data = CLI.fixture("councils/asc_2018_19.csv")
        let runs = [
            ["funnel", data, "--id", "code", "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))",
             "--family", "poisson", "--overdispersion", method, "--out", "-"],
            ["funnel", data, "--id", "code", "--indicator", "ascof_2a2_num", "--expected", "expected_admissions",
             "--join", CLI.fixture("reference/funnel_oe_expected.csv"), "--overdispersion", method, "--out", "-"],
        ]
        for args in runs {
            let r = try CLI.run(args)
            #expect(r.status == 0, "\(r.stderr)")
            let φ = NumberFormat.significant(stats["phi"]!, 4)
            #expect(r.stderr.contains("target 1, φ = \(φ)"), "\(r.stderr)")
            let t = try CSVReader.parse(Array(r.stdout.utf8), file: "funnel.csv")
            let got = t.rows.map { Dictionary(uniqueKeysWithValues: zip(t.header, $0)) }.filter { !$0["value"]!.isEmpty }
            for (g, w) in paired(got, want) {
                #expect(g["code"] == w["code"])
                let pairs = [("observed", "observed"), ("expected", "expected"), ("value", "value"), ("se", "se"), ("z", "z"),
                             ("z_adjusted", "z_adjusted_" + method), ("low_95", "low_\(method)_95"), ("high_95", "high_\(method)_95"),
                             ("low_99.8", "low_\(method)_99.8"), ("high_99.8", "high_\(method)_99.8")]
                for (mine, theirs) in pairs {
                    #expect(CLI.close(Double(g[mine]!)!, Double(w[theirs]!)!, rel: 1e-9, abs: 1e-12), "\(w["code"]!) \(mine) (\(method))")
                }
                #expect(CLI.close(Double(g["target"]!)!, stats["target"]!, rel: 1e-12))
            }
        }
    }

    @Test func whatARiskAdjustedFunnelRefuses() throws {
        let data = CLI.fixture("councils/asc_2018_19.csv")
        let gaussian = try CLI.run(["funnel", data, "--id", "code", "--formula", "ascof_2a2 ~ imd_score", "--family", "gaussian"])
        #expect(gaussian.status != 0 && gaussian.stderr.contains("the gaussian family does not count events"), "\(gaussian.stderr)")
        let both = try CLI.run(["funnel", data, "--id", "code", "--indicator", "ascof_2a2_num", "--expected", "ascof_2a2_den", "--se", "x"])
        #expect(both.status != 0 && both.stderr.contains("give exactly one of --se, --moe, --denominator, --expected or --formula"), "\(both.stderr)")
        let noFamily = try CLI.run(["funnel", data, "--id", "code", "--formula", "ascof_2a2_num ~ imd_score"])
        #expect(noFamily.status != 0 && noFamily.stderr.contains("--formula needs --family"), "\(noFamily.stderr)")
        // report draws the same funnel from a column of expected counts.
        let dir = try CLI.temporaryDirectory()
        let report = try CLI.run(["report", data, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score",
                                  "--justified", "need=imd_score", "--bootstrap", "20", "--join", CLI.fixture("reference/funnel_oe_expected.csv"),
                                  "--funnel-indicator", "ascof_2a2_num", "--funnel-expected", "expected_admissions", "--html", dir + "/r.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(page.contains("class=\"axis\">Expected admissions</text>"), "the funnel's x-axis is the expected count, by its label")
    }
}

/// A GLM's residual table carries R's `dfbetas(fit)` (fixtures/reference/glm_dfbetas.csv,
/// make_glm_dfbetas_reference.R): Poisson with an offset, binomial with a cbind response,
/// weighted Gamma with a log link; every row and coefficient, counts first, to 1e-8 relative
/// (1e-10 absolute near zero); `--dfbetas imd_score` keeps that column only. The same with
/// `--stream` (the residual table from one more pass).
struct GLMDFBetasTests {
    @Test(arguments: [false, true])
    func dfbetasAsR(stream: Bool) throws {
        let want = try CLI.records(CLI.fixture("reference/glm_dfbetas.csv"))
        let councils = CLI.fixture("councils/asc_2018_19.csv")
        let cases: [(String, [String])] = [
            ("poisson", ["--family", "poisson", "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))"]),
            ("binomial", ["--family", "binomial", "--formula", "cbind(ascof_2c1_num, ascof_2c1_den - ascof_2c1_num) ~ imd_score + pop_65p"]),
            ("gamma", ["--family", "Gamma", "--link", "log", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                       "--weights", "pop_18p"]),
        ]
        var compared = 0
        for (name, args) in cases {
            let r = try CLI.run(["fit", councils, "--id", "code", "--residuals", "-"] + args + (stream ? ["--stream"] : []))
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let t = try CSVReader.parse(Array(r.stdout.utf8), file: "\(name).csv")
            let rows = Dictionary(uniqueKeysWithValues: t.rows.map { ($0[0], Dictionary(uniqueKeysWithValues: zip(t.header, $0))) })
            let expected = want.filter { $0["case"] == name }
            let terms = Set(expected.map { $0["term"]! })
            #expect(t.header.filter { $0.hasPrefix("dfbetas_") }.count == terms.count, "\(name): \(t.header)")
            for w in expected {
                let cell = rows[w["code"]!]?["dfbetas_" + w["term"]!] ?? ""
                #expect(CLI.close(Double(cell) ?? .nan, Double(w["dfbetas"]!)!, rel: 1e-8, abs: 1e-10), "\(name) \(w["code"]!) \(w["term"]!)")
                compared += 1
            }
        }
        #expect(compared == 760 + 456 + 760, "\(compared)")
        let one = try CLI.run(["fit", councils, "--id", "code", "--residuals", "-", "--dfbetas", "imd_score"] + cases[0].1)
        #expect(one.status == 0 && one.stdout.split(separator: "\n")[0].split(separator: ",").filter { $0.hasPrefix("dfbetas_") } == ["dfbetas_imd_score"],
                "\(one.stderr)")
    }
}

/// `explain --family --sensitivity-out`: each council's rank under every justified/unjustified
/// assignment of the groups, the ranks of observed − g⁻¹(baseline + the chosen groups' effects +
/// offset), worked out here from R's baseline, effects and linear predictor
/// (fixtures/reference/glm_explain_binomial.csv): counts first, then every rank exactly.
struct GLMSensitivityTests {
    @Test(arguments: ["binomial", "poisson_offset"])
    func ranksUnderEveryAssignmentFromR(_ name: String) throws {
        let (formula, inverse): (String, (Double) -> Double) = name == "binomial"
            ? (GLMCLITests.binomial, { 1 / (1 + exp(-$0)) })
            : ("ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))", { exp($0) })
        let need = name == "binomial" ? "need=imd_score" : "need=imd_score,I(100 * pop_85p/pop_65p)"
        let r = try CLI.run(["explain", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--family", name == "binomial" ? "binomial" : "poisson",
                             "--formula", formula, "--justified", need, "--unjustified", "type=council_type",
                             "--sensitivity-out", "-", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CSVReader.parse(Array(r.stdout.utf8), file: "s.csv")
        #expect(t.header == ["code", "rank", "rank_min", "rank_max", "rank_justified_none", "rank_justified_need", "rank_justified_type",
                             "rank_justified_need+type", "note"])
        let ref = try CLI.records(CLI.fixture("reference/glm_explain_\(name).csv"))
        #expect(t.rows.count == 152 && ref.count == 152)
        func number(_ row: [String: String], _ key: String) -> Double { Double(row[key]!)! }
        // Competition ranks, 1 = the largest observed − justified.
        func ranks(_ v: [Double]) -> [Int] { v.map { x in 1 + v.filter { $0 > x }.count } }
        for (k, set) in [[String](), ["need"], ["type"], ["need", "type"]].enumerated() {
            let unjustified = ref.map { row -> Double in
                let offset = number(row, "linear_predictor") - number(row, "baseline") - number(row, "effect_need") - number(row, "effect_type")
                let eta = number(row, "baseline") + offset + set.reduce(0) { $0 + number(row, "effect_" + $1) }
                return number(row, "observed") - inverse(eta)
            }
            let want = ranks(unjustified)
            let column = 4 + k
            for (row, (w, code)) in paired(t.rows, Array(zip(want, ref.map { $0["code"]! }))) {
                #expect(row[0] == code && Int(row[column]) == w, "\(name) \(code) \(t.header[column]): \(row[column]) vs \(w)")
            }
        }
    }
}

/// Each group of `explain --family` carries its Wald test, the same keys as a linear model's and a
/// panel's: χ² for Poisson, F on the residual df for quasi-Poisson with HC1, against
/// `car::linearHypothesis` (fixtures/reference/glm_wald.csv, make_glm_wald_reference.R), 1e-8.
struct GLMGroupWaldTests {
    @Test(arguments: [("poisson", ["--family", "poisson"]), ("quasi_hc1", ["--family", "quasipoisson", "--se", "HC1"])])
    func groupTestsAsCar(_ name: String, _ flags: [String]) throws {
        let r = try CLI.run(["explain", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code",
                             "--formula", "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))",
                             "--justified", "need=imd_score,I(100 * pop_85p/pop_65p)", "--unjustified", "type=council_type",
                             "--format", "json"] + flags)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let want = try CLI.records(CLI.fixture("reference/glm_wald.csv")).filter { $0["case"] == name }
        for (g, w) in paired(j["groups"] as! [[String: Any]], want) {
            #expect(g["name"] as? String == w["group"])
            #expect(g["test"] as? String == (w["test"] == "Chisq" ? "chisq" : "F"))
            #expect(g["num_df"] as? Int == Int(w["df1"]!))
            #expect((g["den_df"] as? NSNumber)?.intValue == Int(w["df2"]!), "den_df")
            for key in ["statistic", "p_value"] {
                #expect(CLI.close((g[key] as! NSNumber).doubleValue, Double(w[key]!)!, rel: 1e-8), "\(name) \(w["group"]!) \(key)")
            }
        }
    }
}

extension GLMCLITests {
    /// `--family` with `--absorb` against R's glm with the factor's dummies entered first (the
    /// model `fixest::feglm` estimates; fixtures/reference/glm_absorb.csv): the formula's
    /// coefficients with classical, CR1 (`vcovCL` HC1) and CR2 (clubSandwich) SEs, the deviance
    /// and residual df, a coefficient the absorbed factor takes (NA, as R's), and a saved model's
    /// predictions for rows of levels it knows (glm_absorb_predict.csv). Refused before ("not in
    /// this version"). The same with `--stream` (the dummies coded from the levels' pass).
    @Test(arguments: [false, true])
    func absorbedFactorAgainstGLMWithDummies(stream: Bool) throws {
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let poisson = "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + offset(log(ascof_2a2_den))"
        let cases: [String: [String]] = [
            "poisson_region": [Self.councils, "--family", "poisson", "--formula", poisson, "--absorb", "region"],
            "poisson_region_cr1": [Self.councils, "--family", "poisson", "--formula", poisson, "--absorb", "region", "--cluster", "region", "--se", "CR1"],
            "panel_binomial_region_cr2": [panel, "--family", "binomial", "--formula",
                                          "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + financial_year",
                                          "--absorb", "region", "--cluster", "code", "--se", "CR2"],
            "panel_quasipoisson_code": [panel, "--family", "quasipoisson", "--formula",
                                        "ascof_2a2_num ~ imd_score + financial_year + offset(log(ascof_2a2_den))", "--absorb", "code"],
        ]
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_absorb.csv")).rows
        #expect(Set(ref.map { $0[0] }) == Set(cases.keys) && ref.count == 2 + 2 + 5 + 5 + 4 * 2)
        for (name, args) in cases.sorted(by: { $0.key < $1.key }) {
            let r = try CLI.run(["fit"] + args + ["--json", "-"] + (stream ? ["--stream"] : []))
            if stream && name == "panel_quasipoisson_code" {
                // imd_score is constant within each council, so the absorbed dummies take it: R
                // reports it NA; a fit in blocks refuses linearly dependent columns by name.
                #expect(r.status == 1 && r.stderr.contains("'imd_score'"), "\(r.stderr)")
                continue
            }
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let j = try Self.json(r.stdout)
            let want = ref.filter { $0[0] == name }
            let coefficientRows = want.filter { $0[1] != "deviance" && $0[1] != "df_residual" }
            let coefficients = try #require(j["coefficients"] as? [[String: Any]])
            for (row, c) in paired(coefficientRows, coefficients) {
                #expect(c["term"] as? String == row[1], "\(name)")
                guard let b = Double(row[2]) else {
                    #expect(c["estimate"] is NSNull && c["std_error"] is NSNull, "\(name) \(row[1]) is aliased in R")
                    continue
                }
                let rel = name.hasSuffix("cr2") ? 1e-6 : 1e-8
                for (key, col) in [("estimate", 2), ("std_error", 3), ("statistic", 4), ("p_value", 5)] {
                    let mine = try #require((c[key] as? NSNumber)?.doubleValue, "\(name) \(row[1]) \(key)")
                    let theirs = key == "estimate" ? b : Double(row[col])!
                    #expect(abs(mine - theirs) <= (key == "p_value" ? 1e-5 : rel) * abs(theirs), "\(name) \(row[1]) \(key): \(mine) vs \(theirs)")
                }
            }
            let deviance = Double(want.first { $0[1] == "deviance" }![2])!
            #expect(abs((j["deviance"] as! NSNumber).doubleValue - deviance) <= 1e-9 * deviance, "\(name) deviance")
            #expect((j["df_residual"] as? NSNumber)?.intValue == Int(want.first { $0[1] == "df_residual" }![2])!, "\(name) df")
            let absorbed = try #require(j["absorbed"] as? [[String: Any]])
            #expect(absorbed.count == 1 && absorbed[0]["factor"] as? String == args[args.firstIndex(of: "--absorb")! + 1])
        }
        // A saved model predicts rows of the levels it knows, as predict.glm.
        let dir = try CLI.temporaryDirectory()
        let fit = try CLI.run(["fit", "--id", "code"] + cases["poisson_region"]! + ["--save-model", dir + "/m.json"] + (stream ? ["--stream"] : []))
        #expect(fit.status == 0, "\(fit.stderr)")
        let table = try CSVReader.read(path: panel)
        let year = table.header.firstIndex(of: "financial_year")!
        func quote(_ s: String) -> String { s.contains(",") ? "\"" + s + "\"" : s }
        let newdata = try CLI.write(([table.header] + table.rows.filter { $0[year] == "2016-17" }).map { $0.map(quote).joined(separator: ",") }
                                    .joined(separator: "\n") + "\n", named: "new.csv", in: dir)
        let p = try CLI.run(["predict", dir + "/m.json", newdata, "--id", "code", "--out", "-"])
        #expect(p.status == 0, "\(p.stderr)")
        let out = try CSVReader.parse(Array(p.stdout.utf8), file: "stdout")
        let predicted = try CSVReader.read(path: CLI.fixture("reference/glm_absorb_predict.csv")).rows
        #expect(predicted.count == 152)
        for (row, r) in paired(out.rows, predicted) {
            #expect(row[0] == r[0])
            for (k, col) in [(1, 1), (2, 2)] {
                let mine = Double(row[k])!, theirs = Double(r[col])!
                #expect(abs(mine - theirs) <= 1e-9 * abs(theirs), "\(r[0]) \(out.header[k]): \(mine) vs \(theirs)")
            }
        }
        let text = try CLI.run(["fit"] + cases["poisson_region"]! + (stream ? ["--stream"] : []))
        #expect(text.stdout.contains("Absorbed: region (9 levels; fitted as factor(region)") && !text.stdout.contains("(Intercept)"), "\(text.stdout)")
    }
}

extension GLMCLITests {
    /// `explain --family --absorb F` is `explain --family` with `factor(F)` in the formula and in
    /// the group that named F: the same model (checked against glm with the dummies in
    /// absorbedFactorAgainstGLMWithDummies), so the same table, byte for byte.
    @Test func explainWithAnAbsorbedFactorIsTheExplanationWithItsDummies() throws {
        let dir = try CLI.temporaryDirectory()
        let common = ["explain", Self.councils, "--id", "code", "--family", "poisson", "--justified", "need=imd_score"]
        let a = try CLI.run(common + ["--formula", "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))", "--absorb", "region",
                                      "--unjustified", "place=region", "--out", dir + "/a.csv"])
        let b = try CLI.run(common + ["--formula", "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den)) + factor(region)",
                                      "--unjustified", "place=factor(region)", "--out", dir + "/b.csv"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let ta = try String(contentsOfFile: dir + "/a.csv", encoding: .utf8), tb = try String(contentsOfFile: dir + "/b.csv", encoding: .utf8)
        #expect(ta.split(separator: "\n").count == 153)
        #expect(ta == tb)
    }
}
