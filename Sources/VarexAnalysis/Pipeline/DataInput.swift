import Varex

/// How every command reads its data: the file, then each other file joined on the id column
/// (on a panel's unit column, many-to-one), then the ids checked. Model runs (``ModelData``)
/// and `funnel`, `shrink`, `peers` and `index` all read through it, so a join behaves, and
/// fails, the same way everywhere.
public struct DataInput: Sendable {
    public var path: String
    public var joins: [String]
    /// The column naming each row (row numbers without one).
    public var id: String?
    /// A panel's unit column: files join on it, many rows to one.
    public var unit: String?
    /// Ids (units, for a panel: every row of each) to leave out.
    public var exclude: [String]
    /// A condition a row must meet to stay (R's `subset`).
    public var subset: String?
    /// An outcome index computed on the rows kept and added to the data as a column.
    public var index: IndexDefinition?

    public init(path: String, joins: [String] = [], id: String? = nil, unit: String? = nil, exclude: [String] = [], subset: String? = nil,
                index: IndexDefinition? = nil) {
        self.index = index
        self.path = path
        self.joins = joins
        self.id = id
        self.unit = unit
        self.exclude = exclude
        self.subset = subset
    }

    /// The data read and joined, what each join found, and one id per row.
    public struct Loaded: Sendable {
        public let table: Table
        public let joinReports: [JoinReport]
        public let ids: RowIDs
        /// The rows left out on request, with why: "excluded" (by id) or "outside the subset".
        public let leftOut: [Int: String]

        /// The rows kept, in file order.
        public var keptRows: [Int] { (0..<table.rowCount).filter { leftOut[$0] == nil } }
        /// The rows left out, in file order, with why (for a message).
        public var leftOutRows: [DroppedRow] { leftOut.sorted { $0.key < $1.key }.map { DroppedRow(row: $0.key, reason: $0.value) } }
        /// The table of the rows kept: for a command that computes on the kept rows only (its
        /// standardisation, its neighbours) and gives the rest back with ``OutputTable/restoring(ids:leftOut:labels:)``.
        public var keptTable: Table { leftOut.isEmpty ? table : table.selecting(rows: keptRows) }
        /// The ids of the rows kept.
        public var keptIDs: RowIDs { leftOut.isEmpty ? ids : ids.selecting(keptRows) }
    }

    /// Reads the data; `preloaded` is the table already read (the demo adds a column).
    public func read(preloaded: Table? = nil) throws -> Loaded {
        var table = try preloaded ?? Table(contentsOf: path)
        var reports: [JoinReport] = []
        if !joins.isEmpty {
            guard let key = unit ?? id else { throw RequestError.joinNeedsID }
            (table, reports) = try table.joined(withFiles: joins, on: key, manyToOne: unit != nil)
        }
        let ids = try table.ids(column: id == unit ? nil : id)
        let leftOut = try Self.leftOut(table: table, ids: try unit.map { RowIDs(cells: try table.column($0).cells) } ?? ids, exclude: exclude,
                                       subset: subset, everyRow: unit != nil)
        if let index {
            let kept = (0..<table.rowCount).filter { leftOut[$0] == nil }
            table = try table.adding(column: index.name, values: try index.values(table: table, kept: kept))
        }
        return Loaded(table: table, joinReports: reports, ids: ids, leftOut: leftOut)
    }

    /// The rows `exclude` names (an unknown id is an error; with `everyRow`, each id's every row)
    /// and those where `subset` is not TRUE, with why each is left out.
    static func leftOut(table: Table, ids: RowIDs, exclude: [String], subset: String?, everyRow: Bool) throws -> [Int: String] {
        var rows: [Int: String] = [:]
        if !exclude.isEmpty {
            var index: [String: [Int]] = [:]
            for (row, id) in ids.enumerated() { index[id, default: []].append(row) }
            for id in exclude {
                guard let found = index[id] else { throw ExplainError.unknownExcludedID(id) }
                for row in everyRow ? found : [found[0]] { rows[row] = "excluded" }
            }
        }
        if let subset {
            for (row, kept) in try RowFilter(subset).keeps(table).enumerated() where !kept && rows[row] == nil { rows[row] = "outside the subset" }
        }
        return rows
    }
}
