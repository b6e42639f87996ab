/// Number formatting the way R prints constants in deparsed expressions: up to 15 significant
/// digits, fixed notation unless scientific is shorter (`1e+05`, `0.001`, `2`).
enum RNumberFormat {
    static func deparse(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 {
            let fixed = String(Int64(v))
            let sci = scientific(v)
            return fixed.count <= sci.count ? fixed : sci
        }
        let fixed = "\(v)"
        if !fixed.contains("e") { return fixed }
        return scientific(v)
    }

    /// R's scientific form: mantissa with the fewest digits, exponent with sign and two digits.
    static func scientific(_ v: Double) -> String {
        guard v != 0 else { return "0" }
        let e = Int((log10Floor(abs(v))))
        var mantissa = v / pow10(e)
        if abs(mantissa) >= 10 { mantissa /= 10 }
        let ee = abs(mantissa) < 1 ? e - 1 : e
        let m = v / pow10(ee)
        var ms = "\(Double(String(format15(m))) ?? m)"
        if ms.hasSuffix(".0") { ms.removeLast(2) }
        let sign = ee < 0 ? "-" : "+"
        let digits = abs(ee) < 10 ? "0\(abs(ee))" : "\(abs(ee))"
        return "\(ms)e\(sign)\(digits)"
    }

    private static func log10Floor(_ x: Double) -> Double {
        var e = 0.0
        var y = x
        while y >= 10 { y /= 10; e += 1 }
        while y < 1 { y *= 10; e -= 1 }
        return e
    }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }

    /// Rounds to 15 significant digits.
    private static func format15(_ m: Double) -> Double {
        let scale = 1e14
        return (m * scale).rounded() / scale
    }
}
