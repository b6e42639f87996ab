/// Ranks as league tables show them.
public enum Ranking {
    /// Competition ranks ("1224"): 1 for the largest value when `descending`, else the smallest;
    /// tied values share the best rank.
    public static func competition(_ values: [Double], descending: Bool) -> [Int] {
        let order = values.indices.sorted { descending ? values[$0] > values[$1] : values[$0] < values[$1] }
        var ranks = [Int](repeating: 0, count: values.count)
        for (position, i) in order.enumerated() {
            if position > 0, values[order[position - 1]] == values[i] { ranks[i] = ranks[order[position - 1]] } else { ranks[i] = position + 1 }
        }
        return ranks
    }
}

/// Which end of a league table is rank 1: the worst unit (the largest unjustified spend, the
/// poorest outcome) or the best.
public enum RankOrder: String, Sendable, CaseIterable {
    case worstFirst = "worst-first", bestFirst = "best-first"
}
