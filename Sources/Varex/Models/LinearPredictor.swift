import VarexLinearAlgebra

/// A fitted linear predictor, apart from the data it was fitted on: the schema that codes new
/// rows, the coefficients, their covariance, σ̂ and the residual degrees of freedom. Everything
/// `predict.lm` needs, and what `varex fit --save-model` writes.
public struct LinearPredictor: Sendable {
    public let schema: ModelSchema
    /// By design column; NaN for aliased columns (left out of every prediction, as R does).
    public let coefficients: [Double]
    /// The coefficients' covariance of type ``covarianceType`` (p × p, NaN for aliased).
    public let covariance: Matrix
    public let covarianceType: CovarianceType
    /// σ̂, the residual standard error (of a unit weight when the fit was weighted).
    public let sigma: Double
    public let dfResidual: Int

    public init(schema: ModelSchema, coefficients: [Double], covariance: Matrix, covarianceType: CovarianceType,
                sigma: Double, dfResidual: Int) {
        self.schema = schema
        self.coefficients = coefficients
        self.covariance = covariance
        self.covarianceType = covarianceType
        self.sigma = sigma
        self.dfResidual = dfResidual
    }

    /// Whether a coefficient is aliased, so predictions rest on a rank-deficient fit (R warns).
    public var isRankDeficient: Bool { coefficients.contains { $0.isNaN } }

    /// Fitted values for the coded rows with `level` confidence and prediction intervals, as
    /// `predict.lm(fit, newdata, interval = ..., level = ..., weights = ...)`: se.fit = √(x V xᵀ)
    /// with V the predictor's covariance (classical: R's own; a sandwich type: the same formula
    /// with that covariance), the prediction variance se.fit² + σ̂²/w with w = 1 unless
    /// `weights` (one per coded row) says otherwise, and t quantiles on the residual df.
    /// `extraVariance` (one per coded row) adds a variance the coefficients do not carry: the
    /// absorbed effects' part of an absorbed fit's prediction (NaN: unknown, so no SE or interval).
    public func predict(_ rows: SchemaRows, level: Double = 0.95, weights: [Double]? = nil, extraVariance: [Double]? = nil) -> [Prediction] {
        let est = coefficients.indices.filter { !coefficients[$0].isNaN }
        let t = dfResidual > 0 ? StudentT(df: Double(dfResidual)).quantile(1 - (1 - level) / 2) : .nan
        let n = rows.rows.count
        return (0..<n).map { i in
            var fit: Extended = rows.offset?[i] ?? 0
            for j in est { fit += rows.x[i, j] * Extended(coefficients[j]) }
            var variance = extraVariance?[i] ?? 0
            for a in est {
                let xa = Double(rows.x[i, a])
                guard xa != 0 else { continue }
                for b in est { variance += xa * covariance[a, b] * Double(rows.x[i, b]) }
            }
            let se = max(variance, 0).squareRoot()
            let w = weights?[i] ?? 1
            let sp = (variance + sigma * sigma / w).squareRoot()
            let f = Double(fit)
            return Prediction(fit: f, standardError: se, confidenceLow: f - t * se, confidenceHigh: f + t * se,
                              predictionLow: f - t * sp, predictionHigh: f + t * sp)
        }
    }
}

/// One prediction: the fitted value, its standard error, and the two intervals.
public struct Prediction: Sendable, Equatable {
    public let fit: Double
    public let standardError: Double
    public let confidenceLow: Double
    public let confidenceHigh: Double
    public let predictionLow: Double
    public let predictionHigh: Double
}

extension LinearFit {
    /// This fit's predictor, its covariance of type `type`.
    public func predictor(covariance type: CovarianceType = .classical) throws -> LinearPredictor {
        LinearPredictor(schema: design.schema, coefficients: coefficients, covariance: try covariance(type),
                        covarianceType: type, sigma: sigma, dfResidual: dfResidual)
    }
}
