import Foundation
import VarexLinearAlgebra

/// A panel (units observed over several periods) decomposed through a linear mixed model with a
/// random intercept per unit: for every unit-period
///
///     observed = baseline + Σ effect_group + persistent + transient
///
/// where the baseline and the group effects come from the fixed effects as in ``Decomposition``
/// (coefficient × (value − mean value), summed over each group's columns), `persistent` is the
/// unit's conditional mode (its shrunken intercept: what the unit spends above or below its
/// justified level every year) and `transient` that period's residual. The persistent effect
/// carries its conditional SD (lme4's `condVar`).
///
/// Through a GLMM (``init(glmm:split:)``) the split is on the link scale and the levels on the
/// response scale: the baseline and group effects are the linear predictor's (as
/// ``GLMMDecomposition``'s), the unit's effect b its random intercept on the link scale (with
/// its conditional SD), and per row `persistent` = g⁻¹(η) − g⁻¹(η − b), `transient` = observed
/// − g⁻¹(η), `justified` = g⁻¹(baseline + offset + the justified groups' effects).
public struct PanelDecomposition: Sendable {
    public let grouping: TermGrouping
    public let baseline: Double
    /// effects[g][i] (on the link scale through a GLMM).
    public let effects: [[Double]]
    public let observed: [Double]
    /// The unit's persistent effect, per row (on the response scale through a GLMM).
    public let persistent: [Double]
    /// observed − (baseline + Σ effects + persistent), per row; observed − the conditional
    /// mean through a GLMM.
    public let transient: [Double]
    /// The units (levels of the panel factor) and each row's unit.
    public let units: [String]
    public let unitOfRow: [Int]
    /// Per unit: the conditional mode and its conditional SD (link scale through a GLMM).
    public let unitEffect: [Double]
    public let unitSD: [Double]
    /// baseline + the justified groups' effects, per row (through a GLMM, g⁻¹ of that plus the
    /// offset).
    public let justified: [Double]
    /// Through a GLMM: its link, the conditional means and linear predictors, and each group's
    /// effect on the response scale, g⁻¹(η) − g⁻¹(η − effect); nil for a linear mixed model.
    public let link: Link?
    public let fitted: [Double]?
    public let linearPredictor: [Double]?
    public let responseEffects: [[Double]]?

    /// `fit` must have one random-effect term, an intercept per unit.
    public init(fit: LinearMixedFit, grouping: TermGrouping) throws {
        guard fit.design.blocks.count == 1, fit.design.blocks[0].effectNames == ["(Intercept)"] else {
            throw ExplainError.panelNeedsOneRandomIntercept
        }
        guard fit.coefficientNames.first == "(Intercept)" else { throw ExplainError.needsIntercept }
        let n = fit.n
        let block = fit.design.blocks[0]
        let (base, effects) = Self.fixedPart(fit, grouping: grouping)
        let modes = fit.randomEffects(term: 0), sds = try fit.conditionalStandardDeviations(term: 0)
        unitEffect = (0..<block.levels.count).map { modes[$0, 0] }
        unitSD = (0..<block.levels.count).map { sds[$0, 0] }
        units = block.levels
        unitOfRow = block.level
        persistent = block.level.map { modes[$0, 0] }
        observed = fit.y
        baseline = Double(base)
        self.effects = effects.map { $0.map { Double($0) } }
        transient = (0..<n).map { i in
            Double(Extended(fit.y[i]) - effects.reduce(base) { $0 + $1[i] } - Extended(modes[block.level[i], 0]))
        }
        self.grouping = grouping
        let chosen = grouping.groups.indices.filter { grouping.groups[$0].justified }
        justified = (0..<n).map { i in chosen.reduce(Double(base)) { $0 + Double(effects[$1][i]) } }
        link = nil
        fitted = nil
        linearPredictor = nil
        responseEffects = nil
    }

