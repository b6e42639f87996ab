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
        let (y, p, rows, dropped) = try EstimateRows.select(table: table, estimate: r.indicator,
                                                            precision: r.standardError ?? r.marginOfError ?? r.denominator!)
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
        var columns = ["value", "se", "target", "z", "z_adjusted"]
        for level in plot.levels {
            let pct = NumberFormat.significant(level * 100, 4)
            columns += ["low_\(pct)", "high_\(pct)"]
        }
        columns.append("outside")
        let cells: [[Cell]] = rows.indices.map { k in
            var c: [Cell] = [.finite(plot.values[k]), .finite(plot.standardErrors[k]), .finite(plot.target), .finite(plot.z[k]),
                             .finite(plot.adjustedZ[k])]
            for l in plot.levels.indices { c += [.finite(plot.limits[l][k].low), .finite(plot.limits[l][k].high)] }
            return c + [.text(plot.outside(k))]
        }
        return .perRow(ids: ids, idName: idName, labels: labels, labelName: labelName, columns: columns, used: rows,
                       cells: cells, leftOut: leftOut)
    }
}
