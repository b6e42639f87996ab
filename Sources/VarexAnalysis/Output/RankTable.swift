import Varex
/// The rank-interval table: every input row, with the bootstrap summary for the rows ranked.
/// Columns: `id, [label,] unjustified, rank, median_rank, rank_low, rank_high, p_top<k>,
/// p_bottom<k>, note`.
public enum RankTable {
    public static func make(analysis a: ExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        let label = a.request.label
        var header = [a.request.fit.id ?? "id"] + (label.map { [$0] } ?? [])
        header += ["unjustified", "rank"] + intervalNames(ten: ten) + ["note"]
        let notes = a.notes
        var rows = a.ids.indices.map { r -> [Cell] in
            [.text(a.ids[r])] + (a.run.labels.map { [.text($0[r])] } ?? []) + [Cell](repeating: .empty, count: 7) + [.text(notes[r])]
        }
        let lead = label == nil ? 1 : 2
        let intervals = columns(bootstrap: bootstrap, level: level, ten: ten)
        for (i, r) in a.fit.design.rows.enumerated() {
            let cells: [Cell] = [.finite(a.rows.unjustified[i]), .integer(a.rows.ranks[i])] + intervals.map { $0[i] }
            for (k, c) in cells.enumerated() { rows[r][lead + k] = c }
        }
        return OutputTable(header: header, rows: rows)
    }

    /// A GLM's rank table (`rank --family`): the same columns, the unjustified amount on the
    /// response scale (observed − justified), rows the fit left out with their reason.
    public static func make(glm a: GLMExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        let intervals = columns(bootstrap: bootstrap, level: level, ten: ten)
        let cells: [[Cell]] = a.ranks.indices.map { i in
            [.finite(a.decomposition.unjustified[i]), .integer(a.ranks[i])] + intervals.map { $0[i] }
        }
        let r = a.request.fit
        return OutputTable.perRow(ids: a.glm.data.ids, idName: r.id ?? "id", labels: a.glm.data.labels, labelName: r.label,
                                  columns: ["unjustified", "rank"] + intervalNames(ten: ten), used: a.glm.fit.design.rows, cells: cells,
                                  leftOut: a.glm.fit.design.dropped)
    }

    /// The rank table of a mixed model's explanation (ranks from draws of its parameters).
    public static func make(mixed a: MixedExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        make(unjustified: a.decomposition.unjustified, ranks: a.ranks, data: a.mixed.data, design: a.mixed.fit.design.fixed,
             request: a.request.fit, bootstrap: bootstrap, level: level, ten: ten)
    }

    /// The rank table of a GLMM's explanation (ranks from draws of its parameters; the
    /// unjustified amount on the response scale).
    public static func make(glmm a: GLMMExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        make(unjustified: a.decomposition.unjustified, ranks: a.ranks, data: a.glmm.data, design: a.glmm.fit.design.fixed,
             request: a.request.fit, bootstrap: bootstrap, level: level, ten: ten)
    }

    /// The table from a model's unjustified amounts and ranks over the design's rows.
    static func make(unjustified: [Double], ranks: [Int], data: ModelData, design: DesignMatrix, request r: FitRequest,
                     bootstrap: RankBootstrap, level: Double, ten: Int) -> OutputTable {
        let intervals = columns(bootstrap: bootstrap, level: level, ten: ten)
        let cells: [[Cell]] = ranks.indices.map { i in [.finite(unjustified[i]), .integer(ranks[i])] + intervals.map { $0[i] } }
        return OutputTable.perRow(ids: data.ids, idName: r.id ?? "id", labels: data.labels, labelName: r.label,
                                  columns: ["unjustified", "rank"] + intervalNames(ten: ten), used: design.rows, cells: cells,
                                  leftOut: design.dropped)
    }

    /// The interval columns over every input row (`rowCount`), filled at the fit's `rows` and
    /// empty elsewhere: what a report's table inserts before `note`.
    public static func intervalColumns(bootstrap: RankBootstrap, rows: [Int], rowCount: Int, level: Double, ten: Int) -> OutputTable.Columns {
        var cols = OutputTable.Columns()
        for (name, values) in zip(intervalNames(ten: ten), columns(bootstrap: bootstrap, level: level, ten: ten)) {
            var cells = [Cell](repeating: .empty, count: rowCount)
            for (i, r) in rows.enumerated() { cells[r] = values[i] }
            cols.add(name, cells)
        }
        return cols
    }

