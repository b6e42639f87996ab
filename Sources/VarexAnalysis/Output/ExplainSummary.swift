import Varex
/// Renders an explain run: the model summary, the group shares of variation, the totals in
/// pounds, and the rows with the largest and smallest unjustified values.
public enum ExplainSummary {
    public static func text(_ a: ExplainAnalysis, source: String? = nil, top: Int = 5, unit: String = "councils") -> String {
        var o = TextSummary.render(a.summary, source: source)
        o += "\nShares of the variation in \(a.summary.response) (Shapley values of R² over the groups):\n"
        let se = a.summary.covarianceType == .classical ? "" : " (\(a.summary.covarianceType.rawValue))"
        var rows = [["Group", "Kind", "Share", "Wald F\(se)", "Df", "Pr(>F)", "Terms"]]
        for (g, group) in a.decomposition.grouping.groups.enumerated() {
            let t = a.groupTests[g]
            rows.append([group.name, group.justified ? "justified" : "unjustified",
                         NumberFormat.fixed(100 * a.shares.shares[g], decimals: 1) + "%",
                         t.statistic.isNaN ? "NA" : NumberFormat.significant(t.statistic, 4), "\(t.df1), \(t.df2)",
                         t.pValue.isNaN ? "NA" : NumberFormat.pValue(t.pValue), group.terms.joined(separator: " + ")])
        }
        rows.append(["(unexplained)", "unjustified", NumberFormat.fixed(100 * a.shares.unexplained, decimals: 1) + "%", "", "", "",
                     "residual"])
        o += TextSummary.aligned(rows, leftFirst: true)
        o += "\n" + baselineLine(a)
        if let t = a.unjustifiedTotals {
            o += totalsLine(t, unit: unit) + "\n"
        }
        o += "\n" + extremes(a, top: top)
        return o
    }

    /// The totals in words, without a double negative: amounts above and below the justified
    /// level, each as a positive sum.
    static func totalsLine(_ t: (positive: Double, negative: Double, above: Int, below: Int), unit: String) -> String {
        "Spending above the model's justified level: \(money(t.positive)) across \(t.above) \(unit); "
            + "spending below it: \(money(-t.negative)) across \(t.below) \(unit)."
    }

    static func baselineLine(_ a: ExplainAnalysis) -> String {
        if let r = a.retransformed {
            return """
                Baseline: \(NumberFormat.significant(r.baseline, 6)) (the mean on the log scale, \
                back-transformed with Duan's smearing factor \(NumberFormat.significant(r.smearing, 6))).\n
                """
        }
        return """
            Baseline (the \(a.fit.weights == nil ? "" : "weighted ")mean of \(a.summary.response)): \
            \(NumberFormat.significant(a.decomposition.baseline, 6)).\n
            """
    }

    /// "£12.3m" style amounts.
    static func money(_ x: Double) -> String {
        let sign = x < 0 ? "-" : ""
        let v = abs(x)
        if v >= 1e9 { return "\(sign)£\(NumberFormat.fixed(v / 1e9, decimals: 2))bn" }
        if v >= 1e6 { return "\(sign)£\(NumberFormat.fixed(v / 1e6, decimals: 1))m" }
        if v >= 1e3 { return "\(sign)£\(NumberFormat.fixed(v / 1e3, decimals: 1))k" }
        return "\(sign)£\(NumberFormat.fixed(v, decimals: 0))"
    }

    /// The rows ranked 1…top and the last `top`, with label, observed, justified, unjustified.
    static func extremes(_ a: ExplainAnalysis, top: Int) -> String {
        let x = a.rows
        let names = a.fit.design.rows.map { a.displayNames[$0] }
        let order = x.ranks.indices.sorted { x.ranks[$0] != x.ranks[$1] ? x.ranks[$0] < x.ranks[$1] : $0 < $1 }
        func line(_ i: Int) -> [String] {
            var l = [String(x.ranks[i]), names[i], NumberFormat.fixed(x.observed[i], decimals: 0),
                     NumberFormat.fixed(x.justified[i], decimals: 0), NumberFormat.fixed(x.unjustified[i], decimals: 0),
                     NumberFormat.fixed(x.unjustifiedPercent[i], decimals: 1) + "%"]
            if let scale = x.scale { l.append(money(x.unjustified[i] * scale[i])) }
            return l
        }
        var head = ["Rank", "", "Observed", "Justified", "Unjustified", "%"]
        if x.scale != nil { head.append("Unjustified total") }
        let better = a.request.higherIsBetter
        var o = "\(better ? "Furthest below" : "Furthest above") what is justified:\n"
        o += TextSummary.aligned([head] + order.prefix(top).map(line), leftFirst: false)
        o += "\n\(better ? "Furthest above" : "Furthest below") what is justified:\n"
        o += TextSummary.aligned([head] + order.suffix(top).reversed().map(line), leftFirst: false)
        return o
    }

    /// The JSON summary: the fit (same keys as `varex fit --json`) and the explanation.
    public static func json(_ a: ExplainAnalysis) -> String {
        let groups = a.decomposition.grouping.groups
        var o = "{\n  \"fit\": " + JSONSummary.render(a.summary).trimmingNewlines.replacingNewlines(with: "\n  ") + ",\n"
        switch a.responseScale {
        case .identity: o += "  \"response_scale\": \"identity\",\n  \"smearing_factor\": null,\n"
        case let .logarithm(base):
            o += "  \"response_scale\": \"log\",\n  \"log_base\": \(JSONSummary.number(base)),\n"
            o += "  \"smearing_factor\": \(JSONSummary.number(a.retransformed!.smearing)),\n"
        }
        o += "  \"baseline\": \(JSONSummary.number(a.retransformed?.baseline ?? a.decomposition.baseline)),\n"
        o += "  \"groups\": [\n" + groups.enumerated().map { g, group in
            "    {\"name\": \(JSONSummary.string(group.name)), \"justified\": \(group.justified), \"terms\": ["
                + group.terms.map(JSONSummary.string).joined(separator: ", ") + "], \"share\": \(JSONSummary.number(a.shares.shares[g])), "
                + "\"wald_f\": \(JSONSummary.number(a.groupTests[g].statistic)), \"wald_df1\": \(a.groupTests[g].df1), "
                + "\"wald_df2\": \(a.groupTests[g].df2), \"wald_p_value\": \(JSONSummary.number(a.groupTests[g].pValue))}"
        }.joined(separator: ",\n") + "\n  ],\n"
        o += "  \"unexplained_share\": \(JSONSummary.number(a.shares.unexplained)),\n"
        o += "  \"subset_r_squared\": [\n" + a.shares.subsetRSquared.indices.map { s in
            let names = groups.indices.filter { s & (1 << $0) != 0 }.map { JSONSummary.string(groups[$0].name) }
            return "    {\"groups\": [\(names.joined(separator: ", "))], \"r_squared\": \(JSONSummary.number(a.shares.subsetRSquared[s]))}"
        }.joined(separator: ",\n") + "\n  ],\n"
        o += "  \"scale\": \(a.request.scale.map(JSONSummary.string) ?? "null"),\n"
        if let t = a.unjustifiedTotals {
            o += "  \"unjustified_positive_total\": \(JSONSummary.number(t.positive)),\n"
            o += "  \"unjustified_negative_total\": \(JSONSummary.number(t.negative))\n"
        } else {
            o += "  \"unjustified_positive_total\": null,\n  \"unjustified_negative_total\": null\n"
        }
        return o + "}\n"
    }
}

extension String {
    var trimmingNewlines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    func replacingNewlines(with replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
