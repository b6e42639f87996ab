import Varex

/// A panel explanation's summary: the mixed model's, then what persists and what passes.
public enum PanelSummary {
    public static func warnings(_ a: PanelAnalysis) -> [String] { MixedAnalysis.warnings(a.fit, a.satterthwaite) }

    public static func text(_ a: PanelAnalysis, source: String? = nil, top: Int = 5, unit: String = "councils") -> String {
        let level = a.request.explain.fit.level
        var o = MixedSummary.text(fit: a.fit, satterthwaite: a.satterthwaite, level: level, source: source)
        let u = a.units, d = a.decomposition
        o += "\nShares of the variation (Shapley values of the fixed part's marginal R² over the groups):\n"
        var shareRows = [["Group", "Kind", "Share", "F", "NumDF", "DenDF", "Pr(>F)", "Terms"]]
        for (g, group) in d.grouping.groups.enumerated() {
            let t = a.groupTests[g]
            shareRows.append([group.name, group.justified ? "justified" : "unjustified", NumberFormat.fixed(100 * a.shares.shares[g], decimals: 1) + "%",
                              NumberFormat.significant(t.f, 4), "\(t.numeratorDF)", NumberFormat.significant(t.denominatorDF, 5),
                              NumberFormat.pValue(t.pValue), group.terms.joined(separator: " + ")])
        }
        shareRows.append(["(unexplained)", "", NumberFormat.fixed(100 * a.shares.unexplained, decimals: 1) + "%", "", "", "", "",
                          "random intercepts and residual"])
        o += TextSummary.aligned(shareRows, leftFirst: true)
        if a.shares.shares.contains(where: { $0 < 0 }) {
            o += "A negative share: with that group in, the fixed part explains less of the total variance (its terms move "
                + "variance between the \(unit)' persistent part and the residual).\n"
        }
        if let periods = a.periodTotals, let persistent = a.persistentTotals {
            o += "\nIn pounds (× \(a.request.explain.scale ?? "scale")), above and below the justified level:\n"
            var rows = [["Period", "Above", "Below", "\(unit.prefix(1).uppercased() + unit.dropFirst()) above/below"]]
            for (period, t) in periods {
                rows.append([period, ExplainSummary.money(t.above), ExplainSummary.money(-t.below), "\(t.countAbove)/\(t.countBelow)"])
            }
            rows.append(["persistent, a year", ExplainSummary.money(persistent.above), ExplainSummary.money(-persistent.below), "\(persistent.countAbove)/\(persistent.countBelow)"])
            o += TextSummary.aligned(rows, leftFirst: true)
        }
        let pct = { (x: Double) in NumberFormat.fixed(100 * x, decimals: 1) + "%" }
        let conf = NumberFormat.fixed(100 * level, decimals: 0) + "%"
        let one = unit == "councils" ? "council" : "unit"
        o += "\nPersistent or passing: \(d.units.count) \(unit) over \(u.periods.count) periods (\(u.periods.first ?? "")"
        o += " to \(u.periods.last ?? "")), \(a.fit.n) rows (one per \(one) and period)\n"
        o += "Of the variation the model leaves unexplained, \(pct(a.share.estimate)) (\(conf) profile interval \(pct(a.share.low))"
        o += " to \(pct(a.share.high)))\nlies between \(unit) and persists; \(pct(1 - a.share.estimate)) (\(pct(1 - a.share.high)) to "
        o += "\(pct(1 - a.share.low))) passes from period to period.\n"
        let rhos = u.periodCorrelations.map { NumberFormat.fixed($0, decimals: 2) }
        if !rhos.isEmpty {
            let mean = u.periodCorrelations.reduce(0, +) / Double(u.periodCorrelations.count)
            o += "Single-period league tables: rank correlation between consecutive periods \(rhos.joined(separator: ", "))"
            o += " (mean \(NumberFormat.fixed(mean, decimals: 2))).\n"
        }
        o += "Of each period's top \(u.topCount), in the top \(u.topCount) by persistent effect: "
        o += zip(u.periods, u.topKept).map { "\($0) \($1)" }.joined(separator: ", ") + ".\n"
        let summary = a.ranks.summary(level: level)
        let order = d.units.indices.sorted { (u.persistentRank[$0], $0) < (u.persistentRank[$1], $1) }
        let z = a.z
        func rows(_ ks: ArraySlice<Int>) -> String {
            var table = [["Rank", "\(conf) rank interval", "", "Persistent", "\(conf) interval", "Periods above/below", "Trend/period"]]
            for k in ks {
                let b = d.unitEffect[k], sd = d.unitSD[k]
                table.append(["\(u.persistentRank[k])", "\(summary[k].low)–\(summary[k].high)", a.unitLabels[k],
                              NumberFormat.significant(b, 4), "\(NumberFormat.significant(b - z * sd, 4)) to \(NumberFormat.significant(b + z * sd, 4))",
                              "\(u.periodsAbove[k])/\(u.periodsBelow[k])", NumberFormat.significant(u.trend[k], 3)])
            }
            return TextSummary.aligned(table, leftFirst: true)
        }
        let n = min(top, order.count)
        o += "\nHighest persistent unjustified effects (rank 1 = \(a.request.explain.higherIsBetter ? "lowest" : "highest")):\n"
        o += rows(order.prefix(n))
        o += "\nLowest:\n" + rows(order.suffix(n))
        o += "Persistent intervals: the conditional SD around the conditional mode (lme4's condVar), with the fixed effects "
            + "and variance components taken as known"
        if let boot = a.bootstrap {
            o += "; the bootstrap intervals (persistent_boot_low/high) add their uncertainty: \(boot.replicates) parametric "
                + "refits (seed \(boot.seed)), mean width \(NumberFormat.significant(zip(boot.high, boot.low).reduce(0) { $0 + $1.0 - $1.1 } / Double(boot.low.count), 4))"
                + " against \(NumberFormat.significant(2 * a.z * d.unitSD.reduce(0, +) / Double(d.unitSD.count), 4)) from the conditional SD"
        }
        o += ".\n"
        o += "Rank intervals: \(a.ranks.draws) draws of every \(one)'s effect from its conditional distribution (seed \(a.ranks.seed)).\n"
        return o
    }

