/// Householder QR with the conventions of LINPACK's `dqrdc2`, the routine behind R's `qr()`
/// (without pivoting, for full-rank matrices): each reflection stored as LINPACK stores it
/// (v scaled so that v₁ = 1 + x₁/‖x‖, ‖x‖ signed like x₁), so `qty` gives Qᵀy with R's signs.
/// Used where R's result depends on those conventions, not only on the span: the natural
/// spline basis of `ns()` is Qᵀ of the boundary constraints applied to the B-spline basis.
/// Small matrices only (a few columns); plain Swift, no LAPACK.
public struct LinpackQR: Sendable {
    public let rows: Int
    public let columns: Int
    /// The reflections: column l holds v from row l down.
    var v: [Double]
    /// v_l of each reflection (LINPACK's `qraux`); 0 for a column that needed none.
    var qraux: [Double]

    /// Factors the n × p column-major matrix `x` (n ≥ p).
    public init(rows n: Int, columns p: Int, columnMajor x: [Double]) {
        precondition(x.count == n * p && n >= p)
        var a = x
        var aux = [Double](repeating: 0, count: p)
        for l in 0..<p {
            var s = 0.0
            for i in l..<n { s += a[i + l * n] * a[i + l * n] }
            var norm = s.squareRoot()
            guard norm != 0 else { continue }
            if a[l + l * n] != 0 { norm = a[l + l * n] < 0 ? -abs(norm) : abs(norm) }
            for i in l..<n { a[i + l * n] /= norm }
            a[l + l * n] += 1
            for j in (l + 1)..<max(l + 1, p) {
                var d = 0.0
                for i in l..<n { d += a[i + l * n] * a[i + j * n] }
                let t = -d / a[l + l * n]
                for i in l..<n { a[i + j * n] += t * a[i + l * n] }
            }
            aux[l] = a[l + l * n]
        }
        rows = n
        columns = p
        v = a
        qraux = aux
    }

    /// Qᵀy (R's `qr.qty`).
    public func qty(_ y: [Double]) -> [Double] {
        let n = rows
        var out = y
        for j in 0..<min(columns, n - 1) where qraux[j] != 0 {
            var d = qraux[j] * out[j]
            for i in (j + 1)..<n { d += v[i + j * n] * out[i] }
            let t = -d / qraux[j]
            out[j] += t * qraux[j]
            for i in (j + 1)..<n { out[i] += t * v[i + j * n] }
        }
        return out
    }
}
