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
        }
    }

    /// Evaluates the expression in extended precision; `value` gives each column's value.
    func evaluate(_ value: (String) -> Extended) -> Extended {
        switch self {
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
