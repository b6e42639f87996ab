import Foundation

/// ln Φ(x), accurate in the far lower tail (erfc down to x = −37, then the asymptotic series,
/// whose next term is below 1e-13 there).
func logNormalCDF(_ x: Double) -> Double {
    if x > -37 { return log(0.5 * erfc(-x / 2.0.squareRoot())) }
    let r = 1 / (x * x)
    let series = 1 - r + 3 * r * r - 15 * r * r * r + 105 * r * r * r * r
    return -0.5 * x * x - 0.5 * log(2 * Double.pi) - log(-x) + log(series)
}

/// φ(x)/Φ(x), the inverse Mills ratio, without overflow in the lower tail.
func millsRatio(_ x: Double) -> Double {
    exp(-0.5 * x * x - 0.5 * log(2 * Double.pi) - logNormalCDF(x))
}

/// One unit's log-density of e = v − u and its derivatives with respect to e, μ, V = σv² and
/// U = σu².
struct ObservationLikelihood {
    var value: Double
    var de: Double
    var dmu: Double
    var dV: Double
    var dU: Double

    /// v − u with u ~ N⁺(μ, U) (μ = 0: half-normal):
    /// ln f = −½ln 2π − ½ln S − (e + μ)²/(2S) + ln Φ(a) − ln Φ(μ/√U), S = V + U,
    /// a = (μV − eU)/√(SUV).
    static func truncated(e: Double, mu: Double, V: Double, U: Double) -> ObservationLikelihood {
        let S = V + U
        let D = (S * U * V).squareRoot()
        let N = mu * V - e * U
        let a = N / D
        let b = mu / U.squareRoot()
        let ma = millsRatio(a), mb = millsRatio(b)
        let value = -0.5 * log(2 * Double.pi) - 0.5 * log(S) - (e + mu) * (e + mu) / (2 * S) + logNormalCDF(a) - logNormalCDF(b)
        let quad = (e + mu) * (e + mu) / (2 * S * S)
        let daV = mu / D - 0.5 * a * (1 / S + 1 / V)
        let daU = -e / D - 0.5 * a * (1 / S + 1 / U)
        return ObservationLikelihood(
            value: value,
            de: -(e + mu) / S + ma * (-U / D),
            dmu: -(e + mu) / S + ma * (V / D) - mb / U.squareRoot(),
            dV: -0.5 / S + quad + ma * daV,
            dU: -0.5 / S + quad + ma * daU + mb * mu / (2 * U * U.squareRoot()))
    }

    /// v − u with u exponential of mean √U:
    /// ln f = −½ln U + e/√U + V/(2U) + ln Φ(g), g = −e/√V − √V/√U.
    static func exponential(e: Double, V: Double, U: Double) -> ObservationLikelihood {
        let su = U.squareRoot(), sv = V.squareRoot()
        let g = -e / sv - sv / su
        let m = millsRatio(g)
        return ObservationLikelihood(
            value: -0.5 * log(U) + e / su + V / (2 * U) + logNormalCDF(g),
            de: 1 / su - m / sv,
            dmu: 0,
            dV: 1 / (2 * U) + m * (0.5 * e / (V * sv) - 0.5 / (sv * su)),
            dU: -0.5 / U - 0.5 * e / (U * su) - V / (2 * U * U) + m * 0.5 * sv / (U * su))
    }
}

/// The log-likelihood of a stochastic frontier and its gradient in θ = (β, δ, γ, ln σv²):
/// the truncated normal's mean terms δ only for that distribution.
struct SFALikelihood {
    let data: StochasticFrontierData
    let model: StochasticFrontierModel
    var k: Int { data.xNames.count }
    var m: Int { model.distribution == .truncatedNormal ? data.zNames.count : 0 }
    var h: Int { data.wNames.count }
    var parameterCount: Int { k + m + h + 1 }

    /// Unit i's e, μ, V and U at θ.
    func pieces(_ theta: [Double], _ i: Int) -> (e: Double, mu: Double, V: Double, U: Double) {
        let s = model.side.sign
        var xb = 0.0
        for j in 0..<k { xb += data.x[i][j] * theta[j] }
        var mu = 0.0
        for j in 0..<m { mu += data.z[i][j] * theta[k + j] }
        var lu = 0.0
        for j in 0..<h { lu += data.w[i][j] * theta[k + m + j] }
        return (s * (data.y[i] - xb), mu, exp(theta[k + m + h]), exp(lu))
    }

    func observation(_ theta: [Double], _ i: Int) -> ObservationLikelihood {
        let p = pieces(theta, i)
        return model.distribution == .exponential
            ? .exponential(e: p.e, V: p.V, U: p.U)
            : .truncated(e: p.e, mu: p.mu, V: p.V, U: p.U)
    }

    /// ℓ(θ) and ∇ℓ(θ).
    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let s = model.side.sign
        var value = 0.0
        var g = [Double](repeating: 0, count: parameterCount)
        for i in 0..<data.count {
            let p = pieces(theta, i)
            let o = model.distribution == .exponential
                ? ObservationLikelihood.exponential(e: p.e, V: p.V, U: p.U)
                : ObservationLikelihood.truncated(e: p.e, mu: p.mu, V: p.V, U: p.U)
            value += o.value
            for j in 0..<k { g[j] -= s * o.de * data.x[i][j] }
            for j in 0..<m { g[k + j] += o.dmu * data.z[i][j] }
            for j in 0..<h { g[k + m + j] += o.dU * p.U * data.w[i][j] }
            g[k + m + h] += o.dV * p.V
        }
        return (value, g)
    }
}
