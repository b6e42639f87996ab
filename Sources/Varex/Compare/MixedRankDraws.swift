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
        let n = fit.n
        let means: [Double] = (0..<fit.p).map { j in (0..<n).reduce(0.0) { $0 + fit.x[$1, j] } / Double(n) }
        let draws = try JustifiedDraws(x: fit.x, beta: fit.beta, covariance: fit.covariance, means: means, design: fit.design,
                                       grouping: d.grouping, randomGroups: d.randomGroups, modes: fit.randomEffects(term:),
                                       sds: fit.conditionalStandardDeviations(term:))
        try self.init(draws: draws, higherIsBetter: higherIsBetter, replicates: replicates, seed: seed) { i, level in fit.y[i] - level }
    }

    /// The same for a GLMM's explanation (``GLMMDecomposition``): the justified level drawn on
    /// the link scale (the fixed part centred at the prior-weighted means, as the
    /// decomposition), the offset added, carried through the inverse link; the rows ranked by
    /// observed − justified on the response scale.
    public init(glmm fit: GeneralizedLinearMixedFit, decomposition d: GLMMDecomposition, higherIsBetter: Bool, replicates: Int,
                seed: UInt64) throws {
        let n = fit.n, x = fit.design.fixed.x.rounded, w = fit.prior, sw = w.reduce(0, +)
        let means: [Double] = (0..<fit.p).map { j in (0..<n).reduce(0.0) { $0 + w[$1] * x[$1, j] } / sw }
        let draws = try JustifiedDraws(x: x, beta: fit.beta, covariance: fit.covariance, means: means, design: fit.design,
                                       grouping: d.grouping, randomGroups: d.randomGroups, modes: fit.randomEffects(term:),
                                       sds: fit.conditionalStandardDeviations(term:))
        try self.init(draws: draws, higherIsBetter: higherIsBetter, replicates: replicates, seed: seed) { i, level in
            fit.y[i] - fit.link.mu(level + fit.offset[i])
        }
    }

    /// Ranks of `unjustified(row, drawn justified level)` over the replicates of `draws`.
    init(draws: JustifiedDraws, higherIsBetter: Bool, replicates: Int, seed: UInt64,
         unjustified: @escaping @Sendable (Int, Double) -> Double) throws {
        let n = draws.x.rows
        try Self.checkRequest(replicates: replicates, count: n)
        let (totals, redraws) = try Self.countRanks(count: n, replicates: replicates, seed: seed, descending: !higherIsBetter,
                                                    worker: { () }) { _, rng, level in
            draws.draw(into: &level, rng: &rng)
            for i in 0..<n { level[i] = unjustified(i, level[i]) }
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

/// One draw of a mixed model's justified level per row: the fixed effects from N(β̂, V), the
/// justified random terms' effects from N(mode, conditional SD²), the level Σ over justified
/// columns β_j x_ij + Σ over the others β_j × mean_j + the justified random terms' parts.
struct JustifiedDraws: Sendable {
    let x: Matrix
    let beta: [Double]
    /// The upper Cholesky factor of V.
    let root: Matrix
    let means: [Double]
    let justifiedColumn: [Bool]
    let blocks: [RandomEffectsBlock]
    let justifiedTerms: [Int]
    let modes: [Matrix]
    let sds: [Matrix]

    init(x: Matrix, beta: [Double], covariance: Matrix, means: [Double], design: MixedDesign, grouping: TermGrouping,
         randomGroups: [Int?], modes: (Int) -> Matrix, sds: (Int) throws -> Matrix) throws {
        self.x = x
        self.beta = beta
        self.means = means
        root = try Cholesky(covariance).factor
        justifiedColumn = beta.indices.map { j in
            let t = design.fixed.assign[j]
            return t >= 0 && grouping.groups[grouping.groupOfTerm[t]].justified
        }
        blocks = design.blocks
        let terms = design.blocks.indices.filter { randomGroups[$0].map { grouping.groups[$0].justified } ?? false }
        justifiedTerms = terms
        self.modes = terms.map(modes)
        self.sds = try terms.map(sds)
    }

    func draw(into level: inout [Double], rng: inout Xoshiro256) {
        let n = x.rows, p = beta.count
        let z = (0..<p).map { _ in rng.normal() }
        var b = beta
        for a in 0..<p { for c in 0...a { b[a] += root[c, a] * z[c] } }
        var constant = 0.0
        for j in 0..<p where !justifiedColumn[j] { constant += b[j] * means[j] }
        for i in 0..<n {
            var v = constant
            for j in 0..<p where justifiedColumn[j] { v += b[j] * x[i, j] }
            level[i] = v
        }
        for (t, k) in justifiedTerms.enumerated() {
            let block = blocks[k], m = modes[t], s = sds[t]
            var draws = Matrix(rows: block.levels.count, columns: block.effectCount)
            for l in 0..<block.levels.count { for e in 0..<block.effectCount { draws[l, e] = m[l, e] + s[l, e] * rng.normal() } }
            for i in 0..<n { for e in 0..<block.effectCount { level[i] += block.values[i, e] * draws[block.level[i], e] } }
        }
    }
}
