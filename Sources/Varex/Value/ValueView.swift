import Dispatch
import Foundation
import VarexLinearAlgebra

/// Where a unit sits against the average unit once need is allowed for.
public enum ValueQuadrant: String, Sendable, CaseIterable {
    case lowSpendGoodOutcome = "low spend, good outcome"
    case highSpendGoodOutcome = "high spend, good outcome"
    case lowSpendPoorOutcome = "low spend, poor outcome"
    case highSpendPoorOutcome = "high spend, poor outcome"

    /// The quadrant of a point `spend` and `outcome` away from the centre: spend below the
    /// centre is low, an outcome above it is good (a tie counts as high spend, poor outcome).
    public init(spend: Double, outcome: Double) {
        switch (spend < 0, outcome > 0) {
        case (true, true): self = .lowSpendGoodOutcome
        case (false, true): self = .highSpendGoodOutcome
        case (true, false): self = .lowSpendPoorOutcome
        case (false, false): self = .highSpendPoorOutcome
        }
    }
}

/// What a value view is computed from: each unit's need (a design with an intercept), its
/// spend, and its outcome measures with their sampling errors.
public struct ValueViewData: Sendable {
    public let units: [String]
    /// The need terms' design, n × p, with an intercept column.
    public let need: Matrix
    public let needNames: [String]
    public let spend: [Double]
    public let measures: [Measure]
    public let weights: [Double]
    public let normalisation: Normalisation
    public let minimumMeasures: Int
    /// values[k][i]: measure k of unit i as published (NaN where missing).
    public let values: [[Double]]
    /// errors[k][i]: that value's sampling error.
    public let errors: [[SamplingError]]

    public init(units: [String], need: Matrix, needNames: [String], spend: [Double], measures: [Measure], weights: [Double],
                normalisation: Normalisation, minimumMeasures: Int, values: [[Double]], errors: [[SamplingError]]) {
        self.units = units
        self.need = need
        self.needNames = needNames
        self.spend = spend
        self.measures = measures
        self.weights = weights
        self.normalisation = normalisation
        self.minimumMeasures = minimumMeasures
        self.values = values
        self.errors = errors
    }

    var count: Int { units.count }
}

/// One draw's random input: every measure's drawn values (K × n, NaN where missing) and 2p
/// standard normals (the first p for the spend model's coefficients, the next p for the
/// outcome model's).
public struct ValueDraw: Sendable {
    public let values: [[Double]]
    public let normals: [Double]

    public init(values: [[Double]], normals: [Double]) {
        self.values = values
        self.normals = normals
    }
}

/// Outcomes per pound, need for need: each unit's need-adjusted spend against its need-adjusted
/// outcome, with intervals and ranks that carry both the outcome measures' sampling error and
/// the two need models' uncertainty.
///
/// The outcome is the index of the measures (``OutcomeIndex``). Spend and the index are each
/// regressed on the same need design X by OLS; a unit's need-adjusted value is its own value less
/// its need's effect, xᵢ − x̄ times the coefficients: what it would spend, or achieve, with
/// average need. The centre of the picture is the average unit.
///
/// Draw b (its own generator `Xoshiro256(seed:, stream: b)`, so any number of cores gives the
/// same bytes) draws every measure from its sampling error, rebuilds the index (normalised
/// afresh), refits its regression, and then draws both models' coefficients jointly, from the
/// seemingly-unrelated-regressions covariance Σ ⊗ (XᵀX)⁻¹ with Σ the 2 × 2 covariance of the
/// two residuals (spend is measured, not sampled). The unit's adjusted values, its quadrant
/// against the draw's centre and its ranks follow. Intervals are the draws' percentiles
/// (R's type 7); rank intervals the ⌈q·B⌉-th smallest ranks.
public struct ValueView: Sendable {
    public let data: ValueViewData
    public let draws: Int
    public let seed: UInt64?
    public let level: Double
    /// The outcome index of each unit.
    public let index: [Double]
    /// OLS coefficients of spend and of the index on the need design.
    public let spendCoefficients: [Double]
    public let outcomeCoefficients: [Double]
    /// Need-adjusted spend and outcome.
    public let adjustedSpend: [Double]
    public let adjustedOutcome: [Double]
    /// The average unit: mean spend and mean index.
    public let centreSpend: Double
    public let centreOutcome: Double
    public let quadrant: [ValueQuadrant]
    /// The correlation of the two models' residuals.
    public let residualCorrelation: Double
    /// Percentile intervals of the adjusted values.
    public let spendLower: [Double], spendUpper: [Double]
    public let outcomeLower: [Double], outcomeUpper: [Double]
    /// Ranks, 1 = best: the lowest need-adjusted spend, the highest need-adjusted outcome.
    public let spendRank: [Int], outcomeRank: [Int]
    /// The draws' median rank and the rank interval.
    public let spendRankMedian: [Double], spendRankLower: [Int], spendRankUpper: [Int]
    public let outcomeRankMedian: [Double], outcomeRankLower: [Int], outcomeRankUpper: [Int]
    /// The share of draws that put the unit in its own quadrant, and in the best one.
    public let quadrantProbability: [Double]
    public let valueProbability: [Double]

