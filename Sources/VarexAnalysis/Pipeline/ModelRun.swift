import Varex
/// One model run, from files to a fit, with every check made once: read the data, join the
/// other files by the id, check the ids, leave out the excluded rows, build the design and fit.
/// `fit`, `explain`, `rank`, `report`, `snapshot` and `verify` all start here, so none of them
/// can skip a check another makes.
public struct ModelRun: Sendable {
    public let request: FitRequest
    /// The data with the joined columns.
    public let table: Table
    /// What each join matched (ids found in one file only).
    public let joinReports: [JoinReport]
    /// One id per table row (the id column, or row numbers).
    public let ids: [String]
    /// The label column's cells, when asked for.
    public let labels: [String]?
    public let formula: Formula
    public let fit: LinearFit

    /// Runs `request`; `preloaded` is the data already read (the demo adds a computed column).
    public init(_ request: FitRequest, table preloaded: Table? = nil) throws {
        guard request.level > 0, request.level < 1 else { throw RequestError.invalidLevel(request.level) }
        guard request.tolerance > 0, request.tolerance < 1 else { throw RequestError.invalidTolerance(request.tolerance) }
        let formula = try Formula(request.formula)
        var table = try preloaded ?? Table(contentsOf: request.dataPath)
        var reports: [JoinReport] = []
        if !request.joins.isEmpty {
            guard let key = request.id else { throw RequestError.joinNeedsID }
            (table, reports) = try table.joined(withFiles: request.joins, on: key)
        }
        let ids = try table.ids(column: request.id)
        let labels = try request.label.map { try table.column($0).cells }
        for column in request.keep { _ = try table.column(column) }
        let excluded = try Self.excludedRows(ids: ids, exclude: request.exclude)
        let design = try DesignMatrix(formula: formula, table: table,
                                      options: DesignOptions(references: request.references, weights: request.weights, excluded: excluded))
        self.request = request
        self.table = table
        self.joinReports = reports
        self.ids = ids
        self.labels = labels
        self.formula = formula
        self.fit = try LinearModel.fit(design, tolerance: request.tolerance)
    }

    /// The rows to leave out for excluded ids, with the reason; an unknown id is an error.
    static func excludedRows(ids: [String], exclude: [String]) throws -> [Int: String] {
        var index: [String: Int] = [:]
        for (row, id) in ids.enumerated() where index[id] == nil { index[id] = row }
        var rows: [Int: String] = [:]
        for id in exclude {
            guard let row = index[id] else { throw ExplainError.unknownExcludedID(id) }
            rows[row] = "excluded"
        }
        return rows
    }

    /// The columns a user asked to keep beside the results (`--keep`), as (name, cells).
    public var keptColumns: [(name: String, cells: [String])] {
        request.keep.compactMap { name in (try? table.column(name)).map { (name, $0.cells) } }
    }
}
