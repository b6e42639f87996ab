import Foundation
import VarexLinearAlgebra

/// A fitted generalized linear mixed model (lme4's `glmer` with the Laplace approximation):
/// one immutable value; what `summary()`, `ranef()`, `fitted()` and `residuals()` report is a
/// small function of it.
public struct GeneralizedLinearMixedFit: Sendable {
    public let design: MixedDesign
    public let family: Family
    public let link: Link
    /// The deviance as a function of (θ, β), kept for refits and predictions.
    public let laplace: LaplaceDeviance
    /// The conditional modes, μ and L at the optimum.
    public let modes: LaplaceDeviance.Modes
    /// The response as fitted (a proportion for a binomial response), prior weights (× trials),
    /// trials and offset, by row used.
    public let y: [Double]
    public let prior: [Double]
    public let trials: [Double]
    public let offset: [Double]
    /// The Hessian of the deviance in (θ, β) at the optimum.
    public let hessian: Matrix
    /// vcov(β): the β block of 2 H⁻¹.
    public let covariance: Matrix
    public let evaluations: Int
    public let converged: Bool

    public var n: Int { y.count }
    public var p: Int { beta.count }
    public var theta: [Double] { modes.theta }
    public var beta: [Double] { modes.beta }
    public var coefficientNames: [String] { design.fixed.columnNames }
    public var layout: CovarianceLayout { laplace.layout }

    /// −2 log L by the Laplace approximation (the `deviance` column of glmer's summary).
    public var criterion: Double { modes.laplace }
    /// The number of parameters: fixed effects and θ (binomial and Poisson have no scale).
    public var parameterCount: Int { p + theta.count }
    public var logLikelihood: Double { -criterion / 2 }
    public var aic: Double { criterion + 2 * Double(parameterCount) }
    public var bic: Double { criterion + log(Double(n)) * Double(parameterCount) }
    /// glmer's `df.resid`: n less the parameters.
    public var residualDF: Int { n - parameterCount }

    public var standardErrors: [Double] { (0..<p).map { covariance[$0, $0].squareRoot() } }

    /// The fixed effects with Wald z tests and intervals (glmer's summary).
    public func coefficientTable(level: Double) -> [CoefficientRow] {
        let z = Normal.quantile(1 - (1 - level) / 2)
        return (0..<p).map { j in
            let b = beta[j], se = standardErrors[j], stat = b / se
            return CoefficientRow(term: coefficientNames[j], estimate: b, standardError: se, t: stat,
                                  pValue: 2 * Normal.cdf(-abs(stat)), confidenceLow: b - z * se, confidenceHigh: b + z * se)
        }
    }

    /// Each term's covariance of its random effects, T Tᵀ (no scale: binomial and Poisson).
    public var covarianceMatrices: [Matrix] {
        layout.factors(theta).map { t in (try? t.multiplied(by: t, transposeOther: true)) ?? t }
    }

    /// Each term's standard deviations and correlations.
    public var varianceComponents: [LinearMixedFit.VarianceComponent] {
        zip(design.blocks, covarianceMatrices).map { block, c in
            let sd = (0..<c.rows).map { c[$0, $0].squareRoot() }
            var r = Matrix(rows: c.rows, columns: c.rows)
            for i in 0..<c.rows { for j in 0..<c.rows { r[i, j] = i == j ? 1 : c[i, j] / (sd[i] * sd[j]) } }
            return LinearMixedFit.VarianceComponent(group: block.term.groupName, effects: block.effectNames, standardDeviations: sd, correlations: r)
        }
    }

    /// A diagonal element of θ below 1e-4 (lme4's `isSingular`).
    public var isSingular: Bool {
        var k = 0
        for q in layout.effects {
            for j in 0..<q { for i in j..<q { if i == j && theta[k] < 1e-4 { return true }; k += 1 } }
        }
        return false
    }

    /// The conditional modes b = Λu, in Z's column order (term, level, effect).
    public var randomEffects: [Double] { layout.lambdaTimes(modes.u, factors: layout.factors(theta)) }

