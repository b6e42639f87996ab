/// The triangular factor of a tall matrix seen a block of rows at a time (TSQR): after each
/// block, R is the R of every row so far — the R of [R; block] by Householder QR — so memory is
/// (p + m) × p for blocks of m rows, whatever the number of rows. With the response as the
/// last column, the last column of R holds Qᵀy and its last element is ±√RSS.
public struct TallSkinnyQR: Sendable {
    /// Columns (the design's and the response).
    public let columns: Int
    /// R, column-major (columns × columns, upper triangular).
    public private(set) var r: [Double]
    /// Rows seen.
    public private(set) var rows = 0

    public init(columns: Int) {
        self.columns = columns
        r = [Double](repeating: 0, count: columns * columns)
    }

    /// Adds `m` rows given column-major in `block` (m × columns).
    public mutating func add(block: [Double], rows m: Int) throws {
        guard m > 0 else { return }
        let p = columns, height = p + m
        var stacked = [Double](repeating: 0, count: height * p)
        for j in 0..<p {
            for i in 0...j { stacked[i + j * height] = r[i + j * p] }
            for i in 0..<m { stacked[p + i + j * height] = block[i + j * m] }
        }
        _ = try stacked.withUnsafeMutableBufferPointer { try LAPACK.geqrf($0.baseAddress!, m: height, n: p, lda: height) }
        for j in 0..<p { for i in 0..<p { r[i + j * p] = i <= j ? stacked[i + j * height] : 0 } }
        rows += m
    }

    /// Solves R₁₁ b = R₁₂ for the leading `k` columns (the design's): the least-squares
    /// coefficients of the last column on the first k.
    public func solveLeading(_ k: Int) throws -> [Double] {
        var b = (0..<k).map { r[$0 + k * columns] }
        try r.withUnsafeBufferPointer { rb in
            try b.withUnsafeMutableBufferPointer { bb in
                try LAPACK.trtrs(transpose: false, r: rb.baseAddress!, n: k, ldr: columns, b: bb.baseAddress!, nrhs: 1, ldb: k)
            }
        }
        return b
    }

    /// (R₁₁ᵀR₁₁)⁻¹ = R₁₁⁻¹R₁₁⁻ᵀ for the leading k columns (k × k).
    public func inverseGram(_ k: Int) throws -> Matrix {
        let ri = try inverseFactor(k)
        return try ri.multiplied(by: ri, transposeOther: true)
    }

    /// R₁₁⁻¹ for the leading k columns (upper triangular, k × k).
    public func inverseFactor(_ k: Int) throws -> Matrix {
        var ri = Matrix(rows: k, columns: k)
        for j in 0..<k { for i in 0...j { ri[i, j] = r[i + j * columns] } }
        try ri.storage.withUnsafeMutableBufferPointer { try LAPACK.trtri($0.baseAddress!, n: k, lda: k) }
        return ri
    }

    /// B R₁₁⁻¹ for a block B (m × k, column-major), in place: the block's rows of Q.
    public func timesInverse(_ block: inout [Double], rows m: Int, leading k: Int) throws {
        let rk = (0..<(k * k)).map { idx -> Double in let i = idx % k, j = idx / k; return r[i + j * columns] }
        try rk.withUnsafeBufferPointer { rb in
            try block.withUnsafeMutableBufferPointer { bb in
                try LAPACK.trsmRightUpper(m: m, n: k, r: rb.baseAddress!, ldr: k, b: bb.baseAddress!, ldb: m)
            }
        }
    }
}
