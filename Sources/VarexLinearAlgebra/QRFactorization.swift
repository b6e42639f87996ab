/// A Householder QR factorisation of a tall matrix with R's *limited* column pivoting.
///
/// Columns are first scaled by powers of two (exact: no rounding) so that each has a norm in
/// [0.5, 1). Then the matrix is factored by LAPACK's blocked Householder QR (`dgeqrf`), in the
/// original column order. A column whose part orthogonal to the columns before it has a norm
/// below `tolerance` times its own norm is *aliased* (not estimable): it is moved to the end and
/// the factorisation redone, exactly as R's `lm` does with LINPACK `dqrdc2`. So the estimable
/// columns keep their order, the first `rank` positions of ``order`` are the estimable columns,
/// and which term is reported as aliased is the one R would report.
public struct QRFactorization: Sendable {
    /// The default relative tolerance for declaring a column aliased.
    ///
    /// R's `lm` uses 1e-7, which (with R's unscaled columns) declares NIST's Filip problem
    /// rank-deficient although it has a certified full-rank solution. Varex works on
    /// power-of-two–scaled columns and refines the solution in extended precision, so it can
    /// afford a smaller tolerance: 1e-10. Pass 1e-7 to reproduce R's choice.
    public static let defaultTolerance = 1e-10

    /// Number of rows.
    public let rows: Int
    /// Number of columns of the original matrix.
    public let columns: Int
    /// Numerical rank: the number of estimable columns.
    public let rank: Int
    /// `order[k]` is the original index of the column at position `k`; the first ``rank``
    /// entries are the estimable columns in their original order, the rest are aliased.
    public let order: [Int]
    /// Power-of-two scale applied to each original column.
    public let scales: [Double]
    /// Relative tolerance used to declare columns aliased.
    public let tolerance: Double
    /// The factored matrix (n × p, columns in ``order``, scaled): R above the diagonal,
    /// Householder vectors below.
    let factored: [Double]
    /// Householder scalars.
    let tau: [Double]

    /// Factors `x`. Throws on an empty matrix or a non-finite element.
    public init(_ x: Matrix, tolerance: Double = QRFactorization.defaultTolerance) throws {
        let n = x.rows, p = x.columns
        guard n > 0, p > 0 else { throw LinearAlgebraError.shape("a QR needs at least one row and one column") }
        guard n < Int(Int32.max), n * p < Int(Int32.max) * 64 else { throw LinearAlgebraError.tooLarge(rows: n, columns: p) }
        let (scales, norms) = try ColumnScaling.powerOfTwo(x)
        var order = Array(0..<p)
        var aliasedCount = 0
        var a = [Double](repeating: 0, count: n * p)
        var tau: [Double] = []
        while true {
            for (k, j) in order.enumerated() {
                let s = scales[j]
                for i in 0..<n { a[i + k * n] = x.storage[i + j * n] * s }
            }
            tau = try a.withUnsafeMutableBufferPointer { try LAPACK.geqrf($0.baseAddress!, m: n, n: p, lda: n) }
            let estimable = p - aliasedCount
            var firstAliased: Int? = nil
            for k in 0..<min(estimable, n) {
                let rkk = abs(a[k + k * n])
                if norms[order[k]] == 0 || rkk < tolerance * norms[order[k]] { firstAliased = k; break }
            }
            if firstAliased == nil && estimable > n { firstAliased = n } // more columns than rows
            guard let k = firstAliased else { break }
            let moved = order.remove(at: k)
            order.append(moved)
            aliasedCount += 1
        }
        self.rows = n
        self.columns = p
        self.rank = p - aliasedCount
        self.order = order
        self.scales = scales
        self.tolerance = tolerance
        self.factored = a
        self.tau = tau
    }

    /// For each original column, whether it is aliased (not estimable).
    public var isAliased: [Bool] {
        var flags = [Bool](repeating: true, count: columns)
        for k in 0..<rank { flags[order[k]] = false }
        return flags
    }

    /// The upper-triangular factor R of the estimable columns (rank × rank), in scaled units.
    public var r: Matrix {
        var m = Matrix(rows: rank, columns: rank)
        for j in 0..<rank { for i in 0...j { m[i, j] = factored[i + j * rows] } }
        return m
    }

    /// An estimate of the 1-norm condition number of the scaled estimable columns (from R).
    public var conditionEstimate: Double {
        guard rank > 0 else { return .infinity }
        let rcond = (try? factored.withUnsafeBufferPointer { try LAPACK.trcon($0.baseAddress!, n: rank, lda: rows) }) ?? 0
        return rcond > 0 ? 1 / rcond : .infinity
    }

    /// Applies Q (or Qᵀ) of the estimable columns to the n × `count` column-major block `c`.
    public func applyQ(transpose: Bool, to c: inout [Double], count: Int) throws {
        guard rank > 0, count > 0 else { return }
        precondition(c.count == rows * count)
        try factored.withUnsafeBufferPointer { a in
            try tau.withUnsafeBufferPointer { t in
                try c.withUnsafeMutableBufferPointer { cb in
                    try LAPACK.ormqr(transpose: transpose, a: a.baseAddress!, m: rows, k: rank, lda: rows,
                                     tau: t.baseAddress!, c: cb.baseAddress!, columns: count, ldc: rows)
                }
            }
        }
    }

    /// Solves R x = b (or Rᵀ x = b) in place for `count` right-hand sides of length ``rank``.
    public func solveR(transpose: Bool, _ b: inout [Double], count: Int = 1) throws {
        guard rank > 0 else { return }
        precondition(b.count == rank * count)
        try factored.withUnsafeBufferPointer { a in
            try b.withUnsafeMutableBufferPointer { bb in
                try LAPACK.trtrs(transpose: transpose, r: a.baseAddress!, n: rank, ldr: rows,
                                 b: bb.baseAddress!, nrhs: count, ldb: rank)
            }
        }
    }

    /// The last rows − ``rank`` columns of the full Q (n × (n − rank)): an orthonormal basis of
    /// the orthogonal complement of the estimable columns' span (R's
    /// `qr.Q(qr(x), complete = TRUE)[, -(1:rank)]`, up to a rotation of the basis).
    public func complementQ() throws -> Matrix {
        let m = rows - rank
        guard m > 0 else { return Matrix(rows: rows, columns: 0) }
        var q = [Double](repeating: 0, count: rows * m)
        for k in 0..<m { q[(rank + k) + k * rows] = 1 }
        try applyQ(transpose: false, to: &q, count: m)
        return Matrix(rows: rows, columns: m, columnMajor: q)
    }

    /// The first ``rank`` columns of Q (n × rank): row i holds the coordinates of observation
    /// i in the orthonormal basis of the column space. Leverage is its row norms squared.
    public func thinQ() throws -> Matrix {
        var q = [Double](repeating: 0, count: rows * rank)
        for k in 0..<rank { q[k + k * rows] = 1 }
        try applyQ(transpose: false, to: &q, count: rank)
        return Matrix(rows: rows, columns: rank, columnMajor: q)
    }
}
