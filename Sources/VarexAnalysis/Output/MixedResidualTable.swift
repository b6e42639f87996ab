import Varex
import VarexLinearAlgebra

extension MixedAnalysis {
    /// The residual table (``residuals()``) with the DFBETAS `dfbetas` chooses (lme4's
    /// `dfbetas(influence(fit))`: a refit per row) before `note`. None unless asked for: the
    /// default leaves them out, as n refits are the cost of the whole table many times over.
    public func residuals(dfbetas choice: DFBetasChoice) throws -> OutputTable {
        let f = fit
        return try Self.adding(dfbetas: choice, to: residuals(), names: f.coefficientNames, design: f.design.fixed, compute: f.dfbetas)
    }

    /// `table` with the DFBETAS columns `choice` asks for (none unless asked: n refits),
    /// from `compute` (rows used × coefficients), at the design's rows.
    static func adding(dfbetas choice: DFBetasChoice, to table: OutputTable, names: [String], design: DesignMatrix,
                       compute: () throws -> Matrix) throws -> OutputTable {
        guard choice != .automatic else { return table }
        let chosen = try choice.columns(terms: names, rows: design.rows.count, formula: design.formula, assign: design.assign)
        guard !chosen.isEmpty else { return table }
        let d = try compute()
        var columns = OutputTable.Columns()
        for j in chosen {
            var cells = [Cell](repeating: .empty, count: table.rows.count)
            for (i, r) in design.rows.enumerated() { cells[r] = .finite(d[i, j]) }
            columns.add("dfbetas_" + names[j], cells)
        }
        return table.inserting(columns)
    }
}

extension GLMMAnalysis {
    /// The residual table with the DFBETAS `choice` asks for: lme4's `dfbetas(influence(fit))`
    /// of the glmer fit, a refit per row; none unless asked.
    public func residuals(dfbetas choice: DFBetasChoice) throws -> OutputTable {
        let f = fit
        return try MixedAnalysis.adding(dfbetas: choice, to: residuals(), names: f.coefficientNames, design: f.design.fixed, compute: f.dfbetas)
    }
}
