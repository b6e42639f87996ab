import Varex

/// A GLM's summary as text (the layout of R's `summary.glm`) and as JSON.
public enum GLMSummary {
    /// What a GLM's summary shows, whoever fitted it (in memory, ``GLMAnalysis``; or in
    /// blocks, ``StreamedGLMAnalysis``): the writers read this, not the fit.
    public struct Facts {
        let formula, response: String
        let family: Family
        let link: Link
        let weighted: Bool
        /// The deviance residuals' quantiles (nil for a fit in blocks, which holds no residuals).
        let devianceResidualQuantiles: [Double]?
        let coefficients: [CoefficientRow]
        let covariance: CovarianceType
        let clusters: [(name: String, count: Int)]
        let testDegreesOfFreedom: Int
        let dispersion, nullDeviance, deviance, pearsonChiSquare: Double
        let aic: Double?
        let rank, dfNull, dfResidual, iterations: Int
        let converged: Bool
        let dropped: [DroppedRow]
        let absorbed: [(name: String, levels: Int)]
        let anova: (sequential: DevianceTable, typeII: DevianceTable)?
        /// The keys every model's JSON shares.
        public let model: ModelJSON

        /// Whether the coefficients are tested by z: the families with a fixed dispersion, except
        /// under CR2, whose every test is a t on the coefficient's Satterthwaite df.
        var zTests: Bool { family.usesZ && covariance != .cr2 }
    }

    public static func facts(_ a: GLMAnalysis) -> Facts {
        let f = a.fit
        return Facts(formula: f.design.formula.text, response: f.design.responseLabel, family: f.family, link: f.link,
                     weighted: f.design.weights != nil,
                     devianceResidualQuantiles: FitSummary.quantiles(f.devianceResiduals, [0, 0.25, 0.5, 0.75, 1]),
                     coefficients: a.coefficients, covariance: a.covariance, clusters: a.clusters,
                     testDegreesOfFreedom: f.testDegreesOfFreedom(a.covariance), dispersion: f.dispersion, nullDeviance: f.nullDeviance,
                     deviance: f.deviance, pearsonChiSquare: f.pearsonChiSquare, aic: f.aic, rank: f.rank, dfNull: f.dfNull,
                     dfResidual: f.dfResidual, iterations: f.iterations, converged: f.converged, dropped: f.design.dropped,
                     absorbed: a.absorbed, anova: a.anova, model: common(a))
    }

    public static func text(_ a: GLMAnalysis, source: String? = nil) -> String { text(facts(a), source: source) }

