import Varex

/// The per-unit table of a value view, every row of the file in place: spend and its
/// need-adjusted value with the interval, the outcome index and its need-adjusted value with
/// the interval, the quadrant and how often the draws agree, and both ranks (1 = best) with
/// their intervals.
public enum ValueTable {
    public static let columns = [
        "spend", "adjusted_spend", "adjusted_spend_low", "adjusted_spend_high",
        "outcome_index", "adjusted_outcome", "adjusted_outcome_low", "adjusted_outcome_high",
        "quadrant", "p_quadrant", "p_low_spend_good_outcome",
        "spend_rank", "spend_rank_low", "spend_rank_high", "outcome_rank", "outcome_rank_low", "outcome_rank_high",
    ]

    public static func table(_ a: ValueAnalysis) -> OutputTable {
        let v = a.view
        let cells = (0..<a.rows.count).map { i -> [Cell] in
            [.number(v.data.spend[i]), .number(v.adjustedSpend[i]), .number(v.spendLower[i]), .number(v.spendUpper[i]),
             .number(v.index[i]), .number(v.adjustedOutcome[i]), .number(v.outcomeLower[i]), .number(v.outcomeUpper[i]),
             .text(v.quadrant[i].rawValue), .number(v.quadrantProbability[i]), .number(v.valueProbability[i]),
             .integer(v.spendRank[i]), .integer(v.spendRankLower[i]), .integer(v.spendRankUpper[i]),
             .integer(v.outcomeRank[i]), .integer(v.outcomeRankLower[i]), .integer(v.outcomeRankUpper[i])]
        }
        var table = a.data.perRowTable(columns: columns, used: a.rows, cells: cells, leftOut: a.leftOut)
        // Notes of rows in the view (measures treated as exact) go in the note column, the last.
        let note = table.header.count - 1
        for (u, row) in a.rows.enumerated() where !a.notes[u].isEmpty { table.rows[row][note] = .text(a.notes[u]) }
        return table
    }

    /// A few lines on what the view found, for the terminal.
    public static func summary(_ a: ValueAnalysis) -> String {
        let v = a.view, n = a.rows.count
        let pct = NumberFormat.fixed(100 * v.level, decimals: 0)
        var s = "Value view: \(n) units; need-adjusted \(a.request.spend) against a need-adjusted outcome index of \(a.request.measures.count) measure\(a.request.measures.count == 1 ? "" : "s"); need: \(a.request.need)\n"
        s += "Sampling error: " + a.errorSources.map { "\($0.measure) (\($0.description))" }.joined(separator: "; ") + "\n"
        s += "\(v.draws) draws (seed \(v.seed.map(String.init) ?? "supplied")) of the measures and of both models' coefficients; residual correlation \(NumberFormat.fixed(v.residualCorrelation, decimals: 3))\n"
        for q in ValueQuadrant.allCases {
            let members = (0..<n).filter { v.quadrant[$0] == q }
            let sure = members.filter { v.quadrantProbability[$0] >= v.level }.count
            s += "  \(q.rawValue): \(members.count) (\(sure) in it in at least \(pct)% of draws)\n"
        }
        s += "Median \(pct)% rank interval: outcome \(NumberFormat.significant(v.medianOutcomeRankWidth, 4)) places, spend \(NumberFormat.significant(v.medianSpendRankWidth, 4)) places (rank 1 = best: lowest need-adjusted spend, best need-adjusted outcome)\n"
        if !a.leftOut.isEmpty { s += "\(a.leftOut.count) row\(a.leftOut.count == 1 ? "" : "s") left out: \(TextSummary.reasons(a.leftOut))\n" }
        return s
    }
}
