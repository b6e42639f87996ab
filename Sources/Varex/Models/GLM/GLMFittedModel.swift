#if canImport(Glibc)
import Glibc
#endif
import VarexLinearAlgebra

extension GeneralizedLinearFit: LeastSquaresFit {
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
