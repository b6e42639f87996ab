import VarexLinearAlgebra

/// A Wald test on a GLM's coefficients: χ² = bᵀV⁻¹b on q df for a family with a fixed
/// dispersion (binomial, Poisson: the z tests of `summary.glm`), or F = χ²/q on q and the test df
/// for one that estimates it (the t tests), as `car::linearHypothesis(fit, …, vcov. = V, test =
/// "Chisq" | "F")`.
public struct GLMWaldTest: Sendable, Equatable {
    /// χ², or F.
    public let statistic: Double
    /// Whether `statistic` is an F (else a χ²).
    public let isF: Bool
    public let df1: Int
    /// The denominator df of an F; nil for a χ².
    public let df2: Int?
    public let pValue: Double
}

extension GeneralizedLinearFit {
    /// The Wald test that the coefficients of `columns` are all zero (aliased ones left out),
    /// with the covariance of `type`.
    public func waldTest(columns: [Int], covariance type: CovarianceType) throws -> GLMWaldTest {
        let chosen = columns.filter { !isAliased[$0] }
        let q = chosen.count
        let f = !family.usesZ, d2 = testDegreesOfFreedom(type)
        let v = try covariance(type)
        var sub = Matrix(rows: q, columns: q)
        for (a, ja) in chosen.enumerated() { for (b, jb) in chosen.enumerated() { sub[a, b] = v[ja, jb] } }
        let b = chosen.map { coefficients[$0] }
        guard q > 0, !sub.storage.contains(where: { !$0.isFinite }), let x = try? sub.solvingSymmetricPositiveDefinite(b) else {
            return GLMWaldTest(statistic: .nan, isF: f, df1: q, df2: f ? d2 : nil, pValue: .nan)
        }
        let chi2 = zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
        if f {
            let stat = chi2 / Double(q)
            return GLMWaldTest(statistic: stat, isF: true, df1: q, df2: d2,
                               pValue: d2 > 0 ? FDistribution(df1: Double(q), df2: Double(d2)).survival(stat) : .nan)
        }
        return GLMWaldTest(statistic: chi2, isF: false, df1: q, df2: nil, pValue: ChiSquared(df: Double(q)).survival(chi2))
    }
}
