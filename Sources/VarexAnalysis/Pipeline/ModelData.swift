import Varex

/// Everything a model run does before the fit: read the data, join the other files by the id,
/// check the ids, leave out the excluded rows and build the design. The linear and the
/// generalized linear runs both start here.
public struct ModelData: Sendable {
    public let request: FitRequest
    public let table: Table
    public let joinReports: [JoinReport]
    public let ids: [String]
    public let labels: [String]?
    public let formula: Formula
    public let design: DesignMatrix
    public let excludedRows: [Int]

    public init(_ request: FitRequest, table preloaded: Table? = nil) throws {
        guard request.level > 0, request.level < 1 else { throw RequestError.invalidLevel(request.level) }
        guard request.tolerance > 0, request.tolerance < 1 else { throw RequestError.invalidTolerance(request.tolerance) }
        var table = try preloaded ?? Table(contentsOf: request.dataPath)
        var reports: [JoinReport] = []
        if !request.joins.isEmpty {
            guard let key = request.id else { throw RequestError.joinNeedsID }
            (table, reports) = try table.joined(withFiles: request.joins, on: key)
        }
        // `y ~ .`: every column of the (joined) data but the id and the label.
        let formula = try Formula(request.formula, dot: table.names.filter { $0 != request.id && $0 != request.label })
        let ids = try table.ids(column: request.id)
        let labels = try request.label.map { try table.column($0).cells }
        for column in request.keep { _ = try table.column(column) }
        let excluded = try Self.excludedRows(ids: ids, exclude: request.exclude)
        self.excludedRows = excluded.keys.sorted()
        self.design = try DesignMatrix(formula: formula, table: table,
                                       options: DesignOptions(references: request.references, weights: request.weights, excluded: excluded,
                                                              clusters: request.clusters))
        self.request = request
        self.table = table
        self.joinReports = reports
        self.ids = ids
        self.labels = labels
        self.formula = formula
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
}