    /// The JSON summary: the mixed model's fields, then `panel` (unit and period columns,
    /// periods, units), `between_share` and `within_share` (estimate, low, high, level), `period_rank_correlations`,
    /// `top_kept` (per period), `draws`, `seed`, `groups` (each `name, justified, terms, share`
    /// (of the marginal R²), `f, num_df, den_df, p_value` (the joint F test, Satterthwaite df)),
    /// `unexplained_share`, `subset_r_squared`, `pound_totals` (with --scale: per period and for
    /// the persistent effects a year, `above, below, count_above, count_below`; else null), and `units` (each `unit, label, persistent, sd, low, high, rank,
    /// rank_low, rank_high, periods_above, periods_below, trend`).
    public static func json(_ a: PanelAnalysis) -> String {
        let level = a.request.explain.fit.level
        let n = JSONSummary.number, s = JSONSummary.string
        let u = a.units, d = a.decomposition
        let fit = MixedSummary.fields(fit: a.fit, satterthwaite: a.satterthwaite, level: level, kind: .panel)
        var o = "{\n  \"fit\": {\n  " + fit.replacingNewlines(with: "\n  ") + "\n  },\n"
        o += "  \"panel\": {\"unit\": \(s(a.request.panel)), \"time\": \(s(a.request.time)), \"periods\": [\(u.periods.map(s).joined(separator: ", "))], "
        o += "\"units\": \(d.units.count)},\n"
        o += "  \"between_share\": {\"estimate\": \(n(a.share.estimate)), \"low\": \(n(a.share.low)), \"high\": \(n(a.share.high)), \"level\": \(n(level))},\n"
        o += "  \"within_share\": {\"estimate\": \(n(1 - a.share.estimate)), \"low\": \(n(1 - a.share.high)), \"high\": \(n(1 - a.share.low)), \"level\": \(n(level))},\n"
        o += "  \"period_rank_correlations\": [\(u.periodCorrelations.map(n).joined(separator: ", "))],\n"
        o += "  \"top_kept\": [\(u.topKept.map(String.init).joined(separator: ", "))],\n"
        o += "  \"draws\": \(a.ranks.draws),\n  \"seed\": \(a.ranks.seed),\n"
        o += "  \"persistent_bootstrap\": " + (a.bootstrap.map { "{\"replicates\": \($0.replicates), \"seed\": \($0.seed)}" } ?? "null") + ",\n"
        o += "  \"groups\": [\n" + d.grouping.groups.enumerated().map { g, group in
            let t = a.groupTests[g]
            return "    {\"name\": \(s(group.name)), \"justified\": \(group.justified), \"terms\": [\(group.terms.map(s).joined(separator: ", "))], "
                + "\"share\": \(n(a.shares.shares[g])), \"f\": \(n(t.f)), \"num_df\": \(t.numeratorDF), \"den_df\": \(n(t.denominatorDF)), "
                + "\"p_value\": \(n(t.pValue))}"
        }.joined(separator: ",\n") + "\n  ],\n"
        o += "  \"unexplained_share\": \(n(a.shares.unexplained)),\n"
        o += "  \"subset_r_squared\": [" + a.shares.subsetRSquared.indices.map { k in
            let names = d.grouping.groups.indices.filter { k & (1 << $0) != 0 }.map { s(d.grouping.groups[$0].name) }
            return "{\"groups\": [\(names.joined(separator: ", "))], \"r_squared\": \(n(a.shares.subsetRSquared[k]))}"
        }.joined(separator: ", ") + "],\n"
        func totals(_ t: PanelAnalysis.PoundTotals) -> String {
            "\"above\": \(n(t.above)), \"below\": \(n(t.below)), \"count_above\": \(t.countAbove), \"count_below\": \(t.countBelow)"
        }
        if let periods = a.periodTotals, let persistent = a.persistentTotals {
            o += "  \"pound_totals\": {\"periods\": [" + periods.map { "{\"period\": \(s($0.period)), \(totals($0.totals))}" }.joined(separator: ", ")
                + "], \"persistent\": {\(totals(persistent))}},\n"
        } else {
            o += "  \"pound_totals\": null,\n"
        }
        let summary = a.ranks.summary(level: level)
        o += "  \"units\": [\n" + d.units.indices.map { k in
            let b = d.unitEffect[k], sd = d.unitSD[k]
            return "    {\"unit\": \(s(d.units[k])), \"label\": \(s(a.unitLabels[k])), \"persistent\": \(n(b)), \"sd\": \(n(sd)), "
                + "\"low\": \(n(b - a.z * sd)), \"high\": \(n(b + a.z * sd)), \"rank\": \(u.persistentRank[k]), \"rank_low\": \(summary[k].low), "
                + "\"rank_high\": \(summary[k].high), \"periods_above\": \(u.periodsAbove[k]), \"periods_below\": \(u.periodsBelow[k]), "
                + "\"trend\": \(n(u.trend[k]))"
                + (a.bootstrap.map { ", \"boot_low\": \(n($0.low[k])), \"boot_high\": \(n($0.high[k]))" } ?? "") + "}"
        }.joined(separator: ",\n") + "\n  ]\n}\n"
        return o
    }

