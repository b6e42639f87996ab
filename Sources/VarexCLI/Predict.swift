import ArgumentParser
import Varex
import VarexAnalysis

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict from a saved model: fitted values with confidence and prediction intervals, as predict.lm (a GLM: predict.glm on both scales).",
        discussion: """
        Reads a model saved by `varex fit --save-model` and a CSV with the model's predictor \
        columns (the response may be absent). Every row of the CSV is written; a row with a missing \
        predictor, or a category the model was not fitted with, gets a note instead of numbers. \
        Intervals are predict.lm's: se_fit = √(x V xᵀ) with the model's covariance (classical \
        unless it was saved with --se), prediction variance se_fit² + σ²/w (w = 1, or --weights), \
        t quantiles on the model's residual degrees of freedom. A saved GLM gives predict.glm's \
        fit and se.fit on the response scale (columns fit, se_fit; the SE by the delta method) and \
        on the link scale (fit_link, se_fit_link), with a confidence interval made on the link \
        scale and carried to the response scale (z for binomial and Poisson, t otherwise). When \
        the CSV has the response, each row gets observed and error (observed − fit), and stderr \
        the RMSE (and, for a linear model, how many values fall inside their prediction intervals).

        Examples:
          varex fit fixtures/councils/asc_2018_19.csv --id code --formula "asc_net_spend_per_adult_gbp ~ imd_score + council_type" \\
            --save-model model.json
          varex predict model.json new_councils.csv --id code --out predictions.csv
        """
    )

    @Argument(help: "The model file written by `varex fit --save-model`.")
    var model: String

    @Argument(help: "A CSV with the model's predictor columns.")
    var data: String

    @OptionGroup var csv: CSVOptions

    @Option(help: "Confidence level of the intervals (default 0.95).")
    var level: Double = 0.95

    @Option(help: "Column of prediction-variance weights (the prediction variance is σ²/w), for a weighted model.")
    var weights: String?

    @OptionGroup var rows: RowOutputOptions

    func validate() throws {
        if !(level > 0 && level < 1) { throw ValidationError("--level \(level): the confidence level must lie strictly between 0 and 1") }
    }

    func run() throws {
        let a = try PredictionAnalysis(modelPath: model, dataPath: data, id: rows.id, level: level, weights: weights)
        try OutputFiles.check([rows.out])
        for w in a.warnings { Console.error("varex: warning: \(w)") }
        let missing = a.coded.notes.count
        Console.error("varex: \(a.predictions.count) of \(a.table.rowCount) rows predicted"
            + (missing > 0 ? "; \(missing) without a prediction (see the note column)" : ""))
        if let acc = a.accuracy {
            let pct = NumberFormat.significant(a.level * 100, 4)
            Console.error("varex: against the \(acc.n) observed values in the file: RMSE \(NumberFormat.significant(acc.rmse, 5))"
                + (acc.covered.map { "; \($0) of \(acc.n) (\(NumberFormat.significant(100 * Double($0) / Double(acc.n), 3))%) inside their \(pct)% prediction intervals" } ?? ""))
        }
        let labels = try rows.label.map { Array(try a.table.column($0).cells) }
        let table = a.table(idName: rows.id ?? "id", labels: labels, labelName: rows.label)
        try OutputFiles.write([(rows.out, CSVWriter.render(table, dialect: csv.dialect()))])
    }
}
