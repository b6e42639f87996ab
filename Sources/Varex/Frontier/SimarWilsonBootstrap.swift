import Foundation
import VarexLinearAlgebra

/// One unit's draw in a smoothed-bootstrap replicate: which of the 2n reflected distances it
/// takes (0..<n: δⱼ; n..<2n: 2 − δⱼ₋ₙ) and the standard normal that smooths it.
public struct SmoothedDraw: Sendable, Equatable {
    public let index: Int
    public let normal: Double
    public init(index: Int, normal: Double) {
        self.index = index
        self.normal = normal
    }
}

/// Bias-corrected DEA scores and their intervals from the smoothed bootstrap of Simar and
/// Wilson (1998), on the distance scale δ ≥ 1 (the Shephard input distance 1/θ, or the Farrell
/// output distance φ):
///
/// 1. h by Silverman's rule (0.9 · min(sd, IQR/1.349) · (2m)^(−1/5)) on the reflected distances
///    {δⱼ, 2 − δⱼ} of the m units off the frontier (δ > 1 + 10⁻⁶, the units on it would put an
///    atom at 1), rescaled to the n units as in Daraio and Simar (2007, eq. 3.26):
///    h = h₀ · sd(δ)/sd(reflected) · (2m/n)^(1/5).
/// 2. Each replicate: βⱼ drawn from the 2n reflected distances; δ̃ⱼ = β̄ + (βⱼ + hεⱼ − β̄)/√(1 + h²/σ²),
///    σ² the variance of the 2n reflected distances; δⱼ* = δ̃ⱼ, reflected to 2 − δ̃ⱼ below 1.
/// 3. Pseudo-data: each unit's discretionary inputs times δⱼ*/δⱼ (input orientation) or outputs
///    times δⱼ/δⱼ* (output); fixed inputs and needs unchanged.
/// 4. Each original unit's distance to the pseudo-frontier, δ*ᵦ.
/// Bias = mean(δ*) − δ; the corrected distance δ − bias; the (1 − α) interval
/// [δ − q(1 − α/2), δ − q(α/2)], q the quantiles (R's type 7) of δ* − δ. Reported on the
/// efficiency scale 1/δ.
///
/// With the outputs' sampling errors (survey margins of error, counts), each replicate first
/// redraws every output (``SamplingError``; a draw at or below zero becomes a millionth of its
/// output's largest value), takes the DEA distances δ_b of the data as they might have been
/// measured, smooths and reflects those (h as above, σ² of their reflection) and projects the
/// drawn data's units (inputs times δⱼ*/δ_bⱼ, or outputs times δ_bⱼ/δⱼ*), and measures each drawn
/// unit's distance to that pseudo-frontier. Then δ* − δ carries both the measurement's and the
/// frontier's error, and the bias, interval and rank draws 2δ − δ* are as without.
///
/// Replicate b draws from the generator (seed, b) — the smoothing draws first, then the outputs —
/// and solves from a fresh programme, so the result is the same bits on any number of cores.
public struct SimarWilsonBootstrap: Sendable {
    public let replicates: Int
    public let level: Double
    public let seed: UInt64?
    public let bandwidth: Double
    /// Bias of the distance δ (mean(δ*) − δ).
    public let bias: [Double]
    /// Variance of δ* over replicates.
    public let variance: [Double]
    /// Bias-corrected efficiency, 1/(δ − bias).
    public let corrected: [Double]
    /// The interval for efficiency.
    public let low: [Double]
    public let high: [Double]
    /// Ranks, 1 = the most efficient: the corrected distance's (2δ − mean δ*), and each
    /// replicate's draw of the true distance, the basic bootstrap's 2δ − δ* (whose quantiles are
    /// the intervals), ranked across the units jointly; the draws' median rank and the rank
    /// interval (the ⌈q·B⌉-th smallest rank, as the rank bootstrap's).
    public let correctedRank: [Int]
    public let rankMedian: [Double]
    public let rankLow: [Int]
    public let rankHigh: [Int]

