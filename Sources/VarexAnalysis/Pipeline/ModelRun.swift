import Varex
import VarexLinearAlgebra
/// One model run, from files to a fit, with every check made once: read the data, join the
/// other files by the id, check the ids, leave out the excluded rows, build the design and fit.
/// `fit`, `explain`, `rank`, `report`, `snapshot` and `verify` all start here, so none of them
/// can skip a check another makes.
public struct ModelRun: Sendable {
    /// Everything before the fit: the request, the joined table, ids, labels, formula, design.
    public let data: ModelData
    public let fit: LinearFit

    public var request: FitRequest { data.request }
    /// The data with the joined columns.
    public var table: Table { data.table }
    /// What each join matched (ids found in one file only).
    public var joinReports: [JoinReport] { data.joinReports }
    /// One id per table row (the id column, or row numbers).
    public var ids: RowIDs { data.ids }
    /// The label column's cells, when asked for.
    public var labels: [String]? { data.labels }
    public var formula: Formula { data.formula }
    /// The table rows left out because their id was excluded, in order.
    public var excludedRows: [Int] { data.excludedRows }

    /// Runs `request`; `preloaded` is the data already read (the demo adds a computed column).
    public init(_ request: FitRequest, table preloaded: Table? = nil) throws {
        data = try ModelData(request, table: preloaded)
        fit = try LinearModel.fit(data.design, tolerance: request.tolerance)
    }

    /// The excluded rows as the model sees them: coded by the fit's schema (a row with a
    /// missing predictor or a category the fit never saw has a note instead) and predicted with
    /// `predict.lm`'s intervals (the classical covariance; a weighted fit uses each row's weight
    /// where it has one).
    public func outOfSample() throws -> OutOfSample {
        // An absorbed fit's excluded rows would need their levels' effects: not decomposed, said so.
        if fit.design.absorbed != nil {
            let none = SchemaRows(rows: [], x: ExtendedMatrix(rows: 0, columns: fit.coefficients.count, columnMajor: []), observed: nil,
                                  notes: Dictionary(uniqueKeysWithValues: excludedRows.map {
                                      ($0, "an absorbed fit's rows left out are not decomposed out of sample (predict them with --save-model)")
                                  }))
            return OutOfSample(coded: none, predictions: [])
        }
        let coded = try fit.design.schema.modelMatrix(table: table, rows: excludedRows)
        var weights: [Double]? = nil
        if let name = request.weights, let c = try? table.column(name) {
            weights = coded.rows.map { r in c.isMissing[r] || !(c.values[r] > 0) ? 1 : Double(c.values[r]) }
        }
        let predictions = try fit.predictor().predict(coded, level: request.level, weights: weights)
        return OutOfSample(coded: coded, predictions: predictions)
    }

    /// The columns a user asked to keep beside the results (`--keep`), as (name, cells).
    public var keptColumns: [(name: String, cells: [String])] { data.keptColumns }
}