    /// The conditional modes of one term: levels × effects (lme4's `ranef`).
    public func randomEffects(term k: Int) -> Matrix {
        let b = randomEffects, block = design.blocks[k], base = layout.offsets[k]
        var m = Matrix(rows: block.levels.count, columns: block.effectCount)
        for l in 0..<block.levels.count { for e in 0..<block.effectCount { m[l, e] = b[base + l * block.effectCount + e] } }
        return m
    }

    /// The conditional standard deviations of one term's modes, levels × effects: the square
    /// roots of the diagonal of Λ (ΛᵀZᵀWZΛ + I)⁻¹ Λᵀ at the modes (lme4's `condVar`).
    public func conditionalStandardDeviations(term k: Int) throws -> Matrix {
        try MixedConditionalVariance.standardDeviations(l: try modes.factor.dense(), factor: layout.factors(theta)[k], block: design.blocks[k],
                                                       offset: layout.offsets[k], scale: 1)
    }

    /// Xβ + offset, the population-level linear predictor.
    public var marginalEta: [Double] { laplace.fixedPredictor(beta) }
    /// The population-level mean g⁻¹(Xβ + offset) (`predict(fit, re.form = NA, type = "response")`).
    public var marginalFitted: [Double] { marginalEta.map(link.mu) }
    /// Each row's Zb, on the link scale.
    public var randomContribution: [Double] { zip(modes.eta, marginalEta).map { $0 - $1 } }
    /// The conditional mean g⁻¹(Xβ + Zb + offset) (lme4's `fitted`).
    public var fitted: [Double] { modes.mu }
    /// y − μ (`residuals(fit, type = "response")`).
    public var responseResiduals: [Double] { zip(y, fitted).map { $0 - $1 } }
    /// (y − μ) √(prior / V(μ)) (`residuals(fit, type = "pearson")`).
    public var pearsonResiduals: [Double] {
        (0..<n).map { i in (y[i] - fitted[i]) * (prior[i] / family.variance(fitted[i])).squareRoot() }
    }
    /// sign(y − μ) √(unit deviance) (`residuals(fit)`, glmer's default type).
    public var devianceResiduals: [Double] {
        (0..<n).map { i in
            let d = family.unitDeviance(y: y[i], mu: fitted[i], weight: prior[i])
            return (y[i] > fitted[i] ? 1 : -1) * max(d, 0).squareRoot()
        }
    }

    /// glmer's warnings, in lme4's words where it has them.
    public var warnings: [String] {
        (isSingular ? ["boundary (singular) fit: a variance is estimated at zero or a correlation at ±1 (lme4's isSingular)"] : [])
            + (converged ? [] : ["the optimiser stopped at its evaluation limit before meeting its tolerance"])
            + (covariance.storage.contains { $0.isNaN } ? ["the Hessian of the deviance is not positive definite: no standard errors"] : [])
    }
}

extension GeneralizedLinearMixedFit: FittedModel {
    public var coefficientEstimates: [Double] { beta }
    /// Only the model-based covariance (lme4's): the capability table refuses the others first.
    public func coefficientCovariance(_ type: CovarianceType) throws -> Matrix {
        guard type == .classical else { throw MixedModelError.notSupported("sandwich covariance") }
        return covariance
    }
    public func coefficientRows(covariance type: CovarianceType, level: Double) throws -> [CoefficientRow] {
        _ = try coefficientCovariance(type)
        return coefficientTable(level: level)
    }
    public var observationCount: Int { n }
    public var residualDegreesOfFreedom: Double? { nil }
    public var logLikelihoodValue: Double? { logLikelihood }
    /// −2 log L (as an ML linear mixed model's; lme4's `deviance()` of a glmer is the sum of
    /// the unit deviances instead, reported as `deviance_residual_sum`).
    public var devianceValue: Double? { criterion }
    public var aicValue: Double? { aic }
    public var bicValue: Double? { bic }
    public var fittedValues: [Double] { fitted }
}
