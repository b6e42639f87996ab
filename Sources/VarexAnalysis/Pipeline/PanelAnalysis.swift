import Varex
import VarexLinearAlgebra

/// What a panel explanation needs beyond an explain request: the unit and period columns and
/// the draws for the rank intervals.
public struct PanelRequest: Sendable {
    public var explain: ExplainRequest
    /// The column naming the unit (the council's code).
    public var panel: String
    /// The column naming the period (the financial year).
    public var time: String
    public var draws: Int
    public var seed: UInt64
    /// Replicates of the parametric bootstrap of the persistent effects' intervals (nil: none).
    public var persistentBootstrap: Int?

    public init(explain: ExplainRequest, panel: String, time: String, draws: Int = 1000, seed: UInt64 = 1, persistentBootstrap: Int? = nil) {
        self.explain = explain
        self.panel = panel
        self.time = time
        self.draws = draws
        self.seed = seed
        self.persistentBootstrap = persistentBootstrap
    }
}

/// `varex explain --panel UNIT --time PERIOD`: the formula's fixed effects plus a random
/// intercept per unit, fitted by REML; each unit-period split into baseline, group effects,
/// the unit's persistent effect and the period's transient residual; per unit its persistent
/// effect with interval and rank interval, its periods above and below its justified level,
/// its trend and its single-period ranks; and the between-unit share of the unexplained
/// variation with a profile-likelihood interval.
public struct PanelAnalysis: Sendable {
    public let request: PanelRequest
    public let data: ModelData
    public let fit: LinearMixedFit
    public let satterthwaite: Satterthwaite
    public let decomposition: PanelDecomposition
    public let units: PanelUnits
    public let ranks: PersistentRanks
    public let share: BetweenShare
    /// The scale of each row used, with `--scale`.
    public let scaleValues: [Double]?
    /// The label of each unit (the label column's value in its first row, or the unit).
    public let unitLabels: [String]
    /// The groups' Shapley shares of the fixed part's marginal R².
    public let shares: PanelShares
    /// Per group, the joint F test of its coefficients with Satterthwaite's df (lmerTest's
    /// `contest(fit, L, joint = TRUE)`).
    public let groupTests: [ContrastFTest]
    /// With `persistentBootstrap`: intervals that carry the fixed effects' and variance
    /// components' uncertainty as well as the conditional SD.
    public let bootstrap: PersistentBootstrap?

    /// An absorbed factor (`--absorb`) enters the fixed part as its dummies, in the group that
    /// named it (``ExplainRequest/absorbedAsDummies()``).
    public init(_ request: PanelRequest) throws {
        var request = request
        request.explain = request.explain.absorbedAsDummies()
        self.request = request
        let e = request.explain
        if MixedFormula.hasRandomTerms(e.fit.formula) { throw ExplainError.panelFormulaHasRandomTerms }
        var fitRequest = e.fit
        fitRequest.formula += " + (1 | \(RName.deparse(request.panel)))"
        data = try ModelData(fitRequest, randomEffects: true, unit: request.panel)
        let table = data.table
        let periodColumn = try table.column(request.time).byValue
        try Self.checkOneRowPerUnitAndPeriod(table: table, panel: try table.column(request.panel).byValue, time: periodColumn)
        guard let mixed = data.mixed else { throw ExplainError.panelNeedsOneRandomIntercept }
        fit = try LinearMixedModel.fit(mixed, reml: true)
        satterthwaite = try Satterthwaite(fit)
        let grouping = try TermGrouping(groups: e.groups, formula: mixed.fixed.formula)
        decomposition = try PanelDecomposition(fit: fit, grouping: grouping)
        shares = try PanelShares(fit: fit, grouping: grouping)
        groupTests = try Self.groupTests(fit, satterthwaite, grouping: grouping)
        if let replicates = request.persistentBootstrap {
            bootstrap = try PersistentBootstrap(fit: fit, level: e.fit.level, replicates: replicates, seed: request.seed)
        } else {
            bootstrap = nil
        }
        let used = mixed.fixed.rows
        units = PanelUnits(decomposition, periodLabels: used.map { periodColumn.cells[$0] }, numericPeriods: periodColumn.kind == .numeric,
                           higherIsBetter: e.higherIsBetter)
        ranks = try PersistentRanks(effects: decomposition.unitEffect, standardDeviations: decomposition.unitSD,
                                    higherIsBetter: e.higherIsBetter, draws: request.draws, seed: request.seed)
        share = BetweenShare(fit: fit, level: e.fit.level)
        if e.scale != nil, let r = mixed.fixed.formula.response {
            let response = mixed.fixed.formula.variables[r]
            if case let .expression(x) = response.source, !x.isRatioArithmetic {
                throw ExplainError.panelScaleOfTransformedResponse(response.label)
            }
        }
        scaleValues = try e.scale.map { try ExplainAnalysis.scaleValues(table: table, column: $0, rows: used) }
        let names = data.labels, d = decomposition
        unitLabels = units.rows.map { r in names.map { $0[used[r[0]]] } ?? d.units[d.unitOfRow[r[0]]] }
    }

