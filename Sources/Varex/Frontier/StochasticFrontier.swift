import Foundation
import VarexLinearAlgebra

/// A stochastic frontier fitted by maximum likelihood (analytic gradient; Newton steps with the
/// gradient's differences as curvature, damped until the likelihood rises), started from
/// corrected OLS (the method of moments of Olson, Schmidt and Waldman 1980), with each unit's
/// efficiency (Jondrow et al. 1982 and Battese and Coelli 1988) and its interval (Horrace and
/// Schmidt 1996), and the test that there is no inefficiency (Kodde and Palm 1986).
///
/// OLS residuals skewed the wrong way for the side (Waldman 1982: the likelihood's maximum is
/// then at no inefficiency) are an error naming the case, never "every unit efficient".
///
/// One immutable value; the derived quantities are computed.
public struct StochasticFrontier: Sendable {
    public let model: StochasticFrontierModel
    public let data: StochasticFrontierData
    /// θ = (β, δ, γ, ln σv²): the frontier, the mean terms of a truncated normal, the terms of
    /// ln σu², and ln σv².
    public let parameters: [Double]
    public let parameterNames: [String]
    /// The inverse of the negative Hessian at θ̂ (Richardson differences of the analytic gradient).
    public let covariance: [[Double]]
    public let logLikelihood: Double
    /// The OLS fit's log-likelihood (σ² by maximum likelihood): the model with no inefficiency.
    public let olsLogLikelihood: Double
    public let olsCoefficients: [Double]
    /// The third central moment of the OLS residuals, signed as e = v − u (negative when right).
    public let residualThirdMoment: Double
    public let iterations: Int

    public init(_ data: StochasticFrontierData, model: StochasticFrontierModel) throws {
        let n = data.count, k = data.xNames.count
        guard n > k + 2 else { throw FrontierError.tooFewUnits(n, minimum: k + 3) }
        let lik = SFALikelihood(data: data, model: model)
        let cols = try CorrectedOLS(data, model: model)
        var start = cols.start
        start += [Double](repeating: 0, count: lik.m)
        start += [2 * log(cols.sigmaU)] + [Double](repeating: 0, count: lik.h - 1)
        start.append(log(cols.sigmaV2))
        let (theta, value, iterations) = try Self.maximise(lik.evaluate, from: start, watch: lik.k + lik.m)
        let p = theta.count
        let inverse = try Self.covariance(lik.evaluate, at: theta)
        self.model = model
        self.data = data
        parameters = theta
        parameterNames = data.xNames
            + (model.distribution == .truncatedNormal ? data.zNames.map { "mu:" + $0 } : [])
            + data.wNames.map { "ln_sigma_u2:" + $0 } + ["ln_sigma_v2"]
        covariance = (0..<p).map { i in (0..<p).map { inverse[i, $0] } }
        logLikelihood = value
        olsLogLikelihood = cols.logLikelihood
        olsCoefficients = cols.coefficients
        residualThirdMoment = cols.m3
        self.iterations = iterations
    }

