#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions the distributions need: log-gamma and log-beta, and the regularised
/// incomplete beta function, accurate to about 1e-14 relative in both tails.
enum SpecialFunctions {
    /// log Γ(x) for x > 0 (the C library's, accurate to a few ulps).
    static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// Stirling's error term δ(x) = log Γ(x) − ((x − ½) log x − x + ½ log 2π), for x ≥ 10,
    /// by its asymptotic series (the device R's `lbeta` uses to avoid cancellation).
    static func stirlingError(_ x: Double) -> Double {
        let x2 = 1 / (x * x)
        // Coefficients of the Stirling series: 1/12, -1/360, 1/1260, -1/1680, 1/1188, -691/360360.
        return (1.0 / 12 + x2 * (-1.0 / 360 + x2 * (1.0 / 1260 + x2 * (-1.0 / 1680 + x2 * (1.0 / 1188 + x2 * (-691.0 / 360360)))))) / x
    }

    /// log B(a, b), with the large-argument form used when both are at least 10.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let p = min(a, b), q = max(a, b)
        let halfLog2Pi = 0.918938533204672741780329736406
        if p >= 10 {
            let corr = stirlingError(p) + stirlingError(q) - stirlingError(p + q)
            return -0.5 * log(q) + halfLog2Pi + corr + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let corr = stirlingError(q) - stirlingError(p + q)
            return logGamma(p) + corr + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return logGamma(p) + logGamma(q) - logGamma(p + q)
    }

    /// The regularised incomplete beta function I_x(a, b) and its complement 1 − I_x(a, b).
    /// `y` must equal 1 − x; passing it separately avoids cancellation when x is near 1.
    static func incompleteBeta(x: Double, y: Double, a: Double, b: Double) -> (lower: Double, upper: Double) {
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); else use symmetry.
        if x > (a + 1) / (a + b + 2) {
            let r = incompleteBeta(x: y, y: x, a: b, b: a)
            return (r.upper, r.lower)
        }
        let logFront = a * log(x) + b * log(y) - logBeta(a, b)
        let value = exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
        return (value, 1 - value)
    }

    /// Lentz's evaluation of the continued fraction for I_x(a, b).
    static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let mm = Double(m)
            let m2 = 2 * mm
            var aa = mm * (b - mm) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + mm) * (a + b + mm) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
