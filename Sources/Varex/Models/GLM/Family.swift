#if canImport(Glibc)
import Glibc
#endif

/// A GLM family: the variance function, the deviance, the AIC and the starting values, as R's
/// `binomial()`, `poisson()`, `gaussian()`, `Gamma()` and the quasi families define them.
public enum Family: String, Sendable, CaseIterable {
    case binomial, quasibinomial, poisson, quasipoisson, gaussian
    case gamma = "Gamma"

    /// R's default link.
    public var defaultLink: Link {
        switch self {
        case .binomial, .quasibinomial: return .logit
        case .poisson, .quasipoisson: return .log
        case .gaussian: return .identity
        case .gamma: return .inverse
        }
    }

    /// The links R allows for the family.
    public var links: [Link] {
        switch self {
        case .binomial, .quasibinomial: return [.logit, .probit, .cloglog, .log]
        case .poisson, .quasipoisson: return [.log, .identity, .sqrt]
        case .gaussian: return [.identity, .log, .inverse]
        case .gamma: return [.inverse, .identity, .log]
        }
    }

    /// Whether the dispersion is estimated (Pearson χ² / residual df) rather than fixed at 1.
    public var estimatesDispersion: Bool { !(self == .binomial || self == .poisson) }

    /// Whether the family's AIC is defined (not for the quasi families).
    public var hasLikelihood: Bool { !(self == .quasibinomial || self == .quasipoisson) }

    /// Whether summary tests use the normal (z) rather than t (dispersion fixed at 1).
    public var usesZ: Bool { !estimatesDispersion }

    /// V(μ).
    public func variance(_ mu: Double) -> Double {
        switch self {
        case .binomial, .quasibinomial: return mu * (1 - mu)
        case .poisson, .quasipoisson: return mu
        case .gaussian: return 1
        case .gamma: return mu * mu
        }
    }

    /// One row's deviance contribution (R's `dev.resids`).
    public func unitDeviance(y: Double, mu: Double, weight w: Double) -> Double {
        switch self {
        case .binomial, .quasibinomial:
            func ylogy(_ a: Double, _ b: Double) -> Double { a != 0 ? a * Glibc.log(a / b) : 0 }
            return 2 * w * (ylogy(y, mu) + ylogy(1 - y, 1 - mu))
        case .poisson, .quasipoisson:
            return y > 0 ? 2 * w * (y * Glibc.log(y / mu) - (y - mu)) : 2 * mu * w
        case .gaussian: return w * (y - mu) * (y - mu)
        case .gamma: return -2 * w * (Glibc.log(y == 0 ? 1 : y / mu) - (y - mu) / mu)
        }
    }

    /// Whether μ is a valid mean (R's `validmu`).
    func isValid(mu: Double) -> Bool {
        switch self {
        case .binomial, .quasibinomial: return mu.isFinite && mu > 0 && mu < 1
        case .poisson, .quasipoisson: return mu.isFinite && mu > 0
        case .gaussian, .gamma: return true
        }
    }

    /// R's starting means (`family$initialize`): `weight` is the binomial n of R's
    /// (n y + 0.5)/(n + 1), the trials for a cbind response and the prior weights otherwise.
    func start(y: Double, weight: Double) -> Double {
        switch self {
        case .binomial, .quasibinomial: return (weight * y + 0.5) / (weight + 1)
        case .poisson, .quasipoisson: return y + 0.1
        case .gaussian, .gamma: return y
        }
    }

    /// R's `R_nonint`: x is further than 1e-7 × max(1, |x|) from a whole number.
    static func isNonInteger(_ x: Double) -> Bool {
        abs(x - x.rounded()) > 1e-7 * max(1, abs(x))
    }

    /// −2 log-likelihood at the fit, before adding 2 × the number of parameters (R's
    /// `family$aic`); nil for the quasi families. `trials`: binomial n per row (all 1 for a 0/1
    /// or proportion response), `weights`: the prior weights (× trials for a cbind response).
    func aicPart(y: [Double], trials: [Double], mu: [Double], weights: [Double], deviance: Double) -> Double? {
        let n = y.count
        switch self {
        case .quasibinomial, .quasipoisson: return nil
        case .binomial:
            let m = trials.contains { $0 > 1 } ? trials : weights
            var s = 0.0
            for i in 0..<n where m[i] > 0 {
                let size = m[i].rounded(), k = (m[i] * y[i]).rounded()
                s += (weights[i] / m[i]) * Self.logBinomial(k: k, n: size, p: mu[i])
            }
            return -2 * s
        case .poisson:
            // R's dpois(y, mu, log = TRUE) is −Inf for a non-integer y (with a warning), so the
            // AIC is Inf, as R reports it.
            var s = 0.0
            for i in 0..<n {
                s += weights[i] * (Self.isNonInteger(y[i]) ? -.infinity : y[i] * Glibc.log(mu[i]) - mu[i] - lgamma(y[i] + 1))
            }
            return -2 * s
        case .gaussian:
            var logW = 0.0
            for w in weights { logW += Glibc.log(w) }
            return Double(n) * (Glibc.log(deviance / Double(n) * 2 * Double.pi) + 1) + 2 - logW
        case .gamma:
            let total = weights.reduce(0, +)
            let dispersion = deviance / total
            let shape = 1 / dispersion
            var s = 0.0
            for i in 0..<n {
                let scale = mu[i] * dispersion
                s += weights[i] * (-lgamma(shape) - shape * Glibc.log(scale) + (shape - 1) * Glibc.log(y[i]) - y[i] / scale)
            }
            return -2 * s + 2
        }
    }

    /// log P(K = k) for K ~ Binomial(n, p).
    static func logBinomial(k: Double, n: Double, p: Double) -> Double {
        let choose = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
        let a = k > 0 ? k * Glibc.log(p) : 0
        let b = n - k > 0 ? (n - k) * log1p(-p) : 0
        return choose + a + b
    }

    /// Whether the number of estimated parameters in the log-likelihood includes the dispersion.
    var likelihoodCountsDispersion: Bool { self == .gaussian || self == .gamma }

    /// Checks the response as R's `initialize` does; the message is R's.
    func check(y: Double) -> String? {
        switch self {
        case .binomial, .quasibinomial: return y < 0 || y > 1 ? "y values must be 0 <= y <= 1" : nil
        case .poisson, .quasipoisson: return y < 0 ? "negative values not allowed for the '\(self == .poisson ? "Poisson" : "quasiPoisson")' family" : nil
        case .gamma: return y <= 0 ? "non-positive values not allowed for the 'Gamma' family" : nil
        case .gaussian: return nil
        }
    }
}
