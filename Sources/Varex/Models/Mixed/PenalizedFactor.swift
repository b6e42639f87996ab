import VarexLinearAlgebra

/// The Cholesky factor of A = ΛᵀZᵀWZΛ + I, the matrix PIRLS solves with and whose determinant
/// the Laplace approximation needs: dense for several random terms, or one small factor per
/// level when a single term makes A block diagonal (each level's effects × effects block:
/// q p² work per solve instead of q³/3, which a random intercept for every council over a
/// five-year panel needs hundreds of times).
struct PenalizedFactor: Sendable {
    enum Storage: Sendable {
        case dense(Cholesky)
        case blocks([Cholesky])
    }
    let storage: Storage
    /// Effects per level (the blocks' order).
    let blockSize: Int

    /// Factors A from each row's working weight `w`, the rows' columns of Z and their values.
    init(weights w: [Double], layout: CovarianceLayout, factors t: [Matrix], zIndex: [[Int]], zValue: [[Double]]) throws {
        let q = layout.randomEffectCount
        if layout.effects.count == 1 {
            let pk = layout.effects[0], levels = layout.levels[0], tk = t[0]
            var sums = [Double](repeating: 0, count: q * pk)
            for i in w.indices {
                let idx = zIndex[i], val = zValue[i]
                guard let first = idx.first else { continue }
                let base = first * pk
                for a in 0..<pk { for c in 0..<pk { sums[base + a + c * pk] += w[i] * val[a] * val[c] } }
            }
            var factors: [Cholesky] = []
            factors.reserveCapacity(levels)
            for l in 0..<levels {
                var s = Matrix(rows: pk, columns: pk)
                for c in 0..<pk { for a in 0..<pk { s[a, c] = sums[l * pk * pk + a + c * pk] } }
                // Tᵀ S T + I.
                var m = try tk.multiplied(by: try s.multiplied(by: tk), transposeSelf: true)
                for e in 0..<pk { m[e, e] += 1 }
                factors.append(try Cholesky(m))
            }
            storage = .blocks(factors)
            blockSize = pk
            return
        }
        var ztwz = Matrix(rows: q, columns: q)
        for i in w.indices {
            let idx = zIndex[i], val = zValue[i]
            for (a, ia) in idx.enumerated() { for (c, ic) in idx.enumerated() { ztwz.storage[ia + ic * q] += w[i] * val[a] * val[c] } }
        }
        var a = layout.lambdaTransposeTimes(LaplaceDeviance.transposed(layout.lambdaTransposeTimes(ztwz, factors: t)), factors: t)
        for i in 0..<q { a[i, i] += 1 }
        storage = .dense(try Cholesky(a))
        blockSize = q
    }

    /// A⁻¹ b.
    func solve(_ b: [Double]) throws -> [Double] {
        switch storage {
        case let .dense(c):
            return try c.solve(Matrix(rows: b.count, columns: 1, columnMajor: b)).storage
        case let .blocks(factors):
            var out = [Double](repeating: 0, count: b.count)
            for (l, c) in factors.enumerated() {
                let x = try c.solve(Matrix(rows: blockSize, columns: 1, columnMajor: Array(b[(l * blockSize)..<((l + 1) * blockSize)])))
                for e in 0..<blockSize { out[l * blockSize + e] = x.storage[e] }
            }
            return out
        }
    }

    /// log |A| (lme4's `ldL2`).
    var logDeterminant: Double {
        switch storage {
        case let .dense(c): return c.logDeterminant
        case let .blocks(factors): return factors.reduce(0) { $0 + $1.logDeterminant }
        }
    }

    /// The whole factor, the blocks placed on the diagonal (for the conditional variances).
    func dense() throws -> Cholesky {
        switch storage {
        case let .dense(c): return c
        case let .blocks(factors):
            let q = factors.count * blockSize
            var a = Matrix(rows: q, columns: q)
            for (l, c) in factors.enumerated() {
                let r = c.factor
                // A block = RᵀR.
                let block = try r.multiplied(by: r, transposeSelf: true)
                for i in 0..<blockSize { for j in 0..<blockSize { a[l * blockSize + i, l * blockSize + j] = block[i, j] } }
            }
            return try Cholesky(a)
        }
    }
}
