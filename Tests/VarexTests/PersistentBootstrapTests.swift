import Foundation
import Testing
import Varex

/// The persistent effects' bootstrap intervals against the truth they are meant to cover: panels
/// simulated from a known model (20 units × 3 periods, a unit-level covariate, σᵤ = σ = 1), where
/// the unit effects are known. The conditional-SD intervals take β̂ and θ̂ as known and cover
/// less than their 95%; the bootstrap's add that uncertainty and should cover close to 95%.
/// Over 24 panels (480 intervals, 100 refits each) the bootstrap's coverage must lie within 0.92–0.98 and above
/// the conditional one's.
struct PersistentBootstrapTests {
    static func panel(seed: UInt64) throws -> (table: Table, truth: [Double]) {
        var rng = Xoshiro256(seed: seed, stream: 999)
        let units = 20, periods = 3
        let truth = (0..<units).map { _ in rng.normal() }
        let z = (0..<units).map { _ in rng.normal() }
        var lines = ["g,t,x,z,y"]
        for u in 0..<units {
            for t in 0..<periods {
                let x = rng.normal()
                let y = 1 + 0.5 * x + 1.5 * z[u] + 0.3 * Double(t) + truth[u] + rng.normal()
                lines.append("u\(String(format: "%02d", u)),\(t),\(x),\(z[u]),\(y)")
            }
        }
        let table = try ColumnarCSVReader.parse(Array((lines.joined(separator: "\n") + "\n").utf8), file: "sim.csv")
        return (table, truth)
    }

    @Test func bootstrapIntervalsCoverTheTrueEffects() throws {
        var bootCovered = 0, conditionalCovered = 0, total = 0
        for seed in 1...24 {
            let (table, truth) = try Self.panel(seed: UInt64(seed))
            let design = try MixedDesign(formula: try MixedFormula("y ~ x + z + factor(t) + (1 | g)"), table: table)
            let fit = try LinearMixedModel.fit(design, reml: true)
            let boot = try PersistentBootstrap(fit: fit, level: 0.95, replicates: 100, seed: UInt64(seed))
            let modes = fit.randomEffects
            let sd = try fit.conditionalStandardDeviations(term: 0)
            #expect(boot.low.count == truth.count && design.blocks[0].levels.count == truth.count)
            for k in truth.indices {
                total += 1
                if boot.low[k] <= truth[k] && truth[k] <= boot.high[k] { bootCovered += 1 }
                if abs(truth[k] - modes[k]) <= 1.959964 * sd[k, 0] { conditionalCovered += 1 }
            }
        }
        let boot = Double(bootCovered) / Double(total), conditional = Double(conditionalCovered) / Double(total)
        #expect(boot >= 0.92 && boot <= 0.98, "bootstrap coverage \(boot), conditional \(conditional)")
        #expect(boot > conditional, "bootstrap coverage \(boot), conditional \(conditional)")
    }

    @Test func sameIntervalsOnAnyNumberOfThreadsFromOneSeed() throws {
        let (table, _) = try Self.panel(seed: 3)
        let fit = try LinearMixedModel.fit(try MixedDesign(formula: try MixedFormula("y ~ x + z + (1 | g)"), table: table), reml: true)
        let a = try PersistentBootstrap(fit: fit, level: 0.9, replicates: 50, seed: 11)
        let b = try PersistentBootstrap(fit: fit, level: 0.9, replicates: 50, seed: 11)
        let c = try PersistentBootstrap(fit: fit, level: 0.9, replicates: 50, seed: 12)
        #expect(a.low == b.low && a.high == b.high)
        #expect(a.low != c.low)
    }
    /// A binomial panel (20 units × 4 periods, 40 trials a row, a unit-level covariate, σᵤ =
    /// 0.7 on the logit scale) with known unit effects.
    static func binomialPanel(seed: UInt64) throws -> (table: Table, truth: [Double]) {
        var rng = Xoshiro256(seed: seed, stream: 998)
        let units = 20, periods = 4
        let truth = (0..<units).map { _ in 0.7 * rng.normal() }
        let z = (0..<units).map { _ in rng.normal() }
        var lines = ["g,t,x,z,s,f"]
        for u in 0..<units {
            for t in 0..<periods {
                let x = rng.normal()
                let eta = -0.5 + 0.4 * x + 0.5 * z[u] + truth[u]
                let s = rng.binomial(40, 1 / (1 + exp(-eta)))
                lines.append("u\(String(format: "%02d", u)),\(t),\(x),\(z[u]),\(s),\(40 - s)")
            }
        }
        let table = try ColumnarCSVReader.parse(Array((lines.joined(separator: "\n") + "\n").utf8), file: "sim.csv")
        return (table, truth)
    }

    /// The GLMM's bootstrap (outcomes drawn from the binomial at new unit effects, the GLMM
    /// refitted) against the true logit-scale effects: over 6 panels (120 intervals, 40 refits
    /// each) its coverage lies within 0.88–0.99 and is at least the conditional intervals'.
    @Test func glmmBootstrapIntervalsCoverTheTrueEffects() throws {
        var bootCovered = 0, conditionalCovered = 0, total = 0
        for seed in 1...6 {
            let (table, truth) = try Self.binomialPanel(seed: UInt64(seed))
            let design = try MixedDesign(formula: try MixedFormula("cbind(s, f) ~ x + z + (1 | g)"), table: table)
            let fit = try GeneralizedLinearMixedModel.fit(design, family: .binomial)
            let boot = try PersistentBootstrap(glmm: fit, level: 0.95, replicates: 40, seed: UInt64(seed))
            let modes = fit.randomEffects
            let sd = try fit.conditionalStandardDeviations(term: 0)
            #expect(boot.low.count == truth.count && boot.replicates == 40)
            for k in truth.indices {
                total += 1
                if boot.low[k] <= truth[k] && truth[k] <= boot.high[k] { bootCovered += 1 }
                if abs(truth[k] - modes[k]) <= 1.959964 * sd[k, 0] { conditionalCovered += 1 }
            }
        }
        let boot = Double(bootCovered) / Double(total), conditional = Double(conditionalCovered) / Double(total)
        #expect(boot >= 0.88 && boot <= 0.99, "bootstrap coverage \(boot), conditional \(conditional)")
        #expect(boot >= conditional, "bootstrap coverage \(boot), conditional \(conditional)")
    }
}
