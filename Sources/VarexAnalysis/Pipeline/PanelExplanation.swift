import Varex

/// What every panel explanation has, whatever the model behind it (a linear mixed model,
/// ``PanelAnalysis``, or a GLMM, ``PanelGLMMAnalysis``): the split per unit-period, the units'
/// persistent effects with their ranks, the between share, the pound totals; the per-row and
/// per-unit tables, the text's panel part, the report and the workbook read only these.
public protocol PanelExplanation: Sendable {
    var request: PanelRequest { get }
    var data: ModelData { get }
    var decomposition: PanelDecomposition { get }
    var units: PanelUnits { get }
    var ranks: PersistentRanks { get }
    var share: BetweenShare { get }
    /// The scale of each row used, with `--scale`.
    var scaleValues: [Double]? { get }
    /// The label of each unit (the label column's value in its first row, or the unit).
    var unitLabels: [String] { get }
    var bootstrap: PersistentBootstrap? { get }
    /// The input rows fitted, and those left out with why.
    var usedRows: [Int] { get }
    var droppedRows: [DroppedRow] { get }
}

/// Amounts in pounds (× the scale) above and below zero, and how many units or rows each.
public struct PanelPoundTotals: Sendable, Equatable {
    public let above: Double
    public let below: Double
    public let countAbove: Int
    public let countBelow: Int

    init(_ amounts: [Double]) {
        above = amounts.filter { $0 > 0 }.reduce(0, +)
        below = amounts.filter { $0 < 0 }.reduce(0, +)
        countAbove = amounts.filter { $0 > 0 }.count
        countBelow = amounts.filter { $0 < 0 }.count
    }
}

extension PanelExplanation {
    /// The z of the `level` intervals.
    var z: Double { Normal.quantile(1 - (1 - request.explain.fit.level) / 2) }

    /// With `--scale`, per period: each unit's unjustified amount that period times its scale,
    /// summed above and below the justified level (the `unjustified_gbp` column's sums).
    public var periodTotals: [(period: String, totals: PanelPoundTotals)]? {
        guard let s = scaleValues else { return nil }
        let u = decomposition.unjustified
        return units.periods.indices.map { t in
            let rows = units.periodOfRow.indices.filter { units.periodOfRow[$0] == t }
            return (units.periods[t], PanelPoundTotals(rows.map { u[$0] * s[$0] }))
        }
    }

    /// With `--scale`: the persistent effects in pounds a year (the `persistent_gbp` column),
    /// summed above and below zero.
    public var persistentTotals: PanelPoundTotals? {
        guard let s = scaleValues else { return nil }
        let d = decomposition
        return PanelPoundTotals(d.unitEffect.indices.map { k in
            d.link == nil ? d.unitEffect[k] * units.rows[k].reduce(0.0) { $0 + s[$1] } / Double(units.rows[k].count)
                : persistentAmount(unit: k, effect: d.unitEffect[k], scaled: true)
        })
    }

    /// Unit k's persistent effect, were it `effect`, as an amount a period on the response
    /// scale (× the row's scale with `scaled`), averaged over the unit's periods: the effect
    /// itself (× the mean scale) for a linear mixed model; through a GLMM, the mean over its
    /// rows of g⁻¹(η − b + effect) − g⁻¹(η − b), b the unit's effect.
    public func persistentAmount(unit k: Int, effect: Double, scaled: Bool) -> Double {
        let d = decomposition, rows = units.rows[k]
        guard let link = d.link, let eta = d.linearPredictor else {
            guard scaled, let s = scaleValues else { return effect }
            return effect * (rows.reduce(0.0) { $0 + s[$1] } / Double(rows.count))
        }
        let b = d.unitEffect[k]
        return rows.reduce(0.0) { sum, i in
            let amount = link.mu(eta[i] - b + effect) - link.mu(eta[i] - b)
            return sum + amount * (scaled ? scaleValues?[i] ?? 1 : 1)
        } / Double(rows.count)
    }

