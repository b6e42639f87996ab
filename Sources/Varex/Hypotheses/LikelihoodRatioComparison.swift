#if canImport(Glibc)
import Glibc
#endif

/// Nested models fitted by maximum likelihood compared by likelihood-ratio tests, as lme4's
/// `anova(m1, m2, ...)`: the models ordered by their number of parameters (a stable order:
/// ties keep the order given), each against the one before with χ² = the drop in deviance
/// (−2 log L) on the difference in parameters.
public struct LikelihoodRatioComparison: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The model's place in the order given.
        public let model: Int
        public let parameters: Int
        public let aic: Double
        public let bic: Double
        public let logLikelihood: Double
        public var deviance: Double { -2 * logLikelihood }
        /// Against the model before (nil on the first row).
        public let chiSquare: Double?
        public let df: Int?
        public let pValue: Double?
    }
    public let rows: [Row]

    /// `models` in the order given: each one's ML log-likelihood, number of parameters (fixed
    /// effects, covariance parameters and σ) and observations.
    public init(models: [(logLikelihood: Double, parameters: Int, n: Int)]) {
        let order = models.indices.sorted { (models[$0].parameters, $0) < (models[$1].parameters, $1) }
        var rows: [Row] = []
        for (k, i) in order.enumerated() {
            let m = models[i], p = Double(m.parameters)
            let aic = -2 * m.logLikelihood + 2 * p, bic = -2 * m.logLikelihood + log(Double(m.n)) * p
            guard k > 0 else {
                rows.append(Row(model: i, parameters: m.parameters, aic: aic, bic: bic, logLikelihood: m.logLikelihood,
                                chiSquare: nil, df: nil, pValue: nil))
                continue
            }
            let before = models[order[k - 1]]
            let chi = max(2 * (m.logLikelihood - before.logLikelihood), 0)
            let df = m.parameters - before.parameters
            rows.append(Row(model: i, parameters: m.parameters, aic: aic, bic: bic, logLikelihood: m.logLikelihood,
                            chiSquare: chi, df: df, pValue: df > 0 ? ChiSquared(df: Double(df)).survival(chi) : nil))
        }
        self.rows = rows
    }
}
