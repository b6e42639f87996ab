import Varex

extension ShrinkageAnalysis {
    /// Every table row: `id, [label,] estimate, se, shrunken, posterior_sd, shrinkage_factor,
    /// rank_raw, rank_shrunken, note` (ranks: 1 = highest).
    public func table(ids: RowIDs, idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        let s = shrinkage
        let raw = Ranking.competition(s.estimates, descending: true), shrunk = Ranking.competition(s.shrunken, descending: true)
        let cells: [[Cell]] = rows.indices.map { k in
            [.finite(s.estimates[k]), .finite(s.variances[k].squareRoot()), .finite(s.shrunken[k]), .finite(s.posteriorSD[k]),
             .finite(s.shrinkageFactor[k]), .integer(raw[k]), .integer(shrunk[k])]
        }
        return .perRow(ids: ids, idName: idName, labels: labels, labelName: labelName,
                       columns: ["estimate", "se", "shrunken", "posterior_sd", "shrinkage_factor", "rank_raw", "rank_shrunken"],
                       used: rows, cells: cells, leftOut: leftOut)
    }
}
