import Varex

/// The three views as one HTML page: what each says and how far they agree; efficiency against
/// spend for DEA and the frontier; a chosen council's peers and targets; the DEA frontier drawn
/// where it lies in two dimensions (one output, no need, variable or constant returns); the
/// regression's ranks against DEA's; the full table.
public enum TriangulationReport {
    public static func render(_ a: TriangulationAnalysis, table: OutputTable, council: String?) throws -> String {
        let esc = SVGCharts.escape, r = a.request
        let names = a.rows.map { (a.labels?[$0] ?? a.ids[$0]) }
        let n = a.rows.count
        let c = a.rankCorrelations, ranks = a.ranks, scores = a.scores
        let chosen: Int?
        if let council {
            guard let k = a.rows.indices.first(where: { a.ids[a.rows[$0]] == council || names[$0] == council }) else {
                throw FrontierError.invalidSetting("no council '\(council)' among the \(n) the three views use (give its id or its label)")
            }
            chosen = k
        } else {
            chosen = nil
        }
        func f(_ x: Double) -> String { NumberFormat.fixed(x, decimals: 2) }
        var h = HTMLReport.pageStart(title: "Three views of \(r.spend): the regression, DEA and a cost frontier", outputs: "the CSV")
        h += "<nav><a href=\"#views\">Views</a> · <a href=\"#efficiency\">Efficiency and spend</a> · <a href=\"#peers\">Peers</a> · "
        h += "<a href=\"#frontier\">Frontier</a> · <a href=\"#ranks\">Ranks</a> · <a href=\"#table\">Table</a></nav>\n"
        h += "<section id=\"views\"><h2>How far the three views agree</h2>"
        h += "<p>Over \(n) units, need \(esc(r.need)): the regression ranks by spend less what need predicts, DEA by how little spend "
        h += "achieves their outcomes (\(esc(r.outputs.joined(separator: ", ")))\(r.deaNeeds.isEmpty ? "" : ", never compared with less " + esc(r.deaNeeds.joined(separator: ", ")))), "
        h += "the cost frontier by the inefficiency it reads in their spend. Spearman's rank correlations: regression and DEA \(f(c.regressionDEA)), "
        h += "regression and frontier \(f(c.regressionFrontier)), DEA and frontier \(f(c.deaFrontier)). Rank 1 is the best in every view.</p></section>\n"
        let dea = scores.dea, sfa = scores.frontier, spend = a.explain.rows.observed
        let named = Set(chosen.map { k in [k] + a.dea.dea.peers[k].map(\.unit) } ?? [])
        h += "<section id=\"efficiency\"><h2>Efficiency against spend</h2>"
        h += SVGCharts.scatter(id: "chart-dea", title: "DEA efficiency against spend",
                               description: "DEA efficiency\(a.dea.bootstrap == nil ? "" : " (bias-corrected)") against \(r.spend) for \(n) units",
                               labels: names, x: spend, y: dea, xLabel: Labels().variable(r.spend), yLabel: "DEA efficiency\(a.dea.bootstrap == nil ? "" : " (bias-corrected)")", named: named)
        h += SVGCharts.scatter(id: "chart-sfa", title: "Cost efficiency against spend", description: "Cost efficiency E[exp(−u)|e] against \(r.spend) for \(n) units",
                               labels: names, x: spend, y: sfa, xLabel: Labels().variable(r.spend), yLabel: "Cost efficiency (frontier cost / spend)", named: named)
        h += "</section>\n<section id=\"peers\"><h2>Peers</h2>"
        if let k = chosen {
            let data = a.dea.dea.data
            h += "<p>\(esc(names[k])): DEA efficiency \(NumberFormat.significant(a.dea.dea.efficiency[k], 4)), rank \(ranks.dea[k]); "
            h += "regression rank \(ranks.regression[k]), frontier rank \(ranks.frontier[k]). Its peers, whose combination (weights λ) "
            h += "achieves at least its outcomes\(r.deaNeeds.isEmpty ? "" : " with at least its need") on the least spend:</p>"
            h += "<div class=\"scroll\"><table id=\"peers-table\"><thead><tr><th>Unit</th><th>λ</th><th>\(esc(r.spend))</th>"
            h += data.outputNames.map { "<th>\(esc($0))</th>" }.joined() + data.needNames.map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead><tbody>"
            func row(_ name: String, _ lambda: String, _ u: Int) -> String {
                "<tr><td>\(esc(name))</td><td class=\"num\">\(lambda)</td><td class=\"num\">\(NumberFormat.significant(data.inputs[u][0], 5))</td>"
                    + data.outputs[u].map { "<td class=\"num\">\(NumberFormat.significant($0, 4))</td>" }.joined()
                    + data.needs[u].map { "<td class=\"num\">\(NumberFormat.significant($0, 4))</td>" }.joined() + "</tr>"
            }
            h += row(names[k] + " (itself)", "", k)
            for p in a.dea.dea.peers[k] { h += row(names[p.unit], NumberFormat.significant(p.weight, 4), p.unit) }
            let target = a.dea.dea.inputTargets[k][0]
            h += "</tbody></table></div><p>Its target: spend \(NumberFormat.significant(target, 5)) for its outcomes "
            h += "(\(NumberFormat.significant(data.inputs[k][0] - target, 5)) less than it spends).</p>"
        } else {
            h += "<p>Give <code>--council</code> (an id or a label) to see one council's peers and target here, and them marked in the charts.</p>"
        }
        h += "</section>\n<section id=\"frontier\"><h2>The frontier</h2>"
        if r.outputs.count == 1 && r.deaNeeds.isEmpty && (r.returns == .variable || r.returns == .constant) {
            let y = a.dea.dea.data.outputs.map { $0[0] }
            let onFrontier = (0..<n).filter { abs(a.dea.dea.efficiency[$0] - 1) < 1e-9 }.sorted { (spend[$0], -y[$0]) < (spend[$1], -y[$1]) }
            var line: [(x: Double, y: Double)] = []
            if r.returns == .constant, let best = (0..<n).max(by: { y[$0] / spend[$0] < y[$1] / spend[$1] }) {
                let xs = spend.max()!
                line = [(0, 0), (xs, xs * y[best] / spend[best])]
            } else if let first = onFrontier.first, let last = onFrontier.last {
                line = [(spend[first], y.min()!)] + onFrontier.map { (spend[$0], y[$0]) } + [(spend.max()!, y[last])]
            }
            h += "<p>Spend against \(esc(r.outputs[0])); the line is DEA's frontier (\(r.returns.rawValue) returns): the least spend for each outcome.</p>"
            h += SVGCharts.scatter(id: "chart-frontier", title: "DEA frontier", description: "\(r.outputs[0]) against \(r.spend) with the DEA frontier through \(onFrontier.count) efficient units",
                                   labels: names, x: spend, y: y, xLabel: Labels().variable(r.spend), yLabel: Labels().variable(r.outputs[0]), named: Set(onFrontier), line: line)
        } else {
            h += "<p>With \(r.outputs.count) output\(r.outputs.count == 1 ? "" : "s")\(r.deaNeeds.isEmpty ? "" : " and a need") the frontier has more than "
            h += "two dimensions and is not drawn; the peers above are the part of it that faces one council.</p>"
        }
        h += "</section>\n<section id=\"ranks\"><h2>Ranks</h2>"
        h += SVGCharts.scatter(id: "chart-ranks", title: "Regression rank against DEA rank",
                               description: "Each unit's rank by the regression (x) and by DEA (y), 1 = best; Spearman's correlation \(f(c.regressionDEA))",
                               labels: names, x: ranks.regression.map(Double.init), y: ranks.dea.map(Double.init),
                               xLabel: "Regression rank (1 = lowest unjustified spend)", yLabel: "DEA rank (1 = most efficient)", named: named)
        h += "</section>\n"
        return h + HTMLReport.tableSection(table, unit: "units")
    }
}
