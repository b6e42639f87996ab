import Foundation
import VarexLinearAlgebra

/// A fitted linear mixed model: the design, θ at the optimum and the penalised least-squares
/// solution there. Everything `summary()`, `ranef()`, `fitted()` and `residuals()` of lme4 report
/// is a small function of these.
public struct LinearMixedFit: Sendable {
    public let design: MixedDesign
    /// REML (true) or maximum likelihood.
    public let reml: Bool
    /// The deviance as a function of θ, kept for the Satterthwaite derivatives.
    public let profile: ProfiledDeviance
    public let solution: PenalizedSolution
    /// The fixed-effect design and the response, as fitted.
    public let x: Matrix
    public let y: [Double]
    /// The prior weights (lme4's `weights`), if any: the profile is of the rows times √w.
    public let weights: [Double]?
    /// The REML criterion (REML) or the deviance (ML) at the optimum.
    public let criterion: Double
    public let evaluations: Int
    /// Whether the optimiser met its tolerance.
    public let converged: Bool

    /// θ, the relative covariance factors, by term (lme4's `getME(fit, "theta")`).
    public var theta: [Double] { solution.theta }
    public var n: Int { x.rows }
    public var p: Int { x.columns }
    public var beta: [Double] { solution.beta }
    public var coefficientNames: [String] { design.fixed.columnNames }

    /// The residual standard deviation σ: √(pwrss / (n − p)) by REML, √(pwrss / n) by ML.
    public var sigma: Double { (solution.pwrss / Double(reml ? n - p : n)).squareRoot() }

    /// vcov(β) = σ² R_X⁻¹R_X⁻ᵀ.
    public var covariance: Matrix { (try? Self.inverse(of: solution.rx, scaledBy: sigma * sigma)) ?? Matrix(rows: p, columns: p, repeating: .nan) }

    public var standardErrors: [Double] { (0..<p).map { covariance[$0, $0].squareRoot() } }

    /// The number of parameters: fixed effects, θ and σ.
    public var parameterCount: Int { p + theta.count + 1 }
    /// The log-likelihood (restricted, for a REML fit, as lme4's `logLik`).
    public var logLikelihood: Double { -criterion / 2 }
    public var aic: Double { criterion + 2 * Double(parameterCount) }
    public var bic: Double { criterion + log(Double(n)) * Double(parameterCount) }

    /// Each term's covariance matrix of its random effects, σ² T Tᵀ.
    public var covarianceMatrices: [Matrix] {
        solution.factors.map { t in
            var c = (try? t.multiplied(by: t, transposeOther: true)) ?? t
            for k in c.storage.indices { c.storage[k] *= sigma * sigma }
            return c
        }
    }

    /// A variance component: one term's standard deviations and correlations.
    public struct VarianceComponent: Sendable {
        public let group: String
        public let effects: [String]
        public let standardDeviations: [Double]
        /// Correlations, effects × effects (1 on the diagonal).
        public let correlations: Matrix
    }

    public var varianceComponents: [VarianceComponent] {
        zip(design.blocks, covarianceMatrices).map { block, c in
            let sd = (0..<c.rows).map { c[$0, $0].squareRoot() }
            var r = Matrix(rows: c.rows, columns: c.rows)
            for i in 0..<c.rows { for j in 0..<c.rows { r[i, j] = i == j ? 1 : c[i, j] / (sd[i] * sd[j]) } }
            return VarianceComponent(group: block.term.groupName, effects: block.effectNames, standardDeviations: sd, correlations: r)
        }
    }

    /// Whether a variance is estimated at zero, or a correlation at ±1: a diagonal element of
    /// θ below 1e-4 (lme4's `isSingular`).
    public var isSingular: Bool {
        var k = 0
        for p in profile.layout.effects {
            for j in 0..<p { for i in j..<p { if i == j && theta[k] < 1e-4 { return true }; k += 1 } }
        }
        return false
    }

    /// The intraclass correlation of each term when every term is a random intercept: its
    /// variance over the total (all terms' variances plus σ²); nil with random slopes, where the
    /// share depends on the slope variable's value.
    public var intraclassCorrelations: [Double]? {
        guard design.blocks.allSatisfy({ $0.effectNames == ["(Intercept)"] }) else { return nil }
        let variances = covarianceMatrices.map { $0[0, 0] }
        let total = variances.reduce(sigma * sigma, +)
        return variances.map { $0 / total }
    }

    /// The conditional modes b = Λu, in Z's column order (term, level, effect).
    public var randomEffects: [Double] { profile.layout.lambdaTimes(solution.u, factors: solution.factors) }

    /// The conditional modes of one term: levels × effects (lme4's `ranef(fit)[[group]]`).
    public func randomEffects(term k: Int) -> Matrix {
        let b = randomEffects, block = design.blocks[k], base = profile.layout.offsets[k]
        var m = Matrix(rows: block.levels.count, columns: block.effectCount)
        for l in 0..<block.levels.count { for e in 0..<block.effectCount { m[l, e] = b[base + l * block.effectCount + e] } }
        return m
    }

    /// The conditional standard deviations of one term's modes, levels × effects: the square
    /// roots of the diagonal of σ² Λ (ΛᵀZᵀZΛ + I)⁻¹ Λᵀ, lme4's `condVar` (β taken as known).
    public func conditionalStandardDeviations(term k: Int) throws -> Matrix {
        try MixedConditionalVariance.standardDeviations(l: solution.l, factor: solution.factors[k], block: design.blocks[k],
                                                       offset: profile.layout.offsets[k], scale: sigma)
    }

    /// Xβ, the marginal fitted values (the population level).
    public var marginalFitted: [Double] {
        (0..<n).map { i in (0..<p).reduce(0.0) { $0 + x[i, $1] * beta[$1] } }
    }

    /// Zb, each row's random-effect contribution.
    public var randomContribution: [Double] {
        let b = randomEffects
        return (0..<n).map { i in
            design.blocks.enumerated().reduce(0.0) { s, kb in
                let (k, block) = kb
                let base = profile.layout.offsets[k] + block.level[i] * block.effectCount
                return s + (0..<block.effectCount).reduce(0.0) { $0 + block.values[i, $1] * b[base + $1] }
            }
        }
    }

    /// Xβ + Zb, the conditional fitted values (lme4's `fitted`).
    public var fitted: [Double] { zip(marginalFitted, randomContribution).map { $0 + $1 } }
    /// y − Xβ − Zb (lme4's `residuals`).
    public var residuals: [Double] { zip(y, fitted).map { $0 - $1 } }
    /// y − Xβ.
    public var marginalResiduals: [Double] { zip(y, marginalFitted).map { $0 - $1 } }

    /// s · (RᵀR)⁻¹ for a Cholesky factor R.
    static func inverse(of c: Cholesky, scaledBy s: Double) throws -> Matrix {
        let ri = try c.inverseFactor()
        var v = try ri.multiplied(by: ri, transposeOther: true)
        for k in v.storage.indices { v.storage[k] *= s }
        return v
    }
}
