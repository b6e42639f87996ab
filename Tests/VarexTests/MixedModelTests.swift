import Foundation
import Testing
@testable import Varex

/// Linear mixed models against lme4 1.1 and lmerTest 3.1
/// (fixtures/reference/make_mixed_reference.R, the optimiser run to a tight tolerance): on lme4's
/// own datasets (sleepstudy with a correlated and an uncorrelated random slope, REML and ML;
/// Dyestuff; Dyestuff2's singular fit; Penicillin's crossed and Pastes' nested factors) and on
/// the five-year council panel. Fixed effects, SEs, variance components, criterion,
/// log-likelihood, AIC, BIC and σ to 1e-6 relative (the criterion to 1e-9), estimates to 1e-6
/// relative or 1e-6 of their SE (the criterion is flat to double precision within about 1e-7
/// relative of θ, so both programs' θ can differ by that, and an estimate small beside its SE,
/// such as the panel's 0.37 ± 16.3, inherits it as relative error), conditional modes and SDs and per-row fitted
/// values to 1e-6 relative (or 1e-6 × the response's scale where R's value is near zero).
/// The panel with region and council nested is compared to 2e-5: its REML criterion is flat in
/// the region variance (nine regions), and R's optimisers, agreeing on the criterion to 1e-13,
/// give that θ 1.5e-5 apart (Varex's criterion is the lowest of them).
/// Satterthwaite df to 1e-5 and their p-values to 1e-4: both programs take numerical second
/// derivatives (numDeriv's Richardson extrapolation and ours differ in step sizes).
struct MixedModelTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let data: String
        let formula: String
        let reml: Bool
        /// The relative tolerance of everything that depends on θ.
        var tolerance = 1e-6
        /// `--reference`: reference levels of the fixed part's factors.
        var references: [String: String] = [:]
        var testDescription: String { name }
    }

    static let council = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"
    static let cases: [Case] = [
        Case(name: "sleepstudy", data: "lme4/sleepstudy.csv", formula: "Reaction ~ Days + (Days | Subject)", reml: true),
        Case(name: "sleepstudy_ml", data: "lme4/sleepstudy.csv", formula: "Reaction ~ Days + (Days | Subject)", reml: false),
        Case(name: "sleepstudy_uncorrelated", data: "lme4/sleepstudy.csv", formula: "Reaction ~ Days + (Days || Subject)", reml: true),
        Case(name: "dyestuff", data: "lme4/Dyestuff.csv", formula: "Yield ~ 1 + (1 | Batch)", reml: true),
        Case(name: "dyestuff_ml", data: "lme4/Dyestuff.csv", formula: "Yield ~ 1 + (1 | Batch)", reml: false),
        Case(name: "dyestuff2", data: "lme4/Dyestuff2.csv", formula: "Yield ~ 1 + (1 | Batch)", reml: true),
        Case(name: "penicillin", data: "lme4/Penicillin.csv", formula: "diameter ~ 1 + (1 | plate) + (1 | sample)", reml: true),
        Case(name: "pastes", data: "lme4/Pastes.csv", formula: "strength ~ 1 + (1 | batch/cask)", reml: true),
        Case(name: "panel", data: "councils/asc_panel_2014_2019.csv", formula: council + " + (1 | code)", reml: true),
        Case(name: "panel_ml", data: "councils/asc_panel_2014_2019.csv", formula: council + " + (1 | code)", reml: false),
        Case(name: "panel_region", data: "councils/asc_panel_2014_2019.csv", formula: council + " + (1 | region/code)", reml: true,
             tolerance: 2e-5),
        // Crossed factors with a small but non-zero variance (issue 19: the year SD was put at 0,
        // a saddle, and the fit called singular). The criterion is flat in that small θ, so the
        // θ-dependent values are compared to 1e-5.
        Case(name: "panel_crossed", data: "councils/asc_panel_2014_2019.csv",
             formula: "ascof_3a ~ imd_score + (1 | code) + (1 | financial_year)", reml: true, tolerance: 1e-5),
        Case(name: "panel_crossed_ml", data: "councils/asc_panel_2014_2019.csv",
             formula: "ascof_3a ~ imd_score + (1 | code) + (1 | financial_year)", reml: false, tolerance: 1e-5),
        Case(name: "crossed_a", data: "lme4/crossed_a.csv", formula: "y ~ x + (1 | subject) + (1 | item)", reml: true, tolerance: 1e-5),
        Case(name: "crossed_b_ml", data: "lme4/crossed_b.csv", formula: "y ~ x + (1 | subject) + (1 | item)", reml: false, tolerance: 1e-5),
        Case(name: "spellings", data: "lme4/spellings.csv", formula: "y ~ x + (1 | g)", reml: true),
        Case(name: "panel_reference", data: "councils/asc_panel_2014_2019.csv", formula: "ascof_3a ~ council_type + imd_score + (1 | code)",
             reml: true, references: ["council_type": "Metropolitan District"]),
    ]

    static func fit(_ c: Case) throws -> LinearMixedFit {
        let table = try Table(contentsOf: Fixtures.path(c.data))
        let design = try MixedDesign(formula: try MixedFormula(c.formula), table: table, options: DesignOptions(references: c.references))
        return try LinearMixedModel.fit(design, reml: c.reml)
    }

    /// Rows of a reference CSV as dictionaries by column name.
    static func records(_ file: String) throws -> [[String: String]] {
        let ref = try Fixtures.csv("reference/\(file)")
        return ref.rows.map { Dictionary(uniqueKeysWithValues: zip(ref.header, $0)) }
    }

    @Test(arguments: cases)
    func agreesWithLme4(_ c: Case) throws {
        let fit = try Self.fit(c)
        let tol = c.tolerance
        let scale = fit.y.map(abs).max()!
        // Criterion, likelihood, information criteria, σ, θ.
        let stats = Dictionary(uniqueKeysWithValues: try Self.records("mixed_\(c.name)_stats.csv").map { ($0["name"]!, rNumber($0["value"]!)) })
        #expect(close(fit.criterion, stats["criterion"]!, rel: 1e-9), "\(c.name) criterion \(fit.criterion) vs \(stats["criterion"]!)")
        #expect(close(fit.logLikelihood, stats["logLik"]!, rel: 1e-9))
        #expect(close(fit.aic, stats["AIC"]!, rel: 1e-9))
        #expect(close(fit.bic, stats["BIC"]!, rel: 1e-9))
        #expect(close(fit.sigma, stats["sigma"]!, rel: tol), "\(c.name) sigma \(fit.sigma) vs \(stats["sigma"]!)")
        #expect(Double(fit.n) == stats["nobs"]!)
        #expect(fit.isSingular == (stats["singular"]! == 1), "\(c.name) singular")
        // Fixed effects.
        let satterthwaite = try Satterthwaite(fit)
        let se = fit.standardErrors
        let table = fit.coefficientTable(satterthwaite)
        let fixef = try Self.records("mixed_\(c.name)_fixef.csv")
        #expect(fixef.count == fit.coefficientNames.count, "\(c.name) number of fixed effects")
        for (j, row) in fixef.enumerated() where j < fit.coefficientNames.count {
            #expect(fit.coefficientNames[j] == row["term"]!)
            #expect(close(fit.beta[j], rNumber(row["estimate"]!), rel: tol, abs: tol * rNumber(row["se"]!)),
                    "\(c.name) \(row["term"]!) estimate \(fit.beta[j])")
            #expect(close(se[j], rNumber(row["se"]!), rel: tol), "\(c.name) \(row["term"]!) se \(se[j]) vs \(row["se"]!)")
            #expect(close(satterthwaite.degreesOfFreedom[j], rNumber(row["df"]!), rel: max(1e-5, tol)),
                    "\(c.name) \(row["term"]!) df \(satterthwaite.degreesOfFreedom[j]) vs \(row["df"]!)")
            #expect(close(table[j].t, rNumber(row["t"]!), rel: tol, abs: tol))
            // A p-value far in the tail (1e-69) moves by t's relative error times t²: compared as
            // its logarithm there.
            let wantP = rNumber(row["p"]!), gotP = table[j].pValue
            if wantP < 1e-8 {
                #expect(close(log(gotP), log(wantP), rel: max(1e-5, tol)), "\(c.name) \(row["term"]!) log p \(gotP) vs \(wantP)")
            } else {
                #expect(close(gotP, wantP, rel: max(1e-5, tol) * 10), "\(c.name) \(row["term"]!) p \(gotP) vs \(wantP)")
            }
        }
        // Variance components: standard deviations and correlations.
        let components = fit.varianceComponents
        for row in try Self.records("mixed_\(c.name)_varcorr.csv") {
            let want = rNumber(row["sdcor"]!)
            let group = row["group"]!
            if group == "Residual" {
                #expect(close(fit.sigma, want, rel: tol)); continue
            }
            // lme4 names the second of two terms on one factor `g.1`.
            let base = group.split(separator: ".").first.map(String.init) ?? group
            let v1 = row["var1"]!, v2 = row["var2"]!
            guard let comp = components.first(where: { $0.group == base && $0.effects.contains(v1) && (v2.isEmpty || $0.effects.contains(v2)) }) else {
                Issue.record("\(c.name): no component \(group) \(v1) \(v2)"); continue
            }
            let i = comp.effects.firstIndex(of: v1)!
            let got = v2.isEmpty ? comp.standardDeviations[i] : comp.correlations[i, comp.effects.firstIndex(of: v2)!]
            #expect(close(got, want, rel: tol, abs: v2.isEmpty ? tol / 10 * scale : tol), "\(c.name) \(group) \(v1) \(v2): \(got) vs \(want)")
        }
        // Conditional modes and conditional SDs.
        var modes: [String: (Double, Double)] = [:]
        for (k, block) in fit.design.blocks.enumerated() {
            let b = fit.randomEffects(term: k), s = try fit.conditionalStandardDeviations(term: k)
            for (l, level) in block.levels.enumerated() {
                for (e, effect) in block.effectNames.enumerated() { modes["\(block.term.groupName)|\(effect)|\(level)"] = (b[l, e], s[l, e]) }
            }
        }
        let ranef = try Self.records("mixed_\(c.name)_ranef.csv")
        #expect(modes.count == ranef.count, "\(c.name) number of conditional modes")
        for row in ranef {
            guard let (mode, sd) = modes["\(row["group"]!)|\(row["term"]!)|\(row["level"]!)"] else {
                Issue.record("\(c.name): no mode for \(row)"); continue
            }
            #expect(close(mode, rNumber(row["condval"]!), rel: tol, abs: tol / 10 * scale), "\(c.name) mode \(row["level"]!) \(mode) vs \(row["condval"]!)")
            #expect(close(sd, rNumber(row["condsd"]!), rel: tol, abs: tol / 10 * scale), "\(c.name) condsd \(row["level"]!) \(sd) vs \(row["condsd"]!)")
        }
        // Per row: conditional and marginal fitted values, residuals.
        let rows = try Self.records("mixed_\(c.name)_rows.csv")
        #expect(rows.count == fit.n)
        let fitted = fit.fitted, marginal = fit.marginalFitted, residuals = fit.residuals
        for (i, row) in rows.enumerated() {
            #expect(fit.design.fixed.rows[i] + 1 == Int(row["row"]!)!)
            #expect(close(fitted[i], rNumber(row["fitted"]!), rel: tol))
            #expect(close(marginal[i], rNumber(row["marginal"]!), rel: tol))
            #expect(close(residuals[i], rNumber(row["residual"]!), rel: tol, abs: tol / 10 * scale))
        }
    }
}
