import Varex

extension ExplainRequest {
    /// The response as the formula writes it (its left-hand side).
    var responseText: String {
        fit.formula.split(separator: "~", maxSplits: 1).first.map { String($0).trimmingSpaces } ?? "the response"
    }

    /// The warnings of ``JustifiedGroupCheck`` for a fit over `design` whose coefficient table is
    /// `coefficients` and whose groups' joint tests have `groupPValues`.
    func justifiedWarnings(grouping: TermGrouping, groupPValues: [Double], design: DesignMatrix,
                           coefficients: [CoefficientRow]) throws -> [String] {
        try JustifiedGroupCheck.warnings(grouping: grouping, groupPValues: groupPValues, termLabels: design.formula.terms.map(\.label),
                                         coefficients: coefficients, columnNames: design.columnNames, assign: design.assign,
                                         expectations: expectations, response: responseText)
    }
}
