/// The fixed effects' table of a mixed model with Satterthwaite's df, as lmerTest's `summary`:
/// t = estimate / SE on df, two-sided p, and a `level` confidence interval estimate ± t(df) × SE.
extension LinearMixedFit {
    public func coefficientTable(_ satterthwaite: Satterthwaite, level: Double = 0.95) -> [CoefficientRow] {
        let se = standardErrors
        return (0..<p).map { j in
            let t = StudentT(df: satterthwaite.degreesOfFreedom[j])
            let q = t.quantile(1 - (1 - level) / 2)
            return CoefficientRow(term: coefficientNames[j], estimate: beta[j], standardError: se[j], t: beta[j] / se[j],
                                  pValue: t.twoSidedPValue(beta[j] / se[j]),
                                  confidenceLow: beta[j] - q * se[j], confidenceHigh: beta[j] + q * se[j])
        }
    }
}
