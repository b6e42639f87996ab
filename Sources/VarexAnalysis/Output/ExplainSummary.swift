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
        return furthest(head: head, order: order, line: line, higherIsBetter: a.request.rankingHigherIsBetter, top: top)
    }

    /// The `top` rows furthest each way from their justified level, in `order` (rank order).
    static func furthest(head: [String], order: [Int], line: (Int) -> [String], higherIsBetter better: Bool, top: Int) -> String {
        var o = "\(better ? "Furthest below" : "Furthest above") what is justified:\n"
        o += TextSummary.aligned([head] + order.prefix(top).map(line), leftFirst: false)
        o += "\n\(better ? "Furthest above" : "Furthest below") what is justified:\n"
        o += TextSummary.aligned([head] + order.suffix(top).reversed().map(line), leftFirst: false)
        return o
    }

    /// The same for a model whose levels are on the response scale (a GLM, a mixed model, a
    /// GLMM): rank, name, observed, justified and unjustified to 4 significant digits.
    static func extremes(names: [String], ranks: [Int], observed: [Double], justified: [Double], unjustified: [Double],
                         higherIsBetter: Bool, top: Int) -> String {
        let order = ranks.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }
        func line(_ i: Int) -> [String] {
            [String(ranks[i]), names[i], NumberFormat.significant(observed[i], 4), NumberFormat.significant(justified[i], 4),
             NumberFormat.significant(unjustified[i], 4)]
        }
        return furthest(head: ["Rank", "", "Observed", "Justified", "Unjustified"], order: order, line: line,
                        higherIsBetter: higherIsBetter, top: top)
    }

    /// An explanation in JSON: `fit` (as `varex fit --json`), `response_scale` (identity or
    /// log, with `log_base`), `smearing_factor`, `baseline`, `groups` (each `name, justified,
    /// terms, share` and the group's joint Wald test: `test` (F), `statistic, num_df, den_df,
    /// p_value`), `unexplained_share`,
    /// `subset_r_squared` (each `groups, r_squared`), `scale`, and the unjustified totals.
    struct Explanation: Encodable, Sendable {
        struct Subset: Encodable, Sendable {
            let groups: [String]
            let rSquared: JSONNumber
        }
        let fit: JSONMerged<ModelJSON, JSONSummary.Linear>
        let responseScale: String
        let logBase: JSONNumber?
        let smearingFactor, baseline: JSONNumber
        let groups: [GroupJSON]
        let unexplainedShare: JSONNumber
        let subsetRSquared: [Subset]
        let scale: JSONNullable<String>
        let unjustifiedPositiveTotal, unjustifiedNegativeTotal: JSONNumber
    }

    /// The JSON summary: the fit (same keys as `varex fit --json`) and the explanation.
    public static func json(_ a: ExplainAnalysis) throws -> String {
        let groups = a.decomposition.grouping.groups
        var logBase: JSONNumber? = nil
        if case let .logarithm(base) = a.responseScale { logBase = JSONNumber(base) }
        let doc = Explanation(
            fit: JSONSummary.document(a.summary), responseScale: logBase == nil ? "identity" : "log", logBase: logBase,
            smearingFactor: JSONNumber(a.retransformed?.smearing), baseline: JSONNumber(a.retransformed?.baseline ?? a.decomposition.baseline),
            groups: groups.enumerated().map { g, group in
                let t = a.groupTests[g]
                return GroupJSON(name: group.name, justified: group.justified, terms: group.terms, share: JSONNumber(a.shares.shares[g]),
                                 test: GroupTestJSON(f: t.statistic, numDf: t.df1, denDf: Double(t.df2), pValue: t.pValue))
            },
            unexplainedShare: JSONNumber(a.shares.unexplained),
            subsetRSquared: a.shares.subsetRSquared.indices.map { k in
                .init(groups: groups.indices.filter { k & (1 << $0) != 0 }.map { groups[$0].name }, rSquared: JSONNumber(a.shares.subsetRSquared[k]))
            },
            scale: JSONNullable(a.request.scale), unjustifiedPositiveTotal: JSONNumber(a.unjustifiedTotals?.positive),
            unjustifiedNegativeTotal: JSONNumber(a.unjustifiedTotals?.negative))
        return try JSONOutput.text(doc)
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
