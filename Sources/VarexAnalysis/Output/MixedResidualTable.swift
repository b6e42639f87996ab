import Varex

extension MixedAnalysis {
    /// The residual table (``residuals()``) with the DFBETAS `dfbetas` chooses (lme4's
    /// `dfbetas(influence(fit))`: a refit per row) before `note`. None unless asked for: the
    /// default leaves them out, as n refits are the cost of the whole table many times over.
    public func residuals(dfbetas choice: DFBetasChoice) throws -> OutputTable {
        let table = residuals()
        guard choice != .automatic else { return table }
        let f = fit
        let chosen = try choice.columns(terms: f.coefficientNames, rows: f.n, formula: f.design.fixed.formula, assign: f.design.fixed.assign)
        guard !chosen.isEmpty else { return table }
        let d = try f.dfbetas()
        var columns = OutputTable.Columns()
        for j in chosen {
            var cells = [Cell](repeating: .empty, count: table.rows.count)
            for (i, r) in f.design.fixed.rows.enumerated() { cells[r] = .finite(d[i, j]) }
            columns.add("dfbetas_" + f.coefficientNames[j], cells)
        }
        return table.inserting(columns)
    }
}
