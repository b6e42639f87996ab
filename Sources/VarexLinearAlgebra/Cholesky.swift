import Foundation

/// The Cholesky factorisation A = RᵀR of a symmetric positive-definite matrix, with the
/// triangular solves, log-determinant and inverse that use it (LAPACK `dpotrf`, `dtrtrs`,
/// `dtrtri`). R is upper triangular; Rᵀ is the lower factor L of lme4's notation.
public struct Cholesky: Sendable {
    /// The upper-triangular factor (the strict lower triangle is zero).
    public let factor: Matrix

    /// Factors `a` (its upper triangle is read). Throws `notPositiveDefinite` when a leading
    /// minor is not positive.
    public init(_ a: Matrix) throws {
        guard a.rows == a.columns else { throw LinearAlgebraError.shape("Cholesky of a \(a.rows)x\(a.columns) matrix") }
        var r = a
        let n = a.rows
        let ok = try r.storage.withUnsafeMutableBufferPointer { try LAPACK.potrf($0.baseAddress!, n: n, lda: max(n, 1)) }
        guard ok else { throw LinearAlgebraError.notPositiveDefinite }
        for j in 0..<n { for i in (j + 1)..<max(n, j + 1) { r.storage[i + j * n] = 0 } }
        factor = r
    }

    /// n, the order of A.
    public var order: Int { factor.rows }

    /// log det A = 2 Σ log r_ii.
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<order { s += log(factor[i, i]) }
        return 2 * s
    }

    /// Solves Rᵀ X = B (the forward solve L X = B).
    public func solveLower(_ b: Matrix) throws -> Matrix { try solve(b, transpose: true) }

    /// Solves R X = B (the back solve Lᵀ X = B).
    public func solveUpper(_ b: Matrix) throws -> Matrix { try solve(b, transpose: false) }

    /// Solves A X = B.
    public func solve(_ b: Matrix) throws -> Matrix { try solveUpper(try solveLower(b)) }

    /// R⁻¹ (upper triangular): A⁻¹ = R⁻¹R⁻ᵀ.
    public func inverseFactor() throws -> Matrix {
        var r = factor
        let n = order
        try r.storage.withUnsafeMutableBufferPointer { try LAPACK.trtri($0.baseAddress!, n: n, lda: max(n, 1)) }
        return r
    }

    private func solve(_ b: Matrix, transpose: Bool) throws -> Matrix {
        guard b.rows == order else { throw LinearAlgebraError.shape("solve with a \(order)x\(order) factor and \(b.rows) rows") }
        var x = b
        let n = order
        try factor.storage.withUnsafeBufferPointer { r in
            try x.storage.withUnsafeMutableBufferPointer { xb in
                try LAPACK.trtrs(transpose: transpose, r: r.baseAddress!, n: n, ldr: max(n, 1),
                                 b: xb.baseAddress!, nrhs: b.columns, ldb: max(n, 1))
            }
        }
        return x
    }
}

/// The eigen-decomposition A = V diag(λ) Vᵀ of a symmetric matrix (LAPACK `dsyev`).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, ascending.
    public let values: [Double]
    /// Orthonormal eigenvectors, one per column, in the order of ``values``.
    public let vectors: Matrix

    /// Decomposes `a` (its upper triangle is read).
    public init(_ a: Matrix) throws {
        guard a.rows == a.columns else { throw LinearAlgebraError.shape("eigen-decomposition of a \(a.rows)x\(a.columns) matrix") }
        guard a.storage.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFinite("a symmetric matrix") }
        var v = a
        let n = a.rows
        values = try v.storage.withUnsafeMutableBufferPointer { try LAPACK.syev($0.baseAddress!, n: n, lda: max(n, 1)) }
        vectors = v
    }

    /// The eigenvalues of `a` alone (ascending; its upper triangle is read): a third of the work.
    public static func values(_ a: Matrix) throws -> [Double] {
        guard a.rows == a.columns else { throw LinearAlgebraError.shape("eigenvalues of a \(a.rows)x\(a.columns) matrix") }
        guard a.storage.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFinite("a symmetric matrix") }
        var v = a
        let n = a.rows
        return try v.storage.withUnsafeMutableBufferPointer { try LAPACK.syev($0.baseAddress!, n: n, lda: max(n, 1), vectors: false) }
    }

    /// Σ f(λ) v vᵀ over the eigenvalues that `keep` accepts: with f(λ) = 1/λ over the clearly
    /// positive ones, the pseudo-inverse; with 1/√λ, the inverse symmetric square root.
    public func function(_ f: (Double) -> Double, keep: (Double) -> Bool = { _ in true }) -> Matrix {
        let n = values.count
        var out = Matrix(rows: n, columns: n)
        for k in 0..<n where keep(values[k]) {
            let fk = f(values[k])
            for j in 0..<n {
                let vj = vectors[j, k] * fk
                for i in 0..<n { out.storage[i + j * n] += vectors[i, k] * vj }
            }
        }
        return out
    }
}
