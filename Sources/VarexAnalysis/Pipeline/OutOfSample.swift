import Varex

/// Rows left out of a fit on request (`--exclude`), with what the model expects for them:
/// the coded rows and `predict.lm`'s prediction for each.
public struct OutOfSample: Sendable {
    public let coded: SchemaRows
    public let predictions: [Prediction]

    /// The note of a row left out on request: out of sample, or why it has no prediction.
    /// `why` is why it was left out ("excluded" by id, or "outside the subset").
    public static func note(_ reason: String?, why: String? = nil) -> String {
        let w = why ?? "excluded"
        return reason.map { "left out: \(w); no prediction: " + $0 } ?? "out of sample: \(w)"
    }
}
