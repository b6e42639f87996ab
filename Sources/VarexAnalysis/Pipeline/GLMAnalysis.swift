import Varex

/// `varex fit --family`: a model run (read, join, ids, exclude, design) fitted as a GLM.
public struct GLMAnalysis: Sendable {
    public let data: ModelData
    public let fit: GeneralizedLinearFit
    public let level: Double
    /// The covariance the standard errors use (classical, HC0 … HC5, CR0, CR1).
    public let covariance: CovarianceType
    /// The coefficient table with that covariance (without an absorbed factor's dummies).
    public let coefficients: [CoefficientRow]
    /// The absorbed factors (`--absorb`) with their levels among the rows used: fitted as
    /// their dummy columns, before the formula's terms (`glm` with `factor(F)`, the model
    /// `fixest::feglm` estimates), whose coefficients (and the intercept) are not shown.
    public let absorbed: [(name: String, levels: Int)]
    /// With `anova`: R's sequential analysis of deviance and car's Type II likelihood-ratio table.
    public let anova: (sequential: DevianceTable, typeII: DevianceTable)?

    public init(_ request: FitRequest, family: Family, link: Link? = nil, anova: Bool = false) throws {
        data = try ModelData(request.absorbedAsDummies(first: true))
        fit = try GeneralizedLinearModel.fit(data.design, family: family, link: link, tolerance: request.tolerance, table: data.table)
        level = request.level
        covariance = request.covariance
        let all = try fit.coefficientTable(covariance: covariance, level: level)
        // The intercept is the first levels' effect: a part of the absorbed effects, as in feglm.
        coefficients = all.filter { !request.isAbsorbedDummy($0.term) && !(!request.absorb.isEmpty && $0.term == "(Intercept)") }
        let terms = fit.terms
        absorbed = request.absorb.map { f in (f, terms.filter { FitRequest.isDummy($0, of: f) }.count + 1) }
        self.anova = anova ? (try DevianceTable.sequential(fit), try DevianceTable.typeII(fit)) : nil
    }

    /// The clustering columns with their numbers of clusters (empty unless clustered).
    public var clusters: [(name: String, count: Int)] {
        covariance.isClustered ? zip(fit.design.clusters.map(\.name), fit.design.clusterCounts).map { ($0, $1) } : []
    }
}
