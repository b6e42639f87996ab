import VarexLinearProgramming

/// The envelopment programme of one DEA model over one reference set, solved unit by unit from
/// the last basis. Phase 1, the radial score:
///
///     input:  min θ   s.t. Σλⱼxⱼ ≤ θx₀,  Σλⱼyⱼ ≥ y₀
///     output: max φ   s.t. Σλⱼxⱼ ≤ x₀,   Σλⱼyⱼ ≥ φy₀
///
/// with Σλⱼzⱼ ≤ z₀ for each fixed input, Σλⱼqⱼ ≥ q₀ for each need, the returns-to-scale bound
/// on Σλ, and λ ≥ 0. Columns: the score, then λ₁…λₙ; rows: inputs, fixed inputs, needs,
/// outputs, Σλ.
/// The reference units' columns of an envelopment programme: λⱼ in column `offset + j`, its
/// inputs, fixed inputs, needs and outputs in rows 0..<m, m..<m+k, …, and a 1 in the Σλ row.
func loadReference(_ lp: inout LinearProgram, offset: Int, returns: ReturnsToScale, inputs: [[Double]], outputs: [[Double]],
                   fixedInputs: [[Double]], needs: [[Double]]) {
    let m = inputs[0].count, k = fixedInputs.first?.count ?? 0, q = needs.first?.count ?? 0, s = outputs[0].count
    for j in 0..<inputs.count {
        for i in 0..<m { lp[i, offset + j] = inputs[j][i] }
        for i in 0..<k { lp[m + i, offset + j] = fixedInputs[j][i] }
        for i in 0..<q { lp[m + k + i, offset + j] = needs[j][i] }
        for r in 0..<s { lp[m + k + q + r, offset + j] = outputs[j][r] }
        if returns.lambdaSum != nil { lp[m + k + q + s, offset + j] = 1 }
    }
    if let rts = returns.lambdaSum {
        lp.rowLower[m + k + q + s] = rts.lower
        lp.rowUpper[m + k + q + s] = rts.upper
    }
}

/// The sizes of a DEA's envelopment programme: n reference units, m inputs, k fixed inputs, q
/// needs, s outputs, and its rows (one more for Σλ unless returns are constant).
struct DEAShape {
    let n: Int, m: Int, k: Int, q: Int, s: Int, rows: Int

    init(inputs: [[Double]], outputs: [[Double]], fixedInputs: [[Double]], needs: [[Double]], returns: ReturnsToScale) {
        n = inputs.count
        m = inputs[0].count
        k = fixedInputs.first?.count ?? 0
        q = needs.first?.count ?? 0
        s = outputs[0].count
        rows = m + k + q + s + (returns.lambdaSum == nil ? 0 : 1)
    }
}

final class DEAScoreProgramme {
    let model: DEAModel
    let solver: SimplexSolver
    let n: Int, m: Int, k: Int, q: Int, s: Int

    init(model: DEAModel, inputs: [[Double]], outputs: [[Double]], fixedInputs: [[Double]], needs: [[Double]]) {
        self.model = model
        let shape = DEAShape(inputs: inputs, outputs: outputs, fixedInputs: fixedInputs, needs: needs, returns: model.returns)
        (n, m, k, q, s) = (shape.n, shape.m, shape.k, shape.q, shape.s)
        var lp = LinearProgram(rows: shape.rows, columns: n + 1)
        loadReference(&lp, offset: 1, returns: model.returns, inputs: inputs, outputs: outputs, fixedInputs: fixedInputs, needs: needs)
        lp.objective[0] = model.orientation == .input ? 1 : -1
        solver = SimplexSolver(lp)
    }

    /// Changes reference unit j's inputs (the bootstrap's pseudo-data).
    func setReferenceInputs(_ j: Int, _ x: [Double]) {
        for i in 0..<m { solver.setCoefficient(row: i, column: j + 1, x[i]) }
    }

    /// Changes reference unit j's outputs.
    func setReferenceOutputs(_ j: Int, _ y: [Double]) {
        for r in 0..<s { solver.setCoefficient(row: m + k + q + r, column: j + 1, y[r]) }
    }

