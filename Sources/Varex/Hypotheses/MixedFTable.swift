import VarexLinearAlgebra

/// One row of a mixed model's F table: a term's sums of squares (F·σ̂², times its df), its
/// numerator and Satterthwaite denominator df, F and p.
public struct MixedFRow: Sendable, Equatable {
    public let term: String
    public let sumOfSquares: Double
    public let meanSquare: Double
    public let numeratorDF: Int
    public let denominatorDF: Double
    public let f: Double
    public let pValue: Double
}

/// lmerTest's `anova(fit)`: each term's coefficients tested jointly (``Satterthwaite/test(_:beta:)``),
/// with F·σ̂² as its mean square. For a term no other term contains, the Type III hypothesis
/// (lmerTest's default) and the Type II one are both that its coefficients are zero, so the
/// table is both; a term inside an interaction has contrasts of its own kind (lmerTest
/// orthogonalises them against the interaction's), which this version does not make.
public struct MixedFTable: Sendable, Equatable {
    public let rows: [MixedFRow]

    public init(_ fit: LinearMixedFit, _ satterthwaite: Satterthwaite) throws {
        let design = fit.design.fixed
        let terms = design.formula.terms
        let p = fit.p
        var rows: [MixedFRow] = []
        for (t, term) in terms.enumerated() {
            let variables = Set(term.variables)
            if let outer = terms.indices.first(where: { $0 != t && variables.isSubset(of: Set(terms[$0].variables)) }) {
                throw MixedModelError.anovaOfContainedTerm(term: term.label, within: terms[outer].label)
            }
            let columns = design.assign.indices.filter { design.assign[$0] == t }
            guard !columns.isEmpty else { continue }
            var l = Matrix(rows: columns.count, columns: p)
            for (r, j) in columns.enumerated() { l[r, j] = 1 }
            let test = try satterthwaite.test(l, beta: fit.beta)
            let ms = test.f * fit.sigma * fit.sigma
            rows.append(MixedFRow(term: term.label, sumOfSquares: ms * Double(test.numeratorDF), meanSquare: ms,
                                  numeratorDF: test.numeratorDF, denominatorDF: test.denominatorDF, f: test.f, pValue: test.pValue))
        }
        self.rows = rows
    }
}
