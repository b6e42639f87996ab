import Varex

/// `varex explain` with random-effect terms (without `--panel`): a linear mixed model's fitted
/// values split by groups of terms (``MixedDecomposition``). Each random-effect term is named in
/// a group as lme4 prints it (`1 | region`, or `(1 | region)`), as every fixed term is; the
/// groups' shares are Shapley values of the fixed part's marginal R² (``PanelShares``), each
/// group's fixed coefficients are tested jointly (lmerTest's `contest`), and the rows are
/// ranked by the unjustified amount.
public struct MixedExplainAnalysis: Sendable {
    public let request: ExplainRequest
    public let mixed: MixedAnalysis
    public let decomposition: MixedDecomposition
    public let shares: PanelShares
    public let groupTests: [ContrastFTest]
    /// Justified groups without evidence, and terms against their expected direction.
    public let justifiedWarnings: [String]
    /// Each used row's `--scale` value, when asked for.
    public let scaleValues: [Double]?
    /// Competition ranks of the unjustified amounts (1 = the largest, or the smallest when
    /// higher is better).
    public let ranks: [Int]

    public init(_ request: ExplainRequest) throws {
        let request = request.absorbedAsDummies()
        let mixed = try MixedAnalysis(request.fit)
        let fit = mixed.fit
        // The shares' marginal R² takes each random term's variance as σ²θ²: intercepts only.
        if let slope = fit.design.blocks.first(where: { $0.effectNames != ["(Intercept)"] }) {
            throw ExplainError.randomSlopeInExplain(slope.term.label)
        }
        let labels = fit.design.blocks.map(\.term.label)
        // `(1 | region)` names the term `1 | region`.
        func key(_ s: String) -> String { s.filter { $0 != " " } }
        let groups = request.groups.map { g in
            TermGroup(name: g.name, justified: g.justified, terms: g.terms.map { t in
                labels.first { "(" + key($0) + ")" == key(t) } ?? t
            })
        }
        var r = request
        r.groups = groups
        self.request = r
        self.mixed = mixed
        let grouping = try TermGrouping(groups: groups, formula: fit.design.fixed.formula, absorbed: labels)
        decomposition = try MixedDecomposition(fit: fit, grouping: grouping, randomGroups: grouping.groupOfAbsorbed.map { $0 })
        shares = try PanelShares(fit: fit, grouping: grouping)
        groupTests = try PanelAnalysis.groupTests(fit, mixed.satterthwaite, grouping: grouping)
        justifiedWarnings = try r.justifiedWarnings(grouping: grouping, groupPValues: groupTests.map(\.pValue), design: fit.design.fixed,
                                                    coefficients: mixed.coefficients)
        scaleValues = try request.scale.map { try ExplainAnalysis.scaleValues(table: mixed.data.table, column: $0, rows: fit.design.fixed.rows) }
        ranks = Ranking.competition(decomposition.unjustified, descending: !request.rankingHigherIsBetter)
    }

    /// Each random-effect term's column name in the table: `random_<group>` (and its effects
    /// when not an intercept).
    public var randomColumns: [String] {
        mixed.fit.design.blocks.map { b in
            "random_" + b.term.groupName + (b.effectNames == ["(Intercept)"] ? "" : "_" + b.effectNames.joined(separator: "_"))
        }
    }

    /// Every input row: `id, [label,] observed, fitted` (conditional, lme4's `fitted`),
    /// `baseline, effect_<group>` (its fixed part and the random terms it names),
    /// `random_<term>` (each random term's part, within its group's effect),
    /// `residual, justified, unjustified, [observed_scaled, justified_scaled,
    /// unjustified_scaled,] rank, note`.
    public var output: OutputTable {
        let d = decomposition
        var columns = ["observed", "fitted", "baseline"] + d.grouping.groups.map { "effect_\($0.name)" } + randomColumns
        columns += ["residual", "justified", "unjustified"]
        if scaleValues != nil { columns += ["observed_scaled", "justified_scaled", "unjustified_scaled"] }
        columns.append("rank")
        let justified = d.justified, unjustified = d.unjustified
        let groupEffects = d.grouping.groups.indices.map { d.effect(group: $0) }
        let cells: [[Cell]] = d.observed.indices.map { i in
            var row: [Cell] = [.finite(d.observed[i]), .finite(d.observed[i] - d.residual[i]), .finite(d.baseline)]
            row += groupEffects.map { .finite($0[i]) } + d.random.map { .finite($0[i]) }
            row += [.finite(d.residual[i]), .finite(justified[i]), .finite(unjustified[i])]
            if let s = scaleValues { row += [d.observed[i], justified[i], unjustified[i]].map { .finite($0 * s[i]) } }
            row.append(.integer(ranks[i]))
            return row
        }
        return mixed.data.perRowTable(columns: columns, used: mixed.fit.design.fixed.rows, cells: cells, leftOut: mixed.fit.design.fixed.dropped)
    }
}
