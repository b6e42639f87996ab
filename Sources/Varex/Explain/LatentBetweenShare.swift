import Dispatch
import Foundation
import VarexLinearAlgebra

extension BetweenShare {
    /// The residual variance of the latent variable behind a binomial GLMM's link: π²/3 for
    /// the logit, 1 for the probit, π²/6 for the complementary log-log (Nakagawa, Johnson and
    /// Schielzeth 2017, the "latent" distribution-specific variance). Nil for a link or family
    /// with no latent scale of constant variance (Poisson's, and a binomial's log or identity
    /// link, whose observation-level variance depends on the mean).
    public static func latentVariance(family: Family, link: Link) -> Double? {
        guard family == .binomial else { return nil }
        switch link {
        case .logit: return Double.pi * Double.pi / 3
        case .probit: return 1
        case .cloglog: return Double.pi * Double.pi / 6
        default: return nil
        }
    }

    /// A panel GLMM's between-unit share on the latent scale: σ²_u / (σ²_u + σ²_d), σ_u = θ
    /// the units' random-intercept SD and σ²_d ``latentVariance(family:link:)``, with a
    /// profile-likelihood interval: the θ where the Laplace deviance, minimised over β at that
    /// θ, rises by the χ²₁ quantile above its minimum (lme4's `confint(method = "profile")`
    /// for `.sig01`), mapped through the same function. NaN (estimate and interval) where the
    /// family has no latent scale.
    public init(glmm fit: GeneralizedLinearMixedFit, level: Double = 0.95) {
        guard fit.theta.count == 1, let latent = Self.latentVariance(family: fit.family, link: fit.link) else {
            self.init(estimate: .nan, low: .nan, high: .nan)
            return
        }
        let theta = fit.theta[0], minimum = fit.criterion
        let z = Normal.quantile((1 + level) / 2)
        let cut = z * z
        func share(_ t: Double) -> Double { t * t / (t * t + latent) }
        let estimate = share(theta)
        // The first guesses: θ ± z SE(θ), the SE from the fit's Hessian (2 H⁻¹), where a
        // quadratic profile would cross; then stepped out until the profile has crossed.
        let se = (try? Cholesky(fit.hessian)).flatMap { try? $0.inverseFactor() }
            .map { r in (2 * (0..<r.columns).reduce(0.0) { $0 + r[0, $1] * r[0, $1] }).squareRoot() } ?? .nan
        let step = se.isFinite && se > 0 ? z * se : 0.5 * max(theta, 0.1)
        // Each side on a core of its own, each profile point's β from the last one's.
        var ends = [Double](repeating: .nan, count: 2)
        let merge = Lock()
        BLASThreads.singleThreaded {
            DispatchQueue.concurrentPerform(iterations: 2) { side in
                var warm = fit.beta
                let f = { (t: Double) -> Double in
                    let (value, beta) = GeneralizedLinearMixedModel.profile(fit, theta: [t], start: warm)
                    if value.isFinite { warm = beta }
                    return value - minimum - cut
                }
                var (inner, atInner) = (theta, -cut)
                var end: Double, stride = step
                // Out from θ in steps that double, so that a tiny SE cannot make the walk long.
                if side == 0 {
                    var guess = max(theta - stride, 0), value = f(guess)
                    while value < 0 && guess > 0 {
                        (inner, atInner) = (guess, value); stride *= 2; guess = max(guess - stride, 0); value = f(guess)
                    }
                    end = value > 0 ? share(Self.illinois(f, inner, atInner, guess, value)) : 0
                } else {
                    var guess = theta + stride, value = f(guess)
                    while value < 0 && guess < 1e4 { (inner, atInner) = (guess, value); stride *= 2; guess += stride; value = f(guess) }
                    end = value < 0 ? 1 : share(Self.illinois(f, inner, atInner, guess, value))
                }
                merge.run { ends[side] = end }
            }
        }
        let (low, high) = (ends[0], ends[1])
        self.init(estimate: estimate, low: low, high: high)
    }

    /// The root of `f` between `a` (f(a) = `fa` < 0) and `b` (f(b) = `fb` > 0) by regula falsi
    /// with the Illinois modification, to 1e-7 of θ: a few evaluations, each a fit over β.
    static func illinois(_ f: (Double) -> Double, _ a: Double, _ fa: Double, _ b: Double, _ fb: Double) -> Double {
        var (a, b) = (a, b)
        var fa = fa, fbv = fb
        var side = 0
        for _ in 0..<100 {
            let c = (a * fbv - b * fa) / (fbv - fa)
            let fc = f(c)
            if abs(b - a) <= 1e-7 * max(1, abs(c)) || abs(fc) < 1e-8 { return c }
            if (fc > 0) == (fbv > 0) {
                b = c; fbv = fc
                if side == -1 { fa /= 2 }
                side = -1
            } else {
                a = c; fa = fc
                if side == 1 { fbv /= 2 }
                side = 1
            }
        }
        return (a + b) / 2
    }
}

extension GeneralizedLinearMixedModel {
    /// The Laplace deviance at θ fixed, minimised over β (from `start`): the profile of the
    /// deviance in θ, and the β there. Newton steps with the fit's own curvature in β (the β
    /// block of its Hessian, which changes little along the profile) and central-difference
    /// gradients (steps of 10⁻⁴ SE), halved until the deviance falls, until the predicted
    /// decrease is below 10⁻¹⁰: some ten gradients, where a simplex takes a thousand evaluations.
    public static func profile(_ fit: GeneralizedLinearMixedFit, theta: [Double], start: [Double]) -> (value: Double, beta: [Double]) {
        let k = fit.theta.count, p = fit.p
        var curvature = Matrix(rows: p, columns: p)
        for i in 0..<p { for j in 0..<p { curvature[i, j] = fit.hessian[k + i, k + j] } }
        guard let c = try? Cholesky(curvature) else { return (.infinity, start) }
        let h = fit.standardErrors.map { 1e-4 * ($0.isFinite && $0 > 0 ? $0 : 1) }
        var warm: [Double]? = nil
        func f(_ beta: [Double]) -> Double {
            guard let m = fit.laplace.modes(theta: theta, beta: beta, start: warm) else { return .infinity }
            warm = m.u
            return m.laplace
        }
        var beta = start, value = f(beta)
        for _ in 0..<50 where value.isFinite {
            let gradient = (0..<p).map { j -> Double in
                var up = beta, down = beta
                up[j] += h[j]; down[j] -= h[j]
                return (f(up) - f(down)) / (2 * h[j])
            }
            guard let step = try? c.solve(Matrix(rows: p, columns: 1, columnMajor: gradient)).storage else { break }
            let decrease = zip(gradient, step).reduce(0.0) { $0 + $1.0 * $1.1 } / 2
            var t = 1.0, moved = false
            while t > 1e-6 {
                let trial = zip(beta, step).map { $0 - t * $1 }
                let v = f(trial)
                if v <= value { (beta, value, moved) = (trial, v, true); break }
                t /= 2
            }
            if !moved || decrease < 1e-10 { break }
        }
        return (value, beta)
    }
}
