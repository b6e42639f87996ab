import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// Formula features as R writes them — `.`, `poly()` (orthogonal and raw), `scale()`,
/// `pmin()`/`pmax()`, `ns()` and `bs()` (R's knot placement), comparisons and `%in%` in `I()` — against R's `model.matrix` to 1e-10 (names included), `lm`'s
/// coefficients to 1e-9, and `predict()` on new rows to 1e-9, which checks that what poly()
/// and scale() learned from the data is reused for new rows (fixtures/reference/make_formula_reference.R).
struct FormulaFeatureTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let data: String
        let id: String
        let formula: String
        var testDescription: String { name }
    }
    static let cases: [Case] = [
        Case(name: "poly_scale", data: "councils/asc_2018_19.csv", id: "code",
             formula: "asc_net_spend_per_adult_gbp ~ poly(imd_score, 3) + scale(pop_65p) + council_type"),
        Case(name: "poly_raw_pmin", data: "councils/asc_2018_19.csv", id: "code",
             formula: "asc_net_spend_per_adult_gbp ~ poly(imd_score, 2, raw = TRUE) + pmin(imd_score, 30) + pmax(pop_85p/pop_18p, 0.025)"),
        Case(name: "poly_missing_response", data: "councils/asc_2018_19.csv", id: "code",
             formula: "ascof_3a ~ poly(imd_score, degree = 2) + council_type"),
        Case(name: "splines", data: "councils/asc_2018_19.csv", id: "code",
             formula: "asc_net_spend_per_adult_gbp ~ ns(imd_score, df = 3) + bs(I(pop_65p/pop_18p), df = 5) + council_type"),
        Case(name: "splines_positional", data: "councils/asc_2018_19.csv", id: "code",
             formula: "asc_net_spend_per_adult_gbp ~ ns(imd_score, 1) + bs(pop_85p, 4, degree = 2)"),
        // g spelled "1", "1.0", "1e0", "01": one level per number, as R's factor() of read.csv's values.
        Case(name: "spellings", data: "lme4/spellings.csv", id: "id", formula: "y ~ x + factor(g)"),
        Case(name: "namespaced", data: "councils/asc_2018_19.csv", id: "code",
             formula: "asc_net_spend_per_adult_gbp ~ splines::ns(imd_score, 3) + stats::poly(pop_85p, 2) + base::log(pop_18p) + base::factor(council_type)"),
        Case(name: "logical", data: "councils/asc_2018_19.csv", id: "code",
             formula: "asc_net_spend_per_adult_gbp ~ I(imd_score > 25) + I(region %in% c(\"London\", \"North East\")) + I(council_type == \"County\") + I(pop_85p/pop_18p >= 0.03) * imd_score"),
        Case(name: "offset_lm", data: "councils/asc_2018_19.csv", id: "code",
             formula: "log(asc_net_spend_k) ~ imd_score + council_type + offset(log(pop_18p))"),
        Case(name: "dot_mtcars", data: "reference/mtcars.csv", id: "model", formula: "mpg ~ ."),
        Case(name: "dot_swiss", data: "reference/swiss.csv", id: "province", formula: "Fertility ~ . - Examination"),
    ]

    static func run(_ c: Case) throws -> ModelRun {
        try ModelRun(FitRequest(dataPath: Fixtures.path(c.data), formula: c.formula, id: c.id))
    }

    @Test(arguments: cases)
    func modelMatrixAgreesWithR(_ c: Case) throws {
        let run = try Self.run(c)
        let design = run.fit.design
        let ref = try Fixtures.csv("reference/formula_\(c.name)_matrix.csv")
        #expect(design.columnNames == Array(ref.header.dropFirst()), "\(c.name) column names")
        #expect(design.rows.map { run.ids[$0] } == ref.rows.map { $0[0] }, "\(c.name) rows used")
        let n = design.rows.count
        for (j, name) in design.columnNames.enumerated() {
            let want = ref.rows.map { rNumber($0[j + 1]) }
            let scale = want.map(abs).max() ?? 1
            for i in 0..<n {
                let got = Double(design.x.storage[i + j * n])
                #expect(close(got, want[i], rel: 1e-10, abs: 1e-13 * scale), "\(c.name) \(name) row \(i): \(got) vs \(want[i])")
            }
        }
        let coefficients = try Fixtures.csv("reference/formula_\(c.name)_coefficients.csv")
        for (j, row) in coefficients.rows.enumerated() {
            #expect(close(run.fit.coefficients[j], rNumber(row[1]), rel: 1e-9), "\(c.name) \(row[0])")
        }
    }

    @Test(arguments: cases)
    func newRowsUseWhatTheFitLearned(_ c: Case) throws {
        let run = try Self.run(c)
        let ref = try Fixtures.csv("reference/formula_\(c.name)_predict.csv")
        let coded = try run.fit.design.schema.modelMatrix(table: run.table, rows: Array(0..<6))
        let p = try run.fit.predictor().predict(coded)
        #expect(coded.rows == Array(0..<6))
        for (k, row) in ref.rows.enumerated() { #expect(close(p[k].fit, rNumber(row[1]), rel: 1e-9), "\(c.name) \(row[0])") }
    }

    /// A saved model with poly() and scale() keeps what they learned: predicting one council
    /// alone (where poly would learn nothing) gives the fit's own value.
    @Test func savedBasesPredictOneRow() throws {
        let run = try Self.run(Self.cases[0])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-basis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try SavedModel(run: run).json().write(toFile: dir + "/m.json", atomically: true, encoding: .utf8)
        let data = try String(contentsOfFile: Fixtures.path("councils/asc_2018_19.csv"), encoding: .utf8).split(separator: "\n")
        try (data[0] + "\n" + data[5] + "\n").write(toFile: dir + "/one.csv", atomically: true, encoding: .utf8)
        let a = try PredictionAnalysis(modelPath: dir + "/m.json", dataPath: dir + "/one.csv", id: "code", level: 0.95, weights: nil)
        let i = run.fit.design.rows.firstIndex(of: 4)!
        #expect(close(a.predictions[0].fit, run.fit.fitted[i], rel: 1e-12))
    }

    /// `pkg::f` is accepted where R accepts it and refused, as R refuses it, where that package
    /// does not export f; a namespace without a call is a syntax error, not a column.
    @Test func namespacesAreCheckedAsRChecksThem() throws {
        let labels = try Formula("y ~ splines::bs(x, 3) + stats::C(g) + base::sqrt(x)").variables.map(\.label)
        #expect(labels == ["y", "splines::bs(x, 3)", "stats::C(g)", "base::sqrt(x)"])
        for (formula, words) in [("y ~ stats::ns(x, 3)", "it is splines::ns"), ("y ~ splines::log(x)", "it is base::log"),
                                 ("y ~ base::x", "must be called"), ("y ~ foo::bar(x)", "'bar' is not a function of package 'foo'")] {
            #expect {
                try Formula(formula)
            } throws: { error in
                "\(error)".contains(words)
            }
        }
    }

    @Test func dotNeedsTheDataAndSaysSo() throws {
        #expect(throws: FormulaError.dotNeedsData(formula: "y ~ .", position: 5)) { try Formula("y ~ .") }
        let f = try Formula("log(y) ~ .", dot: ["x", "y", "z"])
        #expect(f.terms.map(\.label) == ["x", "z"])
    }
}

