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
                              unit: String = "councils") -> String {
        let esc = SVGCharts.escape
        let d = a.decomposition, f = a.glmm.fit
        let groups = d.grouping.groups
        let names = a.glmm.data.labels ?? a.glmm.data.ids
        let rows = f.design.fixed.rows
        var h = HTMLReport.pageStart(title: title, outputs: "the CSV")
        h += HTMLReport.modelNavigation
        h += "<section id=\"summary\"><h2>Model</h2><pre>\(esc(GLMMExplainSummary.text(a, source: a.glmm.data.table.source)))</pre></section>\n"
        let shareLabels = groups.map { "\($0.name) (\($0.justified ? "justified" : "unjustified"))" } + ["unexplained"]
        let shareValues = d.shares.map { 100 * $0 } + [100 * (1 - d.devianceExplained)]
        let colours = groups.map { $0.justified ? "#4d9221" : "#c51b7d" } + ["#999999"]
        h += """
            <section id=\"shares\"><h2>Shares of the deviance explained</h2><p>Shapley values of \
            1 − D(S) / D(∅) over the groups, D the deviance of a GLMM refitted with the random terms \
            and the groups S (D(∅): the random terms only); they add up to \
            \(NumberFormat.fixed(100 * d.devianceExplained, decimals: 1))%.</p>\n
            """
        h += SVGCharts.bars(id: "chart-shares", title: "Shares of the deviance explained", labels: shareLabels, values: shareValues,
                            colours: colours)
        h += "</section>\n"
        h += HTMLReport.funnelSection(funnel, labels: names)
        let summary = bootstrap.summary(level: level)
        h += """
            <section id=\"ranks\"><h2>Rank intervals</h2><p>\(bootstrap.replicates) draws of the fixed \
            effects and the conditional modes (seed \(bootstrap.seed)); points are median ranks, bars \
            the \(NumberFormat.significant(level * 100, 4))% intervals. Rank 1 is the \
            \(a.request.rankingHigherIsBetter ? "lowest" : "highest") unjustified amount.</p>\n
            """
        h += SVGCharts.caterpillar(id: "chart-ranks", title: "Rank intervals", labels: rows.map { names[$0] }, rank: a.ranks,
                                   median: summary.map(\.median), low: summary.map(\.low), high: summary.map(\.high))
        h += "</section>\n"
        let data = GLMHTMLReport.responseWaterfall(groups: groups, ids: rows.map { a.glmm.data.ids[$0] }, labels: rows.map { names[$0] },
                                                   baseline: d.baseline, offset: d.offset, effects: groups.indices.map { d.effect(group: $0) },
                                                   observed: d.observed, fitted: d.fitted, link: f.link)
        h += HTMLReport.waterfallSection(data: data, intro: """
            On the response scale: from the baseline (the inverse link of the mean linear predictor, \
            with the row's offset), each group's step (its fixed part and the random effects it names) \
            as the groups join in the order given (effects add on the link scale, so a step depends on \
            that order), then observed − fitted, to the observed value. Green: justified; purple: \
            unjustified.
            """)
        return h + HTMLReport.tableSection(table, unit: unit)
    }
}
