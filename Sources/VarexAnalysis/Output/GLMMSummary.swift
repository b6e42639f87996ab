import Varex

/// A generalized linear mixed model's summary as text (the layout of lme4's `summary` of a
/// glmer fit) and as JSON.
public enum GLMMSummary {
    public static func text(_ a: GLMMAnalysis, source: String? = nil) -> String {
        let f = a.fit
        var o = "Generalized linear mixed model fit by maximum likelihood (Laplace Approximation), as lme4's glmer\n"
        o += " Family: \(f.family.rawValue)  ( \(f.link.rawValue) )\n"
        o += "Formula: \(f.design.formula.text)\n"
        if let source { o += "   Data: \(source)\n" }
        o += "\n"
        o += TextSummary.aligned([["AIC", "BIC", "logLik", "deviance", "df.resid"],
                                  [NumberFormat.fixed(f.aic, decimals: 1), NumberFormat.fixed(f.bic, decimals: 1),
                                   NumberFormat.fixed(f.logLikelihood, decimals: 1), NumberFormat.fixed(f.criterion, decimals: 1),
                                   "\(f.residualDF)"]], leftFirst: false)
        o += "\nScaled residuals (Pearson):\n"
        o += TextSummary.aligned([["Min", "1Q", "Median", "3Q", "Max"],
                                  FitSummary.quantiles(f.pearsonResiduals, [0, 0.25, 0.5, 0.75, 1]).map { NumberFormat.significant($0, 4) }],
                                 leftFirst: false)
        o += "\nRandom effects (on the link scale):\n"
        o += TextSummary.aligned(MixedSummary.varianceRows(f.varianceComponents), leftFirst: true)
        o += "Number of obs: \(f.n), groups: " + MixedSummary.groupCounts(f.design).map { "\($0.0), \($0.1)" }.joined(separator: "; ") + "\n"
        o += "\nFixed effects:\n"
        var fixed = [["", "Estimate", "Std. Error", "z value", "Pr(>|z|)", ""]]
        for c in a.coefficients {
            fixed.append([c.term, NumberFormat.significant(c.estimate, 5, trim: false), NumberFormat.significant(c.standardError, 4, trim: false),
                          NumberFormat.fixed(c.t, decimals: 3), NumberFormat.pValue(c.pValue), TextSummary.stars(c.pValue)])
        }
        o += TextSummary.aligned(fixed, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
        o += "Standard errors from the Hessian of the deviance in (θ, β), as lme4's vcov.\n"
        let dropped = f.design.fixed.dropped
        if !dropped.isEmpty {
            o += "(\(dropped.count) row\(dropped.count == 1 ? "" : "s") left out: \(TextSummary.reasons(dropped)))\n"
        }
        for w in f.warnings { o += "warning: \(w)\n" }
        if let anova = a.anova { o += "\n" + AnovaText.render(anova) }
        return o
    }


    /// A GLMM's own keys.
    struct GLMM: Encodable, Sendable {
        let family, link, method: String
        let groups: [MixedSummary.Mixed.Group]
        let randomEffects: [MixedSummary.Mixed.RandomEffect]
        let criterion: JSONNumber
        let devianceResidualSum: JSONNumber
        let theta: [JSONNumber]
        let singular, converged: Bool
        let evaluations: Int
        let anova: AnovaText.WaldChiSquare?
    }

    /// The JSON summary: the keys every model shares (``ModelJSON``, `kind` glmm, `df_residual`
    /// null, each coefficient's `df` null (a Wald z test), `deviance` −2 log L), then `family,
    /// link, method` (Laplace), `groups`, `random_effects` (standard deviations on the link
    /// scale), `criterion` (−2 log L), `deviance_residual_sum` (lme4's `deviance()`: the sum of
    /// the unit deviances), `theta, singular, converged, evaluations`, and with `--anova` `anova`
    /// (car's Type III Wald χ² table: ``AnovaText/WaldChiSquare``).
    public static func json(_ a: GLMMAnalysis) throws -> String { try JSONOutput.text(document(a)) }

    /// The summary as one encodable value.
    static func document(_ a: GLMMAnalysis, kind: ModelKind = .glmm) -> JSONMerged<ModelJSON, GLMM> {
        let f = a.fit
        let own = GLMM(family: f.family.rawValue, link: f.link.rawValue, method: "Laplace",
                       groups: MixedSummary.groupCounts(f.design).map { .init(name: $0.0, levels: $0.1) },
                       randomEffects: f.varianceComponents.map { c in
                           .init(group: c.group, effects: c.effects, stdDevs: c.standardDeviations.json,
                                 correlations: (0..<c.effects.count).map { i in (0..<c.effects.count).map { JSONNumber(c.correlations[i, $0]) } })
                       },
                       criterion: JSONNumber(f.criterion), devianceResidualSum: JSONNumber(f.modes.devianceResidualSum),
                       theta: f.theta.json, singular: f.isSingular, converged: f.converged, evaluations: f.evaluations,
                       anova: a.anova.map(AnovaText.WaldChiSquare.init))
        return JSONMerged(common(a, kind: kind), own)
    }

    /// The keys a GLMM's summary shares with every model's.
    public static func common(_ a: GLMMAnalysis, kind: ModelKind = .glmm) -> ModelJSON {
        ModelJSON(kind: kind, formula: a.fit.design.formula.text, model: a.fit, nDropped: a.fit.design.fixed.dropped.count,
                  covariance: .classical, coefficients: a.coefficients, degreesOfFreedom: a.coefficients.map { _ in nil },
                  warnings: a.fit.warnings)
    }
}
