/// Which rows of a file read in blocks take part in a fit, as in memory: R's `subset` (a row
/// where the condition is not TRUE is left out, "outside the subset") and rows left out by their
/// id ("excluded"; ids from the id column, or row numbers 1…n without one). Every pass over the
/// file applies the same selection, so each sees the fit's rows.
public struct StreamRowSelection: Sendable, Equatable {
    public let subset: RowFilter?
    public let exclude: Set<String>
    /// The column of ids `exclude` names (nil: row numbers).
    public let idColumn: String?

    public init(subset: RowFilter? = nil, exclude: [String] = [], idColumn: String? = nil) {
        self.subset = subset
        self.exclude = Set(exclude)
        self.idColumn = idColumn
    }

    /// Whether every row is kept.
    public var keepsEveryRow: Bool { subset == nil && exclude.isEmpty }

    /// The block's rows left out (0-based within the block), with why; `found` collects the
    /// excluded ids seen so far, so a file that lacks one can be told after the last block.
    func leftOut(_ block: Table, found: inout Set<String>) throws -> [Int: String] {
        var rows: [Int: String] = [:]
        if !exclude.isEmpty {
            let ids: [String]
            if let idColumn { ids = Array(try block.column(idColumn).cells) } else {
                ids = (0..<block.rowCount).map { String(block.firstRow + $0 + 1) }
            }
            for (r, id) in ids.enumerated() where exclude.contains(id) {
                rows[r] = "excluded"
                found.insert(id)
            }
        }
        if let subset {
            for (r, kept) in try subset.keeps(block).enumerated() where !kept && rows[r] == nil { rows[r] = "outside the subset" }
        }
        return rows
    }
}
