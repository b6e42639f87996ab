import Foundation
import Testing
import Varex
import VarexAnalysis

/// `fit --save-model`, `predict`, `anova`, `fit --anova` and `--se HC4/HC4m/HC5` through the
/// binary, against R's numbers (fixtures/reference/make_inference_reference.R).
struct PredictAnovaCLITests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let net = "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type"

    static func number(_ s: String) -> Double { Double(s) ?? .nan }

    /// Saved with two councils excluded, then predicted on the whole file: every council with its
    /// predictors gets predict.lm's fit and intervals (1e-9); the CSV has every input row. A fit
    /// read in blocks (`--stream`) saves the same model.
    @Test(arguments: [[], ["--stream", "--block-mb", "1"]])
    func saveModelThenPredict(_ extra: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let fit = try CLI.run(["fit", Self.councils, "--id", "code", "--formula", Self.net, "--exclude", "E09000001",
                               "--exclude", "E06000053", "--save-model", dir + "/m.json"] + extra)
        #expect(fit.status == 0, "\(fit.stderr)")
        let r = try CLI.run(["predict", dir + "/m.json", Self.councils, "--id", "code", "--label", "name", "--out", dir + "/p.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("152 of 152 rows predicted"))
        let got = try CSVReader.read(path: dir + "/p.csv")
        #expect(got.header == ["code", "name", "fit", "se_fit", "ci95_low", "ci95_high", "pi95_low", "pi95_high", "observed", "error", "note"])
        let ref = try CSVReader.read(path: CLI.fixture("reference/predict_councils_net.csv"))
        // The file has the response: each row's observed value (from the data) and error, and on
        // stderr the RMSE and the prediction intervals' coverage, computed here from R's numbers.
        let data = try CSVReader.read(path: Self.councils)
        let y = data.header.firstIndex(of: "asc_net_spend_per_adult_gbp")!
        var squares = 0.0, covered = 0
        for want in ref.rows {
            let row = got.rows.first { $0[0] == want[0] }!
            for (g, w) in [(2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (7, 6)] {
                let a = Self.number(row[g]), b = Self.number(want[w])
                #expect(abs(a - b) <= 1e-9 * abs(b), "\(want[0]) \(got.header[g]): \(a) vs \(b)")
            }
            let observed = Self.number(data.rows.first { $0[0] == want[0] }![y])
            #expect(Self.number(row[8]) == observed)
            let error = observed - Self.number(want[1])
            #expect(abs(Self.number(row[9]) - error) <= 1e-9 * abs(observed))
            squares += error * error
            if Self.number(want[5]) <= observed && observed <= Self.number(want[6]) { covered += 1 }
        }
        #expect(ref.rows.count == 152)
        let rmse = (squares / 152).squareRoot()
        #expect(r.stderr.contains("against the 152 observed values in the file: RMSE \(NumberFormat.significant(rmse, 5))"), "\(r.stderr)")
        #expect(r.stderr.contains("; \(covered) of 152"), "\(r.stderr)")
    }

    /// Rows that cannot be predicted are kept, with a note; a weighted model without --weights
    /// gives R's warning; a file that is not a saved model is a clear error.
    @Test func predictNotesWarningsAndErrors() throws {
        let dir = try CLI.temporaryDirectory()
        _ = try CLI.run(["fit", Self.councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                         "--weights", "pop_18p", "--save-model", dir + "/w.json"])
        let new = try CLI.write("code,imd_score,council_type\nA,20,County\nB,,County\nC,20,Combined Authority\n", named: "new.csv", in: dir)
        let r = try CLI.run(["predict", dir + "/w.json", new, "--id", "code"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("varex: warning: Assuming constant prediction variance even though model fit is weighted"))
        #expect(r.stderr.contains("1 of 3 rows predicted; 2 without a prediction"))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[2] == "B,,,,,,,no prediction: missing imd_score")
        #expect(lines[3] == "C,,,,,,,no prediction: council_type 'Combined Authority' is not a level the model was fitted with")
        let bad = try CLI.write("{\"format\": \"something else\"}", named: "bad.json", in: dir)
        let e = try CLI.run(["predict", bad, new])
        #expect(e.status == 1 && e.stderr.hasPrefix("varex: error: \(bad): not a model saved by 'varex fit --save-model'"), "\(e.stderr)")
    }

    /// `varex anova` with two formulas and with two saved models: R's anova(small, big).
    @Test func anovaComparesNestedModels() throws {
        let small = "asc_net_spend_per_adult_gbp ~ imd_score"
        let big = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type"
        let ref = try CSVReader.read(path: CLI.fixture("reference/anova_compare.csv"))
        let dir = try CLI.temporaryDirectory()
        let byFormula = try CLI.run(["anova", Self.councils, "--id", "code", "--formula", small, "--formula", big, "--json", dir + "/a.json"])
        #expect(byFormula.status == 0, "\(byFormula.stderr)")
        #expect(byFormula.stdout.contains("Model 2: \(big)"))
        for name in ["s", "b"] {
            let f = name == "s" ? small : big
            // The small model read in blocks: a streamed fit's saved model compares as any other.
            _ = try CLI.run(["fit", Self.councils, "--id", "code", "--formula", f, "--save-model", dir + "/\(name).json"]
                            + (name == "s" ? ["--stream"] : []))
        }
        let bySaved = try CLI.run(["anova", dir + "/s.json", dir + "/b.json", "--json", "-"])
        #expect(bySaved.status == 0, "\(bySaved.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(bySaved.stdout.utf8)) as! [String: Any]
        let rows = json["rows"] as! [[String: Any]]
        let want = ref.rows[1]
        #expect(rows[1]["df"] as? Int == Int(want[3]))
        for (key, column) in [("rss", 2), ("sum_sq", 4), ("f", 5), ("p_value", 6)] {
            let g = (rows[1][key] as! NSNumber).doubleValue, w = Self.number(want[column])
            #expect(abs(g - w) <= 1e-9 * abs(w), "\(key): \(g) vs \(w)")
        }
        #expect(try String(contentsOfFile: dir + "/a.json", encoding: .utf8) == bySaved.stdout)
        // Different rows: a variable missing in one council drops it from one model only.
        let e = try CLI.run(["anova", Self.councils, "--formula", small, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + ascof_3a"])
        #expect(e.status == 1 && e.stderr.contains("the models were not fitted to the same rows"), "\(e.stderr)")
    }

    /// `fit --anova --se HC3 --json`: the sequential table and the HC3 Type II table in the JSON,
    /// against anova() and car::Anova(vcov. = vcovHC(type = "HC3")).
    @Test func fitAnovaInTheJSON() throws {
        let r = try CLI.run(["fit", CLI.fixture("reference/mtcars.csv"), "--id", "model", "--formula", "mpg ~ wt * hp + factor(cyl) + am",
                             "--anova", "--se", "HC3", "--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let anova = json["anova"] as! [String: Any]
        #expect(anova["type_ii_se"] as? String == "HC3")
        let seq = anova["sequential"] as! [[String: Any]]
        let seqRef = try CSVReader.read(path: CLI.fixture("reference/anova_mtcars_interactions.csv"))
        #expect(seq.map { $0["term"] as! String } == seqRef.rows.map { $0[0] })
        for (row, want) in paired(seq, seqRef.rows) where want[0] != "Residuals" {
            let f = (row["f"] as! NSNumber).doubleValue
            #expect(abs(f - Self.number(want[4])) <= 1e-9 * Self.number(want[4]))
        }
        let t2 = anova["type_ii"] as! [[String: Any]]
        let t2Ref = try CSVReader.read(path: CLI.fixture("reference/anova2_mtcars_interactions_HC3.csv"))
        for (row, want) in paired(t2, t2Ref.rows) where want[0] != "Residuals" {
            let f = (row["f"] as! NSNumber).doubleValue
            #expect(abs(f - Self.number(want[2])) <= 1e-9 * Self.number(want[2]), "\(want[0])")
            #expect(row["sum_sq"] is NSNull)
        }
    }

    /// `--se HC4m` reaches the coefficient table: sandwich's HC4m standard errors.
    @Test func hc4mThroughTheBinary() throws {
        let r = try CLI.run(["fit", CLI.fixture("reference/swiss.csv"), "--id", "province", "--formula",
                             "Fertility ~ Agriculture + Examination + Education + Catholic + Infant.Mortality", "--se", "HC4m", "--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(json["covariance"] as? String == "HC4m")
        let coefficients = json["coefficients"] as! [[String: Any]]
        let ref = try CSVReader.read(path: CLI.fixture("reference/hc45_swiss.csv"))
        for (c, want) in paired(coefficients, ref.rows) {
            let se = (c["std_error"] as! NSNumber).doubleValue
            #expect(abs(se - Self.number(want[2])) <= 1e-9 * Self.number(want[2]), "\(want[0])")
        }
    }
}

/// `--cluster` through the binary: CR1 by default, the clusters and the test df in the summary,
/// R's SEs in the JSON; a clustered type without a cluster column is a usage error.
struct ClusterCLITests {
    /// A clustered Type II table prints the denominator df its F tests use (it printed n − k,
    /// 749, beside p-values on G − 1 = 151), says how that differs from car::Anova with vcovCL,
    /// and `--cluster-df residual` (or the spec's `cluster_df: residual`) gives R's p-values:
    /// car::Anova's and coeftest's (fixtures/reference/cluster_anova2.csv, cluster_coeftest.csv).
    @Test func clusteredTestsOnEitherDF() throws {
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"
        let anova = try CLI.records(CLI.fixture("reference/cluster_anova2.csv"))
        let coeftest = try CLI.records(CLI.fixture("reference/cluster_coeftest.csv"))
        #expect(anova.count == 5 && coeftest.count == 10)
        let dir = try CLI.temporaryDirectory()
        let spec = try CLI.write("data: \(panel)\nformula: \"\(formula)\"\ncluster: [code]\ncluster_df: residual\n", named: "s.yaml", in: dir)
        for (convention, extra) in [("clusters", [String]()), ("residual", ["--cluster-df", "residual"]), ("residual", ["SPEC"])] {
            let args = extra == ["SPEC"] ? ["fit", "--spec", spec, "--anova", "--json", "-"]
                : ["fit", panel, "--formula", formula, "--cluster", "code", "--anova", "--json", "-"] + extra
            let r = try CLI.run(args)
            #expect(r.status == 0, "\(r.stderr)")
            let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let typeII = (j["anova"] as! [String: Any])["type_ii"] as! [[String: Any]]
            for (row, want) in paired(typeII, anova) {
                #expect(row["term"] as? String == want["term"])
                if want["term"] == "Residuals" {
                    #expect(row["df"] as? Int == Int(want["df_" + convention]!), "\(convention): the residual row's df")
                    continue
                }
                #expect(row["df"] as? Int == Int(want["df"]!))
                let f = (row["f"] as! NSNumber).doubleValue, p = (row["p_value"] as! NSNumber).doubleValue
                #expect(abs(f - Double(want["f"]!)!) <= 1e-9 * f, "\(want["term"]!) F")
                let wp = Double(want["p_" + convention]!)!
                #expect(abs(p - wp) <= 1e-8 * wp, "\(convention) \(want["term"]!) p \(p) vs \(wp)")
            }
            if convention == "residual" {
                for (c, want) in paired(j["coefficients"] as! [[String: Any]], coeftest) {
                    let p = (c["p_value"] as! NSNumber).doubleValue, wp = Double(want["p_residual"]!)!
                    #expect(abs(p - wp) <= 1e-8 * wp, "\(want["term"]!) coeftest p")
                }
            }
        }
        let text = try CLI.run(["fit", panel, "--formula", formula, "--cluster", "code", "--anova"])
        #expect(text.stdout.contains("Residuals                151\n"), "\(text.stdout)")
        #expect(text.stdout.contains("Note: F tests on G − 1 = 151 denominator df (152 clusters; Stata's choice); car::Anova(fit, vcov. = vcovCL) uses n − k = 749"))
        let bad = try CLI.run(["fit", panel, "--formula", formula, "--cluster", "code", "--cluster-df", "stata"])
        #expect(bad.status == 1 && bad.stderr.contains("--cluster-df"), "\(bad.stderr)")
    }

    /// CR2 tests each coefficient on its own Satterthwaite df: shown in the JSON (`df`), the
    /// text (a df column) and the coefficient CSV, equal to clubSandwich's coef_test to 1e-9, with
    /// its p-values; also with a column that is not estimable before later terms, whose df must
    /// stay with their own coefficients (fixtures/reference/make_cluster_reference.R).
    @Test(arguments: [
        ("asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year", "cluster_ols.csv"),
        ("asc_net_spend_per_adult_gbp ~ imd_score + pop_85p_share + pop_85p_twice + council_type", "cluster_aliased_cr2.csv"),
    ])
    func cr2DegreesOfFreedomAsClubSandwich(_ formula: String, _ reference: String) throws {
        let dir = try CLI.temporaryDirectory()
        // The aliased case's columns, computed from the panel as the R script computes them.
        var t = try CSVReader.read(path: CLI.fixture("councils/asc_panel_2014_2019.csv"))
        let k85 = t.header.firstIndex(of: "pop_85p")!, k18 = t.header.firstIndex(of: "pop_18p")!
        let share = t.rows.map { r in Double(r[k85]).flatMap { a in Double(r[k18]).map { "\((100 * a / $0).description)" } } ?? "" }
        let data = try CLI.write(([t.header + ["pop_85p_share", "pop_85p_twice"]] + t.rows.enumerated().map { i, r in
            r + [share[i], share[i].isEmpty ? "" : "\((2 * Double(share[i])!).description)"]
        }).map { $0.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") }.joined(separator: "\n") + "\n", named: "panel.csv", in: dir)
        t = try CSVReader.read(path: CLI.fixture("reference/" + reference))
        let want = t.rows.map { Dictionary(uniqueKeysWithValues: zip(t.header, $0)) }
        let r = try CLI.run(["fit", data, "--formula", formula, "--cluster", "code", "--se", "CR2", "--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        for (c, w) in paired(json["coefficients"] as! [[String: Any]], want) {
            #expect(c["term"] as? String == w["term"])
            if w["df_CR2"] == "NA" { #expect(c["df"] is NSNull && c["estimate"] is NSNull); continue }
            for (key, ref) in [("std_error", "se_CR2"), ("df", "df_CR2"), ("p_value", "p_CR2")] {
                let g = (c[key] as! NSNumber).doubleValue, x = Double(w[ref]!)!
                #expect(abs(g - x) <= 1e-9 * abs(x), "\(w["term"]!) \(key): \(g) vs \(x)")
            }
        }
        let text = try CLI.run(["fit", data, "--formula", formula, "--cluster", "code", "--se", "CR2"])
        let header = text.stdout.split(separator: "\n").first { $0.contains("Estimate") }.map(String.init) ?? ""
        #expect(header.split(separator: " ") == ["Estimate", "CR2", "SE", "df", "t", "value", "Pr(>|t|)"], "\(header)")
        // CR0 and CR1 too, where the reference has them (the aliased case): its row stays null.
        for type in ["CR1", "CR0"] where want.first?["se_" + type] != nil {
            let c = try CLI.run(["fit", data, "--formula", formula, "--cluster", "code", "--se", type, "--json", "-"])
            let cj = try JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as! [String: Any]
            for (row, w) in paired(cj["coefficients"] as! [[String: Any]], want) {
                if w["se_" + type] == "NA" { #expect(row["std_error"] is NSNull); continue }
                let g = (row["std_error"] as! NSNumber).doubleValue, x = Double(w["se_" + type]!)!
                #expect(abs(g - x) <= 1e-9 * x, "\(type) \(w["term"]!): \(g) vs \(x)")
            }
        }
        let csv = try CLI.run(["fit", data, "--formula", formula, "--cluster", "code", "--se", "CR2", "--format", "csv"])
        let table = try CSVReader.parse(Array(csv.stdout.utf8), file: "stdout")
        #expect(table.header.last == "df" && table.rows.count == want.count)
        for (row, w) in paired(table.rows, want) where w["df_CR2"] != "NA" {
            #expect(abs(Double(row.last!)! - Double(w["df_CR2"]!)!) <= 1e-9 * Double(w["df_CR2"]!)!)
        }
    }

    @Test func clusteredFit() throws {
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"
        let r = try CLI.run(["fit", panel, "--formula", formula, "--cluster", "code"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Standard errors: CR1 (clustered by code: 152 clusters; t on 151 df)"), "\(r.stdout)")
        let j = try CLI.run(["fit", panel, "--formula", formula, "--cluster", "code", "--json", "-"])
        let json = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        #expect(json["covariance"] as? String == "CR1")
        let ref = try CSVReader.read(path: CLI.fixture("reference/cluster_ols.csv"))
        for (c, want) in paired(json["coefficients"] as! [[String: Any]], ref.rows) {
            let se = (c["std_error"] as! NSNumber).doubleValue, w = Double(want[2])!
            #expect(abs(se - w) <= 1e-9 * w, "\(want[0])")
        }
        let bad = try CLI.run(["fit", panel, "--formula", formula, "--se", "CR0"])
        #expect(bad.status == 1 && bad.stderr.contains("--se CR0 needs --cluster COLUMN"), "\(bad.stderr)")
        let mixed = try CLI.run(["fit", panel, "--formula", formula, "--se", "HC3", "--cluster", "code"])
        #expect(mixed.status == 1 && mixed.stderr.contains("--cluster goes with --se CR0, CR1 or CR2, not HC3"), "\(mixed.stderr)")
        // The spec key says the same as the flag.
        let dir = try CLI.temporaryDirectory()
        let spec = try CLI.write("data: \(panel)\nformula: \"\(formula)\"\ncluster: [code, financial_year]\nse: CR0\n", named: "s.yaml", in: dir)
        let s = try CLI.run(["fit", "--spec", spec, "--json", "-"])
        #expect(s.status == 0, "\(s.stderr)")
        let sj = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any]
        let twoWay = (sj["coefficients"] as! [[String: Any]])[1]["std_error"] as! NSNumber
        let w = Double(ref.rows[1][ref.header.firstIndex(of: "se_CR0_twoway")!])!
        #expect(abs(twoWay.doubleValue - w) <= 1e-9 * w)
        let three = try CLI.write("data: \(panel)\nformula: \"\(formula)\"\ncluster: [code, region, financial_year]\n", named: "t.yaml", in: dir)
        let e = try CLI.run(["fit", "--spec", three])
        #expect(e.status == 1 && e.stderr.contains("line 3: 'cluster' must be one or two columns"), "\(e.stderr)")
    }
}
