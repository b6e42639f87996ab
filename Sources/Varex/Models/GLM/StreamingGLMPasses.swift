import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// One used row of a streamed GLM at the fitted coefficients: what the summary's covariances
/// and the residual table read (the in-memory ``GeneralizedLinearFit``'s per-row values).
public struct StreamedGLMRow: Sendable {
    /// The design row.
    public let x: [Double]
    public let y, mu, eta, prior: Double
    /// The last QR's working weight (0 for a row of zero prior weight) and the final working
    /// residual (y − μ)/(dμ/dη).
    public let workingWeight, workingResidual: Double
    /// The hat value of the last iteration's weighted design: w xᵀ(XᵀWX)⁻¹x.
    public let leverage: Double
}

extension StreamingGLM {
    /// Reads the file again, each block coded as the fit coded it, and calls `body` with the
    /// block, its design and each used row's values at the fit. The pass must see the fit's
    /// rows (their count and the response's sum): a file that changed between the passes is an
    /// error, not output from rows the fit never saw.
    public func eachBlock(open: () throws -> CSVBlockReader, pass: String,
                          _ body: (Table, DesignMatrix, [StreamedGLMRow]) throws -> Void) throws {
        var reader = try open()
        var rowsRead = 0, used = 0
        var sum: Extended = 0
        var found = Set<String>()
        while let block = try reader.next() {
            let design = try StreamingFit.blockDesign(formula: formula, block: block, codings: codings, clusters: clusters, weights: weights,
                                                      leftOut: try selection.leftOut(block, found: &found), glm: true)
            rowsRead = block.firstRow + block.rowCount
            let rows = try Self.rows(design, block: block, family: family)
            used += rows.count
            for r in rows { sum += Extended(r.y) }
            guard rowsRead <= tableRowCount, used <= n else {
                throw StreamError.fileChanged("the \(pass) read \(rowsRead) rows (\(used) used) where the fit read \(tableRowCount) (\(n) used)")
            }
            try body(block, design, rows.map(measure))
            Progress.report("\(pass) in blocks: \(reader.blocks) blocks")
        }
        guard rowsRead == tableRowCount, used == n else {
            throw StreamError.fileChanged("the \(pass) read \(rowsRead) rows (\(used) used) where the fit read \(tableRowCount) (\(n) used)")
        }
        guard sum == responseSum else { throw StreamError.fileChanged("the response's values are not those the fit read") }
    }

    /// A row's values at the fit.
    func measure(_ row: Row) -> StreamedGLMRow {
        let (eta, mu) = Self.predict(row, .coefficients(coefficients), family: family, link: link)
        let (e0, m0) = Self.predict(row, weightsFrom.map { .coefficients($0) } ?? .start, family: family, link: link)
        let d0 = link.muEta(e0)
        let w = row.prior > 0 && d0 != 0 ? row.prior * d0 * d0 / family.variance(m0) : 0
        var h = 0.0
        if w > 0 {
            for a in 0..<p where row.x[a] != 0 { for b in 0..<p { h += row.x[a] * unscaledCovariance[a, b] * row.x[b] } }
            h = min(h * w, 1)
            if h > 1 - 10 * Double.ulpOfOne { h = 1 }
        }
        return StreamedGLMRow(x: row.x, y: row.y, mu: mu, eta: eta, prior: row.prior, workingWeight: w,
                              workingResidual: (row.y - mu) / link.muEta(eta), leverage: h)
    }

