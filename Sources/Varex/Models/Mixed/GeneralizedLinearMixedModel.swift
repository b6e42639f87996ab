import Foundation
import VarexLinearAlgebra

/// Fits generalized linear mixed models as lme4's `glmer` does with its defaults (nAGQ = 1):
/// maximum likelihood by the Laplace approximation (``LaplaceDeviance``), minimised over the
/// covariance parameters θ (diagonal bounded at zero) and the fixed effects β together, from
/// the GLM without the random terms and θ = 1. The fixed effects' covariance is lme4's default
/// (`vcov(fit)` with `use.hessian = TRUE`): the β block of 2 H⁻¹, H the Hessian of the
/// deviance in (θ, β), here by Richardson-extrapolated central differences on each parameter's
/// own scale (lme4 takes one step of 10⁻⁴; the two agree to the first's truncation error).
public enum GeneralizedLinearMixedModel {
    /// Fits `design` with `family` and `link` (the family's default if nil). `table` names the
    /// cell of a response outside the family's range.
    public static func fit(_ design: MixedDesign, family: Family, link: Link? = nil, table: Table? = nil) throws -> GeneralizedLinearMixedFit {
        let link = link ?? family.defaultLink
        guard family.links.contains(link) else { throw GLMError.linkNotAllowed(family: family, link: link) }
        guard family == .binomial || family == .poisson else { throw MixedModelError.familyNotSupported(family) }
        let d = design.fixed
        let x = d.x.rounded
        guard x.rows > x.columns else {
            throw ModelError.tooFewRows(used: x.rows, coefficients: x.columns, dropped: d.dropped.count)
        }
        let flags = try QRFactorization(x).isAliased
        let aliased = flags.indices.filter { flags[$0] }
        if !aliased.isEmpty { throw MixedModelError.rankDeficient(aliased.map { d.columnNames[$0] }) }
        guard design.randomEffectCount <= LinearMixedModel.maximumRandomEffects else {
            throw MixedModelError.tooManyRandomEffects(count: design.randomEffectCount, limit: LinearMixedModel.maximumRandomEffects)
        }
        let (y, trials, prior, offset) = try GeneralizedLinearModel.response(d, family: family, table: table)
        let laplace = LaplaceDeviance(x: x, y: y, prior: prior, trials: trials, offset: offset, blocks: design.blocks,
                                      family: family, link: link)
        let glm = try GeneralizedLinearModel.fit(d, family: family, link: link, table: table)
        let (optimum, result) = try minimize(laplace, start: laplace.layout.start + glm.coefficients)
        let k = laplace.layout.parameterCount
        let hessian = Self.hessian(laplace, at: optimum.theta + optimum.beta, modes: optimum.u)
        let covariance = Self.fixedCovariance(hessian: hessian, thetaCount: k)
        return GeneralizedLinearMixedFit(design: design, family: family, link: link, laplace: laplace, modes: optimum,
                                         y: y, prior: prior, trials: trials, offset: offset, hessian: hessian, covariance: covariance,
                                         evaluations: result.evaluations, converged: result.converged)
    }

    /// The Laplace deviance (−2 log L) of the fit's model with only the fixed-effect columns
    /// `columns` (the same rows, random terms, family and weights), refitted from the fit's θ.
    public static func refit(_ fit: GeneralizedLinearMixedFit, columns: [Int]) throws -> Double {
        let l = fit.laplace
        var x = Matrix(rows: fit.n, columns: columns.count)
        for (k, j) in columns.enumerated() { for i in 0..<fit.n { x[i, k] = l.x[i, j] } }
        let sub = LaplaceDeviance(x: x, y: l.y, prior: l.prior, trials: l.trials, offset: l.offset, blocks: fit.design.blocks,
                                  family: fit.family, link: fit.link)
        let (optimum, _) = try minimize(sub, start: fit.theta + columns.map { fit.beta[$0] })
        return optimum.laplace
    }

