/// What to shrink, and where its sampling variance comes from.
public struct ShrinkageRequest: Sendable {
    public enum Variance: Sendable, Equatable {
        case standardError(String)
        case marginOfError(String)
        case variance(String)
    }
    public var estimate: String
    public var variance: Variance
    /// Fix the prior mean (e.g. 0 for residuals) instead of estimating it.
    public var fixedMean: Double?

    public init(estimate: String, variance: Variance, fixedMean: Double? = nil) {
        self.estimate = estimate
        self.variance = variance
        self.fixedMean = fixedMean
    }
}

/// Empirical-Bayes shrinkage over a table's rows; rows missing the estimate or its variance are
/// left out and listed.
public struct ShrinkageAnalysis: Sendable {
    public let shrinkage: Shrinkage
    public let rows: [Int]
    public let leftOut: [DroppedRow]

    public init(table: Table, request r: ShrinkageRequest) throws {
        let y = try table.column(r.estimate)
        let name: String
        switch r.variance {
        case let .standardError(c), let .marginOfError(c), let .variance(c): name = c
        }
        let v = try table.column(name)
        for c in [y, v] where c.kind == .text {
            let bad = c.firstNonNumericRow!
            throw DataError.notANumber(table.location(row: bad, column: c.name), text: c.cells[bad])
        }
        var rows: [Int] = [], dropped: [DroppedRow] = []
        for i in 0..<table.rowCount {
            if y.isMissing[i] { dropped.append(DroppedRow(row: i, reason: "missing \(y.name)")); continue }
            if v.isMissing[i] { dropped.append(DroppedRow(row: i, reason: "missing \(v.name)")); continue }
            guard v.values[i] > 0, v.values[i].isFinite else {
                throw ExplainError.precisionNotPositive(table.location(row: i, column: v.name), text: v.cells[i])
            }
            rows.append(i)
        }
        guard rows.count >= 3 else { throw ExplainError.tooFewUnits(column: y.name, count: rows.count) }
        let q = Normal.quantile(0.975)
        let variances: [Double] = rows.map { i in
            let x = Double(v.values[i])
            switch r.variance {
            case .standardError: return x * x
            case .marginOfError: return (x / q) * (x / q)
            case .variance: return x
            }
        }
        shrinkage = Shrinkage(estimates: rows.map { Double(y.values[$0]) }, variances: variances, fixedMean: r.fixedMean)
        self.rows = rows
        leftOut = dropped
    }

    /// Every table row: `id, [label,] estimate, se, shrunken, posterior_sd, shrinkage_factor,
    /// rank_raw, rank_shrunken, note` (ranks: 1 = highest).
    public func table(ids: [String], idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        let header = [idName] + (labelName.map { [$0] } ?? []) + ["estimate", "se", "shrunken", "posterior_sd", "shrinkage_factor",
                                                                "rank_raw", "rank_shrunken", "note"]
        var out = ids.indices.map { i -> [Cell] in
            var row: [Cell] = [.text(ids[i])] + (labels.map { [.text($0[i])] } ?? [])
            row += [Cell](repeating: .empty, count: header.count - row.count)
            return row
        }
        let lead = labelName == nil ? 1 : 2
        for d in leftOut { out[d.row][header.count - 1] = .text("left out: " + d.reason) }
        let s = shrinkage
        let raw = ExplainTable.ranks(s.estimates, descending: true), shrunk = ExplainTable.ranks(s.shrunken, descending: true)
        for (k, r) in rows.enumerated() {
            let cells: [Cell] = [.finite(s.estimates[k]), .finite(s.variances[k].squareRoot()), .finite(s.shrunken[k]),
                                 .finite(s.posteriorSD[k]), .finite(s.shrinkageFactor[k]), .integer(raw[k]), .integer(shrunk[k]), .text("")]
            for (j, c) in cells.enumerated() { out[r][lead + j] = c }
        }
        return OutputTable(header: header, rows: out)
    }
}
