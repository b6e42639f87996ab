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
    }
}
