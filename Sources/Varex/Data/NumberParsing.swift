import VarexLinearAlgebra

/// Parsing of numeric cells in extended precision.
///
/// Accepts decimal and scientific notation (`12`, `-3.5`, `.5`, `1e-3`, `+2.0E+04`) and the
/// infinities `Inf`, `-Inf`, `Infinity` (which a model then rejects with a message). Anything else
/// (hexadecimal, thousands separators, units) is not a number.
public enum NumberParsing {
    public static func parse(_ text: String) -> Extended? {
        let lower = text.lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        var sawDigit = false, sawExponent = false, sawPoint = false
        var previous: UInt8 = 0
        for (k, c) in text.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard k == 0 || previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else { return nil }
            case UInt8(ascii: "."):
                guard !sawPoint, !sawExponent else { return nil }
                sawPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard sawDigit, !sawExponent else { return nil }
                sawExponent = true
            default: return nil
            }
            previous = c
        }
        guard sawDigit else { return nil }
        return Extended(text)
    }
}
