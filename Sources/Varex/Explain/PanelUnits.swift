/// Per unit over the periods of a panel decomposition: mean observed and justified levels, how
/// many periods the unit was above and below its justified level, the trend of its unjustified
/// amount, its rank in each single period and by its persistent effect; and how stable the
/// single-period league tables are.
public struct PanelUnits: Sendable {
    /// The periods, in order (numbers by value, text sorted).
    public let periods: [String]
    /// Each row's period (index into ``periods``).
    public let periodOfRow: [Int]
    /// Per unit, its rows in period order.
    public let rows: [[Int]]
    public let meanObserved: [Double]
    public let meanJustified: [Double]
    /// Periods with observed above (below) the justified level.
    public let periodsAbove: [Int]
    public let periodsBelow: [Int]
    /// The least-squares slope of the unjustified amount on the period number (per period); NaN
    /// for a unit seen in fewer than two periods.
    public let trend: [Double]
    /// The unit's competition rank by its unjustified amount in each period (nil when not seen
    /// that period); rank 1 the highest when higher is worse.
    public let periodRank: [[Int?]]
    /// The competition rank of the persistent effect.
    public let persistentRank: [Int]
    /// Spearman's rank correlation of the unjustified amounts between consecutive periods
    /// (units seen in both).
    public let periodCorrelations: [Double]
    /// For each period: how many of its top `topCount` units are in the top `topCount` by
    /// persistent effect.
    public let topKept: [Int]
    public let topCount: Int

    public init(_ d: PanelDecomposition, periodLabels: [String], numericPeriods: Bool, higherIsBetter: Bool, topCount: Int = 10) {
        var periods = Array(Set(periodLabels))
        if numericPeriods { periods.sort { (NumberParsing.parse($0) ?? 0) < (NumberParsing.parse($1) ?? 0) } } else { periods.sort() }
        let index = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0) })
        let periodOfRow = periodLabels.map { index[$0]! }
        let u = d.units.count, t = periods.count
        var rows = [[Int]](repeating: [], count: u)
        for i in periodOfRow.indices { rows[d.unitOfRow[i]].append(i) }
        for k in 0..<u { rows[k].sort { periodOfRow[$0] < periodOfRow[$1] } }
        let justified = d.justified, unjustified = d.unjustified
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
        meanObserved = rows.map { r in mean(r.map { d.observed[$0] }) }
        meanJustified = rows.map { r in mean(r.map { justified[$0] }) }
        periodsAbove = rows.map { r in r.filter { unjustified[$0] > 0 }.count }
        periodsBelow = rows.map { r in r.filter { unjustified[$0] < 0 }.count }
        trend = rows.map { r in
            guard r.count >= 2 else { return .nan }
            let x = r.map { Double(periodOfRow[$0]) }, y = r.map { unjustified[$0] }
            let mx = mean(x), my = mean(y)
            let sxy = zip(x, y).reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
            let sxx = x.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) }
            return sxy / sxx
        }
        // Single-period league tables.
        var periodRank = [[Int?]](repeating: [Int?](repeating: nil, count: t), count: u)
        var periodValues = [[Double?]](repeating: [Double?](repeating: nil, count: u), count: t)
        for i in periodOfRow.indices { periodValues[periodOfRow[i]][d.unitOfRow[i]] = unjustified[i] }
        for p in 0..<t {
            let seen = (0..<u).filter { periodValues[p][$0] != nil }
            let ranks = Ranking.competition(seen.map { periodValues[p][$0]! }, descending: !higherIsBetter)
            for (k, unit) in seen.enumerated() { periodRank[unit][p] = ranks[k] }
        }
        let persistentRank = Ranking.competition(d.unitEffect, descending: !higherIsBetter)
        periodCorrelations = (0..<max(0, t - 1)).map { p in
            let both = (0..<u).filter { periodValues[p][$0] != nil && periodValues[p + 1][$0] != nil }
            return Spearman.correlation(both.map { periodValues[p][$0]! }, both.map { periodValues[p + 1][$0]! })
        }
        let persistentTop = Set((0..<u).filter { persistentRank[$0] <= topCount })
        topKept = (0..<t).map { p in (0..<u).filter { (periodRank[$0][p] ?? .max) <= topCount && persistentTop.contains($0) }.count }
        self.periods = periods
        self.periodOfRow = periodOfRow
        self.rows = rows
        self.periodRank = periodRank
        self.persistentRank = persistentRank
        self.topCount = topCount
    }
}

/// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their mean rank.
public enum Spearman {
    public static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, a.count >= 2 else { return .nan }
        let ra = ranks(a), rb = ranks(b)
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (ra[i] - ma) * (rb[i] - mb)
            saa += (ra[i] - ma) * (ra[i] - ma)
            sbb += (rb[i] - mb) * (rb[i] - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// Ranks 1…n, ascending, ties averaged.
    static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var r = [Double](repeating: 0, count: x.count)
        var k = 0
        while k < order.count {
            var m = k
            while m + 1 < order.count && x[order[m + 1]] == x[order[k]] { m += 1 }
            for j in k...m { r[order[j]] = Double(k + m) / 2 + 1 }
            k = m + 1
        }
        return r
    }
}
