import VarexLinearAlgebra

extension Table {
    /// One id per table row: the `column`'s cells, or row numbers 1…n. Missing or repeated ids
    /// are errors naming the row.
    ///
    /// Uniqueness is checked on the column as it is stored, not on its texts: a cell written as
    /// its number's canonical text can only equal another such cell, and then their values are
    /// equal (so the values are sorted and compared); a kept text (a name, a code, a number
    /// written otherwise) can only equal another kept text, and then their dictionary codes are
    /// equal. Only when a missing or repeated id exists is the search by text run, for its
    /// message. This keeps `--id` on a million numeric ids from hashing a million strings.
    public func ids(column: String?) throws -> RowIDs {
        guard let column else { return RowIDs(rowNumbers: rowCount) }
        let c = try self.column(column)
        if !c.isMissing.contains(true) && !Self.repeats(c) { return RowIDs(cells: c.cells) }
        // A missing or repeated id: find the first, by text, for its message.
        var seen: [String: Int] = [:]
        for (i, id) in c.cells.enumerated() {
            if c.isMissing[i] { throw DataError.missingID(location(row: i, column: column)) }
            if let first = seen[id] { throw DataError.duplicateID(location(row: i, column: column), id: id, firstRow: first + 1) }
            seen[id] = i
        }
        return RowIDs(cells: c.cells)
    }

    /// Whether any two cells of `c` (none missing) have the same text.
    static func repeats(_ c: Column) -> Bool {
        let n = c.values.count
        var canonical: [Extended] = []
        canonical.reserveCapacity(n)
        var codeSeen = [Bool](repeating: false, count: c.texts.dictionary.count)
        for i in 0..<n {
            if let code = c.texts.code(i) {
                if codeSeen[Int(code)] { return true }
                codeSeen[Int(code)] = true
            } else {
                canonical.append(c.values[i])
            }
        }
        canonical.sort()
        for k in canonical.indices.dropFirst() where canonical[k] == canonical[k - 1] { return true }
        return false
    }
}
