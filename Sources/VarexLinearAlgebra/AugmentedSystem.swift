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
                for i in 0..<n { xe[i + k * n] = exact[i, j] * s }
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
    /// Returns the refined solution, the steps taken after the first solve, and the last
    /// correction relative to b (‖δb‖∞ / ‖b‖∞), small when refinement converged.
    func refine(y: [Extended], c: [Extended]) throws -> (b: [Extended], r: [Extended], steps: Int, lastCorrection: Double) {
        let n = qr.rows, p = qr.rank
        var r = [Extended](repeating: 0, count: n)
        var b = [Extended](repeating: 0, count: p)
        var previous = Extended.infinity
        var steps = 0
        var last: Extended = 0
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
            if iteration > 0 { steps += 1; last = bMax > 0 ? dbMax / bMax : 0 }
            // Converged: the correction is below extended rounding of b; or stalled.
            if dbMax <= bMax * Extended.ulpOfOne || dbMax == 0 { break }
            if iteration > 0 && dbMax > previous * 0.5 { break }
            previous = dbMax
        }
        return (b, r, steps, Double(last))
    }
}
