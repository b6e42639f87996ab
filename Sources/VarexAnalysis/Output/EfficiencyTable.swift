import Varex

/// The per-unit table of a DEA: efficiency and its rank (1 = best), super-efficiency, the
/// bootstrap's corrected score and interval, the corrected score's rank with its interval, Σλ, the peers with their weights, the slacks and
/// the targets (the projection onto the efficient frontier), every row of the file in place.
public enum EfficiencyTable {
    public static func table(_ a: EfficiencyAnalysis, ids: RowIDs, idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        let dea = a.dea, data = dea.data
        var columns = ["efficiency", "rank"]
        if dea.superEfficiency != nil { columns.append("super_efficiency") }
        if a.bootstrap != nil {
            columns += ["efficiency_corrected", "efficiency_low", "efficiency_high", "bias", "correction_advised",
                        "rank_corrected", "median_rank", "rank_low", "rank_high"]
        }
        columns += ["lambda_sum", "peers"]
        columns += data.inputNames.map { "slack_" + $0 } + data.outputNames.map { "slack_" + $0 }
        columns += data.inputNames.map { "target_" + $0 } + data.outputNames.map { "target_" + $0 }
        let ranks = a.ranks, lambdaSum = dea.lambdaSum, inTargets = dea.inputTargets, outTargets = dea.outputTargets
        let advised = a.bootstrap?.correctionAdvised
        let cells = (0..<data.count).map { o -> [Cell] in
            var row: [Cell] = [.number(dea.efficiency[o]), .integer(ranks[o])]
            if let sup = dea.superEfficiency { row.append(sup[o].map(Cell.number) ?? .empty) }
            if let b = a.bootstrap, let advised {
                // A corrected score is 1/(δ − bias); the bias is of the distance δ.
                row += [.number(b.corrected[o]), .number(b.low[o]), .number(b.high[o]), .number(b.bias[o]), .bool(advised[o]),
                        .integer(b.correctedRank[o]), .number(b.rankMedian[o]), .integer(b.rankLow[o]), .integer(b.rankHigh[o])]
            }
            row.append(.number(lambdaSum[o]))
            row.append(.text(dea.peers[o].map { "\(data.units[$0.unit]):\(NumberFormat.significant($0.weight, 6))" }.joined(separator: "; ")))
            row += dea.inputSlacks[o].map(Cell.number) + dea.outputSlacks[o].map(Cell.number)
            row += inTargets[o].map(Cell.number) + outTargets[o].map(Cell.number)
            return row
        }
        return OutputTable.perRow(ids: ids, idName: idName, labels: labels, labelName: labelName, columns: columns,
                                  used: a.rows, cells: cells, leftOut: a.leftOut)
    }

    /// One row per (unit, peer): the long form of the peers column, for a pivot table.
    public static func peers(_ a: EfficiencyAnalysis, idName: String) -> OutputTable {
        let data = a.dea.data
        var rows: [[Cell]] = []
        for o in 0..<data.count {
            for p in a.dea.peers[o] { rows.append([.text(data.units[o]), .text(data.units[p.unit]), .number(p.weight)]) }
        }
        return OutputTable(header: [idName, "peer", "lambda"], rows: rows)
    }
}
