import Varex

/// A GLM's summary as text (the layout of R's `summary.glm`) and as JSON.
public enum GLMSummary {
    public static func text(_ a: GLMAnalysis, source: String? = nil) -> String {
        let f = a.fit
        var o = "Call:\n  glm(formula = \(f.design.formula.text), family = \(f.family.rawValue)(link = \"\(f.link.rawValue)\")"
        o += "\(f.design.weights == nil ? "" : ", weights")\(source.map { ", data = \($0)" } ?? ""))\n\n"
        o += "Deviance Residuals:\n"
        o += TextSummary.aligned([["Min", "1Q", "Median", "3Q", "Max"],
                                  FitSummary.quantiles(f.devianceResiduals, [0, 0.25, 0.5, 0.75, 1]).map { NumberFormat.significant($0, 4) }],
                                 leftFirst: false)
        let table = f.coefficientTable(level: a.level)
        let aliased = table.filter(\.isAliased).count
        o += aliased > 0 ? "\nCoefficients: (\(aliased) not defined because of singularities)\n" : "\nCoefficients:\n"
        let stat = f.family.usesZ ? "z" : "t"
        var rows = [["", "Estimate", "Std. Error", "\(stat) value", "Pr(>|\(stat)|)", ""]]
        for c in table {
            if c.isAliased { rows.append([c.term, "NA", "NA", "NA", "NA", ""]); continue }
            rows.append([c.term, NumberFormat.significant(c.estimate, 5, trim: false), NumberFormat.significant(c.standardError, 4, trim: false),
                         NumberFormat.fixed(c.t, decimals: 3), NumberFormat.pValue(c.pValue), TextSummary.stars(c.pValue)])
        }
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n"
        let phi = f.family.estimatesDispersion ? NumberFormat.significant(f.dispersion, 7) : "1"
        o += "(Dispersion parameter for \(f.family.rawValue) family taken to be \(phi))\n\n"
        o += "    Null deviance: \(NumberFormat.significant(f.nullDeviance, 5))  on \(f.dfNull)  degrees of freedom\n"
        o += "Residual deviance: \(NumberFormat.significant(f.deviance, 5))  on \(f.dfResidual)  degrees of freedom\n"
        if !f.design.dropped.isEmpty {
            o += "  (\(f.design.dropped.count) observation\(f.design.dropped.count == 1 ? "" : "s") left out: \(TextSummary.reasons(f.design.dropped)))\n"
        }
        o += "AIC: \(f.aic.map { NumberFormat.significant($0, 5) } ?? "NA")\n\n"
        o += "Number of Fisher Scoring iterations: \(f.iterations)\n"
        return o
    }

    /// The JSON summary: `formula, family, link, n, n_dropped, rank, df_residual, df_null,
    /// coefficients` (each `term, estimate, std_error, statistic, p_value, ci_low, ci_high`),
    /// `deviance, null_deviance, aic, log_likelihood, dispersion, iterations, converged`, and
    /// `warnings` when there are any. Undefined numbers are null.
    public static func json(_ a: GLMAnalysis) -> String {
        let f = a.fit
        let n = JSONSummary.number, s = JSONSummary.string
        var o = "{\n"
        o += "  \"formula\": \(s(f.design.formula.text)),\n  \"family\": \(s(f.family.rawValue)),\n  \"link\": \(s(f.link.rawValue)),\n"
        o += "  \"n\": \(f.n),\n  \"n_dropped\": \(f.design.dropped.count),\n  \"rank\": \(f.rank),\n"
        o += "  \"df_residual\": \(f.dfResidual),\n  \"df_null\": \(f.dfNull),\n  \"coefficients\": [\n"
        o += f.coefficientTable(level: a.level).map { c in
            "    {\"term\": \(s(c.term)), \"estimate\": \(n(c.estimate)), \"std_error\": \(n(c.standardError)), "
                + "\"statistic\": \(n(c.t)), \"p_value\": \(n(c.pValue)), \"ci_low\": \(n(c.confidenceLow)), \"ci_high\": \(n(c.confidenceHigh))}"
        }.joined(separator: ",\n")
        o += "\n  ],\n"
        o += "  \"statistic\": \(s(f.family.usesZ ? "z" : "t")),\n"
        o += "  \"deviance\": \(n(f.deviance)),\n  \"null_deviance\": \(n(f.nullDeviance)),\n"
        o += "  \"aic\": \(n(f.aic ?? .nan)),\n  \"log_likelihood\": \(n(f.logLikelihood ?? .nan)),\n"
        o += "  \"dispersion\": \(n(f.dispersion)),\n  \"iterations\": \(f.iterations),\n  \"converged\": \(f.converged)"
        if !f.warnings.isEmpty { o += ",\n  \"warnings\": [" + f.warnings.map(s).joined(separator: ", ") + "]" }
        return o + "\n}\n"
    }
}
