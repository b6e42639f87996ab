import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// The result of a GLM fit by iteratively reweighted least squares: one immutable value, as
/// R's `glm` object; the summary statistics and residuals are small functions of it.
public struct GeneralizedLinearFit: Sendable {
    public let design: DesignMatrix
    public let family: Family
    public let link: Link
    /// Coefficients by design column; NaN for aliased columns.
    public let coefficients: [Double]
    public let isAliased: [Bool]
    public let rank: Int
    /// The response as fitted: a proportion for a binomial response.
    public let y: [Double]
    /// Prior weights (`--weights` × binomial trials), 1 when none.
    public let priorWeights: [Double]
    /// Binomial trials per row (1 unless the response is cbind(successes, failures)).
    public let trials: [Double]
    /// The offset per row (0 without one).
    public let offset: [Double]
    /// The fitted means μ and the linear predictor η (offset included).
    public let mu: [Double]
    public let eta: [Double]
    /// The working weights and residuals of the last iteration (R's `weights` and `residuals`).
    public let workingWeights: [Double]
    public let workingResiduals: [Double]
    public let deviance: Double
    public let nullDeviance: Double
    public let iterations: Int
    public let converged: Bool
    /// (XᵀWX)⁻¹ from the last iteration's QR, by design column (NaN for aliased).
    public let unscaledCovariance: Matrix
    /// Hat values of the last iteration's weighted design.
    public let leverage: [Double]
    /// The aliasing tolerance of the solves.
    public let tolerance: Double

    public var n: Int { y.count }
    /// Rows with a positive prior weight, less the rank.
    public var dfResidual: Int { priorWeights.filter { $0 > 0 }.count - rank }
    public var dfNull: Int { priorWeights.filter { $0 > 0 }.count - (design.formula.hasIntercept ? 1 : 0) }
    public var terms: [String] { design.columnNames }

    /// Pearson's χ² at the fitted means, Σ (Pearson residual)² over the rows with positive prior
    /// weight: R's `sum(residuals(fit, "pearson")^2)`. (`summary.glm`'s dispersion uses the
    /// last iteration's working weights and residuals instead, which differ in the 7th digit.)
    public var pearsonChiSquare: Double {
        let r = pearsonResiduals
        var s = 0.0
        for i in 0..<n where priorWeights[i] > 0 { s += r[i] * r[i] }
        return s
    }

    /// 1 for binomial and Poisson; otherwise Σ wᵢ (working residualᵢ)² over the residual df, with
    /// the working weights and residuals of the last iteration (`summary.glm`).
    public var dispersion: Double {
        guard family.estimatesDispersion else { return 1 }
        guard dfResidual > 0 else { return .nan }
        var s = 0.0
        for i in 0..<n where workingWeights[i] > 0 { s += workingWeights[i] * workingResiduals[i] * workingResiduals[i] }
        return s / Double(dfResidual)
    }

    /// R's AIC (NA, here nil, for the quasi families).
    public var aic: Double? {
        family.aicPart(y: y, trials: trials, mu: mu, weights: priorWeights, deviance: deviance).map { $0 + 2 * Double(rank) }
    }

    /// `logLik(fit)`: rank (+ 1 for a family with a dispersion) − AIC / 2.
    public var logLikelihood: Double? {
        aic.map { Double(rank + (family.likelihoodCountsDispersion ? 1 : 0)) - $0 / 2 }
    }

    public var responseResiduals: [Double] { (0..<n).map { y[$0] - mu[$0] } }
    public var pearsonResiduals: [Double] {
        (0..<n).map { (y[$0] - mu[$0]) * priorWeights[$0].squareRoot() / family.variance(mu[$0]).squareRoot() }
    }
    public var devianceResiduals: [Double] {
        (0..<n).map { i in
            let d = max(family.unitDeviance(y: y[i], mu: mu[i], weight: priorWeights[i]), 0).squareRoot()
            return y[i] > mu[i] ? d : -d
        }
    }
    /// Cook's distance as `cooks.distance.glm`: (Pearson/(1 − h))² h / (dispersion × rank).
    public var cooksDistance: [Double] {
        let phi = dispersion, p = Double(rank), r = pearsonResiduals
        return (0..<n).map { i in
            let h = leverage[i]
            return (r[i] / (1 - h)) * (r[i] / (1 - h)) * h / (phi * p)
        }
    }
    /// `rstandard(fit)`: deviance residual / √(dispersion (1 − h)).
    public var standardizedDevianceResiduals: [Double] { standardized(devianceResiduals) }
    /// `rstandard(fit, type = "pearson")`: Pearson residual / √(dispersion (1 − h)).
    public var standardizedPearsonResiduals: [Double] { standardized(pearsonResiduals) }

    /// r / √(dispersion (1 − h)), NaN where that is infinite (h = 1), as `rstandard.glm`.
    func standardized(_ r: [Double]) -> [Double] {
        let phi = dispersion
        return (0..<n).map { i in
            let v = r[i] / (phi * (1 - leverage[i])).squareRoot()
            return v.isInfinite ? .nan : v
        }
    }

    /// dispersion × (XᵀWX)⁻¹.
    public var covariance: Matrix {
        let phi = dispersion
        return Matrix(rows: unscaledCovariance.rows, columns: unscaledCovariance.columns,
                      columnMajor: unscaledCovariance.storage.map { $0 * phi })
    }

    /// R's warnings for the fit, in its words.
    public var warnings: [String] {
        var out: [String] = []
        if !converged { out.append("glm.fit: algorithm did not converge") }
        let eps = 10 * Double.ulpOfOne
        if family == .binomial || family == .quasibinomial, mu.contains(where: { $0 > 1 - eps || $0 < eps }) {
            out.append("glm.fit: fitted probabilities numerically 0 or 1 occurred")
        }
        if family == .poisson || family == .quasipoisson, mu.contains(where: { $0 < eps }) {
            out.append("glm.fit: fitted rates numerically 0 occurred")
        }
        if family == .poisson {
            // dpois's warning for each non-integer count, in R's words ("%f": six decimals).
            let nonInteger = y.filter(Family.isNonInteger)
            for v in nonInteger.prefix(10) { out.append("non-integer x = \(String(format: "%.6f", v))") }
            if nonInteger.count > 10 { out.append("non-integer x: \(nonInteger.count - 10) more values like these") }
        }
        if family == .binomial, design.trials != nil, y.indices.contains(where: { i in
            let k = y[i] * trials[i]
            return abs(k - k.rounded()) > 0.001 || abs(trials[i] - trials[i].rounded()) > 0.001
        }) {
            out.append("non-integer counts in a binomial glm!")
        }
        if family == .binomial, design.trials == nil, y.indices.contains(where: { i in
            let m = priorWeights[i] * y[i]
            return abs(m - m.rounded()) > 0.001
        }) {
            out.append("non-integer #successes in a binomial glm!")
        }
        return out
    }
}
