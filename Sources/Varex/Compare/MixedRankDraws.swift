import VarexLinearAlgebra

extension RankBootstrap {
    /// The ranks of a mixed model's explanation (``MixedDecomposition``) under draws of what
    /// it estimates: each replicate draws the fixed effects from N(β̂, vcov(β̂)) (lme4's `vcov`)
    /// and each random effect from N(its conditional mode, its conditional SD²) (lme4's
    /// `ranef(condVar = TRUE)`), independently, recomputes every row's justified level
    /// (baseline + the justified groups' fixed effects, centred at the full-data means, and the
    /// random terms those groups name) and ranks the rows by observed − justified. As the
    /// panel's persistent ranks, θ and σ are taken as known. Replicate r draws from
    /// `Xoshiro256(seed:, stream: r)`, so the result is the same on any number of cores.
    public init(mixed fit: LinearMixedFit, decomposition d: MixedDecomposition, higherIsBetter: Bool, replicates: Int,
                seed: UInt64) throws {
        let n = fit.n, p = fit.p
        try Self.checkRequest(replicates: replicates, count: n)
        let root = try Cholesky(fit.covariance).factor
        let grouping = d.grouping
        let justifiedColumn: [Bool] = (0..<p).map { j in
            let t = fit.design.fixed.assign[j]
            return t >= 0 && grouping.groups[grouping.groupOfTerm[t]].justified
        }
        let means: [Double] = (0..<p).map { j in (0..<n).reduce(0.0) { $0 + fit.x[$1, j] } / Double(n) }
        let blocks = fit.design.blocks
        let justifiedTerms = blocks.indices.filter { d.randomGroups[$0].map { grouping.groups[$0].justified } ?? false }
        let modes = justifiedTerms.map { fit.randomEffects(term: $0) }
        let sds = try justifiedTerms.map { try fit.conditionalStandardDeviations(term: $0) }
        let (totals, redraws) = try Self.countRanks(count: n, replicates: replicates, seed: seed, descending: !higherIsBetter,
                                                    worker: { () }) { _, rng, level in
            let z = (0..<p).map { _ in rng.normal() }
            var beta = fit.beta
            for a in 0..<p { for b in 0...a { beta[a] += root[b, a] * z[b] } }
            var constant = 0.0
            for j in 0..<p where !justifiedColumn[j] { constant += beta[j] * means[j] }
            for i in 0..<n {
                var v = constant
                for j in 0..<p where justifiedColumn[j] { v += beta[j] * fit.x[i, j] }
                level[i] = v
            }
            for (t, k) in justifiedTerms.enumerated() {
                let block = blocks[k], m = modes[t], s = sds[t]
                var draws = Matrix(rows: block.levels.count, columns: block.effectCount)
                for l in 0..<block.levels.count { for e in 0..<block.effectCount { draws[l, e] = m[l, e] + s[l, e] * rng.normal() } }
                for i in 0..<n { for e in 0..<block.effectCount { level[i] += block.values[i, e] * draws[block.level[i], e] } }
            }
            for i in 0..<n { level[i] = fit.y[i] - level[i] }
            return true
        }
        self.replicates = replicates
        self.seed = seed
        self.resampling = .cases
        self.rankCounts = totals
        self.count = n
        self.redraws = redraws
        self.drawsParameters = true
    }
}
