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
    /// The table rows left out because their id was excluded, in order.
    public let excludedRows: [Int]

    /// Runs `request`; `preloaded` is the data already read (the demo adds a computed column).
    public init(_ request: FitRequest, table preloaded: Table? = nil) throws {
        let data = try ModelData(request, table: preloaded)
        self.request = request
        self.table = data.table
        self.joinReports = data.joinReports
        self.ids = data.ids
        self.labels = data.labels
        self.formula = data.formula
        self.excludedRows = data.excludedRows
        self.fit = try LinearModel.fit(data.design, tolerance: request.tolerance)
    }

    /// The rows to leave out for excluded ids, with the reason; an unknown id is an error.
    static func excludedRows(ids: [String], exclude: [String]) throws -> [Int: String] {
        try ModelData.excludedRows(ids: ids, exclude: exclude)
    }

    /// The excluded rows as the model sees them: coded by the fit's schema (a row with a
    /// missing predictor or a category the fit never saw has a note instead) and predicted with
    /// `predict.lm`'s intervals (the classical covariance; a weighted fit uses each row's weight
    /// where it has one).
    public func outOfSample() throws -> OutOfSample {
        let coded = try fit.design.schema.modelMatrix(table: table, rows: excludedRows)
        var weights: [Double]? = nil
        if let name = request.weights, let c = try? table.column(name) {
            weights = coded.rows.map { r in c.isMissing[r] || !(c.values[r] > 0) ? 1 : Double(c.values[r]) }
        }
        let predictions = try fit.predictor().predict(coded, level: request.level, weights: weights)
        return OutOfSample(coded: coded, predictions: predictions)
    }

    /// The columns a user asked to keep beside the results (`--keep`), as (name, cells).
    public var keptColumns: [(name: String, cells: [String])] {
        request.keep.compactMap { name in (try? table.column(name)).map { (name, $0.cells) } }
    }
}
