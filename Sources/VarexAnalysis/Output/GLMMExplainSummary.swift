import Varex

/// `explain --family` with random-effect terms: the GLMM's summary, the groups' shares of the
/// deviance explained beyond the random terms with their Wald χ² tests, where each random term
/// counts, and the rows furthest from their justified level; the same as JSON and a workbook.
public enum GLMMExplainSummary {
    public static func text(_ a: GLMMExplainAnalysis, source: String? = nil, top: Int = 5) -> String {
        let d = a.decomposition
        var o = GLMMSummary.text(a.glmm, source: source)
        o += shares(d, tests: a.groupTests, beyond: "the random terms", only: "random terms")
        for (k, block) in a.glmm.fit.design.blocks.enumerated() {
            if let g = d.randomGroups[k] {
                let group = d.grouping.groups[g]
                o += "Random effects (\(block.term.label)): in \(group.name), \(group.justified ? "justified: each group's conditional mode is part of the justified level" : "unjustified: part of the amount left unjustified").\n"
            } else {
                o += "Random effects (\(block.term.label)): in no group, so part of the amount left unjustified.\n"
            }
        }
        o += "Baseline on the link scale (\(a.glmm.fit.link.rawValue)): \(NumberFormat.significant(d.baseline, 6)); "
        o += "levels are on the response scale through the inverse link.\n"
        let names = a.glmm.fit.design.fixed.rows.map { (a.glmm.data.labels?[$0] ?? a.glmm.data.ids[$0]) }
        o += "\n" + ExplainSummary.extremes(names: names, ranks: a.ranks, observed: d.observed, justified: d.justified, unjustified: d.unjustified,
                                            higherIsBetter: a.request.rankingHigherIsBetter, top: top)
        return o
    }

    /// The groups' shares of the deviance explained beyond the random terms (`beyond`; D(∅)
    /// the GLMM with the intercept and `only`) with their Wald χ² tests, as a table.
    static func shares(_ d: GLMMDecomposition, tests: [GLMWaldTest], beyond: String, only: String) -> String {
        var o = "\nShares of the deviance explained beyond \(beyond) (Shapley values of 1 − D(S)/D(∅) over the groups, "
        o += "D(∅) the GLMM with the intercept and \(only) only; the groups explain \(NumberFormat.fixed(100 * d.devianceExplained, decimals: 1))%):\n"
        var rows = [["Group", "Kind", "Share", "Wald χ²", "Df", "p", "Terms"]]
        for (g, group) in d.grouping.groups.enumerated() {
            let t = tests[g]
            let test = t.df1 == 0 ? ["—", "—", "—"] : [NumberFormat.significant(t.statistic, 4), "\(t.df1)", NumberFormat.pValue(t.pValue)]
            rows.append([group.name, group.justified ? "justified" : "unjustified", NumberFormat.fixed(100 * d.shares[g], decimals: 1) + "%"]
                        + test + [group.terms.joined(separator: " + ")])
        }
        rows.append(["(unexplained)", "", NumberFormat.fixed(100 * (1 - d.devianceExplained), decimals: 1) + "%", "", "", "",
                     "\(only) and residual deviance"])
        return o + TextSummary.aligned(rows, leftFirst: true)
    }

    /// A GLMM explanation's summary sheet: the provenance, the family and link, and each group's
    /// share of the deviance explained and Wald χ² test.
    static func provenance(_ glmm: GLMMAnalysis, common: ModelJSON, split d: GLMMDecomposition, tests: [GLMWaldTest]) -> Provenance {
        var provenance = Provenance.of(model: common, dataPath: glmm.data.table.source)
        provenance.rows.append(("Family and link", .text("\(glmm.fit.family.rawValue), \(glmm.fit.link.rawValue)")))
        for (g, group) in d.grouping.groups.enumerated() {
            let t = tests[g]
            provenance.rows.append(("Share of the deviance explained: \(group.name) (\(group.justified ? "justified" : "unjustified"))",
                                    .finite(d.shares[g])))
            provenance.rows.append(("Wald χ² test: \(group.name) (χ², Df, p)",
                                    .text("\(NumberFormat.significant(t.statistic, 6)), \(t.df1), \(NumberFormat.pValue(t.pValue))")))
        }
        return provenance
    }

    struct Explanation: Encodable {
        struct RandomTerm: Encodable { let term: String, group: String?, column: String }
        let fit: JSONMerged<ModelJSON, GLMMSummary.GLMM>
        let groups: [GroupJSON]
        let randomTerms: [RandomTerm]
        let devianceExplained, unexplainedShare: JSONNumber
        let subsetDevianceExplained: [JSONNumber]
        let baselineLink: JSONNumber
    }

    /// `fit` (as `fit --family --json` with random-effect terms), `groups` (each `name,
    /// justified, terms, share` and its Wald test: `test` chisq, `statistic, num_df, den_df`
    /// (null), `p_value`), `random_terms` (each `term, group` (null in none), `column`),
    /// `deviance_explained, unexplained_share, subset_deviance_explained, baseline_link`.
    public static func json(_ a: GLMMExplainAnalysis) throws -> String {
        let d = a.decomposition, groups = d.grouping.groups
        return try JSONOutput.text(Explanation(
            fit: GLMMSummary.document(a.glmm),
            groups: groups.enumerated().map { g, group in
                GroupJSON(name: group.name, justified: group.justified, terms: group.terms, share: JSONNumber(d.shares[g]),
                          test: GroupTestJSON(a.groupTests[g]))
            },
            randomTerms: a.glmm.fit.design.blocks.indices.map { k in
                .init(term: a.glmm.fit.design.blocks[k].term.label, group: d.randomGroups[k].map { groups[$0].name }, column: a.randomColumns[k])
            },
            devianceExplained: JSONNumber(d.devianceExplained), unexplainedShare: JSONNumber(1 - d.devianceExplained),
            subsetDevianceExplained: d.subsetDevianceExplained.json, baselineLink: JSONNumber(d.baseline)))
    }

    /// The explanation as a workbook: the rows (`--out`'s table) and a summary sheet with the
    /// provenance, the family and link, each group's share and Wald test, and the fixed effects.
    public static func workbook(_ a: GLMMExplainAnalysis, table: OutputTable? = nil, publication: Publication = Publication(),
                                settings: [String] = []) throws -> [UInt8] {
        let table = table ?? a.output
        let common = GLMMSummary.common(a.glmm)
        let provenance = provenance(a.glmm, common: common, split: a.decomposition, tests: a.groupTests)
            .with(publication, exclusions: Exclusion.rows(of: table, label: a.request.label != nil), settings: settings)
        return try XLSXWriter.data(table: table, sheetName: "Councils", provenance: provenance, extra: common.coefficientTable,
                                   layout: .explanation(response: a.glmm.fit.design.fixed.responseLabel, labels: publication.labels))
    }
}
