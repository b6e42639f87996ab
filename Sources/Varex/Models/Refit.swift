import VarexLinearAlgebra

/// Refits of a fitted model on some of its columns or on resampled rows: the one path that the
/// Shapley shares (every subset of term groups, on all rows) and the rank bootstrap (the
/// estimable columns, on resampled rows) take. Rows, weights and columns come from the fit's own
/// weighted problem (``LinearFit/weighted``), and every refit is solved by one solver,
/// `SmallLeastSquares` (double-precision Householder QR with R's limited pivoting at the fit's
/// aliasing tolerance), which allocates nothing per solve and can run on many threads.
public struct Refit: Sendable {
    /// The fit refitted.
    public let fit: LinearFit
    /// The design columns refitted, in order.
    public let columns: [Int]
    /// √w·X for `columns`, rounded to double, column-major n × columns.count.
    let x: [Double]
    /// √w·y rounded to double.
    public let response: [Double]

    public init(fit: LinearFit, columns: [Int]) {
        self.fit = fit
        self.columns = columns
        x = fit.weighted.columns(columns).rounded.storage
        response = fit.weighted.y.map { Double($0) }
    }

    /// A solver for these columns holding every row in order: solve it as it is, or replace
    /// its rows (from ``x`` and ``response``) first.
    public func solver() -> SmallLeastSquares {
        var solver = SmallLeastSquares(rows: fit.n, columns: columns.count)
        solver.a = x
        solver.b = response
        return solver
    }

    /// Solves `solver` with the fit's aliasing tolerance; true when every column was estimated.
    @inline(__always)
    public func solve(_ solver: inout SmallLeastSquares) -> Bool {
        solver.solve(tolerance: fit.tolerance)
    }

    /// Σ(√w·r)² of the refit on every row: the coefficients from the double-precision solve, the
    /// residuals from the extended-precision weighted design. The residual sum of squares is
    /// stationary at the least-squares solution, so the solve's error enters it only squared
    /// (relative error about (κε)², far below R's own).
    public func residualSumOfSquares() -> Double {
        Double(fitAllRows().rss)
    }

    /// The refit on every row: Σ(√w·r)² in extended precision (see ``residualSumOfSquares()``)
    /// and the number of columns estimated (R's pivoting at the fit's tolerance).
    public func fitAllRows() -> (rss: Extended, rank: Int) {
        var solver = solver()
        _ = solve(&solver)
        let n = fit.n
        let xe = fit.weighted.x
        var rss: Extended = 0
        for i in 0..<n {
            var r = fit.weighted.y[i]
            for k in 0..<solver.rank {
                r -= Extended(solver.b[k]) * xe.storage[i + columns[solver.pivot[k]] * n]
            }
            rss += r * r
        }
        return (rss, solver.rank)
    }
}
