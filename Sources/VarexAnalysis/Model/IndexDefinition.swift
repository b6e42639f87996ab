import Varex

/// An outcome index as part of an analysis (the spec's `index:`): its measures with their
/// directions, weights, normalisation, the fewest measures a row needs, and the sensitivity of
/// its ranks. The analysis computes it on the rows it keeps (after `exclude` and `subset`, as
/// `varex index` does with the same flags) and adds it to the data as the column `name`, so a
/// formula can use it; `snapshot` writes its table, so `verify` covers it.
///
/// ```yaml
/// index:
///   name: outcome_index
///   measures: {ascof_1a: +, ascof_3a: +, ascof_2a2: -}
///   weights: {ascof_1a: 2}
///   normalisation: z
///   min_measures: 2
///   sensitivity: {draws: 500, weight_spread: 0.2, seed: 7, sampling_error: auto}
/// ```
public struct IndexDefinition: Sendable, Equatable {
    /// How the index's ranks are tested: random weights (and, with `samplingError`, each
    /// measure's sampling error drawn with them).
    public struct SensitivitySettings: Sendable, Equatable {
        public var draws: Int
        public var spread: Double
        public var seed: UInt64
        public var samplingError: Bool
        public init(draws: Int, spread: Double = 0.2, seed: UInt64 = 1, samplingError: Bool = false) {
            self.draws = draws
            self.spread = spread
            self.seed = seed
            self.samplingError = samplingError
        }
    }

    public var name: String
    public var measures: [Measure]
    public var weights: [String: Double]
    public var normalisation: Normalisation
    public var minimumMeasures: Int
    public var sensitivity: SensitivitySettings?

    public init(name: String = "outcome_index", measures: [Measure], weights: [String: Double] = [:], normalisation: Normalisation = .z,
                minimumMeasures: Int = 1, sensitivity: SensitivitySettings? = nil) {
        self.name = name
        self.measures = measures
        self.weights = weights
        self.normalisation = normalisation
        self.minimumMeasures = minimumMeasures
        self.sensitivity = sensitivity
    }

    /// The index over the `kept` rows of `table` (NaN on the rest), one value per row.
    public func values(table: Table, kept: [Int]) throws -> [Double] {
        let index = try OutcomeIndex(table: kept.count == table.rowCount ? table : table.selecting(rows: kept), measures: measures,
                                     weights: weights, normalisation: normalisation, minimumMeasures: minimumMeasures)
        var out = [Double](repeating: .nan, count: table.rowCount)
        for (k, row) in kept.enumerated() { out[row] = index.index[k] }
        return out
    }

    /// The definition in words, for a page's notes and a workbook's provenance.
    public var description: [String] {
        let total = measures.map { weights[$0.column] ?? 1 }.reduce(0, +)
        let parts = measures.map { m in
            let w = weights[m.column] ?? 1
            return "\(m.column) (\(m.higherIsBetter ? "higher is better" : "lower is better"), weight \(NumberFormat.significant(w / total, 3)))"
        }
        let how: String
        switch normalisation {
        case .z: how = "each measure standardised (z-scores over the councils kept)"
        case .minmax: how = "each measure rescaled to 0–1 (min–max over the councils kept)"
        case .rank: how = "each measure's rank over the councils kept, scaled to 0–1"
        }
        var lines = ["Index \(name): the weighted mean of \(measures.count) measures, \(how), signed so that higher is better: "
                     + parts.joined(separator: "; ") + ". A council needs at least \(minimumMeasures) of them; with fewer, the weights of those it has are used."]
        if let s = sensitivity {
            lines.append("Index sensitivity: \(s.draws) draws of the weights (Dirichlet, spread \(NumberFormat.significant(s.spread, 3)))"
                         + (s.samplingError ? " with each measure's sampling error" : "") + ", seed \(s.seed).")
        }
        return lines
    }
}
