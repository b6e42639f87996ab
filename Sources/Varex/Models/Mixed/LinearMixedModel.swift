import Foundation
import VarexLinearAlgebra

/// Problems that stop a linear mixed model from being fitted.
public enum MixedModelError: SettingMessage, Equatable {
    /// A feature of linear models the mixed-model fit does not take (weights, an offset, a
    /// count pair); the analysis module's capability table refuses them first.
    case notSupported(String)
    /// Fixed-effect columns that are linear combinations of others.
    case rankDeficient([String])
    /// The optimiser found no θ with a finite criterion.
    case noSolution
    /// More random effects than the dense factorisation takes.
    case tooManyRandomEffects(count: Int, limit: Int)
    /// A family the Laplace fit does not take.
    case familyNotSupported(Family)

    public var exitCode: Int32 { self == .noSolution ? 2 : 1 }

    public func message(naming names: SettingNames) -> String {
        switch self {
        case let .notSupported(what):
            return "a linear mixed model here takes no \(what); fit without it, or a linear model with the group in the formula"
        case let .rankDeficient(columns):
            return """
                the fixed-effect columns are linearly dependent (\(columns.joined(separator: ", ")) \
                \(columns.count == 1 ? "is a combination" : "are combinations") of the others); \
                take \(columns.count == 1 ? "it" : "them") out of the formula
                """
        case let .tooManyRandomEffects(count, limit):
            return """
                the random-effect terms have \(count) random effects in all; this version factors \
                ΛᵀZᵀZΛ + I as a dense matrix, which stays quick up to \(limit) (a grouping factor with \
                fewer levels, such as council rather than person, fits; for the factor's fixed \
                effects instead, use \(names.name(.absorb)))
                """
        case let .familyNotSupported(family):
            return family.hasLikelihood
                ? "a generalized linear mixed model here takes the binomial or Poisson family (their variance has no scale to estimate); for the \(family.rawValue) family, fit a GLM with the group in the formula"
                : "the \(family.rawValue) family has no likelihood for the Laplace approximation to approximate (lme4's glmer refuses quasi families too); use the \(family == .quasipoisson ? "poisson" : "binomial") family, whose random effects take up the overdispersion"
        case .noSolution:
            return "numerical failure: no covariance parameters give a finite REML criterion or deviance"
        }
    }
}

/// Fits linear mixed models as lme4's `lmer` does: the deviance profiled over the fixed effects
/// and the residual variance (Bates et al. 2015), minimised over the relative covariance
/// factors θ with their diagonal bounded at zero.
public enum LinearMixedModel {
    /// The most random effects (columns of Z) the dense factorisation takes: each evaluation of
    /// the criterion factors a q × q matrix (q³/3 operations, 8q² bytes), and a fit takes a few
    /// hundred evaluations. Set where the time stays reasonable: a random intercept with 1,000
    /// levels (3,000 rows) takes 8 s in a release build on two cores, 1,500 levels 29 s, and
    /// 2,999 levels took 291 s (lme4's sparse Cholesky: 0.5 s; a sparse solver removes the limit).
    public static let maximumRandomEffects = 1000

    /// Fits `design` by REML (the default, as lmer) or maximum likelihood.
    public static func fit(_ design: MixedDesign, reml: Bool = true) throws -> LinearMixedFit {
        let d = design.fixed
        if d.offset != nil { throw MixedModelError.notSupported("offset()") }
        if d.trials != nil { throw MixedModelError.notSupported("a cbind() response") }
        let x = d.x.rounded
        let y = d.y.map { Double($0) }
        guard x.rows > x.columns else {
            throw ModelError.tooFewRows(used: x.rows, coefficients: x.columns, dropped: d.dropped.count)
        }
        if y.allSatisfy({ $0 == y[0] }) { throw ModelError.constantResponse(d.responseLabel) }
        let flags = try QRFactorization(x).isAliased
        let aliased = flags.indices.filter { flags[$0] }
        if !aliased.isEmpty { throw MixedModelError.rankDeficient(aliased.map { d.columnNames[$0] }) }
        guard design.randomEffectCount <= maximumRandomEffects else {
            throw MixedModelError.tooManyRandomEffects(count: design.randomEffectCount, limit: maximumRandomEffects)
        }
        let weights = d.weights.map { $0.map { Double($0) } }
        let profile = try weightedProfile(x: x, y: y, blocks: design.blocks, weights: weights)
        let (solution, result) = try minimize(profile, reml: reml)
        return LinearMixedFit(design: design, reml: reml, profile: profile, solution: solution, x: x, y: y, weights: weights,
                              criterion: solution.deviance(n: x.rows, reml: reml) - logWeights(weights), evaluations: result.evaluations,
                              converged: result.converged)
    }

