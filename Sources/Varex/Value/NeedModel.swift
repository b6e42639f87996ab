import VarexLinearAlgebra

/// The need design shared by the value view's two regressions: one factorisation serves the
/// point fits, every draw's refit of the outcome index (β̂ = (XᵀX)⁻¹Xᵀy as a fixed p × n
/// matrix) and the coefficient draws (C with CCᵀ = (XᵀX)⁻¹).
struct NeedModel: Sendable {
    let x: Matrix
    /// X with each column's mean taken off (the intercept's column is then zero).
    let centred: [Double]
    /// (XᵀX)⁻¹Xᵀ, p × n column-major.
    let projection: [Double]
    /// The lower Cholesky factor of (XᵀX)⁻¹, p × p column-major.
    let factor: [Double]
    let rows: Int, columns: Int

    init(_ x: Matrix) throws {
        let n = x.rows, p = x.columns
        let ls = try LeastSquares.solve(x, [Double](repeating: 0, count: n))
        guard ls.rank == p else { throw ValueError.dependentNeed }
        let inverse = try LeastSquares.unscaledCovariance(of: ls, x: x)
        let projection = try inverse.multiplied(by: x, transposeOther: true)
        let upper = try Cholesky(inverse).factor
        var factor = [Double](repeating: 0, count: p * p)
        for j in 0..<p { for i in j..<p { factor[i + j * p] = upper[j, i] } }
        var centred = x.storage
        for j in 0..<p {
            var mean = 0.0
            for i in 0..<n { mean += x[i, j] }
            mean /= Double(n)
            for i in 0..<n { centred[i + j * n] -= mean }
        }
        self.x = x
        self.centred = centred
        self.projection = projection.storage
        self.factor = factor
        rows = n
        columns = p
    }

    /// The OLS coefficients, refined in extended precision.
    func exactCoefficients(_ y: [Double]) throws -> [Double] {
        try LeastSquares.solve(x, y).coefficients
    }

    func residuals(_ y: [Double], _ b: [Double]) -> [Double] {
        (0..<rows).map { i in y[i] - (0..<columns).reduce(0.0) { $0 + x[i, $1] * b[$1] } }
    }

    /// y less the need's effect: yᵢ − (xᵢ − x̄)ᵀb.
    func adjusted(_ y: [Double], _ b: [Double]) -> [Double] {
        (0..<rows).map { i in y[i] - (0..<columns).reduce(0.0) { $0 + centred[i + $1 * rows] * b[$1] } }
    }

    /// One draw's adjusted spend and outcome (see ``ValueView``).
    func replicate(_ data: ValueViewData, spendCoefficients gamma: [Double], spendResiduals rs: [Double],
                   draw d: ValueDraw) -> (spend: [Double], outcome: [Double]) {
        let n = rows, p = columns
        let components = OutcomeIndex.components(d.values, measures: data.measures, normalisation: data.normalisation)
        let index = OutcomeIndex.combine(components, weights: data.weights, minimumMeasures: data.minimumMeasures).index
        var beta = [Double](repeating: 0, count: p)
        for j in 0..<p { for i in 0..<n { beta[j] += projection[j + i * p] * index[i] } }
        let ro = residuals(index, beta)
        let df = Double(n - p)
        var ss = 0.0, so = 0.0, oo = 0.0
        for i in 0..<n { ss += rs[i] * rs[i]; so += rs[i] * ro[i]; oo += ro[i] * ro[i] }
        ss /= df; so /= df; oo /= df
        let l11 = ss.squareRoot(), l21 = l11 > 0 ? so / l11 : 0, l22 = max(oo - l21 * l21, 0).squareRoot()
        var u1 = [Double](repeating: 0, count: p), u2 = u1
        for j in 0..<p {
            for k in 0...j {
                u1[j] += factor[j + k * p] * d.normals[k]
                u2[j] += factor[j + k * p] * d.normals[p + k]
            }
        }
        let g = (0..<p).map { gamma[$0] + l11 * u1[$0] }
        let b = (0..<p).map { beta[$0] + l21 * u1[$0] + l22 * u2[$0] }
        return (adjusted(data.spend, g), adjusted(index, b))
    }
}
