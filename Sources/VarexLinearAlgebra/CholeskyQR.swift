/// The factorisation for tall, well-conditioned problems: CholeskyQR, by blocks of rows.
///
/// R₁ = chol(X̃ᵀX̃); when κ(R₁) ≤ 100 that is all (its errors, about κ²ε ≈ 2e-12, are below what any
/// output shows). Otherwise, block by block, Q₁ = X̃R₁⁻¹ is formed and Q₁ᵀQ₁ accumulated, and
/// R = chol(Q₁ᵀQ₁)·R₁. Everything is BLAS 3 (`dsyrk`, `dtrsm`), reads X a few times and never
/// copies it, so peak memory stays near the size of X. The second pass restores orthogonality
/// to O(ε) while κ(X̃) ≲ ε^(−1/2); Varex uses the method only when the condition estimate of R
/// is below 10⁶ and falls back to Householder QR otherwise (and for rank-deficient designs).
struct CholeskyQR {
    let rows: Int
    let columns: Int
    let scales: [Double]
    /// Upper-triangular R (columns × columns), scaled units, column-major.
    let r: [Double]
    let conditionEstimate: Double
    /// 1 for plain CholeskyQR, 2 for CholeskyQR2.
    let passes: Int

    static let blockRows = 4096
    static let maximumCondition = 1e6
    static let singlePassCondition = 100.0

    /// Factors `x`, or returns nil when the method is not accurate enough for it (including a
    /// zero, non-finite or aliased column: the Householder path then reports or handles it).
    static func factor(_ x: Matrix) throws -> CholeskyQR? {
        let n = x.rows, p = x.columns
        // Gram matrix of the unscaled columns; its diagonal gives the column norms, hence the
        // power-of-two scales, which are then applied exactly.
        var g = [Double](repeating: 0, count: p * p)
        try x.storage.withUnsafeBufferPointer { xb in
            try g.withUnsafeMutableBufferPointer { gb in
                try LAPACK.syrkTransposed(k: p, m: n, alpha: 1, a: xb.baseAddress!, lda: n, beta: 0, c: gb.baseAddress!, ldc: p)
            }
        }
        var scales = [Double](repeating: 1, count: p)
        for j in 0..<p {
            let sq = g[j + j * p]
            guard sq.isFinite, sq > 0 else { return nil }
            let norm = sq.squareRoot()
            guard norm.isNormal else { return nil }
            scales[j] = Double(sign: .plus, exponent: -(norm.exponent + 1), significand: 1)
        }
        for j in 0..<p { for i in 0...j { g[i + j * p] *= scales[i] * scales[j] } }
        var r1 = g
        guard try r1.withUnsafeMutableBufferPointer({ try LAPACK.potrf($0.baseAddress!, n: p, lda: p) }) else { return nil }
        for j in 0..<p { for i in 0..<p where i > j { r1[i + j * p] = 0 } }
        // When R₁ is already very well conditioned (κ ≤ 100), its errors, about κ²ε ≈ 2e-12
        // relative, are below what any output shows and the second pass is skipped.
        let rcond1 = try r1.withUnsafeBufferPointer { try LAPACK.trcon($0.baseAddress!, n: p, lda: p) }
        if rcond1 > 0, 1 / rcond1 <= singlePassCondition {
            return CholeskyQR(rows: n, columns: p, scales: scales, r: r1, conditionEstimate: 1 / rcond1, passes: 1)
        }
        // Second pass: G₂ = Σ (X̃ₖR₁⁻¹)ᵀ(X̃ₖR₁⁻¹) over row blocks.
        var g2 = [Double](repeating: 0, count: p * p)
        try forEachBlock(of: x, scales: scales, timesInverseOf: r1) { block, _, m in
            try g2.withUnsafeMutableBufferPointer { gb in
                try LAPACK.syrkTransposed(k: p, m: m, alpha: 1, a: block.baseAddress!, lda: m, beta: 1, c: gb.baseAddress!, ldc: p)
            }
        }
        var r2 = g2
        guard try r2.withUnsafeMutableBufferPointer({ try LAPACK.potrf($0.baseAddress!, n: p, lda: p) }) else { return nil }
        for j in 0..<p { for i in 0..<p where i > j { r2[i + j * p] = 0 } }
        // R = R₂R₁ (both upper triangular).
        var r = r1
        try r2.withUnsafeBufferPointer { r2b in
            try r.withUnsafeMutableBufferPointer { rb in
                try LAPACK.trmm(left: true, transpose: false, m: p, n: p, r: r2b.baseAddress!, ldr: p, b: rb.baseAddress!, ldb: p)
            }
        }
        let rcond = try r.withUnsafeBufferPointer { try LAPACK.trcon($0.baseAddress!, n: p, lda: p) }
        let kappa = rcond > 0 ? 1 / rcond : .infinity
        guard kappa < maximumCondition else { return nil }
        return CholeskyQR(rows: n, columns: p, scales: scales, r: r, conditionEstimate: kappa, passes: 2)
    }

    /// Solves RᵀR z = c in place (the semi-normal equations).
    func solveNormal(_ c: inout [Double]) throws {
        try r.withUnsafeBufferPointer { rb in
            try c.withUnsafeMutableBufferPointer { cb in
                try LAPACK.trtrs(transpose: true, r: rb.baseAddress!, n: columns, ldr: columns, b: cb.baseAddress!, nrhs: 1, ldb: columns)
                try LAPACK.trtrs(transpose: false, r: rb.baseAddress!, n: columns, ldr: columns, b: cb.baseAddress!, nrhs: 1, ldb: columns)
            }
        }
    }

    /// Rows of X̃R⁻¹ by blocks; `body` receives the block (m × columns, column-major), its first
    /// row and m.
    func forEachQBlock(_ x: Matrix, _ body: (UnsafeBufferPointer<Double>, Int, Int) throws -> Void) throws {
        try Self.forEachBlock(of: x, scales: scales, timesInverseOf: r, body)
    }

    /// Copies X̃ = XS block by block (rows), multiplies each block by R⁻¹ in place and hands it on.
    static func forEachBlock(of x: Matrix, scales: [Double], timesInverseOf r: [Double],
                             _ body: (UnsafeBufferPointer<Double>, Int, Int) throws -> Void) throws {
        let n = x.rows, p = x.columns
        var block = [Double](repeating: 0, count: blockRows * p)
        var start = 0
        try x.storage.withUnsafeBufferPointer { xb in
            while start < n {
                let m = min(blockRows, n - start)
                for j in 0..<p {
                    let s = scales[j]
                    let src = xb.baseAddress! + j * n + start
                    for i in 0..<m { block[i + j * m] = src[i] * s }
                }
                try r.withUnsafeBufferPointer { rb in
                    try block.withUnsafeMutableBufferPointer { bb in
                        try LAPACK.trsmRightUpper(m: m, n: p, r: rb.baseAddress!, ldr: p, b: bb.baseAddress!, ldb: m)
                    }
                }
                try block.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<(m * p)]), start, m) }
                start += m
            }
        }
    }
}
