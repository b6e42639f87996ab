import VarexLinearAlgebra

extension StreamingFit {
    /// `anova(fit)` of a fit read in blocks, from the R factor of [X y] alone: the columns are
    /// in the formula's order, so the effects Qᵀy (R's last column) square to each term's
    /// sequential sum of squares, as `anova.lm` takes them from `fit$effects`.
    public func sequentialAnova() -> AnovaTable {
        let w = p + 1
        let s2 = rss / Double(dfResidual)
        var rows: [AnovaRow] = []
        for (t, term) in formula.terms.enumerated() {
            let columns = assign.indices.filter { assign[$0] == t }
            guard !columns.isEmpty else { continue }
            var ss = 0.0
            for j in columns { ss += qr.r[j + p * w] * qr.r[j + p * w] }
            let f = (ss / Double(columns.count)) / s2
            rows.append(AnovaRow(term: term.label, df: columns.count, sumOfSquares: ss, f: f,
                                 pValue: FDistribution(df1: Double(columns.count), df2: Double(dfResidual)).survival(f)))
        }
        rows.append(AnovaRow(term: "Residuals", df: dfResidual, sumOfSquares: rss, f: nil, pValue: nil))
        return AnovaTable(kind: .sequential, covariance: .classical, rows: rows)
    }

    /// `car::Anova(fit, type = "II")` of a fit read in blocks: each term's Wald F after every
    /// term that does not contain it (car's conjugate hypothesis, as in memory), with the
    /// classical covariance σ̂²(XᵀWX)⁻¹ (its sum of squares the Wald statistic times σ̂²) or
    /// `robust`, the sandwich the covariance pass made, on `df2` denominator df.
    public func typeIIAnova(covariance type: CovarianceType = .classical, robust: Matrix? = nil, df2: Int? = nil) throws -> AnovaTable {
        let s2 = rss / Double(dfResidual)
        var v = robust ?? unscaledCovariance
        if robust == nil { for k in v.storage.indices { v.storage[k] *= s2 } }
        let d2 = df2 ?? dfResidual
        let terms = formula.terms
        let positions: [[Int]] = terms.indices.map { t in assign.indices.filter { assign[$0] == t } }
        var rows: [AnovaRow] = []
        for (t, term) in terms.enumerated() where !positions[t].isEmpty {
            let variables = Set(term.variables)
            let relatives = terms.indices.filter { $0 != t && variables.isSubset(of: Set(terms[$0].variables)) }.flatMap { positions[$0] }
            let l = try AnovaTable.hypothesis(relatives: relatives, all: relatives + positions[t], estimable: p, covariance: v)
            let q = l.rows
            guard q > 0 else { continue }
            var lb = [Double](repeating: 0, count: q)
            for r in 0..<q { for k in 0..<p { lb[r] += l[r, k] * coefficients[k] } }
            let lvl = try l.multiplied(by: v).multiplied(by: l, transposeOther: true)
            guard let x = try? lvl.solvingSymmetricPositiveDefinite(lb), d2 > 0 else {
                rows.append(AnovaRow(term: term.label, df: q, sumOfSquares: nil, f: nil, pValue: nil))
                continue
            }
            let wald = zip(lb, x).reduce(0) { $0 + $1.0 * $1.1 }, f = wald / Double(q)
            rows.append(AnovaRow(term: term.label, df: q, sumOfSquares: robust == nil ? wald * s2 : nil, f: f,
                                 pValue: FDistribution(df1: Double(q), df2: Double(d2)).survival(f)))
        }
        rows.append(AnovaRow(term: "Residuals", df: d2, sumOfSquares: robust == nil ? rss : nil, f: nil, pValue: nil))
        return AnovaTable(kind: .typeII, covariance: type, rows: rows)
    }
}
