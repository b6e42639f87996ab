import Varex

extension FunnelAnalysis {
    /// Every table row: `id, [label,] value, se, target, z, z_adjusted, low_<level>, high_<level>...,
    /// outside, note`.
    public func table(ids: RowIDs, idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        var columns = (counts == nil ? [] : ["observed", "expected"]) + ["value", "se", "target", "z", "z_adjusted"]
        for level in plot.levels {
            let pct = NumberFormat.significant(level * 100, 4)
            columns += ["low_\(pct)", "high_\(pct)"]
        }
        columns.append("outside")
        let cells: [[Cell]] = rows.indices.map { k in
            var c: [Cell] = (counts.map { [.finite($0.observed[k]), .finite($0.expected[k])] } ?? []) + [.finite(plot.values[k]), .finite(plot.standardErrors[k]), .finite(plot.target), .finite(plot.z[k]),
                             .finite(plot.adjustedZ[k])]
            for l in plot.levels.indices { c += [.finite(plot.limits[l][k].low), .finite(plot.limits[l][k].high)] }
            return c + [.text(plot.outside(k))]
        }
        return .perRow(ids: ids, idName: idName, labels: labels, labelName: labelName, columns: columns, used: rows,
                       cells: cells, leftOut: leftOut)
    }
}
