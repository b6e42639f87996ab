import Varex
/// One cell of an output table.
public enum Cell: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case text(String)
    case bool(Bool)
    /// An empty cell: missing, not estimable, or not applicable.
    case empty

    /// A number, or empty when it is NaN or infinite.
    public static func finite(_ x: Double) -> Cell { x.isFinite ? .number(x) : .empty }
}

/// A rectangular table of results, rendered by the CSV, Markdown and text writers.
public struct OutputTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[Cell]]

    public init(header: [String], rows: [[Cell]]) {
        self.header = header
        self.rows = rows
    }
}

extension OutputTable {
    /// A table with one row per input row: the id (and label) columns, then `columns` filled for
    /// the rows in `used` (cells[k] for used[k]), empty elsewhere, and a final `note` column that
    /// gives the reason for each row in `leftOut`.
    public static func perRow(ids: RowIDs, idName: String, labels: [String]?, labelName: String?, columns: [String],
                              used: [Int], cells: [[Cell]], leftOut: [DroppedRow]) -> OutputTable {
        let header = [idName] + (labelName.map { [$0] } ?? []) + columns + ["note"]
        var rows = ids.indices.map { i -> [Cell] in
            var row: [Cell] = [.text(ids[i])] + (labels.map { [.text($0[i])] } ?? [])
            row += [Cell](repeating: .empty, count: columns.count)
            row.append(.text(""))
            return row
        }
        let lead = labelName == nil ? 1 : 2
        for d in leftOut { rows[d.row][header.count - 1] = .text("left out: " + d.reason) }
        for (k, r) in used.enumerated() { for (j, c) in cells[k].enumerated() { rows[r][lead + j] = c } }
        return OutputTable(header: header, rows: rows)
    }
}

extension OutputTable {
    /// A per-row table computed on the kept rows (its first columns the id and label, its last
    /// `note`) with every row of the file back in its place: a row in `leftOut` keeps its id
    /// (of `ids`, one per file row) and label, empty cells, and the note `left out:` and why.
    public func restoring(ids: RowIDs, leftOut: [Int: String], labels: [String]?) -> OutputTable {
        guard !leftOut.isEmpty else { return self }
        let lead = labels == nil ? 1 : 2
        var computed = rows.makeIterator()
        let all = ids.indices.map { i -> [Cell] in
            guard let why = leftOut[i] else { return computed.next() ?? [] }
            return [.text(ids[i])] + (labels.map { [.text($0[i])] } ?? []) + [Cell](repeating: .empty, count: header.count - lead - 1)
                + [.text("left out: " + why)]
        }
        return OutputTable(header: header, rows: all)
    }
}

extension OutputTable {
    /// The column's index, if the table has it.
    public func index(of column: String) -> Int? { header.firstIndex(of: column) }

    /// The rows sorted by a numeric column, ascending (a rank column: rank 1 first); rows
    /// without a number there keep their order after the rest. Without the column, unchanged.
    public func sorted(by column: String) -> OutputTable {
        guard let j = index(of: column) else { return self }
        func key(_ c: Cell) -> Double? {
            switch c {
            case let .number(x): return x.isFinite ? x : nil
            case let .integer(k): return Double(k)
            default: return nil
            }
        }
        let order = rows.indices.sorted { a, b in
            switch (key(rows[a][j]), key(rows[b][j])) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        return OutputTable(header: header, rows: order.map { rows[$0] })
    }
}