    /// The names of the interval columns.
    public static func intervalNames(ten: Int) -> [String] {
        ["median_rank", "rank_low", "rank_high", "p_top\(ten)", "p_bottom\(ten)"]
    }

    /// The interval columns for the rows ranked (fit rows): median, low, high, top and bottom
    /// probabilities, from the bootstrap's typed summary.
    public static func columns(bootstrap: RankBootstrap, level: Double, ten: Int) -> [[Cell]] {
        let s = bootstrap.summary(level: level, ten: ten)
        return [s.map { .number($0.median) }, s.map { .integer($0.low) }, s.map { .integer($0.high) },
                s.map { .number($0.top) }, s.map { .number($0.bottom) }]
    }
}

extension RankTable {
    /// A few lines for the terminal: what was ranked and how, the units ranked first with their
    /// intervals, and how wide the intervals are (so a reader sees at once how much a rank means).
    public static func summary(analysis a: ExplainAnalysis, bootstrap b: RankBootstrap, level: Double, unit: String, shown: Int = 3) -> String {
        summary(names: a.fit.design.rows.map { a.displayNames[$0] }, ranks: a.rows.ranks, higherIsBetter: a.request.rankingHigherIsBetter,
                bootstrap: b, level: level, unit: unit, shown: shown)
    }

    /// The same lines for a GLM's ranks.
    public static func summary(glm a: GLMExplainAnalysis, bootstrap b: RankBootstrap, level: Double, unit: String, shown: Int = 3) -> String {
        let names = a.glm.fit.design.rows.map { (a.glm.data.labels ?? a.glm.data.ids)[$0] }
        return summary(names: names, ranks: a.ranks, higherIsBetter: a.request.rankingHigherIsBetter, bootstrap: b, level: level, unit: unit, shown: shown)
    }

    public static func summary(mixed a: MixedExplainAnalysis, bootstrap b: RankBootstrap, level: Double, unit: String, shown: Int = 3) -> String {
        let names = a.mixed.fit.design.fixed.rows.map { (a.mixed.data.labels ?? a.mixed.data.ids)[$0] }
        return summary(names: names, ranks: a.ranks, higherIsBetter: a.request.rankingHigherIsBetter, bootstrap: b, level: level, unit: unit, shown: shown)
    }

    public static func summary(glmm a: GLMMExplainAnalysis, bootstrap b: RankBootstrap, level: Double, unit: String, shown: Int = 3) -> String {
        let names = a.glmm.fit.design.fixed.rows.map { (a.glmm.data.labels ?? a.glmm.data.ids)[$0] }
        return summary(names: names, ranks: a.ranks, higherIsBetter: a.request.rankingHigherIsBetter, bootstrap: b, level: level, unit: unit, shown: shown)
    }

    static func summary(names: [String], ranks: [Int], higherIsBetter: Bool, bootstrap b: RankBootstrap, level: Double, unit: String,
                        shown: Int) -> String {
        let s = b.summary(level: level, ten: 10)
        let pct = NumberFormat.significant(level * 100, 4)
        let order = ranks.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }
        let first = order.prefix(shown).map { i in "\(names[i]) (rank \(ranks[i]), \(pct)% interval \(s[i].low)–\(s[i].high))" }
        let widths = s.map { Double($0.high - $0.low + 1) }.sorted()
        let median = widths.isEmpty ? 0 : (widths[(widths.count - 1) / 2] + widths[widths.count / 2]) / 2
        let sure = s.filter { $0.top >= 0.9 }.count
        let direction = higherIsBetter ? "the smallest" : "the largest"
        var o = "Ranked \(names.count) \(unit) by unjustified value (rank 1 = \(direction)), \(b.replicates) bootstrap replicates "
        o += b.drawsParameters ? "(fixed effects and conditional modes drawn, seed \(b.seed)).\n" : "(\(b.resampling.rawValue) resampled, seed \(b.seed)).\n"
        o += "First: " + first.joined(separator: "; ") + ".\n"
        o += "A \(pct)% rank interval spans \(NumberFormat.significant(median, 3)) places at the median; "
        o += "\(sure) of the \(unit) are in the top 10 in at least 90% of replicates.\n"
        return o
    }
}
