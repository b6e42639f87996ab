import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// Every coefficient, standard error (classical and HC0–HC3), test statistic and residual-table
/// column against R 4.2 (`lm`, `summary.lm`, `sandwich::vcovHC`, `rstandard`, `rstudent`,
/// `hatvalues`, `cooks.distance`, `dffits`, `covratio`, `dfbetas`, `predict(interval =
/// "prediction")`, `influence.measures`), produced by fixtures/reference/make_reference.R.
///
/// Tolerance: 1e-9 relative; values whose size is below 1e-7 of their column's largest value
/// are compared absolutely at 1e-9 × 1e-7 × that largest value (near-zero dfbetas and residuals,
/// where cancellation dominates in both programs).
struct ReferenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let data: String
        let formula: String
        let id: String
        var weights: String? = nil
        var testDescription: String { name }
    }

    static let councils = "councils/asc_2018_19.csv"
    static let cases: [Case] = [
        Case(name: "councils_net", data: councils,
             formula: "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type", id: "code"),
        Case(name: "councils_outcome", data: councils,
             formula: "ascof_1a ~ log(asc_net_spend_per_adult_gbp) + imd_score + region", id: "code"),
        Case(name: "councils_wls", data: councils,
             formula: "asc_net_spend_per_adult_gbp ~ imd_score + I(pop_65p/pop_18p) + council_type", id: "code", weights: "pop_18p"),
        Case(name: "councils_aliased", data: councils,
             formula: "asc_net_spend_k ~ pop_18_64 + pop_65p + pop_18p + imd_score", id: "code"),
        Case(name: "councils_noint", data: councils,
             formula: "asc_net_spend_k ~ 0 + pop_18_64 + pop_65p + council_type", id: "code"),
        Case(name: "councils_report", data: councils,
             formula: "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type", id: "code"),
        Case(name: "mtcars_interactions", data: "reference/mtcars.csv", formula: "mpg ~ wt * hp + factor(cyl) + am", id: "model"),
        Case(name: "mtcars_nested", data: "reference/mtcars.csv", formula: "mpg ~ wt:factor(cyl)", id: "model"),
        Case(name: "swiss", data: "reference/swiss.csv",
             formula: "Fertility ~ Agriculture + Examination + Education + Catholic + Infant.Mortality", id: "province"),
    ]

    static let rel = 1e-9

    func analysis(_ c: Case, _ se: CovarianceType) throws -> FitAnalysis {
        try FitAnalysis(FitRequest(dataPath: Fixtures.path(c.data), formula: c.formula, id: c.id, weights: c.weights, covariance: se))
    }

    @Test(arguments: cases)
    func coefficientsAndStandardErrors(_ c: Case) throws {
        let ref = try Fixtures.csv("reference/\(c.name)_coefficients.csv")
        let col = { (name: String) in ref.header.firstIndex(of: name)! }
        for se in [CovarianceType.classical, .hc0, .hc1, .hc2, .hc3] {
            let a = try analysis(c, se)
            #expect(a.summary.coefficients.map(\.term) == ref.rows.map { $0[0] }, "term names")
            let seCol = col(se == .classical ? "se_classical" : "se_\(se.rawValue)")
            for (k, row) in ref.rows.enumerated() {
                let got = a.summary.coefficients[k]
                #expect(close(got.estimate, rNumber(row[col("estimate")]), rel: Self.rel), "\(c.name) \(got.term) estimate")
                #expect(close(got.standardError, rNumber(row[seCol]), rel: Self.rel), "\(c.name) \(got.term) \(se) SE")
                if se == .classical {
                    #expect(close(got.t, rNumber(row[col("t")]), rel: Self.rel), "\(c.name) \(got.term) t")
                    #expect(close(got.pValue, rNumber(row[col("p_value")]), rel: Self.rel), "\(c.name) \(got.term) p")
                    #expect(close(got.confidenceLow, rNumber(row[col("ci_low")]), rel: Self.rel), "\(c.name) \(got.term) ci_low")
                    #expect(close(got.confidenceHigh, rNumber(row[col("ci_high")]), rel: Self.rel), "\(c.name) \(got.term) ci_high")
                }
            }
        }
    }

    @Test(arguments: cases)
    func fitStatistics(_ c: Case) throws {
        let ref = try Fixtures.csv("reference/\(c.name)_stats.csv")
        var want: [String: Double] = [:]
        for row in ref.rows { want[row[0]] = rNumber(row[1]) }
        let a = try analysis(c, .classical)
        let s = a.summary
        #expect(Double(s.n) == want["n"])
        #expect(Double(s.rank) == want["rank"])
        #expect(Double(s.dfResidual) == want["df_residual"])
        let pairs: [(String, Double)] = [("sigma", s.sigma), ("r_squared", s.rSquared), ("adj_r_squared", s.adjustedRSquared),
                                         ("f_statistic", s.overall!.statistic), ("f_p_value", s.overall!.pValue),
                                         ("log_likelihood", s.logLikelihood), ("aic", s.aic), ("bic", s.bic)]
        for (name, got) in pairs { #expect(close(got, want[name]!, rel: Self.rel), "\(c.name) \(name): \(got) vs \(want[name]!)") }
        for se in [CovarianceType.hc0, .hc1, .hc2, .hc3] {
            let robust = try analysis(c, se).summary.overall!
            #expect(close(robust.statistic, want["wald_f_\(se.rawValue)"]!, rel: Self.rel), "\(c.name) Wald F \(se)")
            #expect(close(robust.pValue, want["wald_p_\(se.rawValue)"]!, rel: Self.rel), "\(c.name) Wald p \(se)")
        }
    }

    @Test(arguments: cases)
    func residualTable(_ c: Case) throws {
        let ref = try Fixtures.csv("reference/\(c.name)_residuals.csv")
        let got = try analysis(c, .classical).residuals()
        #expect(got.header.count == ref.header.count + 1, "the note column is ours")
        #expect(Array(got.header.dropFirst().dropLast()) == Array(ref.header.dropFirst()), "column names")
        #expect(got.rows.count == ref.rows.count)
        for j in 1..<ref.header.count - 1 {
            let want = ref.rows.map { rNumber($0[j]) }
            let scale = want.filter(\.isFinite).map(abs).max() ?? 0
            for (i, row) in got.rows.enumerated() {
                #expect(row[0] == .text(ref.rows[i][0]), "id")
                let value: Double
                switch row[j] {
                case let .number(x): value = x
                case .empty: value = .nan
                default: value = .infinity
                }
                #expect(close(value, want[i], rel: Self.rel, abs: scale * 1e-16),
                        "\(c.name) row \(i + 1) \(ref.header[j]): \(value) vs \(want[i])")
            }
        }
        let flagColumn = ref.header.count - 1
        for (i, row) in got.rows.enumerated() {
            let want = ref.rows[i][flagColumn]
            switch row[flagColumn] {
            case let .bool(b): #expect(want == (b ? "TRUE" : "FALSE"), "\(c.name) row \(i + 1) influential")
            default: #expect(want == "NA", "\(c.name) row \(i + 1) influential")
            }
        }
    }
}
