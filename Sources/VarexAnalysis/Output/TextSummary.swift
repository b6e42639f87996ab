import Varex
/// A readable summary in the layout of R's `summary.lm`, for the terminal.
public enum TextSummary {
    public static func render(_ s: FitSummary, source: String? = nil) -> String {
        var o = ""
        o += "Call:\n  lm(formula = \(s.formula)\(s.isWeighted ? ", weights" : "")\(source.map { ", data = \($0)" } ?? ""))\n\n"
        if !s.absorbed.isEmpty {
            o += "Absorbed fixed effects: " + s.absorbed.map { "\($0.name) (\($0.levels) levels)" }.joined(separator: ", ")
            o += ", \(s.absorbedParameters) parameters with the intercept, as dummy columns would take\n"
            for t in s.absorbedTerms {
                o += "Not estimable: \(t.term) is absorbed by \(t.by.joined(separator: " and ")) (\(t.by.count == 1 ? "constant within each level" : t.by.count == 2 ? "constant within the levels of the two" : "a sum of the \(t.by.count) factors' effects"))\n"
            }
            o += "\n"
        }
        o += (s.isWeighted ? "Weighted Residuals:\n" : "Residuals:\n")
        if s.dfResidual == 0 {
            o += "ALL \(s.n) residuals are 0: no residual degrees of freedom!\n"
        } else if s.residualQuantiles.isEmpty {
            o += "(not kept: a fit read in blocks (--stream) holds no residuals; --residuals writes them)\n"
        } else {
            o += aligned([["Min", "1Q", "Median", "3Q", "Max"], s.residualQuantiles.map { NumberFormat.significant($0, 4) }], leftFirst: false)
        }
        o += "\n"
        if s.aliasedCount > 0 {
            o += "Coefficients: (\(s.aliasedCount) not defined because of singularities)\n"
        } else {
            o += "Coefficients:\n"
        }
        let seHead = s.covarianceType == .classical ? "Std. Error" : "\(s.covarianceType.rawValue) SE"
        // CR2 tests each coefficient on its own Satterthwaite df (clubSandwich's coef_test): shown.
        let ownDF = s.covarianceType == .cr2
        var rows = [["", "Estimate", seHead] + (ownDF ? ["df"] : []) + ["t value", "Pr(>|t|)", ""]]
        for c in s.coefficients {
            if c.isAliased {
                rows.append([c.term, "NA", "NA"] + (ownDF ? ["NA"] : []) + ["NA", "NA", ""])
            } else {
                rows.append([c.term, NumberFormat.significant(c.estimate, 5, trim: false), NumberFormat.significant(c.standardError, 4, trim: false)]
                            + (ownDF ? [NumberFormat.fixed(c.degreesOfFreedom, decimals: 1)] : [])
                            + [NumberFormat.fixed(c.t, decimals: 3), NumberFormat.pValue(c.pValue), stars(c.pValue)])
            }
        }
        o += aligned(rows, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n"
        o += "Residual standard error: \(NumberFormat.significant(s.sigma, 4)) on \(s.dfResidual) degrees of freedom\n"
        if !s.dropped.isEmpty {
            o += "  (\(s.dropped.count) observation\(s.dropped.count == 1 ? "" : "s") left out: \(reasons(s.dropped)))\n"
        }
        o += """
            Multiple R-squared:  \(NumberFormat.significant(s.rSquared, 4)),\tAdjusted R-squared:  \
            \(NumberFormat.significant(s.adjustedRSquared, 4))\n
            """
        if let f = s.overall {
            let name = s.covarianceType == .classical ? "F-statistic" : "Wald F (\(s.covarianceType.rawValue))"
            // R prints an undefined overall p-value as NA.
            let p = f.pValue.isNaN ? "NA" : NumberFormat.pValue(f.pValue)
            o += "\(name): \(NumberFormat.significant(f.statistic, 4)) on \(f.df1) and \(f.df2) DF,  p-value: \(p)\n"
        }
        o += """
            Log-likelihood: \(NumberFormat.significant(s.logLikelihood, 6)),  AIC: \
            \(NumberFormat.significant(s.aic, 6)),  BIC: \(NumberFormat.significant(s.bic, 6))\n
            """
        o += "Standard errors: \(standardErrors(s)); intervals at \(NumberFormat.significant(s.level * 100, 4))%\n"
        if let a = s.anova {
            o += "\n" + AnovaText.render(a.sequential, response: s.response, absorbed: s.absorbed.map(\.name))
            o += "\n" + AnovaText.render(a.typeII, response: s.response, absorbed: s.absorbed.map(\.name))
        }
        return o
    }

    /// "classical", "HC3 (heteroskedasticity-consistent)", or "CR1 (clustered by code: 152
    /// clusters; t on 151 df)".
    static func standardErrors(_ s: FitSummary) -> String {
        if s.covarianceType == .classical { return "classical" }
        if s.covarianceType.isClustered {
            let by = s.clusters.map { "\($0.name): \($0.count) clusters" }.joined(separator: ", ")
            let tests = s.covarianceType == .cr2 ? "t on each coefficient's Satterthwaite df, F on \(s.testDegreesOfFreedom)" : "t on \(s.testDegreesOfFreedom) df"
            return "\(s.covarianceType.rawValue) (clustered by \(by); \(tests))"
        }
        return "\(s.covarianceType.rawValue) (heteroskedasticity-consistent)"
    }

    /// "missing imd_score: 1; weight is zero: 2", commonest first.
    public static func reasons(_ dropped: [DroppedRow]) -> String {
        var counts: [(String, Int)] = []
        for d in dropped {
            if let k = counts.firstIndex(where: { $0.0 == d.reason }) { counts[k].1 += 1 } else { counts.append((d.reason, 1)) }
        }
        return counts.sorted { $0.1 > $1.1 }.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
    }

    static func stars(_ p: Double) -> String {
        guard p.isFinite else { return "" }
        if p < 0.001 { return "***" }
        if p < 0.01 { return "**" }
        if p < 0.05 { return "*" }
        if p < 0.1 { return "." }
        return ""
    }

    /// Columns padded to a common width; the first column left-aligned when `leftFirst`.
    public static func aligned(_ rows: [[String]], leftFirst: Bool) -> String {
        guard let cols = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: cols)
        for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.count) } }
        var o = ""
        for r in rows {
            var line = ""
            for (j, c) in r.enumerated() {
                let pad = String(repeating: " ", count: widths[j] - c.count)
                if j == 0 && leftFirst { line += c + pad }
                else if j == cols - 1 && leftFirst { line += " " + c + pad }
                else { line += (j == 0 ? "" : " ") + pad + c }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            o += line + "\n"
        }
        return o
    }
}
