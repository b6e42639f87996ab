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

    /// Whether the weights divide by a power of 1 − hᵢ (undefined at leverage 1).
    public var dividesByOneMinusLeverage: Bool {
        switch self {
        case .classical, .hc0, .hc1: return false
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
        let h = roundedLeverage
        // As sandwich::vcovHC: a row with h = 1 makes e²/(1 − h) 0/0, and every entry NaN.
        if type.dividesByOneMinusLeverage, h.contains(1) {
            return Matrix(rows: p, columns: p, repeating: .nan)
        }
        let b = try influenceDirections()
        let e = weightedResiduals
        let nn = Double(n), k = Double(rank)
        // HC4, HC4m and HC5 discount by n·h/p with p = Σh rounded, as sandwich's meatHC.
        let p0 = h.reduce(0, +).rounded()
        let hMax = h.max() ?? 0
        var omega = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let e2 = e[i] * e[i]
            let ratio = nn * h[i] / p0
            switch type {
            case .hc0, .classical: omega[i] = e2
            case .hc1: omega[i] = e2 * nn / (nn - k)
            case .hc2: omega[i] = e2 / (1 - h[i])
            case .hc3: omega[i] = e2 / ((1 - h[i]) * (1 - h[i]))
            case .hc4: omega[i] = e2 / pow(1 - h[i], min(4, ratio))
            case .hc4m: omega[i] = e2 / pow(1 - h[i], min(1, ratio) + min(1.5, ratio))
            case .hc5: omega[i] = e2 / pow(1 - h[i], min(ratio, max(4, nn * 0.7 * hMax / p0))).squareRoot()
            }
        }
        var weighted = b
        for kk in 0..<b.columns { for i in 0..<n { weighted[i, kk] *= omega[i] } }
        let v = try b.multiplied(by: weighted, transposeSelf: true)
        var out = Matrix(rows: p, columns: p, repeating: .nan)
        let est = estimable
        for (a, ja) in est.enumerated() { for (c, jc) in est.enumerated() { out[ja, jc] = v[a, c] } }
        return out
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
