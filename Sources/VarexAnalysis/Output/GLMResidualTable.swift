import Varex

extension GLMAnalysis {
    /// One row per input row: the id (and label and kept columns), then `observed` (the
    /// response as fitted: a proportion for a binomial count pair), `fitted` (μ),
    /// `linear_predictor` (η), the response, Pearson, deviance and working residuals, leverage,
    /// Cook's distance, the standardised deviance and Pearson residuals and the prior weight
    /// (R's `residuals(fit, type)`, `hatvalues`, `cooks.distance`, `rstandard(fit)`,
    /// `rstandard(fit, type = "pearson")`, `weights(fit, "prior")`), the DFBETAS `dfbetas` chooses
    /// (R's `dfbetas(fit)`; every coefficient's by default up to
    /// ``DFBetasChoice/automaticLimit``), and `note`.
    public func residuals(dfbetas choice: DFBetasChoice = .automatic) throws -> OutputTable {
        let f = fit
        let chosen = try choice.columns(of: f)
        let columns = ["observed", "fitted", "linear_predictor", "response_residual", "pearson_residual", "deviance_residual",
                       "working_residual", "leverage", "cooks_distance", "std_deviance_residual", "std_pearson_residual", "prior_weight"]
            + chosen.map { "dfbetas_" + f.terms[$0] }
        let values: [[Double]] = [f.y, f.mu, f.eta, f.responseResiduals, f.pearsonResiduals, f.devianceResiduals,
                                  f.workingResiduals, f.leverage, f.cooksDistance, f.standardizedDevianceResiduals,
                                  f.standardizedPearsonResiduals, f.priorWeights]
        let d = chosen.isEmpty ? nil : f.dfbetas
        let cells: [[Cell]] = (0..<f.n).map { i in values.map { .finite($0[i]) } + chosen.map { .finite(d?[i, $0] ?? .nan) } }
        return data.perRowTable(columns: columns, used: f.design.rows, cells: cells, leftOut: f.design.dropped)
    }
}
