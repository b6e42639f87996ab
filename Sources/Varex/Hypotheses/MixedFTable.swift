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

/// lmerTest's `anova(fit)` (Type III): each term's contrasts tested jointly
/// (``Satterthwaite/test(_:beta:)``), with F·σ̂² as its mean square. For a term no other term
/// contains, the hypothesis is that its coefficients are zero (Type II's too); a term inside an
/// interaction has lmerTest's Type III contrasts (``TypeIIIContrasts``).
public struct MixedFTable: Sendable, Equatable {
    public let rows: [MixedFRow]

    /// `table`: the fit's data, for the contrasts of a term an interaction contains.
    public init(_ fit: LinearMixedFit, _ satterthwaite: Satterthwaite, table: Table) throws {
        let design = fit.design.fixed
        let terms = design.formula.terms
        let p = fit.p
        var rows: [MixedFRow] = []
        var typeIII: [Int: Matrix]? = nil
        for (t, term) in terms.enumerated() {
            let variables = Set(term.variables)
            let columns = design.assign.indices.filter { design.assign[$0] == t }
            guard !columns.isEmpty else { continue }
            var l = Matrix(rows: columns.count, columns: p)
            for (r, j) in columns.enumerated() { l[r, j] = 1 }
            if terms.indices.contains(where: { $0 != t && variables.isSubset(of: Set(terms[$0].variables)) }) {
                if typeIII == nil { typeIII = try TypeIIIContrasts.make(fit: fit, table: table) }
                l = typeIII?[t] ?? l
            }
            let test = try satterthwaite.test(l, beta: fit.beta)
            let ms = test.f * fit.sigma * fit.sigma
            rows.append(MixedFRow(term: term.label, sumOfSquares: ms * Double(test.numeratorDF), meanSquare: ms,
                                  numeratorDF: test.numeratorDF, denominatorDF: test.denominatorDF, f: test.f, pValue: test.pValue))
        }
        self.rows = rows
    }
}
