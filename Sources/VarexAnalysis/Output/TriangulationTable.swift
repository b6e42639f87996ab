import Varex

/// The three views side by side, every row of the file in place: spend; the regression's
/// unjustified spend and its rank; DEA efficiency (corrected, with its interval, with a
/// bootstrap) and its rank; cost efficiency with its interval and rank; each rank with its
/// interval when the draws were asked for. Ranks: 1 = best.
public enum TriangulationTable {
    public static func table(_ a: TriangulationAnalysis) -> OutputTable {
        let n = a.rows.count
        let ranks = a.ranks
        let ols = a.explain.rows, boot = a.rankBootstrap?.summary(level: a.request.level)
        let sw = a.dea.bootstrap, sfa = a.frontier.fit, hs = sfa.efficiencyInterval(level: a.request.level), fr = a.frontier.rankDraws
        var columns = ["spend", "unjustified", "unjustified_rank"]
        if boot != nil { columns += ["unjustified_rank_low", "unjustified_rank_high"] }
        columns += ["dea_efficiency"]
        if sw != nil { columns += ["dea_corrected", "dea_low", "dea_high"] }
        columns += ["dea_rank"]
        if sw != nil { columns += ["dea_rank_low", "dea_rank_high"] }
        columns += ["sfa_efficiency", "sfa_low", "sfa_high", "sfa_rank"]
        if fr != nil { columns += ["sfa_rank_low", "sfa_rank_high"] }
        let cells = (0..<n).map { i -> [Cell] in
            var row: [Cell] = [.number(ols.observed[i]), .number(ols.unjustified[i]), .integer(ranks.regression[i])]
            if let boot { row += [.integer(boot[i].low), .integer(boot[i].high)] }
            row.append(.number(a.dea.dea.efficiency[i]))
            if let sw { row += [.number(sw.corrected[i]), .number(sw.low[i]), .number(sw.high[i])] }
            row.append(.integer(ranks.dea[i]))
            if let sw { row += [.integer(sw.rankLow[i]), .integer(sw.rankHigh[i])] }
            row += [.number(sfa.efficiency[i]), .number(hs[i].low), .number(hs[i].high), .integer(ranks.frontier[i])]
            if let fr { row += [.integer(fr.rankLow[i]), .integer(fr.rankHigh[i])] }
            return row
        }
        return OutputTable.perRow(ids: a.ids, idName: a.idName, labels: a.labels, labelName: a.labelName, columns: columns,
                                  used: a.rows, cells: cells, leftOut: a.leftOut)
    }

    /// What the three views say together, for the terminal.
    public static func summary(_ a: TriangulationAnalysis) -> String {
        let c = a.rankCorrelations, n = a.rows.count, r = a.ranks
        func f(_ x: Double) -> String { NumberFormat.fixed(x, decimals: 3) }
        var s = "Three views of \(a.request.spend) over \(n) units, need: \(a.request.need)\n"
        s += "  regression: unjustified = \(a.request.spend) less what the need terms predict (rank 1 = the lowest)\n"
        s += "  DEA: \(a.request.spend) as the input, \(a.request.outputs.joined(separator: ", ")) as outputs"
        s += a.request.deaNeeds.isEmpty ? "" : ", need \(a.request.deaNeeds.joined(separator: ", "))"
        s += ", \(a.request.returns.rawValue) returns (rank 1 = the most efficient\(a.dea.bootstrap == nil ? "" : ", by the bias-corrected score"))\n"
        s += "  stochastic cost frontier: log(\(a.request.spend)) on the need terms, u half-normal (rank 1 = the most efficient)\n"
        s += "Spearman's rank correlations: regression–DEA \(f(c.regressionDEA)), regression–frontier \(f(c.regressionFrontier)), DEA–frontier \(f(c.deaFrontier))\n"
        let top = max(1, n / 5)
        let all = (0..<n).filter { r.regression[$0] <= top && r.dea[$0] <= top && r.frontier[$0] <= top }
        let names = a.labels.map { l in a.rows.map { l[$0] } } ?? a.rows.map { a.ids[$0] }
        s += "In the top \(top) of all three: \(all.isEmpty ? "none" : all.map { names[$0] }.joined(separator: ", "))\n"
        if !a.leftOut.isEmpty { s += "\(a.leftOut.count) row\(a.leftOut.count == 1 ? "" : "s") left out: \(TextSummary.reasons(a.leftOut))\n" }
        return s
    }
}
