/// The solution of a linear least-squares problem min ‖y − Xb‖₂, refined in extended precision.
public struct LeastSquaresSolution: Sendable {
    /// The factorisation that produced it (rank, aliased columns, Q and R).
    public let factorization: QRFactorization
    /// Coefficients in the original column order and units; NaN for aliased columns.
    public let coefficients: [Double]
    /// Residuals y − Xb, computed in extended precision from the refined coefficients.
    public let residuals: [Double]
    /// Σ residual², accumulated in extended precision.
    public let residualSumOfSquares: Double
    /// Number of refinement steps taken after the first solve.
    public let refinementSteps: Int
}

/// Linear least squares by QR with iterative refinement of the augmented system.
///
/// See this module's README for the method and why it reaches the NIST certified values.
public enum LeastSquares {
    /// Largest number of refinement iterations.
    static let maxIterations = 12

    /// Solves min ‖y − Xb‖₂.
    ///
    /// - Parameters:
    ///   - x: the design in double precision (what LAPACK factors).
    ///   - y: the response.
    ///   - exact: optionally the same design and response in extended precision; refinement then
    ///     solves *that* problem, so rounding the design to double does not perturb the answer.
    ///   - tolerance: relative tolerance for aliased columns (see ``QRFactorization``).
    public static func solve(_ x: Matrix, _ y: [Double],
                             exact: (x: ExtendedMatrix, y: [Extended])? = nil,
                             tolerance: Double = QRFactorization.defaultTolerance) throws -> LeastSquaresSolution {
        guard y.count == x.rows else { throw LinearAlgebraError.shape("response has \(y.count) values, design has \(x.rows) rows") }
        guard y.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFinite("response") }
        let qr = try QRFactorization(x, tolerance: tolerance)
        let system = AugmentedSystem(qr: qr, x: exact?.x, xDouble: x)
        let ye: [Extended] = exact?.y ?? y.map { Extended($0) }
        let (b, _, steps) = try system.refine(y: ye, c: [Extended](repeating: 0, count: qr.rank))
        // Residuals of the refined solution, in extended precision.
        let res = system.residual(y: ye, b: b)
        var rss: Extended = 0
        for v in res { rss += v * v }
        var coef = [Double](repeating: .nan, count: x.columns)
        for k in 0..<qr.rank { coef[qr.order[k]] = Double(b[k] * Extended(qr.scales[qr.order[k]])) }
        return LeastSquaresSolution(factorization: qr, coefficients: coef, residuals: res.map { Double($0) },
                                    residualSumOfSquares: Double(rss), refinementSteps: steps)
    }

    /// (XᵀX)⁻¹ for the estimable columns, in original order and units (p × p, NaN in the rows
    /// and columns of aliased terms).
    ///
    /// When the scaled problem is ill-conditioned (condition estimate above 10⁶) every column is
    /// refined through the augmented system with right-hand side (0, eⱼ), as for the
    /// coefficients; otherwise R⁻¹R⁻ᵀ is already accurate to a few ulps times the condition.
    public static func unscaledCovariance(of solution: LeastSquaresSolution, x: Matrix,
                                          exact: ExtendedMatrix? = nil) throws -> Matrix {
        let qr = solution.factorization
        let p = qr.columns, r = qr.rank
        var scaled = Matrix(rows: r, columns: r)
        if qr.conditionEstimate > 1e6 {
            let system = AugmentedSystem(qr: qr, x: exact, xDouble: x)
            let zero = [Extended](repeating: 0, count: qr.rows)
            for j in 0..<r {
                var c = [Extended](repeating: 0, count: r)
                c[j] = 1
                let (b, _, _) = try system.refine(y: zero, c: c)
                for i in 0..<r { scaled[i, j] = -Double(b[i]) }
            }
            // Symmetrise: the refined columns agree to rounding.
            for j in 0..<r { for i in 0..<j { let m = 0.5 * (scaled[i, j] + scaled[j, i]); scaled[i, j] = m; scaled[j, i] = m } }
        } else {
            let ri = try qr.rInverse()
            try ri.storage.withUnsafeBufferPointer { a in
                try scaled.storage.withUnsafeMutableBufferPointer { c in
                    try LAPACK.gemm(transA: false, transB: true, m: r, n: r, k: r, alpha: 1,
                                    a: a.baseAddress!, lda: r, b: a.baseAddress!, ldb: r, beta: 0,
                                    c: c.baseAddress!, ldc: r)
                }
            }
        }
        var out = Matrix(rows: p, columns: p, repeating: .nan)
        for a in 0..<r {
            for b in 0..<r {
                let oa = qr.order[a], ob = qr.order[b]
                out[oa, ob] = scaled[a, b] * qr.scales[oa] * qr.scales[ob]
            }
        }
        return out
    }
}

