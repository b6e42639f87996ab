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
    /// Variables that are offsets (`offset(...)` on the right-hand side): in the linear
    /// predictor with coefficient 1, not terms.
    var offsets: [Int] = []
    /// What `.` stands for (the data's columns), when known.
    var dotColumns: [String]? = nil
    /// Whether the formula had a `.`.
    var usedDot = false
    /// How deep the parse is in parentheses, calls and unary signs.
    var depth = 0

    /// The deepest nesting of parentheses, calls and unary signs the parser accepts: far beyond
    /// any real formula, and well within the stack.
    static let maximumDepth = 100
    /// The deepest expression tree (a chain such as `a + b + c + …` is as deep as it is long).
    static let maximumTreeDepth = 1000

    static let numericFunctions: Set<String> = ["log", "log10", "log2", "log1p", "sqrt", "exp", "abs", "pmin", "pmax"]

    init(_ text: String) throws {
        self.text = text
        self.tokens = try Lexer.tokens(text)
        if let bar = tokens.first(where: { $0.kind == .symbol("|") }) {
            throw FormulaError.randomTermOutsideMixedModel(formula: text, position: bar.position)
        }
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
        case let .comparison(op): return "'\(op)'"
        case let .string(s): return "'\"\(s)\"'"
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

    /// Runs `body` one level deeper, refusing to go past ``maximumDepth``.
    mutating func nested<T>(_ body: (inout FormulaParser) throws -> T) throws -> T {
        guard depth < Self.maximumDepth else {
            throw FormulaError.nestedTooDeeply(formula: text, position: current.position, limit: Self.maximumDepth)
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// An expression node, refused when its tree is deeper than ``maximumTreeDepth`` (evaluating,
    /// printing and freeing it recurse through the tree).
    func node(_ e: Expression, children: Node...) throws -> Node {
        let d = 1 + (children.map(\.depth).max() ?? 0)
        guard d <= Self.maximumTreeDepth else {
            throw FormulaError.expressionTooLong(formula: text, position: current.position, limit: Self.maximumTreeDepth)
        }
        return Node(expression: e, depth: d)
    }

    /// An expression with the depth of its tree.
    struct Node {
        let expression: Expression
        let depth: Int
    }

    mutating func register(_ v: ModelVariable) -> Int {
        if let i = variables.firstIndex(where: { $0.label == v.label }) { return i }
        variables.append(v)
        return variables.count - 1
    }

    mutating func parseFormula() throws -> (response: Int?, variables: [ModelVariable], rhs: TermSet, offsets: [Int]) {
        var response: Int? = nil
        if current.kind != .symbol("~") {
            guard current.kind != .end else { throw fail("the formula is empty; write it as 'y ~ x1 + x2'") }
            let e = try parseResponse()
            if case let .column(name) = e {
                response = register(ModelVariable(label: RName.deparse(name), source: .column(name)))
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
        return (response, variables, rhs, offsets)
    }

    /// The response: an arithmetic expression, or `cbind(successes, failures)` for a binomial
    /// model (two expressions).
    mutating func parseResponse() throws -> Expression {
        if case .identifier("cbind") = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .symbol("(") {
            let t = current
            index += 2
            var args = [try parseArithmetic().expression]
            while accept(",") { args.append(try parseArithmetic().expression) }
            try expect(")")
            guard args.count == 2 else { throw fail("cbind() on the left takes two columns: successes and failures, e.g. cbind(k, n - k)", at: t) }
            return .call("cbind", args)
        }
        return try parseArithmetic().expression
    }

    // MARK: right-hand side

    mutating func parseSum() throws -> TermSet {
        var result: TermSet
        if accept("-") { result = TermSet() - (try parseProduct()) }
        else { _ = accept("+"); result = try parseProduct() }
        while true {
            if accept("+") { result = try result + (try parseProduct()) }
            else if accept("-") { result = result - (try parseProduct()) }
            else { return result }
        }
    }

    mutating func parseProduct() throws -> TermSet {
        var result = try parseInteraction()
        while true {
            if accept("*") { result = try TermSet.cross(result, try parseInteraction()) }
            else if accept("/") { result = try TermSet.nest(result, try parseInteraction()) }
            else { return result }
        }
    }

    mutating func parseInteraction() throws -> TermSet {
        var result = try parsePower()
        while accept(":") { result = try TermSet.interaction(result, try parsePower()) }
        return result
    }

    mutating func parsePower() throws -> TermSet {
        let base = try parseTermAtom()
        guard accept("^") else { return base }
        let t = current
        guard case let .number(n) = t.kind, let k = Int(n.prefix(18)), k >= 1 else {
            throw fail("'^' in a formula takes a whole number (crossing power); for arithmetic write I(x^2)", at: t)
        }
        index += 1
        return try TermSet.power(base, k)
    }

    mutating func parseTermAtom() throws -> TermSet {
        let t = current
        switch t.kind {
        case .symbol("("):
            index += 1
            return try nested { p in
                let inner = try p.parseSum()
                try p.expect(")")
                return inner
            }
        case let .number(n):
            index += 1
            if n == "0" { return TermSet(terms: [], intercept: false) }
            if n == "1" { return TermSet(terms: [], intercept: true) }
            throw fail("a number in a formula term must be 0 or 1; for arithmetic write I(...)", at: t)
        case .identifier(".") where !(index + 1 < tokens.count && tokens[index + 1].kind == .symbol("(")):
            index += 1
            guard let columns = dotColumns else { throw FormulaError.dotNeedsData(formula: text, position: t.position) }
            usedDot = true
            let responseColumns = Set(variables.first.map(\.columns) ?? [])
            var set = TermSet()
            for c in columns where !responseColumns.contains(c) {
                try set.append([register(ModelVariable(label: RName.deparse(c), source: .column(c)))])
            }
            return set
        case let .identifier(name):
            index += 1
            let qualified = try namespace(of: name, at: t)
            if accept("(") {
                let known = variables.count
                var v = try nested { try $0.parseCall(qualified.function, at: t) }
                if let ns = qualified.namespace {
                    // R names the term as written: `splines::ns(x, 3)1`. The call registered
                    // its variable under the plain name: renamed in place when it was new.
                    let plain = variables[v]
                    let named = ModelVariable(label: ns + "::" + plain.label, source: plain.source)
                    if v >= known && !variables.contains(where: { $0.label == named.label }) {
                        variables[v] = named
                    } else {
                        let old = v
                        v = register(named)
                        if let k = offsets.firstIndex(of: old) { offsets[k] = v }
                    }
                }
                // An offset is not a term: it enters the linear predictor with coefficient 1.
                return offsets.contains(v) ? TermSet() : TermSet.variable(v)
            }
            return TermSet.variable(register(ModelVariable(label: RName.deparse(name), source: .column(name))))
        default:
            throw fail("expected a term but found \(describe(t))", at: t)
        }
    }

    /// Which package exports each function the formula language knows, for R's `pkg::f(...)`.
    static let namespaces: [String: String] = [
        "log": "base", "log10": "base", "log2": "base", "log1p": "base", "sqrt": "base", "exp": "base", "abs": "base",
        "pmin": "base", "pmax": "base", "factor": "base", "as.factor": "base", "I": "base", "scale": "base",
        "C": "stats", "poly": "stats", "offset": "stats", "ns": "splines", "bs": "splines",
    ]

    /// `pkg::f` after the identifier `pkg` (R's namespace-qualified call): consumes `::f` and
    /// returns the package and the function, refusing, as R does, a function that package does
    /// not export. A plain identifier comes back as it is.
    mutating func namespace(of name: String, at t: Token) throws -> (namespace: String?, function: String) {
        guard index + 2 < tokens.count, current.kind == .symbol(":"), tokens[index + 1].kind == .symbol(":"),
              case let .identifier(function) = tokens[index + 2].kind else { return (nil, name) }
        guard index + 3 < tokens.count, tokens[index + 3].kind == .symbol("(") else {
            throw fail("\(name)::\(function) must be called, as \(name)::\(function)(...)", at: tokens[index + 2])
        }
        guard Self.namespaces[function] == name else {
            let exporter = Self.namespaces[function].map { "; it is \($0)::\(function)" } ?? ""
            throw fail("'\(function)' is not a function of package '\(name)' that formulas know\(exporter)", at: tokens[index + 2])
        }
        index += 3
        return (name, function)
    }

    /// A call at term level: `I(...)`, `C(x)`, `factor(x)`, or a numeric function.
    mutating func parseCall(_ name: String, at t: Token) throws -> Int {
        switch name {
        case "C", "factor", "as.factor":
            let arg = current
            guard case let .identifier(col) = arg.kind else { throw fail("\(name)() takes a column name", at: arg) }
            index += 1
            if accept(",") { throw FormulaError.referenceInFormula(formula: text, position: current.position, function: name) }
            try expect(")")
            return register(ModelVariable(label: "\(name)(\(RName.deparse(col)))", source: .categorical(col)))
        case "I":
            let e = try parseComparison()
            try expect(")")
            if e.expression.isLogical {
                return register(ModelVariable(label: "I(\(e.expression.label))", source: .logical(e.expression)))
            }
            let call = try node(.call("I", [e.expression]), children: e).expression
            return register(ModelVariable(label: "I(\(e.expression.label))", source: .expression(call)))
        case "poly", "scale", "ns", "bs":
            return try parseBasis(name, at: t)
        case "offset":
            let e = try parseArithmetic()
            try expect(")")
            let call = try node(.call("offset", [e.expression]), children: e).expression
            let v = register(ModelVariable(label: "offset(\(e.expression.label))", source: .expression(call)))
            if !offsets.contains(v) { offsets.append(v) }
            return v
        default:
            let e = try finishCall(name, at: t).expression
            return register(ModelVariable(label: e.label, source: .expression(e)))
        }
    }

    /// `poly(x, degree[, raw = TRUE])` or `scale(x)`: a numeric argument, then R's arguments
    /// (positional or named), kept as written for the term's name (R deparses the call).
    mutating func parseBasis(_ name: String, at t: Token) throws -> Int {
        let argument = try parseArithmetic().expression
        var written = [argument.label]
        var degree: Int? = nil
        var raw = false
        var df: Int? = nil
        var position = 1
        while accept(",") {
            var argName: String? = nil
            if case let .identifier(n) = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .symbol("=") {
                argName = n
                index += 2
            }
            let valueToken = current
            let positional = name == "poly" ? ["degree", "raw"] : ["df", "knots"]
            let key = argName ?? (position <= positional.count ? positional[position - 1] : "")
            position += 1
            switch (name, key) {
            case ("poly", "degree"):
                guard case let .number(s) = valueToken.kind, let k = Int(s), k >= 1, k <= 20 else {
                    throw fail("poly()'s degree must be a whole number from 1 to 20", at: valueToken)
                }
                degree = k
                index += 1
                written.append(argName.map { "\($0) = \(s)" } ?? s)
            case ("poly", "raw"):
                guard case let .identifier(v) = valueToken.kind, ["TRUE", "FALSE", "T", "F"].contains(v) else {
                    throw fail("poly()'s raw is TRUE or FALSE", at: valueToken)
                }
                raw = v == "TRUE" || v == "T"
                index += 1
                written.append(argName.map { "\($0) = \(v)" } ?? v)
            case ("ns", "df"), ("bs", "df"), ("bs", "degree"):
                guard case let .number(s) = valueToken.kind, let k = Int(s), k >= 1, k <= 50 else {
                    throw fail("\(name)()'s \(key) must be a whole number from 1 to 50", at: valueToken)
                }
                if key == "df" { df = k } else { degree = k }
                index += 1
                written.append(argName.map { "\($0) = \(s)" } ?? s)
            default:
                throw fail("\(name)() does not take \(argName.map { "'\($0)'" } ?? "another argument") here", at: valueToken)
            }
        }
        try expect(")")
        let kind: Basis.Kind
        if name == "poly" {
            guard let degree else { throw fail("poly() needs a degree, e.g. poly(x, 2)", at: t) }
            kind = .poly(degree: degree, raw: raw)
        } else if name == "scale" {
            kind = .scale
        } else {
            let d = degree ?? 3
            guard let df else { throw fail("\(name)() needs df, e.g. \(name)(x, df = 4)", at: t) }
            guard name == "ns" || df >= d else { throw fail("bs()'s df must be at least its degree (\(d))", at: t) }
            kind = .spline(df: df, degree: d, natural: name == "ns")
        }
        return register(ModelVariable(label: "\(name)(\(written.joined(separator: ", ")))", source: .basis(Basis(kind: kind, argument: argument))))
    }

    mutating func finishCall(_ name: String, at t: Token) throws -> Node {
        guard Self.numericFunctions.contains(name) || name == "I" else {
            throw FormulaError.unknownFunction(formula: text, position: t.position, name: name)
        }
        var args = [try parseArithmetic()]
        while accept(",") { args.append(try parseArithmetic()) }
        try expect(")")
        let maxArgs = name == "log" || name == "pmin" || name == "pmax" ? 2 : 1
        guard args.count <= maxArgs else { throw fail("\(name)() takes \(maxArgs) argument\(maxArgs == 1 ? "" : "s")", at: t) }
        if (name == "pmin" || name == "pmax") && args.count != 2 { throw fail("\(name)() takes two arguments", at: t) }
        return Node(expression: .call(name, args.map(\.expression)), depth: 1 + args.map(\.depth).max()!)
    }

    /// Inside `I()`: arithmetic, optionally compared (`x > 3`, `type == "County"`) or tested
    /// for membership (`region %in% c("London", "North East")`).
    mutating func parseComparison() throws -> Node {
        let lhs = try parseArithmetic()
        guard case let .comparison(op) = current.kind else { return lhs }
        let t = current
        index += 1
        if op == "%in%" {
            guard case .identifier("c") = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .symbol("(") else {
                throw fail("%in% takes a list c(…) of values", at: t)
            }
            index += 2
            var items: [Expression] = []
            repeat {
                switch current.kind {
                case let .string(s): items.append(.text(s)); index += 1
                case let .number(n): items.append(.number(NumberParsing.parse(n)!, text: n)); index += 1
                default: throw fail("c() after %in% lists numbers or quoted text", at: current)
                }
            } while accept(",")
            try expect(")")
            return Node(expression: .membership(lhs.expression, items), depth: lhs.depth + 1)
        }
        let rhs: Node
        if case let .string(s) = current.kind {
            index += 1
            rhs = Node(expression: .text(s), depth: 1)
        } else {
            rhs = try parseArithmetic()
        }
        return try node(.compare(op, lhs.expression, rhs.expression), children: lhs, rhs)
    }

    // MARK: arithmetic (inside calls)

    mutating func parseArithmetic() throws -> Node {
        var e = try parseArithmeticTerm()
        while true {
            if accept("+") { let r = try parseArithmeticTerm(); e = try node(.binary("+", e.expression, r.expression), children: e, r) }
            else if accept("-") { let r = try parseArithmeticTerm(); e = try node(.binary("-", e.expression, r.expression), children: e, r) }
            else { return e }
        }
    }

    mutating func parseArithmeticTerm() throws -> Node {
        var e = try parseUnary()
        while true {
            if accept("*") { let r = try parseUnary(); e = try node(.binary("*", e.expression, r.expression), children: e, r) }
            else if accept("/") { let r = try parseUnary(); e = try node(.binary("/", e.expression, r.expression), children: e, r) }
            else { return e }
        }
    }

    mutating func parseUnary() throws -> Node {
        if accept("-") {
            let a = try nested { try $0.parseUnary() }
            return try node(.negate(a.expression), children: a)
        }
        if accept("+") { return try nested { try $0.parseUnary() } }
        return try parseExponent()
    }

    mutating func parseExponent() throws -> Node {
        let base = try parseArithmeticAtom()
        if accept("^") {
            let power = try nested { try $0.parseUnary() }
            return try node(.binary("^", base.expression, power.expression), children: base, power)
        }
        return base
    }

    mutating func parseArithmeticAtom() throws -> Node {
        let t = current
        switch t.kind {
        case .symbol("("):
            index += 1
            return try nested { p in
                let inner = try p.parseArithmetic()
                try p.expect(")")
                return try p.node(.parenthesised(inner.expression), children: inner)
            }
        case let .number(n):
            index += 1
            return Node(expression: .number(NumberParsing.parse(n)!, text: n), depth: 1)
        case let .identifier(name):
            index += 1
            let function = try namespace(of: name, at: t).function
            if accept("(") { return try nested { try $0.finishCall(function, at: t) } }
            return Node(expression: .column(name), depth: 1)
        default:
            throw fail("expected a number, a column or '(' but found \(describe(t))", at: t)
        }
    }
}
