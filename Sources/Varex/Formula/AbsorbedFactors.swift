import VarexLinearAlgebra

/// Fixed effects absorbed the way fixest and reghdfe absorb them: every column of the design
/// and the response are replaced by their deviations from the (weighted) mean of their group,
/// for one factor in one pass, for two or more by accelerated alternating projections
/// (``AlternatingProjections``). By the Frisch–Waugh–Lovell theorem the least-squares
/// coefficients, residuals and covariance of the remaining columns are those of the model with
/// a dummy column per level; what the dummy columns would add is kept here: the parameters they
/// use (for the residual df) and, when asked for, their share of every row's leverage.
public struct AbsorbedFactors: Sendable {
    /// The absorbed columns, as given.
    public let names: [String]
    /// Levels of each factor among the rows used.
    public let levels: [Int]
    /// Parameters the dummy columns (with the intercept) would have used: G for one factor,
    /// G1 + G2 − (connected components of the two factors' levels) for two, and for more the
    /// largest factor's levels plus the rank of the others' dummies made orthogonal to it
    /// (``AbsorbedSchur``). With three or more factors and over 3,000 levels outside the largest,
    /// the count is reghdfe's: exact for the two largest, one redundant level for each other
    /// factor (an upper bound: ``parametersExact`` is false).
    public let parameters: Int
    /// Whether ``parameters`` is the exact rank of the dummy columns.
    public let parametersExact: Bool
    /// The most levels outside the largest factor for which three or more factors' parameters
    /// (and any number's leverage) are computed exactly.
    public var exactParameterLimit: Int { AbsorbedSchur.maximumOrder }
    /// The response before the transformation.
    public let response: [Extended]
    /// Each row's leverage in the dummy columns (the diagonal of their weighted hat matrix),
    /// computed when first asked for; nil when the factors other than the largest have more than
    /// ``AbsorbedSchur/maximumOrder`` levels between them.
    public var leverage: [Double]? { try? cache.leverage(of: self) }
    /// Sweeps of alternating projections (1 for one factor).
    public private(set) var iterations = 1
    /// The design columns (by index, after the intercept is removed) that the absorbed factors
    /// take entirely, each with the factors that absorb it: constant within every level of one
    /// factor (checked exactly, on the values), or for two factors or more a sum of their
    /// effects (a within sum of squares below 10⁻²⁰ of the total). Their within-transformed
    /// column is set to zero, so the fit reports them as not estimable and the residual df does
    /// not count them, as `lm` with dummy columns aliases them and `plm` drops them.
    public private(set) var absorbedColumns: [(column: Int, by: [String])] = []
    /// Each factor's group of each row used.
    let groups: [[Int]]
    /// The row weights (nil: unweighted).
    let weights: [Double]?
    /// Each factor's levels, in the order of their group numbers.
    public let levelNames: [[String]]
    /// Each factor's total weight per level (rows per level unweighted).
    public let levelWeights: [[Double]]
    /// What the transformation took out of each design column (then the response, last), per
    /// factor and level: v = its within deviation + Σ over factors of the level's part. The
    /// absorbed effects of a fit are the response's parts less Σ β·each column's.
    public private(set) var levelParts: [[[Double]]] = []
    /// The leverage, once computed.
    private let cache: LeverageCache

