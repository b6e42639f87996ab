import Varex

/// The per-row explain table: every input row in input order, with the decomposition for the
/// rows used and the reason in `note` for the others.
///
/// Linear response: `id, [label,] observed, fitted, baseline, effect_<group>..., justified,
/// unjustified, residual, unjustified_pct, studentized_residual, pi_low, pi_high,
/// [<column>_gbp ...,] rank, note`. For a log response the effects are `effect_<group>_pct`
/// and the pound columns are on the original scale (see ``Retransformation``).
/// `unjustified_pct` is 100 × unjustified / justified. `rank` 1 is the largest unjustified value
/// (the smallest when higher is better), ties sharing the best rank.
public enum ExplainTable {
    /// The table of an explain run's typed rows: every input row, the results for the rows the
    /// fit used, the reason for the others.
    public static func make(rows x: ExplainRows, groups: [TermGroup], design: DesignMatrix, ids: RowIDs, idName: String,
                            labels: [String]?, labelName: String?, kept: [(name: String, cells: [String])] = [],
                            outOfSample o: ExplainOutOfSample? = nil) -> OutputTable {
        let effectNames = groups.map { "effect_" + $0.name + (x.effectsArePercentages ? "_pct" : "") }
        var header = [idName] + (labelName.map { [$0] } ?? []) + kept.map(\.name)
        header += ["observed", "fitted", "baseline"] + effectNames
        header += ["justified", "unjustified", "residual", "unjustified_pct", "studentized_residual", "pi_low", "pi_high"]
        if x.scale != nil { header += x.perHead.map { $0.name + "_gbp" } }
        header += ["rank", "note"]

        let lead = (labelName == nil ? 1 : 2) + kept.count
        var rows = [[Cell]](repeating: [], count: ids.count)
        for (r, id) in ids.enumerated() {
            var row = [Cell](repeating: .empty, count: header.count)
            row[0] = .text(id)
            if let labels { row[1] = .text(labels[r]) }
            for (k, column) in kept.enumerated() { row[lead - kept.count + k] = .text(column.cells[r]) }
            rows[r] = row
        }
        var why = [Int: String]()
        for drop in design.dropped { rows[drop.row][header.count - 1] = .text("left out: " + drop.reason); why[drop.row] = drop.reason }
        if let o {
            let perHead = o.perHead(baseline: x.baseline, logResponse: x.effectsArePercentages)
            for (k, r) in o.rows.enumerated() {
                var cells: [Cell] = [.finite(o.observed[k]), .finite(o.fitted[k]), .finite(x.baseline)]
                cells += o.effects.map { .finite($0[k]) }
                cells += [.finite(o.justified[k]), .finite(o.unjustified[k]), .finite(o.residual[k]),
                          .finite(o.unjustifiedPercent[k]), .empty, .finite(o.predictionLow[k]), .finite(o.predictionHigh[k])]
                if x.scale != nil { cells += perHead.map { .finite($0[k] * (o.scale?[k] ?? .nan)) } }
                cells += [.empty, .text(OutOfSample.note(nil, why: why[r]))]
                for (j, c) in cells.enumerated() { rows[r][lead + j] = c }
            }
            for (r, reason) in o.notes { rows[r][header.count - 1] = .text(OutOfSample.note(reason, why: why[r])) }
        }
        for (i, r) in design.rows.enumerated() {
            var cells: [Cell] = [.finite(x.observed[i]), .finite(x.fitted[i]), .finite(x.baseline)]
            cells += x.effects.map { .finite($0[i]) }
            cells += [.finite(x.justified[i]), .finite(x.unjustified[i]), .finite(x.residual[i]),
                      .finite(x.unjustifiedPercent[i]), .finite(x.studentized[i]),
                      .finite(x.predictionLow[i]), .finite(x.predictionHigh[i])]
            if let scale = x.scale { cells += x.perHead.map { .finite($0.values[i] * scale[i]) } }
            cells += [.integer(x.ranks[i]), .text("")]
            for (k, c) in cells.enumerated() { rows[r][lead + k] = c }
        }
        return OutputTable(header: header, rows: rows)
    }
}

extension ExplainAnalysis {
    /// The per-row table (every input row, in input order), for the writers.
    public var output: OutputTable {
        ExplainTable.make(rows: rows, groups: decomposition.grouping.groups, design: fit.design, ids: run.ids,
                          idName: request.fit.id ?? "id", labels: run.labels, labelName: request.fit.label, kept: run.keptColumns,
                          outOfSample: outOfSample)
    }
}
