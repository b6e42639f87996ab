import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// GLMs against R's `glm` (fixtures/reference/make_glm_reference.R): R's own examples (esoph,
/// warpbreaks, InsectSprays, the Dobson and clotting examples of `?glm`) and the council data,
/// for every family: coefficients, SEs, z/t, p, deviances, df, AIC, dispersion, iterations and
/// every residual-table column, to 1e-8 relative (the issue's tolerance).
struct GLMTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let data: String
        let formula: String
        let id: String
        let family: Family
        var link: Link? = nil
        var testDescription: String { name }
    }

    static let councils = "councils/asc_2018_19.csv"
    static let binomialCouncils = "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + council_type"
    static let poissonCouncils = "ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))"
    static let cases: [Case] = [
        Case(name: "esoph_binomial", data: "reference/esoph.csv", formula: "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp", id: "id",
             family: .binomial),
        Case(name: "warpbreaks_poisson", data: "reference/warpbreaks.csv", formula: "breaks ~ wool + tension", id: "id", family: .poisson),
        Case(name: "insectsprays_poisson", data: "reference/insectsprays.csv", formula: "count ~ spray", id: "id", family: .poisson),
        Case(name: "insectsprays_quasipoisson", data: "reference/insectsprays.csv", formula: "count ~ spray", id: "id", family: .quasipoisson),
        Case(name: "dobson_poisson", data: "reference/dobson.csv", formula: "counts ~ outcome + treatment", id: "id", family: .poisson),
        Case(name: "clotting_gamma", data: "reference/clotting.csv", formula: "lot1 ~ log(u)", id: "id", family: .gamma),
        Case(name: "councils_binomial", data: councils, formula: binomialCouncils, id: "code", family: .binomial),
        Case(name: "councils_quasibinomial", data: councils, formula: binomialCouncils, id: "code", family: .quasibinomial),
        Case(name: "councils_binomial_probit", data: councils, formula: binomialCouncils, id: "code", family: .binomial, link: .probit),
        Case(name: "councils_poisson_offset", data: councils, formula: poissonCouncils, id: "code", family: .poisson),
        Case(name: "councils_quasipoisson_offset", data: councils, formula: poissonCouncils, id: "code", family: .quasipoisson),
        Case(name: "councils_gamma_log", data: councils, formula: "asc_net_spend_per_adult_gbp ~ imd_score + council_type", id: "code",
             family: .gamma, link: .log),
        Case(name: "councils_gaussian", data: councils, formula: "asc_net_spend_per_adult_gbp ~ imd_score + council_type", id: "code",
             family: .gaussian),
    ]
    static let rel = 1e-8

    static func fit(_ c: Case) throws -> (GeneralizedLinearFit, [String]) {
        let t = try Table(contentsOf: Fixtures.path(c.data))
        let design = try DesignMatrix(formula: Formula(c.formula), table: t)
        return (try GeneralizedLinearModel.fit(design, family: c.family, link: c.link), Array(try t.ids(column: c.id)))
    }

    @Test(arguments: cases)
    func coefficients(_ c: Case) throws {
        let (f, _) = try Self.fit(c)
        let ref = try Fixtures.csv("reference/glm_\(c.name)_coefficients.csv")
        let table = try f.coefficientTable()
        #expect(table.map(\.term) == ref.rows.map { $0[0] })
        // A coefficient that is exactly 0 in theory (Dobson's treatment effects) is rounding noise
        // in both programs (2e-14): compared absolutely, at 1e-12 of the largest coefficient.
        let scale = ref.rows.map { abs(rNumber($0[1])) }.filter(\.isFinite).max() ?? 1
        for (row, want) in paired(table, ref.rows) {
            #expect(close(row.estimate, rNumber(want[1]), rel: Self.rel, abs: 1e-12 * scale), "\(c.name) \(row.term) estimate \(row.estimate) vs \(want[1])")
            #expect(close(row.standardError, rNumber(want[2]), rel: Self.rel), "\(c.name) \(row.term) SE")
            #expect(close(row.t, rNumber(want[3]), rel: Self.rel, abs: 1e-11), "\(c.name) \(row.term) z/t")
            #expect(close(row.pValue, rNumber(want[4]), rel: Self.rel, abs: 1e-300), "\(c.name) \(row.term) p")
        }
    }

    @Test(arguments: cases)
    func statistics(_ c: Case) throws {
        let (f, _) = try Self.fit(c)
        var want: [String: Double] = [:]
        for row in try Fixtures.csv("reference/glm_\(c.name)_stats.csv").rows { want[row[0]] = rNumber(row[1]) }
        #expect(close(f.deviance, want["deviance"]!, rel: Self.rel), "\(c.name) deviance \(f.deviance) vs \(want["deviance"]!)")
        #expect(close(f.nullDeviance, want["null_deviance"]!, rel: Self.rel), "\(c.name) null deviance \(f.nullDeviance) vs \(want["null_deviance"]!)")
        #expect(Double(f.dfResidual) == want["df_residual"] && Double(f.dfNull) == want["df_null"], "\(c.name) df")
        #expect(close(f.aic ?? .nan, want["aic"]!, rel: Self.rel), "\(c.name) AIC \(String(describing: f.aic)) vs \(want["aic"]!)")
        #expect(close(f.dispersion, want["dispersion"]!, rel: Self.rel), "\(c.name) dispersion")
        #expect(Double(f.iterations) == want["iterations"], "\(c.name) iterations \(f.iterations) vs \(want["iterations"]!)")
        #expect(close(f.logLikelihood ?? .nan, want["log_likelihood"]!, rel: Self.rel), "\(c.name) logLik")
        #expect(close(f.pearsonChiSquare, want["pearson_chi2"]!, rel: Self.rel), "\(c.name) Pearson χ² \(f.pearsonChiSquare) vs \(want["pearson_chi2"]!)")
    }

    @Test(arguments: cases)
    func residuals(_ c: Case) throws {
        let (f, ids) = try Self.fit(c)
        let ref = try Fixtures.csv("reference/glm_\(c.name)_residuals.csv")
        let columns: [(String, [Double])] = [
            ("fitted", f.mu), ("linear_predictor", f.eta), ("response_residual", f.responseResiduals),
            ("pearson_residual", f.pearsonResiduals), ("deviance_residual", f.devianceResiduals),
            ("working_residual", f.workingResiduals), ("leverage", f.leverage), ("cooks_distance", f.cooksDistance),
            ("std_deviance_residual", f.standardizedDevianceResiduals), ("std_pearson_residual", f.standardizedPearsonResiduals),
            ("prior_weight", f.priorWeights)]
        #expect(ref.rows.count == ids.count && f.design.rows.count <= ref.rows.count)
        for (name, values) in columns {
            let k = ref.header.firstIndex(of: name)!
            let wantAll = ref.rows.map { rNumber($0[k]) }
            let scale = wantAll.filter(\.isFinite).map(abs).max() ?? 1
            for (i, r) in f.design.rows.enumerated() {
                #expect(ref.rows[r][0] == ids[r])
                #expect(close(values[i], wantAll[r], rel: Self.rel, abs: 1e-12 * scale), "\(c.name) \(ids[r]) \(name): \(values[i]) vs \(wantAll[r])")
            }
        }
    }
}