    /// The view with `draws` random draws from `seed`.
    public init(_ data: ValueViewData, draws: Int = 2000, seed: UInt64 = 1, level: Double = 0.95) throws {
        let p = data.need.columns
        try self.init(data, draws: draws, seed: seed, level: level) { b in
            var g = Xoshiro256(seed: seed, stream: UInt64(b))
            let values = data.values.indices.map { k in
                data.values[k].indices.map { i in data.values[k][i].isNaN ? Double.nan : data.errors[k][i].draw(data.values[k][i], using: &g) }
            }
            return ValueDraw(values: values, normals: (0..<(2 * p)).map { _ in g.normal() })
        }
    }

    /// The view from given draws (a reference implementation's, to check the arithmetic).
    public init(_ data: ValueViewData, supplied: [ValueDraw], level: Double = 0.95) throws {
        try self.init(data, draws: supplied.count, seed: nil, level: level) { supplied[$0] }
    }

    private init(_ data: ValueViewData, draws: Int, seed: UInt64?, level: Double, draw: @Sendable (Int) -> ValueDraw) throws {
        guard draws >= 2 && draws <= 1_000_000 else { throw ValueError.invalidSetting("the number of draws must be between 2 and 1,000,000") }
        guard level > 0 && level < 1 else { throw ValueError.invalidSetting("the level must lie strictly between 0 and 1") }
        let n = data.count, p = data.need.columns
        guard n > p + 1 else { throw ValueError.tooFewUnits(n, terms: p) }
        guard data.needNames.contains("(Intercept)") else { throw ValueError.invalidSetting("the need model needs an intercept") }
        guard data.spend.contains(where: { $0 != data.spend[0] }) else { throw ValueError.constant("spend") }
        let model = try NeedModel(data.need)
        let components = OutcomeIndex.components(data.values, measures: data.measures, normalisation: data.normalisation)
        let index = OutcomeIndex.combine(components, weights: data.weights, minimumMeasures: data.minimumMeasures).index
        guard !index.contains(where: \.isNaN) else { throw ValueError.invalidSetting("every unit needs an outcome index") }
        guard index.contains(where: { $0 != index[0] }) else { throw ValueError.constant("the outcome index") }
        let gamma = try model.exactCoefficients(data.spend), beta = try model.exactCoefficients(index)
        let spendResiduals = model.residuals(data.spend, gamma)
        let outcomeResiduals = model.residuals(index, beta)
        adjustedSpend = model.adjusted(data.spend, gamma)
        adjustedOutcome = model.adjusted(index, beta)
        centreSpend = data.spend.reduce(0, +) / Double(n)
        centreOutcome = index.reduce(0, +) / Double(n)
        quadrant = (0..<n).map { [adjustedSpend, adjustedOutcome, centreSpend, centreOutcome] i in
            ValueQuadrant(spend: adjustedSpend[i] - centreSpend, outcome: adjustedOutcome[i] - centreOutcome)
        }
        let ss = spendResiduals.reduce(0) { $0 + $1 * $1 }, oo = outcomeResiduals.reduce(0) { $0 + $1 * $1 }
        residualCorrelation = zip(spendResiduals, outcomeResiduals).reduce(0) { $0 + $1.0 * $1.1 } / (ss * oo).squareRoot()

        // The draws: adjusted values, ranks and quadrants per draw, stored by draw number.
        var spendDraws = [Double](repeating: .nan, count: draws * n), outcomeDraws = spendDraws
        var spendRanks = [Int32](repeating: 0, count: draws * n), outcomeRanks = spendRanks
        var inQuadrant = [UInt8](repeating: 0, count: draws * n)
        let pointQuadrant = quadrant
        let merge = Lock()
        var failure: Error? = nil
        DispatchQueue.concurrentPerform(iterations: draws) { b in
            let d = draw(b)
            guard d.values.count == data.values.count, d.values.allSatisfy({ $0.count == n }), d.normals.count == 2 * p else {
                merge.run { failure = ValueError.invalidSetting("draw \(b + 1) has the wrong shape") }
                return
            }
            let (a, o) = model.replicate(data, spendCoefficients: gamma, spendResiduals: spendResiduals, draw: d)
            let ca = a.reduce(0, +) / Double(n), co = o.reduce(0, +) / Double(n)
            let ra = Ranking.competition(a, descending: false), ro = Ranking.competition(o, descending: true)
            var q = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let here = ValueQuadrant(spend: a[i] - ca, outcome: o[i] - co)
                q[i] = (here == pointQuadrant[i] ? 1 : 0) | (here == .lowSpendGoodOutcome ? 2 : 0)
            }
            merge.run {
                for i in 0..<n {
                    spendDraws[b * n + i] = a[i]; outcomeDraws[b * n + i] = o[i]
                    spendRanks[b * n + i] = Int32(ra[i]); outcomeRanks[b * n + i] = Int32(ro[i])
                    inQuadrant[b * n + i] = q[i]
                }
            }
        }
        if let failure { throw failure }
        let tail = (1 - level) / 2
        func column<T>(_ x: [T], _ i: Int) -> [T] { (0..<draws).map { x[$0 * n + i] } }
        func interval(_ x: [Double], _ i: Int) -> (Double, Double) {
            let q = FitSummary.quantiles(column(x, i), [tail, 1 - tail])
            return (q[0], q[1])
        }
        // The ranks' median and interval as the rank bootstrap gives them (``RankHistogram``).
        func rankSummary(_ r: [Int32], _ i: Int) -> (Double, Int, Int) {
            var counts = [UInt32](repeating: 0, count: n)
            for b in 0..<draws { counts[Int(r[b * n + i]) - 1] += 1 }
            let h = RankHistogram(counts: counts[...])
            return (h.median, h.quantile(tail), h.quantile(1 - tail))
        }
        let si = (0..<n).map { interval(spendDraws, $0) }, oi = (0..<n).map { interval(outcomeDraws, $0) }
        let sr = (0..<n).map { rankSummary(spendRanks, $0) }, or = (0..<n).map { rankSummary(outcomeRanks, $0) }
        spendLower = si.map(\.0); spendUpper = si.map(\.1)
        outcomeLower = oi.map(\.0); outcomeUpper = oi.map(\.1)
        spendRank = Ranking.competition(adjustedSpend, descending: false)
        outcomeRank = Ranking.competition(adjustedOutcome, descending: true)
        spendRankMedian = sr.map(\.0); spendRankLower = sr.map(\.1); spendRankUpper = sr.map(\.2)
        outcomeRankMedian = or.map(\.0); outcomeRankLower = or.map(\.1); outcomeRankUpper = or.map(\.2)
        quadrantProbability = (0..<n).map { i in Double(column(inQuadrant, i).filter { $0 & 1 != 0 }.count) / Double(draws) }
        valueProbability = (0..<n).map { i in Double(column(inQuadrant, i).filter { $0 & 2 != 0 }.count) / Double(draws) }
        self.data = data
        self.draws = draws
        self.seed = seed
        self.level = level
        self.index = index
        spendCoefficients = gamma
        outcomeCoefficients = beta
    }

    /// The median width of the outcome rank intervals (upper − lower + 1 places).
    public var medianOutcomeRankWidth: Double { FitSummary.quantiles(zip(outcomeRankUpper, outcomeRankLower).map { Double($0 - $1 + 1) }, [0.5])[0] }
    /// The median width of the spend rank intervals.
    public var medianSpendRankWidth: Double { FitSummary.quantiles(zip(spendRankUpper, spendRankLower).map { Double($0 - $1 + 1) }, [0.5])[0] }

    /// Units whose draws put them in the best quadrant (low spend, good outcome) at least `level` of the time.
    public var clearlyGoodValue: [Int] { data.units.indices.filter { valueProbability[$0] >= level } }
}
