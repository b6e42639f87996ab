import VarexLinearAlgebra

/// A panel's groups' Shapley shares of the marginal R² (Nakagawa and Schielzeth 2013): the share
/// of the variance that the fixed part explains, var(Xβ) / (var(Xβ) + Σ σ²ᵤ + σ²), var(Xβ) the
/// sample variance (n − 1) of the fixed predictor, σ²ᵤ each random intercept's variance. Every
/// subset of groups is refitted on the same rows with the same random intercepts and criterion
/// (REML or ML), and each group's share is its Shapley value over the subsets, as the
/// cross-sectional `explain`'s shares of R² are (relaimpo's lmg).
public struct PanelShares: Sendable {
    /// One share per group, in the grouping's order.
    public let shares: [Double]
    /// The marginal R² of every subset of groups; bit g of the index says whether group g is in.
    public let subsetRSquared: [Double]
    /// 1 − the full model's marginal R²: the variance left to the random intercepts and the residual.
    public var unexplained: Double { 1 - subsetRSquared[subsetRSquared.count - 1] }

    /// The most groups (2⁸ mixed-model fits).
    public static let maximumGroups = 8

    public init(fit: LinearMixedFit, grouping: TermGrouping) throws {
        let k = grouping.groups.count
        guard k <= Self.maximumGroups else { throw ExplainError.tooManyGroups(count: k, maximum: Self.maximumGroups) }
        let assign = fit.design.fixed.assign
        let columnsOfGroup: [[Int]] = (0..<k).map { g in
            assign.indices.filter { assign[$0] >= 0 && grouping.groupOfTerm[assign[$0]] == g }
        }
        let intercept = assign.firstIndex(of: -1)
        var r2 = [Double](repeating: 0, count: 1 << k)
        for subset in 0..<(1 << k) {
            var columns = intercept.map { [$0] } ?? []
            for g in 0..<k where subset & (1 << g) != 0 { columns += columnsOfGroup[g] }
            columns.sort()
            if subset == (1 << k) - 1 {
                r2[subset] = Self.marginalRSquared(beta: fit.beta, theta: fit.theta, sigma: fit.sigma, x: fit.x)
            } else if columns.isEmpty || columns == intercept.map({ [$0] }) {
                r2[subset] = 0
            } else {
                let refit = try LinearMixedModel.refit(fit, columns: columns)
                r2[subset] = Self.marginalRSquared(beta: refit.beta, theta: refit.theta, sigma: refit.sigma, x: refit.x)
            }
        }
        subsetRSquared = r2
        shares = ShapleyShares.shapley(r2, groups: k)
    }

    /// var(Xβ) / (var(Xβ) + Σ (θσ)² + σ²), for random intercepts (one θ each).
    static func marginalRSquared(beta: [Double], theta: [Double], sigma: Double, x: Matrix) -> Double {
        let n = x.rows
        let f = (0..<n).map { i in beta.indices.reduce(0.0) { $0 + x[i, $1] * beta[$1] } }
        let mean = f.reduce(0, +) / Double(n)
        let varF = f.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let varU = theta.reduce(0) { $0 + $1 * $1 * sigma * sigma }
        return varF / (varF + varU + sigma * sigma)
    }
}
