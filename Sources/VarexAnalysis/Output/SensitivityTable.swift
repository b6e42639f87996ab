import Varex

/// The sensitivity tables, written from the typed ranks of ``Sensitivity``.
public enum SensitivityTable {
    /// Columns `rank, rank_min, rank_max, rank_weights_low, rank_weights_high, rank_<normalisation>...`
    /// (`rank_draws_low`, `rank_draws_high` when the draws redrew the measures too).
    public static func index(_ r: Sensitivity.IndexRanks) -> OutputTable.Columns {
        func cells(_ v: [Int?]) -> [Cell] { v.map { $0.map(Cell.integer) ?? .empty } }
        var cols = OutputTable.Columns()
        cols.add("rank", cells(r.rank))
        cols.add("rank_min", cells(r.minimum))
        cols.add("rank_max", cells(r.maximum))
        // With the measures' sampling error the draws are of both: named for what they hold.
        cols.add(r.includesSamplingError ? "rank_draws_low" : "rank_weights_low", cells(r.weightsLow))
        cols.add(r.includesSamplingError ? "rank_draws_high" : "rank_weights_high", cells(r.weightsHigh))
        for (k, method) in Normalisation.allCases.enumerated() { cols.add("rank_\(method.rawValue)", cells(r.byNormalisation[k])) }
        return cols
    }

    /// Columns `rank_min`, `rank_max`, then one `rank_justified_<groups>` per assignment, over
    /// every table row (empty for rows the fit did not use).
    public static func groups(_ a: ExplainAnalysis) -> OutputTable.Columns {
        columns(Sensitivity.groups(a.decomposition, retransformed: a.retransformed, higherIsBetter: a.request.rankingHigherIsBetter),
                names: a.decomposition.grouping.groups.map(\.name), rows: a.fit.design.rows, count: a.ids.count)
    }

    /// The columns of `g` over `count` table rows, the fit's `rows` filled.
    static func columns(_ g: Sensitivity.GroupRanks, names: [String], rows: [Int], count: Int) -> OutputTable.Columns {
        func spread(_ values: [Int]) -> [Cell] {
            var out = [Cell](repeating: .empty, count: count)
            for (i, r) in rows.enumerated() { out[r] = .integer(values[i]) }
            return out
        }
        var cols = OutputTable.Columns()
        cols.add("rank_min", spread(g.minimum))
        cols.add("rank_max", spread(g.maximum))
        for (k, set) in g.assignments.enumerated() {
            let chosen = names.indices.filter { set.contains($0) }.map { names[$0] }
            cols.add("rank_justified_" + (chosen.isEmpty ? "none" : chosen.joined(separator: "+")), spread(g.ranks[k]))
        }
        return cols
    }

    /// The `--sensitivity-out` table: `id, [label,] rank`, the group-assignment columns, `note`.
    public static func table(_ a: ExplainAnalysis) -> OutputTable {
        table(ranks: a.rows.ranks, groups: groups(a), rows: a.fit.design.rows, ids: a.ids, idName: a.request.fit.id ?? "id",
              labels: a.run.labels, labelName: a.request.label, dropped: a.fit.design.dropped)
    }

    /// The same for a GLM's explanation (ranks of observed − expected on the response scale).
    public static func table(_ a: GLMExplainAnalysis) -> OutputTable {
        let d = a.decomposition, rows = a.glm.fit.design.rows, ids = a.glm.data.ids
        let g = columns(Sensitivity.groups(d, higherIsBetter: a.request.rankingHigherIsBetter), names: d.grouping.groups.map(\.name), rows: rows,
                        count: ids.count)
        return table(ranks: a.ranks, groups: g, rows: rows, ids: ids, idName: a.request.fit.id ?? "id", labels: a.glm.data.labels,
                     labelName: a.request.fit.label, dropped: a.glm.fit.design.dropped)
    }

    /// The same for a GLMM's explanation (response scale).
    public static func table(_ a: GLMMExplainAnalysis) -> OutputTable {
        let d = a.decomposition, rows = a.glmm.fit.design.fixed.rows, ids = a.glmm.data.ids
        let g = columns(Sensitivity.groups(d, higherIsBetter: a.request.rankingHigherIsBetter), names: d.grouping.groups.map(\.name), rows: rows,
                        count: ids.count)
        return table(ranks: a.ranks, groups: g, rows: rows, ids: ids, idName: a.request.fit.id ?? "id", labels: a.glmm.data.labels,
                     labelName: a.request.fit.label, dropped: a.glmm.fit.design.fixed.dropped)
    }

    /// The same for a mixed model's explanation.
    public static func table(_ a: MixedExplainAnalysis) -> OutputTable {
        let d = a.decomposition, rows = a.mixed.fit.design.fixed.rows, ids = a.mixed.data.ids
        let g = columns(Sensitivity.groups(d, higherIsBetter: a.request.rankingHigherIsBetter), names: d.grouping.groups.map(\.name), rows: rows,
                        count: ids.count)
        return table(ranks: a.ranks, groups: g, rows: rows, ids: ids, idName: a.request.fit.id ?? "id", labels: a.mixed.data.labels,
                     labelName: a.request.fit.label, dropped: a.mixed.fit.design.fixed.dropped)
    }

    static func table(ranks: [Int], groups: OutputTable.Columns, rows: [Int], ids: RowIDs, idName: String, labels: [String]?,
                      labelName: String?, dropped: [DroppedRow]) -> OutputTable {
        var rank = [Cell](repeating: .empty, count: ids.count)
        for (i, r) in rows.enumerated() { rank[r] = .integer(ranks[i]) }
        let cells = [rank] + groups.cells
        return OutputTable.perRow(ids: ids, idName: idName, labels: labels, labelName: labelName, columns: ["rank"] + groups.names,
                                  used: Array(ids.indices), cells: ids.indices.map { r in cells.map { $0[r] } }, leftOut: dropped)
    }
}

extension OutputTable {
    /// Named columns to append to a table (same row count).
    public struct Columns: Sendable {
        public var names: [String] = []
        public var cells: [[Cell]] = []
        public init() {}
        public mutating func add(_ name: String, _ column: [Cell]) { names.append(name); cells.append(column) }
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
