import Varex

/// A linear mixed model's summary as text (the layout of lmerTest's `summary`) and as JSON.
public enum MixedSummary {
    public static func text(_ a: MixedAnalysis, source: String? = nil) -> String {
        text(fit: a.fit, satterthwaite: a.satterthwaite, level: a.level, source: source)
            + (a.anova.map { "\n" + AnovaText.render($0) } ?? "")
    }

    public static func text(fit f: LinearMixedFit, satterthwaite: Satterthwaite, level: Double, source: String? = nil) -> String {
        let coefficients = f.coefficientTable(satterthwaite, level: level)
        var o = "Linear mixed model fit by \(f.reml ? "REML" : "maximum likelihood"). t-tests use Satterthwaite's method (as lmerTest)\n"
        o += "Formula: \(f.design.formula.text)\n"
        if let source { o += "   Data: \(source)\n" }
        o += "\n"
        let aic = NumberFormat.fixed(f.aic, decimals: 1), bic = NumberFormat.fixed(f.bic, decimals: 1)
        let ll = NumberFormat.fixed(f.logLikelihood, decimals: 1)
        o += f.reml
            ? "REML criterion at convergence: \(NumberFormat.fixed(f.criterion, decimals: 1))\n"
            : TextSummary.aligned([["AIC", "BIC", "logLik", "deviance", "df.resid"],
                                   [aic, bic, ll, NumberFormat.fixed(f.criterion, decimals: 1), "\(f.n - f.parameterCount)"]], leftFirst: false)
        o += "\nScaled residuals:\n"
        o += TextSummary.aligned([["Min", "1Q", "Median", "3Q", "Max"],
                                  FitSummary.quantiles(f.residuals.map { $0 / f.sigma }, [0, 0.25, 0.5, 0.75, 1]).map { NumberFormat.significant($0, 4) }],
                                 leftFirst: false)
        o += "\nRandom effects:\n"
        var rows = varianceRows(f.varianceComponents)
        rows.append(["Residual", "", NumberFormat.significant(f.sigma * f.sigma, 5), NumberFormat.significant(f.sigma, 5), ""])
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "Number of obs: \(f.n), groups: " + groupCounts(f).map { "\($0.0), \($0.1)" }.joined(separator: "; ") + "\n"
        if let icc = f.intraclassCorrelations {
            o += "Intraclass correlation (share of the total variance): "
            o += zip(f.design.blocks, icc).map { "\($0.term.groupName) \(NumberFormat.fixed(100 * $1, decimals: 1))%" }.joined(separator: ", ") + "\n"
        }
        o += "\nFixed effects:\n"
        var fixed = [["", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)", ""]]
        for (c, df) in zip(coefficients, satterthwaite.degreesOfFreedom) {
            fixed.append([c.term, NumberFormat.significant(c.estimate, 5, trim: false), NumberFormat.significant(c.standardError, 4, trim: false),
                          NumberFormat.significant(df, 4, trim: false), NumberFormat.fixed(c.t, decimals: 3), NumberFormat.pValue(c.pValue),
                          TextSummary.stars(c.pValue)])
        }
        o += TextSummary.aligned(fixed, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
        if f.reml { o += "\nlogLik (REML): \(ll), AIC: \(aic), BIC: \(bic)\n" }
        let dropped = f.design.fixed.dropped
        if !dropped.isEmpty {
            o += "(\(dropped.count) row\(dropped.count == 1 ? "" : "s") left out: \(TextSummary.reasons(dropped)))\n"
        }
        for w in MixedAnalysis.warnings(f, satterthwaite) { o += "warning: \(w)\n" }
        return o
    }

    /// lme4's random-effects table: a header, then each term's effects with variance, SD and
    /// correlations.
    static func varianceRows(_ components: [LinearMixedFit.VarianceComponent]) -> [[String]] {
        var rows = [["Groups", "Name", "Variance", "Std.Dev.", "Corr"]]
        for c in components {
            for (i, e) in c.effects.enumerated() {
                let sd = c.standardDeviations[i]
                let corr = (0..<i).map { NumberFormat.fixed(c.correlations[i, $0], decimals: 2) }.joined(separator: " ")
                rows.append([i == 0 ? c.group : "", e, NumberFormat.significant(sd * sd, 5), NumberFormat.significant(sd, 5), corr])
            }
        }
        return rows
    }

    /// Each grouping factor with its number of levels, once per factor.
    static func groupCounts(_ f: LinearMixedFit) -> [(String, Int)] { groupCounts(f.design) }

    static func groupCounts(_ design: MixedDesign) -> [(String, Int)] {
        var seen: [(String, Int)] = []
        for b in design.blocks where !seen.contains(where: { $0.0 == b.term.groupName }) { seen.append((b.term.groupName, b.levels.count)) }
        return seen
    }

    /// A mixed model's own keys.
    struct Mixed: Encodable, Sendable {
        struct Group: Encodable, Sendable { let name: String, levels: Int }
        struct RandomEffect: Encodable, Sendable {
            let group: String
            let effects: [String]
            let stdDevs: [JSONNumber]
            let correlations: [[JSONNumber]]
        }
        let method: String
        let groups: [Group]
        let randomEffects: [RandomEffect]
        let sigma, criterion: JSONNumber
        let theta: [JSONNumber]
        let icc: JSONNullable<[JSONNumber]>
        let singular, converged: Bool
        let evaluations: Int
        let anova: AnovaText.MixedF?
    }

    /// The JSON summary: the keys every model shares (``ModelJSON``, `kind` mixed,
    /// `df_residual` null, each coefficient's `df` lmerTest's Satterthwaite df, `deviance` the
    /// ML criterion or null for REML), then `method` (REML or ML), `groups` (name and levels),
    /// `random_effects` (each `group, effects, std_devs, correlations`), `sigma, criterion,
    /// theta, icc` (null with random slopes), `singular, converged, evaluations`, and with
    /// `--anova` `anova` (lmerTest's F table: ``AnovaText/MixedF``).
    public static func json(_ a: MixedAnalysis) throws -> String {
        try JSONOutput.text(document(fit: a.fit, satterthwaite: a.satterthwaite, level: a.level, anova: a.anova))
    }

    /// The summary as one encodable value (the panel's `fit` has no `anova`).
    static func document(fit f: LinearMixedFit, satterthwaite: Satterthwaite, level: Double, kind: ModelKind = .mixed,
                         anova: MixedFTable? = nil) -> JSONMerged<ModelJSON, Mixed> {
        let own = Mixed(method: f.reml ? "REML" : "ML", groups: groupCounts(f).map { .init(name: $0.0, levels: $0.1) },
                        randomEffects: f.varianceComponents.map { c in
                            .init(group: c.group, effects: c.effects, stdDevs: c.standardDeviations.json,
                                  correlations: (0..<c.effects.count).map { i in (0..<c.effects.count).map { JSONNumber(c.correlations[i, $0]) } })
                        },
                        sigma: JSONNumber(f.sigma), criterion: JSONNumber(f.criterion), theta: f.theta.json,
                        icc: JSONNullable(f.intraclassCorrelations?.json), singular: f.isSingular, converged: f.converged,
                        evaluations: f.evaluations, anova: anova.map(AnovaText.mixedF))
        return JSONMerged(common(fit: f, satterthwaite: satterthwaite, level: level, kind: kind), own)
    }

    /// The keys a mixed model's summary shares with every model's (lmerTest's df per coefficient).
    public static func common(fit f: LinearMixedFit, satterthwaite: Satterthwaite, level: Double, kind: ModelKind = .mixed) -> ModelJSON {
        ModelJSON(kind: kind, formula: f.design.formula.text, model: f, nDropped: f.design.fixed.dropped.count, covariance: .classical,
                  coefficients: f.coefficientTable(satterthwaite, level: level),
                  degreesOfFreedom: satterthwaite.degreesOfFreedom.map { $0 }, warnings: MixedAnalysis.warnings(f, satterthwaite))
    }
}
