import Varex

/// The value view as one HTML page: what was asked, the picture of need-adjusted spend against
/// need-adjusted outcome with quadrants and intervals, the outcome rank intervals, notes on the
/// sampling errors and the draws, and the full table.
public enum ValueReport {
    public static func render(_ a: ValueAnalysis, table: OutputTable, labels: [String], outputs: String) -> String {
        let esc = SVGCharts.escape, v = a.view, r = a.request
        let pct = NumberFormat.fixed(100 * v.level, decimals: 0)
        let names = a.rows.map { labels[$0] }
        var h = HTMLReport.pageStart(title: "Outcomes per pound: need-adjusted spend against need-adjusted outcome", outputs: outputs)
        h += "<nav><a href=\"#picture\">Picture</a> · <a href=\"#ranks\">Outcome ranks</a> · <a href=\"#notes\">Notes</a> · <a href=\"#table\">Table</a></nav>\n"
        let good = (0..<a.rows.count).filter { v.quadrant[$0] == .lowSpendGoodOutcome }
        let poor = (0..<a.rows.count).filter { v.quadrant[$0] == .highSpendPoorOutcome }
        let goodSure = good.filter { v.quadrantProbability[$0] >= v.level }, poorSure = poor.filter { v.quadrantProbability[$0] >= v.level }
        h += "<section id=\"picture\"><h2>Who gets more for less, need for need</h2>"
        h += "<p>Each of \(a.rows.count) units' \(esc(r.spend)) and its outcome index (\(r.measures.count) measure\(r.measures.count == 1 ? "" : "s")) "
        h += "are adjusted to average need (\(esc(r.need))) by two regressions. \(good.count) sit in the low-spend, good-outcome corner and "
        h += "\(poor.count) in the high-spend, poor-outcome one; allowing for the measures' sampling error and both regressions' uncertainty, "
        h += "\(goodSure.count) and \(poorSure.count) stay there in at least \(pct)% of \(v.draws) draws (filled and named below).</p>\n"
        h += SVGCharts.value(id: "chart-value", title: "Need-adjusted spend against need-adjusted outcome", labels: names, view: v,
                             xLabel: "\(Labels().variable(r.spend)), adjusted to average need", yLabel: "Outcome index, adjusted to average need (higher is better)")
        h += "</section>\n"
        h += "<section id=\"ranks\"><h2>Outcome ranks and their \(pct)% intervals</h2><p>Rank 1 is the best need-adjusted outcome. "
        h += "The median interval spans \(NumberFormat.significant(v.medianOutcomeRankWidth, 4)) places; for need-adjusted spend (rank 1 = lowest), "
        h += "\(NumberFormat.significant(v.medianSpendRankWidth, 4)).</p>"
        h += SVGCharts.caterpillar(id: "chart-ranks", title: "Outcome rank intervals", labels: names, rank: v.outcomeRank,
                                   median: v.outcomeRankMedian, low: v.outcomeRankLower, high: v.outcomeRankUpper)
        h += "</section>\n<section id=\"notes\"><h2>Notes</h2><ul>"
        h += "<li>Outcome index: \(r.measures.map { "\(esc($0.column)) (\($0.higherIsBetter ? "higher" : "lower") is better)" }.joined(separator: ", ")); "
        h += "normalisation \(r.normalisation.rawValue), weights \(v.data.weights.map { NumberFormat.significant($0, 4) }.joined(separator: ", ")).</li>"
        h += "<li>Sampling error: " + a.errorSources.map { "\(esc($0.measure)): \(esc($0.description))" }.joined(separator: "; ") + ".</li>"
        h += "<li>\(v.draws) draws, seed \(v.seed.map(String.init) ?? "supplied"): each redraws every measure, rebuilds the index, refits "
        h += "its regression and draws both regressions' coefficients jointly (residual correlation \(NumberFormat.fixed(v.residualCorrelation, decimals: 3))).</li>"
        if !a.leftOut.isEmpty { h += "<li>\(a.leftOut.count) left out: \(esc(TextSummary.reasons(a.leftOut))).</li>" }
        h += "</ul></section>\n"
        return h + HTMLReport.tableSection(table, unit: "units")
    }
}
