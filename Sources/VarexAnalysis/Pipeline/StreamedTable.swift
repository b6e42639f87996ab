import Varex

extension FitRequest {
    /// The columns of the data a run of this request reads: the formula's (its random terms'
    /// effects and grouping factors too; every column for `y ~ .`), the id, label and kept
    /// columns, weights, clusters, absorbed factors and the subset's columns.
    public func columnsRead(fileNames: [String]) throws -> [String] {
        let dot = fileNames.filter { $0 != id && $0 != label }
        var out: [String] = []
        func add(_ names: [String]) { for n in names where !out.contains(n) { out.append(n) } }
        if MixedFormula.hasRandomTerms(formula) {
            let mixed = try MixedFormula(formula, dot: dot)
            add(mixed.fixed.columns)
            for term in mixed.random {
                let response = mixed.fixed.response.map { mixed.fixed.variables[$0].label } ?? ""
                add(try Formula("\(response) ~ \(term.effects)").columns)
                add(term.grouping)
            }
        } else {
            add(try Formula(formula, dot: dot).columns)
        }
        add([id, label, weights].compactMap { $0 })
        add(keep + clusters + absorb)
        if let subset { add(try RowFilter(subset).columns) }
        return out
    }

    /// The data read a block of `blockBytes` at a time, keeping only the columns the run reads
    /// (``columnsRead(fileNames:)``): for a model that needs its rows at once (a mixed model
    /// with `--stream`), in the memory of those columns rather than of the whole file. Files
    /// to join are joined afterwards, as in memory (``DataInput``). A column the run names that
    /// neither the file nor a file to join has is refused here, as the whole file would refuse
    /// it, with the file's closest name.
    public func streamedTable(blockBytes: Int) throws -> Table {
        var reader = try CSVBlockReader(path: dataPath, blockBytes: blockBytes)
        let fileNames = reader.names
        let wanted = try columnsRead(fileNames: fileNames)
        var known = Set(fileNames)
        for path in joins { known.formUnion(try CSVBlockReader(path: path).names) }
        if let unknown = wanted.first(where: { !known.contains($0) }) {
            throw DataError.unknownColumn(path: dataPath, name: unknown, suggestion: Table.closestName(to: unknown, among: fileNames))
        }
        return try Table.reading(&reader, columns: wanted)
    }
}
