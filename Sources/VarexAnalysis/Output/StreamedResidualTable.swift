import Varex

/// The residual table of a fit read in blocks (`fit --stream --residuals`), made row by row from
/// one more pass over the file, in the in-memory table's columns: the id, the label and kept
/// columns, the measures, the chosen DFBETAS, `influential` and `note`. A row left out on
/// request is predicted out of sample, as in memory; any other row left out gives its reason.
public struct StreamedResidualTable {
    public let header: [String]
    let fit: StreamingFit
    let open: () throws -> CSVBlockReader
    let level: Double
    let id: String?
    let lead: [String]
    let dfbetas: [Int]

    /// `lead`: the label and kept columns, each a column of the (joined) blocks.
    public init(fit: StreamingFit, open: @escaping () throws -> CSVBlockReader, level: Double, id: String?, lead: [String],
                dfbetas: [Int], columns: [String], path: String) throws {
        for name in lead where !columns.contains(name) { throw DataError.unknownColumn(path: path, name: name, suggestion: nil) }
        self.fit = fit
        self.open = open
        self.level = level
        self.id = id
        self.lead = lead
        self.dfbetas = dfbetas
        header = [id ?? "id"] + lead + ["observed", "fitted", "residual", "std_residual", "studentized_residual", "leverage",
                                        "cooks_distance", "dffits", "covratio", "pi_low", "pi_high"]
            + dfbetas.map { "dfbetas_" + fit.columnNames[$0] } + ["influential", "note"]
    }

    /// Calls `body` with each row's cells, in file order.
    public func eachRow(_ body: ([Cell]) throws -> Void) throws {
        var idColumn: Column? = nil
        var leadColumns: [Column] = []
        var idBlock = -1
        try fit.eachRow(open: open, level: level) { row, block, m, leftOut, predicted in
            if idBlock != block.firstRow {
                idColumn = try id.map { try block.column($0) }
                leadColumns = try lead.map { try block.column($0) }
                idBlock = block.firstRow
            }
            let r = row - block.firstRow
            var cells: [Cell] = [.text(idColumn.map { $0.cells[r] } ?? String(row + 1))] + leadColumns.map { .text($0.cells[r]) }
            if let m {
                cells += [.finite(m.observed), .finite(m.fitted), .finite(m.residual), .finite(m.standardized), .finite(m.studentized),
                          .finite(m.leverage), .finite(m.cooks), .finite(m.dffits), .finite(m.covratio), .finite(m.predictionLow),
                          .finite(m.predictionHigh)]
                cells += dfbetas.map { .finite(m.dfbetas[$0]) }
                cells += [.bool(m.influential), .text(m.leverage == 1 ? "leverage 1: the fit passes through this row" : "")]
            } else if let o = predicted {
                // Left out on request, predicted out of sample.
                cells += [.finite(o.observed), .finite(o.fitted), .finite(o.observed - o.fitted)]
                cells += [Cell](repeating: .empty, count: 6) + [.finite(o.predictionLow), .finite(o.predictionHigh)]
                cells += [Cell](repeating: .empty, count: dfbetas.count + 1) + [.text("out of sample: " + (leftOut ?? ""))]
            } else {
                cells += [Cell](repeating: .empty, count: header.count - 2 - lead.count)
                cells.append(.text("left out: " + (leftOut ?? "")))
            }
            try body(cells)
        }
    }

    /// The whole table, for a workbook: a file of more rows than a worksheet holds is an error
    /// before the pass, not a truncated sheet.
    public func table() throws -> OutputTable {
        try XLSXWriter.checkRows(fit.tableRowCount, sheet: "Residuals")
        var rows: [[Cell]] = []
        rows.reserveCapacity(fit.tableRowCount)
        try eachRow { rows.append($0) }
        return OutputTable(header: header, rows: rows)
    }
}
