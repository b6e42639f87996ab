import Varex

/// `varex fit --family`: a model run (read, join, ids, exclude, design) fitted as a GLM.
public struct GLMAnalysis: Sendable {
    public let data: ModelData
    public let fit: GeneralizedLinearFit
    public let level: Double
    /// The covariance the standard errors use (classical, HC0 … HC5, CR0, CR1).
    public let covariance: CovarianceType
    /// The coefficient table with that covariance.
    public let coefficients: [CoefficientRow]
    /// With `anova`: R's sequential analysis of deviance and car's Type II likelihood-ratio table.
    public let anova: (sequential: DevianceTable, typeII: DevianceTable)?

    public init(_ request: FitRequest, family: Family, link: Link? = nil, anova: Bool = false) throws {
        data = try ModelData(request)
        fit = try GeneralizedLinearModel.fit(data.design, family: family, link: link, tolerance: request.tolerance)
        level = request.level
        covariance = request.covariance
        coefficients = try fit.coefficientTable(covariance: covariance, level: level)
        self.anova = anova ? (try DevianceTable.sequential(fit), try DevianceTable.typeII(fit)) : nil
    }

    /// The clustering columns with their numbers of clusters (empty unless clustered).
    public var clusters: [(name: String, count: Int)] {
        covariance.isClustered ? zip(fit.design.clusters.map(\.name), fit.design.clusterCounts).map { ($0, $1) } : []
    }

    /// One row per input row: the id (and label and kept columns), then `observed` (the
    /// response as fitted: a proportion for a binomial count pair), `fitted` (μ),
    /// `linear_predictor` (η), the response, Pearson, deviance and working residuals, leverage,
    /// Cook's distance, the standardised deviance and Pearson residuals and the prior weight
    /// (R's `residuals(fit, type)`, `hatvalues`, `cooks.distance`, `rstandard(fit)`,
    /// `rstandard(fit, type = "pearson")`, `weights(fit, "prior")`), and `note`.
    /// The residual table; `dfbetas` chooses its DFBETAS columns (R's `dfbetas(fit)`), every
    /// coefficient's by default up to ``DFBetasChoice/automaticLimit``.
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
