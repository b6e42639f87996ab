import Varex
/// The summary as Markdown: a coefficient table and the fit statistics, for reports and issues.
public enum MarkdownSummary {
    public static func render(_ s: FitSummary) -> String {
        let seHead = s.covarianceType == .classical ? "Std. Error" : "\(s.covarianceType.rawValue) SE"
        let pct = NumberFormat.significant(s.level * 100, 4)
        var o = "**Model:** `\(s.formula)`\n\n"
        let ownDF = s.covarianceType == .cr2
        o += "| Term | Estimate | \(seHead) |\(ownDF ? " df |" : "") t | p | \(pct)% CI low | \(pct)% CI high |\n"
        o += "|---|---:|---:|\(ownDF ? "---:|" : "")---:|---:|---:|---:|\n"
        for c in s.coefficients {
            let cells = c.isAliased ? [String](repeating: "NA", count: ownDF ? 7 : 6) :
                [NumberFormat.significant(c.estimate, 5), NumberFormat.significant(c.standardError, 4)]
                + (ownDF ? [NumberFormat.fixed(c.degreesOfFreedom, decimals: 1)] : [])
                + [NumberFormat.fixed(c.t, decimals: 3), NumberFormat.pValue(c.pValue),
                   NumberFormat.significant(c.confidenceLow, 5), NumberFormat.significant(c.confidenceHigh, 5)]
            o += "| `\(c.term)` | " + cells.joined(separator: " | ") + " |\n"
        }
        o += "\n"
        o += "- Observations: \(s.n) used, \(s.dropped.count) left out\(s.dropped.isEmpty ? "" : " (\(TextSummary.reasons(s.dropped)))")\n"
        o += "- Residual standard error: \(NumberFormat.significant(s.sigma, 4)) on \(s.dfResidual) degrees of freedom\n"
        o += "- R²: \(NumberFormat.significant(s.rSquared, 4)); adjusted R²: \(NumberFormat.significant(s.adjustedRSquared, 4))\n"
        if let f = s.overall {
            o += """
                - \(s.covarianceType == .classical ? "F" : "Wald F") = \
                \(NumberFormat.significant(f.statistic, 4)) on \(f.df1) and \(f.df2) DF, p = \
                \(NumberFormat.pValue(f.pValue))\n
                """
        }
        o += """
            - Log-likelihood \(NumberFormat.significant(s.logLikelihood, 6)); AIC \
            \(NumberFormat.significant(s.aic, 6)); BIC \(NumberFormat.significant(s.bic, 6))\n
            """
        o += "- Standard errors: \(s.covarianceType.rawValue)\n"
        return o
    }
}

extension MarkdownSummary {
    /// Any model's summary as Markdown, from the keys every model shares: the coefficient table
    /// (with each test's df where it has one) and the shared statistics.
    public static func render(_ m: ModelJSON) -> String {
        var o = "**Model:** `\(m.formula)` (\(m.kind.rawValue))\n\n"
        o += "| Term | Estimate | \(m.covariance == .classical ? "Std. Error" : m.covariance.rawValue + " SE") | Statistic | df | p | CI low | CI high |\n"
        o += "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for (c, df) in zip(m.coefficients, m.degreesOfFreedom) {
            let cells = c.isAliased ? [String](repeating: "NA", count: 7) :
                [NumberFormat.significant(c.estimate, 5), NumberFormat.significant(c.standardError, 4), NumberFormat.fixed(c.t, decimals: 3),
                 df.map { NumberFormat.significant($0, 4) } ?? "", NumberFormat.pValue(c.pValue),
                 NumberFormat.significant(c.confidenceLow, 5), NumberFormat.significant(c.confidenceHigh, 5)]
            o += "| `\(c.term)` | " + cells.joined(separator: " | ") + " |\n"
        }
        o += "\n- Observations: \(m.n) used, \(m.nDropped) left out\n"
        let stat = { (name: String, x: Double?) in x.map { "\(name) \(NumberFormat.significant($0, 6))" } }
        let parts = [stat("log-likelihood", m.logLikelihood), stat("AIC", m.aic), stat("BIC", m.bic), stat("deviance", m.deviance)].compactMap { $0 }
        if !parts.isEmpty { o += "- " + parts.joined(separator: "; ") + "\n" }
        o += "- Standard errors: \(m.covariance.rawValue)\n"
        for w in m.warnings { o += "- Warning: \(w)\n" }
        return o
    }
}

/// The coefficient table as an ``OutputTable`` (for `--format csv`).
public enum CoefficientTable {
    public static func make(_ s: FitSummary) -> OutputTable {
        let ownDF = s.covarianceType == .cr2
        return OutputTable(header: ["term", "estimate", "std_error", "t", "p_value", "ci_low", "ci_high"] + (ownDF ? ["df"] : []),
                           rows: s.coefficients.map { c in
                               [.text(c.term), .finite(c.estimate), .finite(c.standardError), .finite(c.t), .finite(c.pValue),
                                .finite(c.confidenceLow), .finite(c.confidenceHigh)] + (ownDF ? [.finite(c.degreesOfFreedom)] : [])
                           })
    }
}