    /// The profiled deviance of the model with prior weights w (lme4's `weights`: row i's residual
    /// variance σ²/wᵢ): the rows of X, y and Z times √w. The criterion is then lme4's less Σ log w
    /// (``logWeights(_:)``), a constant in θ.
    static func weightedProfile(x: Matrix, y: [Double], blocks: [RandomEffectsBlock], weights: [Double]?) throws -> ProfiledDeviance {
        guard let weights else { return try ProfiledDeviance(x: x, y: y, blocks: blocks) }
        let root = weights.map { $0.squareRoot() }
        var sx = x
        for j in 0..<x.columns { for i in 0..<x.rows { sx[i, j] *= root[i] } }
        let scaled = blocks.map { b -> RandomEffectsBlock in
            var v = b.values
            for j in 0..<v.columns { for i in 0..<v.rows { v[i, j] *= root[i] } }
            return RandomEffectsBlock(term: b.term, effectNames: b.effectNames, levels: b.levels, level: b.level, values: v, schema: b.schema)
        }
        return try ProfiledDeviance(x: sx, y: zip(y, root).map { $0 * $1 }, blocks: scaled)
    }

    /// The fit's model refitted to another response on the same rows (design, weights and
    /// criterion), from the fit's θ: the new conditional modes b = Λu, in Z's column order. The
    /// simplex stops at a relative change of 1e-10 in the criterion (a bootstrap replicate
    /// needs θ to a few digits, not to the fit's 1e-13); the Newton polish follows as always.
    public static func conditionalModes(_ fit: LinearMixedFit, response y: [Double]) throws -> [Double] {
        let profile = try weightedProfile(x: fit.x, y: y, blocks: fit.design.blocks, weights: fit.weights)
        let (solution, _) = try minimize(profile, reml: fit.reml, start: fit.theta, tolerance: 1e-10)
        return profile.layout.lambdaTimes(solution.u, factors: solution.factors)
    }

    /// Σ log wᵢ (lme4's `ldW`), 0 unweighted.
    static func logWeights(_ weights: [Double]?) -> Double { weights?.reduce(0) { $0 + log($1) } ?? 0 }

    /// The criterion minimised over θ, and the solution at the minimum.
    static func minimize(_ profile: ProfiledDeviance, reml: Bool, start: [Double]? = nil,
                         tolerance: Double? = nil) throws -> (PenalizedSolution, BoundedMinimizer.Result) {
        var minimizer = BoundedMinimizer(lower: profile.layout.lower)
        if let tolerance { minimizer.valueTolerance = tolerance }
        var evaluations = 0
        let result = minimizer.minimize(start: start ?? profile.layout.start) { theta in
            evaluations += 1
            Progress.report("fitting the mixed model: \(evaluations) evaluations of the \(reml ? "REML criterion" : "deviance")")
            return profile.deviance(theta, reml: reml)
        }
        guard result.value.isFinite, let solution = try profile.solve(result.x, exact: true) else { throw MixedModelError.noSolution }
        return (solution, result)
    }

    /// The fit's model with only the fixed-effect columns `columns` (the same rows, random terms
    /// and criterion), refitted: its fixed effects, θ and σ.
    public static func refit(_ fit: LinearMixedFit, columns: [Int]) throws -> (beta: [Double], theta: [Double], sigma: Double, x: Matrix) {
        var x = Matrix(rows: fit.n, columns: columns.count)
        for (k, j) in columns.enumerated() { for i in 0..<fit.n { x[i, k] = fit.x[i, j] } }
        let profile = try weightedProfile(x: x, y: fit.y, blocks: fit.design.blocks, weights: fit.weights)
        let (solution, _) = try minimize(profile, reml: fit.reml)
        let sigma = (solution.pwrss / Double(fit.reml ? fit.n - columns.count : fit.n)).squareRoot()
        return (solution.beta, solution.theta, sigma, x)
    }
}
