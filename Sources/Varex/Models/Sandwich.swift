import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// The sandwich covariance shared by every model fitted by (iteratively re)weighted least
/// squares: V = Σᵢ ωᵢ bᵢ bᵢᵀ (heteroskedasticity-consistent) or Σ_g (Σ_{i∈g} bᵢ eᵢ)(…)ᵀ
/// (clustered), where bᵢ = (XᵀWX)⁻¹ xᵢ √wᵢ is row i's influence direction and eᵢ its
/// score residual, so that bᵢ eᵢ is the row's contribution to β̂ − β. A linear model passes
/// √wᵢ xᵢ and √wᵢ (yᵢ − ŷᵢ); a GLM passes xᵢ and wᵢ zᵢ (working weight × working residual),
/// which is `sandwich`'s `bread × estfun` for a glm (the dispersion cancels).
public struct Sandwich: Sendable {
    /// n × k: each used row's influence direction, over the k estimable coefficients.
    public let directions: Matrix
    /// The n score residuals.
    public let residuals: [Double]
    /// The n leverages (1 where numerically 1).
    public let leverage: [Double]
    /// n − k for HC1 and CR1: the number of parameters k (for absorbed fits, with the absorbed).
    public let parameters: Int

    public init(directions: Matrix, residuals: [Double], leverage: [Double], parameters: Int) {
        self.directions = directions
        self.residuals = residuals
        self.leverage = leverage
        self.parameters = parameters
    }

    var n: Int { residuals.count }

    /// The k × k heteroskedasticity-consistent covariance of type `type` (HC0 … HC5), as
    /// `sandwich::vcovHC`: all NaN when a type that divides by 1 − hᵢ meets a row with hᵢ = 1.
    public func heteroskedasticityConsistent(_ type: CovarianceType) throws -> Matrix {
        let k = directions.columns, h = leverage
        if type.dividesByOneMinusLeverage, h.contains(1) { return Matrix(rows: k, columns: k, repeating: .nan) }
        let nn = Double(n), kk = Double(parameters)
        // HC4, HC4m and HC5 discount by n·h/p with p = Σh rounded, as sandwich's meatHC.
        let p0 = h.reduce(0, +).rounded()
        let hMax = h.max() ?? 0
        var weighted = directions
        for i in 0..<n {
            let omega = Self.weight(type, e2: residuals[i] * residuals[i], h: h[i], n: nn, k: kk, p0: p0, hMax: hMax)
            for j in 0..<k { weighted[i, j] *= omega }
        }
        return try directions.multiplied(by: weighted, transposeSelf: true)
    }

    /// Row i's weight ωᵢ in the meat Σ ωᵢ xᵢxᵢᵀ (sandwich's `meatHC`): eᵢ² discounted by its
    /// leverage hᵢ as the type says; n rows, k parameters, p0 = Σh rounded and hMax for HC4–HC5.
    public static func weight(_ type: CovarianceType, e2: Double, h: Double, n: Double, k: Double, p0: Double, hMax: Double) -> Double {
        let ratio = n * h / p0
        switch type {
        case .hc0, .classical: return e2
        case .hc1: return e2 * n / (n - k)
        case .hc2: return e2 / (1 - h)
        case .hc3: return e2 / ((1 - h) * (1 - h))
        case .hc4: return e2 / pow(1 - h, min(4, ratio))
        case .hc4m: return e2 / pow(1 - h, min(1, ratio) + min(1.5, ratio))
        case .hc5: return e2 / pow(1 - h, min(ratio, max(4, n * 0.7 * hMax / p0))).squareRoot()
        case .cr0, .cr1, .cr2: return .nan // clustered: see clusteredMeat
        }
    }

    /// The k × k cluster-robust covariance, as `sandwich::vcovCL`: one clustering column, or
    /// two (Cameron–Gelbach–Miller: + each column, − their intersection). CR1 adjusts each term
    /// by G_c/(G_c − 1) and the whole by (n − 1)/(n − k) (vcovCL's `type = "HC1"`); CR0
    /// adjusts nothing (`type = "HC0", cadjust = FALSE`).
    public func clustered(_ type: CovarianceType, clusters: [(name: String, labels: [String])]) -> Matrix {
        let k = directions.columns
        var dimensions: [(sign: Double, labels: [String])] = clusters.map { (1, $0.labels) }
        if clusters.count == 2 {
            let a = clusters[0].labels, c = clusters[1].labels
            dimensions.append((-1, zip(a, c).map { $0 + "\u{1F}" + $1 }))
        }
        let sums = dimensions.map { d -> (sign: Double, sums: [[Double]]) in
            var index: [String: Int] = [:]
            for l in d.labels where index[l] == nil { index[l] = index.count }
            var s = [[Double]](repeating: [Double](repeating: 0, count: k), count: index.count)
            for i in 0..<n {
                let g = index[d.labels[i]]!
                for j in 0..<k { s[g][j] += directions[i, j] * residuals[i] }
            }
            return (d.sign, s)
        }
        return Self.clusteredMeat(type, dimensions: sums, k: k, n: n, parameters: parameters)
    }

    /// The clustered meat from each clustering dimension's sign (−1 for a two-way intersection)
    /// and per-cluster score sums u_g: Σ sign · adj · u_g u_gᵀ, adj = G/(G − 1) for CR1, and the
    /// whole × (n − 1)/(n − k) for CR1 (vcovCL's `type = "HC1"`).
    public static func clusteredMeat(_ type: CovarianceType, dimensions: [(sign: Double, sums: [[Double]])], k: Int, n: Int,
                                     parameters: Int) -> Matrix {
        var meat = Matrix(rows: k, columns: k)
        for d in dimensions {
            let count = Double(d.sums.count)
            let adjust = type == .cr1 ? count / (count - 1) : 1
            for u in d.sums {
                for r in 0..<k { for c in 0..<k { meat[r, c] += d.sign * adjust * u[r] * u[c] } }
            }
        }
        if type == .cr1 {
            let factor = Double(n - 1) / Double(n - parameters)
            meat = Matrix(rows: k, columns: k, columnMajor: meat.storage.map { $0 * factor })
        }
        return meat
    }

    /// A k × k matrix over the estimable coefficients spread to p × p, NaN for the aliased.
    public static func expand(_ v: Matrix, estimable: [Int], to p: Int) -> Matrix {
        var out = Matrix(rows: p, columns: p, repeating: .nan)
        for (a, ja) in estimable.enumerated() { for (c, jc) in estimable.enumerated() { out[ja, jc] = v[a, c] } }
        return out
    }
}
