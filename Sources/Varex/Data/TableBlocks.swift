import VarexLinearAlgebra

extension Table {
    /// The columns `names` (those of them the file has, in the file's order) of every block
    /// `reader` reads, as one table: for a model that needs its rows at once but not the file's
    /// other columns (a mixed model with `--stream`). Memory is that of the columns kept (about
    /// 21 bytes a cell) and one block of the file; each column's values, missing flags and kept
    /// texts are appended block by block, so the table equals the whole file read at once and
    /// then narrowed to those columns, cell for cell, row and line numbers included.
    public static func reading(_ reader: inout CSVBlockReader, columns names: [String]) throws -> Table {
        let kept = reader.names.filter { names.contains($0) }
        var columns = kept.map { ColumnAppender(name: $0) }
        var lines: [Int] = []
        var source: String? = nil
        while let block = try reader.next() {
            source = source ?? block.source
            for (k, name) in kept.enumerated() { columns[k].append(try block.column(name), rowBase: lines.count) }
            lines.append(contentsOf: block.lines)
        }
        return Table(source: source ?? "", columns: columns.map { $0.column(rowCount: lines.count) }, lines: lines)
    }
}

/// One column built from the same column of successive blocks.
struct ColumnAppender {
    let name: String
    var values: [Extended] = []
    var missing: [Bool] = []
    var kept = TextDictionary()
    var firstText: Int? = nil
    var numeric = 0

    init(name: String) { self.name = name }

    /// Appends a block's column, whose first row is row `rowBase` of the whole.
    mutating func append(_ c: Column, rowBase: Int) {
        values.append(contentsOf: c.values)
        missing.append(contentsOf: c.isMissing)
        let recode = c.texts.dictionary.map { kept.code($0) }
        c.texts.forEachKept { row, code in kept.keep(code: recode[Int(code)], row: rowBase + row) }
        if firstText == nil, let f = c.firstNonNumericRow { firstText = rowBase + f }
        numeric += c.numericCount
    }

    func column(rowCount: Int) -> Column {
        Column(name: name, isMissing: missing, values: values, texts: kept.texts(count: rowCount),
               firstNonNumericRow: firstText, numericCount: numeric)
    }
}

extension CellTexts {
    /// Calls `body` with each row that has a kept text and its code, in ascending row order.
    func forEachKept(_ body: (Int, Int32) -> Void) {
        switch layout {
        case let .dense(codes): for (row, code) in codes.enumerated() where code >= 0 { body(row, code) }
        case let .sparse(rows, codes): for (k, row) in rows.enumerated() { body(Int(row), codes[k]) }
        }
    }
}