/// The augmented system [I X; Xᵀ 0][r; b] = [y; c] for the estimable, scaled columns of X,
/// solved with the double-precision QR and refined with residuals in extended precision.
struct AugmentedSystem {
    let qr: QRFactorization
    /// The estimable scaled columns in extended precision (n × rank, column-major).
    let xe: [Extended]

    init(qr: QRFactorization, x exact: ExtendedMatrix?, xDouble: Matrix) {
        self.qr = qr
        let n = qr.rows
        var xe = [Extended](repeating: 0, count: n * qr.rank)
        for k in 0..<qr.rank {
            let j = qr.order[k]
            let s = Extended(qr.scales[j])
            if let exact {
                for i in 0..<n { xe[i + k * n] = exact.storage[i + j * n] * s }
            } else {
                for i in 0..<n { xe[i + k * n] = Extended(xDouble.storage[i + j * n]) * s }
            }
        }
        self.xe = xe
    }

    /// y − X b in extended precision.
    func residual(y: [Extended], b: [Extended]) -> [Extended] {
        let n = qr.rows
        var f = y
        xe.withUnsafeBufferPointer { x in
            for k in 0..<qr.rank {
                let bk = b[k]
                if bk == 0 { continue }
                let col = x.baseAddress! + k * n
                for i in 0..<n { f[i] -= col[i] * bk }
            }
        }
        return f
    }

    /// One solve of the augmented system with double-precision QR.
    func solve(f: [Double], g: [Double]) throws -> (dr: [Double], db: [Double]) {
        let n = qr.rows, r = qr.rank
        var d = f
        try qr.applyQ(transpose: true, to: &d, count: 1)
        var z = g
        try qr.solveR(transpose: true, &z)
        var db = (0..<r).map { d[$0] - z[$0] }
        try qr.solveR(transpose: false, &db)
        var w = d
        for k in 0..<r { w[k] = z[k] }
        _ = n
        try qr.applyQ(transpose: false, to: &w, count: 1)
        return (w, db)
    }

    /// Refines (r, b) from zero until the corrections stop shrinking; returns b, r and the step count.
    func refine(y: [Extended], c: [Extended]) throws -> (b: [Extended], r: [Extended], steps: Int) {
        let n = qr.rows, p = qr.rank
        var r = [Extended](repeating: 0, count: n)
        var b = [Extended](repeating: 0, count: p)
        var previous = Extended.infinity
        var steps = 0
        for iteration in 0..<LeastSquares.maxIterations {
            // f = y − r − Xb ; g = c − Xᵀr, both in extended precision.
            var f = residual(y: y, b: b)
            for i in 0..<n { f[i] -= r[i] }
            var g = c
            xe.withUnsafeBufferPointer { x in
                for k in 0..<p {
                    let col = x.baseAddress! + k * n
                    var s: Extended = 0
                    for i in 0..<n { s += col[i] * r[i] }
                    g[k] -= s
                }
            }
            let (dr, db) = try solve(f: f.map { Double($0) }, g: g.map { Double($0) })
            var dbMax: Extended = 0, bMax: Extended = 0
            for k in 0..<p {
                b[k] += Extended(db[k])
                dbMax = max(dbMax, abs(Extended(db[k])))
                bMax = max(bMax, abs(b[k]))
            }
            for i in 0..<n { r[i] += Extended(dr[i]) }
            if iteration > 0 { steps += 1 }
            // Converged: the correction is below extended rounding of b; or stalled.
            if dbMax <= bMax * Extended.ulpOfOne || dbMax == 0 { break }
            if iteration > 0 && dbMax > previous * 0.5 { break }
            previous = dbMax
        }
        return (b, r, steps)
    }
}
