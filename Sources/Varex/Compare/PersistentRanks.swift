import Dispatch
import VarexLinearAlgebra

/// Rank intervals for units' persistent effects: each draw takes every unit's effect from its
/// conditional distribution, normal with the conditional mode as mean and the conditional SD
/// (for a single random intercept the units' conditional distributions are independent), and
/// ranks them. Draw b uses the generator (seed, b), and counts are summed as integers, so the
/// result is the same on any number of cores.
public struct PersistentRanks: Sendable {
    public let draws: Int
    public let seed: UInt64
    /// counts[i × n + r]: draws in which unit i took rank r + 1.
    public let rankCounts: [UInt32]
    public let count: Int

    public init(effects: [Double], standardDeviations: [Double], higherIsBetter: Bool, draws: Int, seed: UInt64) throws {
        let n = effects.count
        try RankBootstrap.checkRequest(replicates: draws, count: n)
        let descending = !higherIsBetter
        var totals = [UInt32](repeating: 0, count: n * n)
        let chunkCount = max(1, min(draws, 64))
        let merge = Lock()
        let progress = ProgressCounter()
        totals.withUnsafeMutableBufferPointer { tb in
            let base = tb.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                var counts = [UInt32](repeating: 0, count: n * n)
                var value = [Double](repeating: 0, count: n)
                var order = [Int](repeating: 0, count: n)
                for b in (chunk * draws / chunkCount)..<((chunk + 1) * draws / chunkCount) {
                    var rng = Xoshiro256(seed: seed, stream: UInt64(b))
                    for i in 0..<n { value[i] = effects[i] + standardDeviations[i] * rng.normal() }
                    for i in 0..<n { order[i] = i }
                    order.sort { descending ? (value[$0] > value[$1] || (value[$0] == value[$1] && $0 < $1))
                                            : (value[$0] < value[$1] || (value[$0] == value[$1] && $0 < $1)) }
                    for (position, i) in order.enumerated() { counts[i * n + position] += 1 }
                    if b % 64 == 0 { let done = progress.add(64); Progress.report("rank intervals: \(done) of \(draws) draws") }
                }
                merge.run { for k in 0..<(n * n) { base[k] += counts[k] } }
            }
        }
        self.draws = draws
        self.seed = seed
        self.rankCounts = totals
        self.count = n
    }

    /// Per unit: the median rank and the central `level` interval of its ranks.
    public func summary(level: Double = 0.95) -> [(median: Double, low: Int, high: Int)] {
        (0..<count).map { i in
            let h = RankHistogram(counts: rankCounts[(i * count)..<((i + 1) * count)])
            return (h.median, h.quantile((1 - level) / 2), h.quantile(1 - (1 - level) / 2))
        }
    }
}
