#if canImport(Glibc)
import Glibc
#endif

/// A GLM link: η = g(μ), with R's inverse and derivative, including R's clamps (`make.link`,
/// and the C code of `binomial()`), so fitted values match R's to the last digits.
public enum Link: String, Sendable, CaseIterable {
    case identity, log, logit, probit, cloglog, inverse, sqrt
    case inverseSquare = "1/mu^2"

    static let eps = Double.ulpOfOne

    /// η = g(μ).
    public func eta(_ mu: Double) -> Double {
        switch self {
        case .identity: return mu
        case .log: return Glibc.log(mu)
        case .logit: return Glibc.log(mu / (1 - mu))
        case .probit: return Normal.quantile(mu)
        case .cloglog: return Glibc.log(-Glibc.log(1 - mu))
        case .inverse: return 1 / mu
        case .sqrt: return mu.squareRoot()
        case .inverseSquare: return 1 / (mu * mu)
        }
    }

    /// μ = g⁻¹(η).
    public func mu(_ eta: Double) -> Double {
        switch self {
        case .identity: return eta
        case .log: return max(exp(eta), Self.eps)
        case .logit:
            let t = eta < -30 ? Self.eps : (eta > 30 ? 1 / Self.eps : exp(eta))
            return t / (1 + t)
        case .probit:
            let thresh = -Normal.quantile(Self.eps)
            return Normal.cdf(min(max(eta, -thresh), thresh))
        case .cloglog: return max(min(-expm1(-exp(eta)), 1 - Self.eps), Self.eps)
        case .inverse: return 1 / eta
        case .sqrt: return eta * eta
        case .inverseSquare: return 1 / eta.squareRoot()
        }
    }

    /// dμ/dη.
    public func muEta(_ eta: Double) -> Double {
        switch self {
        case .identity: return 1
        case .log: return max(exp(eta), Self.eps)
        case .logit:
            let e = exp(eta)
            return eta > 30 || eta < -30 ? Self.eps : e / ((1 + e) * (1 + e))
        case .probit: return max(Normal.pdf(eta), Self.eps)
        case .cloglog:
            let e = min(eta, 700)
            return max(exp(e) * exp(-exp(e)), Self.eps)
        case .inverse: return -1 / (eta * eta)
        case .sqrt: return 2 * eta
        case .inverseSquare: return -1 / (2 * pow(eta, 1.5))
        }
    }

    /// Whether η is in the link's domain (R's `valideta`).
    func isValid(eta: Double) -> Bool {
        switch self {
        case .inverse: return eta.isFinite && eta != 0
        case .inverseSquare: return eta.isFinite && eta > 0
        default: return true
        }
    }
}
