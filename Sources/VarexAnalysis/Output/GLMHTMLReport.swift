import Varex

/// `report --family`: the self-contained page of ``HTMLReport`` for a GLM's explanation — the
/// model, the groups' shares of the deviance explained, a risk-adjusted funnel (observed over
/// the model's expected counts, for a count family; or the funnel asked for), the rank
/// intervals, a waterfall on the response scale and the full table.
public enum GLMHTMLReport {
    /// The explain table with the rank-interval columns inserted before `note`.
    public static func table(_ a: GLMExplainAnalysis, bootstrap: RankBootstrap, level: Double, ten: Int = 10) -> OutputTable {
        a.output.inserting(RankTable.intervalColumns(bootstrap: bootstrap, rows: a.glm.fit.design.rows, rowCount: a.glm.data.ids.count,
                                                     level: level, ten: ten))
    }

    public static func render(_ a: GLMExplainAnalysis, bootstrap: RankBootstrap, table: OutputTable,
                              funnel: (analysis: FunnelAnalysis, indicator: String)?, title: String, level: Double,
                              unit: String = "councils") -> String {
        let esc = SVGCharts.escape
        let d = a.decomposition, f = a.glm.fit
        let groups = d.grouping.groups
        let names = a.glm.data.labels ?? a.glm.data.ids
        let usedLabels = f.design.rows.map { names[$0] }
        var h = HTMLReport.pageStart(title: title, outputs: "the CSV")
        h += HTMLReport.modelNavigation
        h += "<section id=\"summary\"><h2>Model</h2><pre>\(esc(GLMSummary.text(a.glm)))</pre></section>\n"

        let shareLabels = groups.map { "\($0.name) (\($0.justified ? "justified" : "unjustified"))" } + ["unexplained"]
        let shareValues = d.shares.map { 100 * $0 } + [100 * (1 - d.devianceExplained)]
        let colours = groups.map { $0.justified ? "#4d9221" : "#c51b7d" } + ["#999999"]
        h += """
            <section id=\"shares\"><h2>Shares of the deviance explained</h2><p>Shapley values of \
            1 − deviance / null deviance over the groups (a GLM refitted for every subset); they add \
            up to \(NumberFormat.fixed(100 * d.devianceExplained, decimals: 1))%.</p>\n
            """
        h += SVGCharts.bars(id: "chart-shares", title: "Shares of the deviance explained", labels: shareLabels, values: shareValues,
                            colours: colours)
        h += "</section>\n"

        h += "<section id=\"funnel\"><h2>Funnel plot</h2>"
        if let funnel {
            let p = funnel.analysis.plot
            let what = funnel.analysis.counts == nil ? funnel.indicator : "observed / expected"
            h += """
                <p>\(esc(what)) against \(esc(funnel.analysis.denominators?.name ?? "its precision (1 / SE²)")); target \
                \(NumberFormat.significant(p.target, 5)), φ = \(NumberFormat.significant(p.phi, 4)), \
                τ² = \(NumberFormat.significant(p.tau2, 4)), overdispersion: \(p.overdispersion.rawValue). \
                Red points lie outside a control limit.</p>
                """
            let dn = funnel.analysis.denominators
            h += SVGCharts.funnel(id: "chart-funnel", title: "Funnel plot of \(what)", plot: p,
                                  labels: funnel.analysis.rows.map { names[$0] }, denominators: dn?.values,
                                  xLabel: dn?.name ?? "precision (1 / SE²)", yLabel: what)
        } else {
            h += "<p>No funnel plot: the \(esc(f.family.rawValue)) family does not count events; give <code>--funnel-indicator</code> and its precision.</p>"
        }
        h += "</section>\n"

        let summary = bootstrap.summary(level: level)
        h += """
            <section id=\"ranks\"><h2>Rank intervals</h2><p>\(bootstrap.replicates) bootstrap \
            replicates (rows resampled, the GLM refitted; seed \(bootstrap.seed)); points are median \
            ranks, bars the \(NumberFormat.significant(level * 100, 4))% intervals. Rank 1 is the \
            \(a.request.rankingHigherIsBetter ? "lowest" : "highest") unjustified amount.</p>\n
            """
        h += SVGCharts.caterpillar(id: "chart-ranks", title: "Rank intervals", labels: usedLabels, rank: a.ranks,
                                   median: summary.map(\.median), low: summary.map(\.low), high: summary.map(\.high))
        h += "</section>\n"

        let data = responseWaterfall(groups: groups, ids: f.design.rows.map { a.glm.data.ids[$0] }, labels: usedLabels,
                                     baseline: d.baseline, offset: d.offset, effects: d.effects, observed: d.observed, fitted: d.fitted,
                                     link: f.link)
        h += HTMLReport.waterfallSection(data: data, intro: """
            On the response scale: from the baseline (the inverse link of the mean linear predictor, \
            with the row's offset), each group's step as the groups join in the order given (a GLM's \
            effects add on the link scale, so a step depends on that order), then observed − fitted, \
            to the observed value. Green: justified; purple: unjustified.
            """)
        return h + HTMLReport.tableSection(table, unit: unit)
    }

    /// The waterfall's data on the response scale: g⁻¹(baseline + offset), then each group's
    /// step as the groups join in order on the link scale (`effects[g][i]`), then observed −
    /// fitted.
    static func responseWaterfall(groups: [TermGroup], ids: [String], labels: [String], baseline: Double, offset: [Double],
                                  effects: [[Double]], observed: [Double], fitted: [Double], link: Link) -> String {
        var data = "{\"groups\":[" + groups.map { "{\"name\":\(JSONSummary.string($0.name)),\"justified\":\($0.justified)}" }.joined(separator: ",") + "],"
        data += "\"scale\":\"response\",\"councils\":["
        data += ids.indices.map { i in
            var eta = baseline + offset[i]
            let start = link.mu(eta)
            var steps: [Double] = []
            for g in groups.indices {
                let before = link.mu(eta)
                eta += effects[g][i]
                steps.append(link.mu(eta) - before)
            }
            return "{\"id\":\(JSONSummary.string(ids[i])),\"label\":\(JSONSummary.string(labels[i])),\"baseline\":\(JSONSummary.number(start)),"
                + "\"effects\":[" + steps.map(JSONSummary.number).joined(separator: ",") + "],"
                + "\"residual\":\(JSONSummary.number(observed[i] - fitted[i])),\"observed\":\(JSONSummary.number(observed[i]))}"
        }.joined(separator: ",")
        return data + "]}"
    }
}