    /// The panel as a workbook: the council-years (`--out`'s table), the units
    /// (`--persistent-out`'s), and a summary sheet with the provenance, the groups' shares and F
    /// tests, the between share and the fixed effects.
    public static func workbook(_ a: PanelAnalysis, unit: String = "councils") throws -> [UInt8] {
        let level = a.request.explain.fit.level
        let common = MixedSummary.common(fit: a.fit, satterthwaite: a.satterthwaite, level: level, kind: .panel)
        var provenance = Provenance.of(model: common, dataPath: a.data.table.source)
        for (g, group) in a.decomposition.grouping.groups.enumerated() {
            let t = a.groupTests[g]
            provenance.rows.append(("Share of marginal R²: \(group.name) (\(group.justified ? "justified" : "unjustified"))", .finite(a.shares.shares[g])))
            provenance.rows.append(("F test: \(group.name) (F, NumDF, DenDF, p)",
                                    .text("\(NumberFormat.significant(t.f, 6)), \(t.numeratorDF), \(NumberFormat.significant(t.denominatorDF, 6)), \(NumberFormat.pValue(t.pValue))")))
        }
        provenance.rows.append(("Unexplained share (random intercepts and residual)", .finite(a.shares.unexplained)))
        provenance.rows.append(("Between-\(unit) share of the unexplained variation", .finite(a.share.estimate)))
        let one = unit == "councils" ? "Council" : "Unit"
        return try XLSXWriter.data(sheets: [("\(one)-periods", a.rowsTable()), ("\(one)s", a.unitsTable())], provenance: provenance,
                                   extra: common.coefficientTable)
    }
}
