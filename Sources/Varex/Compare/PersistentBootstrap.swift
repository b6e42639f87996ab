import Dispatch
import VarexLinearAlgebra

/// Intervals for units' persistent effects (a random intercept's conditional modes) that carry
/// the uncertainty of the fixed effects and the variance components as well as the conditional
/// SD: a parametric bootstrap of the prediction error. Each replicate draws new unit effects
/// b* ~ N(0, σ̂ᵤ²) and errors ε* ~ N(0, σ̂²/w), makes y* = Xβ̂ + Zb* + ε*, refits the model
/// (REML or ML, as fitted) and records b̂* − b* for every unit; the interval for unit k is
/// b̂ₖ − the upper and lower quantiles of its errors (lme4's `bootMer` with `use.u = FALSE`, as
/// a prediction interval). Replicate r uses the generator (seed, r), so the result is the same
/// on any number of cores.
public struct PersistentBootstrap: Sendable {
    public let replicates: Int
    public let seed: UInt64
    /// Per unit, the interval's ends.
    public let low: [Double]
    public let high: [Double]
    /// Per unit, the root mean squared prediction error over the replicates.
    public let rootMeanSquaredError: [Double]

    /// The most replicates (each a refit of the mixed model).
    public static let maximumReplicates = 10_000

    /// Bootstraps `fit`, whose only random term is one random intercept.
    public init(fit: LinearMixedFit, level: Double, replicates: Int, seed: UInt64) throws {
        guard fit.design.blocks.count == 1, fit.design.blocks[0].effectCount == 1 else { throw ExplainError.panelNeedsOneRandomIntercept }
        guard replicates <= Self.maximumReplicates else { throw ExplainError.tooManyReplicates(replicates, maximum: Self.maximumReplicates) }
        precondition(replicates >= 2, "a bootstrap needs at least two replicates")
        let block = fit.design.blocks[0]
        let units = block.levels.count, n = fit.n
        let sigma = fit.sigma, sigmaU = fit.theta[0] * sigma
        let mean = fit.marginalFitted, b = fit.randomEffects
        let errors = try Self.replicate(replicates, seed: seed) { rng in
            let truth = (0..<units).map { _ in sigmaU * rng.normal() }
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let sd = sigma / (fit.weights?[i] ?? 1).squareRoot()
                y[i] = mean[i] + block.values[i, 0] * truth[block.level[i]] + sd * rng.normal()
            }
            let modes = try LinearMixedModel.conditionalModes(fit, response: y)
            return (0..<units).map { modes[$0] - truth[$0] }
        }
        self.init(modes: b, errors: errors, level: level, seed: seed)
    }

    /// Runs `replicate` for replicates 0..<count on every core, each with the generator (seed,
    /// r): each replicate's prediction errors, in order.
    static func replicate(_ count: Int, seed: UInt64, _ replicate: @Sendable (inout Xoshiro256) throws -> [Double]) throws -> [[Double]] {
        var errors = [[Double]](repeating: [], count: count)
        let merge = Lock()
        let progress = ProgressCounter()
        var failure: Error? = nil
        // Many small refits on Varex's threads: OpenBLAS's own threads would only wait (7× slower).
        BLASThreads.singleThreaded {
            DispatchQueue.concurrentPerform(iterations: count) { r in
                var rng = Xoshiro256(seed: seed, stream: UInt64(r))
                do {
                    let e = try replicate(&rng)
                    merge.run { errors[r] = e }
                } catch {
                    merge.run { failure = error }
                }
                let done = progress.add(1)
                Progress.report("persistent-effect bootstrap: \(done) of \(count) refits")
            }
        }
        if let failure { throw failure }
        return errors
    }

    /// The intervals from each replicate's prediction errors b̂* − b*.
    init(modes b: [Double], errors: [[Double]], level: Double, seed: UInt64) {
        let units = b.count, replicates = errors.count
        let lo = (1 - level) / 2, hi = 1 - lo
        var low = [Double](repeating: 0, count: units), high = low, rmse = low
        for k in 0..<units {
            let e = errors.map { $0[k] }
            let q = FitSummary.quantiles(e, [lo, hi])
            low[k] = b[k] - q[1]
            high[k] = b[k] - q[0]
            rmse[k] = (e.reduce(0) { $0 + $1 * $1 } / Double(replicates)).squareRoot()
        }
        self.replicates = replicates
        self.seed = seed
        self.low = low
        self.high = high
        rootMeanSquaredError = rmse
    }

    /// Bootstraps a GLMM's persistent effects (on the link scale) in the same way: b* ~ N(0,
    /// θ̂²), each row's response drawn from the family at μ* = g⁻¹(Xβ̂ + offset + b*) (a
    /// binomial's successes out of its prior weight, as R's `simulate`; a Poisson's counts, its
    /// prior weights ignored, as R's), the GLMM refitted from (θ̂, β̂), and b̂* − b* recorded.
    public init(glmm fit: GeneralizedLinearMixedFit, level: Double, replicates: Int, seed: UInt64) throws {
        guard fit.design.blocks.count == 1, fit.design.blocks[0].effectCount == 1 else { throw ExplainError.panelNeedsOneRandomIntercept }
        guard replicates <= Self.maximumReplicates else { throw ExplainError.tooManyReplicates(replicates, maximum: Self.maximumReplicates) }
        precondition(replicates >= 2, "a bootstrap needs at least two replicates")
        let block = fit.design.blocks[0]
        let units = block.levels.count, n = fit.n
        let sigmaU = fit.theta[0], eta = fit.marginalEta, b = fit.randomEffects
        let errors = try Self.replicate(replicates, seed: seed) { rng in
            let truth = (0..<units).map { _ in sigmaU * rng.normal() }
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let mu = fit.link.mu(eta[i] + block.values[i, 0] * truth[block.level[i]])
                if fit.family == .binomial {
                    let size = max(1, Int(fit.prior[i].rounded()))
                    y[i] = Double(rng.binomial(size, mu)) / Double(size)
                } else {
                    y[i] = Double(rng.poisson(mu))
                }
            }
            let modes = try GeneralizedLinearMixedModel.conditionalModes(fit, response: y)
            return (0..<units).map { modes[$0] - truth[$0] }
        }
        self.init(modes: b, errors: errors, level: level, seed: seed)
    }
}
