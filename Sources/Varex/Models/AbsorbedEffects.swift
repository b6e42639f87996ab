import VarexLinearAlgebra

/// The fixed effects an absorbed fit took out, recovered after the fit (fixest's `fixef`): for
/// each factor and level, the part of the response the within transformation removed less Σ β
/// times each column's part. Their sum over a row's levels is its absorbed part of the fitted
/// value: fitted = Σ β x + that sum. With two factors the single effects are one solution of
/// the normal equations (their sums over connected levels are what is identified).
public struct AbsorbedEffects: Sendable {
    public let factors: [String]
    public let levels: [[String]]
    /// effects[f][level].
    public let effects: [[Double]]
    /// What each design column's transformation took out, [column][factor][level]: a new row's
    /// columns less these at its levels, times β, plus the response's part, is its prediction.
    public let columnParts: [[[Double]]]
    /// The response's part, [factor][level].
    public let responseParts: [[Double]]
    /// Each factor's total weight per level.
    public let levelWeights: [[Double]]
    /// With two factors: the total weight of each pair of levels the fit saw (first, second, weight).
    public let pairWeights: [(first: Int, second: Int, weight: Double)]

    /// d'(D'WD)⁻d for the dummy vector d of `levels` (one level per factor): σ̂² times it is the
    /// variance of the absorbed part of a prediction there. 1/Σw of the level for one factor;
    /// for two, the system (D'WD)u = d solved by alternating between the factors (as the
    /// demeaning does); nil for three or more factors (a saved model keeps at most two), and
    /// where the two levels are in different connected sets of the fitted
    /// data (their effects' sum is not identified) or the iteration does not settle.
    public static func varianceFactor(_ levels: [Int], levelWeights: [[Double]],
                                      pairWeights: [(first: Int, second: Int, weight: Double)]) -> Double? {
        if levels.count == 1 { return 1 / levelWeights[0][levels[0]] }
        guard levels.count == 2 else { return nil }
        let (g0, h0) = (levels[0], levels[1])
        let w1 = levelWeights[0], w2 = levelWeights[1]
        guard connected(g0, h0, counts: (w1.count, w2.count), pairs: pairWeights) else { return nil }
        var alpha = [Double](repeating: 0, count: w1.count), gamma = [Double](repeating: 0, count: w2.count)
        var previous = Double.nan
        for _ in 0..<100_000 {
            var s = [Double](repeating: 0, count: w1.count)
            for p in pairWeights { s[p.first] += p.weight * gamma[p.second] }
            for g in alpha.indices { alpha[g] = ((g == g0 ? 1 : 0) - s[g]) / w1[g] }
            var t = [Double](repeating: 0, count: w2.count)
            for p in pairWeights { t[p.second] += p.weight * alpha[p.first] }
            for h in gamma.indices { gamma[h] = ((h == h0 ? 1 : 0) - t[h]) / w2[h] }
            let q = alpha[g0] + gamma[h0]
            if abs(q - previous) <= 1e-14 * abs(q) { return q }
            previous = q
        }
        return nil
    }

    /// Whether level g of the first factor and h of the second are joined through pairs seen.
    static func connected(_ g: Int, _ h: Int, counts: (Int, Int), pairs: [(first: Int, second: Int, weight: Double)]) -> Bool {
        var parent = Array(0..<(counts.0 + counts.1))
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for p in pairs { parent[find(p.first)] = find(counts.0 + p.second) }
        return find(g) == find(counts.0 + h)
    }
}

extension LinearFit {
    /// The absorbed effects of a fit with `--absorb`, nil otherwise.
    public var absorbedEffects: AbsorbedEffects? {
        guard let a = design.absorbed else { return nil }
        let p = coefficients.count
        let response = a.levelParts[p]
        let effects = response.indices.map { f in
            response[f].indices.map { l in
                (0..<p).reduce(response[f][l]) { s, j in isAliased[j] ? s : s - coefficients[j] * a.levelParts[j][f][l] }
            }
        }
        var pairs: [(first: Int, second: Int, weight: Double)] = []
        if a.groups.count == 2 {
            var totals: [Int: Double] = [:]
            let width = a.levels[1]
            for i in 0..<n { totals[a.groups[0][i] * width + a.groups[1][i], default: 0] += weight(i) }
            pairs = totals.keys.sorted().map { (first: $0 / width, second: $0 % width, weight: totals[$0]!) }
        }
        return AbsorbedEffects(factors: a.names, levels: a.levelNames, effects: effects, columnParts: Array(a.levelParts.prefix(p)),
                               responseParts: response, levelWeights: a.levelWeights, pairWeights: pairs)
    }
}
