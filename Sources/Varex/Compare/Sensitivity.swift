#if canImport(Glibc)
import Glibc
#endif

/// How a council's rank moves when the analyst's choices change.
public enum Sensitivity {
    /// Competition ranks, 1 for the largest value (`descending`) or the smallest.
    static func ranks(_ values: [Double], descending: Bool) -> [Int] { ExplainTable.ranks(values, descending: descending) }

    /// Ranks of an outcome index (1 = highest index) under `draws` random weight vectors
    /// Dirichlet(α), α = (chosen weights / their sum) / spread², and under each normalisation
    /// with the chosen weights. Rows without an index get no rank.
    public static func index(table: Table, measures: [Measure], weights: [String: Double], normalisation: Normalisation,
                             draws: Int, spread: Double, seed: UInt64, minimumMeasures: Int = 1) throws -> OutputTable.Columns {
        func index(_ w: [String: Double], _ method: Normalisation) throws -> OutcomeIndex {
            try OutcomeIndex(table: table, measures: measures, weights: w, normalisation: method, minimumMeasures: minimumMeasures)
        }
        let base = try index(weights, normalisation)
        let present = base.index.indices.filter { !base.index[$0].isNaN }
        func ranked(_ idx: OutcomeIndex) -> [Int] {
            let r = ranks(present.map { idx.index[$0] }, descending: true)
            var full = [Int](repeating: 0, count: idx.index.count)
            for (k, i) in present.enumerated() { full[i] = r[k] }
            return full
        }
        try RankBootstrap.checkRequest(replicates: draws, count: base.index.count)
        let alpha = dirichletConcentration(weights: base.weights, spread: spread)
        let n = base.index.count
        // Running counts of each row's rank under the random weights (rank r at r − 1), so
        // memory does not grow with the number of draws.
        var counts = [UInt32](repeating: 0, count: n * n)
        for d in 0..<draws {
            var rng = Xoshiro256(seed: seed, stream: UInt64(d))
            let w = rng.dirichlet(alpha)
            var dict: [String: Double] = [:]
            for (k, m) in measures.enumerated() { dict[m.column] = w[k] }
            let r = ranked(try index(dict, normalisation))
            for i in present { counts[i * n + r[i] - 1] += 1 }
        }
        let byNormalisation = try Normalisation.allCases.map {
            ranked(try index(weights, $0))
        }
        let baseRank = ranked(base)
        var cols = OutputTable.Columns()
        cols.add("rank", baseRank.indices.map { baseRank[$0] == 0 ? .empty : .integer(baseRank[$0]) })
        var lo = [Cell](), hi = [Cell](), q1 = [Cell](), q2 = [Cell]()
        for i in baseRank.indices {
            guard baseRank[i] > 0 else { lo.append(.empty); hi.append(.empty); q1.append(.empty); q2.append(.empty); continue }
            let h = RankHistogram(counts: counts[(i * n)..<((i + 1) * n)])
            let fixed = byNormalisation.map { $0[i] } + [baseRank[i]]
            let drawnMin = draws > 0 ? [h.kthSmallest(1)] : [], drawnMax = draws > 0 ? [h.kthSmallest(draws)] : []
            lo.append(.integer((fixed + drawnMin).min()!)); hi.append(.integer((fixed + drawnMax).max()!))
            if draws == 0 { q1.append(.empty); q2.append(.empty); continue }
            q1.append(.integer(h.quantile(0.025)))
            q2.append(.integer(h.quantile(0.975)))
        }
        cols.add("rank_min", lo)
        cols.add("rank_max", hi)
        cols.add("rank_weights_low", q1)
        cols.add("rank_weights_high", q2)
        for (k, method) in Normalisation.allCases.enumerated() {
            cols.add("rank_\(method.rawValue)", byNormalisation[k].map { $0 == 0 ? .empty : .integer($0) })
        }
        return cols
    }

    /// The Dirichlet parameters around `weights`: α = (w / Σw) / spread², so the draws have mean
    /// w / Σw and each a coefficient of variation of about `spread` (exactly √((1 − p)/(p(1/spread² + 1)))).
    public static func dirichletConcentration(weights: [Double], spread: Double) -> [Double] {
        let total = weights.reduce(0, +)
        return weights.map { $0 / total / (spread * spread) }
    }

    /// The `--sensitivity-out` table: `id, [label,] rank`, each council's ranks under every
    /// assignment of the groups, and `note`, from the analysis's typed values.
    public static func table(_ a: ExplainAnalysis) -> OutputTable {
        var rank = [Cell](repeating: .empty, count: a.ids.count)
        for (i, r) in a.fit.design.rows.enumerated() { rank[r] = .integer(a.rows.ranks[i]) }
        var cells: [[Cell]] = [rank]
        var names = ["rank"]
        let groups = Self.groups(a)
        names += groups.names
        cells += groups.cells
        let table = OutputTable.perRow(ids: a.ids, idName: a.request.fit.id ?? "id", labels: a.run.labels, labelName: a.request.label,
                                       columns: names, used: Array(a.ids.indices), cells: a.ids.indices.map { r in cells.map { $0[r] } },
                                       leftOut: a.fit.design.dropped)
        return table
    }

    /// Ranks of an explain run's unjustified values under every assignment of the groups to
    /// justified or unjustified (2^groups assignments; the residual is always unjustified).
    /// Columns: `rank_min`, `rank_max`, then one `rank_justified_<groups>` per assignment.
    public static func groups(_ a: ExplainAnalysis) -> OutputTable.Columns {
        let d = a.decomposition
        let groups = d.grouping.groups
        var cols = OutputTable.Columns()
        var all: [[Int]] = []
        var names: [String] = []
        for mask in 0..<(1 << groups.count) {
            let justified = d.justified(groups: Set(groups.indices.filter { mask & (1 << $0) != 0 }))
            let unjustified = Unjustified.values(justified: justified, observed: d.observed, retransformed: a.retransformed)
            all.append(ranks(unjustified, descending: !a.request.higherIsBetter))
            let set = groups.indices.filter { mask & (1 << $0) != 0 }.map { groups[$0].name }
            names.append("rank_justified_" + (set.isEmpty ? "none" : set.joined(separator: "+")))
        }
        func spread(_ f: ([Int]) -> Int) -> [Cell] {
            var out = [Cell](repeating: .empty, count: a.ids.count)
            for (i, r) in a.fit.design.rows.enumerated() { out[r] = .integer(f(all.map { $0[i] })) }
            return out
        }
        cols.add("rank_min", spread { $0.min()! })
        cols.add("rank_max", spread { $0.max()! })
        for (k, name) in names.enumerated() { cols.add(name, spread { $0[k] }) }
        return cols
    }
}

extension OutputTable {
    /// Named columns to append to a table (same row count).
    public struct Columns: Sendable {
        public var names: [String] = []
        public var cells: [[Cell]] = []
        public init() {}
        mutating func add(_ name: String, _ column: [Cell]) { names.append(name); cells.append(column) }
    }

    /// This table with `columns` inserted before the trailing `note` column (or appended).
    public func inserting(_ columns: Columns) -> OutputTable {
        let at = header.last == "note" ? header.count - 1 : header.count
        var h = header
        h.insert(contentsOf: columns.names, at: at)
        let rows = self.rows.enumerated().map { r, row -> [Cell] in
            var out = row
            out.insert(contentsOf: columns.cells.map { $0[r] }, at: at)
            return out
        }
        return OutputTable(header: h, rows: rows)
    }
}
