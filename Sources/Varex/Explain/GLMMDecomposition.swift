import VarexLinearAlgebra

/// `explain` on a generalized linear mixed model: the linear predictor split as a GLM's is
/// (``GLMDecomposition``) with each random-effect term's part of it beside the fixed groups',
///
///     η = baseline + Σ fixed group effects + Σ random terms + offset,
///
/// the fixed part's columns centred at their means weighted by the prior weights (the trials
/// for a binomial count pair), a random term's part its conditional modes times its columns
/// (lme4's `ranef`). A random term named in a group counts with that group, as in
/// ``MixedDecomposition``. The justified level is g⁻¹(baseline + the justified groups' effects
/// + offset) on the response scale, the unjustified amount observed − justified, and a group's
/// effect on the response scale g⁻¹(η) − g⁻¹(η − effect). Shares are Shapley values of the
/// deviance explained by the fixed groups beyond the random terms: 1 − D(S)/D(∅), D the
/// Laplace deviance less the saturated model's (−2 log L + 2 log L_sat) of a GLMM refit with
/// the intercept, the random terms and the groups S.
public struct GLMMDecomposition: Sendable {
    public let grouping: TermGrouping
    /// For each random-effect term, its group's index, or nil (in the remainder).
    public let randomGroups: [Int?]
    /// Σ b_j × mean_j on the link scale.
    public let baseline: Double
    /// effects[g][i]: group g's fixed part on the link scale.
    public let fixedEffects: [[Double]]
    /// random[k][i]: random term k's part of row i's η.
    public let random: [[Double]]
    public let offset: [Double]
    public let link: Link
    public let linearPredictor: [Double]
    public let observed: [Double]
    /// The conditional means (lme4's `fitted`).
    public let fitted: [Double]
    /// 1 − D(S)/D(∅) for every subset S of groups (bit g: group g in).
    public let subsetDevianceExplained: [Double]
    /// Shapley values of the deviance explained, one per group.
    public let shares: [Double]

    public init(fit: GeneralizedLinearMixedFit, grouping: TermGrouping, randomGroups: [Int?]) throws {
        guard fit.coefficientNames.first == "(Intercept)" else { throw ExplainError.needsIntercept }
        let k = grouping.groups.count
        guard k <= ShapleyShares.maximumGroups else { throw ExplainError.tooManyGroups(count: k, maximum: ShapleyShares.maximumGroups) }
        let n = fit.n, design = fit.design.fixed
        let x = design.x.rounded
        let w = fit.prior, sw = w.reduce(0, +)
        var effects = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        var base: Extended = 0
        for j in 0..<fit.p {
            var mean: Extended = 0
            for i in 0..<n { mean += Extended(w[i]) * Extended(x[i, j]) }
            mean /= Extended(sw)
            let b = Extended(fit.beta[j])
            base += b * mean
            let term = design.assign[j]
            guard term >= 0 else { continue }
            let g = grouping.groupOfTerm[term]
            for i in 0..<n { effects[g][i] += Double(b * (Extended(x[i, j]) - mean)) }
        }
        baseline = Double(base)
        fixedEffects = effects
        random = fit.design.blocks.indices.map { t in
            let block = fit.design.blocks[t], modes = fit.randomEffects(term: t)
            return (0..<n).map { i in (0..<block.effectCount).reduce(0.0) { $0 + block.values[i, $1] * modes[block.level[i], $1] } }
        }
        self.grouping = grouping
        self.randomGroups = randomGroups
        offset = fit.offset
        link = fit.link
        observed = fit.y
        fitted = fit.fitted
        linearPredictor = fit.modes.eta
        // Deviance explained by every subset of groups, beyond the random terms: GLMM refits
        // with the intercept, the random terms and those groups' columns.
        let saturated = fit.modes.conditionalDeviance - fit.modes.devianceResidualSum
        let intercept = design.assign.indices.filter { design.assign[$0] == -1 }
        let columnsOfGroup: [[Int]] = (0..<k).map { g in
            design.assign.indices.filter { j in design.assign[j] >= 0 && grouping.groupOfTerm[design.assign[j]] == g }
        }
        var deviance = [Double](repeating: 0, count: 1 << k)
        for subset in 0..<(1 << k) {
            let columns = (intercept + (0..<k).filter { subset & (1 << $0) != 0 }.flatMap { columnsOfGroup[$0] }).sorted()
            let criterion = subset == (1 << k) - 1 || columns.count == fit.p ? fit.criterion
                : try GeneralizedLinearMixedModel.refit(fit, columns: columns)
            deviance[subset] = criterion - saturated
        }
        subsetDevianceExplained = deviance.map { 1 - $0 / deviance[0] }
        shares = ShapleyShares.shapley(subsetDevianceExplained, groups: k)
    }

    /// Group g's effect per row on the link scale: its fixed part and the random terms it names.
    public func effect(group g: Int) -> [Double] {
        let terms = randomGroups.indices.filter { randomGroups[$0] == g }
        return observed.indices.map { i in terms.reduce(fixedEffects[g][i]) { $0 + random[$1][i] } }
    }

    /// Group g's effect per row on the response scale: g⁻¹(η) − g⁻¹(η − effect).
    public func responseEffect(group g: Int) -> [Double] {
        let e = effect(group: g)
        return observed.indices.map { i in link.mu(linearPredictor[i]) - link.mu(linearPredictor[i] - e[i]) }
    }

    /// The justified level: g⁻¹(baseline + offset + the justified groups' effects).
    public var justified: [Double] { justified(groups: Set(grouping.groups.indices.filter { grouping.groups[$0].justified })) }

    /// The justified level were the groups `chosen` the justified ones, on the response scale.
    public func justified(groups chosen: Set<Int>) -> [Double] {
        let terms = randomGroups.indices.filter { randomGroups[$0].map { chosen.contains($0) } ?? false }
        return observed.indices.map { i in
            var eta = baseline + offset[i]
            for g in chosen.sorted() { eta += fixedEffects[g][i] }
            for t in terms { eta += random[t][i] }
            return link.mu(eta)
        }
    }

    /// observed − justified, per row, on the response scale.
    public var unjustified: [Double] { zip(observed, justified).map { $0 - $1 } }

    /// 1 − D / D(∅) of the full model.
    public var devianceExplained: Double { subsetDevianceExplained[subsetDevianceExplained.count - 1] }
}
