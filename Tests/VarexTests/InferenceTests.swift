import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// Inference beyond the coefficient table, against R (fixtures/reference/make_inference_reference.R):
/// HC4/HC4m/HC5 (`sandwich::vcovHC`), the sequential table (`anova`), the Type II table
/// (`car::Anova`, classical and HC3), joint Wald tests of groups (`lmtest::waldtest`), nested
/// comparison (`anova(m1, m2)`) and `predict.lm` intervals. Tolerance 1e-9 relative unless said.
struct InferenceTests {
    static let rel = 1e-9
    typealias Case = ReferenceTests.Case
    static let leverage1 = Case(name: "leverage1", data: ReferenceTests.councils,
                                formula: "asc_net_spend_per_adult_gbp ~ imd_score + region:council_type", id: "code")
    static let hcCases: [Case] = ReferenceTests.cases.filter {
        ["councils_net", "councils_wls", "councils_aliased", "mtcars_interactions", "swiss"].contains($0.name)
    } + [leverage1]
    static let anovaCases: [Case] = ReferenceTests.cases.filter {
        ["councils_net", "councils_wls", "mtcars_interactions", "swiss"].contains($0.name)
    }

    static func fit(_ c: Case) throws -> LinearFit {
        try ModelRun(FitRequest(dataPath: Fixtures.path(c.data), formula: c.formula, id: c.id, weights: c.weights)).fit
    }

    @Test(arguments: hcCases)
    func hc4hc4mhc5(_ c: Case) throws {
        let ref = try Fixtures.csv("reference/hc45_\(c.name).csv")
        let f = try Self.fit(c)
        #expect(f.terms == ref.rows.map { $0[0] })
        for (type, column) in [(CovarianceType.hc4, 1), (.hc4m, 2), (.hc5, 3)] {
            let v = try f.covariance(type)
            for (j, row) in ref.rows.enumerated() {
                let want = rNumber(row[column])
                let got = v[j, j].squareRoot()
                #expect(close(got, want, rel: Self.rel), "\(c.name) \(row[0]) \(type.rawValue): \(got) vs \(want)")
            }
        }
    }

    @Test func leverageOneMakesHC4ToHC5NaNAndWarns() throws {
        let f = try Self.fit(Self.leverage1)
        for type in [CovarianceType.hc4, .hc4m, .hc5] {
            #expect(try f.covariance(type).storage.allSatisfy(\.isNaN))
            let s = try FitSummary(fit: f, covariance: type)
            #expect(s.warnings.contains { $0.hasPrefix("\(type.rawValue) covariances become numerically unstable") })
        }
    }

    @Test(arguments: anovaCases)
    func sequentialAnova(_ c: Case) throws {
        let ref = try Fixtures.csv("reference/anova_\(c.name).csv")
        let table = AnovaTable.sequential(try Self.fit(c))
        #expect(table.rows.map(\.term) == ref.rows.map { $0[0] })
        for (row, want) in paired(table.rows, ref.rows) {
            #expect(row.df == Int(want[1]))
            #expect(close(row.sumOfSquares!, rNumber(want[2]), rel: Self.rel), "\(c.name) \(row.term) SS")
            #expect(close(row.meanSquare!, rNumber(want[3]), rel: Self.rel), "\(c.name) \(row.term) MS")
            if row.term != "Residuals" {
                #expect(close(row.f!, rNumber(want[4]), rel: Self.rel), "\(c.name) \(row.term) F")
                #expect(close(row.pValue!, rNumber(want[5]), rel: Self.rel), "\(c.name) \(row.term) p")
            }
        }
    }

    @Test(arguments: anovaCases)
    func typeIIAnova(_ c: Case) throws {
        let f = try Self.fit(c)
        let ref = try Fixtures.csv("reference/anova2_\(c.name).csv")
        let table = try AnovaTable.typeII(f, covariance: .classical)
        #expect(table.rows.map(\.term) == ref.rows.map { $0[0] })
        for (row, want) in paired(table.rows, ref.rows) {
            #expect(close(row.sumOfSquares!, rNumber(want[1]), rel: Self.rel), "\(c.name) \(row.term) SS")
            #expect(row.df == Int(want[2]))
            if row.term != "Residuals" {
                #expect(close(row.f!, rNumber(want[3]), rel: Self.rel), "\(c.name) \(row.term) F")
                #expect(close(row.pValue!, rNumber(want[4]), rel: Self.rel), "\(c.name) \(row.term) p")
            }
        }
        let robustRef = try Fixtures.csv("reference/anova2_\(c.name)_HC3.csv")
        let robust = try AnovaTable.typeII(f, covariance: .hc3)
        #expect(robust.rows.map(\.term) == robustRef.rows.map { $0[0] })
        for (row, want) in paired(robust.rows, robustRef.rows) {
            #expect(row.df == Int(want[1]))
            #expect(row.sumOfSquares == nil)
            if row.term != "Residuals" {
                #expect(close(row.f!, rNumber(want[2]), rel: Self.rel), "\(c.name) \(row.term) HC3 F")
                #expect(close(row.pValue!, rNumber(want[3]), rel: Self.rel), "\(c.name) \(row.term) HC3 p")
            }
        }
    }

