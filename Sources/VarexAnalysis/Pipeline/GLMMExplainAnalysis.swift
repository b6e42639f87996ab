import Varex

/// `varex explain --family` with random-effect terms: a GLMM's linear predictor split by groups
/// of terms (``GLMMDecomposition``), each random term named in a group as lme4 prints it
/// (`1 | region` or `(1 | region)`); the levels on the response scale, each group's fixed
/// coefficients tested jointly by a Wald χ², the rows ranked by the unjustified amount.
public struct GLMMExplainAnalysis: Sendable {
    public let request: ExplainRequest
    public let glmm: GLMMAnalysis
    public let decomposition: GLMMDecomposition
    /// Per group, the Wald χ² test of its fixed coefficients (df 0 for random terms only).
    public let groupTests: [GLMWaldTest]
    /// Justified groups without evidence, and terms against their expected direction.
    public let justifiedWarnings: [String]
    /// Each used row's `--scale` value, when asked for.
    public let scaleValues: [Double]?
    /// Competition ranks of the unjustified amounts (1 = the largest, or the smallest when
    /// higher is better).
    public let ranks: [Int]

    public init(_ request: ExplainRequest, family: Family, link: Link?) throws {
        let request = request.absorbedAsDummies()
        let glmm = try GLMMAnalysis(request.fit, family: family, link: link)
        let fit = glmm.fit
        let labels = fit.design.blocks.map(\.term.label)
        func key(_ s: String) -> String { s.filter { $0 != " " } }
        let groups = request.groups.map { g in
            TermGroup(name: g.name, justified: g.justified, terms: g.terms.map { t in labels.first { "(" + key($0) + ")" == key(t) } ?? t })
        }
        var r = request
        r.groups = groups
        self.request = r
        self.glmm = glmm
        let grouping = try TermGrouping(groups: groups, formula: fit.design.fixed.formula, absorbed: labels)
        decomposition = try GLMMDecomposition(fit: fit, grouping: grouping, randomGroups: grouping.groupOfAbsorbed.map { $0 })
        let design = fit.design.fixed
        groupTests = grouping.groups.indices.map { g in
            fit.waldTest(columns: design.assign.indices.filter { design.assign[$0] >= 0 && grouping.groupOfTerm[design.assign[$0]] == g })
        }
        justifiedWarnings = try r.justifiedWarnings(grouping: grouping, groupPValues: groupTests.map(\.pValue), design: design,
                                                    coefficients: glmm.coefficients)
        scaleValues = try request.scale.map { try ExplainAnalysis.scaleValues(table: glmm.data.table, column: $0, rows: design.rows) }
        ranks = Ranking.competition(decomposition.unjustified, descending: !request.rankingHigherIsBetter)
    }

    /// Each random-effect term's column name: `random_<group>` (and its effects when not an
    /// intercept), as in the fit's residual table.
    public var randomColumns: [String] {
        var taken: [String] = []
        for (k, b) in glmm.fit.design.blocks.enumerated() { taken.append(MixedAnalysis.randomColumnName(b, index: k, taken: taken)) }
        return taken
    }

    /// Every input row: `id, [label,] observed, fitted` (the conditional mean),
    /// `linear_predictor, baseline, effect_<group>` (link scale: its fixed part and the random
    /// terms it names), `effect_<group>_response, random_<term>` (link scale, within its
    /// group's effect), `justified, unjustified` (response scale), `[observed_scaled,
    /// justified_scaled, unjustified_scaled,] rank, note`.
    public var output: OutputTable {
        let d = decomposition
        let groups = d.grouping.groups
        var columns = ["observed", "fitted", "linear_predictor", "baseline"]
        for g in groups { columns += ["effect_\(g.name)", "effect_\(g.name)_response"] }
        columns += randomColumns + ["justified", "unjustified"]
        if scaleValues != nil { columns += ["observed_scaled", "justified_scaled", "unjustified_scaled"] }
        columns.append("rank")
        let justified = d.justified, unjustified = d.unjustified
        let effects = groups.indices.map { d.effect(group: $0) }, responses = groups.indices.map { d.responseEffect(group: $0) }
        let cells: [[Cell]] = d.observed.indices.map { i in
            var row: [Cell] = [.finite(d.observed[i]), .finite(d.fitted[i]), .finite(d.linearPredictor[i]), .finite(d.baseline)]
            for g in groups.indices { row += [.finite(effects[g][i]), .finite(responses[g][i])] }
            row += d.random.map { .finite($0[i]) }
            row += [.finite(justified[i]), .finite(unjustified[i])]
            if let s = scaleValues { row += [d.observed[i], justified[i], unjustified[i]].map { .finite($0 * s[i]) } }
            row.append(.integer(ranks[i]))
            return row
        }
        return glmm.data.perRowTable(columns: columns, used: glmm.fit.design.fixed.rows, cells: cells, leftOut: glmm.fit.design.fixed.dropped)
    }
}
