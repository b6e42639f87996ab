/// What a funnel plot is asked to show.
public struct FunnelRequest: Sendable {
    public enum Kind: Sendable, Equatable {
        case proportion(scale: Double)
        case rate(per: Double)
    }
    public var indicator: String
    public var standardError: String?
    public var marginOfError: String?
    public var denominator: String?
    public var kind: Kind
    public var overdispersion: Overdispersion
    public var levels: [Double]
    public var target: Double?

    public init(indicator: String, standardError: String? = nil, marginOfError: String? = nil, denominator: String? = nil,
                kind: Kind = .proportion(scale: 100), overdispersion: Overdispersion = .multiplicative,
                levels: [Double] = [0.95, 0.998], target: Double? = nil) {
        self.indicator = indicator
        self.standardError = standardError
        self.marginOfError = marginOfError
        self.denominator = denominator
        self.kind = kind
        self.overdispersion = overdispersion
        self.levels = levels
        self.target = target
    }
}

/// A funnel plot over a table's rows: rows with a missing indicator or precision are left out
/// (and listed); a zero or negative precision is an error naming the cell.
public struct FunnelAnalysis: Sendable {
    public let plot: FunnelPlot
    /// Table rows in the plot, in order.
    public let rows: [Int]
    /// Table rows left out, with the reason.
    public let leftOut: [DroppedRow]

    public init(table: Table, request r: FunnelRequest) throws {
        let y = try table.column(r.indicator)
        let precisionName = r.standardError ?? r.marginOfError ?? r.denominator!
        let p = try table.column(precisionName)
        for c in [y, p] where c.kind == .text {
            let bad = c.firstNonNumericRow!
            throw DataError.notANumber(table.location(row: bad, column: c.name), text: c.cells[bad])
        }
        var rows: [Int] = [], dropped: [DroppedRow] = []
        for i in 0..<table.rowCount {
            if y.isMissing[i] { dropped.append(DroppedRow(row: i, reason: "missing \(y.name)")); continue }
            if p.isMissing[i] { dropped.append(DroppedRow(row: i, reason: "missing \(p.name)")); continue }
            for c in [y, p] where c.values[i].isInfinite {
                throw DataError.infiniteValue(table.location(row: i, column: c.name), text: c.cells[i])
            }
            guard p.values[i] > 0 else { throw ExplainError.precisionNotPositive(table.location(row: i, column: p.name), text: p.cells[i]) }
            rows.append(i)
        }
        guard rows.count >= 3 else { throw ExplainError.tooFewUnits(column: y.name, count: rows.count) }
        let values = rows.map { Double(y.values[$0]) }
        let q = rows.map { Double(p.values[$0]) }
        let precision: FunnelPrecision
        if r.standardError != nil { precision = .standardError(q) }
        else if r.marginOfError != nil { precision = .standardError(q.map { $0 / Normal.quantile(0.975) }) }
        else {
            switch r.kind {
            case let .proportion(scale): precision = .proportion(denominators: q, scale: scale)
            case let .rate(per): precision = .rate(denominators: q, per: per)
            }
        }
        plot = FunnelPlot(values: values, precision: precision, overdispersion: r.overdispersion, levels: r.levels, target: r.target)
        self.rows = rows
        leftOut = dropped
    }

    /// Every table row: `id, [label,] value, se, target, z, z_adjusted, low_<level>, high_<level>...,
    /// outside, note`.
    public func table(ids: [String], idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        var header = [idName] + (labelName.map { [$0] } ?? []) + ["value", "se", "target", "z", "z_adjusted"]
        for level in plot.levels {
            let pct = NumberFormat.significant(level * 100, 4)
            header += ["low_\(pct)", "high_\(pct)"]
        }
        header += ["outside", "note"]
        var out = ids.indices.map { i -> [Cell] in
            var row: [Cell] = [.text(ids[i])] + (labels.map { [.text($0[i])] } ?? [])
            row += [Cell](repeating: .empty, count: header.count - row.count)
            return row
        }
        let lead = labelName == nil ? 1 : 2
        for d in leftOut { out[d.row][header.count - 1] = .text("left out: " + d.reason) }
        for (k, r) in rows.enumerated() {
            var cells: [Cell] = [.finite(plot.values[k]), .finite(plot.standardErrors[k]), .finite(plot.target), .finite(plot.z[k]),
                                 .finite(plot.adjustedZ[k])]
            for l in plot.levels.indices { cells += [.finite(plot.limits[l][k].low), .finite(plot.limits[l][k].high)] }
            cells += [.text(plot.outside(k)), .text("")]
            for (j, c) in cells.enumerated() { out[r][lead + j] = c }
        }
        return OutputTable(header: header, rows: out)
    }
}
