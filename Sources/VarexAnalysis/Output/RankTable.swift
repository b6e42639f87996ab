import Varex
/// The rank-interval table: every input row, with the bootstrap summary for the rows ranked.
/// Columns: `id, [label,] unjustified, [unjustified_gbp,] rank, median_rank, rank_low, rank_high,
/// p_top<k>, p_bottom<k>, note`; `unjustified_gbp` (the amount × the scale) with `--scale`.
public enum RankTable {
    public static func make(analysis a: ExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        let totals = a.rows.scale.map { s in zip(a.rows.unjustified, s).map { $0 * $1 } }
        let cells: [[Cell]] = a.rows.ranks.indices.map { i in
            amounts(a.rows.unjustified[i], totals?[i]) + [.integer(a.rows.ranks[i])] }
        return table(ids: a.ids, labels: a.run.labels, request: a.request.fit, pounds: totals != nil, rows: a.fit.design.rows, cells: cells,
                     notes: a.notes, bootstrap: bootstrap, level: level, ten: ten)
    }

    /// The unjustified amount, and with a scale its total in pounds.
    static func amounts(_ u: Double, _ total: Double?) -> [Cell] { [.finite(u)] + (total.map { [.finite($0)] } ?? []) }

    /// Every input row: the id (and label), the amount columns and rank (`cells`, one per fitted
    /// row in `rows`), the interval columns, and each row's note.
    static func table(ids: RowIDs, labels: [String]?, request r: FitRequest, pounds: Bool, rows: [Int], cells: [[Cell]], notes: [String],
                      bootstrap: RankBootstrap, level: Double, ten: Int) -> OutputTable {
        let header = [r.id ?? "id"] + (r.label.map { [$0] } ?? []) + ["unjustified"] + (pounds ? ["unjustified_gbp"] : []) + ["rank"]
            + intervalNames(ten: ten) + ["note"]
        let lead = r.label == nil ? 1 : 2
        var out = ids.indices.map { i -> [Cell] in
            [.text(ids[i])] + (labels.map { [.text($0[i])] } ?? []) + [Cell](repeating: .empty, count: header.count - lead - 1) + [.text(notes[i])]
        }
        let intervals = columns(bootstrap: bootstrap, level: level, ten: ten)
        for (k, row) in rows.enumerated() {
            for (j, c) in (cells[k] + intervals.map { $0[k] }).enumerated() { out[row][lead + j] = c }
        }
        return OutputTable(header: header, rows: out)
    }

    /// A GLM's rank table (`rank --family`): the same columns, the unjustified amount on the
    /// response scale (observed − justified), rows the fit left out with their reason.
    public static func make(glm a: GLMExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        make(unjustified: a.decomposition.unjustified, scale: a.scaleValues, ranks: a.ranks, data: a.glm.data, design: a.glm.fit.design,
             request: a.request.fit, bootstrap: bootstrap, level: level, ten: ten)
    }

    /// The rank table of a mixed model's explanation (ranks from draws of its parameters).
    public static func make(mixed a: MixedExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        make(unjustified: a.decomposition.unjustified, scale: a.scaleValues, ranks: a.ranks, data: a.mixed.data, design: a.mixed.fit.design.fixed,
             request: a.request.fit, bootstrap: bootstrap, level: level, ten: ten)
    }

    /// The rank table of a GLMM's explanation (ranks from draws of its parameters; the
    /// unjustified amount on the response scale).
    public static func make(glmm a: GLMMExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        make(unjustified: a.decomposition.unjustified, scale: a.scaleValues, ranks: a.ranks, data: a.glmm.data, design: a.glmm.fit.design.fixed,
             request: a.request.fit, bootstrap: bootstrap, level: level, ten: ten)
    }

    /// The table from a model's unjustified amounts (with `scale`, also in pounds) and ranks over the design's rows.
    static func make(unjustified: [Double], scale: [Double]?, ranks: [Int], data: ModelData, design: DesignMatrix, request r: FitRequest,
                     bootstrap: RankBootstrap, level: Double, ten: Int) -> OutputTable {
        let cells: [[Cell]] = ranks.indices.map { i in amounts(unjustified[i], scale.map { unjustified[i] * $0[i] }) + [.integer(ranks[i])] }
        var notes = [String](repeating: "", count: data.ids.count)
        for d in design.dropped { notes[d.row] = "left out: " + d.reason }
        return table(ids: data.ids, labels: data.labels, request: r, pounds: scale != nil, rows: design.rows, cells: cells, notes: notes,
                     bootstrap: bootstrap, level: level, ten: ten)
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
        let names = a.glm.fit.design.rows.map { (a.glm.data.labels?[$0] ?? a.glm.data.ids[$0]) }
        return summary(names: names, ranks: a.ranks, higherIsBetter: a.request.rankingHigherIsBetter, bootstrap: b, level: level, unit: unit, shown: shown)
    }

    public static func summary(mixed a: MixedExplainAnalysis, bootstrap b: RankBootstrap, level: Double, unit: String, shown: Int = 3) -> String {
        let names = a.mixed.fit.design.fixed.rows.map { (a.mixed.data.labels?[$0] ?? a.mixed.data.ids[$0]) }
        return summary(names: names, ranks: a.ranks, higherIsBetter: a.request.rankingHigherIsBetter, bootstrap: b, level: level, unit: unit, shown: shown)
    }

    public static func summary(glmm a: GLMMExplainAnalysis, bootstrap b: RankBootstrap, level: Double, unit: String, shown: Int = 3) -> String {
        let names = a.glmm.fit.design.fixed.rows.map { (a.glmm.data.labels?[$0] ?? a.glmm.data.ids[$0]) }
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
