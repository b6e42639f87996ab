import Varex

/// Rows left out of a fit on request (`--exclude`), with what the model expects for them:
/// the coded rows and `predict.lm`'s prediction for each.
public struct OutOfSample: Sendable {
    public let coded: SchemaRows
    public let predictions: [Prediction]

    /// The note of an excluded row: out of sample, or why it has no prediction.
    public static func note(_ reason: String?) -> String {
        reason.map { "left out: excluded; no prediction: " + $0 } ?? "out of sample: excluded"
    }
}
