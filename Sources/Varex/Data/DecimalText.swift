import VarexLinearAlgebra

/// Decimal numbers straight from a cell's bytes, and the cell's text back from its value.
///
/// The columnar reader keeps a numeric column as values, not texts. A cell whose text is the
/// *canonical* spelling of its value (``canonicalText(_:)``: `-0.25`, `12`, `1.449474094874856`,
/// at most 17 significant digits, no exponent, no `+`, no leading or trailing zeros) is rebuilt
/// from the value when it is needed (a label, an echoed column, a message); any other text
/// (`1.50`, `.5`, `1e-05`, `NA`) is kept as it was.
enum DecimalText {
    /// Powers of ten 10⁰…10²⁷, each exact in the 64-bit significand of `Extended` (5²⁷ < 2⁶⁴),
    /// so that one multiplication or division by them rounds once, as `strtold` does.
    static let powers: [Extended] = {
        var p: [Extended] = [1]
        for _ in 1...27 { p.append(p.last! * 10) }
        return p
    }()

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` with at most 19 significant digits and a net
    /// power of ten within ±27: the correctly rounded value (the same as `Extended(text)`) and
    /// whether the text is canonical. Nil for anything else, which the caller hands to
    /// ``NumberParsing/parse(_:)``.
    @inline(__always)
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> (value: Extended, canonical: Bool)? {
        let n = b.count
        var i = 0
        var negative = false
        var canonical = true
        if i < n, b[i] == 0x2D || b[i] == 0x2B { negative = b[i] == 0x2D; canonical = b[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var digits = 0
        var scale = 0
        let intStart = i
        // Reads a run of digits into the mantissa (leading zeros are not significant); false when
        // it would pass 19 significant digits.
        @inline(__always) func digitRun() -> Bool {
            while i < n, b[i] &- 0x30 < 10 {
                let d = UInt64(b[i] &- 0x30)
                if significant > 0 || d != 0 {
                    guard significant < 19 else { return false }
                    mantissa = mantissa &* 10 &+ d
                    significant += 1
                }
                digits += 1
                i += 1
            }
            return true
        }
        guard digitRun() else { return nil }
        let intDigits = i - intStart
        // A leading zero is canonical only as the whole integer part ("0" or "0.x").
        if intDigits == 0 || (intDigits > 1 && b[intStart] == 0x30) { canonical = false }
        if i < n, b[i] == 0x2E {
            i += 1
            let fracStart = i
            guard digitRun() else { return nil }
            scale -= i - fracStart
            if i == fracStart || b[i - 1] == 0x30 { canonical = false }
        }
        guard digits > 0 else { return nil }
        if i < n, b[i] == 0x65 || b[i] == 0x45 {
            canonical = false
            i += 1
            var expNegative = false
            if i < n, b[i] == 0x2D || b[i] == 0x2B { expNegative = b[i] == 0x2D; i += 1 }
            let expStart = i
            var e = 0
            while i < n, b[i] &- 0x30 < 10 {
                guard e < 10_000 else { return nil }
                e = e * 10 + Int(b[i] &- 0x30)
                i += 1
            }
            guard i > expStart else { return nil }
            scale += expNegative ? -e : e
        }
        guard i == n else { return nil }
        if significant > 17 { canonical = false }
        var value = Extended(mantissa)
        if mantissa != 0 {
            guard scale >= -27, scale <= 27 else { return nil }
            value = scale < 0 ? value / powers[-scale] : value * powers[scale]
        }
        return (negative ? -value : value, canonical)
    }

    /// The canonical spelling of `value`: its shortest round-trip digits, positional, with no
    /// trailing `.0`. For a canonical cell text this is the text itself.
    static func canonicalText(_ value: Extended) -> String {
        // A whole number (not zero, whose sign the long way keeps) is its integer's digits: the
        // common case of an id column, a million of which the long way takes seconds to print.
        if value != 0, value.rounded(.towardZero) == value, abs(value) < 1e15 { return String(Int64(value)) }
        let d = value.description
        var sign = ""
        var body = Substring(d)
        if body.first == "-" { sign = "-"; body = body.dropFirst() }
        var exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(body[body.index(after: e)...]) ?? 0
            body = body[..<e]
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        // All digits with the decimal point after `point` of them.
        var allDigits = whole + fraction
        var point = whole.count + exponent
        // Strip leading zeros (keeping the point in place) and trailing zeros.
        while allDigits.count > 1, allDigits.first == "0" { allDigits.removeFirst(); point -= 1 }
        while allDigits.count > 1, allDigits.last == "0", point < allDigits.count { allDigits.removeLast() }
        if allDigits == "0" { return sign + "0" }
        let text: String
        if point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + allDigits
        } else if point >= allDigits.count {
            text = allDigits + String(repeating: "0", count: point - allDigits.count)
        } else {
            let k = allDigits.index(allDigits.startIndex, offsetBy: point)
            text = allDigits[..<k] + "." + allDigits[k...]
        }
        return sign + text
    }
}
