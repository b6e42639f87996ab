import Varex

/// `varex explain --family`: a GLM's linear predictor decomposed by groups of terms, the levels
/// on the response scale (see ``GLMDecomposition``), ranked by the unjustified amount.
public struct GLMExplainAnalysis: Sendable {
    public let request: ExplainRequest
    public let glm: GLMAnalysis
    public let decomposition: GLMDecomposition
    /// Each used row's `--scale` value (NaN where it has none), when asked for.
    public let scaleValues: [Double]?
    /// Competition ranks of the unjustified amounts (1 = the largest, or the smallest when
    /// higher is better).
    public let ranks: [Int]
    /// Per group, the Wald test that its coefficients are all zero, with the analysis's
    /// covariance (χ² for a family with a fixed dispersion, F otherwise).
    public let groupTests: [GLMWaldTest]
    /// Justified groups without evidence, and terms against their expected direction.
    public let justifiedWarnings: [String]

    /// An absorbed factor is entered as its dummy columns in the group that named it
    /// (``ExplainRequest/absorbedAsDummies()``).
    public init(_ request: ExplainRequest, family: Family, link: Link?) throws {
        let request = request.absorbedAsDummies()
        self.request = request
        let glm = try GLMAnalysis(request.fit, family: family, link: link)
        self.glm = glm
        let grouping = try TermGrouping(groups: request.groups, formula: glm.data.formula)
        decomposition = try GLMDecomposition(fit: glm.fit, grouping: grouping)
        if let scale = request.scale {
            let c = try glm.data.table.column(scale)
            scaleValues = glm.fit.design.rows.map { r in
                c.isMissing[r] || c.kind == .text || !(c.values[r] > 0) ? .nan : Double(c.values[r])
            }
        } else {
            scaleValues = nil
        }
        ranks = Ranking.competition(decomposition.unjustified, descending: !request.rankingHigherIsBetter)
        let design = glm.fit.design
        groupTests = try grouping.groups.indices.map { g in
            let columns = design.assign.indices.filter { design.assign[$0] >= 0 && grouping.groupOfTerm[design.assign[$0]] == g }
            return try glm.fit.waldTest(columns: columns, covariance: glm.covariance)
        }
        justifiedWarnings = try request.justifiedWarnings(grouping: grouping, groupPValues: groupTests.map(\.pValue), design: design,
                                                          coefficients: glm.coefficients)
    }

    /// Every input row: `id, [label,] observed, fitted, linear_predictor, baseline, effect_<g>
    /// (link scale), effect_<g>_response, justified, unjustified, [observed_scaled,
    /// justified_scaled, unjustified_scaled,] o_minus_e, se_o_minus_e, z_o_minus_e,
    /// o_minus_e_low, o_minus_e_high` (``ObservedExpected``: observed − expected with its SE, z
    /// and interval), `rank, note`.
    public var output: OutputTable {
        let d = decomposition
        let groups = d.grouping.groups
        var columns = ["observed", "fitted", "linear_predictor", "baseline"]
        for g in groups { columns += ["effect_\(g.name)", "effect_\(g.name)_response"] }
        columns += ["justified", "unjustified"]
        if scaleValues != nil { columns += ["observed_scaled", "justified_scaled", "unjustified_scaled"] }
        columns += ["o_minus_e", "se_o_minus_e", "z_o_minus_e", "o_minus_e_low", "o_minus_e_high", "rank"]
        let oe = ObservedExpected(fit: glm.fit, level: glm.level)
        let cells: [[Cell]] = d.observed.indices.map { i in
            var row: [Cell] = [.finite(d.observed[i]), .finite(d.fitted[i]), .finite(d.linearPredictor[i]), .finite(d.baseline)]
            for g in groups.indices { row += [.finite(d.effects[g][i]), .finite(d.responseEffects[g][i])] }
            row += [.finite(d.justified[i]), .finite(d.unjustified[i])]
            if let s = scaleValues { row += [.finite(d.observed[i] * s[i]), .finite(d.justified[i] * s[i]), .finite(d.unjustified[i] * s[i])] }
            row += [.finite(oe.difference[i]), .finite(oe.standardError[i]), .finite(oe.z[i]), .finite(oe.low[i]), .finite(oe.high[i])]
            row.append(.integer(ranks[i]))
            return row
        }
        let r = request.fit
        return OutputTable.perRow(ids: glm.data.ids, idName: r.id ?? "id", labels: glm.data.labels, labelName: r.label,
                                  columns: columns, used: glm.fit.design.rows, cells: cells, leftOut: glm.fit.design.dropped)
    }
}
