/// The rank-interval table: every input row, with the bootstrap summary for the rows ranked.
/// Columns: `id, [label,] unjustified, rank, median_rank, rank_low, rank_high, p_top<k>,
/// p_bottom<k>, note`.
public enum RankTable {
    public static func make(analysis a: ExplainAnalysis, bootstrap: RankBootstrap, level: Double = 0.95, ten: Int = 10) -> OutputTable {
        let summary = bootstrap.summary(level: level, ten: ten)
        let label = a.request.label
        let labels = label.flatMap { try? a.table.column($0).cells }
        let rankColumn = a.output.header.firstIndex(of: "rank")!
        var header = [a.request.fit.id ?? "id"] + (label.map { [$0] } ?? [])
        header += ["unjustified", "rank", "median_rank", "rank_low", "rank_high", "p_top\(ten)", "p_bottom\(ten)", "note"]
        var rows = a.ids.indices.map { r -> [Cell] in
            var row: [Cell] = [.text(a.ids[r])] + (labels.map { [.text($0[r])] } ?? [])
            row += [Cell](repeating: .empty, count: 7)
            row.append(a.output.rows[r].last ?? .empty)
            return row
        }
        let lead = label == nil ? 1 : 2
        let unjustified = a.unjustified
        for (i, r) in a.fit.design.rows.enumerated() {
            let s = summary[i]
            let cells: [Cell] = [.finite(unjustified[i]), a.output.rows[r][rankColumn], .number(s.median), .integer(s.low),
                                 .integer(s.high), .number(s.top), .number(s.bottom)]
            for (k, c) in cells.enumerated() { rows[r][lead + k] = c }
        }
        return OutputTable(header: header, rows: rows)
    }
}
