import Varex

/// Readable names for what a published page or workbook shows: a column (`asc_net_spend_per_adult_gbp`
/// → "ASC net spend per adult (£)"), a model term (`I(100 * pop_85p/pop_18p)` → "Population 85+
/// per 100 population 18+"), a coefficient (`council_typeLondon Borough` → "Council type: London
/// Borough"). The spec's `labels:` (name or term → label) come first; every other name gets a
/// default read from the name itself, so a reader never meets formula syntax.
public struct Labels: Sendable, Equatable {
    /// The labels given (spec `labels:`, or `--label-for NAME=LABEL`), by column or term as written.
    public var given: [String: String]

    public init(_ given: [String: String] = [:]) { self.given = given }

    /// A column's label: the one given, or one read from its name.
    public func variable(_ name: String) -> String {
        given[name] ?? Self.defaultVariable(name)
    }

    /// A term's label (a column, an expression of columns, an interaction `a:b`).
    public func term(_ term: String) -> String {
        if let g = given[term] ?? given[term.replacingOccurrences(of: " ", with: "")] { return g }
        if term.contains(":") && !term.contains("(") {
            return term.split(separator: ":").map { self.term(String($0)) }.joined(separator: " × ")
        }
        guard let formula = try? Formula("varex_response__ ~ " + term), formula.variables.count == 2 else {
            return variable(term)
        }
        let v = formula.variables[1]
        switch v.source {
        case let .column(c), let .categorical(c): return variable(c)
        case let .expression(e), let .logical(e): return Self.capitalised(expression(e))
        case let .basis(b): return Self.capitalised(expression(b.argument)) + " (\(v.label.prefix { $0 != "(" }) basis)"
        }
    }

    /// A coefficient's label: a factor's level as "Factor: level", any other by its term.
    /// `factors` are the model's categorical columns.
    public func coefficient(_ name: String, factors: [String]) -> String {
        if name == "(Intercept)" { return "Intercept" }
        if let f = factors.filter({ name.hasPrefix($0) && name.count > $0.count }).max(by: { $0.count < $1.count }) {
            return variable(f) + ": " + name.dropFirst(f.count)
        }
        return term(name)
    }

    /// The unit a column's values are in, read from its label or name: "£" (pounds), "%"
    /// (percent) or nil.
    public func unit(of name: String) -> String? {
        let l = variable(name)
        if l.contains("(£") || name.hasSuffix("_gbp") { return "£" }
        if l.hasSuffix("(%)") || name.hasPrefix("pct_") || name.hasSuffix("_pct") { return "%" }
        return nil
    }

    /// An expression in words: `a/b` as "A per B", `k * a/b` as "A per k B", `log(x)` as "log of X".
    func expression(_ e: Expression) -> String {
        func lower(_ s: String) -> String {
            // A label's first word is lower-cased inside a phrase unless it is an acronym.
            guard let first = s.split(separator: " ").first, first.count > 1, first.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "+" }) else {
                return s.prefix(1).lowercased() + s.dropFirst()
            }
            return s
        }
        func text(_ e: Expression, top: Bool = false) -> String {
            switch e {
            case let .column(c): return top ? variable(c) : lower(variable(c))
            case let .number(_, t): return t
            case let .negate(a): return "minus " + text(a)
            case let .parenthesised(a): return text(a, top: top)
            case let .binary(op, a, b):
                switch op {
                case "/":
                    if case let .binary("*", x, y) = a {
                        if case let .number(_, k) = x { return text(y, top: top) + " per " + k + " " + text(b) }
                        if case let .number(_, k) = y { return text(x, top: top) + " per " + k + " " + text(b) }
                    }
                    return text(a, top: top) + " per " + text(b)
                case "*": return text(a, top: top) + " × " + text(b)
                case "^":
                    if case let .number(_, k) = b { return text(a, top: top) + (k == "2" ? " squared" : k == "3" ? " cubed" : " to the power \(k)") }
                    return text(a, top: top) + " to the power " + text(b)
                case "-": return text(a, top: top) + " − " + text(b)
                default: return text(a, top: top) + " \(op) " + text(b)
                }
            case let .call(f, args):
                let inner = args.map { text($0) }.joined(separator: ", ")
                switch f {
                case "I": return args.count == 1 ? text(args[0], top: top) : inner
                case "log": return "log of " + inner
                case "log10": return "log₁₀ of " + inner
                case "log2": return "log₂ of " + inner
                case "log1p": return "log of 1 + " + inner
                case "sqrt": return "square root of " + inner
                case "exp": return "exp of " + inner
                case "abs": return "size of " + inner
                default: return f + " of " + inner
                }
            case let .text(s): return "“\(s)”"
            case let .compare(op, a, b):
                let words = ["<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "equal to", "!=": "not"]
                return text(a, top: top) + " " + (words[op] ?? op) + " " + text(b)
            case let .membership(a, items): return text(a, top: top) + " one of " + items.map { text($0) }.joined(separator: ", ")
            }
        }
        return text(e, top: true)
    }

    static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    /// Words of column names read as a person would say them.
    static let words: [String: String] = [
        "asc": "ASC", "ascof": "ASCOF", "imd": "IMD", "nhs": "NHS", "gdp": "GDP", "ons": "ONS", "id": "ID", "pop": "population",
        "num": "numerator", "den": "denominator", "moe": "margin of error", "se": "standard error", "avg": "average",
        "no": "number", "n": "number", "yr": "year", "k": "(thousands)", "m": "(millions)",
    ]

    /// A column's default label: words split at `_`, acronyms in capitals, `85p` as "85+", an
    /// ASCOF code in capitals, and the unit last: `_gbp` "(£)", `pct` "(%)".
    public static func defaultVariable(_ name: String) -> String {
        var parts = name.split(separator: "_").map(String.init)
        guard !parts.isEmpty else { return name }
        var unit = ""
        if let i = parts.firstIndex(of: "gbp") { parts.remove(at: i); unit = " (£)" }
        if let i = parts.firstIndex(where: { $0 == "pct" || $0 == "percent" }) { parts.remove(at: i); unit = " (%)" }
        if parts.isEmpty { return name }
        var out: [String] = []
        for (k, p) in parts.enumerated() {
            let lower = p.lowercased()
            if k > 0, parts[k - 1].lowercased() == "ascof" { out.append(p.uppercased()); continue }
            if let w = words[lower] { out.append(w); continue }
            if lower.count >= 2, lower.hasSuffix("p"), lower.dropLast().allSatisfy(\.isNumber) { out.append(lower.dropLast() + "+"); continue }
            out.append(p)
        }
        var s = out.joined(separator: " ")
        if unit == " (£)", s.hasSuffix(" (thousands)") { s = String(s.dropLast(12)); unit = " (£ thousands)" }
        return capitalised(s) + unit
    }
}
