/// The solution of a linear least-squares problem min ‖y − Xb‖₂, refined in extended precision.
public struct LeastSquaresSolution: Sendable {
    /// How the design was factored.
    public enum Method: String, Sendable {
        /// LAPACK Householder QR with R's limited pivoting, refined on the augmented system.
        case householderQR = "Householder QR"
        /// CholeskyQR (a second pass, CholeskyQR2, when κ > 100) by row blocks, refined on the
        /// corrected semi-normal equations.
        case choleskyQR = "CholeskyQR"
    }

    public let method: Method
    public let rows: Int
    public let columns: Int
    /// Numerical rank.
    public let rank: Int
    /// Estimable columns first, in original order, then the aliased ones.
    public let order: [Int]
    /// The power-of-two scale of each column.
    public let scales: [Double]
    /// Coefficients in the original column order and units; NaN for aliased columns.
    public let coefficients: [Double]
    /// Residuals y − Xb, computed in extended precision from the refined coefficients.
    public let residuals: [Double]
    /// Σ residual², accumulated in extended precision.
    public let residualSumOfSquares: Double
    /// Number of refinement steps taken after the first solve.
    public let refinementSteps: Int
    /// The size of the last correction refinement made, relative to the coefficients
    /// (‖δb‖∞ / ‖b‖∞ on the scaled problem): near 1e-19 (extended rounding) when it converged;
    /// much larger when it stalled, and the coefficients are then good to about −log₁₀ of it digits.
    public let lastCorrection: Double
    /// 1-norm condition estimate of the scaled estimable columns.
    public let conditionEstimate: Double
    let householder: QRFactorization?
    let cholesky: CholeskyQR?

    /// Whether each original column is aliased (not estimable).
    public var isAliased: [Bool] {
        var flags = [Bool](repeating: true, count: columns)
        for k in 0..<rank { flags[order[k]] = false }
        return flags
    }

    /// R of the estimable scaled columns (rank × rank).
    var rFactor: Matrix {
        if let householder { return householder.r }
        return Matrix(rows: columns, columns: columns, columnMajor: cholesky!.r)
    }

    /// The first `rank` columns of Q (n × rank) for the design `x` that was solved.
    public func thinQ(of x: Matrix) throws -> Matrix {
        if let householder { return try householder.thinQ() }
        var q = Matrix(rows: rows, columns: rank)
        try cholesky!.forEachQBlock(x) { block, start, m in
            for j in 0..<rank { for i in 0..<m { q.storage[start + i + j * rows] = block[i + j * m] } }
        }
        return q
    }

    /// Leverage (diagonal of the hat matrix) of each row of the design `x` that was solved.
    public func leverage(of x: Matrix) throws -> [Double] {
        var h = [Double](repeating: 0, count: rows)
        if let householder {
            let q = try householder.thinQ()
            for k in 0..<rank { for i in 0..<rows { let v = q.storage[i + k * rows]; h[i] += v * v } }
            return h
        }
        try cholesky!.forEachQBlock(x) { block, start, m in
            for j in 0..<rank { for i in 0..<m { let v = block[i + j * m]; h[start + i] += v * v } }
        }
        return h
    }
}

/// Linear least squares with iterative refinement in extended precision.
///
/// Small or ill-conditioned problems use Householder QR and refine the augmented system; tall,
/// well-conditioned ones (n·p ≥ 2²⁰ and n ≥ 16p) use CholeskyQR and the corrected semi-normal
/// equations, which never copy the design. See this module's README.
public enum LeastSquares {
    /// Largest number of refinement iterations.
    static let maxIterations = 12
    /// Problems at least this large (n·p) are tried with CholeskyQR first.
    public static let choleskyThreshold = 1 << 20

    /// Solves min ‖y − Xb‖₂.
    ///
    /// - Parameters:
    ///   - x: the design in double precision (what LAPACK factors).
    ///   - y: the response.
    ///   - exact: optionally the same design and response in extended precision; refinement then
    ///     solves *that* problem, so rounding the design to double does not perturb the answer.
    ///   - tolerance: relative tolerance for aliased columns (see ``QRFactorization``).
    ///   - method: force a method; by default it is chosen by size and conditioning.
    public static func solve(_ x: Matrix, _ y: [Double],
                             exact: (x: ExtendedMatrix, y: [Extended])? = nil,
                             tolerance: Double = QRFactorization.defaultTolerance,
                             method: LeastSquaresSolution.Method? = nil) throws -> LeastSquaresSolution {
        guard y.count == x.rows else { throw LinearAlgebraError.shape("response has \(y.count) values, design has \(x.rows) rows") }
        guard x.rows > 0, x.columns > 0 else { throw LinearAlgebraError.shape("a least-squares problem needs at least one row and one column") }
        guard y.allSatisfy(\.isFinite) else { throw LinearAlgebraError.nonFinite("response") }
        let large = x.rows * x.columns >= choleskyThreshold && x.rows >= 16 * x.columns
        if method == .choleskyQR || (method == nil && large) {
            if let chol = try CholeskyQR.factor(x) {
                return try solveSemiNormal(chol, x: x, y: y, exact: exact)
            }
        }
        return try solveAugmented(x, y, exact: exact, tolerance: tolerance)
    }

