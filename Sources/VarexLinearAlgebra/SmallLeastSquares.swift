/// Least squares for small problems solved many times (bootstrap refits): Householder QR in
/// plain Swift on a caller-owned workspace, no LAPACK call, so it allocates nothing per solve,
/// runs safely on many threads at once and gives the same bits on every machine.
///
/// Accuracy is that of one double-precision Householder QR (backward stable); refits that feed
/// ranks need no more. A column whose part orthogonal to the earlier columns is below
/// `tolerance` × its norm makes the solve return false (the caller decides what to do).
public struct SmallLeastSquares {
    public let rows: Int
    public let columns: Int
    /// Column-major n × p workspace: the design to factor, then the factors.
    public var a: [Double]
    /// The right-hand side, then Qᵀy; the first `columns` entries become the solution.
    public var b: [Double]
    var norms: [Double]
    var betas: [Double]

    public init(rows: Int, columns: Int) {
        precondition(rows >= columns && columns > 0)
        self.rows = rows
        self.columns = columns
        a = [Double](repeating: 0, count: rows * columns)
        b = [Double](repeating: 0, count: rows)
        norms = [Double](repeating: 0, count: columns)
        betas = [Double](repeating: 0, count: columns)
    }

    /// Factors `a` and solves for `b` in place; returns false when a column is aliased.
    public mutating func solve(tolerance: Double = 1e-10) -> Bool {
        let n = rows, p = columns
        return a.withUnsafeMutableBufferPointer { ab in
            b.withUnsafeMutableBufferPointer { bb in
                let A = ab.baseAddress!, B = bb.baseAddress!
                for j in 0..<p {
                    var s = 0.0
                    for i in 0..<n { s += A[i + j * n] * A[i + j * n] }
                    norms[j] = s.squareRoot()
                }
                for k in 0..<p {
                    let col = A + k * n
                    var s = 0.0
                    for i in k..<n { s += col[i] * col[i] }
                    let norm = s.squareRoot()
                    if norms[k] == 0 || norm <= tolerance * norms[k] { return false }
                    let xk = col[k]
                    let alpha = xk > 0 ? -norm : norm
                    // v = x − αe₁ stored in place (v₁ = x₁ − α); β = 2 / vᵀv, vᵀv = ‖x‖² − x₁² + v₁².
                    let v1 = xk - alpha
                    col[k] = v1
                    let vtv = s - xk * xk + v1 * v1
                    let beta = 2 / vtv
                    for j in (k + 1)..<p {
                        let cj = A + j * n
                        var d = 0.0
                        for i in k..<n { d += col[i] * cj[i] }
                        d *= beta
                        for i in k..<n { cj[i] -= d * col[i] }
                    }
                    var d = 0.0
                    for i in k..<n { d += col[i] * B[i] }
                    d *= beta
                    for i in k..<n { B[i] -= d * col[i] }
                    betas[k] = alpha // R's diagonal
                }
                // Back substitution R x = (Qᵀb)[0..<p]; R's off-diagonal entries are in place.
                for k in stride(from: p - 1, through: 0, by: -1) {
                    var s = B[k]
                    for j in (k + 1)..<p { s -= A[k + j * n] * B[j] }
                    B[k] = s / betas[k]
                }
                return true
            }
        }
    }
}
