#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The F distribution with `df1` and `df2` degrees of freedom.
public struct FDistribution: Sendable {
    public let df1: Double
    public let df2: Double

    public init(df1: Double, df2: Double) {
        self.df1 = df1
        self.df2 = df2
    }

    /// P(F ≤ f).
    public func cdf(_ f: Double) -> Double {
        if f.isNaN || df1 <= 0 || df2 <= 0 { return .nan }
        if f <= 0 { return 0 }
        if f.isInfinite { return 1 }
        let (x, y) = betaArguments(f)
        return SpecialFunctions.incompleteBeta(x: x, y: y, a: df1 / 2, b: df2 / 2).lower
    }

    /// P(F > f), accurate in the far upper tail (the p-value of an F test).
    public func survival(_ f: Double) -> Double {
        if f.isNaN || df1 <= 0 || df2 <= 0 { return .nan }
        if f <= 0 { return 1 }
        if f.isInfinite { return 0 }
        let (x, y) = betaArguments(f)
        return SpecialFunctions.incompleteBeta(x: x, y: y, a: df1 / 2, b: df2 / 2).upper
    }

    /// x = d1 f / (d1 f + d2) and 1 − x, each without cancellation.
    func betaArguments(_ f: Double) -> (Double, Double) {
        let u = df1 * f
        return (u / (u + df2), df2 / (u + df2))
    }

    /// The density.
    func pdf(_ f: Double) -> Double {
        guard f > 0 else { return 0 }
        let a = df1 / 2, b = df2 / 2
        let logd = a * log(df1 / df2) + (a - 1) * log(f) - (a + b) * log1p(df1 * f / df2) - SpecialFunctions.logBeta(a, b)
        return exp(logd)
    }

    /// The quantile function: f with P(F ≤ f) = p, by safeguarded Newton iteration.
    public func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 || df1 <= 0 || df2 <= 0 { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        let upper = p > 0.5
        let target = upper ? 1 - p : p
        func g(_ f: Double) -> Double { upper ? target - survival(f) : cdf(f) - target }
        // Bracket the root, then Newton steps kept inside the bracket.
        var lo = 0.0, hi = 1.0
        while g(hi) < 0 { lo = hi; hi *= 2; if hi > 1e300 { return .infinity } }
        var f = (lo + hi) / 2
        for _ in 0..<200 {
            let v = g(f)
            if v < 0 { lo = f } else { hi = f }
            let d = pdf(f)
            var next = d > 0 ? f - v / d : .nan
            if !(next > lo && next < hi) { next = (lo + hi) / 2 }
            if abs(next - f) <= 1e-15 * abs(next) || hi - lo <= 1e-15 * hi { f = next; break }
            f = next
        }
        return f
    }
}
