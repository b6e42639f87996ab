import Varex

/// `report` with random-effect terms: the self-contained page of ``HTMLReport`` for a mixed
/// model's explanation — the model, the groups' shares of the fixed part's marginal R², the
/// funnel asked for, the rank intervals (from draws of the fixed effects and conditional
/// modes), a waterfall (baseline, each group's effect with the random terms it names, the
/// residual) and the full table.
public enum MixedHTMLReport {
    /// The explain table with the rank-interval columns inserted before `note`.
    public static func table(_ a: MixedExplainAnalysis, bootstrap: RankBootstrap, level: Double, ten: Int = 10) -> OutputTable {
        a.output.inserting(RankTable.intervalColumns(bootstrap: bootstrap, rows: a.mixed.fit.design.fixed.rows, rowCount: a.mixed.data.ids.count,
                                                     level: level, ten: ten))
    }

    public static func render(_ a: MixedExplainAnalysis, bootstrap: RankBootstrap, table: OutputTable,
                              funnel: (analysis: FunnelAnalysis, indicator: String)?, title: String, level: Double,
                              unit: String = "councils", publication p: Publication = Publication()) -> String {
        let d = a.decomposition, f = a.mixed.fit
        let groups = d.grouping.groups
        let names = a.mixed.data.labels ?? Array(a.mixed.data.ids)
        let rows = f.design.fixed.rows
        let effects = groups.indices.map { d.effect(group: $0) }
        var data = "{\"groups\":[" + groups.map { "{\"name\":\(JSONSummary.string($0.name)),\"justified\":\($0.justified)}" }.joined(separator: ",") + "],"
        data += "\"councils\":["
        data += rows.enumerated().map { i, r in
            "{\"id\":\(JSONSummary.string(a.mixed.data.ids[r])),\"label\":\(JSONSummary.string(names[r])),\"baseline\":\(JSONSummary.number(d.baseline)),"
                + "\"effects\":[" + effects.map { JSONSummary.number($0[i]) }.joined(separator: ",") + "],"
                + "\"residual\":\(JSONSummary.number(d.residual[i])),\"observed\":\(JSONSummary.number(d.observed[i]))}"
        }.joined(separator: ",")
        data += "]}"
        let page = ExplanationPage(
            title: title, unit: unit, level: level, publication: p, response: f.design.fixed.responseLabel,
            fit: { "The model's fixed part explains \(NumberFormat.fixed(100 * (1 - a.shares.unexplained), decimals: 1))% of the variation in \($0) between the \(rows.count) \(unit) it was fitted to (marginal R², Nakagawa and Schielzeth); the random effects' variance and the residual's are the unexplained share." },
            sharesOf: "the variation", groups: groups, shares: a.shares.shares, unexplained: a.shares.unexplained,
            rowLabels: rows.map { names[$0] }, ranks: a.ranks, unjustified: d.unjustified,
            scale: a.scaleValues, bootstrap: bootstrap,
            higherIsBetter: a.request.rankingHigherIsBetter, warnings: a.justifiedWarnings,
            ranksHow: bootstrap.drawnDescription.how,
            funnel: HTMLReport.funnelSection(funnel, labels: names, publication: p),
            waterfall: (data, """
                From the baseline (the mean level), each group's effect (its fixed part and the random \
                effects it names), then the residual, to the observed value. Green: justified; purple: \
                unjustified.
                """, nil),
            model: MixedExplainSummary.text(a, source: a.mixed.data.table.source), table: table,
            settings: bootstrap.drawnDescription.settings)
        return page.render()
    }
}
