import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import VarexLinearAlgebra

/// How bootstrap samples are drawn.
public enum Resampling: String, Sendable, CaseIterable {
    /// Rows drawn with replacement (the default: robust to heteroskedasticity).
    case cases
    /// Fitted values plus residuals drawn with replacement (the design stays fixed).
    case residuals
}

/// Rank uncertainty by bootstrapping the whole fit.
///
/// Each replicate refits the model on a resampled data set and recomputes every council's
/// unjustified value on its *own* data with the replicate's coefficients (justified = mean level
/// + the justified groups' effects, centred at the full-data means), then ranks the councils.
/// The spread of a council's rank is the uncertainty that comes from estimating what is
/// justified; a council's spend itself is measured, not sampled. Replicate b draws from its own
/// generator `Xoshiro256(seed:, stream: b)`, so the output is identical whatever the number of
/// cores. A resample in which a term cannot be estimated (say, no council of one type was drawn)
/// is drawn again; the count is reported.
public struct RankBootstrap: Sendable {
    public let replicates: Int
    public let seed: UInt64
    public let resampling: Resampling
    /// rankCounts[i * count + r − 1]: how many replicates put council i at rank r (1 = largest
    /// unjustified value, or the smallest when higher is better). Running counts, so memory is
    /// count² whatever the number of replicates.
    public let rankCounts: [UInt32]
    /// Councils ranked (the rows used by the fit).
    public let count: Int
    /// Resamples drawn again because a term was not estimable.
    public let redraws: Int
    /// Whether each replicate draws the model's parameters instead of resampling (a mixed
    /// model's ranks: ``init(mixed:decomposition:higherIsBetter:replicates:seed:)``).
    public internal(set) var drawsParameters = false

    /// The most replicates a run takes: the Monte Carlo error of a 95% rank interval is
    /// negligible long before, and a larger request is refused at once rather than left to run
    /// for hours.
    public static let maximumReplicates = 1_000_000
    /// The most memory the rank counts may take (bytes), with one set per worker thread.
    public static let maximumCountBytes = 2 << 30
    /// Failed redraws of one replicate before the run stops.
    public static let maximumRedraws = 1000

