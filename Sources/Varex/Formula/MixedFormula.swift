import Foundation

/// A random-effect term in lme4's syntax: the effects left of the bar (`1 + x`) vary by the
/// levels of the grouping factor right of it (`code`, or an interaction `region:code`).
public struct RandomTerm: Sendable, Equatable {
    /// The effects as written left of the bar, a right-hand side of its own (`1 + days`).
    public let effects: String
    /// The columns whose combined values are the groups: one, or several for `a:b`.
    public let grouping: [String]
    /// The grouping factor's name as lme4 prints it: `code`, and `code:region` for the inner
    /// level of `(1 | region/code)`.
    public let groupName: String

    public init(effects: String, grouping: [String], groupName: String) {
        self.effects = effects
        self.grouping = grouping
        self.groupName = groupName
    }

    /// `1 + days | subject`, as lme4 prints the term.
    public var label: String { "\(effects) | \(groupName)" }
}

/// A formula with lme4's random-effect terms: `y ~ x + (1 + x | code) + (1 | year)`. The terms
/// in parentheses with a bar are taken out and the rest is an ordinary ``Formula`` (the fixed
/// effects). `(e | a/b)` is `(e | a) + (e | b:a)` and `(e1 + e2 || g)` is `(e1 | g) + (0 + e2 | g)`,
/// as lme4 expands them.
public struct MixedFormula: Sendable {
    /// The formula as written.
    public let text: String
    /// The fixed-effects formula (`y ~ x`; `y ~ 1` when only random terms were written).
    public let fixed: Formula
    /// The random-effect terms, in the order written (after expansion).
    public let random: [RandomTerm]

    /// Whether `text` has a random-effect term (a `|` outside quotes and backquotes).
    public static func hasRandomTerms(_ text: String) -> Bool {
        ((try? Lexer.tokens(text)) ?? []).contains { $0.kind == .symbol("|") }
    }

