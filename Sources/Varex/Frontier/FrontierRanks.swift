import Dispatch
import Foundation
import VarexLinearAlgebra

/// Rank intervals of a stochastic frontier's efficiencies that carry both the inefficiency's
/// own uncertainty given the residual and the parameters' estimation error.
///
/// Draw b takes θ_b = θ̂ + L z_b (LLᵀ the covariance of the estimates, z_b standard normals), and
/// each unit's u from its conditional distribution u | e ~ N⁺(μ*, σ*²) at θ_b, by the inverse CDF
/// at a uniform U: u = μ* − σ* Φ⁻¹((1 − U) Φ(μ*/σ*)). Units are ranked by u, 1 = the smallest (the
/// most efficient); the interval is the ⌈q·B⌉-th smallest rank, the median the middle one, as the
/// rank bootstrap's. Draw b has its own generator (seed, b): the same result on any core count.
/// The point rank is that of Battese and Coelli's efficiency.
public struct FrontierRanks: Sendable {
    public let draws: Int
    public let level: Double
    public let seed: UInt64?
    /// 1 = the highest E[exp(−u) | e].
    public let rank: [Int]
    public let rankMedian: [Double]
    public let rankLow: [Int]
    public let rankHigh: [Int]

    /// `draws` draws from `seed`.
    public init(_ sfa: StochasticFrontier, draws: Int = 1000, seed: UInt64 = 1, level: Double = 0.95) throws {
        let k = sfa.parameters.count, n = sfa.data.count
        try self.init(sfa, parameters: sfa.parameters, covariance: sfa.covariance, draws: draws, seed: seed, level: level) { b in
            var g = Xoshiro256(seed: seed, stream: UInt64(b))
            let z = (0..<k).map { _ in g.normal() }
            return (z, (0..<n).map { _ in g.uniform() })
        }
    }

    /// From given draws (z: one normal per parameter; u: one uniform per unit), at the given
    /// parameters and covariance: to check the arithmetic against another implementation.
    public init(_ sfa: StochasticFrontier, parameters: [Double], covariance: [[Double]],
                supplied: [(normals: [Double], uniforms: [Double])], level: Double = 0.95) throws {
        try self.init(sfa, parameters: parameters, covariance: covariance, draws: supplied.count, seed: nil, level: level) { supplied[$0] }
    }

    private init(_ sfa: StochasticFrontier, parameters theta: [Double], covariance: [[Double]], draws: Int, seed: UInt64?, level: Double,
                 draw: @Sendable (Int) -> (normals: [Double], uniforms: [Double])) throws {
        guard draws >= 2 && draws <= 1_000_000 else { throw FrontierError.invalidSetting("the rank draws must number between 2 and 1,000,000") }
        guard level > 0 && level < 1 else { throw FrontierError.invalidSetting("the level must lie strictly between 0 and 1") }
        let k = theta.count, n = sfa.data.count
        var v = Matrix(rows: k, columns: k)
        for i in 0..<k { for j in 0..<k { v[i, j] = covariance[i][j] } }
        let upper: Matrix
        do { upper = try Cholesky(v).factor } catch {
            throw FrontierError.notConverged("the estimates' covariance is not positive definite, so the parameters cannot be drawn")
        }
        var counts = [UInt32](repeating: 0, count: n * n)
        let merge = Lock()
        DispatchQueue.concurrentPerform(iterations: draws) { b in
            let (z, uniforms) = draw(b)
            // θ_b = θ̂ + Rᵀz (Rᵀ the lower factor).
            let tb = (0..<k).map { i in theta[i] + (0...i).reduce(0.0) { $0 + upper[$1, i] * z[$1] } }
            let u = zip(sfa.conditional(at: tb), uniforms).map { c, p in
                c.mean - c.sd * Normal.quantile((1 - p) * exp(logNormalCDF(c.mean / c.sd)))
            }
            let r = Ranking.competition(u, descending: false)
            merge.run { for i in 0..<n { counts[i * n + r[i] - 1] += 1 } }
        }
        let tail = (1 - level) / 2
        let h = (0..<n).map { RankHistogram(counts: counts[($0 * n)..<(($0 + 1) * n)]) }
        rank = Ranking.competition(sfa.efficiency, descending: true)
        rankMedian = h.map(\.median)
        rankLow = h.map { $0.quantile(tail) }
        rankHigh = h.map { $0.quantile(1 - tail) }
        self.draws = draws
        self.level = level
        self.seed = seed
    }
}
