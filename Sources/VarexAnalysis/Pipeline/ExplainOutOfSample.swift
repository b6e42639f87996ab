import Varex
#if canImport(Glibc)
import Glibc
#endif

/// The rows an explain run excluded on request, decomposed as the fit's own rows are, with the
/// fit's coefficients and column means: expected value, group effects, justified level and
/// unjustified amount (on the reporting scale), and `predict.lm`'s interval. They are out of
/// sample: not ranked and not in the totals.
public struct ExplainOutOfSample: Sendable {
    /// The table rows decomposed, in order.
    public let rows: [Int]
    /// Excluded rows that cannot be (a missing predictor, a category the fit never saw).
    public let notes: [Int: String]
    public let observed: [Double]
    public let fitted: [Double]
    /// effects[g][k] (percentages for a log response).
    public let effects: [[Double]]
    public let justified: [Double]
    public let unjustified: [Double]
    public let residual: [Double]
    public let unjustifiedPercent: [Double]
    public let predictionLow: [Double]
    public let predictionHigh: [Double]
    /// Each row's scale value (`--scale`), NaN where it has none.
    public let scale: [Double]?

    init(run: ModelRun, decomposition d: Decomposition, retransformed r: Retransformation?, scale: String?) throws {
        let o = try run.outOfSample()
        let coded = o.coded
        let (modelEffects, modelFitted) = d.outOfSample(coded, fit: run.fit)
        let m = coded.rows.count
        let modelObserved = coded.observed.map { $0.map { Double($0) } } ?? [Double](repeating: .nan, count: m)
        let justifiedGroups = d.justifiedGroups
        let modelJustified = (0..<m).map { k in
            d.grouping.groups.indices.reduce(d.baseline) { justifiedGroups.contains($1) ? $0 + modelEffects[$1][k] : $0 }
        }
        rows = coded.rows
        notes = coded.notes
        if let r {
            let lb = log(r.base)
            func power(_ x: Double) -> Double { exp(x * lb) }
            observed = modelObserved.map(power)
            fitted = modelFitted.map { r.smearing * power($0) }
            effects = modelEffects.map { $0.map { 100 * (power($0) - 1) } }
            justified = modelJustified.map { r.smearing * power($0) }
            unjustified = Unjustified.values(justified: modelJustified, originalObserved: observed, base: r.base, smearing: r.smearing)
            predictionLow = o.predictions.map { power($0.predictionLow) }
            predictionHigh = o.predictions.map { power($0.predictionHigh) }
        } else {
            observed = modelObserved
            fitted = modelFitted
            effects = modelEffects
            justified = modelJustified
            unjustified = Unjustified.values(justified: modelJustified, observed: modelObserved, retransformed: nil)
            predictionLow = o.predictions.map(\.predictionLow)
            predictionHigh = o.predictions.map(\.predictionHigh)
        }
        residual = zip(observed, fitted).map { $0 - $1 }
        unjustifiedPercent = zip(unjustified, justified).map { 100 * $0 / $1 }
        if let scale {
            let c = try run.table.column(scale)
            self.scale = coded.rows.map { r in
                c.isMissing[r] || c.kind == .text || !(c.values[r] > 0) || !c.values[r].isFinite ? .nan : Double(c.values[r])
            }
        } else {
            self.scale = nil
        }
    }

    /// The per-head columns to multiply by the scale, as ``ExplainRows/perHead`` names them.
    func perHead(baseline: Double, logResponse: Bool) -> [[Double]] {
        let m = rows.count
        var columns: [[Double]] = [observed, fitted, [Double](repeating: baseline, count: m)]
        if !logResponse { columns += effects }
        columns += [justified, unjustified, residual, predictionLow, predictionHigh]
        return columns
    }
}
