import Foundation
import VarexLinearAlgebra

/// Satterthwaite's degrees of freedom for the fixed effects of a linear mixed model, as
/// lmerTest computes them (Kuznetsova, Brockhoff and Christensen 2017): for a coefficient,
/// df = 2 V² / (gᵀ A g), V its variance, g the gradient of V in the variance parameters
/// (θ, σ) and A = 2 H⁺ their asymptotic covariance, H the Hessian of the (REML or ML)
/// deviance in (θ, σ) and ⁺ the inverse over eigenvalues above 1e-8.
public struct Satterthwaite: Sendable {
    /// The degrees of freedom per fixed effect.
    public let degreesOfFreedom: [Double]
    /// A = 2 H⁺, the covariance of (θ, σ).
    public let parameterCovariance: Matrix
    /// The Hessian's eigenvalues, for lmerTest's convergence warnings.
    public let hessianEigenvalues: [Double]
    /// ∂vcov(β)/∂(θ, σ): one p × p matrix per variance parameter.
    public let jacobian: [Matrix]
    /// vcov(β) at the estimate.
    let betaCovariance: Matrix

    /// lmerTest's warnings: a negative or near-zero eigenvalue of the Hessian.
    public var warnings: [String] {
        let negative = hessianEigenvalues.filter { $0 < -1e-8 }
        let zero = hessianEigenvalues.filter { abs($0) <= 1e-8 }
        var out: [String] = []
        if !negative.isEmpty {
            out.append("Model failed to converge with \(negative.count) negative eigenvalue\(negative.count == 1 ? "" : "s"): "
                       + negative.map { String(format: "%.1e", $0) }.joined(separator: " "))
        }
        if !zero.isEmpty {
            out.append("Model may not have converged with \(zero.count) eigenvalue\(zero.count == 1 ? "" : "s") close to zero: "
                       + zero.map { String(format: "%.1e", $0) }.joined(separator: " "))
        }
        return out
    }

    public init(_ fit: LinearMixedFit) throws {
        let profile = fit.profile, reml = fit.reml, n = Double(fit.n), p = fit.p
        let start = fit.theta + [fit.sigma]
        // The deviance in (θ, σ), σ not profiled out (lmerTest's devfun_vp).
        func deviance(_ vp: [Double]) -> Double {
            guard let s = try? profile.solve(Array(vp.dropLast()), exact: true) else { return .nan }
            let s2 = vp.last! * vp.last!
            var d = s.logDetL + s.pwrss / s2 + n * log(2 * Double.pi * s2)
            if reml { d += s.logDetRX - Double(p) * log(2 * Double.pi * s2) }
            return d
        }
        // vcov(β) in (θ, σ), flattened.
        func covariance(_ vp: [Double]) -> [Double] {
            guard let s = try? profile.solve(Array(vp.dropLast())),
                  let v = try? LinearMixedFit.inverse(of: s.rx, scaledBy: vp.last! * vp.last!) else {
                return [Double](repeating: .nan, count: p * p)
            }
            return v.storage
        }
        let h = Richardson.hessian(deviance, at: start)
        let m = start.count
        let eigen = try SymmetricEigen(Matrix(rows: m, columns: m, columnMajor: h.flatMap { $0 }))
        var a = eigen.function({ 1 / $0 }, keep: { $0 > 1e-8 })
        for k in a.storage.indices { a.storage[k] *= 2 }
        let jacobian = (0..<m).map { Richardson.derivative(covariance, at: start, coordinate: $0) }
        let v = fit.covariance
        degreesOfFreedom = (0..<p).map { j in
            let g = jacobian.map { $0[j + j * p] }
            var denominator = 0.0
            for r in 0..<m { for c in 0..<m { denominator += g[r] * a[r, c] * g[c] } }
            return 2 * v[j, j] * v[j, j] / denominator
        }
        parameterCovariance = a
        hessianEigenvalues = eigen.values
        self.jacobian = jacobian.map { Matrix(rows: p, columns: p, columnMajor: $0) }
        betaCovariance = v
    }
}

/// A joint F test of contrasts of a mixed model's fixed effects.
public struct ContrastFTest: Sendable, Equatable {
    public let f: Double
    /// The rank of the contrasts' covariance.
    public let numeratorDF: Int
    public let denominatorDF: Double
    public let pValue: Double

    /// No test: a set of no coefficients (every number NaN, df 0).
    public static let none = ContrastFTest(f: .nan, numeratorDF: 0, denominatorDF: .nan, pValue: .nan)
}

extension Satterthwaite {
    /// lmerTest's `contestMD`: the F test of Lβ = 0 with Satterthwaite's denominator df. The
    /// contrasts are rotated onto the eigenvectors of L·vcov(β)·Lᵀ (those with eigenvalues above
    /// √ε of the largest); F is the mean of the squared rotated estimates over their variances;
    /// each rotated contrast has its own df νₘ = 2dₘ² / (gₘᵀ A gₘ), and the F's df is
    /// 2E / (E − q) with E = Σ νₘ / (νₘ − 2) (2 when any νₘ ≤ 2; their mean when all agree).
    public func test(_ l: Matrix, beta: [Double]) throws -> ContrastFTest {
        let p = beta.count
        let vl = try l.multiplied(by: betaCovariance).multiplied(by: l, transposeOther: true)
        let eigen = try SymmetricEigen(vl)
        let order = eigen.values.indices.sorted { eigen.values[$0] > eigen.values[$1] }
        let largest = eigen.values[order[0]]
        let kept = order.filter { eigen.values[$0] > max(Double.ulpOfOne.squareRoot() * largest, 0) }
        let q = kept.count
        guard q > 0 else { return ContrastFTest(f: .nan, numeratorDF: 0, denominatorDF: .nan, pValue: .nan) }
        var t2 = 0.0
        var nu: [Double] = []
        for m in kept {
            // This direction's contrast: Pₘᵀ L.
            var c = [Double](repeating: 0, count: p)
            for r in 0..<l.rows { for j in 0..<p { c[j] += eigen.vectors[r, m] * l[r, j] } }
            let estimate = zip(c, beta).reduce(0) { $0 + $1.0 * $1.1 }
            let d = eigen.values[m]
            t2 += estimate * estimate / d
            let g = jacobian.map { j in Self.quadraticForm(c, j) }
            nu.append(2 * d * d / Self.quadraticForm(g, parameterCovariance))
        }
        let f = t2 / Double(q)
        let df = Self.combinedDF(nu)
        return ContrastFTest(f: f, numeratorDF: q, denominatorDF: df,
                             pValue: FDistribution(df1: Double(q), df2: df).survival(f))
    }

    /// lmerTest's `get_Fstat_ddf`.
    static func combinedDF(_ nu: [Double]) -> Double {
        if nu.count == 1 { return nu[0] }
        if zip(nu, nu.dropFirst()).allSatisfy({ abs($0 - $1) < 1e-8 }) { return nu.reduce(0, +) / Double(nu.count) }
        if nu.contains(where: { $0 <= 2 }) { return 2 }
        let e = nu.reduce(0) { $0 + $1 / ($1 - 2) }
        return 2 * e / (e - Double(nu.count))
    }

    /// xᵀ M x.
    static func quadraticForm(_ x: [Double], _ m: Matrix) -> Double {
        var s = 0.0
        for r in x.indices { for c in x.indices { s += x[r] * m[r, c] * x[c] } }
        return s
    }
}
