import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// The value view (`varex value`) against `fixtures/reference/make_value_reference.py`, written
/// independently with numpy: the need models' coefficients, each council's outcome index and
/// need-adjusted spend and outcome to 1e-10; given the reference's own draws (the measures drawn
/// from their sampling errors, and the coefficients' normals), the intervals to 1e-9 and the
/// ranks, rank intervals and quadrant shares exactly. And Varex's own draws of each kind of
/// sampling error against the distributions' closed forms.
struct ValueViewTests {
    static let measures = [("ascof_1a", true), ("ascof_1j", true), ("ascof_3a", true), ("ascof_2a2", false), ("ascof_1c1a", true), ("ascof_2b1", true)]

    static func analysis(draws: Int = 2) throws -> ValueAnalysis {
        let request = ValueRequest(spend: "asc_net_spend_per_adult_gbp", need: "I(pop_65p/pop_18p) + imd_score + council_type",
                                   measures: measures.map { Measure(column: $0.0, higherIsBetter: $0.1) }, weights: ["ascof_1a": 2],
                                   draws: draws, seed: 7)
        return try ValueAnalysis(request.fitRequest(data: Fixtures.path("councils/asc_2018_19.csv"), id: "code", label: nil, joins: [],
                                                    exclude: [], subset: nil), value: request)
    }

