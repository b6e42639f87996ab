import Varex
import VarexLinearAlgebra

/// The per-unit residual table: one row per input row, in input order, keyed by an id.
///
/// Columns: `id, observed, fitted, residual, std_residual, studentized_residual, leverage,
/// cooks_distance, dffits, covratio, pi_low, pi_high, dfbetas_<term>..., influential, note`; the
/// DFBETAS columns as ``DFBetasChoice`` picks them (`influential` always looks at all of them).
/// Rows left out of the fit keep their id, have empty numbers and give the reason in `note`;
/// rows excluded on request are out of sample: the model's prediction for them (observed,
/// fitted, the prediction error as residual, the prediction interval), noted as such.
public enum ResidualTable {
    /// Builds the table. `ids` holds one id per table row.
    /// `labels` and `kept` are columns of the input shown after the id (name and cells).
    /// Rows excluded on request (`outOfSample`) get the model's prediction: observed (where the
    /// row has the response), fitted, residual (the prediction error) and the prediction interval,
    /// with the note `out of sample: excluded`.
    public static func make(fit: LinearFit, ids: RowIDs, idName: String = "id", level: Double = 0.95,
                            labels: (name: String, cells: [String])? = nil, kept: [(name: String, cells: [String])] = [],
                            outOfSample: OutOfSample? = nil, dfbetas: DFBetasChoice = .automatic) throws -> OutputTable {
        try source(fit: fit, ids: ids, idName: idName, level: level, labels: labels, kept: kept, outOfSample: outOfSample,
                   dfbetas: dfbetas).table
    }

    /// The same table as rows made when they are written (``RowSource``): only the influence
    /// measures' numbers are held, not a cell per row and column.
    public static func source(fit: LinearFit, ids: RowIDs, idName: String = "id", level: Double = 0.95,
                              labels: (name: String, cells: [String])? = nil, kept: [(name: String, cells: [String])] = [],
                              outOfSample: OutOfSample? = nil, dfbetas: DFBetasChoice = .automatic) throws -> RowSource {
        try source(fit: fit, ids: ids, idName: idName, level: level, outOfSample: outOfSample, dfbetas: try dfbetas.columns(of: fit))
            .inserting((labels.map { [$0] } ?? []) + kept)
    }

    static func source(fit: LinearFit, ids: RowIDs, idName: String, level: Double, outOfSample: OutOfSample?,
                       dfbetas: [Int]) throws -> RowSource {
        let infl = try InfluenceMeasures(fit: fit)
        let design = fit.design
        let interval = fit.predictionIntervals(level: level, leverage: infl.leverage)
        var header = [idName, "observed", "fitted", "residual", "std_residual", "studentized_residual", "leverage",
                      "cooks_distance", "dffits", "covratio", "pi_low", "pi_high"]
        header += dfbetas.map { "dfbetas_" + fit.terms[$0] }
        header += ["influential", "note"]
        let width = header.count
        // Where each table row's numbers are: its place among the rows used, or among the rows
        // predicted out of sample; otherwise it was left out.
        var used = [Int32](repeating: -1, count: design.tableRowCount)
        for (i, r) in design.rows.enumerated() { used[r] = Int32(i) }
        var predicted = [Int: Int]()
        if let o = outOfSample { for (k, r) in o.coded.rows.enumerated() { predicted[r] = k } }
        var leftOut = [Int: String]()
        var why = [Int: String]()
        for d in design.dropped { leftOut[d.row] = "left out: " + d.reason; why[d.row] = d.reason }
        // An excluded row that could not be predicted says why, whatever else its row says.
        let unpredicted = outOfSample?.coded.notes ?? [:]
        func note(_ r: Int, _ otherwise: @autoclosure () -> String) -> Cell {
            .text(unpredicted[r].map { OutOfSample.note($0, why: why[r]) } ?? otherwise())
        }
        let observed = design.absorbed?.response ?? design.y
        return RowSource(header: header, count: design.tableRowCount) { r in
            let i = Int(used[r])
            if i >= 0 {
                let h = infl.leverage[i]
                var row: [Cell] = [.text(ids[r]), .finite(Double(observed[i])), .finite(fit.fitted[i]), .finite(fit.residuals[i]),
                                   .finite(infl.standardized[i]), .finite(infl.studentized[i]), .finite(h),
                                   .finite(infl.cooksDistance[i]), .finite(infl.dffits[i]), .finite(infl.covratio[i]),
                                   .finite(interval.low[i]), .finite(interval.high[i])]
                row.reserveCapacity(width)
                for j in dfbetas { row.append(.finite(infl.dfbetas[i, j])) }
                row.append(.bool(infl.influential[i]))
                row.append(note(r, h == 1 ? "leverage 1: the fit passes through this row" : ""))
                return row
            }
            if let o = outOfSample, let k = predicted[r] {
                let p = o.predictions[k]
                let y = o.coded.observed.map { Double($0[k]) } ?? .nan
                var row: [Cell] = [.text(ids[r]), .finite(y), .finite(p.fit), .finite(y - p.fit)]
                row += [Cell](repeating: .empty, count: 6)
                row += [.finite(p.predictionLow), .finite(p.predictionHigh)]
                row += [Cell](repeating: .empty, count: dfbetas.count + 1)
                row.append(note(r, OutOfSample.note(nil, why: why[r])))
                return row
            }
            var row = [Cell](repeating: .empty, count: width)
            row[0] = .text(ids[r])
            row[width - 1] = note(r, leftOut[r] ?? "")
            return row
        }
    }
}

extension FitAnalysis {
    /// The per-row residual table of the run (with the label and kept columns asked for, and
    /// the DFBETAS columns chosen).
    public func residuals(dfbetas: DFBetasChoice = .automatic) throws -> OutputTable {
        try residualRows(dfbetas: dfbetas).table
    }

    /// The residual table as rows made when they are written.
    public func residualRows(dfbetas: DFBetasChoice = .automatic) throws -> RowSource {
        try ResidualTable.source(fit: fit, ids: run.ids, idName: run.request.id ?? "id", level: run.request.level,
                                 labels: run.labels.map { (run.request.label!, $0) }, kept: run.keptColumns,
                                 outOfSample: run.excludedRows.isEmpty ? nil : try run.outOfSample(), dfbetas: dfbetas)
    }
}