    /// Each group's coefficients tested jointly (lmerTest's `contest(fit, L, joint = TRUE)`); a
    /// group of random-effect terms only (``MixedExplainAnalysis``) has none, and NaN.
    static func groupTests(_ fit: LinearMixedFit, _ satterthwaite: Satterthwaite, grouping: TermGrouping) throws -> [ContrastFTest] {
        let assign = fit.design.fixed.assign
        return try grouping.groups.indices.map { g in
            let columns = assign.indices.filter { assign[$0] >= 0 && grouping.groupOfTerm[assign[$0]] == g }
            // A group of random-effect terms only has no fixed coefficients to test: NaN.
            guard !columns.isEmpty else { return .none }
            var l = Matrix(rows: columns.count, columns: fit.p)
            for (r, j) in columns.enumerated() { l[r, j] = 1 }
            return try satterthwaite.test(l, beta: fit.beta)
        }
    }

    /// A unit seen twice in one period is an error naming both rows.
    static func checkOneRowPerUnitAndPeriod(table: Table, panel: Column, time: Column) throws {
        var seen: [String: Int] = [:]
        for r in 0..<table.rowCount where !panel.isMissing[r] && !time.isMissing[r] {
            let key = panel.cells[r] + "\u{1F}" + time.cells[r]
            if let first = seen[key] {
                throw ExplainError.duplicatePanelRow(unit: panel.cells[r], period: time.cells[r], rows: [first + 1, r + 1])
            }
            seen[key] = r
        }
    }

    /// Amounts in pounds (× the scale) above and below zero, and how many units or rows each.
    public struct PoundTotals: Sendable, Equatable {
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

    /// With `--scale`, per period: each unit's unjustified amount that period times its scale,
    /// summed above and below the justified level (the `unjustified_gbp` column's sums).
    public var periodTotals: [(period: String, totals: PoundTotals)]? {
        guard let s = scaleValues else { return nil }
        let u = decomposition.unjustified
        return units.periods.indices.map { t in
            let rows = units.periodOfRow.indices.filter { units.periodOfRow[$0] == t }
            return (units.periods[t], PoundTotals(rows.map { u[$0] * s[$0] }))
        }
    }

    /// With `--scale`: the persistent effects in pounds a year (each unit's effect times its mean
    /// scale, the `persistent_gbp` column), summed above and below zero.
    public var persistentTotals: PoundTotals? {
        guard let s = scaleValues else { return nil }
        return PoundTotals(decomposition.unitEffect.indices.map { k in
            decomposition.unitEffect[k] * units.rows[k].reduce(0.0) { $0 + s[$1] } / Double(units.rows[k].count)
        })
    }

    /// The z of the `level` intervals.
    var z: Double { Normal.quantile(1 - (1 - request.explain.fit.level) / 2) }

    /// One row per input row: unit, period, label, then `observed`, `baseline`, one
    /// `effect_<group>` per group, `justified`, `persistent`, `transient`, `unjustified` (=
    /// observed − justified), with --scale each unjustified part times the row's scale
    /// (`…_gbp`), and `note` for rows left out.
    public func rowsTable() -> OutputTable {
        let d = decomposition
        let label = request.explain.fit.label
        var header = [request.panel, request.time] + (label.map { [$0] } ?? [])
        let lead = header.count
        header += ["observed", "baseline"] + d.grouping.groups.map { "effect_" + $0.name } + ["justified", "persistent", "transient", "unjustified"]
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
        for dr in fit.design.fixed.dropped { rows[dr.row][header.count - 1] = .text("left out: " + dr.reason) }
        let justified = d.justified, unjustified = d.unjustified
        for (i, r) in fit.design.fixed.rows.enumerated() {
            var values = [d.observed[i], d.baseline] + d.effects.map { $0[i] } + [justified[i], d.persistent[i], d.transient[i], unjustified[i]]
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
    /// (`persistent_boot_low`, `persistent_boot_high`, and in pounds with --scale).
    public func unitsTable() -> OutputTable {
        let d = decomposition, u = units
        let summary = ranks.summary(level: request.explain.fit.level)
        var header = [request.panel] + (request.explain.fit.label.map { [$0] } ?? []) + ["periods", "mean_observed", "mean_justified",
                      "persistent", "persistent_sd", "persistent_low", "persistent_high"]
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
            let meanScale = scaleValues.map { s in u.rows[k].reduce(0.0) { $0 + s[$1] } / Double(u.rows[k].count) }
            if let mean = meanScale { row += [.finite(b * mean), .finite((b - z * sd) * mean), .finite((b + z * sd) * mean)] }
            if let boot = bootstrap {
                row += [.finite(boot.low[k]), .finite(boot.high[k])]
                if let mean = meanScale { row += [.finite(boot.low[k] * mean), .finite(boot.high[k] * mean)] }
            }
            row += [.integer(u.periodsAbove[k]), .integer(u.periodsBelow[k]), .finite(u.trend[k]), .integer(u.persistentRank[k]),
                    .integer(summary[k].low), .integer(summary[k].high), .finite(summary[k].median)]
            row += u.periodRank[k].map { $0.map(Cell.integer) ?? .empty }
            return row
        }
        return OutputTable(header: header, rows: rows)
    }
}
