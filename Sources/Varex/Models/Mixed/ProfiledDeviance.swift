import Foundation
import VarexLinearAlgebra

/// How θ, the covariance parameters, map to the relative covariance factor Λ: per random term
/// a lower-triangular T (effects × effects) read column by column from θ, repeated for each
/// level (lme4's `Lind`). Diagonal elements are bounded below by 0, the others are free.
public struct CovarianceLayout: Sendable {
    /// Effects per term.
    public let effects: [Int]
    /// Levels per term.
    public let levels: [Int]
    /// Where each term's columns of Z begin.
    public let offsets: [Int]

    public init(blocks: [RandomEffectsBlock]) {
        effects = blocks.map(\.effectCount)
        levels = blocks.map(\.levels.count)
        var o = 0
        var offsets: [Int] = []
        for b in blocks { offsets.append(o); o += b.columnCount }
        self.offsets = offsets
    }

    /// The number of covariance parameters.
    public var parameterCount: Int { effects.reduce(0) { $0 + $1 * ($1 + 1) / 2 } }
    /// q, the number of random effects.
    public var randomEffectCount: Int { zip(effects, levels).reduce(0) { $0 + $1.0 * $1.1 } }

    /// lme4's starting point: T = I for every term.
    public var start: [Double] { effects.flatMap { p in (0..<p).flatMap { j in (j..<p).map { $0 == j ? 1.0 : 0.0 } } } }
    /// 0 for diagonal elements, −∞ for the others.
    public var lower: [Double] { effects.flatMap { p in (0..<p).flatMap { j in (j..<p).map { $0 == j ? 0.0 : -Double.infinity } } } }

    /// Each term's T (p × p, column-major, lower triangular) from θ.
    public func factors(_ theta: [Double]) -> [Matrix] {
        var k = 0
        return effects.map { p in
            var t = Matrix(rows: p, columns: p)
            for j in 0..<p { for i in j..<p { t[i, j] = theta[k]; k += 1 } }
            return t
        }
    }

    /// Λᵀ M for a q × c matrix M: each level's segment of rows multiplied by Tᵀ.
    public func lambdaTransposeTimes(_ m: Matrix, factors: [Matrix]) -> Matrix {
        var out = m
        for (b, t) in factors.enumerated() {
            let p = effects[b]
            for level in 0..<levels[b] {
                let base = offsets[b] + level * p
                for c in 0..<m.columns {
                    for i in 0..<p {
                        var s = 0.0
                        for r in i..<p { s += t[r, i] * m[base + r, c] }
                        out[base + i, c] = s
                    }
                }
            }
        }
        return out
    }

    /// Λ v for a q-vector v (the random effects b = Λu from the spherical u).
    public func lambdaTimes(_ v: [Double], factors: [Matrix]) -> [Double] {
        var out = v
        for (b, t) in factors.enumerated() {
            let p = effects[b]
            for level in 0..<levels[b] {
                let base = offsets[b] + level * p
                for i in 0..<p {
                    var s = 0.0
                    for c in 0...i { s += t[i, c] * v[base + c] }
                    out[base + i] = s
                }
            }
        }
        return out
    }
}

/// The cross-products of a mixed model's design (ZᵀZ, ZᵀX, Zᵀy, XᵀX, Xᵀy, yᵀy), made once, from
/// which the profiled deviance of Bates et al. (2015, sections 3.1–3.4) is evaluated at any θ
/// in time independent of the number of rows.
public struct ProfiledDeviance: Sendable {
    public let layout: CovarianceLayout
    public let n: Int
    public let p: Int
    let ztz: Matrix
    let ztx: Matrix
    let zty: Matrix
    let xtx: Matrix
    let xty: Matrix
    let yty: Double
    /// With an intercept column, the response is centred by its mean (the intercept takes the
    /// shift back): the penalised RSS is yᵀy − ‖c_u‖² − ‖c_β‖², and a centred yᵀy keeps that
    /// difference from cancelling most of its digits.
    let shift: Double
    let interceptColumn: Int?
    /// The design itself, for residuals computed row by row.
    let x: Matrix
    let y: [Double]
    let blocks: [RandomEffectsBlock]

    public init(x: Matrix, y raw: [Double], blocks: [RandomEffectsBlock]) throws {
        layout = CovarianceLayout(blocks: blocks)
        n = x.rows
        p = x.columns
        let rows = x.rows
        let intercept = (0..<x.columns).first { j in (0..<rows).allSatisfy { x.storage[$0 + j * rows] == 1 } }
        let mean = intercept == nil ? 0 : raw.reduce(0, +) / Double(rows)
        interceptColumn = intercept
        shift = mean
        let y = raw.map { $0 - mean }
        self.x = x
        self.y = y
        self.blocks = blocks
        let q = layout.randomEffectCount
        var ztz = Matrix(rows: q, columns: q), ztx = Matrix(rows: q, columns: p), zty = Matrix(rows: q, columns: 1)
        var index = [Int](), value = [Double]()
        for row in 0..<n {
            index.removeAll(keepingCapacity: true)
            value.removeAll(keepingCapacity: true)
            for (b, block) in blocks.enumerated() {
                let base = layout.offsets[b] + block.level[row] * block.effectCount
                for e in 0..<block.effectCount { index.append(base + e); value.append(block.values[row, e]) }
            }
            for (a, ia) in index.enumerated() {
                let va = value[a]
                for (c, ic) in index.enumerated() { ztz.storage[ia + ic * q] += va * value[c] }
                for j in 0..<p { ztx.storage[ia + j * q] += va * x.storage[row + j * n] }
                zty.storage[ia] += va * y[row]
            }
        }
        self.ztz = ztz
        self.ztx = ztx
        self.zty = zty
        let ym = Matrix(rows: n, columns: 1, columnMajor: y)
        xtx = try x.multiplied(by: x, transposeSelf: true)
        xty = try x.multiplied(by: ym, transposeSelf: true)
        yty = y.reduce(0) { $0 + $1 * $1 }
    }

