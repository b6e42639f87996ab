/// How a council's rank moves when the analyst's choices change.
public enum Sensitivity {
    /// An outcome index's ranks (1 = highest index; nil for a row without an index) under the
    /// chosen weights, random weights and each normalisation.
    public struct IndexRanks: Sendable {
        public let rank: [Int?]
        /// Extremes over the random weights, the normalisations and the chosen weights.
        public let minimum: [Int?]
        public let maximum: [Int?]
        /// The central 95% of the ranks under random weights (nil without draws).
        public let weightsLow: [Int?]
        public let weightsHigh: [Int?]
        /// Ranks under each normalisation with the chosen weights, in `Normalisation.allCases` order.
        public let byNormalisation: [[Int?]]
        /// Whether the draws redrew the measures from their sampling errors too (then the central
        /// 95% is of the weights' and the measures' uncertainty together).
        public var includesSamplingError = false
    }

    /// Ranks of an outcome index under `draws` random weight vectors Dirichlet(α), α = (chosen
    /// weights / their sum) / spread², and under each normalisation with the chosen weights.
    ///
    /// With `errors` (per measure, per row), each draw also redraws every measure from its
    /// sampling error and rebuilds the index (normalised afresh): weights and measures drawn
    /// jointly, from the draw's generator (the weights first); a `spread` of 0 keeps the chosen
    /// weights. `supplied` gives the draws instead (each draw's weights and measures), to check
    /// the arithmetic against another implementation.
    public static func index(table: Table, measures: [Measure], weights: [String: Double], normalisation: Normalisation,
                             draws: Int, spread: Double, seed: UInt64, minimumMeasures: Int = 1, errors: [[SamplingError]]? = nil,
                             supplied: [(weights: [Double], values: [[Double]])]? = nil) throws -> IndexRanks {
        func index(_ w: [String: Double], _ method: Normalisation) throws -> OutcomeIndex {
            try OutcomeIndex(table: table, measures: measures, weights: w, normalisation: method, minimumMeasures: minimumMeasures)
        }
        let base = try index(weights, normalisation)
        let present = base.index.indices.filter { !base.index[$0].isNaN }
        func ranked(_ idx: OutcomeIndex) -> [Int] {
            let r = Ranking.competition(present.map { idx.index[$0] }, descending: true)
            var full = [Int](repeating: 0, count: idx.index.count)
            for (k, i) in present.enumerated() { full[i] = r[k] }
            return full
        }
        let draws = supplied?.count ?? draws
        try RankBootstrap.checkRequest(replicates: draws, count: base.index.count)
        let joint = errors != nil || supplied != nil
        let alpha = spread > 0 ? dirichletConcentration(weights: base.weights, spread: spread) : []
        let n = base.index.count
        // Running counts of each row's rank under the random weights (rank r at r − 1), so
        // memory does not grow with the number of draws.
        var counts = [UInt32](repeating: 0, count: n * n)
        for d in 0..<draws {
            let r: [Int]
            if joint {
                let w: [Double], values: [[Double]]
                if let supplied {
                    (w, values) = supplied[d]
                } else {
                    var rng = Xoshiro256(seed: seed, stream: UInt64(d))
                    w = spread > 0 ? rng.dirichlet(alpha) : base.weights
                    values = base.values.indices.map { k in
                        base.values[k].indices.map { i in base.values[k][i].isNaN ? .nan : errors![k][i].draw(base.values[k][i], using: &rng) }
                    }
                }
                let drawn = OutcomeIndex.combine(OutcomeIndex.components(values, measures: measures, normalisation: normalisation),
                                                 weights: w, minimumMeasures: minimumMeasures).index
                let ranks = Ranking.competition(present.map { drawn[$0] }, descending: true)
                var full = [Int](repeating: 0, count: n)
                for (k, i) in present.enumerated() { full[i] = ranks[k] }
                r = full
            } else {
                var rng = Xoshiro256(seed: seed, stream: UInt64(d))
                let w = rng.dirichlet(alpha)
                var dict: [String: Double] = [:]
                for (k, m) in measures.enumerated() { dict[m.column] = w[k] }
                r = ranked(try index(dict, normalisation))
            }
            for i in present { counts[i * n + r[i] - 1] += 1 }
        }
        let byNormalisation = try Normalisation.allCases.map { ranked(try index(weights, $0)) }
        let baseRank = ranked(base)
        var lo = [Int?](), hi = [Int?](), q1 = [Int?](), q2 = [Int?]()
        for i in baseRank.indices {
            guard baseRank[i] > 0 else { lo.append(nil); hi.append(nil); q1.append(nil); q2.append(nil); continue }
            let h = RankHistogram(counts: counts[(i * n)..<((i + 1) * n)])
            let fixed = byNormalisation.map { $0[i] } + [baseRank[i]]
            let drawnMin = draws > 0 ? [h.kthSmallest(1)] : [], drawnMax = draws > 0 ? [h.kthSmallest(draws)] : []
            lo.append((fixed + drawnMin).min()!)
            hi.append((fixed + drawnMax).max()!)
            q1.append(draws > 0 ? h.quantile(0.025) : nil)
            q2.append(draws > 0 ? h.quantile(0.975) : nil)
        }
        func optional(_ r: [Int]) -> [Int?] { r.map { $0 == 0 ? nil : $0 } }
        var result = IndexRanks(rank: optional(baseRank), minimum: lo, maximum: hi, weightsLow: q1, weightsHigh: q2,
                                byNormalisation: byNormalisation.map(optional))
        result.includesSamplingError = joint
        return result
    }