    /// Newton steps on ℓ with the central differences of the analytic gradient as curvature,
    /// damped (Levenberg–Marquardt) until ℓ rises; converged when the Newton decrement gᵀ(−H)⁻¹g
    /// is below 1e-20 (the estimates then move by less than 1e-10 of their SEs).
    /// `watch`: the index of ln σu² (the first scale term), whose running off to −∞ means no
    /// inefficiency is left.
    static func maximise(_ evaluate: ([Double]) -> (value: Double, gradient: [Double]), from start: [Double],
                         watch: Int) throws -> ([Double], Double, Int) {
        var theta = start
        var (f, g) = evaluate(theta)
        guard f.isFinite else { throw FrontierError.notConverged("the likelihood is not finite at the corrected-OLS start") }
        let p = theta.count
        var damping = 1e-6
        for iteration in 1...500 {
            var h = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
            for j in 0..<p {
                let step = 1e-6 * max(abs(theta[j]), 1)
                var up = theta, down = theta
                up[j] += step; down[j] -= step
                let gu = evaluate(up).gradient, gd = evaluate(down).gradient
                for i in 0..<p { h[i][j] = -(gu[i] - gd[i]) / (2 * step) }
            }
            for i in 0..<p { for j in 0..<i { let a = 0.5 * (h[i][j] + h[j][i]); h[i][j] = a; h[j][i] = a } }
            var moved = false
            for _ in 0..<60 {
                var a = Matrix(rows: p, columns: p)
                for i in 0..<p { for j in 0..<p { a[i, j] = h[i][j] } ; a[i, i] += damping * max(abs(h[i][i]), 1e-8) }
                guard let chol = try? Cholesky(a), let d = try? chol.solve(Matrix(rows: p, columns: 1, columnMajor: g)) else {
                    damping *= 10
                    continue
                }
                let step = (0..<p).map { d[$0, 0] }
                let decrement = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
                if decrement < 1e-20 && damping <= 1e-6 { return (theta, f, iteration) }
                let next = zip(theta, step).map { $0 + $1 }
                let (fn, gn) = evaluate(next)
                if fn.isFinite && fn >= f - 1e-12 * max(1, abs(f)) {
                    if abs(fn - f) <= 1e-15 * max(1, abs(f)) && decrement < 1e-14 { return (next, fn, iteration) }
                    (theta, f, g) = (next, fn, gn)
                    damping = max(damping / 10, 1e-12)
                    moved = true
                    break
                }
                damping *= 10
            }
            guard moved else { break }
            if theta[watch] < -40 || theta.contains(where: { !$0.isFinite }) { break }
        }
        throw FrontierError.notConverged("the maximum likelihood search did not converge in 500 Newton steps")
    }

    /// The inverse of the negative Hessian at θ, the Hessian by Richardson differences of the
    /// analytic gradient.
    static func covariance(_ evaluate: ([Double]) -> (value: Double, gradient: [Double]), at theta: [Double]) throws -> Matrix {
        let p = theta.count
        var hessian = (0..<p).map { Richardson.derivative({ evaluate($0).gradient }, at: theta, coordinate: $0) }
        for i in 0..<p { for j in 0..<i { let a = 0.5 * (hessian[i][j] + hessian[j][i]); hessian[i][j] = a; hessian[j][i] = a } }
        var negative = Matrix(rows: p, columns: p)
        for i in 0..<p { for j in 0..<p { negative[i, j] = -hessian[i][j] } }
        guard let chol = try? Cholesky(negative), let inverse = try? chol.solve(Matrix.identity(p)) else {
            throw FrontierError.notConverged("the likelihood's curvature at the estimate is not that of a maximum")
        }
        return inverse
    }

    // MARK: derived quantities

    var likelihood: SFALikelihood { SFALikelihood(data: data, model: model) }

    /// Standard errors of θ.
    public var standardErrors: [Double] { (0..<parameters.count).map { covariance[$0][$0].squareRoot() } }

    /// The frontier's coefficients β.
    public var coefficients: [Double] { Array(parameters[0..<data.xNames.count]) }

    /// σv².
    public var sigmaV2: Double { exp(parameters[parameters.count - 1]) }

    /// σu² of each unit (constant without scale terms).
    public var sigmaU2: [Double] { (0..<data.count).map { likelihood.pieces(parameters, $0).U } }

    /// The mean μ of each unit's truncated normal (0 for the half-normal and the exponential).
    public var mu: [Double] { (0..<data.count).map { likelihood.pieces(parameters, $0).mu } }

    /// Each unit's composed residual e = s(y − xβ) = v − u.
    public var compositeResiduals: [Double] { (0..<data.count).map { likelihood.pieces(parameters, $0).e } }

