import Foundation
import Testing
@testable import Varex

/// The persistent ranking's intervals on simulated panels with known council effects: 30
/// panels of 60 units over 5 periods, y = 1 + 0.5 x + u + e with u and e standard normal (an
/// intraclass correlation of 0.5, below the councils' 0.86, so the ranks are harder). The 95%
/// rank intervals should cover the true rank (the rank of the true u) about 95% of the time;
/// the test asks for 92% to 98% over the 1,800 intervals (the draws treat β and θ as known,
/// so a little under 95% is expected; 1,800 intervals put the binomial SD near 0.5%).
/// A second check: every council-year adds up to its observed value.
struct PanelCoverageTests {
    static func simulated(seed: UInt64, units: Int, periods: Int) -> (Table, [Double]) {
        var rng = Xoshiro256(seed: seed)
        let u = (0..<units).map { _ in rng.normal() }
        var rows: [[String]] = []
        for i in 0..<units {
            for p in 0..<periods {
                let x = rng.normal()
                let y = 1 + 0.5 * x + u[i] + rng.normal()
                rows.append([String(format: "U%03d", i), "\(2014 + p)", x.description, y.description])
            }
        }
        let records = CSVRecords(header: ["unit", "period", "x", "y"], rows: rows, lines: rows.indices.map { $0 + 2 })
        return (Table(records: records, source: "simulated"), u)
    }

    @Test func rankIntervalsCoverTheTrueRank() throws {
        var covered = 0, total = 0
        for rep in 0..<30 {
            let (table, u) = Self.simulated(seed: UInt64(100 + rep), units: 60, periods: 5)
            let design = try MixedDesign(formula: try MixedFormula("y ~ x + (1 | unit)"), table: table)
            let fit = try LinearMixedModel.fit(design)
            let grouping = try TermGrouping(groups: [TermGroup(name: "x", justified: true, terms: ["x"])], formula: design.fixed.formula)
            let d = try PanelDecomposition(fit: fit, grouping: grouping)
            for i in d.observed.indices {
                let sum = d.effects.reduce(d.baseline) { $0 + $1[i] } + d.persistent[i] + d.transient[i]
                #expect(abs(sum - d.observed[i]) <= 1e-12 * max(1, abs(d.observed[i])))
            }
            let ranks = try PersistentRanks(effects: d.unitEffect, standardDeviations: d.unitSD, higherIsBetter: false,
                                            draws: 400, seed: UInt64(rep))
            // d.units are "U000"…"U059", in order, so unit k's true effect is u[k].
            #expect(d.units == (0..<60).map { String(format: "U%03d", $0) })
            let truth = Ranking.competition(u, descending: true)
            for (k, s) in ranks.summary().enumerated() {
                total += 1
                if s.low <= truth[k] && truth[k] <= s.high { covered += 1 }
            }
        }
        let coverage = Double(covered) / Double(total)
        #expect(coverage >= 0.92 && coverage <= 0.98, "coverage \(coverage) of \(total) intervals")
    }
}
