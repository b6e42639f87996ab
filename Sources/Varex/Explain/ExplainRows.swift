#if canImport(Glibc)
import Glibc
#endif

/// The per-row results of an explain run for the rows the fit used, on the reporting scale (the
/// original scale for a log response), as typed values: what every writer and every summary
/// reads, so that none has to find a number in a formatted table.
public struct ExplainRows: Sendable {
    public let observed: [Double]
    public let fitted: [Double]
    public let baseline: Double
    /// effects[g][i]: group g's effect on row i (a percentage for a log response).
    public let effects: [[Double]]
    /// Whether `effects` are percentages (log response).
    public let effectsArePercentages: Bool
    public let justified: [Double]
    public let unjustified: [Double]
    public let residual: [Double]
    /// 100 × unjustified / justified.
    public let unjustifiedPercent: [Double]
    public let studentized: [Double]
    public let predictionLow: [Double]
    public let predictionHigh: [Double]
    /// Competition ranks of `unjustified`: 1 is the largest (the smallest when higher is better).
    public let ranks: [Int]
    /// The scale value of each row (`--scale`), if any.
    public let scale: [Double]?
    /// For pounds: the per-head columns to multiply by the scale, (name, values).
    public let perHead: [(name: String, values: [Double])]

    public init(fit: LinearFit, decomposition d: Decomposition, retransformed: Retransformation?, scale: [Double]?,
                higherIsBetter: Bool, level: Double) throws {
        let groups = d.grouping.groups
        let infl = try InfluenceMeasures(fit: fit)
        let pi = fit.predictionIntervals(level: level, leverage: infl.leverage)
        let n = fit.n
        observed = retransformed?.observed ?? d.observed
        fitted = retransformed?.fitted ?? d.fitted
        baseline = retransformed?.baseline ?? d.baseline
        justified = retransformed?.justified ?? d.justified
        unjustified = retransformed?.unjustified ?? d.unjustified
        residual = (0..<n).map { [observed, fitted] in observed[$0] - fitted[$0] }
        var low = pi.low, high = pi.high
        if let r = retransformed {
            let lb = log(r.base)
            low = low.map { exp($0 * lb) }
            high = high.map { exp($0 * lb) }
        }
        predictionLow = low
        predictionHigh = high
        effects = retransformed?.effectPercent ?? d.effects
        effectsArePercentages = retransformed != nil
        unjustifiedPercent = (0..<n).map { [unjustified, justified] in 100 * unjustified[$0] / justified[$0] }
        studentized = infl.studentized
        ranks = Ranking.competition(unjustified, descending: !higherIsBetter)
        self.scale = scale
        var columns: [(String, [Double])] = [("observed", observed), ("fitted", fitted), ("baseline", [Double](repeating: baseline, count: n))]
        if retransformed == nil { columns += groups.enumerated().map { g, group in ("effect_" + group.name, d.effects[g]) } }
        columns += [("justified", justified), ("unjustified", unjustified), ("residual", residual), ("pi_low", low), ("pi_high", high)]
        perHead = columns.map { (name: $0.0, values: $0.1) }
    }
}
