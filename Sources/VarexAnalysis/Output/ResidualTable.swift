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
    public static func make(fit: LinearFit, ids: [String], idName: String = "id", level: Double = 0.95,
                            labels: (name: String, cells: [String])? = nil, kept: [(name: String, cells: [String])] = [],
                            outOfSample: OutOfSample? = nil, dfbetas: DFBetasChoice = .automatic) throws -> OutputTable {
        let table = try make(fit: fit, ids: ids, idName: idName, level: level, outOfSample: outOfSample,
                             dfbetas: try dfbetas.columns(of: fit))
        let extra = (labels.map { [$0] } ?? []) + kept
        guard !extra.isEmpty else { return table }
        let header = [table.header[0]] + extra.map(\.name) + table.header.dropFirst()
        let rows = table.rows.enumerated().map { r, row in [row[0]] + extra.map { Cell.text($0.cells[r]) } + row.dropFirst() }
        return OutputTable(header: header, rows: rows)
    }

    static func make(fit: LinearFit, ids: [String], idName: String, level: Double, outOfSample: OutOfSample?,
                     dfbetas: [Int]) throws -> OutputTable {
        let infl = try InfluenceMeasures(fit: fit)
        let design = fit.design
        let interval = fit.predictionIntervals(level: level, leverage: infl.leverage)
        var header = [idName, "observed", "fitted", "residual", "std_residual", "studentized_residual", "leverage",
                      "cooks_distance", "dffits", "covratio", "pi_low", "pi_high"]
        header += dfbetas.map { "dfbetas_" + fit.terms[$0] }
        header += ["influential", "note"]
        let width = header.count
        var rows = [[Cell]](repeating: [], count: design.tableRowCount)
        for d in design.dropped {
            var row = [Cell](repeating: .empty, count: width)
            row[0] = .text(ids[d.row])
            row[width - 1] = .text("left out: " + d.reason)
            rows[d.row] = row
        }
        if let o = outOfSample {
            for (k, r) in o.coded.rows.enumerated() {
                let p = o.predictions[k]
                let y = o.coded.observed.map { Double($0[k]) } ?? .nan
                let empty = [Cell](repeating: .empty, count: 6)
                var row: [Cell] = [.text(ids[r]), .finite(y), .finite(p.fit), .finite(y - p.fit)] + empty
                row += [.finite(p.predictionLow), .finite(p.predictionHigh)]
                row += [Cell](repeating: .empty, count: dfbetas.count + 1)
                row.append(.text(OutOfSample.note(nil)))
                rows[r] = row
            }
            for (r, reason) in o.coded.notes { rows[r][width - 1] = .text(OutOfSample.note(reason)) }
        }
        for (i, r) in design.rows.enumerated() {
            let h = infl.leverage[i]
            var row: [Cell] = [.text(ids[r]), .finite(Double((design.absorbed?.response ?? design.y)[i])), .finite(fit.fitted[i]), .finite(fit.residuals[i]),
                               .finite(infl.standardized[i]), .finite(infl.studentized[i]), .finite(h),
                               .finite(infl.cooksDistance[i]), .finite(infl.dffits[i]), .finite(infl.covratio[i]),
                               .finite(interval.low[i]), .finite(interval.high[i])]
            for j in dfbetas { row.append(.finite(infl.dfbetas[i, j])) }
            row.append(.bool(infl.influential[i]))
            var notes: [String] = []
            if h == 1 { notes.append("leverage 1: the fit passes through this row") }
            row.append(.text(notes.joined(separator: "; ")))
            rows[r] = row
        }
        return OutputTable(header: header, rows: rows)
    }
}

extension FitAnalysis {
    /// The per-row residual table of the run (with the label and kept columns asked for, and
    /// the DFBETAS columns chosen).
    public func residuals(dfbetas: DFBetasChoice = .automatic) throws -> OutputTable {
        try ResidualTable.make(fit: fit, ids: run.ids, idName: run.request.id ?? "id", level: run.request.level,
                               labels: run.labels.map { (run.request.label!, $0) }, kept: run.keptColumns,
                               outOfSample: try run.outOfSample(), dfbetas: dfbetas)
    }
}
