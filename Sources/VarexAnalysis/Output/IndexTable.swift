import Varex

extension IndexDefinition {
    /// The index's table as `varex index` writes it: per row the index, its components, the
    /// measures used and a note; with sensitivity, the rank columns; every row of the file in
    /// its place (those left out with why). Also says where each measure's sampling error came from.
    /// `marginOfError` and `counts` name a measure's error columns explicitly (`varex index --moe`,
    /// `--counts`); the sensitivity's `samplingError` finds the rest by name.
    public func table(_ loaded: DataInput.Loaded, id: String?, label: String?, marginOfError: [String: String] = [:],
                      counts: [String: (numerator: String, denominator: String)] = [:]) throws -> (table: OutputTable, errorSources: [MeasureErrorSource]) {
        let kept = loaded.keptTable
        let index = try OutcomeIndex(table: kept, measures: measures, weights: weights, normalisation: normalisation,
                                     minimumMeasures: minimumMeasures)
        let labels = try label.map { Array(try kept.column($0).cells) }
        var result = index.table(ids: loaded.keptIDs, idName: id ?? "id", indexName: name, labels: labels, labelName: label)
        var sources: [MeasureErrorSource] = []
        if let s = sensitivity {
            let sampled = s.samplingError || !marginOfError.isEmpty || !counts.isEmpty
            let found = sampled ? try SamplingErrors.find(table: kept, measures: measures.map(\.column), detect: s.samplingError,
                                                          marginOfError: marginOfError, counts: counts, values: index.values) : nil
            sources = found?.sources ?? []
            result = result.inserting(SensitivityTable.index(try Sensitivity.index(
                table: kept, measures: measures, weights: weights, normalisation: normalisation, draws: s.draws, spread: s.spread,
                seed: s.seed, minimumMeasures: minimumMeasures, errors: found?.perRow)))
        }
        let restored = result.restoring(ids: loaded.ids, leftOut: loaded.leftOut, labels: try label.map { Array(try loaded.table.column($0).cells) })
        return (restored, sources)
    }

}
