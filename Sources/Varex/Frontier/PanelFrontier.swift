import Foundation
import VarexLinearAlgebra

/// How a panel frontier lets inefficiency change over the periods.
public enum PanelInefficiency: String, Sendable, CaseIterable, Codable {
    /// uᵢ fixed over time (Pitt and Lee 1981).
    case timeInvariant = "time-invariant"
    /// uᵢₜ = exp(−η(t − T)) uᵢ (Battese and Coelli 1992): η > 0, inefficiency falls over time.
    case timeVarying = "time-varying"
}

/// A stochastic frontier on a panel: yᵢₜ = xᵢₜβ + vᵢₜ ∓ ηᵢₜuᵢ, uᵢ ~ N⁺(μ, σu²) (μ = 0: half-normal),
/// ηᵢₜ = 1 (Pitt and Lee 1981) or exp(−η(t − T)) (Battese and Coelli 1992), T the last period.
/// Unbalanced panels are fine. Maximum likelihood as ``StochasticFrontier``; each unit's
/// efficiency in each period E[exp(−ηᵢₜuᵢ) | eᵢ] and its interval.
public struct PanelFrontier: Sendable {
    public let model: StochasticFrontierModel
    public let inefficiency: PanelInefficiency
    public let data: StochasticFrontierData
    /// Each observation's unit (0..<units.count) and period (1...T).
    public let unit: [Int]
    public let period: [Int]
    public let unitNames: [String]
    /// θ = (β, [μ], ln σu², ln σv², [η]).
    public let parameters: [Double]
    public let parameterNames: [String]
    public let covariance: [[Double]]
    public let logLikelihood: Double
    public let olsLogLikelihood: Double
    public let iterations: Int

    /// `unit` and `period` per row of `data` (period 1 the first).
    public init(_ data: StochasticFrontierData, unit: [Int], unitNames: [String], period: [Int],
                model: StochasticFrontierModel, inefficiency: PanelInefficiency) throws {
        guard model.distribution != .exponential else {
            throw FrontierError.invalidSetting("a panel frontier's u is half-normal or truncated-normal (Pitt–Lee, Battese–Coelli 1992)")
        }
        let k = data.xNames.count
        guard unitNames.count > k + 2 else { throw FrontierError.tooFewUnits(unitNames.count, minimum: k + 3) }
        // Corrected OLS from the half-normal's moments (μ and η start at 0).
        let cols = try CorrectedOLS(data, model: StochasticFrontierModel(side: model.side, distribution: .halfNormal))
        let lik = PanelSFALikelihood(data: data, model: model, inefficiency: inefficiency, unit: unit, period: period, units: unitNames.count)
        var start = cols.start
        if lik.hasMu { start.append(0) }
        start.append(2 * log(cols.sigmaU))
        start.append(log(cols.sigmaV2))
        if lik.hasEta { start.append(0) }
        let (theta, value, iterations) = try StochasticFrontier.maximise(lik.evaluate, from: start, watch: k + (lik.hasMu ? 1 : 0))
        let inverse = try StochasticFrontier.covariance(lik.evaluate, at: theta)
        let p = theta.count
        self.model = model
        self.inefficiency = inefficiency
        self.data = data
        self.unit = unit
        self.period = period
        self.unitNames = unitNames
        parameters = theta
        parameterNames = data.xNames + (lik.hasMu ? ["mu"] : []) + ["ln_sigma_u2", "ln_sigma_v2"] + (lik.hasEta ? ["eta"] : [])
        covariance = (0..<p).map { i in (0..<p).map { inverse[i, $0] } }
        logLikelihood = value
        olsLogLikelihood = cols.logLikelihood
        self.iterations = iterations
    }

    var likelihood: PanelSFALikelihood {
        PanelSFALikelihood(data: data, model: model, inefficiency: inefficiency, unit: unit, period: period, units: unitNames.count)
    }

    public var standardErrors: [Double] { (0..<parameters.count).map { covariance[$0][$0].squareRoot() } }
    public var coefficients: [Double] { Array(parameters[0..<data.xNames.count]) }

    /// uᵢ | eᵢ ~ N⁺(μ*ᵢ, σ*ᵢ²) for each unit, and each observation's ηᵢₜ.
    public var conditional: (units: [(mean: Double, sd: Double)], eta: [Double]) { likelihood.conditional(parameters) }

    /// E[exp(−ηᵢₜuᵢ) | eᵢ] for each observation (Battese and Coelli 1992).
    public var efficiency: [Double] {
        let (c, eta) = conditional
        return (0..<data.count).map { i in
            let (m, sd) = c[unit[i]], h = eta[i]
            return exp(-h * m + 0.5 * h * h * sd * sd + logNormalCDF(m / sd - h * sd) - logNormalCDF(m / sd))
        }
    }

    /// E[ηᵢₜuᵢ | eᵢ] for each observation (Jondrow et al.).
    public var inefficiencyEstimates: [Double] {
        let (c, eta) = conditional
        return (0..<data.count).map { i in eta[i] * (c[unit[i]].mean + c[unit[i]].sd * millsRatio(c[unit[i]].mean / c[unit[i]].sd)) }
    }

    /// Horrace–Schmidt intervals for exp(−ηᵢₜuᵢ).
    public func efficiencyInterval(level: Double = 0.95) -> [(low: Double, high: Double)] {
        let (c, eta) = conditional
        let a = (1 - level) / 2
        return (0..<data.count).map { i in
            let (m, sd) = c[unit[i]]
            let tail = exp(logNormalCDF(m / sd))
            func quantile(_ q: Double) -> Double { m - sd * Normal.quantile((1 - q) * tail) }
            return (exp(-eta[i] * quantile(1 - a)), exp(-eta[i] * quantile(a)))
        }
    }

