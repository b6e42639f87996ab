/// What a join found: ids present in one file only, and columns of the right file left out
/// because the left file already has a column of that name.
public struct JoinReport: Sendable, Equatable {
    public let file: String
    public let onlyInLeft: [String]
    public let onlyInRight: [String]
    public let skippedColumns: [String]

    /// One line for stderr, or nil when the files match exactly.
    public var message: String? {
        var parts: [String] = []
        if !onlyInLeft.isEmpty { parts.append("\(onlyInLeft.count) id\(onlyInLeft.count == 1 ? "" : "s") not in \(file) (\(Self.sample(onlyInLeft))); their new columns are missing") }
        if !onlyInRight.isEmpty { parts.append("\(onlyInRight.count) id\(onlyInRight.count == 1 ? "" : "s") only in \(file) (\(Self.sample(onlyInRight))), not used") }
        if !skippedColumns.isEmpty { parts.append("columns already present kept from the main file: \(skippedColumns.joined(separator: ", "))") }
        return parts.isEmpty ? nil : "join \(file): " + parts.joined(separator: "; ")
    }

    static func sample(_ ids: [String]) -> String {
        ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", …" : "")
    }
}

extension Table {
    /// A table with the given columns and row lines (for derived tables).
    init(source: String, columns: [Column], lines: [Int]) {
        self.source = source
        self.columns = columns
        self.lines = lines
    }

    /// This table with `other`'s columns added, matched on the column `key` of both (a left
    /// join: every row here stays, in order). Ids must be unique and present in both files;
    /// with `manyToOne`, an id may repeat here (a panel's unit in every period) and each of its
    /// rows takes the other file's one row.
    public func joined(with other: Table, on key: String, manyToOne: Bool = false) throws -> (table: Table, report: JoinReport) {
        let leftKey = try column(key)
        let rightKey = try other.column(key)
        var index: [String: Int] = [:]
        for (i, id) in rightKey.cells.enumerated() {
            if rightKey.isMissing[i] { throw DataError.missingID(other.location(row: i, column: key)) }
            if let first = index[id] { throw DataError.duplicateID(other.location(row: i, column: key), id: id, firstRow: first + 1) }
            index[id] = i
        }
        var seen = Set<String>()
        for (i, id) in leftKey.cells.enumerated() {
            if leftKey.isMissing[i] { throw DataError.missingID(location(row: i, column: key)) }
            guard seen.insert(id).inserted || manyToOne else {
                throw DataError.duplicateID(location(row: i, column: key), id: id, firstRow: (leftKey.cells.firstIndex(of: id) ?? 0) + 1)
            }
        }
        let matches = leftKey.cells.map { index[$0] }
        var added: [Column] = []
        var skipped: [String] = []
        let present = Set(names)
        for c in other.columns where c.name != key {
            if present.contains(c.name) { skipped.append(c.name); continue }
            added.append(Column(name: c.name, cells: matches.map { $0.map { c.cells[$0] } ?? "" }))
        }
        var reported = Set<String>()
        let onlyLeft = leftKey.cells.filter { index[$0] == nil && reported.insert($0).inserted }
        let onlyRight = rightKey.cells.filter { !seen.contains($0) }
        let report = JoinReport(file: other.source, onlyInLeft: onlyLeft, onlyInRight: onlyRight, skippedColumns: skipped)
        var joined = Table(source: source, columns: columns + added, lines: lines)
        joined.firstRow = firstRow
        joined.fileRows = fileRows
        return (joined, report)
    }

    /// This table with each file's columns added in turn, matched on `key`; one report per file.
    public func joined(withFiles paths: [String], on key: String, manyToOne: Bool = false) throws -> (table: Table, reports: [JoinReport]) {
        var table = self
        var reports: [JoinReport] = []
        for path in paths {
            let (joined, report) = try table.joined(with: Table(contentsOf: path), on: key, manyToOne: manyToOne)
            table = joined
            reports.append(report)
        }
        return (table, reports)
    }

    /// This table with a numeric column appended (NaN for missing).
    public func adding(column name: String, values: [Double]) throws -> Table {
        precondition(values.count == rowCount)
        guard !names.contains(name) else { throw DataError.duplicateColumnName(path: source, name: name) }
        let cells = values.map { $0.isFinite ? NumberFormat.roundTrip($0) : "" }
        return Table(source: source, columns: columns + [Column(name: name, cells: cells)], lines: lines)
    }
}
