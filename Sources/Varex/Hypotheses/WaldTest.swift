import VarexLinearAlgebra

/// A joint F test that some linear combinations of the coefficients are all zero.
public struct WaldTest: Sendable, Equatable {
    /// F = (Lb)ᵀ(LVLᵀ)⁻¹(Lb) / q.
    public let statistic: Double
    /// q, the number of independent restrictions.
    public let df1: Int
    /// The residual degrees of freedom of the fit.
    public let df2: Int
    public let pValue: Double
    /// (Lb)ᵀ(LVLᵀ)⁻¹(Lb) σ̂² with the classical covariance: the hypothesis's sum of squares
    /// (`car::linearHypothesis`'s "Sum of Sq"); nil with a sandwich covariance.
    public let sumOfSquares: Double?

    static func undefined(df1: Int, df2: Int) -> WaldTest {
        WaldTest(statistic: .nan, df1: df1, df2: df2, pValue: .nan, sumOfSquares: nil)
    }
}

extension LinearFit {
    /// The Wald F test of L·b = 0, where `hypothesis` is q × (estimable columns), in the order of
    /// ``estimable``, and V the chosen covariance of those coefficients: F = (Lb)ᵀ(LVLᵀ)⁻¹(Lb)/q on
    /// q and n − rank degrees of freedom, as `car::linearHypothesis(fit, L, vcov. = V, test = "F")`
    /// and `lmtest::waldtest`. With a sandwich covariance that is NaN (leverage 1), so is F.
    public func waldTest(hypothesis l: Matrix, covariance type: CovarianceType) throws -> WaldTest {
        let v = try estimableCovariance(type)
        return try waldTest(hypothesis: l, estimableCovariance: v, classical: type == .classical, df2: testDegreesOfFreedom(type))
    }

    /// The Wald F test that the coefficients of the design columns `columns` are all zero
    /// (aliased columns are left out, as they are not estimated): `lmtest::waldtest` of the fit
    /// against the fit without those columns.
    public func waldTest(columns: [Int], covariance type: CovarianceType) throws -> WaldTest {
        let est = estimable
        let positions = columns.compactMap { est.firstIndex(of: $0) }
        var l = Matrix(rows: positions.count, columns: est.count)
        for (r, k) in positions.enumerated() { l[r, k] = 1 }
        return try waldTest(hypothesis: l, covariance: type)
    }

    /// The chosen covariance of the estimable coefficients (rank × rank, in ``estimable`` order).
    func estimableCovariance(_ type: CovarianceType) throws -> Matrix {
        let full = try covariance(type)
        let est = estimable
        var v = Matrix(rows: est.count, columns: est.count)
        for (a, ja) in est.enumerated() { for (b, jb) in est.enumerated() { v[a, b] = full[ja, jb] } }
        return v
    }

    func waldTest(hypothesis l: Matrix, estimableCovariance v: Matrix, classical: Bool, df2: Int? = nil) throws -> WaldTest {
        let q = l.rows, p = l.columns
        let d2 = df2 ?? dfResidual
        guard q > 0 else { return .undefined(df1: 0, df2: d2) }
        if v.storage.contains(where: { $0.isNaN }) || d2 == 0 { return .undefined(df1: q, df2: d2) }
        let b = estimable.map { coefficients[$0] }
        var lb = [Double](repeating: 0, count: q)
        for r in 0..<q { for k in 0..<p { lb[r] += l[r, k] * b[k] } }
        let lv = try l.multiplied(by: v)
        let lvl = try lv.multiplied(by: l, transposeOther: true)
        let x: [Double]
        do { x = try lvl.solvingSymmetricPositiveDefinite(lb) } catch { return .undefined(df1: q, df2: d2) }
        let wald = zip(lb, x).reduce(0) { $0 + $1.0 * $1.1 }
        let f = wald / Double(q)
        return WaldTest(statistic: f, df1: q, df2: d2, pValue: FDistribution(df1: Double(q), df2: Double(d2)).survival(f),
                        sumOfSquares: classical ? wald * residualVariance : nil)
    }
}
