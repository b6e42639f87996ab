import VarexLinearAlgebra

/// Per-observation regression diagnostics, the same quantities as R's `hatvalues`, `rstandard`,
/// `rstudent`, `cooks.distance`, `dffits`, `covratio`, `dfbetas` and `influence.measures`,
/// all derived from the fit's one QR factorisation and (XᵀWX)⁻¹: no model is refitted.
public struct InfluenceMeasures: Sendable {
    /// Leverage hᵢ.
    public let leverage: [Double]
    /// Internally studentised residuals √wᵢ rᵢ / (σ̂ √(1 − hᵢ)).
    public let standardized: [Double]
    /// Externally studentised residuals, using σ̂₍ᵢ₎ from the fit without row i.
    public let studentized: [Double]
    /// σ̂₍ᵢ₎, the residual SD with row i left out (R's `lm.influence()$sigma`).
    public let sigmaWithout: [Double]
    /// Cook's distance.
    public let cooksDistance: [Double]
    /// DFFITS.
    public let dffits: [Double]
    /// COVRATIO.
    public let covratio: [Double]
    /// DFBETAS, n × p by design column (NaN in aliased columns).
    public let dfbetas: Matrix
    /// R's `influence.measures()$is.inf`, any flag per row.
    public let influential: [Bool]

    /// Computes every measure of `fit`.
    public init(fit: LinearFit) throws {
        let n = fit.n, k = Double(fit.parameterCount), p = fit.coefficients.count
        // As R's lm.influence: a leverage within 10ε of 1 is 1 (the fit passes through the row),
        // so the measures that divide by 1 − h are undefined (empty in outputs) rather than huge.
        _ = try fit.checkedLeverage()
        let h = fit.roundedLeverage
        let e = fit.weightedResiduals
        let s = fit.sigma
        let rss = fit.weightedRSS
        let (sig, stud) = Self.studentized(weightedResiduals: e, leverage: h, rss: rss, dfResidual: fit.dfResidual)
        var std = [Double](repeating: .nan, count: n), cook = std, dff = std, cov = std
        for i in 0..<n {
            (std[i], cook[i], dff[i], cov[i]) = Self.rowMeasures(e: e[i], h: h[i], sigma: s, sigmaWithout: sig[i], studentized: stud[i],
                                                                 parameters: fit.parameterCount)
        }
        let b = try fit.influenceDirections()
        var dfb = Matrix(rows: n, columns: p, repeating: .nan)
        for (kk, j) in fit.estimable.enumerated() {
            let sd = fit.unscaledCovariance[j, j].squareRoot()
            // R's lm.influence takes the change in the coefficients as 0 when h = 1.
            // (0 / 0 = NaN when σ̂₍ᵢ₎ is 0 too, as with n = p.)
            for i in 0..<n { dfb[i, j] = (h[i] == 1 ? 0 : b[i, kk] * e[i] / (1 - h[i])) / (sig[i] * sd) }
        }
        // influence.measures: |dfbetas| > 1, |dffits| > 3√(k/(n−k)), |1 − covratio| > 3k/(n−k),
        // pf(cook, k, n−k) > 0.5, h > 3k/n.
        let rule = InfluenceFlag(parameters: k, n: n)
        var largest = [Double](repeating: 0, count: n)
        for j in fit.estimable {
            for i in 0..<n { largest[i] = max(largest[i], abs(dfb[i, j])) }
        }
        var flags = [Bool](repeating: false, count: n)
        for i in 0..<n {
            flags[i] = rule.isInfluential(h: h[i], cook: cook[i], dffits: dff[i], covratio: cov[i], largestDFBetas: largest[i])
        }
        leverage = h
        standardized = std
        studentized = stud
        sigmaWithout = sig
        cooksDistance = cook
        dffits = dff
        covratio = cov
        dfbetas = dfb
        influential = flags
    }

    /// σ̂₍ᵢ₎ (the residual SD without row i) and the externally studentised residuals, from the
    /// residuals of the (weighted) problem, the leverages, Σ residual² and n − rank. A row with
    /// h = 1 has no residual to leave out: σ̂₍ᵢ₎ = √(RSS/(n − rank − 1)) and its studentised
    /// residual is NaN, as in R's `lm.influence` and `rstudent`.
    public static func studentized(weightedResiduals e: [Double], leverage h: [Double], rss: Double,
                                   dfResidual: Int) -> (sigmaWithout: [Double], studentized: [Double]) {
        let df = Double(dfResidual)
        var sig = [Double](repeating: .nan, count: e.count), stud = sig
        for i in 0..<e.count {
            let omh = 1 - h[i]
            sig[i] = ((rss - (h[i] == 1 ? 0 : e[i] * e[i] / omh)) / (df - 1)).squareRoot()
            stud[i] = h[i] == 1 ? .nan : e[i] / (sig[i] * omh.squareRoot())
        }
        return (sig, stud)
    }

    /// One row's standardized residual, Cook's distance, DFFITS and COVRATIO from its residual of
    /// the (weighted) problem, leverage, σ̂, σ̂₍ᵢ₎ and studentized residual; NaN each at h = 1, as
    /// R gives.
    public static func rowMeasures(e: Double, h: Double, sigma s: Double, sigmaWithout sig: Double, studentized stud: Double,
                                   parameters: Int) -> (standardized: Double, cook: Double, dffits: Double, covratio: Double) {
        guard h < 1 else { return (.nan, .nan, .nan, .nan) }
        let omh = 1 - h
        let std = e / (s * omh.squareRoot())
        let cook = std * std * h / (Double(parameters) * omh)
        let dff = stud * (h / omh).squareRoot()
        let cov = power(sig / s, 2 * parameters) / omh
        return (std, cook, dff, cov)
    }

    /// x^k for a whole k, by repeated squaring (avoids `pow` rounding for the covariance ratio).
    static func power(_ x: Double, _ k: Int) -> Double {
        var r = 1.0, b = x, e = k
        while e > 0 { if e & 1 == 1 { r *= b }; b *= b; e >>= 1 }
        return r
    }
}
