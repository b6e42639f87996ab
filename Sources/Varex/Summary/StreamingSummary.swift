import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

extension StreamingFit {
    /// The summary, as `summary.lm` gives it (residual quantiles only when `residuals` are given).
    /// With `robust` (a sandwich covariance from ``covariance(_:open:)``), the standard errors,
    /// t tests (on G − 1 clusters when clustered, unless `clusterTestDF` is residual) and the
    /// overall Wald F use it, as the fit in memory does; under CR2 each coefficient is tested on
    /// its own Satterthwaite df (`satterthwaite`, from ``StreamingCR2``).
    public func summary(level: Double = 0.95, residualQuantiles: [Double] = [],
                        robust: (type: CovarianceType, covariance: Matrix, clusterCounts: [Int])? = nil,
                        satterthwaite: [Double]? = nil,
                        clusterTestDF: ClusterTestDF = .clusters, anova: Bool = false) throws -> FitSummary {
        let df = Double(dfResidual)
        let testDF: Int = robust.map { r in
            r.type.isClustered && clusterTestDF == .clusters ? max((r.clusterCounts.min() ?? 1) - 1, 0) : dfResidual
        } ?? dfResidual
        let dist = StudentT(df: Double(testDF))
        let tq = dist.quantile(1 - (1 - level) / 2)
        let s2 = rss / df
        let rows = columnNames.indices.map { j -> CoefficientRow in
            let se = robust.map { $0.covariance[j, j].squareRoot() } ?? (unscaledCovariance[j, j] * s2).squareRoot()
            let t = coefficients[j] / se
            if let satterthwaite {
                let own = StudentT(df: satterthwaite[j]), q = own.quantile(1 - (1 - level) / 2)
                return CoefficientRow(term: columnNames[j], estimate: coefficients[j], standardError: se, t: t,
                                      pValue: own.twoSidedPValue(t), confidenceLow: coefficients[j] - q * se,
                                      confidenceHigh: coefficients[j] + q * se, degreesOfFreedom: satterthwaite[j])
            }
            return CoefficientRow(term: columnNames[j], estimate: coefficients[j], standardError: se, t: t,
                                  pValue: dist.twoSidedPValue(t), confidenceLow: coefficients[j] - tq * se,
                                  confidenceHigh: coefficients[j] + tq * se)
        }
        let mss = totalSumOfSquares - rss
        let r2 = mss / (mss + rss)
        let dfInt = formula.hasIntercept ? 1.0 : 0.0
        let q = p - (formula.hasIntercept ? 1 : 0)
        var overall: OverallTest? = nil
        if q > 0, let robust {
            // The Wald F on the non-intercept coefficients with the sandwich covariance.
            let idx = columnNames.indices.filter { !(formula.hasIntercept && columnNames[$0] == "(Intercept)") }
            var v = Matrix(rows: idx.count, columns: idx.count), b = Matrix(rows: idx.count, columns: 1)
            for (a, ja) in idx.enumerated() {
                b[a, 0] = coefficients[ja]
                for (c, jc) in idx.enumerated() { v[a, c] = robust.covariance[ja, jc] }
            }
            if let solved = try? Cholesky(v).solve(b) {
                var w = 0.0
                for a in idx.indices { w += b[a, 0] * solved[a, 0] }
                let f = w / Double(q)
                overall = OverallTest(statistic: f, df1: q, df2: testDF, pValue: FDistribution(df1: Double(q), df2: Double(testDF)).survival(f))
            }
        } else if q > 0 {
            let f = (mss / Double(q)) / s2
            overall = OverallTest(statistic: f, df1: q, df2: dfResidual, pValue: FDistribution(df1: Double(q), df2: df).survival(f))
        }
        let nn = Double(n)
        let constant: Double = log(2 * Double.pi) + 1 - log(nn)
        let logLik: Double = 0.5 * sumLogWeights - 0.5 * nn * (constant + log(rss))
        return FitSummary(formula: formula.text, response: responseLabel, n: n, dropped: dropped, rank: p, coefficients: rows,
                          sigma: s2.squareRoot(), rSquared: r2, adjustedRSquared: 1 - (1 - r2) * ((nn - dfInt) / df),
                          overall: overall, logLikelihood: logLik, aic: -2 * logLik + 2 * Double(p + 1),
                          bic: -2 * logLik + log(nn) * Double(p + 1), deviance: rss, level: level, residualQuantiles: residualQuantiles,
                          warnings: [], covariance: robust?.type ?? .classical,
                          clusters: robust.map { r in zip(clusters, r.clusterCounts).map { ($0, $1) } } ?? [], testDegreesOfFreedom: testDF,
                          anova: anova ? (sequentialAnova(), try typeIIAnova(covariance: robust?.type ?? .classical, robust: robust?.covariance,
                                                                             df2: testDF)) : nil)
    }
}
