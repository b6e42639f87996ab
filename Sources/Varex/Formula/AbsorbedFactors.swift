import VarexLinearAlgebra

/// Fixed effects absorbed the way fixest and reghdfe absorb them: every column of the design
/// and the response are replaced by their deviations from the (weighted) mean of their group,
/// for one factor in one pass, for two by alternating projections until nothing changes. By
/// the Frisch–Waugh–Lovell theorem the least-squares coefficients, residuals and covariance of
/// the remaining columns are those of the model with a dummy column per level; what the dummy
/// columns would add is kept here: the parameters they use (for the residual df) and their
/// share of every row's leverage.
public struct AbsorbedFactors: Sendable {
    /// The absorbed columns, as given.
    public let names: [String]
    /// Levels of each factor among the rows used.
    public let levels: [Int]
    /// Parameters the dummy columns (with the intercept) would have used: G for one factor,
    /// G1 + G2 − (connected components of the two factors) for two.
    public let parameters: Int
    /// The response before the transformation.
    public let response: [Extended]
    /// Each row's leverage in the dummy columns: the diagonal of their (weighted) hat matrix.
    public let leverage: [Double]
    /// Sweeps of alternating projections (1 for one factor).
    public private(set) var iterations = 1
    /// The design columns (by index, after the intercept is removed) that the absorbed factors
    /// take entirely, each with the factors that absorb it: constant within every level of one
    /// factor (checked exactly, on the values), or for two factors a sum of the two factors'
    /// effects (a within sum of squares below 10⁻²⁰ of the total). Their within-transformed
    /// column is set to zero, so the fit reports them as not estimable and the residual df does
    /// not count them, as `lm` with dummy columns aliases them and `plm` drops them.
    public private(set) var absorbedColumns: [(column: Int, by: [String])] = []
    /// Each factor's group of each row used.
    let groups: [[Int]]
    /// Each factor's levels, in the order of their group numbers.
    public let levelNames: [[String]]
    /// Each factor's total weight per level (rows per level unweighted).
    public let levelWeights: [[Double]]
    /// What the transformation took out of each design column (then the response, last), per
    /// factor and level: v = its within deviation + Σ over factors of the level's part. The
    /// absorbed effects of a fit are the response's parts less Σ β·each column's.
    public private(set) var levelParts: [[[Double]]] = []

    /// The most sweeps of alternating projections before giving up.
    static let maximumIterations = 10_000

    init(frame: ModelFrame, formula: Formula, response: [Extended], weights: [Extended]?) throws {
        guard frame.absorbColumns.count <= 2 else { throw AbsorbError.tooMany(frame.absorbColumns.map(\.name)) }
        // A term that is an absorbed factor itself would be a dummy coded twice.
        for term in formula.terms where term.variables.count == 1 {
            let v = formula.variables[term.variables[0]]
            if v.columns.count == 1, frame.absorbColumns.contains(where: { $0.name == v.columns[0] }) {
                if case .column = v.source {} else if case .categorical = v.source {} else { continue }
                throw AbsorbError.termIsAbsorbed(v.columns[0])
            }
        }
        var groups: [[Int]] = []
        var levels: [Int] = []
        var levelNames: [[String]] = []
        for c in frame.absorbColumns {
            var index: [String: Int] = [:]
            var names: [String] = []
            groups.append(frame.rows.map { r in
                if let g = index[c.cells[r]] { return g }
                index[c.cells[r]] = index.count
                names.append(c.cells[r])
                return index.count - 1
            })
            levels.append(index.count)
            levelNames.append(names)
        }
        self.levelNames = levelNames
        self.names = frame.absorbColumns.map(\.name)
        self.levels = levels
        self.groups = groups
        self.response = response
        let n = frame.rows.count
        let w = weights ?? [Extended](repeating: 1, count: n)
        var totals = [Extended](repeating: 0, count: levels.first ?? 0)
        if let first = groups.first { for i in 0..<n { totals[first[i]] += w[i] } }
        levelWeights = groups.indices.map { f in
            var t = [Double](repeating: 0, count: levels[f])
            for i in 0..<n { t[groups[f][i]] += Double(w[i]) }
            return t
        }
        var h = (0..<n).map { Double(w[$0] / totals[groups[0][$0]]) }
        if groups.count == 2 {
            parameters = levels[0] + levels[1] - Self.components(groups[0], groups[1], levels)
            let extra = try Self.secondFactorLeverage(groups: groups, levels: levels, weights: w, firstTotals: totals)
            for i in 0..<n { h[i] += extra[i] }
        } else {
            parameters = levels.first ?? 0
        }
        leverage = h
    }

    /// Replaces every column and the response by its within-group deviation.
    mutating func transform(_ columns: inout [[Extended]], _ y: inout [Extended], weights: [Extended]?) throws {
        var sweeps = 1
        absorbedColumns = []
        levelParts = []
        for j in columns.indices {
            if let f = groups.indices.first(where: { Self.isConstantWithinLevels(columns[j], groups[$0], levels[$0]) }) {
                absorbedColumns.append((j, [names[f]]))
                // All of it is the factor's: each level's value.
                var parts = levels.map { [Double](repeating: 0, count: $0) }
                for i in columns[j].indices { parts[f][groups[f][i]] = Double(columns[j][i]) }
                levelParts.append(parts)
                columns[j] = [Extended](repeating: 0, count: columns[j].count)
                continue
            }
            let total = columns[j].reduce(Extended(0)) { $0 + $1 * $1 }
            var parts = levels.map { [Extended](repeating: 0, count: $0) }
            sweeps = max(sweeps, try demean(&columns[j], weights: weights, parts: &parts))
            levelParts.append(parts.map { $0.map { Double($0) } })
            let within = columns[j].reduce(Extended(0)) { $0 + $1 * $1 }
            if groups.count == 2 && within <= 1e-20 * total {
                absorbedColumns.append((j, names))
                columns[j] = [Extended](repeating: 0, count: columns[j].count)
            }
        }
        var parts = levels.map { [Extended](repeating: 0, count: $0) }
        sweeps = max(sweeps, try demean(&y, weights: weights, parts: &parts))
        levelParts.append(parts.map { $0.map { Double($0) } })
        iterations = sweeps
    }

