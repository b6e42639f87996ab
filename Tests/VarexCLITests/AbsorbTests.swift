import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex fit --absorb` against R's lm with a dummy column per level
/// (fixtures/reference/make_absorb_reference.R): one factor (OLS and WLS) and two, the kept
/// coefficients with classical, HC1, HC3 and CR1 SEs, σ, R², adjusted R², F, the residual df,
/// log-likelihood, AIC and BIC, and per row fitted values, residuals, leverage, Cook's distance,
/// studentized residuals, DFFITS, COVRATIO and DFBETAS; all to 1e-9 relative (1e-9 of the
/// response's scale for values near zero).
struct AbsorbTests {
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let formula: String
        let absorb: [String]
        let weights: String?
        var data = AbsorbTests.panel
        var testDescription: String { name }
    }
    /// The panel's columns with region_year (region:financial_year), written by
    /// make_absorb_threeway_reference.R: three factors that overlap (councils nest in regions,
    /// region-by-year spans the years), so the df are right only with the exact rank.
    static let threeway = CLI.fixture("reference/absorb_threeway_panel.csv")
    static let cases = [
        Case(name: "oneway", formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + financial_year", absorb: ["code"], weights: nil),
        Case(name: "oneway_wls", formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + financial_year", absorb: ["code"], weights: "pop_18p"),
        Case(name: "twoway", formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p)",
             absorb: ["code", "financial_year"], weights: nil),
        // imd_score is constant within every council: lm with the dummies first aliases it and
        // plm drops it (issue 19: Varex kept it, with an SE of 1e18 and one residual df too many).
        Case(name: "oneway_invariant", formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + imd_score + financial_year",
             absorb: ["code"], weights: nil),
        Case(name: "twoway_invariant", formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + imd_score",
             absorb: ["code", "financial_year"], weights: nil),
        // Three factors (issue 23), unweighted and weighted.
        Case(name: "threeway", formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p)",
             absorb: ["code", "financial_year", "region_year"], weights: nil, data: threeway),
        Case(name: "threeway_wls", formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p)",
             absorb: ["region_year", "code", "financial_year"], weights: "pop_18p", data: threeway),
    ]

    static func close(_ g: Double, _ w: Double, abs a: Double = 0) -> Bool { CLI.close(g, w, rel: 1e-9, abs: a) }

    func run(_ c: Case, _ extra: [String]) throws -> [String: Any] {
        var args = ["fit", c.data, "--formula", c.formula, "--json", "-"] + c.absorb.flatMap { ["--absorb", $0] } + extra
        if let w = c.weights { args += ["--weights", w] }
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    @Test(arguments: cases)
    func equalsLmWithDummies(_ c: Case) throws {
        let dir = try CLI.temporaryDirectory()
        let classical = try run(c, ["--residuals", dir + "/rows.csv"])
        let bySE = [("se", classical), ("se_HC1", try run(c, ["--se", "HC1"])), ("se_HC3", try run(c, ["--se", "HC3"])),
                    ("se_CR1", try run(c, ["--cluster", "code"]))]
        let want = try CLI.records(CLI.fixture("reference/absorb_\(c.name)_coefficients.csv"))
        for (column, j) in bySE {
            let got = j["coefficients"] as! [[String: Any]]
            #expect(got.count == want.count)
            for (g, w) in paired(got, want) {
                #expect(g["term"] as? String == w["term"])
                if w["estimate"] == "NA" {
                    // Not estimable: null in the JSON, as R's NA.
                    #expect(g["estimate"] is NSNull && g["std_error"] is NSNull, "\(c.name) \(w["term"]!) should be aliased")
                    continue
                }
                #expect(Self.close((g["estimate"] as! NSNumber).doubleValue, Double(w["estimate"]!)!), "\(c.name) \(w["term"]!)")
                #expect(Self.close((g["std_error"] as! NSNumber).doubleValue, Double(w[column]!)!), "\(c.name) \(w["term"]!) \(column)")
                if column == "se", let plm = w["se_plm"] {
                    // plm's within model: the same estimate and classical SE.
                    #expect(Self.close((g["estimate"] as! NSNumber).doubleValue, Double(w["estimate_plm"]!)!, abs: 0), "\(c.name) plm")
                    #expect(CLI.close((g["std_error"] as! NSNumber).doubleValue, Double(plm)!, rel: 1e-9), "\(c.name) plm SE")
                }
            }
        }
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/absorb_\(c.name)_stats.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        for (key, ref) in [("sigma", "sigma"), ("r_squared", "r_squared"), ("adj_r_squared", "adj_r_squared"), ("f_statistic", "f"),
                           ("log_likelihood", "log_likelihood"), ("aic", "aic"), ("bic", "bic")] {
            #expect(Self.close((classical[key] as! NSNumber).doubleValue, stats[ref]!), "\(c.name) \(key)")
        }
        #expect(Double(classical["df_residual"] as! Int) == stats["df_residual"]!)
        if let plm = stats["df_residual_plm"] { #expect(Double(classical["df_residual"] as! Int) == plm) }
        let aliased = want.filter { $0["estimate"] == "NA" }.map { $0["term"]! }
        let absorbedTerms = (classical["absorbed_terms"] as? [[String: Any]])?.map { $0["term"] as! String }
        #expect(absorbedTerms == aliased, "\(c.name): terms reported as absorbed")
        let rows = try CLI.records(dir + "/rows.csv")
        let ref = try CLI.records(CLI.fixture("reference/absorb_\(c.name)_rows.csv"))
        let kept = (classical["coefficients"] as! [[String: Any]]).filter { !($0["estimate"] is NSNull) }.map { $0["term"] as! String }
        var k = 0
        for (i, row) in rows.enumerated() where row["note"]!.isEmpty {
            let w = ref[k]
            k += 1
            #expect(Int(w["row"]!)! == i + 1)
            for (mine, theirs, scale) in [("fitted", "fitted", 1.0), ("residual", "residual", 1e3), ("leverage", "leverage", 1),
                                          ("cooks_distance", "cooks", 1e-3), ("studentized_residual", "rstudent", 1),
                                          ("dffits", "dffits", 1), ("covratio", "covratio", 1)] {
                #expect(Self.close(Double(row[mine]!)!, Double(w[theirs]!)!, abs: 1e-9 * scale), "\(c.name) row \(i + 1) \(mine)")
            }
            for (t, term) in kept.enumerated() {
                #expect(Self.close(Double(row["dfbetas_" + term]!)!, Double(w["dfbetas_\(t + 1)"]!)!, abs: 1e-9), "\(c.name) row \(i + 1) dfbetas \(term)")
            }
        }
        #expect(k == ref.count)
    }

    /// Three factors with 3,107 levels outside the largest: the fit runs, its df count the
    /// parameters as reghdfe does (exact for the two largest, one redundant level for each
    /// other factor) and say so; what needs each row's leverage (a residual table, HC3) is
    /// refused with the reason and leaves no file; HC1 runs; a saved model is refused.
    @Test func manyLevelsOutsideTheLargest() throws {
        let dir = try CLI.temporaryDirectory()
        var csv = "f1,f2,f3,x,y\n"
        for i in 0..<12_000 {
            let x = sin(Double(i)), y = cos(Double(i) * 0.7) + 2 * x
            csv += "a\(i % 4000),b\((i * 7) % 3100),c\(i % 7),\(x),\(y)\n"
        }
        try csv.write(toFile: dir + "/big.csv", atomically: true, encoding: .utf8)
        let base = ["fit", dir + "/big.csv", "--formula", "y ~ x", "--absorb", "f1", "--absorb", "f2", "--absorb", "f3"]
        let fit = try CLI.run(base + ["--json", "-"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as! [String: Any]
        let parameters = j["absorbed_parameters"] as! Int
        // f1 = i mod 4000 and f2 = 7i mod 3100 both fix i mod 100 (gcd 100, 7 invertible mod 100),
        // so their levels fall in 100 connected sets; f3 adds its 7 levels less one.
        #expect(parameters == 4000 + 3100 - 100 + 6)
        #expect(j["df_residual"] as! Int == 12_000 - parameters - 1)
        let warnings = (j["warnings"] as? [String]) ?? []
        #expect(warnings.contains { $0.contains("\(parameters) parameters") && $0.contains("upper bound") }, "\(warnings)")
        let residuals = try CLI.run(base + ["--residuals", dir + "/rows.csv"])
        #expect(residuals.status == 1 && residuals.stderr.contains("at most 3000 levels between them (they have 3107)"), "\(residuals.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/rows.csv"))
        let hc3 = try CLI.run(base + ["--se", "HC3"])
        #expect(hc3.status == 1 && hc3.stderr.contains("HC2–HC5 standard errors need it"), "\(hc3.stderr)")
        #expect(try CLI.run(base + ["--se", "HC1"]).status == 0)
        let save = try CLI.run(base + ["--save-model", dir + "/m.json"])
        #expect(save.status == 1 && save.stderr.contains("absorbs 3 (f1, f2, f3)"), "\(save.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.json"))
    }

    @Test func refusals() throws {
        let cases: [([String], String)] = [
            (["--formula", "asc_net_spend_per_adult_gbp ~ imd_score + code", "--absorb", "code"], "'code' is absorbed"),
                        (["--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--absorb", "code", "--cluster", "region", "--cluster", "code",
              "--se", "CR2"], "CR2 standard errors take one clustering column"),
            (["--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--absorb", "nosuch"], "no column named 'nosuch'"),
        ]
        for (arguments, expected) in cases {
            let r = try CLI.run(["fit", Self.panel] + arguments)
            #expect(r.status == 1, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(expected), "\(r.stderr)")
        }
        let explain = try CLI.run(["explain", Self.panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--absorb", "code",
                                   "--justified", "need=imd_score"])
        // The absorbed factor is a term to classify, as a formula term is.
        #expect(explain.status == 1 && explain.stderr.contains("not classified: code"), "\(explain.stderr)")
    }
}

/// `fit --absorb ... --save-model` then `varex predict`: new rows of known levels predicted with
/// the absorbed effects as lm with factor() terms predicts them (predict.lm with se.fit and both
/// intervals), for one absorbed factor (the panel without 2018-19, its 2018-19 rows predicted)
/// and two (every seventh council-year held out), against fixtures/reference/absorb_predict.csv
/// (make_absorb_predict_reference.R) to 1e-9; a level the fit never saw gets a note, not a number.
struct AbsorbPredictTests {
    @Test(arguments: [("one_factor", ["code"]), ("two_factors", ["code", "financial_year"])])
    func predictionsAsLmWithFactors(_ name: String, _ factors: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let reference = CLI.fixture("reference")
        let train = name == "one_factor" ? CLI.fixture("councils/asc_panel_2014_2019.csv") : reference + "/absorb_predict_train2.csv"
        let new = reference + (name == "one_factor" ? "/absorb_predict_new1.csv" : "/absorb_predict_new2.csv")
        var args = ["fit", train, "--formula", "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p)",
                    "--save-model", dir + "/model.json"] + factors.flatMap { ["--absorb", $0] }
        if name == "one_factor" { args += ["--subset", "financial_year != \"2018-19\""] }
        let fit = try CLI.run(args)
        #expect(fit.status == 0, "\(fit.stderr)")
        let p = try CLI.run(["predict", dir + "/model.json", new, "--out", dir + "/p.csv"])
        #expect(p.status == 0, "\(p.stderr)")
        let got = try CLI.records(dir + "/p.csv")
        let want = try CLI.records(reference + "/absorb_predict.csv").filter { $0["case"] == name }
        for (g, w) in paired(got, want) {
            for (mine, theirs) in [("fit", "fit"), ("se_fit", "se_fit"), ("ci95_low", "ci_low"), ("ci95_high", "ci_high"),
                                   ("pi95_low", "pi_low"), ("pi95_high", "pi_high")] {
                #expect(CLI.close(Double(g[mine]!)!, Double(w[theirs]!)!, rel: 1e-9), "\(name) \(w["code"]!) \(w["financial_year"]!) \(mine)")
            }
        }
        // A council the fit never saw: no prediction, and why.
        let text = try String(contentsOfFile: new, encoding: .utf8).replacingOccurrences(of: "\"E06000002\"", with: "\"E99999999\"")
        let unknown = try CLI.run(["predict", dir + "/model.json", try CLI.write(text, named: "new.csv", in: dir), "--out", "-"])
        #expect(unknown.status == 0, "\(unknown.stderr)")
        #expect(unknown.stdout.contains("no prediction: code 'E99999999' is not a level the model absorbed"), "\(unknown.stdout)")
    }
}

/// `explain --absorb`: the absorbed factor as a group of its own, against R's model with the
/// factor's dummy columns in that group (fixtures/reference/absorb_explain_*, from
/// make_absorb_explain_reference.R): every row's baseline, group effects, fitted value and
/// residual (1e-9), the R² of every subset of groups and the Shapley shares (1e-9), and each
/// group's F test, the absorbed one by anova() of the model without it (1e-8). One factor on
/// the councils (region), and two in one group on the weighted panel (code and year).
struct AbsorbExplainTests {
    @Test(arguments: ["region", "panel"])
    func explanationAsLmWithDummies(_ name: String) throws {
        let dir = try CLI.temporaryDirectory()
        var args: [String]
        let groups: [String]
        if name == "region" {
            args = ["explain", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--absorb", "region",
                    "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p)",
                    "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--unjustified", "place=region"]
            groups = ["need", "place"]
        } else {
            args = ["explain", CLI.fixture("councils/asc_panel_2014_2019.csv"), "--weights", "pop_18p", "--absorb", "code",
                    "--absorb", "financial_year", "--formula", "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p)",
                    "--justified", "need=I(100 * pop_65p/pop_18p),I(100 * pop_85p/pop_18p)", "--unjustified", "fixed=code,financial_year"]
            groups = ["need", "fixed"]
        }
        let r = try CLI.run(args + ["--out", dir + "/rows.csv", "--json", dir + "/s.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try CLI.records(dir + "/rows.csv").filter { !$0["fitted"]!.isEmpty }
        let want = try CLI.records(CLI.fixture("reference/absorb_explain_\(name)_rows.csv"))
        for (g, w) in paired(got, want) {
            for key in ["baseline", "fitted", "residual"] + groups.map({ "effect_" + $0 }) {
                #expect(CLI.close(Double(g[key]!)!, Double(w[key]!)!, rel: 1e-9, abs: 1e-9), "\(name) \(w["id"]!) \(key)")
            }
        }
        let stats = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("reference/absorb_explain_\(name)_stats.csv")).map { ($0["name"]!, Double($0["value"]!)!) })
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/s.json"))) as! [String: Any]
        for (g, group) in paired(j["groups"] as! [[String: Any]], groups) {
            let number = { (key: String) in (g[key] as! NSNumber).doubleValue }
            #expect(CLI.close(number("share"), stats["share_" + group]!, rel: 1e-9), "\(name) \(group) share")
            #expect(g["test"] as? String == "F" && number("num_df") == stats["df1_" + group]!, "\(name) \(group) df")
            #expect(CLI.close(number("statistic"), stats["f_" + group]!, rel: 1e-8), "\(name) \(group) F")
            #expect(CLI.close(number("p_value"), stats["p_" + group]!, rel: 1e-6), "\(name) \(group) p")
        }
        if name == "region" {
            // An excluded council is not decomposed out of sample (its level's effect would be
            // needed), and not given a wrong number: a note says so, in explain and fit alike.
            let e = try CLI.run(args + ["--exclude", "E06000001", "--out", "-"])
            #expect(e.stdout.contains("E06000001,,") && e.stdout.contains("not decomposed out of sample"), "\(e.stdout.prefix(400))")
            let f = try CLI.run(["fit", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--absorb", "region", "--formula",
                                 "asc_net_spend_per_adult_gbp ~ imd_score", "--exclude", "E06000001", "--residuals", "-"])
            #expect(f.stdout.contains("not decomposed out of sample"), "\(f.stdout.prefix(400))")
        }
        let subsets = j["subset_r_squared"] as! [[String: Any]]
        #expect(subsets.count == 4)
        for s in 1..<4 {
            #expect(CLI.close((subsets[s]["r_squared"] as! NSNumber).doubleValue, stats["r2_\(s)"]!, rel: 1e-9), "\(name) subset \(s)")
        }
    }
}

/// `fit --absorb --anova`: the sequential and Type II tables of the formula's terms equal R's
/// `anova` and `car::Anova` (classical and with `vcovHC` HC1) of `lm` with the factor() dummies
/// entered first, rows for the formula's terms (fixtures/reference/absorb_anova.csv,
/// make_absorb_anova_reference.R): one factor with a term it aliases, one with HC1, two factors
/// weighted; counts first, then df exactly and SS, F and p to 1e-9.
struct AbsorbAnovaTests {
    @Test func tablesEqualLmWithTheDummiesFirst() throws {
        let want = try CLI.records(CLI.fixture("reference/absorb_anova.csv"))
        let cases: [(String, String, [String])] = [
            ("oneway", "asc_net_spend_per_adult_gbp ~ imd_score + pop_65p + financial_year", ["--absorb", "code"]),
            ("oneway_hc1", "asc_net_spend_per_adult_gbp ~ pop_65p + financial_year", ["--absorb", "code", "--se", "HC1"]),
            ("twoway", "asc_net_spend_per_adult_gbp ~ pop_65p + pop_85p", ["--absorb", "code", "--absorb", "financial_year", "--weights", "pop_18p"]),
        ]
        var compared = 0
        for (name, formula, extra) in cases {
            let r = try CLI.run(["fit", AbsorbTests.panel, "--formula", formula, "--anova", "--json", "-"] + extra)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let anova = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["anova"] as! [String: Any]
            for table in ["sequential", "type_ii"] {
                let expected = want.filter { $0["case"] == name && $0["table"] == table }
                guard !expected.isEmpty else { continue }
                let got = (anova[table] as! [[String: Any]]).filter { $0["term"] as? String != "Residuals" }
                for (g, w) in paired(got, expected) {
                    #expect(g["term"] as? String == w["term"] && g["df"] as? Int == Int(w["df"]!), "\(name) \(table)")
                    for key in ["sum_sq", "f", "p_value"] where w[key] != "NA" {
                        let x = (g[key] as? NSNumber)?.doubleValue ?? .nan
                        #expect(CLI.close(x, Double(w[key]!)!, rel: 1e-9), "\(name) \(table) \(w["term"]!) \(key): \(x) vs \(w[key]!)")
                    }
                    compared += 1
                }
            }
        }
        #expect(compared == 10)
        let text = try CLI.run(["fit", AbsorbTests.panel, "--formula", "asc_net_spend_per_adult_gbp ~ pop_65p", "--absorb", "code", "--anova"])
        #expect(text.stdout.contains("Every term is tested after the absorbed code"), "\(text.stdout)")
    }
}

/// `rank` and `report` with `--absorb`: the absorbed factor is refitted in each replicate as its
/// dummies, the same model, so the table equals the one `rank` writes with `factor(region)` in the
/// formula and in the group, byte for byte; and its unjustified amounts are R's: observed −
/// baseline − the justified group's effect of `lm` with the dummies
/// (fixtures/reference/absorb_explain_region_rows.csv, make_absorb_explain_reference.R).
struct AbsorbRankTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p)"

    @Test func rankAsTheDummiesAndAsR() throws {
        let absorbed = try CLI.run(["rank", Self.councils, "--id", "code", "--formula", Self.formula, "--absorb", "region",
                                    "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--unjustified", "place=region",
                                    "--bootstrap", "200", "--seed", "3"])
        let dummies = try CLI.run(["rank", Self.councils, "--id", "code", "--formula", Self.formula + " + factor(region)",
                                   "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--unjustified", "place=factor(region)",
                                   "--bootstrap", "200", "--seed", "3"])
        #expect(absorbed.status == 0 && dummies.status == 0, "\(absorbed.stderr)\(dummies.stderr)")
        #expect(!absorbed.stdout.isEmpty && absorbed.stdout == dummies.stdout)
        let t = try CSVReader.parse(Array(absorbed.stdout.utf8), file: "rank.csv")
        let got = Dictionary(uniqueKeysWithValues: t.rows.map { ($0[0], Double($0[1])!) })
        let data = try CLI.records(Self.councils)
        let observed = Dictionary(uniqueKeysWithValues: data.map { ($0["code"]!, Double($0["asc_net_spend_per_adult_gbp"]!)!) })
        let ref = try CLI.records(CLI.fixture("reference/absorb_explain_region_rows.csv"))
        #expect(got.count == ref.count && ref.count == 152)
        for w in ref {
            let want = observed[w["id"]!]! - Double(w["baseline"]!)! - Double(w["effect_need"]!)!
            #expect(CLI.close(got[w["id"]!] ?? .nan, want, rel: 1e-9, abs: 1e-9), "\(w["id"]!)")
        }
    }

    @Test func reportWithAnAbsorbedFactor() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", Self.councils, "--id", "code", "--formula", Self.formula, "--absorb", "region",
                             "--justified", "need=imd_score,I(100 * pop_65p/pop_18p)", "--unjustified", "place=region",
                             "--bootstrap", "100", "--html", dir + "/r.html", "--out", dir + "/r.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CSVReader.read(path: dir + "/r.csv")
        #expect(t.rows.count == 152 && t.header.contains("effect_place"))
    }
}

/// `--absorb` with `--se CR2` against clubSandwich's CR2 of `lm` with the factors' dummies
/// (fixtures/reference/absorb_cr2.csv, `coef_test(test = "Satterthwaite")`): one factor,
/// weighted and not, and two factors (a council and a year, clustered by region, where each
/// council's dummy lies inside one cluster). Refused before ("not in this version").
struct AbsorbCR2Tests {
    @Test func cr2AgainstClubSandwichWithTheDummies() throws {
        let spend = "asc_net_spend_per_adult_gbp ~ imd_score + financial_year"
        let cases: [String: [String]] = [
            "region_by_code": ["--formula", spend, "--absorb", "region", "--cluster", "code"],
            "region_by_code_weighted": ["--formula", spend, "--absorb", "region", "--cluster", "code", "--weights", "pop_18p"],
            "code_year_by_region": ["--formula", "asc_net_spend_per_adult_gbp ~ I(100 * pop_85p/pop_65p)", "--absorb", "code",
                                    "--absorb", "financial_year", "--cluster", "region"],
        ]
        let ref = try CSVReader.read(path: CLI.fixture("reference/absorb_cr2.csv")).rows
        #expect(Set(ref.map { $0[0] }) == Set(cases.keys) && ref.count == 5 + 5 + 1)
        for (name, args) in cases.sorted(by: { $0.key < $1.key }) {
            let r = try CLI.run(["fit", AbsorbTests.panel] + args + ["--se", "CR2", "--json", "-"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            #expect(j["kind"] as? String == "absorbed" && j["covariance"] as? String == "CR2")
            let coefficients = try #require(j["coefficients"] as? [[String: Any]])
            for (row, c) in paired(ref.filter { $0[0] == name }, coefficients) {
                #expect(c["term"] as? String == row[1], "\(name)")
                // To 1e-8: the two factors' fit demeans by alternating projections (to 1e-10).
                for (key, col, rel) in [("estimate", 2, 1e-8), ("std_error", 3, 1e-8), ("statistic", 4, 1e-8), ("df", 5, 1e-8), ("p_value", 6, 1e-6)] {
                    let mine = try #require((c[key] as? NSNumber)?.doubleValue, "\(name) \(row[1]) \(key)")
                    let theirs = Double(row[col])!
                    #expect(abs(mine - theirs) <= rel * abs(theirs), "\(name) \(row[1]) \(key): \(mine) vs \(theirs)")
                }
            }
        }
    }
}
