import VarexLinearAlgebra

/// `explain` on a GLM: the linear predictor split as the linear model's fitted values are,
/// η = baseline + Σ group effects + offset, each design column centred at its mean weighted by
/// the prior weights (the trials for a binomial count pair); then moved to the response scale
/// through the inverse link. The justified level is g⁻¹(baseline + the justified groups'
/// effects + offset), the unjustified amount observed − justified (on the response scale), and a
/// group's effect on the response scale g⁻¹(η) − g⁻¹(η − effect): how much the group moves that
/// row's expected value, the others held. Shares are Shapley values of the deviance explained,
/// 1 − D(groups)/D(null), from a GLM refit for every subset of groups.
public struct GLMDecomposition: Sendable {
    public let grouping: TermGrouping
    /// Σ b_j × mean_j on the link scale.
    public let baseline: Double
    /// effects[g][i] on the link scale.
    public let effects: [[Double]]
    /// effects on the response scale, as above.
    public let responseEffects: [[Double]]
    public let offset: [Double]
    /// The link the levels go through to the response scale.
    public let link: Link
    public let linearPredictor: [Double]
    public let observed: [Double]
    public let fitted: [Double]
    public let justified: [Double]
    public let unjustified: [Double]
    /// 1 − D(S)/D(null) for every subset S of groups (bit g: group g in).
    public let subsetDevianceExplained: [Double]
    /// Shapley values of the deviance explained, one per group; they sum to the full model's.
    public let shares: [Double]

    public init(fit: GeneralizedLinearFit, grouping: TermGrouping) throws {
        guard fit.design.formula.hasIntercept else { throw ExplainError.needsIntercept }
        let k = grouping.groups.count
        guard k <= ShapleyShares.maximumGroups else { throw ExplainError.tooManyGroups(count: k, maximum: ShapleyShares.maximumGroups) }
        let design = fit.design
        let n = fit.n, p = fit.coefficients.count
        let w = fit.priorWeights
        let sw = w.reduce(0, +)
        var effects = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        var base: Extended = 0
        for j in 0..<p where !fit.isAliased[j] {
            var mean: Extended = 0
            for i in 0..<n { mean += Extended(w[i]) * design.x[i, j] }
            mean /= Extended(sw)
            let b = Extended(fit.coefficients[j])
            base += b * mean
            let term = design.assign[j]
            guard term >= 0 else { continue }
            let g = grouping.groupOfTerm[term]
            for i in 0..<n { effects[g][i] += Double(b * (design.x[i, j] - mean)) }
        }
        let link = fit.link
        self.link = link
        baseline = Double(base)
        self.effects = effects
        self.grouping = grouping
        offset = fit.offset
        let eta = (0..<n).map { i in effects.reduce(Double(base) + fit.offset[i]) { $0 + $1[i] } }
        linearPredictor = eta
        responseEffects = effects.map { e in (0..<n).map { link.mu(eta[$0]) - link.mu(eta[$0] - e[$0]) } }
        observed = fit.y
        fitted = fit.mu
        let justifiedGroups = grouping.groups.indices.filter { grouping.groups[$0].justified }
        let levels = (0..<n).map { i in link.mu(justifiedGroups.reduce(Double(base) + fit.offset[i]) { $0 + effects[$1][i] }) }
        justified = levels
        unjustified = (0..<n).map { fit.y[$0] - levels[$0] }
        // Deviance explained by every subset of groups: a GLM refit with the intercept and those
        // groups' columns (the offset and weights kept); the empty set is the null model.
        let intercept = design.assign.indices.filter { design.assign[$0] == -1 }
        let columnsOfGroup: [[Int]] = (0..<k).map { g in
            design.assign.indices.filter { j in design.assign[j] >= 0 && grouping.groupOfTerm[design.assign[j]] == g }
        }
        var value = [Double](repeating: 0, count: 1 << k)
        for subset in 1..<(1 << k) {
            let columns = (intercept + (0..<k).filter { subset & (1 << $0) != 0 }.flatMap { columnsOfGroup[$0] }).sorted()
            let d = subset == (1 << k) - 1 ? fit.deviance : try GeneralizedLinearModel.deviance(of: fit, columns: columns)
            value[subset] = 1 - d / fit.nullDeviance
        }
        subsetDevianceExplained = value
        shares = ShapleyShares.shapley(value, groups: k)
    }

    /// 1 − D / D(null) of the full model.
    public var devianceExplained: Double { subsetDevianceExplained[subsetDevianceExplained.count - 1] }

    /// The justified level with the groups `groups` justified: g⁻¹(baseline + their effects +
    /// offset), per row, on the response scale.
    public func justified(groups: Set<Int>) -> [Double] {
        observed.indices.map { i in
            var eta = baseline + offset[i]
            for g in grouping.groups.indices where groups.contains(g) { eta += effects[g][i] }
            return link.mu(eta)
        }
    }
}
