#if canImport(Glibc)
import Glibc
#endif
/// Number formatting for writers, without Foundation's `String(format:)`.
public enum NumberFormat {
    /// Shortest text that parses back to exactly the same double (Swift's description), as
    /// written to CSV and JSON. Whole numbers lose the trailing ".0".
    public static func roundTrip(_ x: Double) -> String {
        var bytes: [UInt8] = []
        appendRoundTrip(x, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// About `digits` significant digits, fixed or scientific like C's `%g`; trailing zeros are
    /// dropped unless `trim` is false.
    public static func significant(_ x: Double, _ digits: Int = 4, trim: Bool = true) -> String {
        let trimZeros: (String) -> String = trim ? Self.trimZeros : { $0 }
        guard x.isFinite else { return nonFinite(x) }
        if x == 0 { return "0" }
        var e = Int((abs(x)).exponentBase10)
        // The digits as a whole number; rounding may carry into the next decade (9.9996 → 10.00),
        // which the count of digits shows exactly.
        var digitsValue = timesPowerOfTen(abs(x), digits - 1 - e).rounded()
        if digitsValue >= pow10(digits) {
            e += 1
            digitsValue = timesPowerOfTen(abs(x), digits - 1 - e).rounded()
        }
        let rounded = timesPowerOfTen(x < 0 ? -digitsValue : digitsValue, e + 1 - digits)
        if e < -4 || e >= digits + 2 {
            let m = (x < 0 ? -digitsValue : digitsValue) / pow10(digits - 1)
            var ms = fixed(m, decimals: digits - 1)
            ms = trimZeros(ms)
            return ms + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
        }
        return trimZeros(fixed(rounded, decimals: max(0, digits - 1 - e)))
    }

    /// Fixed notation with exactly `decimals` decimals.
    public static func fixed(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return nonFinite(x) }
        let scale = pow10(decimals)
        let v = (abs(x) * scale).rounded()
        if v >= 9e15 { return roundTrip(x) }
        var digitsText = String(UInt64(v))
        if decimals > 0 {
            if digitsText.count <= decimals { digitsText = String(repeating: "0", count: decimals - digitsText.count + 1) + digitsText }
            digitsText.insert(".", at: digitsText.index(digitsText.endIndex, offsetBy: -decimals))
        }
        return (x < 0 && v != 0 ? "-" : "") + digitsText
    }

    /// A p-value as R's `format.pval` shows it: `<2e-16` below machine precision.
    public static func pValue(_ p: Double) -> String {
        guard p.isFinite else { return nonFinite(p) }
        if p < 2.220446e-16 { return "<2e-16" }
        return significant(p, 3)
    }

    /// NaN, Inf and -Inf as R prints them (a value that is not available is written `NA` by
    /// the caller, which knows the difference).
    static func nonFinite(_ x: Double) -> String { x.isNaN ? "NaN" : (x > 0 ? "Inf" : "-Inf") }

    /// v × 10^k, in two steps where 10^k alone would overflow or underflow (subnormal values).
    static func timesPowerOfTen(_ v: Double, _ k: Int) -> Double {
        if k > 300 { return v * pow10(300) * pow10(k - 300) }
        if k < -300 { return v * pow10(-300) * pow10(k + 300) }
        return v * pow10(k)
    }

    static func trimZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// 10^e correctly rounded (a product of tens is not, beyond 1e22).
    static func pow10(_ e: Int) -> Double {
        if e >= -340 && e <= 308 { return powersOfTen[e + 340] }
        return e < 0 ? 0 : .infinity
    }

    static let powersOfTen: [Double] = (-340...308).map { Double("1e\($0)")! }
}

extension Double {
    /// ⌊log₁₀ |x|⌋ for finite non-zero x. Decided by comparing |x| with the powers of ten
    /// themselves, not by dividing by 10 again and again: 1e21 / 10 twenty-one times rounds to
    /// 9.99…, which printed 1e21 as "10e+20".
    var exponentBase10: Double {
        let y = abs(self)
        guard y > 0, y.isFinite else { return 0 }
        var e = Int(log10(y).rounded(.down))
        if y < NumberFormat.pow10(e) { e -= 1 }
        if y >= NumberFormat.pow10(e + 1) { e += 1 }
        return Double(e)
    }
}
