import Varex

/// `report --family` with random-effect terms: the self-contained page of ``HTMLReport`` for a
/// GLMM's explanation — the model, the groups' shares of the deviance explained beyond the
/// random terms, a funnel (observed over the population-level expected counts, for a count
/// family; or the funnel asked for), the rank intervals (from draws of the fixed effects and
/// conditional modes), a waterfall on the response scale and the full table.
public enum GLMMHTMLReport {
    /// The explain table with the rank-interval columns inserted before `note`.
    public static func table(_ a: GLMMExplainAnalysis, bootstrap: RankBootstrap, level: Double, ten: Int = 10) -> OutputTable {
        a.output.inserting(RankTable.intervalColumns(bootstrap: bootstrap, rows: a.glmm.fit.design.fixed.rows, rowCount: a.glmm.data.ids.count,
                                                     level: level, ten: ten))
    }

    public static func render(_ a: GLMMExplainAnalysis, bootstrap: RankBootstrap, table: OutputTable,
                              funnel: (analysis: FunnelAnalysis, indicator: String)?, title: String, level: Double,
                              unit: String = "councils", publication p: Publication = Publication()) -> String {
        let d = a.decomposition, f = a.glmm.fit
        let groups = d.grouping.groups
        let names = a.glmm.data.labels ?? Array(a.glmm.data.ids)
        let rows = f.design.fixed.rows
        let data = GLMHTMLReport.responseWaterfall(groups: groups, ids: RowIDs(rows.map { a.glmm.data.ids[$0] }), labels: rows.map { names[$0] },
                                                   baseline: d.baseline, offset: d.offset, effects: groups.indices.map { d.effect(group: $0) },
                                                   observed: d.observed, fitted: d.fitted, link: f.link)
        let page = ExplanationPage(
            title: title, unit: unit, level: level, publication: p, response: f.design.fixed.responseLabel,
            fit: { "Beyond the random terms, the groups explain \(NumberFormat.fixed(100 * d.devianceExplained, decimals: 1))% of the deviance of \($0) between the \(rows.count) \(unit) the GLMM (\(f.family.rawValue), \(f.link.rawValue) link) was fitted to (1 − D(groups) / D(random terms only))." },
            sharesOf: "the deviance explained", groups: groups, shares: d.shares, unexplained: 1 - d.devianceExplained,
            rowLabels: rows.map { names[$0] }, ranks: a.ranks, unjustified: d.unjustified,
            scale: a.scaleValues, bootstrap: bootstrap,
            higherIsBetter: a.request.rankingHigherIsBetter, warnings: a.justifiedWarnings,
            ranksHow: bootstrap.drawnDescription.how,
            funnel: HTMLReport.funnelSection(funnel, labels: names, publication: p),
            waterfall: (data, """
                On the response scale: from the baseline (the inverse link of the mean linear predictor, \
                with the row's offset), each group's step (its fixed part and the random effects it names) \
                as the groups join in the order given (effects add on the link scale, so a step depends on \
                that order), then observed − fitted, to the observed value. Green: justified; purple: \
                unjustified.
                """, nil),
            model: GLMMExplainSummary.text(a, source: a.glmm.data.table.source), table: table,
            settings: bootstrap.drawnDescription.settings)
        return page.render()
    }
}
