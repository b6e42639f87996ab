/// Least squares for small problems solved many times (the Shapley subset refits and the
/// bootstrap refits): Householder QR in plain Swift on a caller-owned workspace, no LAPACK call,
/// so it allocates nothing per solve, runs safely on many threads at once and gives the same
/// bits on every machine.
///
/// Accuracy is that of one double-precision Householder QR (backward stable, as R's `lm`).
/// Aliasing follows R's limited pivoting (LINPACK `dqrdc2`): a column whose part orthogonal to
/// the columns before it is at most `tolerance` × its norm is moved to the end and left out, and
/// the columns after it move up. `rank` and `pivot` say what was kept.
public struct SmallLeastSquares {
    public let rows: Int
    public let columns: Int
    /// Column-major n × p workspace: the design to factor, then the factors (in pivot order).
    public var a: [Double]
    /// The right-hand side, then Qᵀy; entry k < `rank` becomes the coefficient of column
    /// `pivot[k]`.
    public var b: [Double]
    /// The design's column at each position after pivoting; the first `rank` were estimated.
    public private(set) var pivot: [Int]
    /// The number of columns estimated by the last solve.
    public private(set) var rank: Int
    var norms: [Double]
    var diagonal: [Double]

    public init(rows: Int, columns: Int) {
        precondition(rows >= columns && columns > 0)
        self.rows = rows
        self.columns = columns
        a = [Double](repeating: 0, count: rows * columns)
        b = [Double](repeating: 0, count: rows)
        pivot = Array(0..<columns)
        rank = 0
        norms = [Double](repeating: 0, count: columns)
        diagonal = [Double](repeating: 0, count: columns)
    }

    /// Factors `a` and solves for `b` in place; returns true when every column was estimated
    /// (`rank == columns`). With aliased columns the estimable ones are still solved.
    @discardableResult
    public mutating func solve(tolerance: Double = 1e-10) -> Bool {
        let n = rows, p = columns
        for j in 0..<p { pivot[j] = j }
        let kept = a.withUnsafeMutableBufferPointer { ab in
            b.withUnsafeMutableBufferPointer { bb in
                pivot.withUnsafeMutableBufferPointer { pb in
                    Self.factor(ab.baseAddress!, bb.baseAddress!, pb.baseAddress!, rows: n, columns: p,
                                norms: &norms, diagonal: &diagonal, tolerance: tolerance)
                }
            }
        }
        rank = kept
        return kept == p
    }

    private static func factor(_ A: UnsafeMutablePointer<Double>, _ B: UnsafeMutablePointer<Double>,
                               _ pivot: UnsafeMutablePointer<Int>, rows n: Int, columns p: Int,
                               norms: inout [Double], diagonal: inout [Double], tolerance: Double) -> Int {
        for j in 0..<p {
            var s = 0.0
            for i in 0..<n { s += A[i + j * n] * A[i + j * n] }
            norms[j] = s.squareRoot()
        }
        var limit = p // columns at limit..<p were found aliased
        var k = 0
        while k < limit {
            let col = A + k * n
            var s = 0.0
            for i in k..<n { s += col[i] * col[i] }
            let norm = s.squareRoot()
            if norms[k] == 0 || norm <= tolerance * norms[k] {
                // Aliased: rotate this column (its original values are lost to the reflections
                // already applied, which is fine: it is not solved for) to the end.
                let saved = Array(UnsafeBufferPointer(start: col, count: n))
                let savedNorm = norms[k], savedPivot = pivot[k]
                for j in k..<(p - 1) {
                    (A + j * n).update(from: A + (j + 1) * n, count: n)
                    norms[j] = norms[j + 1]
                    pivot[j] = pivot[j + 1]
                }
                (A + (p - 1) * n).update(from: saved, count: n)
                norms[p - 1] = savedNorm
                pivot[p - 1] = savedPivot
                limit -= 1
                continue
            }
            let xk = col[k]
            let alpha = xk > 0 ? -norm : norm
            // v = x − αe₁ stored in place (v₁ = x₁ − α); β = 2 / vᵀv, vᵀv = ‖x‖² − x₁² + v₁².
            let v1 = xk - alpha
            col[k] = v1
            let beta = 2 / (s - xk * xk + v1 * v1)
            for j in (k + 1)..<limit {
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
            diagonal[k] = alpha
            k += 1
        }
        // Back substitution R x = (Qᵀb)[0..<rank]; R's off-diagonal entries are in place.
        for k in stride(from: limit - 1, through: 0, by: -1) {
            var s = B[k]
            for j in (k + 1)..<limit { s -= A[k + j * n] * B[j] }
            B[k] = s / diagonal[k]
        }
        return limit
    }
}