    /// The covariance of type `type` and the number of clusters of each clustering column:
    /// dispersion × (XᵀWX)⁻¹, or from one more pass (two for HC5) the sandwich of
    /// `sandwich::vcovHC`/`vcovCL` on a glm (scores w·z with the last QR's working weights and
    /// the final working residuals, HC2… discounting by the hat values), or clubSandwich's CR2
    /// (``GLMBellMcCaffrey``, which needs each cluster's rows: they are held, p + 2 numbers a
    /// row, so its memory grows with the rows).
    public func covariance(_ type: CovarianceType, open: () throws -> CSVBlockReader) throws -> (covariance: Matrix, clusterCounts: [Int], degreesOfFreedom: [Double]?) {
        if type == .classical { return (covariance, [], nil) }
        guard !(type.isClustered && clusters.isEmpty) else { throw ModelError.needsCluster(type.rawValue) }
        if type == .cr2 {
            guard clusters.count == 1 else { throw ModelError.cr2NeedsOneCluster }
            var byCluster: [String: [GLMBellMcCaffrey.ClusterRow]] = [:]
            try eachBlock(open: open, pass: "CR2 pass") { _, design, rows in
                let labels = design.clusters[0].labels
                for (i, r) in rows.enumerated() where r.prior > 0 {
                    let d = link.muEta(r.eta)
                    byCluster[labels[i], default: []].append(.init(u: r.x.map { $0 * d }, theta: family.variance(r.mu) / r.prior, residual: r.y - r.mu))
                }
            }
            guard byCluster.count >= 2 else { throw ModelError.oneCluster(column: clusters[0], rows: n) }
            let result = try GLMBellMcCaffrey.compute(clusters: byCluster.keys.sorted().map { byCluster[$0]! }, m: unscaledCovariance)
            return (result.covariance, [byCluster.count], result.degreesOfFreedom)
        }
        let k = p
        var meat = Matrix(rows: k, columns: k)
        var counts: [Set<String>] = Array(repeating: [], count: clusters.count)
        var sums: [[String: [Double]]] = Array(repeating: [:], count: clusters.count + (clusters.count == 2 ? 1 : 0))
        var hMax = 0.0
        if type == .hc5 { try eachBlock(open: open, pass: "leverage pass") { _, _, rows in for r in rows { hMax = max(hMax, r.leverage) } } }
        try eachBlock(open: open, pass: "covariance pass") { _, design, rows in
            let labels = design.clusters.map(\.labels)
            for (d, l) in labels.enumerated() { counts[d].formUnion(l) }
            for (i, r) in rows.enumerated() {
                let score = r.workingWeight * r.workingResidual
                let s = score.isFinite ? score : 0
                if clusters.isEmpty {
                    let omega = Sandwich.weight(type, e2: s * s, h: r.leverage, n: Double(n), k: Double(k), p0: Double(k), hMax: hMax)
                    for a in 0..<k where r.x[a] != 0 { for b in 0..<k { meat[a, b] += omega * r.x[a] * r.x[b] } }
                } else {
                    var keys = labels.map { $0[i] }
                    if clusters.count == 2 { keys.append(keys[0] + "\u{1F}" + keys[1]) }
                    for (d, key) in keys.enumerated() {
                        var v = sums[d][key] ?? [Double](repeating: 0, count: k)
                        for j in 0..<k { v[j] += r.x[j] * s }
                        sums[d][key] = v
                    }
                }
            }
        }
        if !clusters.isEmpty {
            for (d, groups) in sums.enumerated() where groups.count < 2 {
                throw ModelError.oneCluster(column: clusters[min(d, clusters.count - 1)], rows: n)
            }
            meat = Sandwich.clusteredMeat(type, dimensions: sums.enumerated().map { d, groups in
                                              (d == 2 ? -1 : 1, groups.sorted { $0.key < $1.key }.map(\.value))
                                          },
                                          k: k, n: n, parameters: k)
        }
        let v = try unscaledCovariance.multiplied(by: try meat.multiplied(by: unscaledCovariance))
        return (v, counts.map(\.count), nil)
    }

