import VarexLinearAlgebra

/// What a column holds, inferred from its non-missing cells.
public enum ColumnKind: Sendable, Equatable {
    /// Every non-missing cell is a number.
    case numeric
    /// At least one non-missing cell is not a number.
    case text
}

/// One column of a ``Table``: its values, which cells are missing, and the cell texts.
///
/// Stored by column, not by cell: the values (NaN where missing or not a number), a flag per
/// cell, and only the texts the values cannot give back (``ColumnCells``), dictionary-encoded —
/// a numeric column costs its values, a categorical one a small code per row.
public struct Column: Sendable {
    /// The header name.
    public let name: String
    /// Whether each cell is a missing-value marker (see ``MissingValues``).
    public let isMissing: [Bool]
    /// Numeric or text.
    public let kind: ColumnKind
    /// The values parsed in extended precision (NaN where missing), for numeric columns; for a
    /// text column, the values of the cells that are numbers (NaN elsewhere).
    public let values: [Extended]
    /// The first cell (0-based row) that is neither missing nor a number, if any.
    public let firstNonNumericRow: Int?
    /// How many non-missing cells are numbers.
    public let numericCount: Int
    let texts: CellTexts

    /// Each cell's text, trimmed of surrounding spaces (tabs are kept, as content), without the
    /// apostrophe a Varex writer adds to formula-like text (``SpreadsheetText``).
    public var cells: ColumnCells { ColumnCells(values: values, texts: texts) }

    /// A column of the given cell texts (already trimmed and without a writer's apostrophe).
    public init(name: String, cells: [String]) {
        var missing = [Bool](repeating: false, count: cells.count)
        var values = [Extended](repeating: .nan, count: cells.count)
        var kept = TextDictionary()
        var firstBad: Int? = nil
        var numeric = 0
        for (i, cell) in cells.enumerated() {
            switch CellReading.of(cell) {
            case .missing:
                missing[i] = true
                kept.keep(cell, row: i)
            case let .number(v, canonical):
                values[i] = v
                numeric += 1
                if !canonical { kept.keep(cell, row: i) }
            case .text:
                if firstBad == nil { firstBad = i }
                kept.keep(cell, row: i)
            }
        }
        self.init(name: name, isMissing: missing, values: values, texts: kept.texts(count: cells.count),
                  firstNonNumericRow: firstBad, numericCount: numeric)
    }

    init(name: String, isMissing: [Bool], values: [Extended], texts: CellTexts, firstNonNumericRow: Int?, numericCount: Int) {
        self.name = name
        self.isMissing = isMissing
        self.values = values
        self.texts = texts
        self.firstNonNumericRow = firstNonNumericRow
        self.numericCount = numericCount
        self.kind = firstNonNumericRow == nil ? .numeric : .text
    }

    /// The column as a grouping or categorical variable reads it: a numeric column's cells by
    /// their values, so `1`, `1.0` and `1e0` are one level (R's `factor()` of the parsed number,
    /// and lme4's grouping, see one), spelled canonically; missing markers and a text column's
    /// cells as they are.
    public var byValue: Column {
        guard kind == .numeric else { return self }
        var kept = TextDictionary()
        let cells = self.cells
        for i in isMissing.indices where isMissing[i] { kept.keep(cells[i], row: i) }
        return Column(name: name, isMissing: isMissing, values: values, texts: kept.texts(count: values.count),
                      firstNonNumericRow: firstNonNumericRow, numericCount: numericCount)
    }

    /// Whether the column is text although most of its non-missing cells are numbers: a typo in
    /// a numeric column rather than a categorical variable.
    public var isMostlyNumeric: Bool {
        guard kind == .text else { return false }
        let nonMissing = isMissing.lazy.filter { !$0 }.count
        return numericCount * 2 > nonMissing
    }

    /// For each of `rows`, the index of its cell's text in `levels` (−1 if it is none of them).
    /// A categorical column maps its dictionary once instead of comparing texts row by row.
    public func levelIndices(rows: [Int], levels: [String]) -> [Int32] {
        var index: [String: Int32] = [:]
        for (k, level) in levels.enumerated() { index[level] = Int32(k) }
        if case let .dense(codes) = texts.layout {
            let byCode = texts.dictionary.map { index[$0] ?? -1 }
            let cells = self.cells
            return rows.map { r in codes[r] >= 0 ? byCode[Int(codes[r])] : index[cells[r]] ?? -1 }
        }
        let cells = self.cells
        return rows.map { index[cells[$0]] ?? -1 }
    }

    /// The distinct non-missing texts, sorted (the levels of a categorical variable).
    public var levels: [String] {
        var set = Set<String>()
        let cells = self.cells
        for i in cells.indices where !isMissing[i] { set.insert(cells[i]) }
        return set.sorted()
    }
}

/// A rectangular table read from a CSV file: named, typed columns and the line of each row.
public struct Table: Sendable {
    /// The file name used in messages.
    public let source: String
    /// The columns in file order.
    public let columns: [Column]
    /// The physical line (1-based) where each row starts.
    public let lines: [Int]
    /// The number of data rows before this table's first (nonzero for a block of a file read in
    /// blocks, so messages name the row of the file).
    public var firstRow = 0
    /// Each row's 0-based row of the file, when the table is a selection of another's rows
    /// (``selecting(rows:)``); nil when rows follow on from `firstRow`.
    public var fileRows: [Int]? = nil

    /// Number of data rows.
    public var rowCount: Int { lines.count }
    /// Column names in file order.
    public var names: [String] { columns.map(\.name) }

    /// Builds a table from parsed records.
    public init(records: CSVRecords, source: String) {
        self.source = source
        self.lines = records.lines
        var cols: [Column] = []
        cols.reserveCapacity(records.header.count)
        for (j, name) in records.header.enumerated() {
            cols.append(Column(name: name, cells: records.rows.map { SpreadsheetText.unprotect($0[j].trimmingBlanks) }))
        }
        self.columns = cols
    }

    /// Reads a CSV file (or gzip-compressed CSV) into a table, by ``ColumnarCSVReader``.
    public init(contentsOf path: String, displayName: String? = nil) throws {
        self = try ColumnarCSVReader.read(path: path, displayName: displayName)
    }

    /// The column called `name`, or an error suggesting the closest name.
    public func column(_ name: String) throws -> Column {
        if let c = columns.first(where: { $0.name == name }) { return c }
        throw DataError.unknownColumn(path: source, name: name, suggestion: closestName(to: name))
    }

    /// The location of a cell, for messages.
    public func location(row: Int, column: String) -> CellLocation {
        CellLocation(file: source, row: (fileRows?[row] ?? firstRow + row) + 1, line: lines[row], column: column)
    }

    /// The column name closest to `name` by edit distance (ignoring case), if reasonably close.
    public func closestName(to name: String) -> String? { Self.closestName(to: name, among: names) }

    /// The name among `names` closest to `name` by edit distance (ignoring case), if reasonably close.
    public static func closestName(to name: String, among names: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (String, Int)? = nil
        for c in names {
            let d = Self.editDistance(target, Array(c.lowercased()))
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (n, d) = best, d <= max(2, target.count / 2) else { return nil }
        return n
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
