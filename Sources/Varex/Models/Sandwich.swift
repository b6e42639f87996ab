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
            let e2 = residuals[i] * residuals[i]
            let ratio = nn * h[i] / p0
            let omega: Double
            switch type {
            case .hc0, .classical: omega = e2
            case .hc1: omega = e2 * nn / (nn - kk)
            case .hc2: omega = e2 / (1 - h[i])
            case .hc3: omega = e2 / ((1 - h[i]) * (1 - h[i]))
            case .hc4: omega = e2 / pow(1 - h[i], min(4, ratio))
            case .hc4m: omega = e2 / pow(1 - h[i], min(1, ratio) + min(1.5, ratio))
            case .hc5: omega = e2 / pow(1 - h[i], min(ratio, max(4, nn * 0.7 * hMax / p0))).squareRoot()
            case .cr0, .cr1, .cr2: omega = .nan // clustered: see clustered(_:clusters:)
            }
            for j in 0..<k { weighted[i, j] *= omega }
        }
        return try directions.multiplied(by: weighted, transposeSelf: true)
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
        var meat = Matrix(rows: k, columns: k)
        for d in dimensions {
            var index: [String: Int] = [:]
            for l in d.labels where index[l] == nil { index[l] = index.count }
            var sums = [Double](repeating: 0, count: index.count * k)
            for i in 0..<n {
                let g = index[d.labels[i]]!
                for j in 0..<k { sums[g * k + j] += directions[i, j] * residuals[i] }
            }
            let count = Double(index.count)
            let adjust = type == .cr1 ? count / (count - 1) : 1
            for g in 0..<index.count {
                for r in 0..<k { for c in 0..<k { meat[r, c] += d.sign * adjust * sums[g * k + r] * sums[g * k + c] } }
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
