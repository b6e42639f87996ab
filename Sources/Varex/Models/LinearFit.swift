import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// The result of a linear fit: one immutable value. Everything else (σ, R², F, log-likelihood,
/// covariances, influence measures) is a small function of it, computed on demand.
public struct LinearFit: Sendable {
    /// The design that was fitted (names, rows used, rows left out).
    public let design: DesignMatrix
    /// Coefficients by design column; NaN for aliased columns.
    public let coefficients: [Double]
    /// Whether each design column is aliased (not estimable).
    public let isAliased: [Bool]
    /// Numerical rank of the design.
    public let rank: Int
    /// Fitted values of the rows used.
    public let fitted: [Double]
    /// Residuals y − ŷ of the rows used (unweighted, like R's `residuals()`).
    public let residuals: [Double]
    /// Case weights of the rows used, if weighted.
    public let weights: [Double]?
    /// Σ w r².
    public let weightedRSS: Double
    /// (XᵀWX)⁻¹ for the estimable columns, by design column (NaN for aliased).
    public let unscaledCovariance: Matrix
    /// The squared row norms of the first `rank` columns of Q for the weighted design: the
    /// leverage within the design's columns, kept instead of Q itself (n, not n × rank, numbers).
    public let qRowNorms: [Double]
    /// Condition estimate of the scaled, weighted design.
    public let conditionEstimate: Double
    /// How the design was factored (Householder QR, or CholeskyQR2 for tall well-conditioned designs).
    public let method: LeastSquaresSolution.Method
    /// Relative tolerance used for aliasing.
    public let tolerance: Double
    /// The last refinement correction relative to the coefficients (see
    /// ``LeastSquaresSolution/lastCorrection``): large when refinement stalled.
    public let refinementCorrection: Double
    /// The weighted problem (√w·X, √w·y) that was solved.
    public let weighted: WeightedDesign

    /// Number of observations used (rows with a positive weight).
    public var n: Int { residuals.count }
    /// Residual degrees of freedom n − rank.
    public var dfResidual: Int { n - parameterCount }
    /// Parameters the absorbed factors' dummy columns would use (0 without `--absorb`).
    public var absorbedParameters: Int { design.absorbed?.parameters ?? 0 }
    /// The parameters of the model: the estimable coefficients and the absorbed ones.
    public var parameterCount: Int { rank + absorbedParameters }
    /// Whether the model has an intercept.
    public var hasIntercept: Bool { design.formula.hasIntercept }
    /// The design column names.
    public var terms: [String] { design.columnNames }

    /// Weight of row i (1 when unweighted).
    @inline(__always) public func weight(_ i: Int) -> Double { weights?[i] ?? 1 }
    /// √w r, the residuals of the weighted problem.
    public var weightedResiduals: [Double] {
        guard let root = weighted.root else { return residuals }
        return (0..<n).map { residuals[$0] * Double(root[$0]) }
    }

    /// Residual standard error σ̂ = √(Σ w r² / (n − rank)); NaN with no residual degrees of
    /// freedom (R: the residuals are exactly 0, and 0/0 is NaN).
    public var sigma: Double { residualVariance.squareRoot() }

    /// σ̂² = Σ w r² / (n − rank), NaN when n = rank.
    public var residualVariance: Double { dfResidual == 0 ? .nan : weightedRSS / Double(dfResidual) }

    /// Σ w (ŷ − ȳ_w)² with an intercept, Σ w ŷ² without (R's `summary.lm`; R 4.2 keeps an
    /// offset in ŷ, and so does Varex, so R² and F agree with it).
    public var modelSumOfSquares: Double {
        let f = fitted
        var sw = 0.0, swf = 0.0
        for i in 0..<n { sw += weight(i); swf += weight(i) * f[i] }
        let mean = hasIntercept ? swf / sw : 0
        var mss = 0.0
        for i in 0..<n { let d = f[i] - mean; mss += weight(i) * d * d }
        return mss
    }

    /// R² (uncentred without an intercept, as R computes it).
    public var rSquared: Double { let m = modelSumOfSquares; return m / (m + weightedRSS) }

