/// Number formatting the way R prints constants in deparsed expressions (`deparse`, hence term
/// names): 15 significant digits, fixed notation unless scientific is narrower (`1e+05`,
/// `1e-04`, `0.3`, `123456`, `9.99988867182683e-321`).
enum RNumberFormat {
    static func deparse(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "Inf" : "-Inf") }
        guard v != 0 else { return "0" }
        let (digits, e) = decimal(abs(v))
        let sign = v < 0 ? "-" : ""
        let mantissa = digits.count == 1 ? digits : String(digits.first!) + "." + digits.dropFirst()
        let sci = mantissa + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
        let fixed: String
        if e >= 0 {
            let whole = digits.count > e + 1 ? String(digits.prefix(e + 1)) : digits + String(repeating: "0", count: e + 1 - digits.count)
            let fraction = digits.count > e + 1 ? String(digits.dropFirst(e + 1)) : ""
            fixed = fraction.isEmpty ? whole : whole + "." + fraction
        } else {
            fixed = "0." + String(repeating: "0", count: -e - 1) + digits
        }
        return sign + (fixed.count <= sci.count ? fixed : sci)
    }

    /// The significant digits of a positive finite x at most 15, without trailing zeros, and
    /// its decimal exponent: x ≈ 0.d₁d₂… × 10^(e+1).
    static func decimal(_ x: Double) -> (digits: String, exponent: Int) {
        // Swift's description is the shortest text that reads back as x (up to 17 digits).
        let text = x.description
        let parts = text.split(separator: "e")
        var exponent = parts.count > 1 ? Int(parts[1])! : 0
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(mantissa[0]), fraction = mantissa.count > 1 ? String(mantissa[1]) : ""
        var digits = Array(whole + fraction)
        exponent += whole.count - 1
        while digits.first == "0" { digits.removeFirst(); exponent -= 1 }
        if digits.count > 15 {
            // Round half up at the 15th digit, carrying.
            var kept = digits.prefix(15).map { Int(String($0))! }
            if Int(String(digits[15]))! >= 5 {
                var k = 14
                while k >= 0 {
                    kept[k] += 1
                    if kept[k] < 10 { break }
                    kept[k] = 0
                    k -= 1
                }
                if k < 0 { kept.insert(1, at: 0); kept.removeLast(); exponent += 1 }
            }
            digits = kept.map { Character(String($0)) }
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        return (String(digits), exponent)
    }
}
