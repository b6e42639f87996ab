import Varex

/// `varex predict`: a saved model applied to the rows of a CSV. Every row of the file appears;
/// a row without a prediction (a missing predictor, a category the model never saw) has a note.
public struct PredictionAnalysis: Sendable {
    public let model: SavedModel
    public let predictor: LinearPredictor
    public let table: Table
    public let ids: [String]
    public let coded: SchemaRows
    public let predictions: [Prediction]
    public let level: Double
    /// R's warnings for the same `predict.lm` call, in its words.
    public let warnings: [String]

    /// Predicts the rows of `dataPath` from the model saved at `modelPath`; `weights` names a
    /// column of prediction-variance weights (σ̂²/w), for a weighted model.
    public init(modelPath: String, dataPath: String, id: String?, level: Double, weights: String?) throws {
        guard level > 0, level < 1 else { throw RequestError.invalidLevel(level) }
        model = try SavedModel(contentsOf: modelPath)
        predictor = try model.predictor(path: modelPath)
        table = try Table(contentsOf: dataPath)
        ids = try table.ids(column: id)
        var coded = try predictor.schema.modelMatrix(table: table)
        var w: [Double]? = nil
        if let weights {
            let c = try table.column(weights)
            var notes = coded.notes
            for r in coded.rows {
                if c.isMissing[r] { notes[r] = "missing \(weights)" }
                else if c.kind == .text || !(c.values[r] > 0) || !c.values[r].isFinite {
                    throw ExplainError.notPositive(what: "the prediction weight in \(table.location(row: r, column: weights))",
                                                   value: Double(c.values[r]))
                }
            }
            coded = coded.keeping { notes[$0] == nil }
            coded = SchemaRows(rows: coded.rows, x: coded.x, observed: coded.observed, notes: notes, offset: coded.offset)
            w = coded.rows.map { Double(c.values[$0]) }
        }
        self.coded = coded
        self.level = level
        predictions = predictor.predict(coded, level: level, weights: w)
        var warnings: [String] = []
        if predictor.isRankDeficient { warnings.append("prediction from a rank-deficient fit may be misleading") }
        if model.weights != nil && weights == nil {
            warnings.append("Assuming constant prediction variance even though model fit is weighted")
        }
        self.warnings = warnings
    }

    /// One row per input row: id, the fitted value, its standard error, the confidence and
    /// prediction intervals, and a note for a row without a prediction.
    public func table(idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        let pct = NumberFormat.significant(level * 100, 4)
        let columns = ["fit", "se_fit", "ci\(pct)_low", "ci\(pct)_high", "pi\(pct)_low", "pi\(pct)_high"]
        let cells: [[Cell]] = predictions.map { p in
            [.finite(p.fit), .finite(p.standardError), .finite(p.confidenceLow), .finite(p.confidenceHigh),
             .finite(p.predictionLow), .finite(p.predictionHigh)]
        }
        let noPrediction = coded.notes.sorted { $0.key < $1.key }.map { DroppedRow(row: $0.key, reason: $0.value) }
        var out = OutputTable.perRow(ids: ids, idName: idName, labels: labels, labelName: labelName, columns: columns,
                                     used: coded.rows, cells: cells, leftOut: [])
        for d in noPrediction { out.rows[d.row][out.header.count - 1] = .text("no prediction: " + d.reason) }
        return out
    }
}