    /// Bootstraps `fit`, whose terms `decomposition` groups; `retransformed` is set for a log
    /// response; rank 1 is the largest unjustified value unless `higherIsBetter`.
    public init(fit: LinearFit, decomposition: Decomposition, retransformed: Retransformation?, higherIsBetter: Bool,
                replicates: Int, seed: UInt64, resampling: Resampling = .cases) throws {
        let design = fit.design
        let n = fit.n
        let est = fit.estimable
        let p = est.count
        // The estimable columns and the response, unweighted (for justified levels) and weighted
        // (the rows a replicate refits: the fit's own √w·X and √w·y), and the weighted means.
        var x = [Double](repeating: 0, count: n * p)
        for (k, j) in est.enumerated() { for i in 0..<n { x[i + k * n] = Double(design.x[i, j]) } }
        let y = design.y.map { Double($0) }
        let refit = Refit(fit: fit, columns: est)
        // The refit's rows (√w·X, √w·y), copied into the solver in the loop below: a plain
        // array copy here measured 15% faster for 10,000 replicates than a call per row.
        let yw = refit.response
        let xw = refit.x
        let root = fit.weighted.root?.map { Double($0) } ?? [Double](repeating: 1, count: n)
        var sw = 0.0
        for i in 0..<n { sw += fit.weight(i) }
        let means: [Double] = (0..<p).map { k in (0..<n).reduce(0.0) { $0 + fit.weight($1) * x[$1 + k * n] } / sw }
        // Which estimable columns carry justified effects (the intercept counts with the baseline).
        let grouping = decomposition.grouping
        let justifiedColumn: [Bool] = est.map { j in
            let t = design.assign[j]
            return t >= 0 && grouping.groups[grouping.groupOfTerm[t]].justified
        }
        let fitted = fit.fitted
        let weightedResiduals = fit.weightedResiduals
        let descending = !higherIsBetter
        let retransform = retransformed
        try Self.checkRequest(replicates: replicates, count: n)
        let (totals, redraws) = try Self.countRanks(count: n, replicates: replicates, seed: seed, descending: descending,
                                                    worker: { refit.solver() }) { solver, rng, level in
            switch resampling {
            case .cases:
                for i in 0..<n {
                    let r = rng.index(below: n)
                    for k in 0..<p { solver.a[i + k * n] = xw[r + k * n] }
                    solver.b[i] = yw[r]
                }
            case .residuals:
                for i in 0..<n {
                    let r = rng.index(below: n)
                    for k in 0..<p { solver.a[i + k * n] = xw[i + k * n] }
                    solver.b[i] = fitted[i] * root[i] + weightedResiduals[r]
                }
            }
            guard refit.solve(&solver) else { return false }
            // Justified level of every council under this replicate's coefficients:
            // baseline Σ b·mean plus the justified columns' b·(x − mean).
            var constant = 0.0
            for k in 0..<p where !justifiedColumn[k] { constant += solver.b[k] * means[k] }
            var justified = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var j = constant
                for k in 0..<p where justifiedColumn[k] { j += solver.b[k] * x[i + k * n] }
                justified[i] = j
            }
            level = Unjustified.values(justified: justified, observed: y, retransformed: retransform)
            return true
        }
        self.replicates = replicates
        self.seed = seed
        self.resampling = resampling
        self.rankCounts = totals
        self.count = n
        self.redraws = redraws
    }

    /// Bootstraps a GLM's explanation (`explain --family`): each replicate resamples the rows,
    /// refits the GLM by IRLS (from R's starting values, weights and offsets resampled with their
    /// rows) and ranks every council by its unjustified amount on the response scale under the
    /// replicate's coefficients: observed − g⁻¹(Σ b·mean over the columns not justified + Σ b·x
    /// over the justified ones + offset), as ``GLMDecomposition`` splits the full fit. A
    /// resample whose IRLS fails or aliases a column is drawn again.
    public init(glm fit: GeneralizedLinearFit, decomposition: GLMDecomposition, higherIsBetter: Bool, replicates: Int,
                seed: UInt64) throws {
        let design = fit.design
        let n = fit.n
        let est = fit.isAliased.indices.filter { !fit.isAliased[$0] }
        let p = est.count
        var x = Matrix(rows: n, columns: p)
        for (k, j) in est.enumerated() { for i in 0..<n { x[i, k] = Double(design.x[i, j]) } }
        let w = fit.priorWeights, sw = w.reduce(0, +)
        let means: [Double] = (0..<p).map { k in (0..<n).reduce(0.0) { $0 + w[$1] * x[$1, k] } / sw }
        let grouping = decomposition.grouping
        let justifiedColumn: [Bool] = est.map { j in
            let t = design.assign[j]
            return t >= 0 && grouping.groups[grouping.groupOfTerm[t]].justified
        }
        let start = design.trials == nil ? fit.priorWeights : fit.trials
        let link = fit.link
        try Self.checkRequest(replicates: replicates, count: n)
        // Many small IRLS fits on Varex's threads: OpenBLAS's own threads would only wait.
        let (totals, redraws) = try BLASThreads.singleThreaded {
            try Self.countRanks(count: n, replicates: replicates, seed: seed, descending: !higherIsBetter,
                                worker: { Matrix(rows: n, columns: p) }) { xr, rng, level in
                var y = [Double](repeating: 0, count: n), prior = y, starts = y, offset = y
                for i in 0..<n {
                    let r = rng.index(below: n)
                    for k in 0..<p { xr[i, k] = x[r, k] }
                    (y[i], prior[i], starts[i], offset[i]) = (fit.y[r], w[r], start[r], fit.offset[r])
                }
                guard let b = try? GeneralizedLinearModel.irls(x: xr, y: y, prior: prior, startWeights: starts, offset: offset,
                                                               family: fit.family, link: link, tolerance: fit.tolerance),
                      b.solution.rank == p, b.coefficients.allSatisfy(\.isFinite) else { return false }
                var constant = 0.0
                for k in 0..<p where !justifiedColumn[k] { constant += b.coefficients[k] * means[k] }
                for i in 0..<n {
                    var eta = constant + fit.offset[i]
                    for k in 0..<p where justifiedColumn[k] { eta += b.coefficients[k] * x[i, k] }
                    level[i] = fit.y[i] - link.mu(eta)
                }
                return true
            }
        }
        self.replicates = replicates
        self.seed = seed
        self.resampling = .cases
        self.rankCounts = totals
        self.count = n
        self.redraws = redraws
    }

    /// The rank counts over `replicates`: replicate b draws from `Xoshiro256(seed:, stream: b)`
    /// and `replicate` fills every unit's value (false: draw again, at most `maximumRedraws`
    /// times in a row); the units are ranked (rank 1 the largest when `descending`, ties by
    /// order) and the counts summed as integers, so the result is the same on any number of
    /// cores. `worker` makes each thread's scratch state once.
    @inline(__always)
    static func countRanks<State>(count n: Int, replicates: Int, seed: UInt64, descending: Bool, worker: () -> State,
                                  replicate: (inout State, inout Xoshiro256, inout [Double]) throws -> Bool) throws -> (counts: [UInt32], redraws: Int) {
        var totals = [UInt32](repeating: 0, count: n * n)
        let chunkCount = min(replicates, 64)
        var redrawCounts = [Int](repeating: 0, count: chunkCount)
        var failed = [Bool](repeating: false, count: chunkCount)
        let merge = Lock()
        let progress = ProgressCounter()
        totals.withUnsafeMutableBufferPointer { tb in
            redrawCounts.withUnsafeMutableBufferPointer { cb in
              failed.withUnsafeMutableBufferPointer { fb in
                let totalsBase = tb.baseAddress!, countBase = cb.baseAddress!, failedBase = fb.baseAddress!
                DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                    // This chunk's counts, added to the totals at the end: integer sums, so the
                    // result is the same in any order and on any number of cores.
                    var counts = [UInt32](repeating: 0, count: n * n)
                    var state = worker()
                    var value = [Double](repeating: 0, count: n)
                    var order = [Int](repeating: 0, count: n)
                    var redraws = 0
                    var b = chunk * replicates / chunkCount
                    let end = (chunk + 1) * replicates / chunkCount
                    while b < end {
                        var rng = Xoshiro256(seed: seed, stream: UInt64(b))
                        var solved = false
                        var attempts = 0
                        while !solved {
                            solved = (try? replicate(&state, &rng, &value)) ?? false
                            if !solved { redraws += 1; attempts += 1; if attempts >= Self.maximumRedraws { break } }
                        }
                        if !solved { failedBase[chunk] = true; break }
                        for i in 0..<n { order[i] = i }
                        order.sort { descending ? (value[$0] > value[$1] || (value[$0] == value[$1] && $0 < $1))
                                                : (value[$0] < value[$1] || (value[$0] == value[$1] && $0 < $1)) }
                        for (position, i) in order.enumerated() { counts[i * n + position] += 1 }
                        b += 1
                        if b % 64 == 0 { let done = progress.add(64); Progress.report("bootstrap: \(done) of \(replicates) replicates") }
                    }
                    countBase[chunk] = redraws
                    merge.run { for k in 0..<(n * n) { totalsBase[k] += counts[k] } }
                }
              }
            }
        }
        if failed.contains(true) { throw ExplainError.bootstrapFailed(attempts: Self.maximumRedraws) }
        return (totals, redrawCounts.reduce(0, +))
    }

    /// Refuses, before any work, a run that is too long or whose counts would not fit in memory.
    static func checkRequest(replicates: Int, count n: Int) throws {
        guard replicates <= maximumReplicates else {
            throw ExplainError.tooManyReplicates(replicates, maximum: maximumReplicates)
        }
        let threads = ProcessorCount.active + 1
        let bytes = n * n * MemoryLayout<UInt32>.size * threads
        guard bytes <= maximumCountBytes else {
            throw ExplainError.rankCountsTooLarge(units: n, bytes: bytes, limit: maximumCountBytes)
        }
    }

    /// Per council: median rank, the central `level` interval of its ranks (inverse empirical
    /// CDF: whole ranks), and the probabilities of being in the top and the bottom `ten`.
    public func summary(level: Double = 0.95, ten: Int = 10) -> [(median: Double, low: Int, high: Int, top: Double, bottom: Double)] {
        (0..<count).map { i in
            let h = RankHistogram(counts: rankCounts[(i * count)..<((i + 1) * count)])
            let m = Double(replicates)
            return (h.median, h.quantile((1 - level) / 2), h.quantile(1 - (1 - level) / 2),
                    Double(h.countAtMost(ten)) / m, Double(replicates - h.countAtMost(count - ten)) / m)
        }
    }
}