    /// The score of the point (x, z, q, y) against the reference: θ (input) or φ (output), and
    /// the λ of the phase-1 solution; `excluding` a reference unit (super-efficiency). Nil
    /// when the programme is infeasible (super-efficiency's may be); throws when it fails.
    func score(x: [Double], fixed: [Double], need: [Double], y: [Double], excluding: Int? = nil,
               unit: String) throws -> Double? {
        let input = model.orientation == .input
        for i in 0..<m {
            solver.setCoefficient(row: i, column: 0, input ? -x[i] : 0)
            solver.setRowBounds(i, lower: -.infinity, upper: input ? 0 : x[i])
        }
        for i in 0..<k { solver.setRowBounds(m + i, lower: -.infinity, upper: fixed[i]) }
        for i in 0..<q { solver.setRowBounds(m + k + i, lower: need[i], upper: .infinity) }
        for r in 0..<s {
            solver.setCoefficient(row: m + k + q + r, column: 0, input ? 0 : -y[r])
            solver.setRowBounds(m + k + q + r, lower: input ? y[r] : 0, upper: .infinity)
        }
        if let excluding { solver.setColumnBounds(excluding + 1, lower: 0, upper: 0) }
        defer { if let excluding { solver.setColumnBounds(excluding + 1, lower: 0, upper: .infinity) } }
        switch solver.solve() {
        case .optimal:
            return solver.value(0)
        case .infeasible, .unbounded:
            if excluding != nil { return nil }
            throw FrontierError.infeasible(unit: unit, what: "DEA")
        case .failed:
            throw FrontierError.solverFailed(unit: unit, what: "DEA")
        }
    }
}

/// Phase 2: with the score fixed, the λ that leaves the largest slacks, each slack as a share
/// of the unit's own value (so the units of measure do not matter):
///
///     max Σ s⁻ᵢ/x₀ᵢ + Σ s⁺ᵣ/y₀ᵣ  s.t. Σλⱼxⱼ + s⁻ = θx₀ (input; x₀ for output),
///                                     Σλⱼyⱼ − s⁺ = y₀ (input; φy₀ for output),
///
/// the fixed-input, need and Σλ constraints as in phase 1, λ, s ≥ 0. Columns: λ₁…λₙ, s⁻, s⁺.
final class DEASlackProgramme {
    let solver: SimplexSolver
    let model: DEAModel
    let n: Int, m: Int, k: Int, q: Int, s: Int

    init(model: DEAModel, inputs: [[Double]], outputs: [[Double]], fixedInputs: [[Double]], needs: [[Double]]) {
        self.model = model
        let shape = DEAShape(inputs: inputs, outputs: outputs, fixedInputs: fixedInputs, needs: needs, returns: model.returns)
        (n, m, k, q, s) = (shape.n, shape.m, shape.k, shape.q, shape.s)
        var lp = LinearProgram(rows: shape.rows, columns: n + m + s)
        loadReference(&lp, offset: 0, returns: model.returns, inputs: inputs, outputs: outputs, fixedInputs: fixedInputs, needs: needs)
        for i in 0..<m { lp[i, n + i] = 1 }
        for r in 0..<s { lp[m + k + q + r, n + m + r] = -1 }
        solver = SimplexSolver(lp)
    }

    /// λ, input slacks and output slacks of unit (x, z, q, y) with score `score` (θ or φ). The
    /// score is phase 1's to rounding; should the equalities at it be infeasible by that
    /// rounding, they are set again 10⁻¹¹ (relative) to the feasible side.
    func slacks(x: [Double], fixed: [Double], need: [Double], y: [Double], score: Double,
                unit: String) throws -> (lambda: [Double], input: [Double], output: [Double]) {
        do {
            return try slacksAt(x: x, fixed: fixed, need: need, y: y, score: score, unit: unit)
        } catch FrontierError.infeasible {
            let eased = model.orientation == .input ? score * (1 + 1e-11) : score * (1 - 1e-11)
            return try slacksAt(x: x, fixed: fixed, need: need, y: y, score: eased, unit: unit)
        }
    }

    private func slacksAt(x: [Double], fixed: [Double], need: [Double], y: [Double], score: Double,
                          unit: String) throws -> (lambda: [Double], input: [Double], output: [Double]) {
        let input = model.orientation == .input
        for i in 0..<m {
            let target = input ? score * x[i] : x[i]
            solver.setRowBounds(i, lower: target, upper: target)
            solver.setObjective(n + i, -1 / x[i])
        }
        for i in 0..<k { solver.setRowBounds(m + i, lower: -.infinity, upper: fixed[i]) }
        for i in 0..<q { solver.setRowBounds(m + k + i, lower: need[i], upper: .infinity) }
        for r in 0..<s {
            let target = input ? y[r] : score * y[r]
            solver.setRowBounds(m + k + q + r, lower: target, upper: target)
            solver.setObjective(n + m + r, -1 / y[r])
        }
        switch solver.solve() {
        case .optimal:
            let v = solver.solution
            return (Array(v[0..<n]), Array(v[n..<(n + m)]), Array(v[(n + m)...]))
        case .infeasible, .unbounded:
            throw FrontierError.infeasible(unit: unit, what: "DEA slack")
        case .failed:
            throw FrontierError.solverFailed(unit: unit, what: "DEA slack")
        }
    }
}
