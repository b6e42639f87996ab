import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// `varex triangulate` against R (`make_sfa_reference.R`'s last block): on the 151 councils with
/// ASCOF 1A, 1B and 3A, the regression's unjustified spend as `lm`'s residuals (1e-9), DEA's scores
/// as HiGHS's (1e-8), the cost frontier's efficiencies as R's maximum (1e-6), each view's ranks
/// exactly, and Spearman's correlations of the three rankings as R's `cor(method = "spearman")`.
struct TriangulationTests {
    static func analysis(replicates: Int = 0, rankDraws: Int = 0) throws -> TriangulationAnalysis {
        try TriangulationAnalysis(data: Fixtures.path("councils/asc_2018_19.csv"), id: "code", label: "name",
                                  request: TriangulationRequest(spend: "asc_net_spend_per_adult_gbp",
                                                                need: "imd_score + I(log(pop_85p/pop_18p)) + I(log(pop_65p/pop_18p))",
                                                                outputs: ["ascof_1a", "ascof_1b", "ascof_3a"], deaNeeds: ["imd_score"],
                                                                replicates: replicates, rankDraws: rankDraws, seed: 3))
    }

    @Test func threeViewsAgreeWithR() throws {
        let a = try Self.analysis()
        let want = try Fixtures.csv("reference/triangulate_units.csv").rows
        #expect(a.rows.count == 151 && want.count == 151)
        #expect(a.leftOut.map(\.reason) == ["missing ascof_1a"])
        let s = a.scores, r = a.ranks
        for (k, row) in want.enumerated() {
            #expect(a.ids[a.rows[k]] == row[0])
            #expect(close(-s.regression[k], Double(row[1])!, rel: 1e-9, abs: 1e-9), "\(row[0]) unjustified")
            #expect(abs(s.dea[k] - Double(row[2])!) <= 1e-8, "\(row[0]) DEA")
            #expect(close(s.frontier[k], Double(row[3])!, rel: 1e-6), "\(row[0]) frontier")
            #expect(r.regression[k] == Int(row[4])! && r.dea[k] == Int(row[5])! && r.frontier[k] == Int(row[6])!, "\(row[0]) ranks")
        }
        let c = try Fixtures.csv("reference/triangulate_correlations.csv").rows[0].map { Double($0)! }
        #expect(abs(a.rankCorrelations.regressionDEA - c[0]) <= 1e-12)
        #expect(abs(a.rankCorrelations.regressionFrontier - c[1]) <= 1e-12)
        #expect(abs(a.rankCorrelations.deaFrontier - c[2]) <= 1e-12)
    }

    /// With draws: each view's interval machinery (checked against its own reference in
    /// RankBootstrapTests, DEATests and SFATests) on the shared rows; every interval holds its rank
    /// for nearly every council.
    @Test func drawsGiveEachViewItsRankIntervals() throws {
        let a = try Self.analysis(replicates: 60, rankDraws: 200)
        let n = a.rows.count, r = a.ranks
        let boot = try #require(a.rankBootstrap).summary(level: 0.95)
        let sw = try #require(a.dea.bootstrap), fr = try #require(a.frontier.rankDraws)
        #expect(boot.count == n && sw.rankLow.count == n && fr.rankLow.count == n)
        #expect((0..<n).filter { boot[$0].low <= r.regression[$0] && r.regression[$0] <= boot[$0].high }.count >= n * 9 / 10)
        #expect((0..<n).filter { sw.rankLow[$0] <= r.dea[$0] && r.dea[$0] <= sw.rankHigh[$0] }.count >= n * 9 / 10)
        #expect((0..<n).filter { fr.rankLow[$0] <= r.frontier[$0] && r.frontier[$0] <= fr.rankHigh[$0] }.count >= n * 9 / 10)
    }
}
