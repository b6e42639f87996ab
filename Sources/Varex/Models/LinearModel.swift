import VarexLinearAlgebra

/// Fits linear models by ordinary or weighted least squares.
public enum LinearModel {
    /// Fits `design` by OLS, or by WLS when the design carries weights.
    ///
    /// The design (evaluated in extended precision) is multiplied by √w, rounded to double for
    /// LAPACK's QR, and the solution is refined against the extended-precision values.
    public static func fit(_ design: DesignMatrix,
                           tolerance: Double = QRFactorization.defaultTolerance) throws -> LinearFit {
        let n = design.y.count, p = design.columnNames.count
        if design.trials != nil { throw ModelError.needsFamily("a cbind(successes, failures) response") }
        if n == 0 {
            var counts: [String: Int] = [:]
            for d in design.dropped { counts[d.reason, default: 0] += 1 }
            let commonest = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "no rows"
            throw ModelError.allRowsDropped(total: design.tableRowCount, commonestReason: commonest)
        }
        guard n >= p else { throw ModelError.tooFewRows(used: n, coefficients: p, dropped: design.dropped.count) }
        if let a = design.absorbed, let k = a.levels.firstIndex(of: design.y.count) {
            throw ModelError.absorbedEveryRow(factor: a.names[k], rows: design.y.count)
        }
        if design.y.allSatisfy({ $0 == design.y[0] }) { throw ModelError.constantResponse(design.responseLabel) }

        // The weighted problem: rows scaled by √w, in extended precision, once.
        let weighted = WeightedDesign(design)
        let xw = weighted.x, yw = weighted.y
        let xd = xw.rounded
        if let i = yw.firstIndex(where: { !Double($0).isFinite }) {
            throw ModelError.numerical("the response '\(design.responseLabel)' is not finite in double precision at data row \(design.rows[i] + 1) "
                                       + "(an overflow, such as exp() of a large value, or a number beyond 1.8e308); rescale the variable")
        }
        let solution: LeastSquaresSolution
        let unscaled: Matrix
        let h: [Double]
        do {
            solution = try LeastSquares.solve(xd, yw.map { Double($0) }, exact: (xw, yw), tolerance: tolerance)
            unscaled = try LeastSquares.unscaledCovariance(of: solution, x: xd, exact: xw)
            h = try solution.leverage(of: xd)
        } catch let e as LinearAlgebraError {
            throw ModelError.numerical(Self.describe(e, design: design))
        }
        // Fitted values and residuals on the response's own scale, in extended precision.
        let estimable = (0..<p).filter { !solution.coefficients[$0].isNaN }
        var fitted = design.offset ?? [Extended](repeating: 0, count: n)
        for j in estimable { design.x.addColumn(j, times: Extended(solution.coefficients[j]), to: &fitted) }
        // With as many rows as estimable coefficients the response lies in the column space:
        // the residuals are exactly zero (R's qr.resid gives 0 too), not rounding noise.
        let exact = solution.rank + (design.absorbed?.parameters ?? 0) >= n
        if exact { fitted = design.y }
        // Absorbed factors: the residuals of the within fit are the full model's; its fitted
        // values are the response less them.
        if let absorbed = design.absorbed {
            let r = exact ? [Extended](repeating: 0, count: n) : (0..<n).map { design.y[$0] - fitted[$0] }
            fitted = (0..<n).map { absorbed.response[$0] - r[$0] }
        }
        let observed = design.absorbed?.response ?? design.y
        let residuals = exact ? [Double](repeating: 0, count: n) : (0..<n).map { Double(observed[$0] - fitted[$0]) }
        return LinearFit(design: design, coefficients: solution.coefficients,
                         isAliased: solution.isAliased, rank: solution.rank,
                         fitted: fitted.map { Double($0) }, residuals: residuals,
                         weights: design.weights?.map { Double($0) },
                         weightedRSS: exact ? 0 : solution.residualSumOfSquares,
                         unscaledCovariance: unscaled, qRowNorms: h,
                         conditionEstimate: solution.conditionEstimate, method: solution.method,
                         tolerance: tolerance, refinementCorrection: solution.lastCorrection, weighted: weighted)
    }

    /// A numeric failure in the model's words: design columns by term, rows by the data row.
    static func describe(_ e: LinearAlgebraError, design: DesignMatrix) -> String {
        func row(_ i: Int) -> String { i < design.rows.count ? "data row \(design.rows[i] + 1)" : "row \(i + 1)" }
        func column(_ j: Int) -> String { j < design.columnNames.count ? "'\(design.columnNames[j])'" : "column \(j + 1)" }
        switch e {
        case let .nonFiniteElement(i, j):
            return "\(column(j)) is not finite at \(row(i)) (an overflow in the formula, such as exp() of a large value); rescale the variable"
        case let .unscalableColumn(j):
            return "\(column(j)) has values too close to zero (below about 1e-300) to fit accurately; rescale the variable"
        default:
            return e.description
        }
    }
}
