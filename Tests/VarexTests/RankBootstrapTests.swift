import Foundation
import Testing
@testable import Varex

struct RankBootstrapTests {
    static func analysis(csv: String, formula: String, groups: [TermGroup]) throws -> ExplainAnalysis {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-rank-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("d.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try ExplainAnalysis(ExplainRequest(fit: FitRequest(dataPath: path, formula: formula, id: "id"), groups: groups))
    }

    /// With a known model, the truth is each council's rank under the true coefficients. Over
    /// 100 simulated data sets of 40 councils, the 95% case-bootstrap intervals (400 replicates)
    /// must cover the true rank in 91%–99% of council-simulations (the tolerance allows for the
    /// 4,000 correlated trials and the discreteness of ranks).
    @Test func intervalsCoverTheTrueRank() throws {
        var rng = Xoshiro256(seed: 2024)
        var covered = 0, total = 0
        for sim in 0..<100 {
            var csv = "id,y,x1,x2\n"
            var truth: [Double] = []
            for i in 0..<40 {
                let x1 = rng.normal(), x2 = rng.normal(), e = rng.normal()
                csv += "c\(i),\(1 + 2 * x1 - x2 + e),\(x1),\(x2)\n"
                truth.append(e) // y − (β₀ + β₁x₁ + β₂x₂): the unjustified value under the true coefficients
            }
            let a = try Self.analysis(csv: csv, formula: "y ~ x1 + x2", groups: [TermGroup(name: "need", justified: true, terms: ["x1", "x2"])])
            let boot = try RankBootstrap(analysis: a, replicates: 400, seed: UInt64(sim))
            let order = truth.indices.sorted { truth[$0] > truth[$1] }
            var trueRank = [Int](repeating: 0, count: 40)
            for (k, i) in order.enumerated() { trueRank[i] = k + 1 }
            for (i, s) in boot.summary().enumerated() {
                total += 1
                if s.low <= trueRank[i] && trueRank[i] <= s.high { covered += 1 }
            }
        }
        let coverage = Double(covered) / Double(total)
        #expect(coverage >= 0.91 && coverage <= 0.99, "coverage \(coverage)")
    }

    @Test func sameSeedSameRanksAndReplicatesAreIndependentOfScheduling() throws {
        let a = try ExplainTests.councils()
        let one = try RankBootstrap(analysis: a, replicates: 300, seed: 5)
        let two = try RankBootstrap(analysis: a, replicates: 300, seed: 5)
        #expect(one.ranks == two.ranks)
        // Replicate b depends only on (seed, b): the first 100 of 300 equal a run of 100.
        let short = try RankBootstrap(analysis: a, replicates: 100, seed: 5)
        #expect(Array(one.ranks.prefix(100 * one.count)) == short.ranks)
        let other = try RankBootstrap(analysis: a, replicates: 300, seed: 6)
        #expect(one.ranks != other.ranks)
        let residual = try RankBootstrap(analysis: a, replicates: 300, seed: 5, resampling: .residuals)
        #expect(residual.ranks != one.ranks && residual.redraws == 0)
    }
}