    /// Whether `v` takes one value within each level of a factor (compared exactly).
    static func isConstantWithinLevels(_ v: [Extended], _ group: [Int], _ levels: Int) -> Bool {
        var first = [Extended?](repeating: nil, count: levels)
        for i in v.indices {
            if let f = first[group[i]] {
                if f != v[i] { return false }
            } else {
                first[group[i]] = v[i]
            }
        }
        return true
    }

    /// Demeans `v` by each factor in turn until a sweep changes no value by more than 1e-14 of
    /// the largest (one sweep for one factor); returns the sweeps taken. `parts` (factor ×
    /// level) adds up what each level's means took out.
    func demean(_ v: inout [Extended], weights: [Extended]?, parts: inout [[Extended]]) throws -> Int {
        let n = v.count
        let scale = v.reduce(Extended(0)) { max($0, abs($1)) }
        for sweep in 1...Self.maximumIterations {
            var change: Extended = 0
            for (f, g) in groups.enumerated() {
                var sums = [Extended](repeating: 0, count: levels[f]), totals = sums
                for i in 0..<n {
                    let w = weights?[i] ?? 1
                    sums[g[i]] += w * v[i]
                    totals[g[i]] += w
                }
                for k in 0..<levels[f] { parts[f][k] += sums[k] / totals[k] }
                for i in 0..<n {
                    let m = sums[g[i]] / totals[g[i]]
                    v[i] -= m
                    change = max(change, abs(m))
                }
            }
            if groups.count == 1 || change <= 1e-14 * max(scale, Extended.leastNormalMagnitude) { return sweep }
        }
        throw AbsorbError.notConverged(names, Self.maximumIterations)
    }

    /// The connected components of the bipartite graph of the two factors' levels (a level of
    /// each joined by every row): the dummy columns' redundancies.
    static func components(_ a: [Int], _ b: [Int], _ levels: [Int]) -> Int {
        var parent = Array(0..<(levels[0] + levels[1]))
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for i in a.indices {
            let ra = find(a[i]), rb = find(levels[0] + b[i])
            if ra != rb { parent[ra] = rb }
        }
        return parent.indices.filter { find($0) == $0 }.count
    }

    /// The second factor's addition to the leverage: with R its dummy columns made orthogonal
    /// to the first factor's (each demeaned within the first factor's groups), w_i rᵢᵀ(RᵀWR)⁺rᵢ.
    static func secondFactorLeverage(groups: [[Int]], levels: [Int], weights w: [Extended], firstTotals: [Extended]) throws -> [Double] {
        let n = w.count, g2 = levels[1]
        guard g2 <= 2000 else { throw AbsorbError.secondFactorTooLarge(levels: g2) }
        // share[g1][c]: the weighted share of the first factor's group g1 in level c of the second.
        var share = [Double](repeating: 0, count: levels[0] * g2)
        for i in 0..<n { share[groups[0][i] * g2 + groups[1][i]] += Double(w[i] / firstTotals[groups[0][i]]) }
        func row(_ i: Int) -> [Double] {
            var r = [Double](repeating: 0, count: g2)
            for c in 0..<g2 { r[c] = -share[groups[0][i] * g2 + c] }
            r[groups[1][i]] += 1
            return r
        }
        var a = Matrix(rows: g2, columns: g2)
        for i in 0..<n {
            let r = row(i), wi = Double(w[i])
            for c in 0..<g2 where r[c] != 0 { for d in 0..<g2 { a[d, c] += wi * r[d] * r[c] } }
        }
        let eigen = try SymmetricEigen(a)
        let top = eigen.values.last ?? 0
        let inverse = eigen.function({ 1 / $0 }, keep: { $0 > 1e-10 * top })
        return (0..<n).map { i in
            let r = row(i)
            var s = 0.0
            for c in 0..<g2 where r[c] != 0 { for d in 0..<g2 { s += r[d] * inverse[d, c] * r[c] } }
            return Double(w[i]) * s
        }
    }
}

/// Problems with `--absorb`.
public enum AbsorbError: SettingMessage, Equatable {
    case tooMany([String])
    case termIsAbsorbed(String)
    case notConverged([String], Int)
    case secondFactorTooLarge(levels: Int)

    public var exitCode: Int32 { 1 }

    public func message(naming settings: SettingNames) -> String {
        switch self {
        case let .tooMany(names):
            return "\(settings.name(.absorb)) takes one or two factors, not \(names.count) (\(names.joined(separator: ", ")))"
        case let .termIsAbsorbed(name):
            return "'\(name)' is absorbed (\(settings.name(.absorb)) \(name)); leave it out of the formula, or do not absorb it"
        case let .notConverged(names, sweeps):
            return "absorbing \(names.joined(separator: " and ")) did not converge in \(sweeps) sweeps of alternating projections"
        case let .secondFactorTooLarge(levels):
            return "the second absorbed factor has \(levels) levels; the leverage of two absorbed factors needs the second to have at most 2000 (give the smaller one second)"
        }
    }
}
