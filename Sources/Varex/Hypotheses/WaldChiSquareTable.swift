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
            let q = columns.count
            var v = Matrix(rows: q, columns: q)
            for (a, ja) in columns.enumerated() { for (b, jb) in columns.enumerated() { v[a, b] = fit.covariance[ja, jb] } }
            let b = columns.map { fit.beta[$0] }
            guard !v.storage.contains(where: { !$0.isFinite }), let x = try? v.solvingSymmetricPositiveDefinite(b) else {
                return Row(term: label, chiSquare: .nan, df: q, pValue: .nan)
            }
            let chi2 = zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
            return Row(term: label, chiSquare: chi2, df: q, pValue: ChiSquared(df: Double(q)).survival(chi2))
        }
    }
}