    /// `replicates` replicates from the generator `seed`. With `outputErrors` (per unit, per
    /// output), each replicate first redraws every output from its sampling error (see the type's
    /// description).
    public init(_ dea: DEA, replicates: Int, seed: UInt64, level: Double = 0.95, outputErrors: [[SamplingError]]? = nil) throws {
        let n = dea.data.count, outputs = dea.data.outputs
        if let outputErrors {
            guard outputErrors.count == n, zip(outputErrors, outputs).allSatisfy({ $0.count == $1.count }) else {
                throw FrontierError.invalidSetting("one sampling error is needed for each unit's each output")
            }
        }
        try self.init(dea, level: level, seed: seed, count: replicates) { b in
            var rng = Xoshiro256(seed: seed, stream: UInt64(b))
            let smoothing = (0..<n).map { _ in SmoothedDraw(index: rng.index(below: 2 * n), normal: rng.normal()) }
            let drawn = outputErrors.map { errors in (0..<n).map { j in outputs[j].indices.map { r in errors[j][r].draw(outputs[j][r], using: &rng) } } }
            return (smoothing, drawn)
        }
    }

    /// The bootstrap from given draws (one array of n a replicate, and with `outputs` each
    /// replicate's drawn outputs, per unit): for checking against another implementation fed the
    /// same draws.
    public init(_ dea: DEA, draws: [[SmoothedDraw]], outputs: [[[Double]]]? = nil, level: Double = 0.95) throws {
        try self.init(dea, level: level, seed: nil, count: draws.count) { (draws[$0], outputs?[$0]) }
    }

    private init(_ dea: DEA, level: Double, seed: UInt64?, count: Int,
                 draws: @Sendable (Int) -> (smoothing: [SmoothedDraw], outputs: [[Double]]?)) throws {
        guard count >= 2 else { throw FrontierError.invalidSetting("the bootstrap needs at least 2 replicates") }
        guard level > 0 && level < 1 else { throw FrontierError.invalidSetting("the level must lie strictly between 0 and 1") }
        let delta = dea.distance
        let h = try Self.bandwidth(delta)
        let n = delta.count
        let data = dea.data, model = dea.model
        var results = [[Double]](repeating: [], count: count)
        let merge = Lock()
        let progress = ProgressCounter()
        var failure: Error? = nil
        DispatchQueue.concurrentPerform(iterations: count) { b in
            do {
                let (d, drawnOutputs) = draws(b)
                guard d.count == n else { throw FrontierError.invalidSetting("replicate \(b + 1) has \(d.count) draws for \(n) units") }
                // The data as it might have been measured, and its distances (the data and δ
                // themselves without sampling errors).
                let outputs = try drawnOutputs.map { try Self.positive($0, like: data.outputs) } ?? data.outputs
                let measured: [Double]
                if drawnOutputs != nil {
                    let programme = DEAScoreProgramme(model: model, inputs: data.inputs, outputs: outputs, fixedInputs: data.fixedInputs, needs: data.needs)
                    measured = try (0..<n).map { o in
                        let (x, z, q, _) = data.point(o)
                        guard let s = try programme.score(x: x, fixed: z, need: q, y: outputs[o], unit: data.units[o]) else {
                            throw FrontierError.infeasible(unit: data.units[o], what: "bootstrap DEA")
                        }
                        return model.orientation == .input ? 1 / s : s
                    }
                } else {
                    measured = delta
                }
                let reflected = measured + measured.map { 2 - $0 }
                let shrink = 1 / (1 + h * h / Self.variance(reflected)).squareRoot()
                let beta = d.map { reflected[$0.index] }
                let mean = beta.reduce(0, +) / Double(n)
                var star = [Double](repeating: 0, count: n)
                for j in 0..<n {
                    let t = mean + (beta[j] + h * d[j].normal - mean) * shrink
                    star[j] = t < 1 ? 2 - t : t
                }
                let programme = DEAScoreProgramme(model: model, inputs: data.inputs, outputs: outputs,
                                                  fixedInputs: data.fixedInputs, needs: data.needs)
                for j in 0..<n {
                    if model.orientation == .input {
                        programme.setReferenceInputs(j, data.inputs[j].map { $0 * star[j] / measured[j] })
                    } else {
                        programme.setReferenceOutputs(j, outputs[j].map { $0 * measured[j] / star[j] })
                    }
                }
                var out = [Double](repeating: .nan, count: n)
                for o in 0..<n {
                    let (x, z, q, _) = data.point(o)
                    guard let s = try programme.score(x: x, fixed: z, need: q, y: outputs[o], unit: data.units[o]) else {
                        throw FrontierError.infeasible(unit: data.units[o], what: "bootstrap DEA")
                    }
                    out[o] = model.orientation == .input ? 1 / s : s
                }
                merge.run { results[b] = out }
            } catch {
                merge.run { failure = error }
            }
            let done = progress.add(1)
            Progress.report("DEA bootstrap: \(done) of \(count) replicates")
        }
        if let failure { throw failure }
        var bias = [Double](repeating: 0, count: n), variance = bias, corrected = bias, low = bias, high = bias
        let a = (1 - level) / 2
        for o in 0..<n {
            let boot = results.map { $0[o] }
            bias[o] = boot.reduce(0, +) / Double(count) - delta[o]
            variance[o] = Self.variance(boot)
            corrected[o] = 1 / (delta[o] - bias[o])
            let qs = FitSummary.quantiles(boot.map { $0 - delta[o] }, [a, 1 - a])
            // δ ∈ [δ − q(1 − α/2), δ − q(α/2)]; efficiency 1/δ flips the ends.
            low[o] = 1 / (delta[o] - qs[0])
            high[o] = 1 / (delta[o] - qs[1])
        }
        var counts = [UInt32](repeating: 0, count: n * n)
        for b in 0..<count {
            let draw = (0..<n).map { 2 * delta[$0] - results[b][$0] }
            for (o, r) in Ranking.competition(draw, descending: false).enumerated() { counts[o * n + r - 1] += 1 }
        }
        let ranks = (0..<n).map { o in RankHistogram(counts: counts[(o * n)..<((o + 1) * n)]) }
        correctedRank = Ranking.competition((0..<n).map { delta[$0] - bias[$0] }, descending: false)
        rankMedian = ranks.map(\.median)
        rankLow = ranks.map { $0.quantile(a) }
        rankHigh = ranks.map { $0.quantile(1 - a) }
        replicates = count
        self.level = level
        self.seed = seed
        bandwidth = h
        self.bias = bias
        self.variance = variance
        self.corrected = corrected
        self.low = low
        self.high = high
    }

