extension Table {
    /// The rows `rows` (0-based, in that order) as a table of their own: the same columns and
    /// cell texts, each column's kind inferred from the rows kept, and messages still naming
    /// each row's row and line of the file.
    public func selecting(rows: [Int]) -> Table {
        let columns = self.columns.map { c in
            let cells = c.cells
            return Column(name: c.name, cells: rows.map { cells[$0] })
        }
        var t = Table(source: source, columns: columns, lines: rows.map { lines[$0] })
        t.fileRows = rows.map { fileRows?[$0] ?? firstRow + $0 }
        return t
    }
}