    /// Adjusted R² (NaN with no residual degrees of freedom, as R).
    public var adjustedRSquared: Double {
        guard dfResidual > 0 else { return .nan }
        let dfInt = hasIntercept ? 1.0 : 0.0
        return 1 - (1 - rSquared) * ((Double(n) - dfInt) / Double(dfResidual))
    }

    /// Numerator degrees of freedom of the overall F test (rank less the intercept).
    public var fDegreesOfFreedom: Int { parameterCount - (hasIntercept ? 1 : 0) }

    /// The classical overall F statistic, or nil for an intercept-only model; NaN with no
    /// residual degrees of freedom (as R's `summary.lm`).
    public var fStatistic: Double? {
        guard fDegreesOfFreedom > 0 else { return nil }
        return (modelSumOfSquares / Double(fDegreesOfFreedom)) / residualVariance
    }

    /// Gaussian log-likelihood, as R's `logLik.lm` (weights included).
    public var logLikelihood: Double {
        let nn = Double(n)
        var sumLogW = 0.0
        if let weights { for w in weights { sumLogW += log(w) } }
        return 0.5 * (sumLogW - nn * (log(2 * Double.pi) + 1 - log(nn) + log(weightedRSS)))
    }

    /// Akaike's information criterion (rank + 1 parameters, σ included).
    public var aic: Double { -2 * logLikelihood + 2 * Double(parameterCount + 1) }
    /// Schwarz's Bayesian information criterion.
    public var bic: Double { -2 * logLikelihood + log(Double(n)) * Double(parameterCount + 1) }

    /// Indices of the estimable design columns.
    public var estimable: [Int] { (0..<coefficients.count).filter { !isAliased[$0] } }

    /// Leverage rounded as R's `lm.influence` rounds it: within 10ε of 1 is exactly 1 (the fit
    /// passes through the row). Every measure that divides by 1 − h uses these.
    public var roundedLeverage: [Double] { leverage.map { $0 > 1 - 10 * Double.ulpOfOne ? 1 : $0 } }

    /// Leverage (hat values) of the rows used: the squared row norms of Q, plus the absorbed
    /// factors' share when there are any (the hat matrix of the model with their dummy columns);
    /// NaN where absorbed factors have too many levels for it (``checkedLeverage()`` says why).
    public var leverage: [Double] { (try? checkedLeverage()) ?? [Double](repeating: .nan, count: n) }

    /// ``leverage``, or the error that says why absorbed factors' leverage is not available.
    public func checkedLeverage() throws -> [Double] {
        guard let a = design.absorbed else { return qRowNorms }
        let absorbed = try a.checkedLeverage()
        return (0..<n).map { absorbed[$0] + qRowNorms[$0] }
    }

    /// Prediction intervals for the rows used: ŷ ± t·σ̂·√((1 + hᵢ)/wᵢ), the prediction variance
    /// σ̂²/wᵢ of R's `predict(fit, interval = "prediction", weights = w)`.
    /// Pass `leverage` when it is already at hand, to avoid computing it again.
    public func predictionIntervals(level: Double = 0.95, leverage known: [Double]? = nil) -> (low: [Double], high: [Double]) {
        let tq = StudentT(df: Double(dfResidual)).quantile(1 - (1 - level) / 2)
        let h = known ?? leverage
        var low = [Double](repeating: .nan, count: n), high = low
        for i in 0..<n {
            let half = tq * sigma * ((1 + h[i]) / weight(i)).squareRoot()
            low[i] = fitted[i] - half
            high[i] = fitted[i] + half
        }
        return (low, high)
    }

    /// B = X̃ (XᵀWX)⁻¹ restricted to the estimable columns (n × rank): row i is the influence
    /// direction of observation i, used by dfbeta and by the sandwich covariances.
    func influenceDirections() throws -> Matrix {
        let est = estimable
        let xr = weighted.columns(est).rounded
        var c = Matrix(rows: est.count, columns: est.count)
        for (a, ja) in est.enumerated() { for (b, jb) in est.enumerated() { c[a, b] = unscaledCovariance[ja, jb] } }
        return try xr.multiplied(by: c)
    }
}