    /// The fit's model refitted to another response on the same rows (design, weights, offset
    /// and family) from the fit's (θ, β), the simplex stopping at a relative change of 1e-10 (a
    /// bootstrap replicate needs θ to a few digits): the new conditional modes b = Λu, in Z's
    /// column order.
    public static func conditionalModes(_ fit: GeneralizedLinearMixedFit, response y: [Double]) throws -> [Double] {
        let l = fit.laplace
        let sub = LaplaceDeviance(x: l.x, y: y, prior: l.prior, trials: l.trials, offset: l.offset, blocks: fit.design.blocks,
                                  family: fit.family, link: fit.link)
        let (optimum, _) = try minimize(sub, start: fit.theta + fit.beta, tolerance: 1e-8)
        return sub.layout.lambdaTimes(optimum.u, factors: sub.layout.factors(optimum.theta))
    }

    /// The Laplace deviance minimised over (θ, β), each evaluation's PIRLS started from the
    /// last modes found.
    static func minimize(_ laplace: LaplaceDeviance, start: [Double], tolerance: Double? = nil) throws -> (LaplaceDeviance.Modes, BoundedMinimizer.Result) {
        let k = laplace.layout.parameterCount
        var minimizer = BoundedMinimizer(lower: laplace.layout.lower + [Double](repeating: -.infinity, count: laplace.p))
        if let tolerance { minimizer.valueTolerance = tolerance }
        var warm: [Double]? = nil
        var evaluations = 0
        let result = minimizer.minimize(start: start) { v in
            evaluations += 1
            Progress.report("fitting the generalized linear mixed model: \(evaluations) evaluations of the Laplace deviance")
            guard let m = laplace.modes(theta: Array(v[..<k]), beta: Array(v[k...]), start: warm) else { return .infinity }
            warm = m.u
            return m.laplace
        }
        guard result.value.isFinite,
              let modes = laplace.modes(theta: Array(result.x[..<k]), beta: Array(result.x[k...]), start: warm) else {
            throw MixedModelError.noSolution
        }
        return (modes, result)
    }

    /// The Hessian of the Laplace deviance in (θ, β) at `v`: Richardson-extrapolated central
    /// differences, each parameter's first step half its scale (√(2 / the curvature) found with
    /// a step of 10⁻⁴, lme4's).
    static func hessian(_ laplace: LaplaceDeviance, at v: [Double], modes u: [Double]) -> Matrix {
        let k = laplace.layout.parameterCount
        let f = { (w: [Double]) -> Double in laplace.deviance(theta: Array(w[..<k]), beta: Array(w[k...]), start: u) }
        let f0 = f(v)
        let steps = v.indices.map { i -> Double in
            let h = 1e-4 * max(abs(v[i]), 0.1)
            var up = v, down = v
            up[i] += h; down[i] -= h
            let curvature = (f(up) - 2 * f0 + f(down)) / (h * h)
            return curvature > 0 && curvature.isFinite ? 0.5 * (2 / curvature).squareRoot() : h
        }
        let h = Richardson.hessian(f, at: v, steps: steps)
        var m = Matrix(rows: v.count, columns: v.count)
        for i in 0..<v.count { for j in 0..<v.count { m[i, j] = h[i][j] } }
        return m
    }

    /// The β block of 2 H⁻¹ (NaN where H is not positive definite: no covariance at a
    /// saddle or on a boundary the Hessian cannot see past).
    static func fixedCovariance(hessian h: Matrix, thetaCount k: Int) -> Matrix {
        let m = h.rows, p = m - k
        guard let c = try? Cholesky(h), let ri = try? c.inverseFactor(), let inv = try? ri.multiplied(by: ri, transposeOther: true) else {
            return Matrix(rows: p, columns: p, repeating: .nan)
        }
        var v = Matrix(rows: p, columns: p)
        for i in 0..<p { for j in 0..<p { v[i, j] = 2 * inv[k + i, k + j] } }
        return v
    }
}
