import VarexLinearAlgebra

/// The conditional variances of a mixed model's random effects (lme4's `condVar`): the
/// diagonal blocks of s² Λ (LLᵀ)⁻¹ Λᵀ, L the Cholesky factor of ΛᵀZᵀWZΛ + I at the modes (W = I
/// for a linear mixed model, s = σ; the GLM weights and s = 1 for a binomial or Poisson GLMM).
enum MixedConditionalVariance {
    /// One term's conditional standard deviations, levels × effects: `factor` is its T,
    /// `offset` where its columns of Z begin.
    static func standardDeviations(l: Cholesky, factor t: Matrix, block: RandomEffectsBlock, offset base: Int, scale: Double) throws -> Matrix {
        let rInverse = try l.inverseFactor()
        let pk = block.effectCount, q = rInverse.rows
        var out = Matrix(rows: block.levels.count, columns: pk)
        for level in 0..<block.levels.count {
            // (A⁻¹)_block = rows of R⁻¹ for the block times their transposes.
            var inv = Matrix(rows: pk, columns: pk)
            for a in 0..<pk {
                for c in 0..<pk {
                    var s = 0.0
                    for j in 0..<q { s += rInverse[base + level * pk + a, j] * rInverse[base + level * pk + c, j] }
                    inv[a, c] = s
                }
            }
            let v = try t.multiplied(by: try inv.multiplied(by: t, transposeOther: true))
            for e in 0..<pk { out[level, e] = scale * v[e, e].squareRoot() }
        }
        return out
    }
}