    /// A panel through a GLMM with one random-effect term, an intercept per unit, in no group
    /// of `split` (whose fixed part and levels it takes).
    public init(glmm fit: GeneralizedLinearMixedFit, split: GLMMDecomposition) throws {
        guard fit.design.blocks.count == 1, fit.design.blocks[0].effectNames == ["(Intercept)"], split.randomGroups == [nil] else {
            throw ExplainError.panelNeedsOneRandomIntercept
        }
        let block = fit.design.blocks[0]
        let modes = fit.randomEffects(term: 0), sds = try fit.conditionalStandardDeviations(term: 0)
        grouping = split.grouping
        baseline = split.baseline
        effects = split.fixedEffects
        observed = split.observed
        units = block.levels
        unitOfRow = block.level
        unitEffect = (0..<block.levels.count).map { modes[$0, 0] }
        unitSD = (0..<block.levels.count).map { sds[$0, 0] }
        let eta = split.linearPredictor, mu = split.fitted, link = split.link
        persistent = eta.indices.map { i in mu[i] - link.mu(eta[i] - modes[block.level[i], 0]) }
        transient = zip(split.observed, mu).map { $0 - $1 }
        justified = split.justified
        self.link = link
        fitted = mu
        linearPredictor = eta
        responseEffects = split.grouping.groups.indices.map { split.responseEffect(group: $0) }
    }

    /// A mixed model's fixed part split as ``Decomposition`` splits a linear model's: the
    /// baseline Σ βⱼ·mean(xⱼ) and per group Σ over its columns of βⱼ·(xᵢⱼ − mean(xⱼ)), in
    /// extended precision (a panel's and ``MixedDecomposition``'s).
    static func fixedPart(_ fit: LinearMixedFit, grouping: TermGrouping) -> (baseline: Extended, effects: [[Extended]]) {
        let n = fit.n
        var effects = [[Extended]](repeating: [Extended](repeating: 0, count: n), count: grouping.groups.count)
        var base: Extended = 0
        for j in 0..<fit.p {
            let b = Extended(fit.beta[j])
            var mean: Extended = 0
            for i in 0..<n { mean += Extended(fit.x[i, j]) }
            mean /= Extended(n)
            base += b * mean
            let term = fit.design.fixed.assign[j]
            guard term >= 0 else { continue }
            let g = grouping.groupOfTerm[term]
            for i in 0..<n { effects[g][i] += b * (Extended(fit.x[i, j]) - mean) }
        }
        return (base, effects)
    }

    /// observed − justified, per row: the unjustified groups' effects, the persistent effect
    /// and the transient residual.
    public var unjustified: [Double] { zip(observed, justified).map { $0 - $1 } }
}

/// The share of the unexplained variation that lies between units (persistent), σ²_u / (σ²_u +
/// σ²) = θ² / (1 + θ²) for a random intercept, with a profile-likelihood interval: the θ
/// where the (REML or ML) criterion rises by the χ²₁ quantile above its minimum, mapped through
/// the same function (the share depends on θ alone).
public struct BetweenShare: Sendable {
    public let estimate: Double
    public let low: Double
    public let high: Double

    public init(estimate: Double, low: Double, high: Double) {
        self.estimate = estimate
        self.low = low
        self.high = high
    }

    public init(fit: LinearMixedFit, level: Double = 0.95) {
        let theta = fit.theta[0]
        let minimum = fit.criterion
        // The χ²₁ quantile: the square of the normal's (1 + level) / 2 quantile.
        let z = Normal.quantile((1 + level) / 2)
        let cut = z * z
        let f = { (t: Double) in fit.profile.deviance([t], reml: fit.reml) - minimum - cut }
        func share(_ t: Double) -> Double { t * t / (1 + t * t) }
        func root(_ a: Double, _ b: Double) -> Double {
            var (lo, hi) = (a, b)
            let rising = f(b) > f(a)
            for _ in 0..<200 {
                let mid = (lo + hi) / 2
                if (f(mid) > 0) == rising { hi = mid } else { lo = mid }
                if hi - lo <= 1e-13 * max(1, abs(mid)) { break }
            }
            return (lo + hi) / 2
        }
        estimate = share(theta)
        low = f(0) <= 0 ? 0 : share(root(0, theta))
        var upper = max(2 * theta, 1)
        while f(upper) < 0 && upper < 1e8 { upper *= 2 }
        high = share(root(theta, upper))
    }
}
