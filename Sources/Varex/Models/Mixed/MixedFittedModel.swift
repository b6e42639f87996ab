import VarexLinearAlgebra

extension LinearMixedFit: FittedModel {
    public var coefficientEstimates: [Double] { beta }
    /// lme4's `vcov(fit)`; a sandwich type is not defined for it here.
    public func coefficientCovariance(_ type: CovarianceType) throws -> Matrix {
        guard type == .classical else { throw MixedModelError.notSupported("\(type.rawValue) covariance") }
        return covariance
    }
    /// Wald rows on the normal quantile, as lme4's `summary` (lmerTest's Satterthwaite rows come
    /// from ``coefficientTable(_:level:)``).
    public func coefficientRows(covariance type: CovarianceType, level: Double) throws -> [CoefficientRow] {
        let v = try coefficientCovariance(type)
        let q = Normal.quantile(1 - (1 - level) / 2)
        return coefficientNames.indices.map { j in
            let b = beta[j], se = v[j, j].squareRoot(), z = b / se
            return CoefficientRow(term: coefficientNames[j], estimate: b, standardError: se, t: z, pValue: 2 * Normal.survival(abs(z)),
                                  confidenceLow: b - q * se, confidenceHigh: b + q * se)
        }
    }
    public var observationCount: Int { n }
    public var residualDegreesOfFreedom: Double? { nil }
    public var logLikelihoodValue: Double? { logLikelihood }
    public var devianceValue: Double? { reml ? nil : criterion }
    public var aicValue: Double? { aic }
    public var bicValue: Double? { bic }
    public var fittedValues: [Double] { fitted }
    public var responseResiduals: [Double] { residuals }
}
