import VarexLinearAlgebra

/// What explaining an absorbed fit needs beyond the within regression: the model without the
/// absorbed factor, on the design columns restored to their values (the within deviation plus
/// the parts the transformation took out at the row's levels), with an intercept.
extension LinearFit {
    /// Design column `j` of the rows used, restored to its values (as it is without `--absorb`).
    func restoredColumn(_ j: Int) -> [Extended] {
        var raw = design.x.column(j)
        guard let a = design.absorbed else { return raw }
        for i in 0..<n { for f in a.groups.indices { raw[i] += Extended(a.levelParts[j][f][a.groups[f][i]]) } }
        return raw
    }

    /// The restored columns of the rows used, by design column.
    func restoredColumns() -> [[Double]] {
        (0..<coefficients.count).map { restoredColumn($0).map { Double($0) } }
    }

    /// The (weighted) residual sum of squares and rank of the response on an intercept and the
    /// restored `columns`: the model without the absorbed factors.
    func withoutAbsorbed(columns: [Int], restored: [[Double]]) throws -> (rss: Double, rank: Int) {
        let y = (design.absorbed?.response ?? design.y).map { Double($0) }
        var x = Matrix(rows: n, columns: columns.count + 1)
        var yw = y
        for i in 0..<n {
            let r = weight(i).squareRoot()
            x[i, 0] = r
            for (k, j) in columns.enumerated() { x[i, k + 1] = restored[j][i] * r }
            yw[i] = y[i] * r
        }
        let s = try LeastSquares.solve(x, yw, tolerance: tolerance)
        return (s.residualSumOfSquares, s.rank)
    }

    /// Σw(y − ȳ_w)² of the response as observed (before any absorption).
    var totalSumOfSquaresAboutMean: Double {
        let y = (design.absorbed?.response ?? design.y).map { Double($0) }
        var sw = 0.0, swy = 0.0
        for i in 0..<n { sw += weight(i); swy += weight(i) * y[i] }
        let mean = swy / sw
        return (0..<n).reduce(0.0) { $0 + weight($1) * (y[$1] - mean) * (y[$1] - mean) }
    }
}

extension ShapleyShares {
    /// The shares of an absorbed fit: a subset of groups with the absorbed factors' group is the
    /// within regression on its groups' columns; one without it, the response on an intercept
    /// and its groups' restored columns. The absorbed factors must share one group.
    static func absorbed(fit: LinearFit, grouping: TermGrouping) throws -> (r2: [Double], shares: [Double]) {
        let k = grouping.groups.count
        guard Set(grouping.groupOfAbsorbed).count == 1, let absorbedGroup = grouping.groupOfAbsorbed.first else {
            throw ExplainError.absorbedFactorsInTwoGroups
        }
        let design = fit.design
        let columnsOfGroup: [[Int]] = (0..<k).map { g in design.assign.indices.filter { grouping.groupOfTerm[design.assign[$0]] == g } }
        let restored = fit.restoredColumns()
        let tss = fit.totalSumOfSquaresAboutMean
        var r2 = [Double](repeating: 0, count: 1 << k)
        for subset in 1..<(1 << k) {
            let cols = (0..<k).filter { subset & (1 << $0) != 0 }.flatMap { columnsOfGroup[$0] }.sorted()
            let rss: Double
            if subset & (1 << absorbedGroup) != 0 {
                rss = cols.isEmpty ? Double(fit.weighted.y.reduce(Extended(0)) { $0 + $1 * $1 }) : Refit(fit: fit, columns: cols).residualSumOfSquares()
            } else {
                rss = try fit.withoutAbsorbed(columns: cols, restored: restored).rss
            }
            r2[subset] = 1 - rss / tss
        }
        return (r2, shapley(r2, groups: k))
    }
}