    /// FRONTIER's parameterisation of a homoscedastic fit: σ² = σv² + σu² and γ = σu²/σ², with
    /// delta-method standard errors; nil with scale terms.
    public var sigmaSquaredAndGamma: (sigma2: Double, sigma2SE: Double, gamma: Double, gammaSE: Double)? {
        guard data.wNames.count == 1 else { return nil }
        let p = parameters.count, iu = p - 2, iv = p - 1
        let u = exp(parameters[iu]), v = exp(parameters[iv]), s2 = u + v
        // ∂σ²/∂(ln U, ln V) = (U, V); ∂γ/∂(ln U, ln V) = (UV/S², −UV/S²).
        let gs = [u, v], gg = [u * v / (s2 * s2), -u * v / (s2 * s2)]
        func variance(_ d: [Double]) -> Double {
            let idx = [iu, iv]
            var s = 0.0
            for a in 0..<2 { for c in 0..<2 { s += d[a] * covariance[idx[a]][idx[c]] * d[c] } }
            return s
        }
        return (s2, variance(gs).squareRoot(), u / s2, variance(gg).squareRoot())
    }

    /// u | e ~ N⁺(μ*, σ*²) for each unit.
    public var conditional: [(mean: Double, sd: Double)] { conditional(at: parameters) }

    /// u | e ~ N⁺(μ*, σ*²) for each unit at parameters `theta` (in ``parameters``' order).
    public func conditional(at theta: [Double]) -> [(mean: Double, sd: Double)] {
        (0..<data.count).map { i in
            let p = likelihood.pieces(theta, i)
            if model.distribution == .exponential { return (-p.e - p.V / p.U.squareRoot(), p.V.squareRoot()) }
            let S = p.V + p.U
            return ((p.mu * p.V - p.e * p.U) / S, (p.U * p.V / S).squareRoot())
        }
    }

    /// Jondrow et al.'s E[u | e].
    public var inefficiency: [Double] {
        conditional.map { $0.mean + $0.sd * millsRatio($0.mean / $0.sd) }
    }

    /// Battese and Coelli's (1988) E[exp(−u) | e]: technical (or cost) efficiency, 1 = on the
    /// frontier (FRONTIER 4.1's estimate).
    public var efficiency: [Double] {
        conditional.map { c in
            exp(-c.mean + 0.5 * c.sd * c.sd + logNormalCDF(c.mean / c.sd - c.sd) - logNormalCDF(c.mean / c.sd))
        }
    }

    /// Horrace and Schmidt's (1996) interval for exp(−u) at `level`, from the quantiles of u | e.
    public func efficiencyInterval(level: Double = 0.95) -> [(low: Double, high: Double)] {
        let a = (1 - level) / 2
        return conditional.map { c in
            let z = c.mean / c.sd
            let tail = exp(logNormalCDF(z))
            // u_q = μ* − σ* Φ⁻¹((1 − q) Φ(μ*/σ*)).
            func quantile(_ q: Double) -> Double { c.mean - c.sd * Normal.quantile((1 - q) * tail) }
            return (exp(-quantile(1 - a)), exp(-quantile(a)))
        }
    }

    /// The likelihood-ratio statistic of no inefficiency, 2(ℓ − ℓ_OLS).
    public var inefficiencyLR: Double { 2 * (logLikelihood - olsLogLikelihood) }

    /// Its restrictions: the scale terms, and a truncated normal's mean terms.
    public var inefficiencyRestrictions: Int { data.wNames.count + (model.distribution == .truncatedNormal ? data.zNames.count : 0) }

    /// Its p-value from the mixed χ² of Kodde and Palm (1986): ½χ²(q − 1) + ½χ²(q).
    public var inefficiencyPValue: Double { MixedChiSquared.survival(inefficiencyLR, restrictions: inefficiencyRestrictions) }
}

/// The mixed χ² of a likelihood-ratio test with one parameter on the boundary of its space
/// (Kodde and Palm 1986): ½χ²(q − 1) + ½χ²(q), χ²(0) a point mass at 0.
public enum MixedChiSquared {
    public static func survival(_ x: Double, restrictions q: Int) -> Double {
        guard x > 0 else { return 1 }
        let upper = ChiSquared(df: Double(q)).survival(x)
        let lower = q > 1 ? ChiSquared(df: Double(q - 1)).survival(x) : 0
        return 0.5 * (lower + upper)
    }

    /// The critical value at `alpha` (Kodde and Palm's Table 1), by bisection.
    public static func critical(alpha: Double, restrictions q: Int) -> Double {
        var lo = 0.0, hi = 200.0
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if survival(mid, restrictions: q) > alpha { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}
