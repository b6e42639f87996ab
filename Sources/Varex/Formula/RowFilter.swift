import VarexLinearAlgebra

/// A condition on a table's rows, as R's `subset` argument: comparisons of columns, numbers
/// and quoted text (`<  <=  >  >=  ==  !=`, `%in% c(…)`, arithmetic as inside `I()`), joined by
/// `&`, `|` and `!` with parentheses. A row is kept where the condition is TRUE; where it is NA
/// (an input is missing and the logic cannot decide, as R's three-valued `&` and `|`), the row
/// is left out, as R's `subset` does.
public struct RowFilter: Sendable, Equatable {
    /// The condition as written.
    public let text: String
    let root: Condition

    indirect enum Condition: Sendable, Equatable {
        case test(Expression)
        case and(Condition, Condition)
        case or(Condition, Condition)
        case not(Condition)
    }

    public init(_ text: String) throws {
        self.text = text
        var p = try FormulaParser(condition: text)
        root = try p.parseOr()
        guard case .end = p.current.kind else { throw p.fail("unexpected \(p.describe(p.current)) after the condition") }
    }

    /// The columns the condition reads, in order of first use.
    public var columns: [String] {
        var out: [String] = []
        func walk(_ c: Condition) {
            switch c {
            case let .test(e): for n in e.columns where !out.contains(n) { out.append(n) }
            case let .and(a, b), let .or(a, b): walk(a); walk(b)
            case let .not(a): walk(a)
            }
        }
        walk(root)
        return out
    }

    /// Whether each row of `table` is kept. A column that is not in the table, or a text
    /// column compared with a number, is an error naming it.
    public func keeps(_ table: Table) throws -> [Bool] {
        var byName: [String: Column] = [:]
        for name in columns { byName[name] = try table.column(name) }
        try checkTypes(root, byName)
        return (0..<table.rowCount).map { r in
            evaluate(root, cell: { byName[$0]!.isMissing[r] ? nil : byName[$0]!.cells[r] },
                     value: { byName[$0]!.isMissing[r] ? .nan : byName[$0]!.values[r] }) == true
        }
    }

    /// Kleene's three-valued logic, as R's `&`, `|` and `!` on NA.
    func evaluate(_ c: Condition, cell: (String) -> String?, value: (String) -> Extended) -> Bool? {
        switch c {
        case let .test(e):
            if e.columns.contains(where: { cell($0) == nil }) { return nil }
            return e.truth(cell: { cell($0) ?? "" }, value: value)
        case let .and(a, b):
            let x = evaluate(a, cell: cell, value: value), y = evaluate(b, cell: cell, value: value)
            if x == false || y == false { return false }
            return x == nil || y == nil ? nil : true
        case let .or(a, b):
            let x = evaluate(a, cell: cell, value: value), y = evaluate(b, cell: cell, value: value)
            if x == true || y == true { return true }
            return x == nil || y == nil ? nil : false
        case let .not(a):
            return evaluate(a, cell: cell, value: value).map { !$0 }
        }
    }

    /// A text column used as a number (compared with a number, or in arithmetic) would make
    /// every row NA and the subset silently empty: an error instead.
    func checkTypes(_ c: Condition, _ byName: [String: Column]) throws {
        switch c {
        case let .test(e):
            for name in Self.numericColumns(e) where byName[name]!.kind == .text {
                throw FormulaError.textInNumericContext(variable: text, column: name)
            }
        case let .and(a, b), let .or(a, b): try checkTypes(a, byName); try checkTypes(b, byName)
        case let .not(a): try checkTypes(a, byName)
        }
    }

    /// The columns an expression reads as numbers: all but a bare column compared with text
    /// or listed against text in `%in%`.
    static func numericColumns(_ e: Expression) -> [String] {
        func isText(_ e: Expression) -> Bool { if case .text = e { return true } else { return false } }
        switch e {
        case let .compare(_, .column(_), b) where isText(b): return []
        case let .compare(_, a, .column(_)) where isText(a): return []
        case let .membership(.column(_), items) where items.contains(where: isText): return []
        default: return e.columns
        }
    }
}

extension FormulaParser {
    /// A parser of a row condition (`|` is or, not a random-effect term's bar).
    init(condition text: String) throws {
        self.text = text
        self.tokens = try Lexer.tokens(text)
    }

    mutating func parseOr() throws -> RowFilter.Condition {
        var c = try parseAnd()
        while accept("|") { c = .or(c, try parseAnd()) }
        return c
    }

    mutating func parseAnd() throws -> RowFilter.Condition {
        var c = try parseNot()
        while accept("&") { c = .and(c, try parseNot()) }
        return c
    }

    mutating func parseNot() throws -> RowFilter.Condition {
        if accept("!") { return .not(try nested { try $0.parseNot() }) }
        if current.kind == .symbol("(") {
            // A parenthesised condition, unless what follows the parenthesis makes it arithmetic
            // or the left side of a comparison: `(a > 1 | b) & c` against `(a + b) / 2 > c`.
            let save = index
            index += 1
            if let inner = try? nested({ try $0.parseOr() }), accept(")") {
                switch current.kind {
                case .comparison: break
                case let .symbol(s) where "+-*/^".contains(s): break
                default: return inner
                }
            }
            index = save
        }
        let t = current
        let c = try parseComparison()
        guard c.expression.isLogical else {
            throw fail("expected a comparison, such as imd_score > 20 or council_type == \"County\"", at: t)
        }
        return .test(c.expression)
    }
}
