import Varex
import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// `varex fit --stream --family`: a GLM fitted a block at a time (``StreamingGLM``), its
/// covariance of the asked type from one more pass (``StreamingGLM/covariance(_:open:)``), its
/// coefficient table, and with `anova` R's analysis-of-deviance tables from refits in blocks.
/// Absorbed factors are coded as their dummies before the formula's terms and not shown, as
/// ``GLMAnalysis`` does in memory.
public struct StreamedGLMAnalysis {
    /// The request as asked (its absorbed factors, its formula).
    public let request: FitRequest
    public let fit: StreamingGLM
    public let covariance: CovarianceType
    public let covarianceMatrix: Matrix
    public let clusterCounts: [Int]
    /// The coefficient table (z or t; each coefficient's Satterthwaite t under CR2), without an
    /// absorbed factor's dummies and the intercept.
    public let coefficients: [CoefficientRow]
    public let anova: (sequential: DevianceTable, typeII: DevianceTable)?
    public let absorbed: [(name: String, levels: Int)]
    let open: () throws -> CSVBlockReader

    public init(_ asked: FitRequest, family: Family, link: Link?, formula: Formula, open: @escaping () throws -> CSVBlockReader,
                selection: StreamRowSelection, anova: Bool = false) throws {
        request = asked
        self.open = open
        let fit = try StreamingGLM.fit(formula: formula, family: family, link: link, open: open, references: asked.references,
                                       clusters: asked.clusters, weights: asked.weights, selection: selection)
        self.fit = fit
        covariance = asked.covariance
        let v = try fit.covariance(asked.covariance, open: open)
        covarianceMatrix = v.covariance
        clusterCounts = v.clusterCounts
        let testDF = asked.covariance.isClustered && asked.clusterTestDF == .clusters
            ? max((v.clusterCounts.min() ?? 1) - 1, 0) : fit.dfResidual
        let all = fit.coefficientTable(covariance: v.covariance, satterthwaite: v.degreesOfFreedom, testDegreesOfFreedom: testDF,
                                       level: asked.level)
        coefficients = all.filter { !asked.isAbsorbedDummy($0.term) && !(!asked.absorb.isEmpty && $0.term == "(Intercept)") }
        absorbed = asked.absorb.map { f in (f, fit.columnNames.filter { FitRequest.isDummy($0, of: f) }.count + 1) }
        self.testDegreesOfFreedom = testDF
        if anova {
            let model = DevianceTable.Model(family: fit.family, terms: formula.terms, assign: fit.assign, dispersion: fit.dispersion,
                                            nullDeviance: fit.nullDeviance, deviance: fit.deviance, dfNull: fit.dfNull, dfResidual: fit.dfResidual,
                                            refit: { columns in
                                                let r = try StreamingGLM.fit(formula: formula, family: family, link: link, open: open,
                                                                             references: asked.references, clusters: asked.clusters,
                                                                             weights: asked.weights, selection: selection, columns: columns)
                                                return (r.deviance, r.positiveRows - columns.count)
                                            })
            self.anova = (try DevianceTable.sequential(model), try DevianceTable.typeII(model))
        } else {
            self.anova = nil
        }
    }

    /// The df of the t tests (families with an estimated dispersion): the residual df, or
    /// G − 1 clusters when clustered.
    public let testDegreesOfFreedom: Int

    /// The clustering columns with their numbers of clusters (empty unless clustered).
    public var clusters: [(name: String, count: Int)] {
        covariance.isClustered ? zip(fit.clusters, clusterCounts).map { ($0, $1) } : []
    }
}
