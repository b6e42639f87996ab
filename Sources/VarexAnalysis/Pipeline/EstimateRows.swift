import Varex
/// The rows of a table where an estimate and its precision (standard error, margin of error,
/// variance or denominator) are both present: the checks funnel plots and shrinkage share.
enum EstimateRows {
    /// Rows with both values, and the rows left out (missing); text, infinite or non-positive
    /// precision values are errors naming the cell; fewer than three usable rows is an error.
    /// Rows in `leftOut` (by `--exclude` or `--subset`) are left out first, with their reason.
    static func select(table: Table, estimate: String, precision: String,
                       leftOut: [Int: String] = [:]) throws -> (y: Column, p: Column, rows: [Int], dropped: [DroppedRow]) {
        let y = try table.column(estimate), p = try table.column(precision)
        for c in [y, p] where c.kind == .text {
            guard let bad = (0..<table.rowCount).first(where: { leftOut[$0] == nil && !c.isMissing[$0] && !c.values[$0].isFinite && !c.values[$0].isInfinite }) else { continue }
            throw DataError.notANumber(table.location(row: bad, column: c.name), text: c.cells[bad])
        }
        var rows: [Int] = [], dropped: [DroppedRow] = []
        for i in 0..<table.rowCount {
            if let why = leftOut[i] { dropped.append(DroppedRow(row: i, reason: why)); continue }
            if y.isMissing[i] { dropped.append(DroppedRow(row: i, reason: "missing \(y.name)")); continue }
            if p.isMissing[i] { dropped.append(DroppedRow(row: i, reason: "missing \(p.name)")); continue }
            if y.values[i].isInfinite { throw DataError.infiniteValue(table.location(row: i, column: y.name), text: y.cells[i]) }
            guard p.values[i] > 0, p.values[i].isFinite else {
                throw ExplainError.precisionNotPositive(table.location(row: i, column: p.name), text: p.cells[i])
            }
            rows.append(i)
        }
        guard rows.count >= 3 else { throw ExplainError.tooFewUnits(column: y.name, count: rows.count) }
        return (y, p, rows, dropped)
    }
}
