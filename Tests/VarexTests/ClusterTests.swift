import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// Cluster-robust standard errors on the five-year council panel against R
/// (fixtures/reference/make_cluster_reference.R): CR1 = `sandwich::vcovCL`'s default (Stata's),
/// CR0 = `vcovCL(type = "HC0", cadjust = FALSE)` = `clubSandwich::vcovCR(type = "CR0")`, one-way
/// by council and two-way by council and year, CR2 = `clubSandwich::vcovCR(type = "CR2")` with
/// `coef_test`'s Satterthwaite df and p-values, (where R's two-way variance of the year effects is
/// negative and its SE NaN, Varex's is too), OLS and WLS; p-values on G − 1 df. 1e-9 relative.
struct ClusterTests {
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"

    static func summary(weights: String?, clusters: [String], type: CovarianceType) throws -> FitSummary {
        var r = FitRequest(dataPath: Fixtures.path("councils/asc_panel_2014_2019.csv"), formula: formula, id: nil, weights: weights,
                           covariance: type)
        r.clusters = clusters
        return try FitAnalysis(r).summary
    }

    @Test(arguments: [("ols", nil), ("wls", "pop_18p")] as [(String, String?)])
    func clusteredSEsAgreeWithR(_ name: String, _ weights: String?) throws {
        let ref = try Fixtures.csv("reference/cluster_\(name).csv")
        let col = { (n: String) in ref.header.firstIndex(of: n)! }
        let oneWay1 = try Self.summary(weights: weights, clusters: ["code"], type: .cr1)
        let oneWay0 = try Self.summary(weights: weights, clusters: ["code"], type: .cr0)
        let twoWay1 = try Self.summary(weights: weights, clusters: ["code", "financial_year"], type: .cr1)
        let twoWay0 = try Self.summary(weights: weights, clusters: ["code", "financial_year"], type: .cr0)
        let cr2 = try Self.summary(weights: weights, clusters: ["code"], type: .cr2)
        var request = FitRequest(dataPath: Fixtures.path("councils/asc_panel_2014_2019.csv"), formula: Self.formula, weights: weights, covariance: .cr2)
        request.clusters = ["code"]
        let bm = try BellMcCaffrey(fit: try FitAnalysis(request).fit)
        #expect(oneWay1.testDegreesOfFreedom == 151 && twoWay1.testDegreesOfFreedom == 4)
        for (k, row) in ref.rows.enumerated() {
            #expect(oneWay1.coefficients[k].term == row[0])
            #expect(close(oneWay1.coefficients[k].estimate, rNumber(row[col("estimate")]), rel: 1e-9))
            #expect(close(oneWay1.coefficients[k].standardError, rNumber(row[col("se_CR1")]), rel: 1e-9), "\(name) \(row[0]) CR1")
            #expect(close(oneWay0.coefficients[k].standardError, rNumber(row[col("se_CR0")]), rel: 1e-9), "\(name) \(row[0]) CR0")
            #expect(close(oneWay1.coefficients[k].pValue, rNumber(row[col("p_CR1")]), rel: 1e-9), "\(name) \(row[0]) p")
            #expect(close(twoWay1.coefficients[k].standardError, rNumber(row[col("se_CR1_twoway")]), rel: 1e-9), "\(name) \(row[0]) two-way CR1")
            #expect(close(twoWay0.coefficients[k].standardError, rNumber(row[col("se_CR0_twoway")]), rel: 1e-9), "\(name) \(row[0]) two-way CR0")
            #expect(close(cr2.coefficients[k].standardError, rNumber(row[col("se_CR2")]), rel: 1e-9), "\(name) \(row[0]) CR2")
            #expect(close(bm.degreesOfFreedom[k], rNumber(row[col("df_CR2")]), rel: 1e-9), "\(name) \(row[0]) CR2 df \(bm.degreesOfFreedom[k])")
            #expect(close(cr2.coefficients[k].pValue, rNumber(row[col("p_CR2")]), rel: 1e-9), "\(name) \(row[0]) CR2 p")
            #expect(close(twoWay1.coefficients[k].pValue, rNumber(row[col("p_CR1_twoway")]), rel: 1e-9), "\(name) \(row[0]) two-way p")
        }
    }

    @Test func clusteredTypesNeedAClusterColumn() throws {
        #expect(throws: ModelError.needsCluster("CR1")) { try Self.summary(weights: nil, clusters: [], type: .cr1) }
    }
}
