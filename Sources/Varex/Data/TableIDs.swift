extension Table {
    /// One id per table row: the `column`'s cells, or row numbers 1…n. Missing or repeated ids
    /// are errors naming the row.
    public func ids(column: String?) throws -> [String] {
        guard let column else { return (1...max(rowCount, 1)).prefix(rowCount).map(String.init) }
        let c = try self.column(column)
        var seen: [String: Int] = [:]
        for (i, id) in c.cells.enumerated() {
            if c.isMissing[i] { throw DataError.missingID(location(row: i, column: column)) }
            if let first = seen[id] { throw DataError.duplicateID(location(row: i, column: column), id: id, firstRow: first + 1) }
            seen[id] = i
        }
        return Array(c.cells)
    }
}