    public static func text(_ f: Facts, source: String? = nil, footer: String = "") -> String {
        var o = "Call:\n  glm(formula = \(f.formula), family = \(f.family.rawValue)(link = \"\(f.link.rawValue)\")"
        o += "\(f.weighted ? ", weights" : "")\(source.map { ", data = \($0)" } ?? ""))\n\n"
        o += "Deviance Residuals:\n"
        if let q = f.devianceResidualQuantiles {
            o += TextSummary.aligned([["Min", "1Q", "Median", "3Q", "Max"], q.map { NumberFormat.significant($0, 4) }], leftFirst: false)
        } else {
            o += "(not kept: a fit read in blocks (--stream) holds no residuals; --residuals writes them)\n"
        }
        let table = f.coefficients
        let aliased = table.filter(\.isAliased).count
        o += aliased > 0 ? "\nCoefficients: (\(aliased) not defined because of singularities)\n" : "\nCoefficients:\n"
        let stat = f.zTests ? "z" : "t"
        let seHead = f.covariance == .classical ? "Std. Error" : "\(f.covariance.rawValue) SE"
        // CR2 tests each coefficient by t on its own Satterthwaite df (clubSandwich's coef_test): shown.
        let ownDF = f.covariance == .cr2
        var rows = [["", "Estimate", seHead] + (ownDF ? ["df"] : []) + ["\(stat) value", "Pr(>|\(stat)|)", ""]]
        for c in table {
            if c.isAliased { rows.append([c.term, "NA", "NA"] + (ownDF ? ["NA"] : []) + ["NA", "NA", ""]); continue }
            rows.append([c.term, NumberFormat.significant(c.estimate, 5, trim: false), NumberFormat.significant(c.standardError, 4, trim: false)]
                        + (ownDF ? [NumberFormat.fixed(c.degreesOfFreedom, decimals: 1)] : [])
                        + [NumberFormat.fixed(c.t, decimals: 3), NumberFormat.pValue(c.pValue), TextSummary.stars(c.pValue)])
        }
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n"
        for (name, levels) in f.absorbed {
            o += "Absorbed: \(name) (\(levels) levels; fitted as \(FitRequest.dummyTerm(name)), as fixest::feglm; its coefficients and the intercept not shown)\n"
        }
        if !f.absorbed.isEmpty { o += "\n" }
        let phi = f.family.estimatesDispersion ? NumberFormat.significant(f.dispersion, 7) : "1"
        o += "(Dispersion parameter for \(f.family.rawValue) family taken to be \(phi))\n\n"
        o += "    Null deviance: \(NumberFormat.significant(f.nullDeviance, 5))  on \(f.dfNull)  degrees of freedom\n"
        o += "Residual deviance: \(NumberFormat.significant(f.deviance, 5))  on \(f.dfResidual)  degrees of freedom\n"
        if !f.dropped.isEmpty {
            o += "  (\(f.dropped.count) observation\(f.dropped.count == 1 ? "" : "s") left out: \(TextSummary.reasons(f.dropped)))\n"
        }
        o += "AIC: \(f.aic.map { NumberFormat.significant($0, 5) } ?? "NA")\n\n"
        if f.covariance != .classical { o += "Standard errors: \(standardErrors(f))\n" }
        o += "Number of Fisher Scoring iterations: \(f.iterations)\n" + footer
        if let tables = f.anova {
            o += "\n" + AnovaText.render(tables.sequential, family: f.family, link: f.link, response: f.response)
                + "\n" + AnovaText.render(tables.typeII, family: f.family, link: f.link, response: f.response)
        }
        return o
    }

    /// A GLM's own keys.
    struct GLM: Encodable, Sendable {
        struct Anova: Encodable, Sendable {
            let sequential, typeII: [AnovaText.DevianceRow]
            let test: String
            let dispersion: JSONNumber
        }
        let family, link, test: String
        let rank, dfNull: Int
        let nullDeviance, pearsonChi2, dispersion: JSONNumber
        let iterations: Int
        let converged: Bool
        let clusters: [JSONSummary.Linear.Cluster]?
        let testDf: Int?
        let anova: Anova?
        let absorbed: [JSONSummary.Linear.Absorbed]?
    }

    /// The JSON summary: the keys every model shares (``ModelJSON``, `kind` glm; each
    /// coefficient's `df` null for a z test), then `family, link, test` (z or t), `rank,
    /// df_null, null_deviance, pearson_chi2, dispersion, iterations, converged`, `clusters` (and
    /// `test_df`) when clustered, `anova` with `--anova`, and `absorbed` (each `factor, levels`)
    /// with `--absorb`. Undefined numbers are null.
    public static func json(_ a: GLMAnalysis) throws -> String { try JSONOutput.text(document(facts(a))) }

    public static func json(_ f: Facts) throws -> String { try JSONOutput.text(document(f)) }

    static func document(_ a: GLMAnalysis) -> JSONMerged<ModelJSON, GLM> { document(facts(a)) }

    static func document(_ f: Facts) -> JSONMerged<ModelJSON, GLM> {
        let clustered = !f.clusters.isEmpty
        let own = GLM(family: f.family.rawValue, link: f.link.rawValue, test: f.zTests ? "z" : "t", rank: f.rank, dfNull: f.dfNull,
                      nullDeviance: JSONNumber(f.nullDeviance), pearsonChi2: JSONNumber(f.pearsonChiSquare), dispersion: JSONNumber(f.dispersion),
                      iterations: f.iterations, converged: f.converged,
                      clusters: clustered ? f.clusters.map { .init(column: $0.name, count: $0.count) } : nil,
                      testDf: clustered && !f.zTests && f.covariance != .cr2 ? f.testDegreesOfFreedom : nil,
                      anova: f.anova.map { .init(sequential: AnovaText.rows($0.sequential), typeII: AnovaText.rows($0.typeII),
                                                 test: $0.sequential.test.rawValue, dispersion: JSONNumber($0.sequential.dispersion)) },
                      absorbed: f.absorbed.isEmpty ? nil : f.absorbed.map { .init(factor: $0.name, levels: $0.levels) })
        return JSONMerged(f.model, own)
    }
}