    public var inefficiencyLR: Double { 2 * (logLikelihood - olsLogLikelihood) }
    /// σu, and μ and η when estimated: all vanish without inefficiency.
    public var inefficiencyRestrictions: Int { 1 + (likelihood.hasMu ? 1 : 0) + (likelihood.hasEta ? 1 : 0) }
    public var inefficiencyPValue: Double { MixedChiSquared.survival(inefficiencyLR, restrictions: inefficiencyRestrictions) }
}

/// The panel log-likelihood (Battese and Coelli 1992, with ηᵢₜ = 1 for Pitt and Lee) and its
/// gradient. With aᵢ = Σηᵢₜ², bᵢ = Σηᵢₜeᵢₜ, Aᵢ = V + Uaᵢ, zᵢ = (μV − Ubᵢ)/√(AᵢVU):
/// ℓᵢ = −(Tᵢ/2)ln 2π − ((Tᵢ−1)/2)ln V − ½ln Aᵢ − ½Σe²/V − ½μ²/U + ½zᵢ² + ln Φ(zᵢ) − ln Φ(μ/√U).
struct PanelSFALikelihood {
    let data: StochasticFrontierData
    let model: StochasticFrontierModel
    let inefficiency: PanelInefficiency
    let unit: [Int]
    let period: [Int]
    let units: Int
    var k: Int { data.xNames.count }
    var hasMu: Bool { model.distribution == .truncatedNormal }
    var hasEta: Bool { inefficiency == .timeVarying }
    var last: Int { period.max() ?? 1 }

    func split(_ theta: [Double]) -> (beta: ArraySlice<Double>, mu: Double, U: Double, V: Double, eta: Double) {
        var i = k
        let mu = hasMu ? theta[i] : 0
        if hasMu { i += 1 }
        return (theta[0..<k], mu, exp(theta[i]), exp(theta[i + 1]), hasEta ? theta[i + 2] : 0)
    }

    func residuals(_ beta: ArraySlice<Double>) -> [Double] {
        let s = model.side.sign
        return (0..<data.count).map { i in s * (data.y[i] - zip(data.x[i], beta).reduce(0) { $0 + $1.0 * $1.1 }) }
    }

    func etas(_ eta: Double) -> [Double] { period.map { exp(-eta * Double($0 - last)) } }

    func conditional(_ theta: [Double]) -> (units: [(mean: Double, sd: Double)], eta: [Double]) {
        let p = split(theta)
        let e = residuals(p.beta), h = etas(p.eta)
        var a = [Double](repeating: 0, count: units), b = a
        for i in 0..<data.count { a[unit[i]] += h[i] * h[i]; b[unit[i]] += h[i] * e[i] }
        let c = (0..<units).map { u -> (Double, Double) in
            let A = p.V + p.U * a[u]
            return ((p.mu * p.V - p.U * b[u]) / A, (p.V * p.U / A).squareRoot())
        }
        return (c, h)
    }

    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let p = split(theta)
        let (U, V, mu) = (p.U, p.V, p.mu)
        let e = residuals(p.beta), h = etas(p.eta)
        var a = [Double](repeating: 0, count: units), b = a, ee = a, count = a, da = a, db = a
        for i in 0..<data.count {
            let u = unit[i]
            a[u] += h[i] * h[i]; b[u] += h[i] * e[i]; ee[u] += e[i] * e[i]; count[u] += 1
            let dh = -Double(period[i] - last) * h[i]   // ∂ηᵢₜ/∂η
            da[u] += 2 * h[i] * dh; db[u] += e[i] * dh
        }
        let sqU = U.squareRoot()
        let bmu = mu / sqU, mb = millsRatio(bmu)
        var value = 0.0
        var gMu = 0.0, gU = 0.0, gV = 0.0, gEta = 0.0
        var dzdb = [Double](repeating: 0, count: units), w = dzdb
        for u in 0..<units {
            let A = V + U * a[u], D = (A * V * U).squareRoot()
            let z = (mu * V - U * b[u]) / D
            let T = count[u]
            value += -0.5 * T * log(2 * Double.pi) - 0.5 * (T - 1) * log(V) - 0.5 * log(A) - 0.5 * ee[u] / V
                - 0.5 * mu * mu / U + 0.5 * z * z + logNormalCDF(z) - logNormalCDF(bmu)
            let dz = z + millsRatio(z)   // ∂ℓ/∂z
            w[u] = dz
            dzdb[u] = -U / D
            let dzda = -0.5 * z * U / A
            gMu += -mu / U + dz * V / D - mb / sqU
            gV += -(T - 1) / (2 * V) - 1 / (2 * A) + ee[u] / (2 * V * V) + dz * (mu / D - 0.5 * z * (1 / A + 1 / V))
            gU += -a[u] / (2 * A) + mu * mu / (2 * U * U) + dz * (-b[u] / D - 0.5 * z * (a[u] / A + 1 / U)) + mb * mu / (2 * U * sqU)
            gEta += (-U / (2 * A) + dz * dzda) * da[u] + dz * dzdb[u] * db[u]
        }
        var g = [Double](repeating: 0, count: theta.count)
        let s = model.side.sign
        for i in 0..<data.count {
            let u = unit[i]
            let de = -e[i] / V + w[u] * dzdb[u] * h[i]
            for j in 0..<k { g[j] -= s * de * data.x[i][j] }
        }
        var idx = k
        if hasMu { g[idx] = gMu; idx += 1 }
        g[idx] = gU * U
        g[idx + 1] = gV * V
        if hasEta { g[idx + 2] = gEta }
        return (value, g)
    }
}
