import Varex

extension OutcomeIndex {
    /// The index as a table: the id column (and a label column), the index, each component, the
    /// count and the note.
    public func table(ids: RowIDs, idName: String, indexName: String = "outcome_index",
                      labels: [String]? = nil, labelName: String? = nil) -> OutputTable {
        let header = [idName] + (labelName.map { [$0] } ?? []) + [indexName] + measures.map { "\($0.column)_\(normalisation.rawValue)" }
            + ["measures_used", "note"]
        let rows: [[Cell]] = ids.indices.map { i in
            [.text(ids[i])] + (labels.map { [.text($0[i])] } ?? []) + [.finite(index[i])] + components.map { .finite($0[i]) }
                + [.integer(measuresUsed[i]), .text(notes[i])]
        }
        return OutputTable(header: header, rows: rows)
    }
}