    /// One row per input row: unit, period, label, then `observed`, `baseline`, one
    /// `effect_<group>` per group, `justified`, `persistent`, `transient`, `unjustified` (=
    /// observed − justified), with --scale each unjustified part times the row's scale
    /// (`…_gbp`), and `note` for rows left out. Through a GLMM the conditional mean (`fitted`)
    /// and `linear_predictor` follow `observed`, each group's effect is on the link scale with
    /// `effect_<group>_response` beside it, and `persistent_link` (the unit's b) follows
    /// `persistent`.
    public func rowsTable() -> OutputTable {
        let d = decomposition
        let label = request.explain.fit.label
        var header = [request.panel, request.time] + (label.map { [$0] } ?? [])
        let lead = header.count
        let glmm = d.link != nil
        header += glmm ? ["observed", "fitted", "linear_predictor", "baseline"] : ["observed", "baseline"]
        for g in d.grouping.groups { header += ["effect_" + g.name] + (glmm ? ["effect_\(g.name)_response"] : []) }
        header += ["justified", "persistent"] + (glmm ? ["persistent_link"] : []) + ["transient", "unjustified"]
        if scaleValues != nil { header += ["persistent_gbp", "transient_gbp", "unjustified_gbp"] }
        header.append("note")
        let table = data.table
        let panel = try? table.column(request.panel).byValue, time = try? table.column(request.time).byValue
        var rows: [[Cell]] = (0..<table.rowCount).map { r in
            var row: [Cell] = [.text(panel?.cells[r] ?? ""), .text(time?.cells[r] ?? "")] + (data.labels.map { [.text($0[r])] } ?? [])
            row += [Cell](repeating: .empty, count: header.count - lead - 1)
            row.append(.text(""))
            return row
        }
        for dr in droppedRows { rows[dr.row][header.count - 1] = .text("left out: " + dr.reason) }
        let justified = d.justified, unjustified = d.unjustified
        for (i, r) in usedRows.enumerated() {
            var values = [d.observed[i]]
            if let mu = d.fitted, let eta = d.linearPredictor { values += [mu[i], eta[i]] }
            values.append(d.baseline)
            for g in d.grouping.groups.indices { values += [d.effects[g][i]] + (d.responseEffects.map { [$0[g][i]] } ?? []) }
            values += [justified[i], d.persistent[i]] + (glmm ? [d.unitEffect[d.unitOfRow[i]]] : []) + [d.transient[i], unjustified[i]]
            if let s = scaleValues { values += [d.persistent[i] * s[i], d.transient[i] * s[i], unjustified[i] * s[i]] }
            for (k, v) in values.enumerated() { rows[r][lead + k] = .finite(v) }
        }
        return OutputTable(header: header, rows: rows)
    }

    /// One row per unit: the unit and label, periods seen, mean observed and justified levels,
    /// the persistent effect with its conditional SD and interval (and with --scale in pounds a
    /// year: × the unit's mean scale), periods above and below the justified level, the trend of
    /// the unjustified amount per period, the persistent rank with its interval and median from
    /// the draws, and the rank in each single period; with the bootstrap, its interval
    /// (`persistent_boot_low`, `persistent_boot_high`, and in pounds with --scale). Through a
    /// GLMM the effect, SD and intervals are on the link scale, with `persistent_response`,
    /// `persistent_response_low` and `persistent_response_high` after them (the amount a period
    /// on the response scale, ``persistentAmount(unit:effect:scaled:)``), and the pounds made
    /// from those.
    public func unitsTable() -> OutputTable {
        let d = decomposition, u = units
        let glmm = d.link != nil
        let summary = ranks.summary(level: request.explain.fit.level)
        var header = [request.panel] + (request.explain.fit.label.map { [$0] } ?? []) + ["periods", "mean_observed", "mean_justified",
                      "persistent", "persistent_sd", "persistent_low", "persistent_high"]
        if glmm { header += ["persistent_response", "persistent_response_low", "persistent_response_high"] }
        if scaleValues != nil { header += ["persistent_gbp", "persistent_low_gbp", "persistent_high_gbp"] }
        if bootstrap != nil {
            header += ["persistent_boot_low", "persistent_boot_high"]
            if scaleValues != nil { header += ["persistent_boot_low_gbp", "persistent_boot_high_gbp"] }
        }
        header += ["periods_above", "periods_below", "trend_per_period", "rank", "rank_low", "rank_high", "rank_median"]
        header += u.periods.map { "rank_" + $0 }
        let rows: [[Cell]] = d.units.indices.map { k in
            var row: [Cell] = [.text(d.units[k])] + (request.explain.fit.label == nil ? [] : [.text(unitLabels[k])])
            let b = d.unitEffect[k], sd = d.unitSD[k]
            row += [.integer(u.rows[k].count), .finite(u.meanObserved[k]), .finite(u.meanJustified[k]),
                    .finite(b), .finite(sd), .finite(b - z * sd), .finite(b + z * sd)]
            if glmm { row += [b, b - z * sd, b + z * sd].map { .finite(persistentAmount(unit: k, effect: $0, scaled: false)) } }
            if scaleValues != nil { row += [b, b - z * sd, b + z * sd].map { .finite(persistentAmount(unit: k, effect: $0, scaled: true)) } }
            if let boot = bootstrap {
                row += [.finite(boot.low[k]), .finite(boot.high[k])]
                if scaleValues != nil {
                    row += [boot.low[k], boot.high[k]].map { .finite(persistentAmount(unit: k, effect: $0, scaled: true)) }
                }
            }
            row += [.integer(u.periodsAbove[k]), .integer(u.periodsBelow[k]), .finite(u.trend[k]), .integer(u.persistentRank[k]),
                    .integer(summary[k].low), .integer(summary[k].high), .finite(summary[k].median)]
            row += u.periodRank[k].map { $0.map(Cell.integer) ?? .empty }
            return row
        }
        return OutputTable(header: header, rows: rows)
    }
}
