/// A unit of the reference set and its weight λ in a unit's benchmark.
public struct Peer: Sendable, Equatable, Codable {
    public let unit: Int
    public let weight: Double
}

/// Data envelopment analysis: each unit's radial efficiency against the frontier its peers
/// span (Charnes, Cooper and Rhodes 1978; Banker, Charnes and Cooper 1984), the slacks left at
/// the radial projection (a second phase), super-efficiency (Andersen and Petersen 1993) and
/// the Banker–Morey (1986) conditions a unit cannot choose. Every programme is solved by
/// `VarexLinearProgramming` (COIN-OR Clp).
///
/// One immutable value; what follows from it (distances, targets, ranks) is computed.
public struct DEA: Sendable {
    public let model: DEAModel
    public let data: DEAData
    /// The LP's score: θ ≤ 1 (input orientation) or φ ≥ 1 (output).
    public let score: [Double]
    /// Each unit's peers: the units with λ > 0 in the max-slack (phase 2) solution.
    public let peers: [[Peer]]
    /// Input slacks s⁻ beyond the radial contraction (units × inputs).
    public let inputSlacks: [[Double]]
    /// Output slacks s⁺ beyond the radial expansion (units × outputs).
    public let outputSlacks: [[Double]]
    /// Super-efficiency (the unit left out of its own reference set), on the efficiency scale;
    /// nil where that programme has no solution (possible under variable returns), or when not asked.
    public let superEfficiency: [Double?]?

    /// A λ below this is taken as zero when peers are listed.
    public static let peerTolerance = 1e-9

    /// Fits `model` to `data`: each unit against all units. `superEfficiency` adds the
    /// Andersen–Petersen scores.
    public init(_ data: DEAData, model: DEAModel, superEfficiency: Bool = false) throws {
        self.model = model
        self.data = data
        let n = data.count
        let phase1 = DEAScoreProgramme(model: model, inputs: data.inputs, outputs: data.outputs, fixedInputs: data.fixedInputs, needs: data.needs)
        let phase2 = DEASlackProgramme(model: model, inputs: data.inputs, outputs: data.outputs, fixedInputs: data.fixedInputs, needs: data.needs)
        var score = [Double](repeating: .nan, count: n)
        var peers = [[Peer]](repeating: [], count: n)
        var inputSlacks = [[Double]](repeating: [], count: n), outputSlacks = inputSlacks
        var superScores: [Double?] = []
        for o in 0..<n {
            let (x, z, q, y) = data.point(o)
            guard var t = try phase1.score(x: x, fixed: z, need: q, y: y, unit: data.units[o]) else {
                throw FrontierError.infeasible(unit: data.units[o], what: "DEA")
            }
            // A unit on the frontier scores 1 to within rounding; call it 1.
            if abs(t - 1) <= 1e-12 { t = 1 }
            score[o] = t
            let (lambda, sIn, sOut) = try phase2.slacks(x: x, fixed: z, need: q, y: y, score: t, unit: data.units[o])
            peers[o] = lambda.enumerated().compactMap { $0.element > Self.peerTolerance ? Peer(unit: $0.offset, weight: $0.element) : nil }
            inputSlacks[o] = sIn.map { max($0, 0) }
            outputSlacks[o] = sOut.map { max($0, 0) }
            if superEfficiency {
                let st = try phase1.score(x: x, fixed: z, need: q, y: y, excluding: o, unit: data.units[o])
                superScores.append(st.map { model.orientation == .input ? $0 : 1 / $0 })
            }
        }
        self.score = score
        self.peers = peers
        self.inputSlacks = inputSlacks
        self.outputSlacks = outputSlacks
        self.superEfficiency = superEfficiency ? superScores : nil
    }

    /// Efficiency on one scale for both orientations: θ, or 1/φ; 1 on the frontier.
    public var efficiency: [Double] { model.orientation == .input ? score : score.map { 1 / $0 } }

    /// The Shephard input distance 1/θ or the Farrell output distance φ: at least 1, the scale
    /// the bootstrap resamples.
    public var distance: [Double] { model.orientation == .input ? score.map { 1 / $0 } : score }

    /// Σλ of each unit's benchmark: under constant returns, below 1 says the unit is beyond its
    /// most productive scale's size (decreasing returns would help), above 1 below it.
    public var lambdaSum: [Double] { peers.map { $0.reduce(0) { $0 + $1.weight } } }

    /// The projection of each unit onto the efficient frontier: inputs θx − s⁻ (or x − s⁻) and
    /// outputs y + s⁺ (or φy + s⁺).
    public var inputTargets: [[Double]] {
        (0..<data.count).map { o in
            let t = model.orientation == .input ? score[o] : 1
            return zip(data.inputs[o], inputSlacks[o]).map { t * $0 - $1 }
        }
    }

    public var outputTargets: [[Double]] {
        (0..<data.count).map { o in
            let t = model.orientation == .output ? score[o] : 1
            return zip(data.outputs[o], outputSlacks[o]).map { t * $0 + $1 }
        }
    }
}

extension DEAData {
    /// Unit o's inputs, fixed inputs, needs and outputs.
    func point(_ o: Int) -> ([Double], [Double], [Double], [Double]) {
        (inputs[o], fixedInputs[o], needs[o], outputs[o])
    }
}