extension GLMSummary {
    /// `explain --family`: the GLM summary, the groups' shares of the deviance explained, and
    /// the rows furthest from their justified level.
    public static func explainText(_ a: GLMExplainAnalysis, source: String? = nil, top: Int = 5) -> String {
        let d = a.decomposition
        var o = text(a.glm, source: source)
        o += "\nShares of the deviance explained (Shapley values of 1 − D/D(null) over the groups; "
        o += "the model explains \(NumberFormat.fixed(100 * d.devianceExplained, decimals: 1))%):\n"
        let statistic = a.glm.fit.family.usesZ ? "Wald χ²" : "Wald F"
        var rows = [["Group", "Kind", "Share", statistic, "Df", "p", "Terms"]]
        for (g, group) in d.grouping.groups.enumerated() {
            let t = a.groupTests[g]
            rows.append([group.name, group.justified ? "justified" : "unjustified", NumberFormat.fixed(100 * d.shares[g], decimals: 1) + "%",
                         NumberFormat.significant(t.statistic, 4), t.df2.map { "\(t.df1), \($0)" } ?? "\(t.df1)", NumberFormat.pValue(t.pValue),
                         group.terms.joined(separator: " + ")])
        }
        rows.append(["(unexplained)", "", NumberFormat.fixed(100 * (1 - d.devianceExplained), decimals: 1) + "%", "", "", "", "residual deviance"])
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "\nBaseline on the link scale (\(a.glm.fit.link.rawValue)): \(NumberFormat.significant(d.baseline, 6)); "
        o += "levels are on the response scale through the inverse link.\n"
        let names = a.glm.fit.design.rows.map { (a.glm.data.labels?[$0] ?? a.glm.data.ids[$0]) }
        o += "\n" + ExplainSummary.extremes(names: names, ranks: a.ranks, observed: d.observed, justified: d.justified, unjustified: d.unjustified,
                                            higherIsBetter: a.request.rankingHigherIsBetter, top: top)
        return o
    }

    /// `explain --family --json`: `fit` (as `fit --family --json`), `groups` (name, justified,
    /// terms, share, and the group's Wald test: `test` (chisq or F), `statistic, num_df, den_df,
    /// p_value`), `deviance_explained`, `unexplained_share`, `subset_deviance_explained`,
    /// `baseline_link`.
    struct Explanation: Encodable, Sendable {
        let fit: JSONMerged<ModelJSON, GLM>
        let groups: [GroupJSON]
        let devianceExplained, unexplainedShare: JSONNumber
        let subsetDevianceExplained: [JSONNumber]
        let baselineLink: JSONNumber
    }

    public static func explainJSON(_ a: GLMExplainAnalysis) throws -> String {
        let d = a.decomposition
        return try JSONOutput.text(Explanation(
            fit: document(a.glm),
            groups: d.grouping.groups.enumerated().map { g, group in
                GroupJSON(name: group.name, justified: group.justified, terms: group.terms, share: JSONNumber(d.shares[g]),
                          test: GroupTestJSON(a.groupTests[g]))
            },
            devianceExplained: JSONNumber(d.devianceExplained), unexplainedShare: JSONNumber(1 - d.devianceExplained),
            subsetDevianceExplained: d.subsetDevianceExplained.json, baselineLink: JSONNumber(d.baseline)))
    }

    /// The covariance line under the table: sandwich or clustered, and the tests' reference.
    static func standardErrors(_ f: Facts) -> String {
        let tests = f.zTests ? "z tests" : "t on \(f.testDegreesOfFreedom) df"
        let by = f.clusters.map { "\($0.name), \($0.count) clusters" }.joined(separator: "; ")
        if f.covariance == .cr2 {
            return "CR2 (clustered by \(by); t on each coefficient's Satterthwaite df; clubSandwich::vcovCR and coef_test)"
        }
        if f.covariance.isClustered { return "\(f.covariance.rawValue) (clustered by \(by); \(tests); sandwich::vcovCL)" }
        return "\(f.covariance.rawValue) (heteroskedasticity-consistent; \(tests); sandwich::vcovHC)"
    }

