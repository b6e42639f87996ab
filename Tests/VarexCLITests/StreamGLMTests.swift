import Foundation
import Testing
import Varex
import VarexAnalysis

/// `varex fit --stream --family`: a GLM fitted a pass per IRLS iteration, against R's glm on the
/// cases of fixtures/reference/make_glm_reference.R (R's own examples and the councils, every
/// family): coefficients, SEs, statistics and p-values, deviances, df, AIC, dispersion,
/// log-likelihood, Pearson's χ², iterations and every residual-table column, to 1e-8 relative
/// as the fit in memory; the same model in 4 kB blocks; and the sandwich, clustered, CR2 and
/// analysis-of-deviance tables against sandwich, clubSandwich and R's anova/car. Refused
/// before ("not in this version").
struct StreamGLMTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name, data, formula, id: String
        let family: [String]
        var testDescription: String { name }
    }

    static let councils = "councils/asc_2018_19.csv"
    static let binomialCouncils = "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + council_type"
    static let poissonCouncils = "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))"
    static let cases: [Case] = [
        Case(name: "esoph_binomial", data: "reference/esoph.csv", formula: "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp", id: "id",
             family: ["binomial"]),
        Case(name: "warpbreaks_poisson", data: "reference/warpbreaks.csv", formula: "breaks ~ wool + tension", id: "id", family: ["poisson"]),
        Case(name: "insectsprays_quasipoisson", data: "reference/insectsprays.csv", formula: "count ~ spray", id: "id", family: ["quasipoisson"]),
        Case(name: "dobson_poisson", data: "reference/dobson.csv", formula: "counts ~ outcome + treatment", id: "id", family: ["poisson"]),
        Case(name: "clotting_gamma", data: "reference/clotting.csv", formula: "lot1 ~ log(u)", id: "id", family: ["Gamma"]),
        Case(name: "councils_binomial", data: councils, formula: binomialCouncils, id: "code", family: ["binomial"]),
        Case(name: "councils_quasibinomial", data: councils, formula: binomialCouncils, id: "code", family: ["quasibinomial"]),
        Case(name: "councils_binomial_probit", data: councils, formula: binomialCouncils, id: "code", family: ["binomial", "--link", "probit"]),
        Case(name: "councils_poisson_offset", data: councils, formula: poissonCouncils, id: "code", family: ["poisson"]),
        Case(name: "councils_quasipoisson_offset", data: councils, formula: poissonCouncils, id: "code", family: ["quasipoisson"]),
        Case(name: "councils_gamma_log", data: councils, formula: "asc_net_spend_per_adult_gbp ~ imd_score + council_type", id: "code",
             family: ["Gamma", "--link", "log"]),
        Case(name: "councils_gaussian", data: councils, formula: "asc_net_spend_per_adult_gbp ~ imd_score + council_type", id: "code",
             family: ["gaussian"]),
    ]

    static func number(_ a: Any?) -> Double { (a as? NSNumber)?.doubleValue ?? .nan }
    static func rNumber(_ s: String) -> Double { s == "NA" ? .nan : Double(s)! }
    static func same(_ got: Double, _ want: Double, rel: Double = 1e-8, abs a: Double = 0) -> Bool {
        want.isNaN ? got.isNaN : CLI.close(got, want, rel: rel, abs: a)
    }

    /// Each case with the later IRLS passes read from the first pass's rows kept in a temporary
    /// file (the default), and from the CSV each time (`VAREX_STREAM_NO_ROW_CACHE`).
    @Test(arguments: cases, [false, true])
    func againstGLM(_ c: Case, rereadCSV: Bool) throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit", CLI.fixture(c.data), "--id", c.id, "--formula", c.formula, "--family"] + c.family
                            + ["--stream", "--json", "-", "--residuals", dir + "/r.csv"],
                            environment: rereadCSV ? ["VAREX_STREAM_NO_ROW_CACHE": "1"] : [:])
        #expect(r.status == 0, "\(c.name): \(r.stderr)")
        guard r.status == 0 else { return }
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(j["kind"] as? String == "streamed")
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_\(c.name)_coefficients.csv")).rows
        let coefficients = try #require(j["coefficients"] as? [[String: Any]])
        let scale = ref.map { abs(Self.rNumber($0[1])) }.filter(\.isFinite).max() ?? 1
        for (want, got) in paired(ref, coefficients) {
            #expect(got["term"] as? String == want[0])
            #expect(Self.same(Self.number(got["estimate"]), Self.rNumber(want[1]), abs: 1e-12 * scale), "\(c.name) \(want[0]) estimate")
            #expect(Self.same(Self.number(got["std_error"]), Self.rNumber(want[2])), "\(c.name) \(want[0]) SE")
            #expect(Self.same(Self.number(got["statistic"]), Self.rNumber(want[3]), abs: 1e-11), "\(c.name) \(want[0]) z/t")
            #expect(Self.same(Self.number(got["p_value"]), Self.rNumber(want[4]), abs: 1e-300), "\(c.name) \(want[0]) p")
        }
        var stats: [String: Double] = [:]
        for row in try CSVReader.read(path: CLI.fixture("reference/glm_\(c.name)_stats.csv")).rows { stats[row[0]] = Self.rNumber(row[1]) }
        for (key, name) in [("deviance", "deviance"), ("null_deviance", "null_deviance"), ("aic", "aic"), ("dispersion", "dispersion"),
                            ("log_likelihood", "log_likelihood"), ("pearson_chi2", "pearson_chi2")] {
            let got = j[key] is NSNull ? Double.nan : Self.number(j[key])
            #expect(Self.same(got, stats[name]!), "\(c.name) \(key): \(got) vs \(stats[name]!)")
        }
        #expect(Self.number(j["df_residual"]) == stats["df_residual"] && Self.number(j["df_null"]) == stats["df_null"], "\(c.name) df")
        #expect(Self.number(j["iterations"]) == stats["iterations"], "\(c.name) iterations")
        // The residual table, every column, row by row.
        let table = try CSVReader.read(path: dir + "/r.csv")
        let want = try CSVReader.read(path: CLI.fixture("reference/glm_\(c.name)_residuals.csv"))
        #expect(table.rows.count == want.rows.count)
        for name in want.header.dropFirst() {
            let k = try #require(table.header.firstIndex(of: name), "\(name)"), kw = want.header.firstIndex(of: name)!
            let column = want.rows.map { Self.rNumber($0[kw]) }
            let s = column.filter(\.isFinite).map(abs).max() ?? 1
            for (row, w) in paired(table.rows, want.rows) {
                #expect(row[0] == w[0])
                let got = row[k].isEmpty ? Double.nan : Double(row[k])!
                #expect(Self.same(got, Self.rNumber(w[kw]), abs: 1e-12 * s), "\(c.name) \(w[0]) \(name): \(got) vs \(w[kw])")
            }
        }
    }

    /// The same model read 4 kB at a time (the councils in many blocks, a level first met
    /// late): R's coefficients and deviance.
    @Test func manyBlocksAsR() throws {
        let open = { try CSVBlockReader(path: CLI.fixture(Self.councils), blockBytes: 4096) }
        let fit = try StreamingGLM.fit(formula: try Formula(Self.poissonCouncils), family: .quasipoisson, link: nil, open: open)
        #expect(fit.blocks >= 8, "\(fit.blocks) blocks")
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_councils_quasipoisson_offset_coefficients.csv")).rows
        let v = fit.covariance
        for (j, want) in ref.enumerated() {
            #expect(fit.columnNames[j] == want[0])
            #expect(CLI.close(fit.coefficients[j], Double(want[1])!, rel: 1e-8), "\(want[0])")
            #expect(CLI.close(v[j, j].squareRoot(), Double(want[2])!, rel: 1e-8), "\(want[0]) SE")
        }
        var stats: [String: Double] = [:]
        for row in try CSVReader.read(path: CLI.fixture("reference/glm_councils_quasipoisson_offset_stats.csv")).rows { stats[row[0]] = Self.rNumber(row[1]) }
        #expect(CLI.close(fit.deviance, stats["deviance"]!, rel: 1e-9) && CLI.close(fit.nullDeviance, stats["null_deviance"]!, rel: 1e-8))
    }
}
