/// Small dense operations the statistics layer needs, each a single LAPACK/BLAS call.
extension Matrix {
    /// self × other.
    public func multiplied(by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Matrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let k2 = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        guard k == k2 else { throw LinearAlgebraError.shape("cannot multiply \(rows)x\(columns) by \(other.rows)x\(other.columns)") }
        var c = Matrix(rows: m, columns: n)
        if k == 0 { return c }
        try storage.withUnsafeBufferPointer { a in
            try other.storage.withUnsafeBufferPointer { b in
                try c.storage.withUnsafeMutableBufferPointer { cc in
                    try LAPACK.gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k, alpha: 1,
                                    a: a.baseAddress!, lda: rows, b: b.baseAddress!, ldb: other.rows,
                                    beta: 0, c: cc.baseAddress!, ldc: m)
                }
            }
        }
        return c
    }

    /// Solves self × X = b for a symmetric positive-definite `self` (by Cholesky).
    public func solvingSymmetricPositiveDefinite(_ b: [Double]) throws -> [Double] {
        guard rows == columns, b.count == rows else { throw LinearAlgebraError.shape("system is not square") }
        var a = storage
        var x = b
        try a.withUnsafeMutableBufferPointer { ap in
            try x.withUnsafeMutableBufferPointer { xp in
                try LAPACK.posv(ap.baseAddress!, n: rows, b: xp.baseAddress!, nrhs: 1)
            }
        }
        return x
    }
}
