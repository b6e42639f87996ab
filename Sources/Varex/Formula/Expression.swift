import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// An arithmetic expression over columns: the argument of `log()`, `I()` and the like.
public indirect enum Expression: Sendable, Equatable {
    case column(String)
    case number(Extended, text: String)
    case negate(Expression)
    case binary(Character, Expression, Expression)
    case call(String, [Expression])
    case parenthesised(Expression)
    /// Quoted text, compared with a column's cells.
    case text(String)
    /// `a < b`, `a == "x"`, …: TRUE or FALSE (a logical variable, coded as R codes one).
    case compare(String, Expression, Expression)
    /// `a %in% c(…)`: whether a's cell is one of the listed values.
    case membership(Expression, [Expression])

    /// Whether the expression is arithmetic of columns and numbers with `+ - * /` only (inside
    /// `I()` or parentheses): a quantity in the response's own units, such as spend × 1000 /
    /// adults, not a transform such as `log()`, `sqrt()` or a power.
    public var isRatioArithmetic: Bool {
        switch self {
        case .column, .number: return true
        case let .negate(a), let .parenthesised(a): return a.isRatioArithmetic
        case let .binary(op, a, b): return "+-*/".contains(op) && a.isRatioArithmetic && b.isRatioArithmetic
        case let .call("I", args): return args.allSatisfy(\.isRatioArithmetic)
        default: return false
        }
    }

    /// The names of the columns the expression reads, in order of first use.
    public var columns: [String] {
        var out: [String] = []
        func walk(_ e: Expression) {
            switch e {
            case let .column(n): if !out.contains(n) { out.append(n) }
            case .number: break
            case let .negate(a), let .parenthesised(a): walk(a)
            case let .binary(_, a, b): walk(a); walk(b)
            case let .call(_, args): args.forEach(walk)
            case .text: break
            case let .compare(_, a, b): walk(a); walk(b)
            case let .membership(a, items): walk(a); items.forEach(walk)
            }
        }
        walk(self)
        return out
    }

    /// The expression printed as R's `deparse` prints it (spaces around `+`, `-` and `*`, none
    /// around `/` and `^`), so term names match R's.
    public var label: String {
        switch self {
        case let .column(n): return RName.deparse(n)
        case let .number(v, _): return RNumberFormat.deparse(Double(v))
        case let .negate(a): return "-" + a.label
        case let .parenthesised(a): return "(" + a.label + ")"
        case let .binary(op, a, b):
            switch op {
            case "/", "^": return a.label + String(op) + b.label
            default: return a.label + " " + String(op) + " " + b.label
            }
        case let .call(f, args): return f + "(" + args.map(\.label).joined(separator: ", ") + ")"
        case let .text(s):
            // R's deparse: double quotes, with backslashes and quotes escaped.
            var out = "\""
            for c in s { if c == "\\" || c == "\"" { out.append("\\") }; out.append(c) }
            return out + "\""
        case let .compare(op, a, b): return a.label + " " + op + " " + b.label
        case let .membership(a, items): return a.label + " %in% c(" + items.map(\.label).joined(separator: ", ") + ")"
        }
    }

    /// Whether the expression is a comparison (a logical variable).
    public var isLogical: Bool {
        switch self {
        case .compare, .membership: return true
        case let .parenthesised(a): return a.isLogical
        default: return false
        }
    }

    /// A logical expression's value: TRUE, FALSE, or nil where an input is missing. `cell`
    /// gives a column's text, `value` its number (NaN when not a number).
    func truth(cell: (String) -> String, value: (String) -> Extended) -> Bool? {
        func text(_ e: Expression) -> String? {
            switch e {
            case let .text(s): return s
            case let .column(c): return cell(c)
            default: return nil
            }
        }
        switch self {
        case let .parenthesised(a): return a.truth(cell: cell, value: value)
        case let .compare(op, a, b):
            if case .text = a { return compareText(op, text(a), text(b)) }
            if case .text = b { return compareText(op, text(a), text(b)) }
            let x = a.evaluate(value), y = b.evaluate(value)
            if x.isNaN || y.isNaN { return nil }
            switch op {
            case "<": return x < y
            case "<=": return x <= y
            case ">": return x > y
            case ">=": return x >= y
            case "==": return x == y
            default: return x != y
            }
        case let .membership(a, items):
            if items.contains(where: { if case .text = $0 { return true } else { return false } }) {
                guard let t = text(a) else { return nil }
                return items.contains { text($0) == t }
            }
            let x = a.evaluate(value)
            if x.isNaN { return nil }
            return items.contains { $0.evaluate(value) == x }
        default:
            return nil
        }
    }

    private func compareText(_ op: String, _ a: String?, _ b: String?) -> Bool? {
        guard let a, let b else { return nil }
        switch op {
        case "==": return a == b
        case "!=": return a != b
        case "<": return a < b
        case "<=": return a <= b
        case ">": return a > b
        default: return a >= b
        }
    }

    /// Evaluates the expression in extended precision; `value` gives each column's value.
    func evaluate(_ value: (String) -> Extended) -> Extended {
        switch self {
        case .text, .compare, .membership: return .nan
        case let .column(n): return value(n)
        case let .number(v, _): return v
        case let .negate(a): return -a.evaluate(value)
        case let .parenthesised(a): return a.evaluate(value)
        case let .binary(op, a, b):
            let x = a.evaluate(value), y = b.evaluate(value)
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            case "/": return x / y
            default: return Self.power(x, y)
            }
        case let .call(f, args):
            let x = args[0].evaluate(value)
            switch f {
            case "log":
                if args.count == 2 { return Self.ln(x) / Self.ln(args[1].evaluate(value)) }
                return Self.ln(x)
            case "log10": return Self.ln(x) / Self.ln(10)
            case "log2": return Self.ln(x) / Self.ln(2)
            case "log1p": return Self.ln1p(x)
            case "sqrt": return x < 0 ? .nan : x.squareRoot()
            case "exp": return Self.exponential(x)
            case "abs": return abs(x)
            case "pmin", "pmax":
                let y = args[1].evaluate(value)
                if x.isNaN || y.isNaN { return .nan }
                return f == "pmin" ? Swift.min(x, y) : Swift.max(x, y)
            default: return x // I(): identity
            }
        }
    }

    /// x^y; integer powers by repeated multiplication (exact as far as extended precision goes).
    static func power(_ x: Extended, _ y: Extended) -> Extended {
        if y == y.rounded(), abs(y) <= 64 {
            var result: Extended = 1
            var k = Int(abs(y))
            var base = x
            while k > 0 { if k & 1 == 1 { result *= base }; base *= base; k >>= 1 }
            return y < 0 ? 1 / result : result
        }
        #if arch(x86_64) || arch(i386)
        return powl(x, y)
        #else
        return pow(x, y)
        #endif
    }

    static func ln(_ x: Extended) -> Extended {
        #if arch(x86_64) || arch(i386)
        return logl(x)
        #else
        return log(x)
        #endif
    }

    static func ln1p(_ x: Extended) -> Extended {
        #if arch(x86_64) || arch(i386)
        return log1pl(x)
        #else
        return log1p(x)
        #endif
    }

    static func exponential(_ x: Extended) -> Extended {
        #if arch(x86_64) || arch(i386)
        return expl(x)
        #else
        return exp(x)
        #endif
    }
}
