import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

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

    /// The GLM bootstrap (`rank --family`), as the linear one is checked above: Poisson counts
    /// with an exposure offset from a known model, the truth each council's rank by y − μ under
    /// the true coefficients (the unjustified count when every term is justified). Over 60
    /// simulated data sets of 40 councils, the 95% intervals (300 replicates, IRLS refits) must
    /// cover the true rank in 91%–99% of council-simulations; and one seed gives one result.
    @Test func glmIntervalsCoverTheTrueRank() throws {
        var rng = Xoshiro256(seed: 7)
        var covered = 0, total = 0
        func poisson(_ mean: Double) -> Int {
            // Knuth's product of uniforms, on the log scale (means here are at most a few hundred).
            var k = 0, s = 0.0
            while true { s -= log(rng.uniform()); if s > mean { return k }; k += 1 }
        }
        for sim in 0..<60 {
            var csv = "id,y,x,exposure\n"
            var truth: [Double] = []
            for i in 0..<40 {
                let x = rng.normal(), exposure = 50 + 200 * rng.uniform()
                let mu = exposure * exp(-1 + 0.4 * x)
                let y = poisson(mu)
                csv += "c\(i),\(y),\(x),\(exposure)\n"
                truth.append(Double(y) - mu)
            }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-glmrank-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("d.csv").path
            try csv.write(toFile: path, atomically: true, encoding: .utf8)
            let a = try GLMExplainAnalysis(ExplainRequest(fit: FitRequest(dataPath: path, formula: "y ~ x + offset(log(exposure))", id: "id"),
                                                          groups: [TermGroup(name: "need", justified: true, terms: ["x"])]),
                                           family: .poisson, link: nil)
            let boot = try RankBootstrap(glm: a.glm.fit, decomposition: a.decomposition, higherIsBetter: false, replicates: 300,
                                         seed: UInt64(sim))
            if sim == 0 {
                let again = try RankBootstrap(glm: a.glm.fit, decomposition: a.decomposition, higherIsBetter: false, replicates: 300, seed: 0)
                #expect(again.rankCounts == boot.rankCounts)
            }
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
        #expect(one.rankCounts == two.rankCounts)
        // Every replicate gives each council one rank and each rank to one council.
        let n = one.count
        for i in 0..<n { #expect(one.rankCounts[(i * n)..<((i + 1) * n)].reduce(0, +) == 300) }
        for r in 0..<n { #expect(stride(from: r, to: n * n, by: n).map { one.rankCounts[$0] }.reduce(0, +) == 300) }
        let other = try RankBootstrap(analysis: a, replicates: 300, seed: 6)
        #expect(one.rankCounts != other.rankCounts)
        let residual = try RankBootstrap(analysis: a, replicates: 300, seed: 5, resampling: .residuals)
        #expect(residual.rankCounts != one.rankCounts && residual.redraws == 0)
    }

    /// The summary from running counts equals the one from the sorted list of ranks, computed
    /// here independently: median (mean of the middle two for an even count), the inverse
    /// empirical CDF at 2.5% and 97.5% (the ⌈q·m⌉-th smallest), and the top/bottom-k shares.
    @Test func summaryFromCountsEqualsSummaryFromSortedRanks() {
        var rng = Xoshiro256(seed: 11)
        for trial in 0..<200 {
            let units = 2 + rng.index(below: 30), m = 1 + rng.index(below: 60), ten = 1 + rng.index(below: units)
            let ranks = (0..<m).map { _ in 1 + rng.index(below: units) }.sorted()
            var counts = [UInt32](repeating: 0, count: units)
            for r in ranks { counts[r - 1] += 1 }
            let h = RankHistogram(counts: counts[...])
            let median = m % 2 == 1 ? Double(ranks[m / 2]) : Double(ranks[m / 2 - 1] + ranks[m / 2]) / 2
            #expect(h.median == median, "trial \(trial)")
            for q in [0.025, 0.5, 0.975, 0.0, 1.0] {
                let k = min(m, max(1, Int((q * Double(m)).rounded(.up))))
                #expect(h.quantile(q) == ranks[k - 1], "trial \(trial) q \(q)")
            }
            #expect(h.countAtMost(ten) == ranks.filter { $0 <= ten }.count)
            #expect(m - h.countAtMost(units - ten) == ranks.filter { $0 > units - ten }.count)
        }
    }

    @Test func aRequestBeyondTheLimitIsRefusedBeforeAnyWork() throws {
        let a = try ExplainTests.councils()
        #expect(throws: ExplainError.tooManyReplicates(100_000_000, maximum: 1_000_000)) {
            try RankBootstrap(analysis: a, replicates: 100_000_000, seed: 1)
        }
    }
}