    /// Householder QR, refined on the augmented system.
    static func solveAugmented(_ x: Matrix, _ y: [Double], exact: (x: ExtendedMatrix, y: [Extended])?,
                               tolerance: Double) throws -> LeastSquaresSolution {
        let qr = try QRFactorization(x, tolerance: tolerance)
        let system = AugmentedSystem(qr: qr, x: exact?.x, xDouble: x)
        let ye: [Extended] = exact?.y ?? y.map { Extended($0) }
        let (b, _, steps, last) = try system.refine(y: ye, c: [Extended](repeating: 0, count: qr.rank))
        let res = system.residual(y: ye, b: b)
        return finish(method: .householderQR, rows: x.rows, columns: x.columns, rank: qr.rank, order: qr.order,
                      scales: qr.scales, b: b, residuals: res, steps: steps, lastCorrection: last, condition: qr.conditionEstimate,
                      householder: qr, cholesky: nil)
    }

    /// CholeskyQR(2), refined on the corrected semi-normal equations RᵀR δ = X̃ᵀr. The residual
    /// r = y − X̃b, where cancellation happens, is computed once in extended precision and then
    /// kept up to date in extended precision as r ← r − X̃δ (δ is tiny, so X̃δ by BLAS in double
    /// adds error far below extended rounding). X̃ᵀr is accumulated in extended precision too:
    /// in double its error, κ²ε‖r‖/(‖X̃‖‖b‖) relative, is what refinement is there to remove.
    /// Each step multiplies the error by about κ²ε.
    static func solveSemiNormal(_ chol: CholeskyQR, x: Matrix, y: [Double],
                                exact: (x: ExtendedMatrix, y: [Extended])?) throws -> LeastSquaresSolution {
        let n = x.rows, p = x.columns
        let columns = Array(0..<p)
        let s = chol.scales
        // X̃ᵀr in extended precision.
        func gradient(_ r: [Extended]) -> [Double] {
            let g: [Extended]
            if let exact {
                g = exact.x.withParts { high, low, slots in
                    ExtendedKernels.transposeTimes(x: high, remainders: low, slots: slots, rows: n, columns: columns, scales: s, v: r)
                }
            } else {
                g = x.storage.withUnsafeBufferPointer {
                    ExtendedKernels.transposeTimes(x: $0, remainders: $0, slots: [], rows: n, columns: columns, scales: s, v: r)
                }
            }
            return g.map { Double($0) }
        }
        // X̃ᵀv and X̃v for double vectors, by BLAS.
        func transposeTimes(_ v: [Double]) throws -> [Double] {
            var out = [Double](repeating: 0, count: p)
            try x.storage.withUnsafeBufferPointer { xb in
                try v.withUnsafeBufferPointer { vb in
                    try out.withUnsafeMutableBufferPointer { ob in
                        try LAPACK.gemm(transA: true, transB: false, m: p, n: 1, k: n, alpha: 1, a: xb.baseAddress!, lda: n,
                                        b: vb.baseAddress!, ldb: n, beta: 0, c: ob.baseAddress!, ldc: p)
                    }
                }
            }
            for j in 0..<p { out[j] *= s[j] }
            return out
        }
        func times(_ v: [Double]) throws -> [Double] {
            let scaled = (0..<p).map { v[$0] * s[$0] }
            var out = [Double](repeating: 0, count: n)
            try x.storage.withUnsafeBufferPointer { xb in
                try scaled.withUnsafeBufferPointer { vb in
                    try out.withUnsafeMutableBufferPointer { ob in
                        try LAPACK.gemm(transA: false, transB: false, m: n, n: 1, k: p, alpha: 1, a: xb.baseAddress!, lda: n,
                                        b: vb.baseAddress!, ldb: p, beta: 0, c: ob.baseAddress!, ldc: n)
                    }
                }
            }
            return out
        }
        // First solve in double.
        var first = try transposeTimes(y)
        try chol.solveNormal(&first)
        var b = first.map { Extended($0) }
        // The residual of that solution, in extended precision (against the exact design if given).
        let ye: [Extended] = exact?.y ?? y.map { Extended($0) }
        var r: [Extended]
        if let exact {
            r = exact.x.withParts { high, low, slots in
                ExtendedKernels.residual(x: high, remainders: low, slots: slots, rows: n, columns: columns, scales: s, y: ye, b: b)
            }
        } else {
            r = x.storage.withUnsafeBufferPointer {
                ExtendedKernels.residual(x: $0, remainders: $0, slots: [], rows: n, columns: columns, scales: s, y: ye, b: b)
            }
        }
        // Stop once a correction is below extended rounding, stops shrinking, or the predicted
        // next one (this one times κ²ε, κ from the condition estimate) is below 2⁻⁶⁰ of b.
        let rate = Extended(min(0.5, 16 * chol.conditionEstimate * chol.conditionEstimate * Double.ulpOfOne))
        var steps = 0
        var previous = Extended.infinity
        var last: Extended = 0
        for _ in 0..<maxIterations {
            var delta = gradient(r)
            try chol.solveNormal(&delta)
            var dMax: Extended = 0, bMax: Extended = 0
            for k in 0..<p { b[k] += Extended(delta[k]); dMax = max(dMax, abs(Extended(delta[k]))); bMax = max(bMax, abs(b[k])) }
            let xd = try times(delta)
            for i in 0..<n { r[i] -= Extended(xd[i]) }
            steps += 1
            last = bMax > 0 ? dMax / bMax : 0
            if dMax <= bMax * Extended.ulpOfOne || dMax == 0 || dMax > previous * 0.5 { break }
            if dMax * rate <= bMax * 0x1p-60 { break }
            previous = dMax
        }
        return finish(method: .choleskyQR, rows: n, columns: p, rank: p, order: columns, scales: s,
                      b: b, residuals: r, steps: steps, lastCorrection: Double(last), condition: chol.conditionEstimate,
                      householder: nil, cholesky: chol)
    }

