import Varex

/// `explain` with random-effect terms: the mixed model's summary, the groups' shares of the
/// fixed part's marginal R² with their F tests, where each random term counts, and the rows
/// furthest from their justified level; and the same as JSON.
public enum MixedExplainSummary {
    public static func text(_ a: MixedExplainAnalysis, source: String? = nil, top: Int = 5) -> String {
        let d = a.decomposition, level = a.request.fit.level
        var o = MixedSummary.text(fit: a.mixed.fit, satterthwaite: a.mixed.satterthwaite, level: level, source: source)
        o += "\nShares of the variation (Shapley values of the fixed part's marginal R² over the groups):\n"
        var rows = [["Group", "Kind", "Share", "F", "NumDF", "DenDF", "Pr(>F)", "Terms"]]
        for (g, group) in d.grouping.groups.enumerated() {
            let t = a.groupTests[g]
            // A group of random-effect terms only has no fixed coefficients to test.
            let test = t.numeratorDF == 0 ? ["—", "—", "—", "—"]
                : [NumberFormat.significant(t.f, 4), "\(t.numeratorDF)", NumberFormat.significant(t.denominatorDF, 5), NumberFormat.pValue(t.pValue)]
            rows.append([group.name, group.justified ? "justified" : "unjustified", NumberFormat.fixed(100 * a.shares.shares[g], decimals: 1) + "%"]
                        + test + [group.terms.joined(separator: " + ")])
        }
        rows.append(["(unexplained)", "", NumberFormat.fixed(100 * a.shares.unexplained, decimals: 1) + "%", "", "", "", "",
                     "random effects and residual"])
        o += TextSummary.aligned(rows, leftFirst: true)
        for (k, block) in a.mixed.fit.design.blocks.enumerated() {
            let g = d.grouping.groups[d.randomGroups[k]!]
            o += "Random effects (\(block.term.label)): in \(g.name), \(g.justified ? "justified: each group's conditional mode is part of the justified level" : "unjustified: part of the amount left unjustified").\n"
        }
        o += "Shares are of the fixed part only (the random effects' variance is in the unexplained share); a row's justified level "
        o += "is its baseline plus its justified groups' effects.\n"
        let names = a.mixed.fit.design.fixed.rows.map { (a.mixed.data.labels?[$0] ?? a.mixed.data.ids[$0]) }
        o += "\n" + ExplainSummary.extremes(names: names, ranks: a.ranks, observed: d.observed, justified: d.justified, unjustified: d.unjustified,
                                            higherIsBetter: a.request.rankingHigherIsBetter, top: top)
        return o
    }

    struct Explanation: Encodable {
        struct RandomTerm: Encodable { let term, group, column: String }
        let fit: JSONMerged<ModelJSON, MixedSummary.Mixed>
        let groups: [GroupJSON]
        let randomTerms: [RandomTerm]
        let unexplainedShare: JSONNumber
        let subsetRSquared: [ExplainSummary.Explanation.Subset]
        let baseline: JSONNumber
    }

    /// `fit` (as `fit --json` with random-effect terms), `groups` (each `name, justified, terms,
    /// share` of the marginal R², and its joint F test: `test, statistic, num_df, den_df,
    /// p_value`), `random_terms` (each `term, group, column`), `unexplained_share`,
    /// `subset_r_squared`, `baseline`.
    public static func json(_ a: MixedExplainAnalysis) throws -> String {
        let d = a.decomposition, groups = d.grouping.groups
        let doc = Explanation(
            fit: MixedSummary.document(fit: a.mixed.fit, satterthwaite: a.mixed.satterthwaite, level: a.request.fit.level),
            groups: groups.enumerated().map { g, group in
                let t = a.groupTests[g]
                return GroupJSON(name: group.name, justified: group.justified, terms: group.terms, share: JSONNumber(a.shares.shares[g]),
                                 test: GroupTestJSON(f: t.f, numDf: t.numeratorDF, denDf: t.denominatorDF, pValue: t.pValue))
            },
            randomTerms: a.mixed.fit.design.blocks.indices.map { k in
                .init(term: a.mixed.fit.design.blocks[k].term.label, group: groups[d.randomGroups[k]!].name, column: a.randomColumns[k])
            },
            unexplainedShare: JSONNumber(a.shares.unexplained),
            subsetRSquared: a.shares.subsetRSquared.indices.map { k in
                .init(groups: groups.indices.filter { k & (1 << $0) != 0 }.map { groups[$0].name }, rSquared: JSONNumber(a.shares.subsetRSquared[k]))
            },
            baseline: JSONNumber(d.baseline))
        return try JSONOutput.text(doc)
    }

    /// The explanation as a workbook: the rows (`--out`'s table) and a summary sheet with the
    /// provenance, each group's share of the marginal R² and F test, and the fixed effects.
    public static func workbook(_ a: MixedExplainAnalysis, table: OutputTable? = nil, publication: Publication = Publication(),
                                settings: [String] = []) throws -> [UInt8] {
        let table = table ?? a.output
        let common = MixedSummary.common(fit: a.mixed.fit, satterthwaite: a.mixed.satterthwaite, level: a.request.fit.level)
        var provenance = Provenance.of(model: common, dataPath: a.mixed.data.table.source)
        for (g, group) in a.decomposition.grouping.groups.enumerated() {
            let t = a.groupTests[g]
            provenance.rows.append(("Share of marginal R²: \(group.name) (\(group.justified ? "justified" : "unjustified"))", .finite(a.shares.shares[g])))
            provenance.rows.append(("F test: \(group.name) (F, NumDF, DenDF, p)",
                                    .text("\(NumberFormat.significant(t.f, 6)), \(t.numeratorDF), \(NumberFormat.significant(t.denominatorDF, 6)), \(NumberFormat.pValue(t.pValue))")))
        }
        provenance.rows.append(("Unexplained share (random effects and residual)", .finite(a.shares.unexplained)))
        provenance = provenance.with(publication, exclusions: Exclusion.rows(of: table, label: a.request.label != nil), settings: settings)
        return try XLSXWriter.data(table: table, sheetName: "Councils", provenance: provenance, extra: common.coefficientTable,
                                   layout: .explanation(response: a.mixed.fit.design.fixed.responseLabel, labels: publication.labels))
    }
}
