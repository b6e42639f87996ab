#if canImport(Glibc)
import Glibc
#endif

/// Each observation's observed − expected under a GLM, the comparison of indirect
/// standardisation: the difference y − μ̂ on the response scale (a proportion for a binomial
/// count pair), its standard error √(φ V(μ̂)(1 − h) / w) (the variance of the response residual,
/// leverage taken into account), its z (R's `rstandard(fit, type = "pearson")`) and a `level`
/// interval (normal quantiles where the dispersion is fixed, t on the residual df otherwise).
public struct ObservedExpected: Sendable {
    public let difference: [Double]
    public let standardError: [Double]
    public let z: [Double]
    public let low: [Double]
    public let high: [Double]

    public init(fit: GeneralizedLinearFit, level: Double = 0.95) {
        let phi = fit.dispersion
        let tail = 1 - (1 - level) / 2
        let q = fit.family.usesZ ? Normal.quantile(tail) : StudentT(df: Double(fit.dfResidual)).quantile(tail)
        var d: [Double] = [], se: [Double] = [], z: [Double] = []
        for i in 0..<fit.n {
            let diff = fit.y[i] - fit.mu[i]
            let s = (phi * fit.family.variance(fit.mu[i]) * (1 - fit.leverage[i]) / fit.priorWeights[i]).squareRoot()
            d.append(diff)
            se.append(s.isFinite && s > 0 ? s : .nan)
            z.append(s.isFinite && s > 0 ? diff / s : .nan)
        }
        difference = d
        standardError = se
        self.z = z
        low = zip(d, se).map { $0 - q * $1 }
        high = zip(d, se).map { $0 + q * $1 }
    }
}