/// `explain` on a GLM's linear predictor, against the same decomposition computed in R from R's
/// glm (fixtures/reference/make_glm_reference.R, glm_explain_*): baseline, effects on the link
/// and the response scale, η, μ, the justified level and the unjustified amount per council,
/// and the deviance explained by every subset of groups from R's glm refits, 1e-8.
struct GLMExplainTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let formula: String
        let family: Family
        let groups: [TermGroup]
        var testDescription: String { name }
    }
    static let cases = [
        Case(name: "poisson_offset", formula: GLMTests.poissonCouncils, family: .poisson,
             groups: [TermGroup(name: "need", justified: true, terms: ["imd_score", "I(100 * pop_85p/pop_65p)"]),
                      TermGroup(name: "type", justified: true, terms: ["council_type"])]),
        Case(name: "binomial", formula: GLMTests.binomialCouncils, family: .binomial,
             groups: [TermGroup(name: "need", justified: true, terms: ["imd_score"]),
                      TermGroup(name: "type", justified: false, terms: ["council_type"])]),
    ]

    @Test(arguments: cases)
    func decompositionAgreesWithR(_ c: Case) throws {
        let request = ExplainRequest(fit: FitRequest(dataPath: Fixtures.path(GLMTests.councils), formula: c.formula, id: "code"), groups: c.groups)
        let a = try GLMExplainAnalysis(request, family: c.family, link: nil)
        let d = a.decomposition
        let ref = try Fixtures.csv("reference/glm_explain_\(c.name).csv")
        let col = { (n: String) in ref.header.firstIndex(of: n)! }
        #expect(a.glm.fit.design.rows.map { a.glm.data.ids[$0] } == ref.rows.map { $0[0] })
        for (i, row) in ref.rows.enumerated() {
            #expect(close(d.baseline, rNumber(row[col("baseline")]), rel: 1e-8))
            for (g, group) in c.groups.enumerated() {
                #expect(close(d.effects[g][i], rNumber(row[col("effect_\(group.name)")]), rel: 1e-8, abs: 1e-12), "\(row[0]) \(group.name)")
                #expect(close(d.responseEffects[g][i], rNumber(row[col("effect_\(group.name)_response")]), rel: 1e-8, abs: 1e-12))
            }
            for (name, values) in [("linear_predictor", d.linearPredictor), ("fitted", d.fitted), ("observed", d.observed),
                                   ("justified", d.justified), ("unjustified", d.unjustified)] {
                #expect(close(values[i], rNumber(row[col(name)]), rel: 1e-8, abs: 1e-12), "\(row[0]) \(name): \(values[i]) vs \(row[col(name)])")
            }
        }
        let subsets = try Fixtures.csv("reference/glm_explain_\(c.name)_subsets.csv")
        for row in subsets.rows {
            #expect(close(d.subsetDevianceExplained[Int(row[0])!], rNumber(row[1]), rel: 1e-8), "\(c.name) subset \(row[0])")
        }
        #expect(abs(d.shares.reduce(0, +) - d.devianceExplained) <= 1e-12, "shares sum to the deviance explained")
    }
}
