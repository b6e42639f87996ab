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
                              unit: String = "councils", publication p: Publication = Publication()) -> String {
        let d = a.decomposition, f = a.glm.fit
        let groups = d.grouping.groups
        let names = a.glm.data.labels ?? Array(a.glm.data.ids)
        let usedLabels = f.design.rows.map { names[$0] }
        var funnelPart = ""
        if funnel == nil {
            funnelPart = "<section id=\"funnel\"><h2>Funnel plot</h2><p>No funnel plot: the \(SVGCharts.escape(f.family.rawValue)) family does not count events; give <code>--funnel-indicator</code> and its precision.</p></section>\n"
        } else {
            funnelPart = HTMLReport.funnelSection(funnel, labels: names, publication: p)
        }
        let data = responseWaterfall(groups: groups, ids: RowIDs(f.design.rows.map { a.glm.data.ids[$0] }), labels: usedLabels,
                                     baseline: d.baseline, offset: d.offset, effects: d.effects, observed: d.observed, fitted: d.fitted,
                                     link: f.link)
        let page = ExplanationPage(
            title: title, unit: unit, level: level, publication: p, response: f.design.responseLabel,
            fit: { "The model (a \(f.family.rawValue) GLM with a \(f.link.rawValue) link) explains \(NumberFormat.fixed(100 * d.devianceExplained, decimals: 1))% of the deviance of \($0) between the \(f.design.rows.count) \(unit) it was fitted to (1 − deviance / null deviance)." },
            sharesOf: "the deviance explained", groups: groups, shares: d.shares, unexplained: 1 - d.devianceExplained,
            rowLabels: usedLabels, ranks: a.ranks, unjustified: d.unjustified,
            scale: a.scaleValues, bootstrap: bootstrap,
            higherIsBetter: a.request.rankingHigherIsBetter, warnings: a.justifiedWarnings,
            ranksHow: "\(bootstrap.replicates) bootstrap replicates (rows resampled, the GLM refitted; seed \(bootstrap.seed)).",
            funnel: funnelPart,
            waterfall: (data, """
                On the response scale: from the baseline (the inverse link of the mean linear predictor, \
                with the row's offset), each group's step as the groups join in the order given (a GLM's \
                effects add on the link scale, so a step depends on that order), then observed − fitted, \
                to the observed value. Green: justified; purple: unjustified.
                """, nil),
            model: GLMSummary.text(a.glm), table: table,
            settings: ["Rank intervals: \(bootstrap.replicates) bootstrap replicates (rows resampled), seed \(bootstrap.seed)."])
        return page.render()
    }

    /// The waterfall's data on the response scale: g⁻¹(baseline + offset), then each group's
    /// step as the groups join in order on the link scale (`effects[g][i]`), then observed −
    /// fitted.
    static func responseWaterfall(groups: [TermGroup], ids: RowIDs, labels: [String], baseline: Double, offset: [Double],
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
