import VarexLinearAlgebra

/// `car::Anova(fit, type = 3)` of a GLMM: the intercept and each term's coefficients tested
/// jointly by a Wald χ² = bᵀV⁻¹b on as many df as the term has columns, V lme4's vcov. Like
/// car's, a term inside an interaction is tested on its own columns (with treatment coding that
/// is the term's effect where the others in its interaction are at their reference level).
public struct WaldChiSquareTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let term: String
        public let chiSquare: Double
        public let df: Int
        public let pValue: Double
    }
    public let rows: [Row]

    public init(_ fit: GeneralizedLinearMixedFit) {
        let design = fit.design.fixed
        var groups: [(String, [Int])] = []
        if let k = design.assign.firstIndex(of: -1) { groups.append(("(Intercept)", [k])) }
        for (t, term) in design.formula.terms.enumerated() {
            let columns = design.assign.indices.filter { design.assign[$0] == t }
            if !columns.isEmpty { groups.append((term.label, columns)) }
        }
        rows = groups.map { label, columns in
            let t = fit.waldTest(columns: columns)
            return Row(term: label, chiSquare: t.statistic, df: t.df1, pValue: t.pValue)
        }
    }
}

extension GeneralizedLinearMixedFit {
    /// The Wald χ² test that the coefficients of `columns` are all zero, with lme4's vcov.
    public func waldTest(columns: [Int]) -> GLMWaldTest {
        let q = columns.count
        var v = Matrix(rows: q, columns: q)
        for (a, ja) in columns.enumerated() { for (b, jb) in columns.enumerated() { v[a, b] = covariance[ja, jb] } }
        let b = columns.map { beta[$0] }
        guard q > 0, !v.storage.contains(where: { !$0.isFinite }), let x = try? v.solvingSymmetricPositiveDefinite(b) else {
            return GLMWaldTest(statistic: .nan, isF: false, df1: q, df2: nil, pValue: .nan)
        }
        let chi2 = zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
        return GLMWaldTest(statistic: chi2, isF: false, df1: q, df2: nil, pValue: ChiSquared(df: Double(q)).survival(chi2))
    }
}
