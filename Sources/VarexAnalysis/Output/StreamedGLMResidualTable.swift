import Varex

/// The residual table of a GLM fitted in blocks (`fit --stream --family --residuals`), made row
/// by row from one more pass, in the in-memory GLM table's columns (``GLMAnalysis/residuals(dfbetas:)``):
/// the id, the label and kept columns, the measures, the chosen DFBETAS and `note`.
public struct StreamedGLMResidualTable {
    public let header: [String]
    let fit: StreamingGLM
    let open: () throws -> CSVBlockReader
    let id: String?
    let lead: [String]
    let dfbetas: [Int]

    /// `lead`: the label and kept columns, each a column of the (joined) blocks.
    public init(fit: StreamingGLM, open: @escaping () throws -> CSVBlockReader, id: String?, lead: [String], dfbetas: [Int],
                columns: [String], path: String) throws {
        for name in lead where !columns.contains(name) { throw DataError.unknownColumn(path: path, name: name, suggestion: nil) }
        self.fit = fit
        self.open = open
        self.id = id
        self.lead = lead
        self.dfbetas = dfbetas
        header = [id ?? "id"] + lead + ["observed", "fitted", "linear_predictor", "response_residual", "pearson_residual", "deviance_residual",
                                        "working_residual", "leverage", "cooks_distance", "std_deviance_residual", "std_pearson_residual",
                                        "prior_weight"]
            + dfbetas.map { "dfbetas_" + fit.columnNames[$0] } + ["note"]
    }

    /// Calls `body` with each row's cells, in file order (a row left out with its reason).
    public func eachRow(_ body: ([Cell]) throws -> Void) throws {
        try fit.eachBlock(open: open, pass: "residuals' pass") { block, design, rows in
            let idColumn = try id.map { try block.column($0) }
            let leadColumns = try lead.map { try block.column($0) }
            var reasons = [Int: String]()
            for d in design.dropped { reasons[d.row] = d.reason }
            var i = 0
            for r in 0..<block.rowCount {
                var cells: [Cell] = [.text(idColumn.map { $0.cells[r] } ?? String(block.firstRow + r + 1))] + leadColumns.map { .text($0.cells[r]) }
                guard i < design.rows.count, design.rows[i] == r else {
                    cells += [Cell](repeating: .empty, count: header.count - 2 - lead.count)
                    cells.append(.text("left out: " + (reasons[r] ?? "")))
                    try body(cells)
                    continue
                }
                let row = rows[i]
                let m = fit.measures(row)
                cells += [row.y, row.mu, row.eta, row.y - row.mu, m.pearson, m.deviance, row.workingResidual, row.leverage, m.cooks,
                          m.stdDeviance, m.stdPearson, row.prior].map { .finite($0) }
                cells += dfbetas.map { .finite(m.dfbetas[$0]) }
                cells.append(.text(""))
                try body(cells)
                i += 1
            }
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
