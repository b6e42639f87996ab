import Foundation
import VarexLinearAlgebra

/// The Laplace approximation to a generalized linear mixed model's deviance, −2 log L(θ, β),
/// as lme4's `glmer` (nAGQ = 1) evaluates it: penalised iteratively reweighted least squares
/// (PIRLS) finds the conditional modes u of the spherical random effects (b = Λu) at θ and β,
/// and the deviance is the family's −2 log f(y | μ) + ‖u‖² + log |ΛᵀZᵀWZΛ + I| at those modes
/// (Bates et al. 2015; lme4's `glmResp::Laplace`).
///
/// PIRLS is run to convergence in double precision (Newton steps until the decrement stops
/// falling): the optimiser's Newton polish and the covariance's numerical Hessian divide the
/// deviance's differences by squared steps, and a loosely converged u would show through.
public struct LaplaceDeviance: Sendable {
    public let layout: CovarianceLayout
    let x: Matrix
    let y: [Double]
    /// Prior weights (times the trials of a two-column binomial response).
    let prior: [Double]
    let trials: [Double]
    let offset: [Double]
    let family: Family
    let link: Link
    /// Z by row: each row's columns of Z and their values.
    let zIndex: [[Int]]
    let zValue: [[Double]]

    init(x: Matrix, y: [Double], prior: [Double], trials: [Double], offset: [Double], blocks: [RandomEffectsBlock],
         family: Family, link: Link) {
        layout = CovarianceLayout(blocks: blocks)
        self.x = x
        self.y = y
        self.prior = prior
        self.trials = trials
        self.offset = offset
        self.family = family
        self.link = link
        var index: [[Int]] = [], value: [[Double]] = []
        for row in 0..<x.rows {
            var i: [Int] = [], v: [Double] = []
            for (b, block) in blocks.enumerated() {
                let base = layout.offsets[b] + block.level[row] * block.effectCount
                for e in 0..<block.effectCount { i.append(base + e); v.append(block.values[row, e]) }
            }
            index.append(i)
            value.append(v)
        }
        zIndex = index
        zValue = value
    }

    public var n: Int { x.rows }
    public var p: Int { x.columns }

    /// The state at the conditional modes for one θ and β.
    public struct Modes: Sendable {
        public let theta: [Double]
        public let beta: [Double]
        /// The spherical random effects at their conditional modes.
        public let u: [Double]
        public let eta: [Double]
        public let mu: [Double]
        /// The factor of ΛᵀZᵀWZΛ + I at μ (lme4's L is its Cholesky factor's transpose).
        let factor: PenalizedFactor
        /// Σ of the family's unit deviances (lme4's `drsum`).
        public let devianceResidualSum: Double
        /// −2 Σ log f(y | μ) (the family's `aic` part).
        public let conditionalDeviance: Double
        /// The Laplace deviance: conditional deviance + ‖u‖² + log |L|².
        public let laplace: Double
        public let iterations: Int

        public var sumSquaredU: Double { u.reduce(0) { $0 + $1 * $1 } }
    }

    /// Xβ + offset, by row.
    func fixedPredictor(_ beta: [Double]) -> [Double] {
        (0..<n).map { i in
            var s = offset[i]
            for j in 0..<p { s += x.storage[i + j * n] * beta[j] }
            return s
        }
    }

    /// PIRLS at θ and β from `start` (zero if nil); nil where no finite penalised deviance is
    /// reached.
    public func modes(theta: [Double], beta: [Double], start: [Double]? = nil) -> Modes? {
        let q = layout.randomEffectCount
        let t = layout.factors(theta)
        let base = fixedPredictor(beta)
        var u = start ?? [Double](repeating: 0, count: q)

        func state(_ u: [Double]) -> (eta: [Double], mu: [Double], pdev: Double, drsum: Double)? {
            let b = layout.lambdaTimes(u, factors: t)
            var eta = base
            for i in 0..<n { for (k, c) in zIndex[i].enumerated() { eta[i] += zValue[i][k] * b[c] } }
            let mu = eta.map(link.mu)
            guard eta.allSatisfy(link.isValid(eta:)), mu.allSatisfy(family.isValid(mu:)) else { return nil }
            var d = 0.0
            for i in 0..<n { d += family.unitDeviance(y: y[i], mu: mu[i], weight: prior[i]) }
            let pdev = d + u.reduce(0) { $0 + $1 * $1 }
            return pdev.isFinite ? (eta, mu, pdev, d) : nil
        }

        var first = state(u)
        if first == nil, start != nil {
            u = [Double](repeating: 0, count: q)
            first = state(u)
        }
        guard var current = first else { return nil }
        var previousDecrement = Double.infinity
        for iteration in 1...60 {
            // Fisher scoring: A δ = ΛᵀZᵀ s − u with A = ΛᵀZᵀWZΛ + I, w = prior μ'² / V,
            // s = prior μ' (y − μ) / V.
            var w = [Double](repeating: 0, count: n)
            var rhs = [Double](repeating: 0, count: q)
            for i in 0..<n {
                let d = link.muEta(current.eta[i]), v = family.variance(current.mu[i])
                w[i] = prior[i] * d * d / v
                let s = prior[i] * d * (y[i] - current.mu[i]) / v
                for (a, ia) in zIndex[i].enumerated() { rhs[ia] += zValue[i][a] * s }
            }
            guard let l = try? PenalizedFactor(weights: w, layout: layout, factors: t, zIndex: zIndex, zValue: zValue) else { return nil }
            rhs = layout.lambdaTransposeTimes(Matrix(rows: q, columns: 1, columnMajor: rhs), factors: t).storage
            for i in 0..<q { rhs[i] -= u[i] }
            guard let delta = try? l.solve(rhs) else { return nil }
            let decrement = zip(rhs, delta).reduce(0) { $0 + $1.0 * $1.1 }
            // Converged: the Newton decrement is at rounding level, or stopped falling there;
            // not converged in 60 iterations: no deviance here (the optimiser steps away).
            let converged = decrement <= 1e-22 * max(current.pdev, 1)
                || (decrement < 1e-16 * max(current.pdev, 1) && decrement >= previousDecrement)
            if !converged && iteration == 60 { return nil }
            if converged {
                guard let cond = family.aicPart(y: y, trials: trials, mu: current.mu, weights: prior, deviance: current.drsum) else { return nil }
                let ssu = u.reduce(0) { $0 + $1 * $1 }
                return Modes(theta: theta, beta: beta, u: u, eta: current.eta, mu: current.mu, factor: l,
                             devianceResidualSum: current.drsum, conditionalDeviance: cond,
                             laplace: cond + ssu + l.logDeterminant, iterations: iteration)
            }
            previousDecrement = decrement
            var step = 1.0
            var moved = false
            for _ in 0..<30 {
                let trial = zip(u, delta).map { $0 + step * $1 }
                if let next = state(trial), next.pdev <= current.pdev + 1e-14 * max(current.pdev, 1) {
                    u = trial
                    current = next
                    moved = true
                    break
                }
                step /= 2
            }
            if !moved { previousDecrement = 0 }
        }
        return nil
    }

    /// The Laplace deviance at θ and β (+∞ where PIRLS fails).
    public func deviance(theta: [Double], beta: [Double], start: [Double]? = nil) -> Double {
        modes(theta: theta, beta: beta, start: start)?.laplace ?? .infinity
    }

    static func transposed(_ m: Matrix) -> Matrix {
        var out = Matrix(rows: m.columns, columns: m.rows)
        for j in 0..<m.columns { for i in 0..<m.rows { out[j, i] = m[i, j] } }
        return out
    }
}
