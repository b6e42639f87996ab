import Varex

/// A table whose rows are made when they are written: a header, a row count and a function from
/// a row's index to its cells. A writer streams it (``CSVWriter/stream(_:dialect:)``) without
/// ever holding more than a chunk of its text; ``table`` builds every row for the writers and
/// callers that need them all (XLSX, snapshots).
public struct RowSource {
    public let header: [String]
    public let count: Int
    public let row: (Int) -> [Cell]

    public init(header: [String], count: Int, row: @escaping (Int) -> [Cell]) {
        self.header = header
        self.count = count
        self.row = row
    }

    /// Every row, as a table.
    public var table: OutputTable { OutputTable(header: header, rows: (0..<count).map(row)) }

    /// The same rows with `columns` (name and one text per row) inserted after the first column.
    public func inserting(_ columns: [(name: String, cells: [String])]) -> RowSource {
        guard !columns.isEmpty else { return self }
        let row = self.row
        return RowSource(header: [header[0]] + columns.map(\.name) + header.dropFirst(), count: count) { r in
            let cells = row(r)
            return [cells[0]] + columns.map { Cell.text($0.cells[r]) } + cells.dropFirst()
        }
    }
}
