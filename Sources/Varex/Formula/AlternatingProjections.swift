#if canImport(Dispatch)
import Dispatch
#endif
import VarexLinearAlgebra

/// The within transformation for two or more absorbed factors: the (weighted) projection of a
/// vector on the factors' dummy columns, found as fixest finds it. Each sweep is one round of
/// block Gauss–Seidel on the normal equations DᵀWD α = DᵀWv (alternating projections: each
/// factor's level means of what the others leave), and every two sweeps are combined by
/// Irons–Tuck acceleration (a vector form of Aitken's Δ²; fixest's default), which turns the
/// hundreds of sweeps slow designs need into tens. The iteration works in the effects α, one
/// number per level, and in `Double`; the within deviation v − Σ_f α_f[g_f(i)] is then formed
/// in extended precision.
struct AlternatingProjections: Sendable {
    /// Each factor's level of each row.
    let groups: [[Int]]
    /// Each factor's reciprocal total weight per level.
    let inverseWeights: [[Double]]
    /// Row weights (nil: unweighted).
    let weights: [Double]?

    /// The most sweeps before giving up.
    static let maximumSweeps = 10_000
    /// A sweep that moves no effect by more than this fraction of the vector's largest value ends
    /// the iteration.
    static let tolerance = 1e-13
    /// An iteration whose moves have stopped shrinking (rounding now decides them) ends once
    /// they are below this fraction: the effects are then as good as double precision gives.
    static let floor = 1e-10

    init(groups: [[Int]], levelWeights: [[Double]], weights: [Double]?) {
        self.groups = groups
        self.inverseWeights = levelWeights.map { $0.map { $0 > 0 ? 1 / $0 : 0 } }
        self.weights = weights
    }

    /// The effects α (factor × level) whose sum at each row is the projection of `v`, and the
    /// sweeps taken.
    func project(_ v: [Double]) -> (effects: [[Double]], sweeps: Int)? {
        let scale = v.reduce(0.0) { max($0, abs($1)) }
        guard scale > 0 else { return (groups.indices.map { [Double](repeating: 0, count: inverseWeights[$0].count) }, 1) }
        let limit = Self.tolerance * scale
        let sizes = inverseWeights.map(\.count)
        let offsets = sizes.indices.map { sizes[..<$0].reduce(0, +) }
        let total = sizes.reduce(0, +)
        var x = [Double](repeating: 0, count: total)
        var residual = [Double](repeating: 0, count: v.count)
        var sweeps = 0, best = Double.infinity, stalled = 0
        // The residual after a sweep is that of its result: the sweep that follows it (the
        // second of each pair) starts from it; one after an acceleration rebuilds it.
        func sweep(_ a: [Double], rebuild: Bool) -> (next: [Double], move: Double) {
            sweeps += 1
            var next = a
            let move = self.sweep(&next, offsets: offsets, v: v, residual: &residual, rebuild: rebuild)
            return (next, move)
        }
        func settled(_ move: Double) -> Bool {
            if move <= limit { return true }
            if move < best * 0.5 { best = move; stalled = 0 } else { stalled += 1 }
            return stalled >= 8 && best <= Self.floor * scale
        }
        while sweeps < Self.maximumSweeps {
            let (gx, move1) = sweep(x, rebuild: true)
            if settled(move1) { return (split(gx, offsets: offsets, sizes: sizes), sweeps) }
            let (ggx, move2) = sweep(gx, rebuild: false)
            if settled(move2) { return (split(ggx, offsets: offsets, sizes: sizes), sweeps) }
            // Irons–Tuck: x ← GGx − (Δ·Δ²/Δ²·Δ²) Δ, with Δ = GGx − Gx and Δ² = Δ − (Gx − x).
            var dot = 0.0, squares = 0.0
            for k in 0..<total {
                let d = ggx[k] - gx[k], d2 = d - gx[k] + x[k]
                dot += d * d2
                squares += d2 * d2
            }
            if squares > 0 && dot.isFinite && squares.isFinite {
                let c = dot / squares
                for k in 0..<total { x[k] = ggx[k] - c * (ggx[k] - gx[k]) }
            } else {
                x = ggx
            }
        }
        return nil
    }

    private func split(_ a: [Double], offsets: [Int], sizes: [Int]) -> [[Double]] {
        sizes.indices.map { Array(a[offsets[$0]..<(offsets[$0] + sizes[$0])]) }
    }

    /// One Gauss–Seidel sweep from the effects `a` (updated in place): the residual of `v`
    /// given `a`, then each factor's level means of it taken out in turn. Returns the largest
    /// change of an effect.
    private func sweep(_ a: inout [Double], offsets: [Int], v: [Double], residual: inout [Double], rebuild: Bool) -> Double {
        let n = v.count, factors = groups.count
        var move = 0.0
        a.withUnsafeMutableBufferPointer { a in
            residual.withUnsafeMutableBufferPointer { r in
                v.withUnsafeBufferPointer { v in
                    // The residual given every factor's effects.
                    if rebuild { for i in 0..<n { r[i] = v[i] } }
                    for f in 0..<factors where rebuild {
                        groups[f].withUnsafeBufferPointer { g in
                            let o = offsets[f]
                            for i in 0..<n { r[i] -= a[o + g[i]] }
                        }
                    }
                    for f in 0..<factors {
                        let o = offsets[f], levels = inverseWeights[f].count
                        var sums = [Double](repeating: 0, count: levels)
                        groups[f].withUnsafeBufferPointer { g in
                            sums.withUnsafeMutableBufferPointer { s in
                                if let weights {
                                    weights.withUnsafeBufferPointer { w in for i in 0..<n { s[g[i]] += w[i] * r[i] } }
                                } else {
                                    for i in 0..<n { s[g[i]] += r[i] }
                                }
                                inverseWeights[f].withUnsafeBufferPointer { iw in
                                    for k in 0..<levels {
                                        let d = s[k] * iw[k]
                                        s[k] = d
                                        a[o + k] += d
                                        move = max(move, abs(d))
                                    }
                                }
                                for i in 0..<n { r[i] -= s[g[i]] }
                            }
                        }
                    }
                }
            }
        }
        return move
    }

    /// Projects each of `columns` (in parallel), returning the effects of each and the most
    /// sweeps any took; nil when one did not settle.
    func projectAll(_ columns: [[Double]]) -> (effects: [[[Double]]], sweeps: Int)? {
        var results = [(effects: [[Double]], sweeps: Int)?](repeating: nil, count: columns.count)
        let lock = Lock()
        #if canImport(Dispatch)
        DispatchQueue.concurrentPerform(iterations: columns.count) { j in
            let r = project(columns[j])
            lock.run { results[j] = r }
        }
        #else
        for j in columns.indices { results[j] = project(columns[j]) }
        #endif
        var effects: [[[Double]]] = [], sweeps = 1
        for r in results {
            guard let r else { return nil }
            effects.append(r.effects)
            sweeps = max(sweeps, r.sweeps)
        }
        return (effects, sweeps)
    }
}
