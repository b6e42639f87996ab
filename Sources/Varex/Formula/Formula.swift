/// A variable of a model formula: a column, a categorical column, or an expression of columns.
public struct ModelVariable: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A bare column name: numeric if the column is, categorical if it holds text.
        case column(String)
        /// `C(x)` or `factor(x)`: the column as categories, whatever its cells.
        case categorical(String)
        /// A numeric expression such as `log(x)` or `I(x^2)`.
        case expression(Expression)
    }
    /// The name R prints for it: `x`, `C(x)`, `log(pop_65p)`, `I(x^2)`.
    public let label: String
    public let source: Source

    /// The columns the variable reads.
    public var columns: [String] {
        switch source {
        case let .column(c), let .categorical(c): return [c]
        case let .expression(e): return e.columns
        }
    }
}

/// A term of the model: one variable or an interaction of several, named as R names it
/// (`a`, `a:b`).
public struct Term: Sendable, Equatable {
    /// Indices into ``Formula/variables``, ascending.
    public let variables: [Int]
    /// `a:b:c`.
    public let label: String
}

/// A parsed model formula in Wilkinson–Rogers notation, as R's `terms()` sees it.
public struct Formula: Sendable {
    /// The formula as written.
    public let text: String
    /// Index of the response in ``variables``, if the formula has a left-hand side.
    public let response: Int?
    /// All variables in order of first appearance (the response first).
    public let variables: [ModelVariable]
    /// The right-hand side terms, by order (main effects, then two-way interactions, ...) and
    /// within an order by first appearance, as R sorts them.
    public let terms: [Term]
    /// Whether the model has an intercept.
    public let hasIntercept: Bool

    /// Parses `text`; a syntax error carries the position it occurs at.
    public init(_ text: String) throws {
        var parser = try FormulaParser(text)
        let parsed = try parser.parseFormula()
        self.text = text
        self.response = parsed.response
        self.variables = parsed.variables
        let ordered = parsed.rhs.terms.enumerated().sorted { a, b in
            a.element.count != b.element.count ? a.element.count < b.element.count : a.offset < b.offset
        }.map(\.element)
        self.terms = ordered.map { set in
            let vars = set.sorted()
            return Term(variables: vars, label: vars.map { parsed.variables[$0].label }.joined(separator: ":"))
        }
        self.hasIntercept = parsed.rhs.intercept ?? true
        if terms.isEmpty && !hasIntercept { throw FormulaError.emptyModel(text) }
    }

    /// Every column the formula reads, in order of first use.
    public var columns: [String] {
        var out: [String] = []
        for v in variables { for c in v.columns where !out.contains(c) { out.append(c) } }
        return out
    }
}

/// The term algebra of R formulas: a list of terms (sets of variable indices) and an
/// intercept flag that is `nil` until `0`, `1`, `-1` or `+0` says otherwise.
struct TermSet {
    var terms: [Set<Int>] = []
    var intercept: Bool? = nil

    static func variable(_ v: Int) -> TermSet { TermSet(terms: [[v]], intercept: nil) }

    static func + (a: TermSet, b: TermSet) -> TermSet {
        var out = a
        for t in b.terms where !out.terms.contains(t) { out.terms.append(t) }
        out.intercept = b.intercept ?? a.intercept
        return out
    }

    static func - (a: TermSet, b: TermSet) -> TermSet {
        var out = a
        out.terms.removeAll { b.terms.contains($0) }
        if let bi = b.intercept { out.intercept = !bi }
        return out
    }

    /// a:b, every term of a joined with every term of b.
    static func interaction(_ a: TermSet, _ b: TermSet) -> TermSet {
        var out = TermSet()
        for x in a.terms { for y in b.terms {
            let t = x.union(y)
            if !out.terms.contains(t) { out.terms.append(t) }
        } }
        return out
    }

    /// a*b = a + b + a:b.
    static func cross(_ a: TermSet, _ b: TermSet) -> TermSet {
        var s = a + b
        s.intercept = b.intercept ?? a.intercept
        let i = interaction(a, b)
        for t in i.terms where !s.terms.contains(t) { s.terms.append(t) }
        return s
    }

    /// a/b = a + (all variables of a):b.
    static func nest(_ a: TermSet, _ b: TermSet) -> TermSet {
        let all = a.terms.reduce(into: Set<Int>()) { $0.formUnion($1) }
        return a + interaction(TermSet(terms: [all]), b)
    }
}
