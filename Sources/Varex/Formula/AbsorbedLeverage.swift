import VarexLinearAlgebra

/// The absorbed factors' dummy columns D seen through their largest factor B: with R the other
/// factors' dummies made orthogonal to B's (each demeaned within B's levels), the hat matrix of
/// D is B's (wᵢ / W_B of the row's level) plus R's, and the rank of D is B's levels plus the
/// rank of the Schur complement A = RᵀWR. A is m × m, m the levels of the other factors, and is
/// built from each B level's weighted shares s of the other levels: A = Σ wᵢ dᵢdᵢᵀ − Σ_B W_B s sᵀ.
/// It serves the leverage (wᵢ rᵢᵀA⁺rᵢ, rᵢ = dᵢ − s) and, for three factors or more, the exact
/// number of parameters the dummies take.
struct AbsorbedSchur {
    /// The largest factor.
    let largest: Int
    /// The other factors and their offsets into A's rows.
    let others: [(factor: Int, offset: Int)]
    /// A's order: the levels of the factors other than the largest.
    let order: Int
    /// For each level of the largest factor: its shares of the other levels (index, share).
    let shares: [[(Int, Double)]]
    /// The Schur complement A.
    let complement: Matrix

    /// The most levels outside the largest factor for which A is formed (an m × m dense
    /// eigen-decomposition: about a second at 3,000).
    static let maximumOrder = 3000

    init?(groups: [[Int]], levels: [Int], levelWeights: [[Double]], weights: [Double]?) {
        let b = levels.indices.max { levels[$0] < levels[$1] || (levels[$0] == levels[$1] && $0 > $1) }!
        var others: [(factor: Int, offset: Int)] = []
        var m = 0
        for f in levels.indices where f != b { others.append((f, m)); m += levels[f] }
        guard m <= Self.maximumOrder else { return nil }
        let n = groups[b].count
        // The rows of each level of B, by a counting sort.
        var start = [Int](repeating: 0, count: levels[b] + 1)
        for i in 0..<n { start[groups[b][i] + 1] += 1 }
        for g in 0..<levels[b] { start[g + 1] += start[g] }
        var order = [Int](repeating: 0, count: n), fill = start
        for i in 0..<n { order[fill[groups[b][i]]] = i; fill[groups[b][i]] += 1 }
        var a = Matrix(rows: m, columns: m)
        var accumulated = [Double](repeating: 0, count: m), touched: [Int] = []
        var shares: [[(Int, Double)]] = []
        shares.reserveCapacity(levels[b])
        for g in 0..<levels[b] {
            for k in start[g]..<start[g + 1] {
                let i = order[k], w = weights?[i] ?? 1
                for (fa, oa) in others {
                    let ca = oa + groups[fa][i]
                    if accumulated[ca] == 0 { touched.append(ca) }
                    accumulated[ca] += w
                    for (fb, ob) in others { a[ob + groups[fb][i], ca] += w }
                }
            }
            let total = levelWeights[b][g]
            var s: [(Int, Double)] = []
            s.reserveCapacity(touched.count)
            for c in touched { s.append((c, accumulated[c] / total)); accumulated[c] = 0 }
            touched.removeAll(keepingCapacity: true)
            for (c, sc) in s { for (d, sd) in s { a[d, c] -= total * sc * sd } }
            shares.append(s)
        }
        self.largest = b
        self.others = others
        self.order = m
        self.shares = shares
        self.complement = a
    }

    /// The rank of A: the parameters of the dummy columns are the largest factor's levels plus it.
    func rank() throws -> Int {
        let values = try SymmetricEigen.values(complement)
        let top = values.last ?? 0
        return values.filter { $0 > Self.relativeZero * top }.count
    }

    /// Eigenvalues below this fraction of the largest are A's null space.
    static let relativeZero = 1e-10

    /// Each row's leverage in the dummy columns.
    func leverage(groups: [[Int]], levelWeights: [[Double]], weights: [Double]?) throws -> [Double] {
        let eigen = try SymmetricEigen(complement)
        let top = eigen.values.last ?? 0
        let inverse = eigen.function({ 1 / $0 }, keep: { $0 > Self.relativeZero * top })
        let n = groups[largest].count
        var position = [Int](repeating: -1, count: order)
        var r: [Double] = []
        return (0..<n).map { i in
            let g = groups[largest][i], w = weights?[i] ?? 1
            let s = shares[g]
            // rᵢ = dᵢ − s on s's support (every level of dᵢ is in it, the row being in level g).
            r.removeAll(keepingCapacity: true)
            for (k, (c, sc)) in s.enumerated() { r.append(-sc); position[c] = k }
            for (f, o) in others { r[position[o + groups[f][i]]] += 1 }
            var q = 0.0
            for (k, (c, _)) in s.enumerated() where r[k] != 0 {
                var row = 0.0
                for (l, (d, _)) in s.enumerated() { row += inverse[d, c] * r[l] }
                q += r[k] * row
            }
            for (c, _) in s { position[c] = -1 }
            return w / levelWeights[largest][g] + w * q
        }
    }
}