    static func finish(method: LeastSquaresSolution.Method, rows: Int, columns: Int, rank: Int, order: [Int], scales: [Double],
                       b: [Extended], residuals: [Extended], steps: Int, lastCorrection: Double, condition: Double,
                       householder: QRFactorization?, cholesky: CholeskyQR?) -> LeastSquaresSolution {
        var rss: Extended = 0
        for v in residuals { rss += v * v }
        var coef = [Double](repeating: .nan, count: columns)
        for k in 0..<rank { coef[order[k]] = Double(b[k] * Extended(scales[order[k]])) }
        return LeastSquaresSolution(method: method, rows: rows, columns: columns, rank: rank, order: order, scales: scales,
                                    coefficients: coef, residuals: residuals.map { Double($0) },
                                    residualSumOfSquares: Double(rss), refinementSteps: steps, lastCorrection: lastCorrection,
                                    conditionEstimate: condition,
                                    householder: householder, cholesky: cholesky)
    }

    /// (XᵀX)⁻¹ for the estimable columns, in original order and units (p × p, NaN in the rows
    /// and columns of aliased terms).
    ///
    /// When a Householder factorisation is ill-conditioned (condition estimate above 10⁶), every
    /// column is refined through the augmented system with right-hand side (0, eⱼ), as for the
    /// coefficients; otherwise R⁻¹R⁻ᵀ is already accurate to a few ulps times the condition.
    public static func unscaledCovariance(of solution: LeastSquaresSolution, x: Matrix,
                                          exact: ExtendedMatrix? = nil) throws -> Matrix {
        let p = solution.columns, r = solution.rank
        var scaled = Matrix(rows: r, columns: r)
        if let qr = solution.householder, solution.conditionEstimate > 1e6 {
            let system = AugmentedSystem(qr: qr, x: exact, xDouble: x)
            let zero = [Extended](repeating: 0, count: qr.rows)
            for j in 0..<r {
                var c = [Extended](repeating: 0, count: r)
                c[j] = 1
                let (b, _, _, _) = try system.refine(y: zero, c: c)
                for i in 0..<r { scaled[i, j] = -Double(b[i]) }
            }
            // Symmetrise: the refined columns agree to rounding.
            for j in 0..<r { for i in 0..<j { let m = 0.5 * (scaled[i, j] + scaled[j, i]); scaled[i, j] = m; scaled[j, i] = m } }
        } else {
            var ri = solution.rFactor
            try ri.storage.withUnsafeMutableBufferPointer { try LAPACK.trtri($0.baseAddress!, n: r, lda: max(r, 1)) }
            scaled = try ri.multiplied(by: ri, transposeOther: true)
        }
        var out = Matrix(rows: p, columns: p, repeating: .nan)
        for a in 0..<r {
            for b in 0..<r {
                let oa = solution.order[a], ob = solution.order[b]
                out[oa, ob] = scaled[a, b] * solution.scales[oa] * solution.scales[ob]
            }
        }
        return out
    }
}