    /// Splits `text` into fixed and random parts and parses both. A bar that is not inside a
    /// parenthesised summand of its own, a term without a grouping factor, and a formula
    /// without any random term are errors that name the position.
    public init(_ text: String, dot: [String]? = nil) throws {
        let tokens = try Lexer.tokens(text)
        let chars = Array(text)
        func fail(_ t: Token, _ message: String) -> FormulaError {
            .randomTerm(formula: text, position: t.position, message: message)
        }
        guard let tilde = tokens.firstIndex(where: { $0.kind == .symbol("~") }) else {
            throw FormulaError.syntax(formula: text, position: 1, message: "the formula has no '~'; write it as 'y ~ x + (1 | group)'")
        }
        // Character ranges (0-based, half-open) to cut from the text, and the terms found.
        var cuts: [Range<Int>] = []
        var random: [RandomTerm] = []
        var i = tilde + 1
        var depth = 0
        while i < tokens.count {
            let t = tokens[i]
            if t.kind == .symbol("(") && depth == 0, let close = Self.closing(tokens, from: i),
               let bar = (i + 1..<close).first(where: { Self.depth(tokens, i + 1, $0) == 0 && tokens[$0].kind == .symbol("|") }) {
                let before = tokens[i - 1].kind
                let after = tokens[close + 1].kind
                guard before == .symbol("+") || before == .symbol("~"), after == .symbol("+") || after == .end || after == .symbol("-") else {
                    throw fail(t, "a random-effect term is a summand of its own: write '+ (1 | group)', not inside a product or after '-'")
                }
                let double = tokens[bar + 1].kind == .symbol("|")
                let groupStart = double ? bar + 2 : bar + 1
                let effectsText = Self.text(chars, tokens, from: i + 1, to: bar)
                guard !effectsText.isEmpty else { throw fail(tokens[bar], "nothing left of '|'; write (1 | group) for a random intercept") }
                if let extra = (i + 1..<bar).first(where: { tokens[$0].kind == .symbol("|") }) ?? (groupStart..<close).first(where: { tokens[$0].kind == .symbol("|") }) {
                    throw fail(tokens[extra], "one bar per random-effect term")
                }
                let groups = try Self.groups(tokens, from: groupStart, to: close, fail: fail)
                let effects = try Formula("~ " + effectsText)
                var expanded: [String] = [effectsText]
                if double {
                    // lme4's `||`: each effect its own term, uncorrelated.
                    expanded = (effects.hasIntercept ? ["1"] : []) + effects.terms.map { "0 + " + $0.label }
                }
                for g in groups { for e in expanded { random.append(RandomTerm(effects: e, grouping: g.columns, groupName: g.name)) } }
                // Cut the term with the '+' before it (or after it, when it comes first).
                let startChar = before == .symbol("+") ? tokens[i - 1].position - 1 : t.position - 1
                var endChar = tokens[close].position
                if before == .symbol("~") && after == .symbol("+") { endChar = tokens[close + 1].position }
                cuts.append(startChar..<endChar)
                i = close + 1
                continue
            }
            if t.kind == .symbol("(") { depth += 1 }
            if t.kind == .symbol(")") { depth -= 1 }
            if t.kind == .symbol("|") { throw fail(t, "'|' belongs inside a parenthesised random-effect term such as (1 | group)") }
            i += 1
        }
        guard !random.isEmpty else {
            throw FormulaError.randomTerm(formula: text, position: 1, message: "no random-effect term such as (1 | group); without one, fit a linear model")
        }
        var kept = ""
        var at = 0
        for c in cuts { kept += String(chars[at..<c.lowerBound]); at = c.upperBound }
        kept += String(chars[at...])
        let rhs = kept.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false)
        if rhs.count == 2 && rhs[1].trimmingCharacters(in: .whitespaces).isEmpty { kept += " 1" }
        if rhs.count == 2, let first = rhs[1].trimmingCharacters(in: .whitespaces).first, first == "-" { kept = String(rhs[0]) + "~ 1 " + rhs[1] }
        self.text = text
        self.fixed = try Formula(kept, dot: dot)
        self.random = random
    }

    /// The index of the `)` that closes the `(` at `open`.
    static func closing(_ tokens: [Token], from open: Int) -> Int? {
        var d = 0
        for k in open..<tokens.count {
            if tokens[k].kind == .symbol("(") { d += 1 }
            if tokens[k].kind == .symbol(")") { d -= 1; if d == 0 { return k } }
        }
        return nil
    }

    /// The parenthesis depth at token `k`, counting from `start`.
    static func depth(_ tokens: [Token], _ start: Int, _ k: Int) -> Int {
        var d = 0
        for j in start..<k {
            if tokens[j].kind == .symbol("(") { d += 1 }
            if tokens[j].kind == .symbol(")") { d -= 1 }
        }
        return d
    }

    /// The source text of tokens `from..<to`, trimmed.
    static func text(_ chars: [Character], _ tokens: [Token], from: Int, to: Int) -> String {
        guard from < to else { return "" }
        let a = tokens[from].position - 1, b = tokens[to].position - 1
        return String(chars[a..<b]).trimmingCharacters(in: .whitespaces)
    }

    /// The grouping factors right of the bar: `g`, `a:b`, or `a/b` (= `a` and `b:a`).
    static func groups(_ tokens: [Token], from: Int, to: Int, fail: (Token, String) -> FormulaError) throws -> [(columns: [String], name: String)] {
        var names: [String] = []
        var ops: [Character] = []
        var k = from
        while k < to {
            guard case let .identifier(name) = tokens[k].kind else {
                throw fail(tokens[k], "the grouping factor right of '|' is a column, an interaction a:b, or a nesting a/b")
            }
            names.append(name)
            k += 1
            if k < to {
                guard case let .symbol(op) = tokens[k].kind, op == ":" || op == "/" else {
                    throw fail(tokens[k], "the grouping factor right of '|' is a column, an interaction a:b, or a nesting a/b")
                }
                ops.append(op)
                k += 1
                guard k < to else { throw fail(tokens[k], "a column is missing after '\(op)'") }
            }
        }
        guard !names.isEmpty else { throw fail(tokens[to], "no grouping factor right of '|'; write (1 | group)") }
        // Split at '/': each nesting level adds the interaction of everything up to it.
        var levels: [[String]] = [[names[0]]]
        for (j, op) in ops.enumerated() {
            if op == ":" { levels[levels.count - 1].append(names[j + 1]) } else { levels.append([names[j + 1]]) }
        }
        var out: [(columns: [String], name: String)] = []
        var outer: [String] = []
        for level in levels {
            // lme4 names the inner level of a/b as b:a (the new factor first), its levels b:a too.
            let columns = level + outer
            out.append((columns, columns.joined(separator: ":")))
            outer = columns
        }
        return out
    }
}
