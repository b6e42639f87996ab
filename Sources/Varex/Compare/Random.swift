#if canImport(Glibc)
import Glibc
#endif

/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Each bootstrap replicate or
/// random draw gets its own generator from (seed, stream), so results do not depend on how the
/// work is spread over threads.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The generator for `stream` (e.g. a replicate's number) under `seed`.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform integer in 0..<bound (Lemire's unbiased method).
    public mutating func index(below bound: Int) -> Int {
        Int(next(upperBound: UInt64(bound)))
    }

    /// A uniform double in (0, 1).
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal draw (Box–Muller; one of the pair is discarded for simplicity).
    public mutating func normal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }

    /// A Gamma(shape, 1) draw (Marsaglia and Tsang; boosted for shape < 1).
    public mutating func gamma(shape: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A Binomial(n, p) draw, exactly (Knuth, TAOCP 3.4.1, via the beta distribution of an
    /// order statistic: O(log n) gamma draws, then a Bernoulli count below 40 trials).
    public mutating func binomial(_ n: Int, _ p: Double) -> Int {
        var (n, p, base) = (n, min(max(p, 0), 1), 0)
        while n >= 40 {
            if p == 0 { return base }
            if p == 1 { return base + n }
            let a = 1 + n / 2, b = n + 1 - a
            let ga = gamma(shape: Double(a)), x = ga / (ga + gamma(shape: Double(b)))
            if x >= p {
                n = a - 1; p /= x
            } else {
                base += a; n = b - 1; p = (p - x) / (1 - x)
            }
        }
        for _ in 0..<n where uniform() < p { base += 1 }
        return base
    }

    /// A Poisson(λ) draw, exactly (Knuth, TAOCP 3.4.1: a gamma draw splits a large λ; below 30,
    /// the product of uniforms).
    public mutating func poisson(_ lambda: Double) -> Int {
        var (lambda, base) = (max(lambda, 0), 0)
        while lambda >= 30 {
            let m = Int(0.875 * lambda)
            let x = gamma(shape: Double(m))
            if x >= lambda { return base + binomial(m - 1, lambda / x) }
            base += m; lambda -= x
        }
        let limit = exp(-lambda)
        var k = 0, product = uniform()
        while product > limit { k += 1; product *= uniform() }
        return base + k
    }

    /// A Dirichlet(α) draw.
    public mutating func dirichlet(_ alpha: [Double]) -> [Double] {
        let g = alpha.map { gamma(shape: $0) }
        let s = g.reduce(0, +)
        return g.map { $0 / s }
    }
}
