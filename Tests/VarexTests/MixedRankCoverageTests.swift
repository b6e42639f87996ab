import Foundation
import Testing
@testable import Varex

/// A mixed model's rank intervals (``RankBootstrap/init(mixed:decomposition:higherIsBetter:replicates:seed:)``)
/// on simulated cross-sections with a known justified level: 30 data sets of 120 rows in 8
/// groups, y = 1 + 0.5 x + u_group + e (u and e normal, SD 1 and 0.5), x justified and the
/// group's random intercept unjustified, so a row's true unjustified amount is y − 1 − 0.5 x.
/// The 95% intervals should cover the true amount's rank about 95% of the time: asked for 90%
/// to 99% over the 3,600 intervals (the draws take θ and σ as known). And every row adds up.
struct MixedRankCoverageTests {
    @Test func rankIntervalsCoverTheTrueRank() throws {
        var covered = 0, total = 0
        for rep in 0..<30 {
            var rng = Xoshiro256(seed: UInt64(500 + rep))
            let u = (0..<8).map { _ in rng.normal() }
            var rows: [[String]] = [], truth: [Double] = []
            for i in 0..<120 {
                let g = i % 8, x = 2 * rng.normal()
                let y = 1 + 0.5 * x + u[g] + 0.5 * rng.normal()
                rows.append(["G\(g)", x.description, y.description])
                truth.append(y - 1 - 0.5 * x)
            }
            let table = Table(records: CSVRecords(header: ["g", "x", "y"], rows: rows, lines: rows.indices.map { $0 + 2 }), source: "simulated")
            let design = try MixedDesign(formula: try MixedFormula("y ~ x + (1 | g)"), table: table)
            let fit = try LinearMixedModel.fit(design)
            let grouping = try TermGrouping(groups: [TermGroup(name: "need", justified: true, terms: ["x"]),
                                                     TermGroup(name: "place", justified: false, terms: ["1 | g"])],
                                            formula: design.fixed.formula, absorbed: ["1 | g"])
            let d = try MixedDecomposition(fit: fit, grouping: grouping, randomGroups: grouping.groupOfAbsorbed.map { $0 })
            for i in d.observed.indices {
                let sum = d.effects.reduce(d.baseline) { $0 + $1[i] } + d.random[0][i] + d.residual[i]
                #expect(abs(sum - d.observed[i]) <= 1e-12 * max(1, abs(d.observed[i])))
            }
            let b = try RankBootstrap(mixed: fit, decomposition: d, higherIsBetter: false, replicates: 400, seed: UInt64(rep))
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