    static func zTests(_ a: GLMAnalysis) -> Bool { a.fit.family.usesZ && a.covariance != .cr2 }

    /// Each coefficient's test df for the shared keys: nil for a z test (and an aliased
    /// coefficient), its Satterthwaite df under CR2, else the model's.
    static func degreesOfFreedom(_ rows: [CoefficientRow], z: Bool, covariance: CovarianceType, common: Int) -> [Double?] {
        rows.map {
            if $0.isAliased || z { return nil }
            return covariance == .cr2 ? $0.degreesOfFreedom : Double(common)
        }
    }

    /// The keys a GLM's summary shares with every model's (each coefficient's `df` nil for z).
    public static func common(_ a: GLMAnalysis) -> ModelJSON {
        let f = a.fit
        let df = degreesOfFreedom(a.coefficients, z: zTests(a), covariance: a.covariance, common: f.testDegreesOfFreedom(a.covariance))
        return ModelJSON(kind: .glm, formula: f.design.formula.text, model: f, nDropped: f.design.dropped.count,
                         covariance: a.covariance, coefficients: a.coefficients, degreesOfFreedom: df, warnings: f.warnings)
    }

    /// The GLM explanation as a workbook: the councils (`--out`'s table) and a summary sheet with
    /// the provenance, each group's share of the deviance explained and the coefficients.
    public static func explainWorkbook(_ a: GLMExplainAnalysis, table: OutputTable? = nil, publication: Publication = Publication(),
                                       settings: [String] = []) throws -> [UInt8] {
        let table = table ?? a.output
        let m = common(a.glm)
        var provenance = Provenance.of(model: m, dataPath: a.glm.data.table.source)
        provenance.rows.append(("Family and link", .text("\(a.glm.fit.family.rawValue), \(a.glm.fit.link.rawValue)")))
        for (g, group) in a.decomposition.grouping.groups.enumerated() {
            provenance.rows.append(("Share of deviance explained: \(group.name) (\(group.justified ? "justified" : "unjustified"))",
                                    .finite(a.decomposition.shares[g])))
        }
        provenance.rows.append(("Deviance explained", .finite(a.decomposition.devianceExplained)))
        provenance = provenance.with(publication, exclusions: Exclusion.rows(of: table, label: a.request.label != nil), settings: settings)
        return try XLSXWriter.data(table: table, sheetName: "Councils", provenance: provenance, extra: m.coefficientTable,
                                   layout: .explanation(response: a.glm.fit.design.responseLabel, labels: publication.labels))
    }
}

extension GLMSummary {
    /// A GLM fitted in blocks: the same summary (JSON `kind` streamed), without the deviance
    /// residuals' quantiles, which need every residual.
    public static func facts(_ a: StreamedGLMAnalysis) -> Facts {
        let f = a.fit
        let z = f.family.usesZ && a.covariance != .cr2
        let model = ModelJSON(kind: .streamed, formula: a.request.formula, n: f.n, nDropped: f.dropped.count,
                              dfResidual: Double(f.dfResidual), covariance: a.covariance, coefficients: a.coefficients,
                              degreesOfFreedom: degreesOfFreedom(a.coefficients, z: z, covariance: a.covariance, common: a.testDegreesOfFreedom),
                              logLikelihood: f.logLikelihood, aic: f.aic, bic: f.bic, deviance: f.deviance, warnings: f.warnings)
        return Facts(formula: a.request.formula, response: f.responseLabel, family: f.family, link: f.link, weighted: f.weights != nil,
                     devianceResidualQuantiles: nil, coefficients: a.coefficients, covariance: a.covariance, clusters: a.clusters,
                     testDegreesOfFreedom: a.testDegreesOfFreedom, dispersion: f.dispersion, nullDeviance: f.nullDeviance,
                     deviance: f.deviance, pearsonChiSquare: f.pearsonChiSquare, aic: f.aic, rank: f.rank, dfNull: f.dfNull,
                     dfResidual: f.dfResidual, iterations: f.iterations, converged: f.converged, dropped: f.dropped,
                     absorbed: a.absorbed, anova: a.anova, model: model)
    }
}
