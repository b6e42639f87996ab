import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// What every fitted model answers, whatever its kind: the verbs of StatsAPI.jl (`coef`,
/// `coefnames`, `vcov`, `nobs`, `dof_residual`, `loglikelihood`, `deviance`, `aic`, `bic`,
/// `fitted`, `residuals`) and R's generics of the same names. Writers and comparisons take a
/// `FittedModel`, not a family; a new kind of model conforms here and every writer takes it.
public protocol FittedModel: Sendable {
    /// The coefficients' names, in the design's column order.
    var coefficientNames: [String] { get }
    /// The estimates (NaN for a coefficient that is not estimable).
    var coefficientEstimates: [Double] { get }
    /// The coefficients' covariance of type `type` (p × p, NaN for the not estimable); an
    /// error where the kind does not define that type.
    func coefficientCovariance(_ type: CovarianceType) throws -> Matrix
    /// broom's `tidy`: one row per coefficient with covariance `type` and `level` intervals.
    func coefficientRows(covariance type: CovarianceType, level: Double) throws -> [CoefficientRow]
    /// The number of observations used.
    var observationCount: Int { get }
    /// The residual degrees of freedom (nil where the kind has none, as a mixed model).
    var residualDegreesOfFreedom: Double? { get }
    /// The maximised log-likelihood (nil where the kind has none: the quasi families).
    var logLikelihoodValue: Double? { get }
    /// R's `deviance()`: the residual sum of squares of a linear model, a GLM's deviance, an ML
    /// mixed model's −2 log-likelihood (nil for REML, whose criterion is not a deviance).
    var devianceValue: Double? { get }
    var aicValue: Double? { get }
    var bicValue: Double? { get }
    /// The fitted values on the response scale, one per observation used.
    var fittedValues: [Double] { get }
    /// The response residuals (observed − fitted), one per observation used.
    var responseResiduals: [Double] { get }
}

/// A fit by (iteratively re)weighted least squares on a design's columns (a linear model, a
/// GLM): what ``FittedModel`` asks is read the same way from both.
public protocol LeastSquaresFit: FittedModel {
    var terms: [String] { get }
    var coefficients: [Double] { get }
    var n: Int { get }
    var dfResidual: Int { get }
    func covariance(_ type: CovarianceType) throws -> Matrix
    func coefficientTable(covariance type: CovarianceType, level: Double) throws -> [CoefficientRow]
}

extension LeastSquaresFit {
    public var coefficientNames: [String] { terms }
    public var coefficientEstimates: [Double] { coefficients }
    public func coefficientCovariance(_ type: CovarianceType) throws -> Matrix { try covariance(type) }
    public func coefficientRows(covariance type: CovarianceType, level: Double) throws -> [CoefficientRow] {
        try coefficientTable(covariance: type, level: level)
    }
    public var observationCount: Int { n }
    public var residualDegreesOfFreedom: Double? { Double(dfResidual) }
}

extension LinearFit: LeastSquaresFit {
    public var logLikelihoodValue: Double? { logLikelihood }
    public var devianceValue: Double? { weightedRSS }
    public var aicValue: Double? { aic }
    public var bicValue: Double? { bic }
    public var fittedValues: [Double] { fitted }
    public var responseResiduals: [Double] { residuals }
}
