import Varex

extension AnovaText {
    /// `anova(fit, test = ...)` or `car::Anova(fit)` on a GLM, as R prints them.
    public static func render(_ table: DevianceTable, fit: GeneralizedLinearFit) -> String {
        render(table, family: fit.family, link: fit.link, response: fit.design.responseLabel)
    }

    /// The table of a GLM of `family` and `link` whose response is `response`.
    public static func render(_ table: DevianceTable, family: Family, link: Link, response: String) -> String {
        var o: String
        var rows: [[String]]
        let dev = { (x: Double?) in x.map { NumberFormat.significant($0, 5, trim: false) } ?? "" }
        let p = { (x: Double?) in x.map { $0.isNaN ? "NA" : NumberFormat.pValue($0) } ?? "" }
        switch table.kind {
        case .sequential:
            o = "Analysis of Deviance Table\n\nModel: \(family.rawValue), link: \(link.rawValue)\n\nResponse: \(response)\n\n"
            o += "Terms added sequentially (first to last)\n\n"
            let f = table.test == .f
            rows = [["", "Df", "Deviance", "Resid. Df", "Resid. Dev"] + (f ? ["F", "Pr(>F)"] : ["Pr(>Chi)"]) + [""]]
            for r in table.rows {
                var row = [r.term, r.df.map(String.init) ?? "", dev(r.deviance), r.residualDF.map(String.init) ?? "", dev(r.residualDeviance)]
                if f { row.append(r.statistic.map { NumberFormat.significant($0, 4, trim: false) } ?? "") }
                row += [p(r.pValue), r.pValue.map(TextSummary.stars) ?? ""]
                rows.append(row)
            }
        case .typeII:
            o = "Analysis of Deviance Table (Type II tests: each term after every term that does not contain it)\n\nResponse: \(response)\n"
            rows = [["", "LR Chisq", "Df", "Pr(>Chisq)", ""]]
            for r in table.rows {
                rows.append([r.term, dev(r.statistic), r.df.map(String.init) ?? "", p(r.pValue), r.pValue.map(TextSummary.stars) ?? ""])
            }
        }
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n"
        if table.dispersion != 1 { o += "Tests scaled by the dispersion, \(NumberFormat.significant(table.dispersion, 7)) (Pearson χ² / residual df)\n" }
        return o
    }

    /// An analysis-of-deviance row in JSON: `term, df, deviance, resid_df, resid_dev,
    /// statistic, p_value` (null where undefined; the `NULL` row first in the sequential table).
    struct DevianceRow: Encodable, Sendable {
        let term: String
        let df: JSONNullable<Int>
        let deviance: JSONNumber
        let residDf: JSONNullable<Int>
        let residDev, statistic, pValue: JSONNumber
    }

    static func rows(_ table: DevianceTable) -> [DevianceRow] {
        table.rows.map { r in
            DevianceRow(term: r.term, df: JSONNullable(r.df), deviance: JSONNumber(r.deviance), residDf: JSONNullable(r.residualDF),
                residDev: JSONNumber(r.residualDeviance), statistic: JSONNumber(r.statistic), pValue: JSONNumber(r.pValue))
        }
    }
}
