/// What a user expects of a term: that a higher value raises the response (`term:+`) or lowers it
/// (`term:-`), e.g. that deprivation raises spend.
public struct TermExpectation: Sendable, Equatable {
    public let term: String
    public let raises: Bool

    public init(term: String, raises: Bool) {
        self.term = term
        self.raises = raises
    }

    /// Parses `TERM:+` or `TERM:-`.
    public static func parse(_ s: String) throws -> TermExpectation {
        guard let (term, plus) = SignedName.parse(s) else { throw ExplainError.invalidExpectation(s) }
        return TermExpectation(term: term, raises: plus)
    }
}

/// The warnings a justified group earns when the data do not back it: a group whose terms have
/// no evidence of any effect (its joint test's p at least `alpha`), whose "justified" share is
/// then noise; and a term whose estimate runs against the direction the user expects of it (a
/// better outcome "justifying" lower spend), said with its p-value, significant or not.
public enum JustifiedGroupCheck {
    /// - Parameters:
    ///   - groupPValues: each group's joint test p-value, in the grouping's order.
    ///   - coefficients: the coefficient table (rows found by their column's name);
    ///     `columnNames[j]` and `assign[j]` name design column j and its formula term (an index
    ///     into `termLabels`; −1 for the intercept).
    public static func warnings(grouping: TermGrouping, groupPValues: [Double], termLabels: [String], coefficients: [CoefficientRow],
                                columnNames: [String], assign: [Int], expectations: [TermExpectation], response: String,
                                alpha: Double = 0.05) throws -> [String] {
        var out: [String] = []
        for (g, group) in grouping.groups.enumerated() where group.justified {
            let p = groupPValues[g]
            if p.isFinite && p >= alpha {
                out.append("the justified group '\(group.name)' shows no evidence of an effect on \(response) (joint test p = \(NumberFormat.pValue(p))): the spend it 'justifies' may be noise")
            }
        }
        func key(_ s: String) -> String { s.filter { $0 != " " } }
        for e in expectations {
            guard let t = termLabels.firstIndex(where: { key($0) == key(e.term) }) else {
                throw ExplainError.unknownTerm(term: e.term, group: "an expectation", terms: termLabels)
            }
            let columns = assign.indices.filter { assign[$0] == t }
            guard columns.count == 1 else { throw ExplainError.expectationOfSeveralColumns(term: termLabels[t], columns: columns.count) }
            guard let row = coefficients.first(where: { $0.term == columnNames[columns[0]] }) else { continue }
            guard !row.isAliased, (row.estimate > 0) != e.raises, row.estimate != 0 else { continue }
            let group = grouping.groups[grouping.groupOfTerm[t]]
            let evidence = row.pValue < alpha ? "significant" : "not significant either way"
            out.append("'\(termLabels[t])' (group '\(group.name)', \(group.justified ? "justified" : "unjustified")) was expected to \(e.raises ? "raise" : "lower") \(response), but its estimate is \(NumberFormat.significant(row.estimate, 4)) (p = \(NumberFormat.pValue(row.pValue)), \(evidence))\(group.justified ? ": it justifies \(response) in the opposite direction" : "")")
        }
        return out
    }
}
