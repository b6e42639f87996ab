import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// Which covariance matrix of the coefficients to use for standard errors and tests.
public enum CovarianceType: String, Sendable, CaseIterable {
    /// σ̂² (XᵀWX)⁻¹.
    case classical
    /// White's heteroskedasticity-consistent estimator.
    case hc0 = "HC0"
    /// HC0 × n / (n − k).
    case hc1 = "HC1"
    /// ẽᵢ² / (1 − hᵢ).
    case hc2 = "HC2"
    /// ẽᵢ² / (1 − hᵢ)² (`sandwich::vcovHC`'s default).
    case hc3 = "HC3"
    /// ẽᵢ² / (1 − hᵢ)^δᵢ, δᵢ = min(4, n hᵢ / p) (Cribari-Neto 2004).
    case hc4 = "HC4"
    /// ẽᵢ² / (1 − hᵢ)^δᵢ, δᵢ = min(1, n hᵢ / p) + min(1.5, n hᵢ / p) (Cribari-Neto and da Silva 2011).
    case hc4m = "HC4m"
    /// ẽᵢ² / √((1 − hᵢ)^δᵢ), δᵢ = min(n hᵢ / p, max(4, 0.7 n max(h) / p)) (Cribari-Neto et al. 2007).
    case hc5 = "HC5"
    /// Cluster-robust, no small-sample adjustment (`clubSandwich` CR0).
    case cr0 = "CR0"
    /// Cluster-robust with G/(G − 1) · (n − 1)/(n − k), as Stata and `sandwich::vcovCL` by default.
    case cr1 = "CR1"
    /// Bell and McCaffrey's bias-reduced cluster-robust covariance (`clubSandwich` CR2), its
    /// tests on Satterthwaite df per coefficient.
    case cr2 = "CR2"

    /// Whether the covariance is clustered (it needs the design's clusters).
    public var isClustered: Bool { self == .cr0 || self == .cr1 || self == .cr2 }

    /// Whether the weights divide by a power of 1 − hᵢ (undefined at leverage 1).
    public var dividesByOneMinusLeverage: Bool {
        switch self {
        case .classical, .hc0, .hc1, .cr0, .cr1, .cr2: return false
        case .hc2, .hc3, .hc4, .hc4m, .hc5: return true
        }
    }

    /// Parses `classical`, `HC0` … `HC5`, `HC4m` (any case).
    public init?(name: String) {
        let lower = name.lowercased()
        guard let t = Self.allCases.first(where: { $0.rawValue.lowercased() == lower }) else { return nil }
        self = t
    }
}

extension LinearFit {
    /// The covariance matrix of the coefficients (p × p by design column; NaN for aliased).
    /// The sandwich forms match `sandwich::vcovHC(fit, type = ...)` for weighted fits too.
    public func covariance(_ type: CovarianceType) throws -> Matrix {
        let p = coefficients.count
        if type == .classical {
            let s2 = residualVariance
            return Matrix(rows: p, columns: p, columnMajor: unscaledCovariance.storage.map { $0 * s2 })
        }
        if type == .cr2 { return try BellMcCaffrey(fit: self).covariance }
        if type.isClustered { return try clusteredCovariance(type) }
        let v = try sandwich(leverage: type.dividesByOneMinusLeverage).heteroskedasticityConsistent(type)
        return Sandwich.expand(v, estimable: estimable, to: p)
    }

    /// The fit's sandwich: influence directions √wᵢ x̃ᵢ (X̃ᵀWX̃)⁻¹ and residuals √wᵢ eᵢ, with
    /// the leverage when the covariance uses it (zeros otherwise: HC0, HC1 and the clustered
    /// forms do not, and absorbed factors' leverage can be costly or unavailable).
    func sandwich(leverage: Bool = true) throws -> Sandwich {
        let h = leverage ? try checkedLeverage().map { $0 > 1 - 10 * Double.ulpOfOne ? 1 : $0 } : [Double](repeating: 0, count: n)
        return Sandwich(directions: try influenceDirections(), residuals: weightedResiduals, leverage: h, parameters: parameterCount)
    }
}

extension LinearFit {
    /// The rows (0-based, among the rows used) whose leverage is so close to 1 that `type`'s
    /// weights are unstable: h > 1 − √ε, sandwich's rule for its warning.
    public func unstableLeverageRows(for type: CovarianceType) -> [Int] {
        guard type.dividesByOneMinusLeverage else { return [] }
        let limit = 1 - Double.ulpOfOne.squareRoot()
        return roundedLeverage.indices.filter { roundedLeverage[$0] > limit }
    }
}

extension DesignMatrix {
    /// The number of clusters of each clustering column (the smallest sets the test df).
    public var clusterCounts: [Int] { clusters.map { Set($0.labels).count } }

    /// A clustering column with one cluster leaves no variation between clusters to estimate
    /// from (R's vcovCL and clubSandwich refuse it too): an error naming the column.
    func checkClusterCounts() throws {
        for (c, count) in zip(clusters, clusterCounts) where count < 2 {
            throw ModelError.oneCluster(column: c.name, rows: c.labels.count)
        }
    }

    /// The df of t and F tests with a clustered covariance: G − 1 for the fewest clusters
    /// (Stata's), or `residual` when the design asks for n − rank.
    func clusteredTestDegreesOfFreedom(residual: Int) -> Int {
        clusterTestDF == .clusters ? max((clusterCounts.min() ?? 1) - 1, 0) : residual
    }
}

extension LinearFit {
    /// The number of clusters of each clustering column (the smallest sets the test df).
    public var clusterCounts: [Int] { design.clusterCounts }

    func checkClusterCounts() throws { try design.checkClusterCounts() }

    /// The degrees of freedom of t and F tests with covariance `type`: n − rank, or for a
    /// clustered covariance G − 1 with G the fewest clusters of any clustering column (Stata's
    /// choice), unless the design asks for n − rank (``ClusterTestDF/residual``: R's
    /// `coeftest(fit, vcovCL)` and `car::Anova(fit, vcov. = vcovCL)`).
    public func testDegreesOfFreedom(_ type: CovarianceType) -> Int {
        type.isClustered ? design.clusteredTestDegreesOfFreedom(residual: dfResidual) : dfResidual
    }

    /// Cluster-robust covariance, as `sandwich::vcovCL`: (XᵀWX)⁻¹ [Σ_c sign_c adj_c Σ_g u_g u_gᵀ]
    /// (XᵀWX)⁻¹ with u_g the sum over cluster g of the rows' scores √w x̃ ẽ; one clustering
    /// column, or two (Cameron–Gelbach–Miller: + each column, − their intersection). CR1 adjusts
    /// each term by G_c/(G_c − 1) and the whole by (n − 1)/(n − k); CR0 adjusts nothing.
    func clusteredCovariance(_ type: CovarianceType) throws -> Matrix {
        guard !design.clusters.isEmpty else { throw ModelError.needsCluster(type.rawValue) }
        try checkClusterCounts()
        return Sandwich.expand(try sandwich(leverage: false).clustered(type, clusters: design.clusters), estimable: estimable,
                               to: coefficients.count)
    }
}