    /// The ids of the rows used (the id column's, else the row numbers from 1), from one more pass.
    public func rowsUsed(open: () throws -> CSVBlockReader, idColumn: String?) throws -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(n)
        try eachBlock(open: open, pass: "ids' pass") { block, design, _ in
            let column = try idColumn.map { try block.column($0) }
            for r in design.rows { ids.append(column.map { $0.cells[r] } ?? String(block.firstRow + r + 1)) }
        }
        return ids
    }

    /// The per-row measures of R's glm for a used row: Pearson and deviance residuals, Cook's
    /// distance, the standardised residuals and the DFBETAS (`dfbetas.lm` on the last
    /// iteration's weighted QR with the deviance residuals, σ₍ᵢ₎ from the deviance: R also zeroes
    /// residuals below 100ε of their median magnitude, which needs every residual and changes
    /// nothing above 1e-13).
    public func measures(_ r: StreamedGLMRow) -> (pearson: Double, deviance: Double, cooks: Double, stdDeviance: Double,
                                                  stdPearson: Double, dfbetas: [Double]) {
        let pearson = (r.y - r.mu) * r.prior.squareRoot() / family.variance(r.mu).squareRoot()
        let unit = max(family.unitDeviance(y: r.y, mu: r.mu, weight: r.prior), 0).squareRoot()
        let dev = r.y > r.mu ? unit : -unit
        let h = r.leverage, phi = dispersion
        let cooks = (pearson / (1 - h)) * (pearson / (1 - h)) * h / (phi * Double(p))
        func standardized(_ v: Double) -> Double { let s = v / (phi * (1 - h)).squareRoot(); return s.isInfinite ? .nan : s }
        var dfbetas = [Double](repeating: .nan, count: p)
        if r.prior > 0 && r.workingWeight > 0 {
            let atOne = h >= 1 - 10 * Double.ulpOfOne
            let sigma = ((deviance - (atOne ? 0 : dev * dev / (1 - h))) / Double(positiveRows - p - 1)).squareRoot()
            let root = r.workingWeight.squareRoot()
            for a in 0..<p {
                var v = 0.0
                for b in 0..<p { v += unscaledCovariance[a, b] * root * r.x[b] }
                dfbetas[a] = (atOne ? 0 : v * dev / (1 - h)) / (sigma * unscaledCovariance[a, a].squareRoot())
            }
        }
        return (pearson, dev, cooks, standardized(dev), standardized(pearson), dfbetas)
    }
}

extension StreamingGLM {
    /// `summary.glm`'s table with covariance `v`: z (binomial, Poisson) or t on
    /// `testDegreesOfFreedom`, and `level` Wald intervals; with `satterthwaite` (CR2) each
    /// coefficient's t on its own df, as clubSandwich's `coef_test`.
    public func coefficientTable(covariance v: Matrix, satterthwaite: [Double]?, testDegreesOfFreedom: Int, level: Double) -> [CoefficientRow] {
        let t = StudentT(df: Double(testDegreesOfFreedom))
        let q = family.usesZ ? Normal.quantile(1 - (1 - level) / 2) : t.quantile(1 - (1 - level) / 2)
        return columnNames.indices.map { j in
            let b = coefficients[j], se = v[j, j].squareRoot(), z = b / se
            if let df = satterthwaite?[j] {
                let own = StudentT(df: df), tq = own.quantile(1 - (1 - level) / 2)
                return CoefficientRow(term: columnNames[j], estimate: b, standardError: se, t: z, pValue: own.twoSidedPValue(z),
                                      confidenceLow: b - tq * se, confidenceHigh: b + tq * se, degreesOfFreedom: df)
            }
            let p = family.usesZ ? 2 * Normal.survival(abs(z)) : t.twoSidedPValue(z)
            return CoefficientRow(term: columnNames[j], estimate: b, standardError: se, t: z, pValue: p,
                                  confidenceLow: b - q * se, confidenceHigh: b + q * se)
        }
    }

    /// R's `BIC(fit)`: −2 log L + log(n) × (rank, + 1 for a family with a dispersion), n the
    /// rows with a positive prior weight.
    public var bic: Double? {
        logLikelihood.map { -2 * $0 + log(Double(positiveRows)) * Double(rank + (family.likelihoodCountsDispersion ? 1 : 0)) }
    }
}
