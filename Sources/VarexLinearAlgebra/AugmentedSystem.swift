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

    /// y − r − X b with r = rHigh + rLow, evaluated as if in twice the extended precision.
    func preciseResidual(y: [Extended], rHigh: [Extended], rLow: [Extended], b: [Extended]) -> [Extended] {
        let n = qr.rows, p = qr.rank
        var f = [Extended](repeating: 0, count: n)
        xe.withUnsafeBufferPointer { x in
            for i in 0..<n {
                var acc = Compensated.Accumulator(y[i])
                acc.add(-rHigh[i])
                acc.add(-rLow[i])
                for k in 0..<p where b[k] != 0 { acc.addProduct(-x[i + k * n], b[k]) }
                f[i] = acc.value
            }
        }
        return f
    }

    /// c − Xᵀr with r = rHigh + rLow, evaluated as if in twice the extended precision.
    func preciseGradient(c: [Extended], rHigh: [Extended], rLow: [Extended]) -> [Extended] {
        let n = qr.rows
        var g = c
        xe.withUnsafeBufferPointer { x in
            for k in 0..<qr.rank {
                let col = x.baseAddress! + k * n
                var acc = Compensated.Accumulator(c[k])
                for i in 0..<n {
                    acc.addProduct(-col[i], rHigh[i])
                    acc.addSmallProduct(-col[i], rLow[i])
                }
                g[k] = acc.value
            }
        }
        return g
    }

    /// Relative size of a correction below which refinement counts as converged: 2⁻⁵⁸, a few
    /// units of extended rounding and far below double's (2⁻⁵³), so the coefficients rounded
    /// to double are those of the exact least-squares solution.
    static let converged: Extended = 0x1p-58

    /// Refines (r, b) from zero until the corrections stop shrinking.
    ///
    /// First with residuals in extended precision. Where those stall above ``converged`` (an
    /// ill-conditioned problem with large residuals: Wampler5, Filip), the residuals' rounding
    /// limits the answer, and where it stops depends on the factorisation the BLAS kernel
    /// produced; refinement then goes on with the residuals f = y − r − Xb and g = c − Xᵀr
    /// evaluated as if in twice the extended precision and r kept as a pair of extended values,
    /// until the corrections stop shrinking again. The answer is then the exact solution's to
    /// about extended rounding, whatever the kernel.
    ///
    /// Returns the refined solution, the steps taken after the first solve, and the last
    /// correction relative to b (‖δb‖∞ / ‖b‖∞), small when refinement converged.
    func refine(y: [Extended], c: [Extended]) throws -> (b: [Extended], r: [Extended], steps: Int, lastCorrection: Double) {
        let n = qr.rows, p = qr.rank
        var r = [Extended](repeating: 0, count: n)
        var rLow: [Extended] = []
        var b = [Extended](repeating: 0, count: p)
        var previous = Extended.infinity
        var steps = 0
        var last: Extended = 0
        var precise = false
        var iterations = 0
        while iterations < (precise ? 2 : 1) * LeastSquares.maxIterations {
            defer { iterations += 1 }
            let f: [Extended], g: [Extended]
            if precise {
                f = preciseResidual(y: y, rHigh: r, rLow: rLow, b: b)
                g = preciseGradient(c: c, rHigh: r, rLow: rLow)
            } else {
                // f = y − r − Xb ; g = c − Xᵀr, both in extended precision.
                var fe = residual(y: y, b: b)
                for i in 0..<n { fe[i] -= r[i] }
                var ge = c
                xe.withUnsafeBufferPointer { x in
                    for k in 0..<p {
                        let col = x.baseAddress! + k * n
                        var s: Extended = 0
                        for i in 0..<n { s += col[i] * r[i] }
                        ge[k] -= s
                    }
                }
                f = fe; g = ge
            }
            let (dr, db) = try solve(f: f.map { Double($0) }, g: g.map { Double($0) })
            var dbMax: Extended = 0, bMax: Extended = 0
            for k in 0..<p {
                b[k] += Extended(db[k])
                dbMax = max(dbMax, abs(Extended(db[k])))
                bMax = max(bMax, abs(b[k]))
            }
            if precise {
                for i in 0..<n {
                    let (s, e) = Compensated.twoSum(r[i], Extended(dr[i]))
                    let lo = e + rLow[i]
                    r[i] = s + lo
                    rLow[i] = lo - (r[i] - s)
                }
            } else {
                for i in 0..<n { r[i] += Extended(dr[i]) }
            }
            if iterations > 0 { steps += 1; last = bMax > 0 ? dbMax / bMax : 0 }
            // Converged: the correction is below extended rounding of b.
            if dbMax <= bMax * Extended.ulpOfOne || dbMax == 0 { break }
            // Stalled: the corrections no longer shrink.
            if iterations > 0 && dbMax > previous * 0.5 {
                if precise || last <= Self.converged { break }
                precise = true
                rLow = [Extended](repeating: 0, count: n)
                previous = .infinity
                continue
            }
            previous = dbMax
        }
        return (b, r, steps, Double(last))
    }
}
