import VarexLinearAlgebra

/// Recursive-descent parser of the formula language.
///
/// Right-hand side, loosest first: `+ -`, then `* /`, then `:`, then `^` (crossing power);
/// atoms are names, `0`/`1`, parentheses and calls. Inside calls the arithmetic grammar applies:
/// `+ -`, then `* /`, then unary minus, then `^` (right-associative, binding tighter than unary
/// minus as in R: `-2^2` is −4).
struct FormulaParser {
    let text: String
    let tokens: [Token]
    var index = 0
    var variables: [ModelVariable] = []

    static let numericFunctions: Set<String> = ["log", "log10", "log2", "log1p", "sqrt", "exp", "abs"]

    init(_ text: String) throws {
        self.text = text
        self.tokens = try Lexer.tokens(text)
    }

    var current: Token { tokens[index] }

    func fail(_ message: String, at token: Token? = nil) -> FormulaError {
        let t = token ?? current
        return .syntax(formula: text, position: t.position, message: message)
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case let .identifier(n): return "'\(n)'"
        case let .number(n): return "'\(n)'"
        case let .symbol(c): return "'\(c)'"
        case .end: return "the end of the formula"
        }
    }

    mutating func accept(_ c: Character) -> Bool {
        if case .symbol(c) = current.kind { index += 1; return true }
        return false
    }

    mutating func expect(_ c: Character) throws {
        guard accept(c) else { throw fail("expected '\(c)' but found \(describe(current))") }
    }

    mutating func register(_ v: ModelVariable) -> Int {
        if let i = variables.firstIndex(where: { $0.label == v.label }) { return i }
        variables.append(v)
        return variables.count - 1
    }

    mutating func parseFormula() throws -> (response: Int?, variables: [ModelVariable], rhs: TermSet) {
        var response: Int? = nil
        if current.kind != .symbol("~") {
            guard current.kind != .end else { throw fail("the formula is empty; write it as 'y ~ x1 + x2'") }
            let e = try parseArithmetic()
            if case let .column(name) = e {
                response = register(ModelVariable(label: name, source: .column(name)))
            } else {
                response = register(ModelVariable(label: e.label, source: .expression(e)))
            }
            guard case .symbol("~") = current.kind else {
                throw fail("expected '~' after the response but found \(describe(current))")
            }
        }
        try expect("~")
        guard current.kind != .end else { throw fail("nothing after '~'; name at least one term, or 1 for the mean") }
        let rhs = try parseSum()
        guard current.kind == .end else { throw fail("unexpected \(describe(current))") }
        return (response, variables, rhs)
    }

    // MARK: right-hand side

    mutating func parseSum() throws -> TermSet {
        var result: TermSet
        if accept("-") { result = TermSet() - (try parseProduct()) }
        else { _ = accept("+"); result = try parseProduct() }
        while true {
            if accept("+") { result = result + (try parseProduct()) }
            else if accept("-") { result = result - (try parseProduct()) }
            else { return result }
        }
    }

    mutating func parseProduct() throws -> TermSet {
        var result = try parseInteraction()
        while true {
            if accept("*") { result = TermSet.cross(result, try parseInteraction()) }
            else if accept("/") { result = TermSet.nest(result, try parseInteraction()) }
            else { return result }
        }
    }

    mutating func parseInteraction() throws -> TermSet {
        var result = try parsePower()
        while accept(":") { result = TermSet.interaction(result, try parsePower()) }
        return result
    }

    mutating func parsePower() throws -> TermSet {
        let base = try parseTermAtom()
        guard accept("^") else { return base }
        let t = current
        guard case let .number(n) = t.kind, let k = Int(n), k >= 1 else {
            throw fail("'^' in a formula takes a whole number (crossing power); for arithmetic write I(x^2)", at: t)
        }
        index += 1
        var result = base
        for _ in 1..<k { result = TermSet.cross(result, base) }
        return result
    }

    mutating func parseTermAtom() throws -> TermSet {
        let t = current
        switch t.kind {
        case .symbol("("):
            index += 1
            let inner = try parseSum()
            try expect(")")
            return inner
        case let .number(n):
            index += 1
            if n == "0" { return TermSet(terms: [], intercept: false) }
            if n == "1" { return TermSet(terms: [], intercept: true) }
            throw fail("a number in a formula term must be 0 or 1; for arithmetic write I(...)", at: t)
        case let .identifier(name):
            index += 1
            if accept("(") { return TermSet.variable(try parseCall(name, at: t)) }
            return TermSet.variable(register(ModelVariable(label: name, source: .column(name))))
        default:
            throw fail("expected a term but found \(describe(t))", at: t)
        }
    }

    /// A call at term level: `I(...)`, `C(x)`, `factor(x)`, or a numeric function.
    mutating func parseCall(_ name: String, at t: Token) throws -> Int {
        switch name {
        case "C", "factor", "as.factor":
            let arg = current
            guard case let .identifier(col) = arg.kind else { throw fail("\(name)() takes a column name", at: arg) }
            index += 1
            if accept(",") { throw fail("\(name)() takes one column; use --reference to choose the reference level") }
            try expect(")")
            return register(ModelVariable(label: "\(name)(\(col))", source: .categorical(col)))
        case "I":
            let e = try parseArithmetic()
            try expect(")")
            return register(ModelVariable(label: "I(\(e.label))", source: .expression(.call("I", [e]))))
        default:
            let e = try finishCall(name, at: t)
            return register(ModelVariable(label: e.label, source: .expression(e)))
        }
    }

    mutating func finishCall(_ name: String, at t: Token) throws -> Expression {
        guard Self.numericFunctions.contains(name) || name == "I" else {
            throw FormulaError.unknownFunction(formula: text, position: t.position, name: name)
        }
        var args = [try parseArithmetic()]
        while accept(",") { args.append(try parseArithmetic()) }
        try expect(")")
        let maxArgs = name == "log" ? 2 : 1
        guard args.count <= maxArgs else { throw fail("\(name)() takes \(maxArgs) argument\(maxArgs == 1 ? "" : "s")", at: t) }
        return .call(name, args)
    }

    // MARK: arithmetic (inside calls)

    mutating func parseArithmetic() throws -> Expression {
        var e = try parseArithmeticTerm()
        while true {
            if accept("+") { e = .binary("+", e, try parseArithmeticTerm()) }
            else if accept("-") { e = .binary("-", e, try parseArithmeticTerm()) }
            else { return e }
        }
    }

    mutating func parseArithmeticTerm() throws -> Expression {
        var e = try parseUnary()
        while true {
            if accept("*") { e = .binary("*", e, try parseUnary()) }
            else if accept("/") { e = .binary("/", e, try parseUnary()) }
            else { return e }
        }
    }

    mutating func parseUnary() throws -> Expression {
        if accept("-") { return .negate(try parseUnary()) }
        if accept("+") { return try parseUnary() }
        return try parseExponent()
    }

    mutating func parseExponent() throws -> Expression {
        let base = try parseArithmeticAtom()
        if accept("^") { return .binary("^", base, try parseUnary()) }
        return base
    }

    mutating func parseArithmeticAtom() throws -> Expression {
        let t = current
        switch t.kind {
        case .symbol("("):
            index += 1
            let inner = try parseArithmetic()
            try expect(")")
            return .parenthesised(inner)
        case let .number(n):
            index += 1
            return .number(NumberParsing.parse(n)!, text: n)
        case let .identifier(name):
            index += 1
            if accept("(") { return try finishCall(name, at: t) }
            return .column(name)
        default:
            throw fail("expected a number, a column or '(' but found \(describe(t))", at: t)
        }
    }
}