    /// `--stream --anova`: the sequential table from the R factor's effects and the Type II
    /// table (classical and HC3) by Wald tests, the data read in blocks of 2 kB, against the same
    /// R references as the fit in memory.
    @Test(arguments: anovaCases)
    func streamedAnova(_ c: Case) throws {
        let open = { try CSVBlockReader(path: Fixtures.path(c.data), blockBytes: 2048) }
        let fit = try StreamingFit.fit(formula: try Formula(c.formula), reader: try open(), reopen: open, weights: c.weights)
        let sequential = fit.sequentialAnova(), ref = try Fixtures.csv("reference/anova_\(c.name).csv")
        #expect(sequential.rows.map(\.term) == ref.rows.map { $0[0] })
        for (row, want) in paired(sequential.rows, ref.rows) {
            #expect(row.df == Int(want[1]))
            #expect(close(row.sumOfSquares!, rNumber(want[2]), rel: 1e-8), "\(c.name) \(row.term) SS")
            if row.term != "Residuals" {
                #expect(close(row.f!, rNumber(want[4]), rel: 1e-8) && close(row.pValue!, rNumber(want[5]), rel: 1e-8), "\(c.name) \(row.term)")
            }
        }
        let typeII = try fit.typeIIAnova(), ref2 = try Fixtures.csv("reference/anova2_\(c.name).csv")
        #expect(typeII.rows.map(\.term) == ref2.rows.map { $0[0] })
        for (row, want) in paired(typeII.rows, ref2.rows) {
            #expect(row.df == Int(want[2]) && close(row.sumOfSquares!, rNumber(want[1]), rel: 1e-8), "\(c.name) \(row.term) SS")
            if row.term != "Residuals" {
                #expect(close(row.f!, rNumber(want[3]), rel: 1e-8) && close(row.pValue!, rNumber(want[4]), rel: 1e-8), "\(c.name) \(row.term)")
            }
        }
        let hc3 = try fit.covariance(.hc3, open: open).covariance
        let robust = try fit.typeIIAnova(covariance: .hc3, robust: hc3), ref3 = try Fixtures.csv("reference/anova2_\(c.name)_HC3.csv")
        #expect(robust.rows.map(\.term) == ref3.rows.map { $0[0] })
        for (row, want) in paired(robust.rows, ref3.rows) where row.term != "Residuals" {
            #expect(row.df == Int(want[1]) && row.sumOfSquares == nil)
            #expect(close(row.f!, rNumber(want[2]), rel: 1e-8) && close(row.pValue!, rNumber(want[3]), rel: 1e-8), "\(c.name) \(row.term) HC3")
        }
    }

    /// The bundled explain analysis: each group's joint Wald test, classical and HC3.
    @Test func groupWaldTestsAgreeWithLmtest() throws {
        let spec = try AnalysisSpec(contentsOf: Fixtures.path("specs/council-explain.yaml"))
        let ref = try Fixtures.csv("reference/explain_wald.csv")
        for se in [CovarianceType.classical, .hc3] {
            var s = spec
            s.se = se
            let a = try ExplainAnalysis(try ExplainRequest(spec: s))
            for row in ref.rows where row[1] == se.rawValue || (se == .classical && row[1] == "classical") {
                let g = a.decomposition.grouping.groups.firstIndex { $0.name == row[0] }!
                let t = a.groupTests[g]
                #expect(t.df1 == Int(row[2]) && t.df2 == Int(row[3]), "\(row[0]) \(se) df")
                #expect(close(t.statistic, rNumber(row[4]), rel: Self.rel), "\(row[0]) \(se) F")
                #expect(close(t.pValue, rNumber(row[5]), rel: Self.rel), "\(row[0]) \(se) p")
            }
        }
    }

    @Test func nestedComparisonAgreesWithAnova() throws {
        let request = FitRequest(dataPath: Fixtures.path(ReferenceTests.councils), formula: "", id: "code")
        let c = try ComparisonAnalysis(request: request, formulas: [
            "asc_net_spend_per_adult_gbp ~ imd_score",
            "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type"])
        let ref = try Fixtures.csv("reference/anova_compare.csv")
        for (row, want) in paired(c.comparison.rows, ref.rows) {
            #expect(row.dfResidual == Int(want[1]))
            #expect(close(row.rss, rNumber(want[2]), rel: Self.rel))
            #expect(row.df.map { Double($0) } ?? .nan == rNumber(want[3]) || (row.df == nil && want[3] == "NA"))
            #expect(close(row.sumOfSquares ?? .nan, rNumber(want[4]), rel: Self.rel))
            #expect(close(row.f ?? .nan, rNumber(want[5]), rel: Self.rel))
            #expect(close(row.pValue ?? .nan, rNumber(want[6]), rel: Self.rel))
        }
        #expect(c.notNested.isEmpty)
    }
}
