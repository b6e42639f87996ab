#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The χ² distribution with `df` degrees of freedom (the reference of likelihood-ratio and
/// deviance tests).
public struct ChiSquared: Sendable {
    public let df: Double

    public init(df: Double) { self.df = df }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        if x.isNaN || df <= 0 { return .nan }
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        return SpecialFunctions.incompleteGamma(a: df / 2, x: x / 2).lower
    }

    /// P(X > x), accurate in the far upper tail (the p-value of a χ² test).
    public func survival(_ x: Double) -> Double {
        if x.isNaN || df <= 0 { return .nan }
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        return SpecialFunctions.incompleteGamma(a: df / 2, x: x / 2).upper
    }
}

extension SpecialFunctions {
    /// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), each
    /// computed directly where it is the smaller (no cancellation): the series of P for
    /// x < a + 1, the continued fraction of Q (modified Lentz) otherwise.
    static func incompleteGamma(a: Double, x: Double) -> (lower: Double, upper: Double) {
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            let p = sum * exp(logPrefix)
            return (p, 1 - p)
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        let q = exp(logPrefix) * h
        return (1 - q, q)
    }
}
