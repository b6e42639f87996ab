import ArgumentParser
import Varex

/// The options every model-fitting command shares (`fit`, `explain`).
struct ModelOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The model formula, e.g. \"y ~ x1 + log(x2) + C(group)\".")
    var formula: String

    @Option(help: "Column that identifies each row (default: row number); the key for --join.")
    var id: String?

    @Option(help: "Column of case weights for weighted least squares (zero weights leave the row out).")
    var weights: String?

    @Option(help: "Standard errors: classical, HC0, HC1, HC2 or HC3.")
    var se: String = "classical"

    @Option(help: "Confidence level for intervals.")
    var level: Double = 0.95

    @Option(help: "Reference level of a categorical variable, as VARIABLE=LEVEL (repeatable).")
    var reference: [String] = []

    @Option(help: "Relative tolerance below which a column counts as aliased (R's lm uses 1e-7).")
    var tol: Double = 1e-10

    func request(data: String) throws -> FitRequest {
        guard let covariance = CovarianceType(name: se) else {
            throw ValidationError("--se \(se): expected classical, HC0, HC1, HC2 or HC3")
        }
        return FitRequest(dataPath: data, formula: formula, id: id, weights: weights, covariance: covariance,
                          level: level, references: try FitAnalysis.parseReferences(reference), tolerance: tol)
    }
}
