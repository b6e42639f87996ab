import VarexLinearAlgebra

extension StreamingFit {
    /// One row of the residual table for a row used: its measures, in the in-memory table's order.
    public struct RowMeasures {
        public let observed, fitted, residual, standardized, studentized, leverage, cooks, dffits, covratio: Double
        public let predictionLow, predictionHigh: Double
        public let dfbetas: [Double]
        public let influential: Bool
    }

    /// A row left out on request (`selection`) that the model can still predict, as the fit in
    /// memory predicts it (`predict.lm` with the row's weight): its observed value (NaN when
    /// missing), the prediction and its prediction interval.
    public struct OutOfSampleRow {
        public let observed, fitted, predictionLow, predictionHigh: Double
    }

    /// Reads the blocks again and calls `body` with each block (its first row in the file and
    /// row count), and for each row its measures, or nil with the reason it was left out (and,
    /// for a row left out on request whose predictors are known, its out-of-sample prediction).
    public func eachRow(open: () throws -> CSVBlockReader, level: Double = 0.95,
                        _ body: (_ row: Int, _ block: Table, _ measures: RowMeasures?, _ leftOut: String?,
                                 _ outOfSample: OutOfSampleRow?) throws -> Void) throws {
        let k = Double(p), s = sigma, df = dfResidual
        let tq = StudentT(df: Double(df)).quantile(1 - (1 - level) / 2)
        let rule = InfluenceFlag(parameters: k, n: n)
        let sd = (0..<p).map { unscaledCovariance[$0, $0].squareRoot() }
        // Rows of R⁻¹ for the DFBETAS directions (XᵀX)⁻¹xᵢ = R⁻¹(R⁻ᵀxᵢ).
        let rInverse = try qr.inverseFactor(p)
        // The rows of this pass must be the fit's (eachBlock checks: all-or-nothing output).
        try eachBlock(open: open, pass: "residuals' pass") { block, design in
            let m = design.y.count
            // Weighted, the measures are those of the rows of √w·X and the residuals √w·e, as
            // `influence.measures` of a weighted lm; the prediction variance is σ̂²(1 + h)/w.
            let root = Self.rootWeights(design)
            var u = design.x.rounded.storage
            if let root { for j in 0..<p { for i in 0..<m { u[i + j * m] *= root[i] } } }
            try qr.timesInverse(&u, rows: m, leading: p)
            var reasons = [Int: String]()
            for d in design.dropped { reasons[d.row] = d.reason }
            let predicted = try outOfSample(block: block, design: design, reasons: reasons, t: tq)
            var i = 0
            for r in 0..<block.rowCount {
                guard i < design.rows.count, design.rows[i] == r else {
                    try body(block.firstRow + r, block, nil, reasons[r] ?? "", predicted[r])
                    continue
                }
                var fitted: Extended = 0
                var h = 0.0
                for j in 0..<p {
                    fitted += design.x[i, j] * Extended(coefficients[j])
                    h += u[i + j * m] * u[i + j * m]
                }
                if h > 1 - 10 * Double.ulpOfOne { h = 1 }
                let raw = Double(design.y[i] - fitted), rw = root?[i] ?? 1
                let e = raw * rw
                let sig = ((rss - (h == 1 ? 0 : e * e / (1 - h))) / Double(df - 1)).squareRoot()
                let stud = h == 1 ? .nan : e / (sig * (1 - h).squareRoot())
                let (std, cook, dff, cov) = InfluenceMeasures.rowMeasures(e: e, h: h, sigma: s, sigmaWithout: sig, studentized: stud,
                                                                          parameters: p)
                var dfb = [Double](repeating: 0, count: p)
                for a in 0..<p {
                    var v = 0.0
                    for c in a..<p { v += rInverse[a, c] * u[i + c * m] }
                    dfb[a] = (h == 1 ? 0 : v * e / (1 - h)) / (sig * sd[a])
                }
                let half = tq * s * (1 + h).squareRoot() / rw
                let f = Double(fitted)
                let flag = rule.isInfluential(h: h, cook: cook, dffits: dff, covratio: cov,
                                              largestDFBetas: dfb.reduce(0) { max($0, abs($1)) })
                let measures = RowMeasures(observed: Double(design.y[i]), fitted: f, residual: raw, standardized: std, studentized: stud,
                                           leverage: h, cooks: cook, dffits: dff, covratio: cov,
                                           predictionLow: f - half, predictionHigh: f + half, dfbetas: dfb, influential: flag)
                try body(block.firstRow + r, block, measures, nil, nil)
                i += 1
            }
        }
    }

    /// The block's rows left out on request, predicted: coded by the fit's schema (a row it
    /// cannot code, such as one with a missing predictor, is not predicted), the fitted value
    /// x'β, and the interval x'β ± t·√(σ̂²/w + σ̂²·x'(X'WX)⁻¹x), w the row's weight (1 where it
    /// has none), as the fit in memory gives them.
    func outOfSample(block: Table, design: DesignMatrix, reasons: [Int: String], t: Double) throws -> [Int: OutOfSampleRow] {
        let asked = reasons.keys.filter { reasons[$0] == "excluded" || reasons[$0] == "outside the subset" }.sorted()
        guard !asked.isEmpty else { return [:] }
        let coded = try design.schema.modelMatrix(table: block, rows: asked)
        let m = coded.rows.count
        guard m > 0 else { return [:] }
        var u = coded.x.rounded.storage
        try qr.timesInverse(&u, rows: m, leading: p)
        var weights: [Double]? = nil
        if let name = self.weights, let c = try? block.column(name) {
            weights = coded.rows.map { r in c.isMissing[r] || !(c.values[r] > 0) ? 1 : Double(c.values[r]) }
        }
        var out = [Int: OutOfSampleRow]()
        let s2 = sigma * sigma
        for (i, r) in coded.rows.enumerated() {
            var fitted: Extended = coded.offset?[i] ?? 0
            var h = 0.0
            for j in 0..<p {
                fitted += coded.x[i, j] * Extended(coefficients[j])
                h += u[i + j * m] * u[i + j * m]
            }
            let f = Double(fitted), half = t * (s2 / (weights?[i] ?? 1) + s2 * h).squareRoot()
            out[r] = OutOfSampleRow(observed: coded.observed.map { Double($0[i]) } ?? .nan, fitted: f, predictionLow: f - half,
                                    predictionHigh: f + half)
        }
        return out
    }
}