    /// The Dirichlet parameters around `weights`: α = (w / Σw) / spread², so the draws have mean
    /// w / Σw and each a coefficient of variation of about `spread` (exactly √((1 − p)/(p(1/spread² + 1)))).
    public static func dirichletConcentration(weights: [Double], spread: Double) -> [Double] {
        let total = weights.reduce(0, +)
        return weights.map { $0 / total / (spread * spread) }
    }

    /// The ranks of the fit's rows under every justified/unjustified assignment of the groups.
    public struct GroupRanks: Sendable {
        /// The justified groups of each assignment (bit g: group g), in order 0 ..< 2^groups.
        public let assignments: [Set<Int>]
        /// ranks[k][i]: row i's rank under assignment k.
        public let ranks: [[Int]]
        public var minimum: [Int] { ranks[0].indices.map { i in ranks.map { $0[i] }.min()! } }
        public var maximum: [Int] { ranks[0].indices.map { i in ranks.map { $0[i] }.max()! } }
    }

    /// Ranks of the unjustified values under every assignment of the groups to justified or
    /// unjustified (2^groups assignments; the residual is always unjustified).
    public static func groups(_ d: Decomposition, retransformed: Retransformation?, higherIsBetter: Bool) -> GroupRanks {
        groups(count: d.grouping.groups.count, higherIsBetter: higherIsBetter) { chosen in
            Unjustified.values(justified: d.justified(groups: chosen), observed: d.observed, retransformed: retransformed)
        }
    }

    /// The same for a GLM's, a mixed model's or a GLMM's explanation: observed − the justified
    /// level with the chosen groups justified (on the response scale; with the random terms
    /// those groups name).
    public static func groups(_ d: some JustifiedLevels, higherIsBetter: Bool) -> GroupRanks {
        groups(count: d.grouping.groups.count, higherIsBetter: higherIsBetter) { chosen in
            zip(d.observed, d.justified(groups: chosen)).map { $0 - $1 }
        }
    }

    static func groups(count: Int, higherIsBetter: Bool, unjustified: (Set<Int>) -> [Double]) -> GroupRanks {
        var assignments: [Set<Int>] = [], ranks: [[Int]] = []
        for mask in 0..<(1 << count) {
            let chosen = Set((0..<count).filter { mask & (1 << $0) != 0 })
            assignments.append(chosen)
            ranks.append(Ranking.competition(unjustified(chosen), descending: !higherIsBetter))
        }
        return GroupRanks(assignments: assignments, ranks: ranks)
    }
}

/// A decomposition whose justified level can be remade with any groups justified.
public protocol JustifiedLevels {
    var grouping: TermGrouping { get }
    var observed: [Double] { get }
    func justified(groups: Set<Int>) -> [Double]
}

extension GLMDecomposition: JustifiedLevels {}
extension MixedDecomposition: JustifiedLevels {}
extension GLMMDecomposition: JustifiedLevels {}
