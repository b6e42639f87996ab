/// A variable of a model formula: a column, a categorical column, or an expression of columns.
public struct ModelVariable: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A bare column name: numeric if the column is, categorical if it holds text.
        case column(String)
        /// `C(x)` or `factor(x)`: the column as categories, whatever its cells.
        case categorical(String)
        /// A numeric expression such as `log(x)` or `I(x^2)`.
        case expression(Expression)
        /// A data-dependent transform into columns: `poly(x, 2)`, `scale(x)`.
        case basis(Basis)
        /// A comparison inside `I()`: TRUE or FALSE per row, coded as a categorical variable
        /// (R's logical: column `I(x > 3)TRUE`).
        case logical(Expression)
    }
    /// The name R prints for it: `x`, `C(x)`, `log(pop_65p)`, `I(x^2)`.
    public let label: String
    public let source: Source

    /// The columns the variable reads.
    public var columns: [String] {
        switch source {
        case let .column(c), let .categorical(c): return [c]
        case let .expression(e): return e.columns
        case let .basis(b): return b.argument.columns
        case let .logical(e): return e.columns
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
    /// Variables that are offsets (`offset(log(n))`): added to the linear predictor, not terms.
    public let offsets: [Int]
    /// What `.` stood for, when the formula has one.
    public let dot: [String]?

    /// Parses `text`; a syntax error carries the position it occurs at. `dot` is what `.` on
    /// the right-hand side stands for: the data's columns (less the id and label), of which
    /// those the response reads are left out, as R does.
    public init(_ text: String, dot: [String]? = nil) throws {
        var parser = try FormulaParser(text)
        parser.dotColumns = dot
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
        self.offsets = parsed.offsets
        self.dot = parser.usedDot ? dot : nil
        if terms.isEmpty && !hasIntercept { throw FormulaError.emptyModel(text) }
    }

    /// Whether the response is `cbind(successes, failures)` (a binomial count response).
    public var hasCountPair: Bool {
        guard let r = response, case .expression(.call("cbind", _)) = variables[r].source else { return false }
        return true
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
///
/// Terms keep their order of first appearance (as R's `terms()`), with a hash set beside the
/// list so that every operation costs time proportional to the terms it reads and produces.
/// No set may hold more than ``maximumTerms`` terms: `(a + b + … )^k` grows as 2^variables.
struct TermSet {
    private(set) var terms: [Set<Int>] = []
    private var members: Set<Set<Int>> = []
    var intercept: Bool? = nil

    /// The most terms a formula may expand to.
    static let maximumTerms = 20_000

    init(terms: [Set<Int>] = [], intercept: Bool? = nil) {
        for t in terms { _ = try? append(t) }
        self.intercept = intercept
    }

    static func variable(_ v: Int) -> TermSet { TermSet(terms: [[v]], intercept: nil) }

    /// Adds a term unless it is there already.
    mutating func append(_ t: Set<Int>) throws {
        guard members.insert(t).inserted else { return }
        terms.append(t)
        guard terms.count <= Self.maximumTerms else { throw FormulaError.tooManyTerms(limit: Self.maximumTerms) }
    }

    func contains(_ t: Set<Int>) -> Bool { members.contains(t) }

    static func + (a: TermSet, b: TermSet) throws -> TermSet {
        var out = a
        for t in b.terms { try out.append(t) }
        out.intercept = b.intercept ?? a.intercept
        return out
    }

    static func - (a: TermSet, b: TermSet) -> TermSet {
        var out = TermSet(terms: a.terms.filter { !b.contains($0) }, intercept: a.intercept)
        if let bi = b.intercept { out.intercept = !bi }
        return out
    }

    /// a:b, every term of a joined with every term of b.
    static func interaction(_ a: TermSet, _ b: TermSet) throws -> TermSet {
        var out = TermSet()
        for x in a.terms { for y in b.terms { try out.append(x.union(y)) } }
        return out
    }

    /// a*b = a + b + a:b.
    static func cross(_ a: TermSet, _ b: TermSet) throws -> TermSet {
        var s = try a + b
        s.intercept = b.intercept ?? a.intercept
        for t in try interaction(a, b).terms { try s.append(t) }
        return s
    }

    /// a/b = a + (all variables of a):b.
    static func nest(_ a: TermSet, _ b: TermSet) throws -> TermSet {
        let all = a.terms.reduce(into: Set<Int>()) { $0.formUnion($1) }
        return try a + interaction(TermSet(terms: [all]), b)
    }

    /// a^k: a crossed with itself k times. Past the number of distinct variables in a nothing
    /// new appears, so the loop stops there (`x^1000000000` is as quick as `x^1`).
    static func power(_ a: TermSet, _ k: Int) throws -> TermSet {
        let variables = a.terms.reduce(into: Set<Int>()) { $0.formUnion($1) }.count
        var result = a
        for _ in 1..<max(1, min(k, variables)) { result = try cross(result, a) }
        return result
    }
}
