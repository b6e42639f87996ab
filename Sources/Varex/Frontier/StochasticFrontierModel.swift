/// Which way inefficiency pushes a unit from a stochastic frontier.
public enum FrontierSide: String, Sendable, CaseIterable, Codable {
    /// Output below the frontier: y = xβ + v − u.
    case production
    /// Cost above the frontier: y = xβ + v + u (the English studies of council care).
    case cost

    /// s in e = s·(y − xβ), so that e = v − u on both sides.
    public var sign: Double { self == .production ? 1 : -1 }
}

/// The distribution of the one-sided inefficiency u ≥ 0.
public enum InefficiencyDistribution: String, Sendable, CaseIterable, Codable {
    /// |N(0, σu²)| (Aigner, Lovell and Schmidt 1977).
    case halfNormal = "half-normal"
    /// N(μ, σu²) truncated at 0 (Stevenson 1980); μ = zδ with determinants (Battese and Coelli 1995).
    case truncatedNormal = "truncated-normal"
    /// Exponential with mean σu (Meeusen and van den Broeck 1977).
    case exponential
}

/// A stochastic frontier: y = xβ + v ∓ u, v ~ N(0, σv²), u ≥ 0 from `distribution`, with
/// - `meanTerms` (truncated normal only): μᵢ = zᵢδ, the determinants of inefficiency of Battese
///   and Coelli (1995); an intercept alone is Stevenson's constant μ;
/// - `scaleTerms`: ln σu,ᵢ² = wᵢγ, a heteroscedastic u (an intercept alone: constant σu).
/// Each matrix is units × columns, row-major.
public struct StochasticFrontierData: Sendable {
    public let units: [String]
    public let y: [Double]
    public let x: [[Double]]
    public let xNames: [String]
    public let z: [[Double]]
    public let zNames: [String]
    public let w: [[Double]]
    public let wNames: [String]

    public init(units: [String], y: [Double], x: [[Double]], xNames: [String],
                z: [[Double]] = [], zNames: [String] = [], w: [[Double]]? = nil, wNames: [String] = ["(Intercept)"]) {
        self.units = units
        self.y = y
        self.x = x
        self.xNames = xNames
        self.z = z
        self.zNames = zNames
        self.w = w ?? y.map { _ in [1.0] }
        self.wNames = wNames
    }

    public var count: Int { y.count }
}

/// The model of a stochastic frontier fit.
public struct StochasticFrontierModel: Sendable, Equatable, Codable {
    public var side: FrontierSide
    public var distribution: InefficiencyDistribution

    public init(side: FrontierSide = .cost, distribution: InefficiencyDistribution = .halfNormal) {
        self.side = side
        self.distribution = distribution
    }
}