    init(frame: ModelFrame, formula: Formula, response: [Extended], weights: [Extended]?) throws {
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
            let (g, names) = c.levels(rows: frame.rows)
            groups.append(g)
            levels.append(names.count)
            levelNames.append(names)
        }
        self.levelNames = levelNames
        self.names = frame.absorbColumns.map(\.name)
        self.levels = levels
        self.groups = groups
        self.response = response
        self.weights = weights?.map { Double($0) }
        let n = frame.rows.count
        let box = LeverageCache()
        cache = box
        if groups.count == 1 {
            var totals = [Extended](repeating: 0, count: levels[0])
            for i in 0..<n { totals[groups[0][i]] += weights?[i] ?? 1 }
            box.oneFactor = (0..<n).map { Double((weights?[$0] ?? 1) / totals[groups[0][$0]]) }
        }
        levelWeights = groups.indices.map { f in
            var t = [Double](repeating: 0, count: levels[f])
            if let weights { for i in 0..<n { t[groups[f][i]] += Double(weights[i]) } } else { for i in 0..<n { t[groups[f][i]] += 1 } }
            return t
        }
        switch groups.count {
        case 0, 1:
            (parameters, parametersExact) = (levels.first ?? 0, true)
        case 2:
            (parameters, parametersExact) = (levels[0] + levels[1] - Self.components(groups[0], groups[1], levels), true)
        default:
            if let schur = AbsorbedSchur(groups: groups, levels: levels, levelWeights: levelWeights, weights: self.weights) {
                (parameters, parametersExact) = (levels[schur.largest] + (try schur.rank()), true)
                box.schur = schur
            } else {
                let bySize = levels.indices.sorted { levels[$0] > levels[$1] }
                let (a, b) = (bySize[0], bySize[1])
                let pair = levels[a] + levels[b] - Self.components(groups[a], groups[b], [levels[a], levels[b]])
                (parameters, parametersExact) = (pair + bySize.dropFirst(2).reduce(0) { $0 + levels[$1] - 1 }, false)
            }
        }
    }

    /// The leverage of the dummy columns, or the reason it cannot be had.
    func checkedLeverage() throws -> [Double] { try cache.leverage(of: self) }

    /// Replaces every column and the response by its within-group deviation.
    mutating func transform(_ columns: inout [[Extended]], _ y: inout [Extended], weights: [Extended]?) throws {
        absorbedColumns = []
        levelParts = []
        // Columns constant within one factor's levels are that factor's entirely.
        var projected: [Int] = []
        var constant: [Int: [[Double]]] = [:]
        for j in columns.indices {
            if let f = groups.indices.first(where: { Self.isConstantWithinLevels(columns[j], groups[$0], levels[$0]) }) {
                absorbedColumns.append((j, [names[f]]))
                var parts = levels.map { [Double](repeating: 0, count: $0) }
                for i in columns[j].indices { parts[f][groups[f][i]] = Double(columns[j][i]) }
                constant[j] = parts
                columns[j] = [Extended](repeating: 0, count: columns[j].count)
            } else {
                projected.append(j)
            }
        }
        var parts: [[[Double]]]
        if groups.count == 1 {
            parts = []
            for j in projected { parts.append(oneFactorDemean(&columns[j], weights: weights)) }
            parts.append(oneFactorDemean(&y, weights: weights))
            iterations = 1
        } else {
            let projections = AlternatingProjections(groups: groups, levelWeights: levelWeights, weights: self.weights)
            let vectors = projected.map { columns[$0].map { Double($0) } } + [y.map { Double($0) }]
            guard let solved = projections.projectAll(vectors) else { throw AbsorbError.notConverged(names, AlternatingProjections.maximumSweeps) }
            parts = solved.effects
            iterations = solved.sweeps
            for (k, j) in projected.enumerated() {
                let total = columns[j].reduce(Extended(0)) { $0 + $1 * $1 }
                subtract(parts[k], from: &columns[j])
                let within = columns[j].reduce(Extended(0)) { $0 + $1 * $1 }
                if within <= 1e-20 * total {
                    absorbedColumns.append((j, names))
                    columns[j] = [Extended](repeating: 0, count: columns[j].count)
                }
            }
            subtract(parts[projected.count], from: &y)
        }
        absorbedColumns.sort { $0.column < $1.column }
        var next = 0
        for j in columns.indices {
            if let c = constant[j] { levelParts.append(c) } else { levelParts.append(parts[next]); next += 1 }
        }
        levelParts.append(parts[projected.count])
    }

    /// v − Σ_f effects_f[g_f(i)], in extended precision.
    private func subtract(_ effects: [[Double]], from v: inout [Extended]) {
        for i in v.indices {
            var s: Extended = 0
            for f in groups.indices { s += Extended(effects[f][groups[f][i]]) }
            v[i] -= s
        }
    }

    /// One factor: `v` less its (weighted) level means, in extended precision; returns the means
    /// as the factor's parts (the other factors' are empty).
    private func oneFactorDemean(_ v: inout [Extended], weights: [Extended]?) -> [[Double]] {
        let g = groups[0]
        var sums = [Extended](repeating: 0, count: levels[0]), totals = sums
        for i in v.indices {
            let w = weights?[i] ?? 1
            sums[g[i]] += w * v[i]
            totals[g[i]] += w
        }
        for k in 0..<levels[0] { sums[k] /= totals[k] }
        for i in v.indices { v[i] -= sums[g[i]] }
        return [sums.map { Double($0) }]
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

    /// The connected components of the bipartite graph of the two factors' levels (a level of
    /// each joined by every row): the dummy columns' redundancies.
    static func components(_ a: [Int], _ b: [Int], _ levels: [Int]) -> Int {
        var parent = Array(0..<(levels[0] + levels[1]))
        var count = parent.count
        parent.withUnsafeMutableBufferPointer { p in
            func find(_ x: Int) -> Int {
                var x = x
                while p[x] != x { p[x] = p[p[x]]; x = p[x] }
                return x
            }
            for i in a.indices {
                let ra = find(a[i]), rb = find(levels[0] + b[i])
                if ra != rb { p[ra] = rb; count -= 1 }
            }
        }
        return count
    }

}

