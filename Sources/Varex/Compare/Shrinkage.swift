/// Empirical-Bayes (normal–normal) shrinkage of units' estimates whose sampling variances are
/// known: θᵢ ~ N(μ, τ²), yᵢ | θᵢ ~ N(θᵢ, vᵢ). μ and τ² are estimated by DerSimonian–Laird (or μ
/// fixed, e.g. 0 for residuals); each unit's posterior mean is μ + (1 − Bᵢ)(yᵢ − μ) with
/// Bᵢ = vᵢ/(vᵢ + τ²), its posterior SD √(vᵢτ²/(vᵢ + τ²)). Small, noisy units move furthest.
public struct Shrinkage: Sendable {
    public let estimates: [Double]
    public let variances: [Double]
    /// The prior mean (estimated, or as given).
    public let mean: Double
    /// Between-unit variance τ².
    public let tau2: Double
    /// Cochran's Q.
    public let q: Double
    public let shrunken: [Double]
    public let posteriorSD: [Double]
    /// Bᵢ, the weight on the prior mean.
    public let shrinkageFactor: [Double]

    public init(estimates y: [Double], variances v: [Double], fixedMean: Double? = nil) {
        let w = v.map { 1 / $0 }
        let sw = w.reduce(0, +), sw2 = w.reduce(0) { $0 + $1 * $1 }
        let fixedEffect = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
        let centre = fixedMean ?? fixedEffect
        let q = zip(w, y).reduce(0) { $0 + $1.0 * ($1.1 - centre) * ($1.1 - centre) }
        let k = Double(y.count)
        // With a fixed mean the degrees of freedom are k, not k − 1, and Σw²/Σw is not removed.
        let tau2 = fixedMean == nil ? max(0, (q - (k - 1)) / (sw - sw2 / sw)) : max(0, (q - k) / sw)
        let wr = v.map { 1 / ($0 + tau2) }
        let mu = fixedMean ?? zip(wr, y).reduce(0) { $0 + $1.0 * $1.1 } / wr.reduce(0, +)
        let b = v.map { tau2 > 0 ? $0 / ($0 + tau2) : 1 }
        estimates = y
        variances = v
        mean = mu
        self.tau2 = tau2
        self.q = q
        shrinkageFactor = b
        shrunken = y.indices.map { mu + (1 - b[$0]) * (y[$0] - mu) }
        posteriorSD = v.map { tau2 > 0 ? ($0 * tau2 / ($0 + tau2)).squareRoot() : 0 }
    }
}
