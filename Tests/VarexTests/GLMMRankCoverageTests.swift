import Foundation
import Testing
@testable import Varex

/// A GLMM's rank intervals (``RankBootstrap/init(glmm:decomposition:higherIsBetter:replicates:seed:)``)
/// on simulated Poisson cross-sections with a known justified level: 20 data sets of 150 rows
/// in 10 groups, y ~ Poisson(exp(1 + 0.5 x + u_group)) with u normal (SD 0.4), x and the
/// group's random intercept both justified, so a row's true unjustified amount is
/// y − exp(1 + 0.5 x + u_group). The 95% intervals, from draws of β and of the conditional
/// modes, should cover the true amount's rank about 95% of the time: asked for 90% to 99% over
/// the 3,000 intervals. And the decomposition adds up on the link scale.
struct GLMMRankCoverageTests {
    @Test func rankIntervalsCoverTheTrueRank() throws {
        var covered = 0, total = 0
        for rep in 0..<20 {
            var rng = Xoshiro256(seed: UInt64(900 + rep))
            let u = (0..<10).map { _ in 0.4 * rng.normal() }
            var rows: [[String]] = [], truth: [Double] = []
            for i in 0..<150 {
                let g = i % 10, x = rng.normal()
                let mu = exp(1 + 0.5 * x + u[g])
                // Poisson by inversion.
                var k = 0, p = exp(-mu), cumulative = p
                let v = rng.uniform()
                while v > cumulative && k < 1000 { k += 1; p *= mu / Double(k); cumulative += p }
                rows.append(["G\(g)", x.description, "\(k)"])
                truth.append(Double(k) - mu)
            }
            let table = Table(records: CSVRecords(header: ["g", "x", "y"], rows: rows, lines: rows.indices.map { $0 + 2 }), source: "simulated")
            let design = try MixedDesign(formula: try MixedFormula("y ~ x + (1 | g)"), table: table)
            let fit = try GeneralizedLinearMixedModel.fit(design, family: .poisson)
            let grouping = try TermGrouping(groups: [TermGroup(name: "need", justified: true, terms: ["x", "1 | g"])],
                                            formula: design.fixed.formula, absorbed: ["1 | g"])
            let d = try GLMMDecomposition(fit: fit, grouping: grouping, randomGroups: grouping.groupOfAbsorbed.map { $0 })
            for i in d.observed.indices {
                let eta = d.baseline + d.offset[i] + d.fixedEffects[0][i] + d.random[0][i]
                #expect(abs(eta - d.linearPredictor[i]) <= 1e-12 * max(1, abs(eta)))
            }
            let b = try RankBootstrap(glmm: fit, decomposition: d, higherIsBetter: false, replicates: 400, seed: UInt64(rep))
            let want = Ranking.competition(truth, descending: true)
            for (i, s) in b.summary().enumerated() {
                total += 1
                if s.low <= want[i] && want[i] <= s.high { covered += 1 }
            }
        }
        let coverage = Double(covered) / Double(total)
        #expect(coverage >= 0.90 && coverage <= 0.99, "coverage \(coverage) of \(total) intervals")
    }
}