    @Test func pointEstimatesEqualTheReference() throws {
        let a = try Self.analysis()
        let v = a.view
        let coefficients = try Fixtures.csv("reference/value_coefficients.csv")
        #expect(v.data.needNames == coefficients.rows.map { $0[0] })
        #expect(v.spendCoefficients.count == coefficients.rows.count)
        for (j, row) in coefficients.rows.enumerated() {
            #expect(close(v.spendCoefficients[j], Double(row[1])!, rel: 1e-10), "spend \(row[0])")
            #expect(close(v.outcomeCoefficients[j], Double(row[2])!, rel: 1e-10, abs: 1e-13), "outcome \(row[0])")
        }
        let reference = try Fixtures.csv("reference/value_reference.csv")
        func col(_ name: String) -> Int { reference.header.firstIndex(of: name)! }
        #expect(v.data.units == reference.rows.map { $0[0] })
        #expect(a.rows.count == 152)
        for (i, row) in reference.rows.enumerated() {
            #expect(close(v.index[i], Double(row[col("outcome_index")])!, rel: 1e-10, abs: 1e-12), "\(row[0]) index")
            #expect(close(v.adjustedSpend[i], Double(row[col("adjusted_spend")])!, rel: 1e-10), "\(row[0]) spend")
            #expect(close(v.adjustedOutcome[i], Double(row[col("adjusted_outcome")])!, rel: 1e-10, abs: 1e-12), "\(row[0]) outcome")
            #expect(v.quadrant[i].rawValue == row[col("quadrant")], "\(row[0]) quadrant")
            #expect(v.spendRank[i] == Int(row[col("spend_rank")])!, "\(row[0]) spend rank")
            #expect(v.outcomeRank[i] == Int(row[col("outcome_rank")])!, "\(row[0]) outcome rank")
        }
        // Each measure's sampling error found by its columns' names, the count scales from the data.
        #expect(a.errorSources.map(\.description) == [
            "margin of error ascof_1a_moe", "margin of error ascof_1j_moe", "margin of error ascof_3a_moe",
            "rate ascof_2a2_num/ascof_2a2_den × 100000", "proportion ascof_1c1a_num/ascof_1c1a_den × 100",
            "proportion ascof_2b1_num/ascof_2b1_den × 100",
        ])
    }

    @Test func theReferenceDrawsGiveItsIntervalsRanksAndQuadrants() throws {
        let a = try Self.analysis()
        let units = a.view.data.units, n = units.count
        let drawn = try Fixtures.csv("reference/value_draws.csv"), normals = try Fixtures.csv("reference/value_normals.csv")
        let count = normals.rows.count
        #expect(count == 50)
        #expect(drawn.rows.count == count * n)
        let p = a.view.data.need.columns
        #expect(normals.header.count == 1 + 2 * p)
        let supplied = (0..<count).map { b -> ValueDraw in
            let block = drawn.rows[(b * n)..<((b + 1) * n)]
            let values = Self.measures.indices.map { k in block.map { $0[2 + k].isEmpty ? Double.nan : Double($0[2 + k])! } }
            return ValueDraw(values: values, normals: normals.rows[b].dropFirst().map { Double($0)! })
        }
        #expect(zip(drawn.rows.prefix(n), units).allSatisfy { $0.0[1] == $0.1 })
        let v = try ValueView(a.view.data, supplied: supplied)
        let reference = try Fixtures.csv("reference/value_reference.csv")
        func col(_ name: String) -> Int { reference.header.firstIndex(of: name)! }
        for (i, row) in reference.rows.enumerated() {
            func number(_ c: String) -> Double { Double(row[col(c)])! }
            #expect(close(v.spendLower[i], number("adjusted_spend_low"), rel: 1e-9), "\(row[0])")
            #expect(close(v.spendUpper[i], number("adjusted_spend_high"), rel: 1e-9), "\(row[0])")
            #expect(close(v.outcomeLower[i], number("adjusted_outcome_low"), rel: 1e-9, abs: 1e-11), "\(row[0])")
            #expect(close(v.outcomeUpper[i], number("adjusted_outcome_high"), rel: 1e-9, abs: 1e-11), "\(row[0])")
            #expect(v.quadrantProbability[i] == number("p_quadrant"), "\(row[0])")
            #expect(v.valueProbability[i] == number("p_low_spend_good_outcome"), "\(row[0])")
            #expect(v.spendRankMedian[i] == number("spend_rank_median"), "\(row[0])")
            #expect(v.spendRankLower[i] == Int(row[col("spend_rank_low")])!, "\(row[0])")
            #expect(v.spendRankUpper[i] == Int(row[col("spend_rank_high")])!, "\(row[0])")
            #expect(v.outcomeRankMedian[i] == number("outcome_rank_median"), "\(row[0])")
            #expect(v.outcomeRankLower[i] == Int(row[col("outcome_rank_low")])!, "\(row[0])")
            #expect(v.outcomeRankUpper[i] == Int(row[col("outcome_rank_high")])!, "\(row[0])")
        }
    }

    /// `varex index --sensitivity --sampling-error`: given the reference's measure draws (weights
    /// fixed), each council's index rank and rank interval exactly.
    @Test func indexRankIntervalsCarryTheSamplingError() throws {
        let table = try Table(contentsOf: Fixtures.path("councils/asc_2018_19.csv"))
        let measures = Self.measures.map { Measure(column: $0.0, higherIsBetter: $0.1) }
        let drawn = try Fixtures.csv("reference/value_draws.csv")
        let n = table.rowCount, count = drawn.rows.count / n
        #expect(count == 50 && drawn.rows.count == count * n)
        let weights = measures.map { $0.column == "ascof_1a" ? 2.0 : 1.0 }
        let supplied = (0..<count).map { b -> (weights: [Double], values: [[Double]]) in
            let block = drawn.rows[(b * n)..<((b + 1) * n)]
            return (weights, measures.indices.map { k in block.map { $0[2 + k].isEmpty ? Double.nan : Double($0[2 + k])! } })
        }
        let r = try Sensitivity.index(table: table, measures: measures, weights: ["ascof_1a": 2], normalisation: .z, draws: 0, spread: 0,
                                      seed: 1, supplied: supplied)
        #expect(r.includesSamplingError)
        let want = try Fixtures.csv("reference/value_index_ranks.csv").rows
        #expect(want.count == n)
        for (i, row) in want.enumerated() {
            #expect(r.rank[i] == Int(row[1])!, "\(row[0]) rank")
            #expect(r.weightsLow[i] == Int(row[2])! && r.weightsHigh[i] == Int(row[3])!, "\(row[0]) interval")
        }
    }

    /// 200,000 draws of each kind against the textbook moments: the margin of error's normal SD
    /// moe/1.959964; Beta(a, b)'s mean a/(a+b) and variance ab/((a+b)²(a+b+1)); Gamma(a)'s mean
    /// and variance a. Tolerance: 5 Monte Carlo standard errors of each moment.
    @Test func samplingErrorsDrawTheirDistributions() {
        let m = 200_000
        func moments(_ e: SamplingError, value: Double) -> (mean: Double, sd: Double) {
            var g = Xoshiro256(seed: 11, stream: 3)
            var s = 0.0, s2 = 0.0
            for _ in 0..<m { let d = e.draw(value, using: &g) - value; s += d; s2 += d * d }
            let mean = s / Double(m)
            return (mean, (s2 / Double(m) - mean * mean).squareRoot())
        }
        func check(_ e: SamplingError, value: Double, mean: Double, sd: Double) {
            let got = moments(e, value: value)
            let se = sd / Double(m).squareRoot()
            #expect(Swift.abs(got.mean - mean) < 5 * se, "\(e) mean \(got.mean) vs \(mean)")
            // The SD's standard error is about sd/√(2m) for a near-normal draw; 5 of them, doubled for skew.
            #expect(Swift.abs(got.sd - sd) < 10 * sd / (2 * Double(m)).squareRoot(), "\(e) sd \(got.sd) vs \(sd)")
        }
        check(.marginOfError(4.2), value: 60, mean: 0, sd: 4.2 / 1.959963984540054)
        // 6 of 6 at home after discharge: 100%, yet uncertain: Beta(6.5, 0.5).
        let a = 6.5, b = 0.5
        check(.proportion(numerator: 6, denominator: 6, scale: 100), value: 100, mean: 100 * (a / (a + b) - 1),
              sd: 100 * (a * b / ((a + b) * (a + b) * (a + b + 1))).squareRoot())
        check(.proportion(numerator: 140, denominator: 400, scale: 100), value: 35, mean: 100 * (140.5 / 401 - 0.35),
              sd: 100 * (140.5 * 260.5 / (401 * 401 * 402)).squareRoot())
        // 41 admissions of 123,460 people, per 100,000: Gamma(41.5)/123460.
        check(.rate(numerator: 41, denominator: 123_460, scale: 100_000), value: 33.2, mean: 100_000 * 0.5 / 123_460,
              sd: 100_000 * 41.5.squareRoot() / 123_460)
        #expect(SamplingError.exact.draw(5, using: &Self.generator) == 5)
    }

    static var generator = Xoshiro256(seed: 1)

    @Test func countScalesComeFromTheData() {
        #expect(SamplingError.countScale(values: [33.2, 10], numerators: [41, 20], denominators: [123_460, 200_000])! == (100_000, false))
        #expect(SamplingError.countScale(values: [35, 50], numerators: [140, 3], denominators: [400, 6])! == (100, true))
        #expect(SamplingError.countScale(values: [0.35], numerators: [140], denominators: [400])! == (1, true))
        #expect(SamplingError.countScale(values: [.nan], numerators: [1], denominators: [2]) == nil)
    }

    /// The same seed gives the same view whatever the order the draws are computed in; and the
    /// intervals widen with the measures' sampling error (the complaint: exact measures
    /// gave rank intervals too narrow).
    @Test func samplingErrorWidensTheOutcomeRankIntervals() throws {
        let a = try Self.analysis(draws: 400)
        var exactRequest = a.request
        exactRequest.samplingError = .none
        let exact = try ValueAnalysis(exactRequest.fitRequest(data: Fixtures.path("councils/asc_2018_19.csv"), id: "code", label: nil, joins: [],
                                                              exclude: [], subset: nil), value: exactRequest)
        #expect(exact.errorSources.allSatisfy { $0.description == "exact" })
        #expect(a.view.medianOutcomeRankWidth > exact.view.medianOutcomeRankWidth + 10)
        // Spend is measured: its intervals come from the coefficients alone and barely move.
        #expect(Swift.abs(a.view.medianSpendRankWidth - exact.view.medianSpendRankWidth) < 8)
    }
}
