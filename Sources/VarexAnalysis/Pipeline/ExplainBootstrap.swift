import Varex

extension RankBootstrap {
    /// Bootstraps an explain run's model and ranks its councils.
    public init(analysis a: ExplainAnalysis, replicates: Int, seed: UInt64, resampling: Resampling = .cases) throws {
        try self.init(fit: a.fit, decomposition: a.decomposition, retransformed: a.retransformed, higherIsBetter: a.request.rankingHigherIsBetter,
                      replicates: replicates, seed: seed, resampling: resampling)
    }
}