/// The leverage of absorbed dummy columns, computed once when first asked for (the fit is a
/// value; this box is the one thing it fills in later, under a lock).
final class LeverageCache: @unchecked Sendable {
    private let lock = Lock()
    private var value: [Double]?
    /// The one factor's leverage, set at the start (it costs one pass).
    var oneFactor: [Double]?
    /// The Schur complement when the parameter count already formed it.
    var schur: AbsorbedSchur?

    func leverage(of a: AbsorbedFactors) throws -> [Double] {
        try lock.run {
            if let value { return value }
            if let oneFactor { value = oneFactor; return oneFactor }
            guard let schur = schur ?? AbsorbedSchur(groups: a.groups, levels: a.levels, levelWeights: a.levelWeights, weights: a.weights) else {
                let largest = a.levels.max() ?? 0
                throw AbsorbError.leverageUnavailable(factors: a.names, levels: a.levels.reduce(0, +) - largest,
                                                      limit: AbsorbedSchur.maximumOrder)
            }
            let h = try schur.leverage(groups: a.groups, levelWeights: a.levelWeights, weights: a.weights)
            value = h
            self.schur = nil
            return h
        }
    }
}

/// Problems with `--absorb`.
public enum AbsorbError: SettingMessage, Equatable {
    case termIsAbsorbed(String)
    case notConverged([String], Int)
    /// Leverage (HC2–HC5, influence measures, residual tables, prediction intervals) with too
    /// many levels outside the largest absorbed factor.
    case leverageUnavailable(factors: [String], levels: Int, limit: Int)

    public var exitCode: Int32 { 1 }

    public func message(naming settings: SettingNames) -> String {
        switch self {
        case let .termIsAbsorbed(name):
            return "'\(name)' is absorbed (\(settings.name(.absorb)) \(name)); leave it out of the formula, or do not absorb it"
        case let .notConverged(names, sweeps):
            return "absorbing \(names.joined(separator: " and ")) did not converge in \(sweeps) sweeps of accelerated alternating projections"
        case let .leverageUnavailable(factors, levels, limit):
            return "each row's leverage with \(factors.joined(separator: ", ")) absorbed needs the factors other than the largest to have at most "
                + "\(limit) levels between them (they have \(levels)): leverage, the influence measures and prediction intervals of a "
                + "residual table and HC2–HC5 standard errors need it; HC0, HC1, classical and clustered (CR0, CR1) standard errors do not"
        }
    }
}
