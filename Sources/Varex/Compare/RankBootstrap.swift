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
    /// ranks[b * n + i]: council i's rank in replicate b (1 = largest unjustified value, or the
    /// smallest when higher is better).
    public let ranks: [Int32]
    /// Councils ranked (the rows used by the fit).
    public let count: Int
    /// Resamples drawn again because a term was not estimable.
    public let redraws: Int

    public init(analysis a: ExplainAnalysis, replicates: Int, seed: UInt64, resampling: Resampling = .cases) throws {
        let fit = a.fit
        let design = fit.design
        let n = fit.n
        let est = fit.estimable
        let p = est.count
        // The estimable columns in double, the response, √w, and the full-data weighted means.
        let root = (0..<n).map { fit.weight($0).squareRoot() }
        var x = [Double](repeating: 0, count: n * p)
        for (k, j) in est.enumerated() { for i in 0..<n { x[i + k * n] = Double(design.x.storage[i + j * n]) } }
        let y = design.y.map { Double($0) }
        var sw = 0.0
        for i in 0..<n { sw += fit.weight(i) }
        let means: [Double] = (0..<p).map { k in (0..<n).reduce(0.0) { $0 + fit.weight($1) * x[$1 + k * n] } / sw }
        // Which estimable columns carry justified effects (the intercept counts with the baseline).
        let grouping = a.decomposition.grouping
        let justifiedColumn: [Bool] = est.map { j in
            let t = design.assign[j]
            return t >= 0 && grouping.groups[grouping.groupOfTerm[t]].justified
        }
        let fitted = fit.fitted
        let weightedResiduals = fit.weightedResiduals
        let descending = !a.request.higherIsBetter
        let retransform = a.retransformed
        let logBase = retransform.map { log($0.base) }

        var ranks = [Int32](repeating: 0, count: replicates * n)
        let chunkCount = min(replicates, 64)
        var redrawCounts = [Int](repeating: 0, count: chunkCount)
        ranks.withUnsafeMutableBufferPointer { rb in
            redrawCounts.withUnsafeMutableBufferPointer { cb in
                let ranksBase = rb.baseAddress!, countBase = cb.baseAddress!
                DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                    var solver = SmallLeastSquares(rows: n, columns: p)
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
                            switch resampling {
                            case .cases:
                                for i in 0..<n {
                                    let r = rng.index(below: n)
                                    for k in 0..<p { solver.a[i + k * n] = x[r + k * n] * root[r] }
                                    solver.b[i] = y[r] * root[r]
                                }
                            case .residuals:
                                for i in 0..<n {
                                    let r = rng.index(below: n)
                                    for k in 0..<p { solver.a[i + k * n] = x[i + k * n] * root[i] }
                                    solver.b[i] = fitted[i] * root[i] + weightedResiduals[r]
                                }
                            }
                            solved = solver.solve()
                            if !solved { redraws += 1; attempts += 1; if attempts > 1000 { break } }
                        }
                        // Unjustified value of every council under this replicate's coefficients.
                        var constant = 0.0
                        for k in 0..<p where !justifiedColumn[k] { constant += solver.b[k] * means[k] }
                        for i in 0..<n {
                            var justified = constant
                            for k in 0..<p where justifiedColumn[k] { justified += solver.b[k] * x[i + k * n] }
                            if let logBase, let r = retransform {
                                value[i] = r.observed[i] - r.smearing * exp(justified * logBase)
                            } else {
                                value[i] = y[i] - justified
                            }
                        }
                        for i in 0..<n { order[i] = i }
                        order.sort { descending ? (value[$0] > value[$1] || (value[$0] == value[$1] && $0 < $1))
                                                : (value[$0] < value[$1] || (value[$0] == value[$1] && $0 < $1)) }
                        for (position, i) in order.enumerated() { ranksBase[b * n + i] = Int32(position + 1) }
                        b += 1
                    }
                    countBase[chunk] = redraws
                }
            }
        }
        self.replicates = replicates
        self.seed = seed
        self.resampling = resampling
        self.ranks = ranks
        self.count = n
        self.redraws = redrawCounts.reduce(0, +)
    }

    /// Per council: median rank, the central `level` interval of its ranks (inverse empirical
    /// CDF: whole ranks), and the probabilities of being in the top and the bottom `ten`.
    public func summary(level: Double = 0.95, ten: Int = 10) -> [(median: Double, low: Int, high: Int, top: Double, bottom: Double)] {
        (0..<count).map { i in
            var r = (0..<replicates).map { Int(ranks[$0 * count + i]) }
            r.sort()
            func quantile(_ q: Double) -> Int { r[min(r.count - 1, max(0, Int((q * Double(r.count)).rounded(.up)) - 1))] }
            let m = r.count
            let median = m % 2 == 1 ? Double(r[m / 2]) : Double(r[m / 2 - 1] + r[m / 2]) / 2
            let top = Double(r.filter { $0 <= ten }.count) / Double(m)
            let bottom = Double(r.filter { $0 > count - ten }.count) / Double(m)
            return (median, quantile((1 - level) / 2), quantile(1 - (1 - level) / 2), top, bottom)
        }
    }
}
