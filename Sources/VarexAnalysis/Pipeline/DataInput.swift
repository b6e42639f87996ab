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

    public init(path: String, joins: [String] = [], id: String? = nil, unit: String? = nil) {
        self.path = path
        self.joins = joins
        self.id = id
        self.unit = unit
    }

    /// The data read and joined, what each join found, and one id per row.
    public struct Loaded: Sendable {
        public let table: Table
        public let joinReports: [JoinReport]
        public let ids: [String]
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
        return Loaded(table: table, joinReports: reports, ids: ids)
    }
}
