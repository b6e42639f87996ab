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
                              unit: String = "councils") -> String {
        let esc = SVGCharts.escape
        let d = a.decomposition, f = a.mixed.fit
        let groups = d.grouping.groups
        let names = a.mixed.data.labels ?? a.mixed.data.ids
        let rows = f.design.fixed.rows
        var h = HTMLReport.pageStart(title: title, outputs: "the CSV")
        h += HTMLReport.modelNavigation
        h += "<section id=\"summary\"><h2>Model</h2><pre>\(esc(MixedExplainSummary.text(a, source: a.mixed.data.table.source)))</pre></section>\n"
        let shareLabels = groups.map { "\($0.name) (\($0.justified ? "justified" : "unjustified"))" } + ["unexplained"]
        let shareValues = a.shares.shares.map { 100 * $0 } + [100 * a.shares.unexplained]
        let colours = groups.map { $0.justified ? "#4d9221" : "#c51b7d" } + ["#999999"]
        h += """
            <section id=\"shares\"><h2>Shares of the variation</h2><p>Shapley values of the fixed part's \
            marginal R² (Nakagawa and Schielzeth) over the groups, each subset refitted; the random \
            effects' variance and the residual's are the unexplained share.</p>\n
            """
        h += SVGCharts.bars(id: "chart-shares", title: "Shares of the variation", labels: shareLabels, values: shareValues, colours: colours)
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
        let effects = groups.indices.map { d.effect(group: $0) }
        var data = "{\"groups\":[" + groups.map { "{\"name\":\(JSONSummary.string($0.name)),\"justified\":\($0.justified)}" }.joined(separator: ",") + "],"
        data += "\"councils\":["
        data += rows.enumerated().map { i, r in
            "{\"id\":\(JSONSummary.string(a.mixed.data.ids[r])),\"label\":\(JSONSummary.string(names[r])),\"baseline\":\(JSONSummary.number(d.baseline)),"
                + "\"effects\":[" + effects.map { JSONSummary.number($0[i]) }.joined(separator: ",") + "],"
                + "\"residual\":\(JSONSummary.number(d.residual[i])),\"observed\":\(JSONSummary.number(d.observed[i]))}"
        }.joined(separator: ",")
        data += "]}"
        h += HTMLReport.waterfallSection(data: data, intro: """
            From the baseline (the mean level), each group's effect (its fixed part and the random \
            effects it names), then the residual, to the observed value. Green: justified; purple: \
            unjustified.
            """)
        return h + HTMLReport.tableSection(table, unit: unit)
    }
}
