#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Student's t distribution with `df` degrees of freedom (df > 0, not necessarily whole).
public struct StudentT: Sendable {
    public let df: Double

    public init(df: Double) { self.df = df }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        if df.isInfinite { return Normal.cdf(t) }
        let tail = tailProbability(abs(t))
        return t < 0 ? tail : 1 - tail
    }

    /// P(T > t), accurate in the far upper tail.
    public func survival(_ t: Double) -> Double { cdf(-t) }

    /// P(T > |t|) for t ≥ 0: ½ I_{df/(df+t²)}(df/2, ½).
    func tailProbability(_ t: Double) -> Double {
        let t2 = t * t
        let x = df / (df + t2), y = t2 / (df + t2)
        return 0.5 * SpecialFunctions.incompleteBeta(x: x, y: y, a: df / 2, b: 0.5).lower
    }

    /// Two-sided p-value P(|T| ≥ |t|).
    public func twoSidedPValue(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        return min(1, 2 * tailProbability(abs(t)))
    }

    /// The density.
    public func pdf(_ t: Double) -> Double {
        let logd = -SpecialFunctions.logBeta(0.5, df / 2) - 0.5 * log(df) - (df + 1) / 2 * log1p(t * t / df)
        return exp(logd)
    }

    /// The quantile function: t with P(T ≤ t) = p, by Newton's method on the tail probability
    /// from a Cornish–Fisher start.
    public func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 || df <= 0 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if df.isInfinite { return Normal.quantile(p) }
        let tail = p < 0.5 ? p : 1 - p // target upper-tail probability of |t|
        // Start: Cornish–Fisher expansion of the normal quantile.
        let z = -Normal.quantile(tail)
        let z2 = z * z
        var t = z + (z2 + 1) * z / (4 * df) + ((5 * z2 + 16) * z2 + 3) * z / (96 * df * df)
        if df < 3 { // heavier tails: closed forms
            if df == 1 { t = tan(Double.pi * (0.5 - tail)) }
            else if df == 2 { t = (1 - 2 * tail) / (2 * tail * (1 - tail)).squareRoot() }
        }
        var lo = 0.0, hi = Double.infinity
        for _ in 0..<100 {
            let f = tailProbability(t) - tail
            if f > 0 { lo = max(lo, t) } else { hi = min(hi, t) }
            let step = f / pdf(t)
            var next = t + step
            if !(next > lo && next < hi) { next = hi.isFinite ? (lo + hi) / 2 : max(2 * t, t + 1) }
            if abs(next - t) <= 1e-15 * abs(next) { t = next; break }
            t = next
        }
        return p < 0.5 ? -t : t
    }
}
