import VarexLinearAlgebra

/// A linear mixed model's fitted values decomposed by groups of terms (`explain` with random-
/// effect terms): for every row
///
///     observed = baseline + Σ effect_group + Σ random_term + residual
///
/// where the baseline and the group effects come from the fixed effects as in ``Decomposition``
/// (coefficient × (value − mean value), summed over each group's columns), `random_term` is the
/// row's part of Zb for each random-effect term (its group's conditional modes, lme4's
/// `ranef`, times the term's columns) and `residual` what is left (lme4's `residuals`). A random
/// term named in a group counts with that group (a justified group takes it into the justified
/// level); one named in none stays in the unexplained remainder, with the residual.
public struct MixedDecomposition: Sendable {
    public let grouping: TermGrouping
    /// For each random-effect term, its group's index, or nil (in the remainder).
    public let randomGroups: [Int?]
    public let baseline: Double
    /// effects[g][i]: the fixed part of group g.
    public let effects: [[Double]]
    /// random[k][i]: random-effect term k's part of row i.
    public let random: [[Double]]
    public let observed: [Double]
    /// observed − (baseline + Σ effects + Σ random), per row.
    public let residual: [Double]

    public init(fit: LinearMixedFit, grouping: TermGrouping, randomGroups: [Int?]) throws {
        guard fit.coefficientNames.first == "(Intercept)" else { throw ExplainError.needsIntercept }
        let n = fit.n
        let (base, effects) = PanelDecomposition.fixedPart(fit, grouping: grouping)
        random = fit.design.blocks.indices.map { k in
            let block = fit.design.blocks[k], modes = fit.randomEffects(term: k)
            return (0..<n).map { i in (0..<block.effectCount).reduce(0.0) { $0 + block.values[i, $1] * modes[block.level[i], $1] } }
        }
        observed = fit.y
        baseline = Double(base)
        self.effects = effects.map { $0.map { Double($0) } }
        let randomParts = random
        residual = (0..<n).map { i in
            Double(Extended(fit.y[i]) - effects.reduce(base) { $0 + $1[i] } - randomParts.reduce(Extended(0)) { $0 + Extended($1[i]) })
        }
        self.grouping = grouping
        self.randomGroups = randomGroups
    }

    /// Group g's effect per row: its fixed part and the random terms it names.
    public func effect(group g: Int) -> [Double] {
        let terms = randomGroups.indices.filter { randomGroups[$0] == g }
        return observed.indices.map { i in terms.reduce(effects[g][i]) { $0 + random[$1][i] } }
    }

    /// baseline + the justified groups' effects (fixed, and the random terms they name), per row.
    public var justified: [Double] { justified(groups: Set(grouping.groups.indices.filter { grouping.groups[$0].justified })) }

    /// baseline + the effects of the groups `chosen` (fixed, and the random terms they name),
    /// per row: the justified level were those groups the justified ones.
    public func justified(groups chosen: Set<Int>) -> [Double] {
        let groups = chosen.sorted()
        let terms = randomGroups.indices.filter { randomGroups[$0].map { chosen.contains($0) } ?? false }
        return observed.indices.map { i in
            terms.reduce(groups.reduce(baseline) { $0 + effects[$1][i] }) { $0 + random[$1][i] }
        }
    }

    /// observed − justified, per row: the unjustified groups' effects, the random terms not in
    /// a justified group and the residual.
    public var unjustified: [Double] { zip(observed, justified).map { $0 - $1 } }
}