    /// Simar and Wilson's advice: correct for bias only where it exceeds its own noise,
    /// bias² > variance/3 (otherwise the correction adds more mean squared error than it removes).
    public var correctionAdvised: [Bool] { zip(bias, variance).map { $0 * $0 > $1 / 3 } }

    /// The smoothing bandwidth for distances δ ≥ 1 (see the type's description).
    public static func bandwidth(_ delta: [Double]) throws -> Double {
        let off = delta.filter { $0 > 1 + 1e-6 }
        guard off.count >= 2 else { throw FrontierError.noInefficientUnits }
        let reflected = off + off.map { 2 - $0 }
        let sd = variance(reflected).squareRoot()
        let q = FitSummary.quantiles(reflected, [0.25, 0.75])
        let iqr = (q[1] - q[0]) / 1.349
        let spread = iqr > 1e-6 && iqr < sd ? iqr : sd
        let h0 = 0.9 * spread * pow(Double(reflected.count), -0.2)
        let adjust = variance(delta).squareRoot() / sd * pow(Double(reflected.count) / Double(delta.count), 0.2)
        return h0 * adjust
    }

    /// Drawn outputs kept positive (DEA's are ratios): a draw at or below zero becomes a
    /// millionth of its output's largest published value.
    static func positive(_ drawn: [[Double]], like published: [[Double]]) throws -> [[Double]] {
        guard drawn.count == published.count, zip(drawn, published).allSatisfy({ $0.count == $1.count }) else {
            throw FrontierError.invalidSetting("the drawn outputs do not match the units' outputs")
        }
        let floors = published.first.map { $0.indices.map { r in 1e-6 * published.map { $0[r] }.max()! } } ?? []
        return drawn.map { row in row.enumerated().map { $0.element > 0 ? $0.element : floors[$0.offset] } }
    }

    /// The sample variance (n − 1 in the denominator).
    static func variance(_ v: [Double]) -> Double {
        let mean = v.reduce(0, +) / Double(v.count)
        return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
    }
}
