import Varex

/// Analysis-of-variance tables as text, in the layout R prints them, and as JSON.
public enum AnovaText {
    /// `anova(fit)` or `car::Anova(fit)`, as R prints it.
    /// `absorbed`: the factors absorbed, which every test comes after (as in `lm` with their
    /// `factor()` terms entered first; their own rows are not in the table).
    public static func render(_ table: AnovaTable, response: String, absorbed: [String] = []) -> String {
        var o: String
        let withSS = table.rows.contains { $0.term != "Residuals" && $0.sumOfSquares != nil }
        switch table.kind {
        case .sequential: o = "Analysis of Variance Table (sequential: each term after those above it)\n\n"
        case .typeII where withSS: o = "Anova Table (Type II tests: each term after every term that does not contain it)\n\n"
        case .typeII:
            o = "Analysis of Deviance Table (Type II tests: each term after every term that does not contain it)\n"
            o += "Coefficient covariances: \(table.covariance.rawValue)\n\n"
        }
        o += "Response: \(response)\n"
        if !absorbed.isEmpty {
            o += "Every term is tested after the absorbed \(absorbed.joined(separator: " and ")) (as with factor() terms entered first)\n"
        }
        var rows: [[String]]
        if table.kind == .sequential {
            rows = [["", "Df", "Sum Sq", "Mean Sq", "F value", "Pr(>F)", ""]]
        } else if withSS {
            rows = [["", "Sum Sq", "Df", "F value", "Pr(>F)", ""]]
        } else {
            rows = [["", "Df", "F", "Pr(>F)", ""]]
        }
        for r in table.rows {
            let ss = r.sumOfSquares.map { NumberFormat.significant($0, 5, trim: false) } ?? ""
            let f = r.f.map { NumberFormat.significant($0, 4, trim: false) } ?? ""
            let p = r.pValue.map { $0.isNaN ? "NA" : NumberFormat.pValue($0) } ?? ""
            let stars = r.pValue.map(TextSummary.stars) ?? ""
            if table.kind == .sequential {
                rows.append([r.term, String(r.df), ss, r.meanSquare.map { NumberFormat.significant($0, 5, trim: false) } ?? "", f, p, stars])
            } else if withSS {
                rows.append([r.term, ss, String(r.df), f, p, stars])
            } else {
                rows.append([r.term, String(r.df), f, p, stars])
            }
        }
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
        if let note = table.clusterNote { o += "Note: \(note)\n" }
        return o
    }

    /// An ANOVA row in JSON: `term, df, sum_sq, mean_sq, f, p_value` (null where undefined).
    struct Row: Encodable, Sendable {
        let term: String
        let df: Int
        let sumSq, meanSq, f, pValue: JSONNumber
    }

    static func rows(_ table: AnovaTable) -> [Row] {
        table.rows.map { Row(term: $0.term, df: $0.df, sumSq: JSONNumber($0.sumOfSquares), meanSq: JSONNumber($0.meanSquare), f: JSONNumber($0.f),
                             pValue: JSONNumber($0.pValue)) }
    }
}

extension AnovaText {
    /// `anova(m1, m2, ...)` as R prints it (for GLMs, the analysis of deviance).
    public static func render(_ c: ComparisonAnalysis) -> String {
        if let l = c.likelihood { return render(l, formulas: c.formulas) }
        let glm = c.glm != nil, f = c.comparison.test == .f
        var o = glm ? "Analysis of Deviance Table\n\n" : "Analysis of Variance Table\n\n"
        for (k, formula) in c.formulas.enumerated() { o += "Model \(k + 1): \(formula)\n" }
        var rows = glm ? [["", "Resid. Df", "Resid. Dev", "Df", "Deviance"] + (f ? ["F", "Pr(>F)"] : ["Pr(>Chi)"]) + [""]]
            : [["", "Res.Df", "RSS", "Df", "Sum of Sq", "F", "Pr(>F)", ""]]
        for (k, r) in c.comparison.rows.enumerated() {
            var row = [String(k + 1), String(r.dfResidual), NumberFormat.significant(r.rss, glm ? 5 : 6),
                       r.df.map(String.init) ?? "", r.sumOfSquares.map { NumberFormat.significant($0, glm ? 5 : 6) } ?? ""]
            if !glm || f { row.append(r.f.map { NumberFormat.significant($0, 4) } ?? "") }
            row += [r.pValue.map(NumberFormat.pValue) ?? "", r.pValue.map(TextSummary.stars) ?? ""]
            rows.append(row)
        }
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
        return o
    }

