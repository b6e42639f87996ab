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
        return o + panelText(a, top: top, unit: unit)
    }

    /// The panel part of the text, whatever the model: the pound totals, the between share,
    /// the league tables' stability and the units with the highest and lowest persistent effects.
    static func panelText(_ a: some PanelExplanation, top: Int, unit: String) -> String {
        let level = a.request.explain.fit.level
        let u = a.units, d = a.decomposition
        var o = ""
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
        o += " to \(u.periods.last ?? "")), \(a.usedRows.count) rows (one per \(one) and period)\n"
        if let link = d.link, a.share.estimate.isNaN {
            o += "The between share is not defined here: the \(link.rawValue) link of this family has no latent scale of constant "
                + "variance to share out (logit, probit and cloglog binomial models have one); the persistent effects' spread is "
                + "the random intercept's SD.\n"
        } else {
            if let link = d.link { o += "On the latent scale (\(link.rawValue), its residual variance \(NumberFormat.significant(latentVariance(link), 4))): " }
            o += "Of the variation the model leaves unexplained, \(pct(a.share.estimate)) (\(conf) profile interval \(pct(a.share.low))"
            o += " to \(pct(a.share.high)))\nlies between \(unit) and persists; \(pct(1 - a.share.estimate)) (\(pct(1 - a.share.high)) to "
            o += "\(pct(1 - a.share.low))) passes from period to period.\n"
        }
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
            let glmm = d.link != nil
            var table = [["Rank", "\(conf) rank interval", "", glmm ? "Persistent (link)" : "Persistent", "\(conf) interval"]
                         + (glmm ? ["A period (response)"] : []) + ["Periods above/below", "Trend/period"]]
            for k in ks {
                let b = d.unitEffect[k], sd = d.unitSD[k]
                table.append(["\(u.persistentRank[k])", "\(summary[k].low)–\(summary[k].high)", a.unitLabels[k],
                              NumberFormat.significant(b, 4), "\(NumberFormat.significant(b - z * sd, 4)) to \(NumberFormat.significant(b + z * sd, 4))"]
                             + (glmm ? [NumberFormat.significant(a.persistentAmount(unit: k, effect: b, scaled: false), 4)] : [])
                             + ["\(u.periodsAbove[k])/\(u.periodsBelow[k])", NumberFormat.significant(u.trend[k], 3)])
            }
            return TextSummary.aligned(table, leftFirst: true)
        }
        let n = min(top, order.count)
        let lowFirst = a.request.explain.rankingHigherIsBetter
        o += "\n\(lowFirst ? "Lowest" : "Highest") persistent unjustified effects (rank 1 = \(lowFirst ? "lowest" : "highest")):\n"
        o += rows(order.prefix(n))
        o += "\n\(lowFirst ? "Highest" : "Lowest"):\n" + rows(order.suffix(n))
        o += "Persistent intervals: the conditional SD around the conditional mode (lme4's condVar), with the fixed effects "
            + "and variance components taken as known"
        if let link = d.link {
            o += "; on the link scale (\(link.rawValue)), the unit's effect a period on the response scale the mean over its periods of "
                + "g⁻¹(η) − g⁻¹(η − b); ranks by the link-scale effect"
        }
        if let boot = a.bootstrap {
            o += "; the bootstrap intervals (persistent_boot_low/high) add their uncertainty: \(boot.replicates) parametric "
                + "refits (seed \(boot.seed)), mean width \(NumberFormat.significant(zip(boot.high, boot.low).reduce(0) { $0 + $1.0 - $1.1 } / Double(boot.low.count), 4))"
                + " against \(NumberFormat.significant(2 * a.z * d.unitSD.reduce(0, +) / Double(d.unitSD.count), 4)) from the conditional SD"
        }
        o += ".\n"
        o += "Rank intervals: \(a.ranks.draws) draws of every \(one)'s effect from its conditional distribution (seed \(a.ranks.seed)).\n"
        return o
    }

    /// The latent variable's residual variance of a binomial link (π²/3 for the logit).
    static func latentVariance(_ link: Link) -> Double { BetweenShare.latentVariance(family: .binomial, link: link) ?? .nan }

    public static func warnings(_ a: PanelGLMMAnalysis) -> [String] { a.glmm.fit.warnings }

    /// A panel GLMM's text: the GLMM's summary, the groups' shares of the deviance explained
    /// beyond the unit's random intercept with their Wald χ² tests, then the panel part.
    public static func text(_ a: PanelGLMMAnalysis, source: String? = nil, top: Int = 5, unit: String = "councils") -> String {
        let d = a.split
        var o = GLMMSummary.text(a.glmm, source: source)
        o += GLMMExplainSummary.shares(d, tests: a.groupTests, beyond: "the \(unit)' random intercepts", only: "random intercepts")
        o += "Baseline on the link scale (\(a.glmm.fit.link.rawValue)): \(NumberFormat.significant(d.baseline, 6)); "
        o += "levels, persistent and transient parts are on the response scale through the inverse link.\n"
        return o + panelText(a, top: top, unit: unit)
    }

    /// A panel explanation in JSON.
    struct Panel<Fit: Encodable & Sendable>: Encodable, Sendable {
        struct Setting: Encodable, Sendable {
            let unit, time: String
            let periods: [String]
            let units: Int
        }
        struct Share: Encodable, Sendable { let estimate, low, high, level: JSONNumber }
        struct Bootstrap: Encodable, Sendable { let replicates: Int, seed: UInt64 }
        struct Totals: Encodable, Sendable {
            let above, below: JSONNumber
            let countAbove, countBelow: Int
            init(_ t: PanelPoundTotals) {
                above = JSONNumber(t.above)
                below = JSONNumber(t.below)
                countAbove = t.countAbove
                countBelow = t.countBelow
            }
        }
        struct PeriodTotals: Encodable, Sendable {
            let period: String
            let totals: Totals
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(period, forKey: .period)
                try totals.encode(to: encoder)
            }
            enum Key: String, CodingKey { case period }
        }
        struct PoundTotals: Encodable, Sendable {
            let periods: [PeriodTotals]
            let persistent: Totals
        }
        struct Unit: Encodable, Sendable {
            let unit, label: String
            let persistent, sd, low, high: JSONNumber
            let rank, rankLow, rankHigh, periodsAbove, periodsBelow: Int
            let trend: JSONNumber
            let bootLow, bootHigh: JSONNumber?
            /// Through a GLMM: the effect a period on the response scale, and its interval.
            var response: JSONNumber? = nil
            var responseLow: JSONNumber? = nil
            var responseHigh: JSONNumber? = nil
        }
        let fit: Fit
        let panel: Setting
        let betweenShare, withinShare: Share
        let periodRankCorrelations: [JSONNumber]
        let topKept: [Int]
        let draws: Int
        let seed: UInt64
        let persistentBootstrap: JSONNullable<Bootstrap>
        let groups: [GroupJSON]
        let unexplainedShare: JSONNumber
        /// A linear panel's subsets of groups with their marginal R²; a GLMM's deviance explained.
        var subsetRSquared: [ExplainSummary.Explanation.Subset]? = nil
        var subsetDevianceExplained: [JSONNumber]? = nil
        var devianceExplained: JSONNumber? = nil
        var baselineLink: JSONNumber? = nil
        let poundTotals: JSONNullable<PoundTotals>
        let units: [Unit]
    }

    /// The parts every panel's JSON has.
    static func document<Fit>(_ a: some PanelExplanation, fit: Fit, groups: [GroupJSON], unexplained: Double) -> Panel<Fit> {
        let level = a.request.explain.fit.level
        let u = a.units, d = a.decomposition
        let summary = a.ranks.summary(level: level)
        var totals: Panel<Fit>.PoundTotals? = nil
        if let periods = a.periodTotals, let persistent = a.persistentTotals {
            totals = .init(periods: periods.map { .init(period: $0.period, totals: .init($0.totals)) }, persistent: .init(persistent))
        }
        return Panel(
            fit: fit,
            panel: .init(unit: a.request.panel, time: a.request.time, periods: u.periods, units: d.units.count),
            betweenShare: .init(estimate: JSONNumber(a.share.estimate), low: JSONNumber(a.share.low), high: JSONNumber(a.share.high), level: JSONNumber(level)),
            withinShare: .init(estimate: JSONNumber(1 - a.share.estimate), low: JSONNumber(1 - a.share.high), high: JSONNumber(1 - a.share.low),
                               level: JSONNumber(level)),
            periodRankCorrelations: u.periodCorrelations.json, topKept: u.topKept, draws: a.ranks.draws, seed: a.ranks.seed,
            persistentBootstrap: JSONNullable(a.bootstrap.map { .init(replicates: $0.replicates, seed: $0.seed) }),
            groups: groups, unexplainedShare: JSONNumber(unexplained),
            poundTotals: JSONNullable(totals),
            units: d.units.indices.map { k in
                let b = d.unitEffect[k], sd = d.unitSD[k]
                var unit = Panel<Fit>.Unit(unit: d.units[k], label: a.unitLabels[k], persistent: JSONNumber(b), sd: JSONNumber(sd),
                                           low: JSONNumber(b - a.z * sd), high: JSONNumber(b + a.z * sd), rank: u.persistentRank[k],
                                           rankLow: summary[k].low, rankHigh: summary[k].high, periodsAbove: u.periodsAbove[k],
                                           periodsBelow: u.periodsBelow[k], trend: JSONNumber(u.trend[k]),
                                           bootLow: a.bootstrap.map { JSONNumber($0.low[k]) }, bootHigh: a.bootstrap.map { JSONNumber($0.high[k]) })
                if d.link != nil {
                    unit.response = JSONNumber(a.persistentAmount(unit: k, effect: b, scaled: false))
                    unit.responseLow = JSONNumber(a.persistentAmount(unit: k, effect: b - a.z * sd, scaled: false))
                    unit.responseHigh = JSONNumber(a.persistentAmount(unit: k, effect: b + a.z * sd, scaled: false))
                }
                return unit
            })
    }

    /// The JSON summary: the mixed model's fields, then `panel` (unit and period columns,
    /// periods, units), `between_share` and `within_share` (estimate, low, high, level), `period_rank_correlations`,
    /// `top_kept` (per period), `draws`, `seed`, `persistent_bootstrap` (replicates and seed, or
    /// null), `groups` (each `name, justified, terms, share` (of the marginal R²), `test` (F),
    /// `statistic, num_df, den_df, p_value` (the joint F test, Satterthwaite df)), `unexplained_share`,
    /// `subset_r_squared`, `pound_totals` (with --scale: per period and for the persistent
    /// effects a year, `above, below, count_above, count_below`; else null), and `units` (each
    /// `unit, label, persistent, sd, low, high, rank, rank_low, rank_high, periods_above,
    /// periods_below, trend`, and `boot_low, boot_high` with the bootstrap).
    public static func json(_ a: PanelAnalysis) throws -> String {
        let level = a.request.explain.fit.level
        let groups = a.decomposition.grouping.groups
        var doc = document(a, fit: MixedSummary.document(fit: a.fit, satterthwaite: a.satterthwaite, level: level, kind: .panel),
                           groups: groups.enumerated().map { g, group in
                               let t = a.groupTests[g]
                               return GroupJSON(name: group.name, justified: group.justified, terms: group.terms, share: JSONNumber(a.shares.shares[g]),
                                                test: GroupTestJSON(f: t.f, numDf: t.numeratorDF, denDf: t.denominatorDF, pValue: t.pValue))
                           }, unexplained: a.shares.unexplained)
        doc.subsetRSquared = a.shares.subsetRSquared.indices.map { k in
            .init(groups: groups.indices.filter { k & (1 << $0) != 0 }.map { groups[$0].name }, rSquared: JSONNumber(a.shares.subsetRSquared[k]))
        }
        return try JSONOutput.text(doc)
    }

    /// A panel GLMM's JSON: as a linear panel's, with `fit` the GLMM's (kind `panel`), groups
    /// with their shares of the deviance explained and Wald χ² tests, `deviance_explained`,
    /// `subset_deviance_explained` and `baseline_link` instead of `subset_r_squared`, the
    /// between share on the latent scale (null where the link has none), and each unit's
    /// `persistent, sd, low, high` on the link scale with `response, response_low,
    /// response_high` (the amount a period on the response scale).
    public static func json(_ a: PanelGLMMAnalysis) throws -> String {
        let d = a.split, groups = d.grouping.groups
        var doc = document(a, fit: GLMMSummary.document(a.glmm, kind: .panel),
                           groups: groups.enumerated().map { g, group in
                               GroupJSON(name: group.name, justified: group.justified, terms: group.terms, share: JSONNumber(d.shares[g]),
                                         test: GroupTestJSON(a.groupTests[g]))
                           }, unexplained: 1 - d.devianceExplained)
        doc.subsetDevianceExplained = d.subsetDevianceExplained.json
        doc.devianceExplained = JSONNumber(d.devianceExplained)
        doc.baselineLink = JSONNumber(d.baseline)
        return try JSONOutput.text(doc)
    }

    /// The panel as a workbook: the council-years (`--out`'s table), the units
    /// (`--persistent-out`'s), and a summary sheet with the provenance, the groups' shares and F
    /// tests, the between share and the fixed effects.
    public static func workbook(_ a: PanelAnalysis, unit: String = "councils", publication: Publication = Publication()) throws -> [UInt8] {
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
        return try workbook(a, provenance: provenance, coefficients: common.coefficientTable, unit: unit, publication: publication,
                            response: a.fit.design.fixed.responseLabel)
    }

    /// A panel GLMM as a workbook: as a linear panel's, with the family and link, the groups'
    /// shares of the deviance explained and Wald χ² tests, and the between share on the latent
    /// scale with its interval.
    public static func workbook(_ a: PanelGLMMAnalysis, unit: String = "councils", publication: Publication = Publication()) throws -> [UInt8] {
        let common = GLMMSummary.common(a.glmm, kind: .panel)
        var provenance = GLMMExplainSummary.provenance(a.glmm, common: common, split: a.split, tests: a.groupTests)
        provenance.rows.append(("Unexplained share (random intercepts and residual deviance)", .finite(1 - a.split.devianceExplained)))
        provenance.rows.append(("Between-\(unit) share on the latent scale (low, high)",
                                .text("\(NumberFormat.significant(a.share.estimate, 6)) (\(NumberFormat.significant(a.share.low, 6)), \(NumberFormat.significant(a.share.high, 6)))")))
        return try workbook(a, provenance: provenance, coefficients: common.coefficientTable, unit: unit, publication: publication,
                            response: nil)
    }

    /// The unit-periods and units sheets with a summary sheet.
    static func workbook(_ a: some PanelExplanation, provenance: Provenance, coefficients: OutputTable, unit: String,
                         publication: Publication, response: String?) throws -> [UInt8] {
        let one = unit == "councils" ? "Council" : "Unit"
        let exclusions = a.droppedRows.map { r in Exclusion(id: r.row < a.data.ids.count ? a.data.ids[r.row] : "row \(r.row + 1)", label: "", reason: r.reason) }
        let settings = ["Rank intervals: \(a.ranks.draws) draws of every unit's effect from its conditional distribution, seed \(a.ranks.seed)."]
            + (a.bootstrap.map { ["Persistent effects' bootstrap: \($0.replicates) parametric refits, seed \($0.seed)."] } ?? [])
        // Rows stay in the panel's order (unit, then period); the units sheet is sorted by its persistent rank.
        let layout = response.map { SheetLayout.explanation(response: $0, labels: publication.labels) } ?? SheetLayout(labels: publication.labels)
        var periods = layout
        periods.sortBy = nil
        return try XLSXWriter.data(sheets: [("\(one)-periods", a.rowsTable()), ("\(one)s", a.unitsTable())],
                                   provenance: provenance.with(publication, exclusions: exclusions, settings: settings),
                                   extra: coefficients, layouts: [periods, layout])
    }
}