    /// The penalised least-squares solution at θ: the sparse-in-spirit Cholesky factor L
    /// (here Rᵀ) of ΛᵀZᵀZΛ + I, R_ZX, R_X, the fixed effects, the spherical random effects u and
    /// the penalised residual sum of squares. Nil when R_X is not positive definite.
    ///
    /// With `exact`, the penalised RSS is summed from the residuals row by row (time
    /// proportional to the rows) instead of taken as yᵀy − ‖c_u‖² − ‖c_β‖², whose cancellation
    /// leaves noise of about 1e-16 × yᵀy: harmless for the optimiser, but numerical second
    /// derivatives (Satterthwaite's df) divide it by the square of their step.
    public func solve(_ theta: [Double], exact: Bool = false) throws -> PenalizedSolution? {
        let t = layout.factors(theta)
        let q = layout.randomEffectCount
        var a = layout.lambdaTransposeTimes(transposed(layout.lambdaTransposeTimes(ztz, factors: t)), factors: t)
        for i in 0..<q { a[i, i] += 1 }
        let l = try Cholesky(a)
        let cu = try l.solveLower(layout.lambdaTransposeTimes(zty, factors: t))
        let rzx = try l.solveLower(layout.lambdaTransposeTimes(ztx, factors: t))
        var vtv = xtx
        let cross = try rzx.multiplied(by: rzx, transposeSelf: true)
        for k in vtv.storage.indices { vtv.storage[k] -= cross.storage[k] }
        guard let rx = try? Cholesky(vtv) else { return nil }
        var rhs = xty
        let c = try rzx.multiplied(by: cu, transposeSelf: true)
        for j in 0..<p { rhs.storage[j] -= c.storage[j] }
        let cb = try rx.solveLower(rhs)
        var beta = try rx.solveUpper(cb)
        var r = cu
        let rb = try rzx.multiplied(by: beta)
        for i in 0..<q { r.storage[i] -= rb.storage[i] }
        let u = try l.solveUpper(r)
        var pwrss = yty - cu.storage.reduce(0) { $0 + $1 * $1 } - cb.storage.reduce(0) { $0 + $1 * $1 }
        if exact {
            pwrss = residualSumOfSquares(beta: beta.storage, b: layout.lambdaTimes(u.storage, factors: t))
                + u.storage.reduce(0) { $0 + $1 * $1 }
        }
        if let j = interceptColumn { beta.storage[j] += shift }
        return PenalizedSolution(theta: theta, factors: t, l: l, rzx: rzx, rx: rx, beta: beta.storage, u: u.storage,
                                 pwrss: max(pwrss, 0))
    }

    /// ‖y − Xβ − Zb‖² for the centred y, row by row.
    func residualSumOfSquares(beta: [Double], b: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<n {
            var r = y[i]
            for j in 0..<p { r -= x.storage[i + j * n] * beta[j] }
            for (k, block) in blocks.enumerated() {
                let base = layout.offsets[k] + block.level[i] * block.effectCount
                for e in 0..<block.effectCount { r -= block.values[i, e] * b[base + e] }
            }
            sum += r * r
        }
        return sum
    }

    /// −2 × the (restricted) log-likelihood profiled over β and σ: lme4's deviance (ML) or REML
    /// criterion; +∞ where θ gives no solution.
    public func deviance(_ theta: [Double], reml: Bool) -> Double {
        guard let s = try? solve(theta) else { return .infinity }
        return s.deviance(n: n, reml: reml)
    }

    private func transposed(_ m: Matrix) -> Matrix {
        var out = Matrix(rows: m.columns, columns: m.rows)
        for j in 0..<m.columns { for i in 0..<m.rows { out[j, i] = m[i, j] } }
        return out
    }
}

/// The solution of the penalised least-squares problem at one θ.
public struct PenalizedSolution: Sendable {
    public let theta: [Double]
    /// Each term's relative covariance factor T.
    public let factors: [Matrix]
    /// Cholesky factor of ΛᵀZᵀZΛ + I (lme4's L is its transpose).
    public let l: Cholesky
    public let rzx: Matrix
    /// Cholesky factor of XᵀX − R_ZXᵀR_ZX.
    public let rx: Cholesky
    public let beta: [Double]
    /// The spherical random effects (b = Λu).
    public let u: [Double]
    /// ‖y − Xβ − ZΛu‖² + ‖u‖².
    public let pwrss: Double

    /// log |L|².
    public var logDetL: Double { l.logDeterminant }
    /// log |R_X|².
    public var logDetRX: Double { rx.logDeterminant }

    /// Bates et al. (2015), eq. 34 (ML) and 41 (REML).
    public func deviance(n: Int, reml: Bool) -> Double {
        let p = beta.count
        let dof = Double(reml ? n - p : n)
        return logDetL + (reml ? logDetRX : 0) + dof * (1 + log(2 * Double.pi * pwrss / dof))
    }
}
