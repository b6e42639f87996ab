import VarexLinearAlgebra

/// One row of the coefficient table.
public struct CoefficientRow: Sendable, Equatable {
    public let term: String
    /// NaN when the term is aliased (not estimable).
    public let estimate: Double
    public let standardError: Double
    public let t: Double
    public let pValue: Double
    public let confidenceLow: Double
    public let confidenceHigh: Double
    /// The degrees of freedom of this coefficient's t test and interval: a coefficient's own
    /// Satterthwaite df under CR2 (or in a mixed model); NaN where every coefficient shares
    /// the model's df (`FitSummary.testDegreesOfFreedom`).
    public var degreesOfFreedom: Double = .nan
    /// Whether the term is aliased: all numbers are then NaN (`NA` / `null` in outputs).
    public var isAliased: Bool { estimate.isNaN }

    /// The row of an aliased term: every number NaN.
    static func aliased(_ term: String) -> CoefficientRow {
        CoefficientRow(term: term, estimate: .nan, standardError: .nan, t: .nan, pValue: .nan, confidenceLow: .nan, confidenceHigh: .nan)
    }
}

/// An overall test that every coefficient but the intercept is zero.
public struct OverallTest: Sendable, Equatable {
    public let statistic: Double
    public let df1: Int
    public let df2: Int
    public let pValue: Double
}

extension LinearFit {
    /// Estimates, standard errors, t statistics, two-sided p-values and `level` confidence
    /// intervals, using t with n − rank degrees of freedom (as `summary.lm` and `lmtest::coeftest`),
    /// G − 1 for CR0/CR1, and each coefficient's Satterthwaite df for CR2.
    public func coefficientTable(covariance type: CovarianceType = .classical, level: Double = 0.95) throws -> [CoefficientRow] {
        // CR2 tests each coefficient on its own Satterthwaite df (clubSandwich's coef_test).
        let cr2 = type == .cr2 ? try BellMcCaffrey(fit: self) : nil
        let v = try cr2?.covariance ?? covariance(type)
        let common = Double(testDegreesOfFreedom(type))
        return terms.indices.map { j in
            let b = coefficients[j]
            guard !b.isNaN else { return .aliased(terms[j]) }
            let dist = StudentT(df: cr2?.degreesOfFreedom[j] ?? common)
            let tq = dist.quantile(1 - (1 - level) / 2)
            let se = v[j, j].squareRoot()
            let t = b / se
            return CoefficientRow(term: terms[j], estimate: b, standardError: se, t: t,
                                  pValue: dist.twoSidedPValue(t), confidenceLow: b - tq * se, confidenceHigh: b + tq * se,
                                  degreesOfFreedom: cr2?.degreesOfFreedom[j] ?? .nan)
        }
    }

    /// The overall F test. With classical standard errors this is `summary.lm`'s F; with a
    /// sandwich covariance it is the Wald test bᵀV⁻¹b / q on the non-intercept coefficients,
    /// as `lmtest::waldtest(fit, vcov = vcovHC(fit, type))` computes it.
    public func overallTest(covariance type: CovarianceType = .classical) throws -> OverallTest? {
        guard fDegreesOfFreedom > 0 else { return nil }
        // A robust Wald test covers the coefficients it has a covariance for: with absorbed
        // factors, those of the columns left (fixest's joint-nullity Wald test).
        let d1 = type == .classical ? fDegreesOfFreedom : estimable.filter { terms[$0] != "(Intercept)" }.count
        let d2 = testDegreesOfFreedom(type)
        guard d1 > 0 else { return nil }
        guard dfResidual > 0 else { return OverallTest(statistic: .nan, df1: d1, df2: d2, pValue: .nan) }
        let f: Double
        if type == .classical {
            guard let fs = fStatistic else { return nil }
            f = fs
        } else {
            let v = try covariance(type)
            let idx = estimable.filter { terms[$0] != "(Intercept)" }
            var sub = Matrix(rows: idx.count, columns: idx.count)
            for (a, ja) in idx.enumerated() { for (b, jb) in idx.enumerated() { sub[a, b] = v[ja, jb] } }
            let b = idx.map { coefficients[$0] }
            if sub.storage.contains(where: { $0.isNaN }) { return OverallTest(statistic: .nan, df1: d1, df2: d2, pValue: .nan) }
            guard let x = try? sub.solvingSymmetricPositiveDefinite(b) else { return nil }
            f = zip(b, x).reduce(0) { $0 + $1.0 * $1.1 } / Double(idx.count)
        }
        return OverallTest(statistic: f, df1: d1, df2: d2, pValue: FDistribution(df1: Double(d1), df2: Double(d2)).survival(f))
    }
}