extension FormulaFeatureTests {
    /// A new row beyond a spline's boundary knots is noted, not extrapolated.
    @Test func splineOutsideItsRangeIsNoted() throws {
        let run = try Self.run(Self.cases.first { $0.name == "splines" }!)
        let csv = "code,imd_score,pop_65p,pop_18p,council_type\nA,99,20,100,County\nB,20,20,100,County\n"
        let t = Table(records: try CSVReader.parse(Array(csv.utf8), file: "new.csv"), source: "new.csv")
        let coded = try run.fit.design.schema.modelMatrix(table: t)
        #expect(coded.rows == [1])
        #expect(coded.notes[0]?.hasPrefix("ns(imd_score, df = 3): 99.0 is outside the range the spline was fitted on") == true, "\(coded.notes)")
    }
}

extension FormulaFeatureTests {
    /// lm with an offset: R², adjusted R², σ and F as R 4.2's summary.lm computes them (its
    /// fitted values include the offset), 1e-9; explain refuses it with a message.
    @Test func offsetInALinearModel() throws {
        let c = Self.cases.first { $0.name == "offset_lm" }!
        let run = try Self.run(c)
        let s = try FitSummary(fit: run.fit)
        var want: [String: Double] = [:]
        for row in try Fixtures.csv("reference/formula_offset_lm_stats.csv").rows { want[row[0]] = rNumber(row[1]) }
        #expect(close(s.rSquared, want["r_squared"]!, rel: 1e-9) && close(s.adjustedRSquared, want["adj_r_squared"]!, rel: 1e-9))
        #expect(close(s.sigma, want["sigma"]!, rel: 1e-9) && close(s.overall!.statistic, want["f_statistic"]!, rel: 1e-9))
        #expect(throws: ExplainError.offsetNotSupported) {
            try ExplainAnalysis(ExplainRequest(fit: FitRequest(dataPath: Fixtures.path(c.data), formula: c.formula, id: "code"),
                                               groups: [TermGroup(name: "need", justified: true, terms: ["imd_score", "council_type"])]))
        }
    }
}
