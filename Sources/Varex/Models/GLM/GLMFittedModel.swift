#if canImport(Glibc)
import Glibc
#endif
import VarexLinearAlgebra

extension GeneralizedLinearFit: FittedModel {
    public var coefficientNames: [String] { terms }
    public var coefficientEstimates: [Double] { coefficients }
    public func coefficientCovariance(_ type: CovarianceType) throws -> Matrix { try covariance(type) }
    public func coefficientRows(covariance type: CovarianceType, level: Double) throws -> [CoefficientRow] {
        try coefficientTable(covariance: type, level: level)
    }
    public var observationCount: Int { n }
    public var residualDegreesOfFreedom: Double? { Double(dfResidual) }
    public var logLikelihoodValue: Double? { logLikelihood }
    public var devianceValue: Double? { deviance }
    public var aicValue: Double? { aic }
    /// R's `BIC(fit)`: −2 log L + log(n) × (rank, + 1 for a family with a dispersion), n the
    /// observations with a positive prior weight.
    public var bicValue: Double? {
        let k = Double(rank + (family.likelihoodCountsDispersion ? 1 : 0))
        let used = Double(priorWeights.filter { $0 > 0 }.count)
        return logLikelihood.map { -2 * $0 + log(used) * k }
    }
    public var fittedValues: [Double] { mu }
}