    /// A comparison of nested models by F, χ² or likelihood ratio (the `comparison` schema).
    struct Comparison: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            let resDf: Int
            let rss: JSONNumber
            let df: JSONNullable<Int>
            let sumSq, f, statistic, pValue: JSONNumber
        }
        let models: [String]
        let family, link: String?
        let test: String
        let rows: [Row]
    }

    /// The comparison as JSON: `models`, `family` and `link` for GLMs, `test`, `rows` (each
    /// `res_df, rss, df, sum_sq, f, statistic, p_value`); lme4's likelihood-ratio table has
    /// its own rows.
    public static func json(_ c: ComparisonAnalysis) throws -> String {
        if let l = c.likelihood { return try JSONOutput.text(likelihood(l, formulas: c.formulas)) }
        return try JSONOutput.text(Comparison(models: c.formulas, family: c.glm?.family.rawValue, link: c.glm?.link.rawValue,
                                              test: c.comparison.test.rawValue, rows: c.comparison.rows.map { r in
            .init(resDf: r.dfResidual, rss: JSONNumber(r.rss), df: JSONNullable(r.df), sumSq: JSONNumber(r.sumOfSquares), f: JSONNumber(r.f),
                  statistic: JSONNumber(r.f), pValue: JSONNumber(r.pValue))
        }))
    }

    /// lme4's `anova(m1, m2, ...)`: the models by their number of parameters, refitted by ML.
    static func render(_ l: LikelihoodRatioComparison, formulas: [String]) -> String {
        var o = "Likelihood-ratio tests (models refitted by ML, ordered by their number of parameters)\n\n"
        for r in l.rows { o += "Model \(r.model + 1): \(formulas[r.model])\n" }
        var rows = [["", "npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)", ""]]
        for r in l.rows {
            rows.append([String(r.model + 1), String(r.parameters), NumberFormat.fixed(r.aic, decimals: 1), NumberFormat.fixed(r.bic, decimals: 1),
                         NumberFormat.fixed(r.logLikelihood, decimals: 1), NumberFormat.fixed(r.deviance, decimals: 1),
                         r.chiSquare.map { NumberFormat.fixed($0, decimals: 4) } ?? "", r.df.map(String.init) ?? "",
                         r.pValue.map(NumberFormat.pValue) ?? "", r.pValue.map(TextSummary.stars) ?? ""])
        }
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
        return o
    }

    /// lme4's likelihood-ratio table in JSON.
    struct LikelihoodRatio: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            let model, npar: Int
            let aic, bic, logLikelihood, deviance, statistic: JSONNumber
            let df: JSONNullable<Int>
            let pValue: JSONNumber
        }
        let models: [String]
        let test: String
        let rows: [Row]
    }

    /// The likelihood-ratio table as JSON: `models` (in the table's order), `test` (LRT),
    /// `rows` (each `model, npar, aic, bic, log_likelihood, deviance, statistic, df, p_value`).
    static func likelihood(_ l: LikelihoodRatioComparison, formulas: [String]) -> LikelihoodRatio {
        LikelihoodRatio(models: l.rows.map { formulas[$0.model] }, test: "LRT", rows: l.rows.map { r in
            .init(model: r.model + 1, npar: r.parameters, aic: JSONNumber(r.aic), bic: JSONNumber(r.bic), logLikelihood: JSONNumber(r.logLikelihood),
                  deviance: JSONNumber(r.deviance), statistic: JSONNumber(r.chiSquare), df: JSONNullable(r.df), pValue: JSONNumber(r.pValue))
        })
    }

    /// lmerTest's `anova(fit)`, as it prints it.
    static func render(_ t: MixedFTable) -> String {
        var rows = [["", "Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)", ""]]
        for r in t.rows {
            rows.append([r.term, NumberFormat.significant(r.sumOfSquares, 5), NumberFormat.significant(r.meanSquare, 5), "\(r.numeratorDF)",
                         NumberFormat.significant(r.denominatorDF, 5), NumberFormat.significant(r.f, 4), NumberFormat.pValue(r.pValue),
                         TextSummary.stars(r.pValue)])
        }
        return "Type III Analysis of Variance Table with Satterthwaite's method\n" + TextSummary.aligned(rows, leftFirst: true)
            + "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
    }

    /// car's Type III Wald χ² table of a GLMM, in its layout.
    static func render(_ t: WaldChiSquareTable) -> String {
        var rows = [["", "Chisq", "Df", "Pr(>Chisq)", ""]]
        for r in t.rows {
            rows.append([r.term, NumberFormat.significant(r.chiSquare, 5), "\(r.df)", NumberFormat.pValue(r.pValue), TextSummary.stars(r.pValue)])
        }
        return "Analysis of Deviance Table (Type III Wald chisquare tests), as car::Anova\n" + TextSummary.aligned(rows, leftFirst: true)
            + "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
    }

    /// car's Wald χ² table as JSON: `type` (III), `method` (Wald chi-square), `rows` (each
    /// `term, chisq, df, p_value`).
    struct WaldChiSquare: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            let term: String
            let chisq: JSONNumber
            let df: Int
            let pValue: JSONNumber
        }
        let type: String
        let method: String
        let rows: [Row]

        init(_ t: WaldChiSquareTable) {
            type = "III"
            method = "Wald chi-square"
            rows = t.rows.map { Row(term: $0.term, chisq: JSONNumber($0.chiSquare), df: $0.df, pValue: JSONNumber($0.pValue)) }
        }
    }

    /// lmerTest's F table as JSON: `type` (III, equal to II for these terms), `method`
    /// (Satterthwaite), `rows` (each `term, sum_sq, mean_sq, num_df, den_df, f, p_value`).
    struct MixedF: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            let term: String
            let sumSq, meanSq: JSONNumber
            let numDf: Int
            let denDf, f, pValue: JSONNumber
        }
        let type: String
        let method: String
        let rows: [Row]
    }

    static func mixedF(_ t: MixedFTable) -> MixedF {
        MixedF(type: "III", method: "Satterthwaite", rows: t.rows.map { r in
            .init(term: r.term, sumSq: JSONNumber(r.sumOfSquares), meanSq: JSONNumber(r.meanSquare), numDf: r.numeratorDF,
                  denDf: JSONNumber(r.denominatorDF), f: JSONNumber(r.f), pValue: JSONNumber(r.pValue))
        })
    }
}
