import VarexLinearAlgebra

/// How much of the variation of the response each group of terms explains: Shapley values of
/// R² over the groups, exact, from a fit of every subset of groups (with the intercept and the
/// fit's weights). The shares add up to the full model's R²; 1 − R² is unexplained.
public struct ShapleyShares: Sendable {
    /// One share per group, in the grouping's order.
    public let shares: [Double]
    /// R² of every subset of groups; bit g of the index says whether group g is in.
    public let subsetRSquared: [Double]
    /// 1 − R² of the full model.
    public var unexplained: Double { 1 - subsetRSquared[subsetRSquared.count - 1] }

    /// The most groups for which every subset is fitted (2¹⁶ fits).
    public static let maximumGroups = 16

    public init(fit: LinearFit, grouping: TermGrouping) throws {
        let k = grouping.groups.count
        guard k <= Self.maximumGroups else {
            throw ExplainError.tooManyGroups(count: k, maximum: Self.maximumGroups)
        }
        if fit.design.absorbed != nil {
            (subsetRSquared, shares) = try Self.absorbed(fit: fit, grouping: grouping)
            return
        }
        let design = fit.design
        let n = fit.n
        let columnsOfGroup: [[Int]] = (0..<k).map { g in
            design.assign.indices.filter { j in design.assign[j] >= 0 && grouping.groupOfTerm[design.assign[j]] == g }
        }
        let intercept = design.assign.firstIndex(of: -1)
        // Σw(y − ȳ)², the total sum of squares about the weighted mean.
        var sw: Extended = 0, swy: Extended = 0
        for i in 0..<n { let w = Extended(fit.weight(i)); sw += w; swy += w * design.y[i] }
        let mean = swy / sw
        var tss: Extended = 0
        for i in 0..<n { let d = design.y[i] - mean; tss += Extended(fit.weight(i)) * d * d }

        var r2 = [Double](repeating: 0, count: 1 << k)
        for subset in 1..<(1 << k) {
            var cols = intercept.map { [$0] } ?? []
            for g in 0..<k where subset & (1 << g) != 0 { cols += columnsOfGroup[g] }
            cols.sort()
            r2[subset] = cols.isEmpty ? 0 : 1 - Refit(fit: fit, columns: cols).residualSumOfSquares() / Double(tss)
        }
        if intercept == nil { r2[0] = 0 }
        subsetRSquared = r2
        shares = Self.shapley(r2, groups: k)
    }

    /// Shapley values of a set function over k groups, given its value on every subset (bit g
    /// of the index: group g is in): φ_g = Σ over S without g of |S|!(k−|S|−1)!/k! · (v(S ∪ g) − v(S)).
    public static func shapley(_ value: [Double], groups k: Int) -> [Double] {
        var factorial = [Double](repeating: 1, count: k + 1)
        for i in 1...max(k, 1) where i <= k { factorial[i] = factorial[i - 1] * Double(i) }
        var shares = [Double](repeating: 0, count: k)
        for g in 0..<k {
            for subset in 0..<(1 << k) where subset & (1 << g) == 0 {
                let size = subset.nonzeroBitCount
                let weight = factorial[size] * factorial[k - size - 1] / factorial[k]
                shares[g] += weight * (value[subset | (1 << g)] - value[subset])
            }
        }
        return shares
    }
}