/// The ranks one unit took over many replicates, as counts per rank (rank r at index r − 1):
/// the same quantiles as the sorted list of ranks, in memory that does not grow with the
/// number of replicates.
struct RankHistogram {
    let counts: ArraySlice<UInt32>
    var total: Int { counts.reduce(0) { $0 + Int($1) } }

    /// The k-th smallest rank (1-based k).
    func kthSmallest(_ k: Int) -> Int {
        var seen = 0
        for (r, c) in counts.enumerated() {
            seen += Int(c)
            if seen >= k { return r + 1 }
        }
        return counts.count
    }

    /// The inverse empirical CDF at q: the ⌈q·m⌉-th smallest rank (at least the first).
    func quantile(_ q: Double) -> Int {
        let m = total
        return kthSmallest(min(m, max(1, Int((q * Double(m)).rounded(.up)))))
    }

    /// The median: the middle rank, or the mean of the two middle ones.
    var median: Double {
        let m = total
        return m % 2 == 1 ? Double(kthSmallest(m / 2 + 1)) : Double(kthSmallest(m / 2) + kthSmallest(m / 2 + 1)) / 2
    }

    /// How many replicates gave a rank of at most r.
    func countAtMost(_ r: Int) -> Int {
        counts.prefix(max(0, r)).reduce(0) { $0 + Int($1) }
    }
}
