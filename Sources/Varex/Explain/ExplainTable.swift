#if canImport(Glibc)
import Glibc
#endif

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
    public static func make(fit: LinearFit, decomposition d: Decomposition, retransformed: Retransformation?,
                            scale: [Double]?, ids: [String], idName: String, labels: [String]?, labelName: String?,
                            higherIsBetter: Bool, level: Double, kept: [(name: String, cells: [String])] = []) throws -> OutputTable {
        let groups = d.grouping.groups
        let infl = try InfluenceMeasures(fit: fit)
        let pi = fit.predictionIntervals(level: level, leverage: infl.leverage)
        let n = fit.n
        // Per-head columns on the reporting scale.
        let observed = retransformed?.observed ?? d.observed
        let fitted = retransformed?.fitted ?? d.fitted
        let baseline = retransformed?.baseline ?? d.baseline
        let justified = retransformed?.justified ?? d.justified
        let unjustified = retransformed?.unjustified ?? d.unjustified
        let residual = (0..<n).map { observed[$0] - fitted[$0] }
        var piLow = pi.low, piHigh = pi.high
        if let r = retransformed {
            let lb = log(r.base)
            piLow = piLow.map { exp($0 * lb) }
            piHigh = piHigh.map { exp($0 * lb) }
        }
        let effects = retransformed?.effectPercent ?? d.effects
        let effectNames = groups.map { "effect_" + $0.name + (retransformed == nil ? "" : "_pct") }
        let ranks = Self.ranks(unjustified, descending: !higherIsBetter)

        var header = [idName] + (labelName.map { [$0] } ?? []) + kept.map(\.name)
        header += ["observed", "fitted", "baseline"] + effectNames
        header += ["justified", "unjustified", "residual", "unjustified_pct", "studentized_residual", "pi_low", "pi_high"]
        var poundNames: [String] = []
        if scale != nil {
            poundNames = ["observed", "fitted", "baseline"] + (retransformed == nil ? groups.map { "effect_" + $0.name } : [])
            poundNames += ["justified", "unjustified", "residual", "pi_low", "pi_high"]
            header += poundNames.map { $0 + "_gbp" }
        }
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
        for drop in fit.design.dropped { rows[drop.row][header.count - 1] = .text("left out: " + drop.reason) }
        for (i, r) in fit.design.rows.enumerated() {
            var cells: [Cell] = [.finite(observed[i]), .finite(fitted[i]), .finite(baseline)]
            cells += effects.map { .finite($0[i]) }
            cells += [.finite(justified[i]), .finite(unjustified[i]), .finite(residual[i]),
                      .finite(100 * unjustified[i] / justified[i]), .finite(infl.studentized[i]),
                      .finite(piLow[i]), .finite(piHigh[i])]
            if let scale {
                let s = scale[i]
                var perHead = [observed[i], fitted[i], baseline]
                if retransformed == nil { perHead += d.effects.map { $0[i] } }
                perHead += [justified[i], unjustified[i], residual[i], piLow[i], piHigh[i]]
                cells += perHead.map { .finite($0 * s) }
            }
            cells += [.integer(ranks[i]), .text("")]
            for (k, c) in cells.enumerated() { rows[r][lead + k] = c }
        }
        return OutputTable(header: header, rows: rows)
    }

    /// Competition ranks ("1224"): 1 for the largest value when `descending`, else the smallest.
    static func ranks(_ values: [Double], descending: Bool) -> [Int] {
        let order = values.indices.sorted { descending ? values[$0] > values[$1] : values[$0] < values[$1] }
        var ranks = [Int](repeating: 0, count: values.count)
        for (position, i) in order.enumerated() {
            if position > 0, values[order[position - 1]] == values[i] { ranks[i] = ranks[order[position - 1]] } else { ranks[i] = position + 1 }
        }
        return ranks
    }
}
