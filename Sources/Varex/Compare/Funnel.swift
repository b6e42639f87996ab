/// How a funnel plot gets each unit's standard error under the null (every unit on target).
public enum FunnelPrecision: Sendable, Equatable {
    /// Standard errors given directly (or from a published 95% margin of error / 1.96).
    case standardError([Double])
    /// A proportion shown in units of `scale` (100 for percentages) with denominators nᵢ:
    /// sᵢ = scale·√(p₀(1 − p₀)/nᵢ), p₀ = target/scale.
    case proportion(denominators: [Double], scale: Double)
    /// A Poisson rate per `per` (e.g. per 100,000) with denominators nᵢ: sᵢ = √(target·per/nᵢ).
    case rate(denominators: [Double], per: Double)
}

/// How overdispersion (more spread between units than sampling explains) is handled.
public enum Overdispersion: String, Sendable, CaseIterable {
    /// No adjustment: limits from sampling variation alone.
    case none
    /// Spiegelhalter (2005): limits widened by √φ, φ = mean of squared winsorised z-scores
    /// (10% at each end), when φ > 1.
    case multiplicative
    /// Spiegelhalter (2005) random effects: τ² by DerSimonian–Laird from the winsorised
    /// z-scores, limits target ± z·√(sᵢ² + τ²).
    case additive
}

/// A funnel plot: each unit's indicator against its precision, with control limits around a
/// target, the unit's z-score and the limits it falls outside.
public struct FunnelPlot: Sendable {
    public let values: [Double]
    public let standardErrors: [Double]
    public let target: Double
    /// Mean of squared winsorised z-scores.
    public let phi: Double
    /// DerSimonian–Laird between-unit variance from the winsorised z-scores (0 when φ ≤ 1).
    public let tau2: Double
    public let overdispersion: Overdispersion
    public let levels: [Double]
    /// (y − target)/s.
    public let z: [Double]
    /// z after the overdispersion adjustment (z/√φ, or (y − target)/√(s² + τ²)).
    public let adjustedZ: [Double]
    /// limits[l][i] = (low, high) at levels[l] for unit i.
    public let limits: [[(low: Double, high: Double)]]

    /// The share of z-scores set to the 10th / 90th percentile before estimating φ.
    public static let winsorisation = 0.1

    /// - Parameters:
    ///   - values: the indicator (NaN rows are not allowed; filter them first).
    ///   - target: the centre line; by default the pooled value (Σ yᵢnᵢ/Σ nᵢ for proportions and
    ///     rates, the inverse-variance weighted mean for standard errors).
    ///   - range: the values the indicator can take (0–100 for a percentage); limits are cut to it.
    public init(values: [Double], precision: FunnelPrecision, overdispersion: Overdispersion = .multiplicative,
                levels: [Double] = [0.95, 0.998], target: Double? = nil, range: ClosedRange<Double>? = nil) {
        let n = values.count
        let theta: Double
        let se: [Double]
        switch precision {
        case let .standardError(s):
            theta = target ?? (zip(values, s).reduce(0.0) { $0 + $1.0 / ($1.1 * $1.1) } / s.reduce(0.0) { $0 + 1 / ($1 * $1) })
            se = s
        case let .proportion(d, scale):
            theta = target ?? (zip(values, d).reduce(0.0) { $0 + $1.0 * $1.1 } / d.reduce(0, +))
            let p0 = theta / scale
            se = d.map { scale * (p0 * (1 - p0) / $0).squareRoot() }
        case let .rate(d, per):
            theta = target ?? (zip(values, d).reduce(0.0) { $0 + $1.0 * $1.1 } / d.reduce(0, +))
            se = d.map { (theta * per / $0).squareRoot() }
        }
        let z = (0..<n).map { (values[$0] - theta) / se[$0] }
        // Winsorise: z below the 10th percentile set to it, above the 90th set to it (type 7).
        let lo = FitSummary.quantiles(z, [Self.winsorisation])[0], hi = FitSummary.quantiles(z, [1 - Self.winsorisation])[0]
        let zw = z.map { min(max($0, lo), hi) }
        let phi = zw.reduce(0) { $0 + $1 * $1 } / Double(n)
        let w = se.map { 1 / ($0 * $0) }
        let sw = w.reduce(0, +), sw2 = w.reduce(0) { $0 + $1 * $1 }
        let tau2 = max(0, (Double(n) * phi - Double(n - 1)) / (sw - sw2 / sw))
        let scaleFactor: [Double]
        switch overdispersion {
        case .none: scaleFactor = se
        case .multiplicative: scaleFactor = se.map { $0 * max(phi, 1).squareRoot() }
        case .additive: scaleFactor = se.map { ($0 * $0 + tau2).squareRoot() }
        }
        self.values = values
        self.standardErrors = se
        self.target = theta
        self.phi = phi
        self.tau2 = tau2
        self.overdispersion = overdispersion
        self.levels = levels
        self.z = z
        self.adjustedZ = (0..<n).map { (values[$0] - theta) / scaleFactor[$0] }
        self.limits = levels.map { level in
            let q = Normal.quantile(1 - (1 - level) / 2)
            let lowest = range?.lowerBound ?? -.infinity, highest = range?.upperBound ?? .infinity
            return scaleFactor.map { (max(lowest, theta - q * $0), min(highest, theta + q * $0)) }
        }
    }

    /// "above 99.8%", "below 95%" or "" for unit i (the widest limit it is outside).
    public func outside(_ i: Int) -> String {
        var result = ""
        for (l, level) in levels.enumerated().sorted(by: { $0.element < $1.element }) {
            let (low, high) = limits[l][i]
            let pct = NumberFormat.significant(level * 100, 4) + "%"
            if values[i] > high { result = "above \(pct)" } else if values[i] < low { result = "below \(pct)" }
        }
        return result
    }

    /// Whether unit i lies outside the widest limit (the largest level).
    public func isOutsideWidestLimit(_ i: Int) -> Bool {
        guard let l = levels.indices.max(by: { levels[$0] < levels[$1] }) else { return false }
        let (low, high) = limits[l][i]
        return values[i] > high || values[i] < low
    }
}
