import Dispatch
import VarexLinearAlgebra

extension LinearMixedFit {
    /// lme4's `dfbetas(influence(fit))`: each row deleted in turn and the model refitted (θ
    /// re-estimated from the full fit's, by the same criterion), (β₍ᵢ₎ − β) over the deleted fit's
    /// standard errors (lme4's sign: the deleted fit's less the full one's, the opposite of
    /// `dfbetas` on an `lm`), one row per fitted row. A row's deletion leaves a level without rows a
    /// column of zeros in Z, which the criterion treats as lme4 treats the level dropped. The
    /// refits run on Varex's threads (OpenBLAS's kept to one): n refits.
    public func dfbetas() throws -> Matrix {
        try MixedDeletion.dfbetas(n: n, beta: beta, what: "the mixed model", deleted: deleted(row:))
    }

    /// The model refitted without row `row`: its fixed effects and their covariance.
    func deleted(row: Int) throws -> (beta: [Double], covariance: Matrix) {
        let keep = (0..<n).filter { $0 != row }
        var xd = Matrix(rows: n - 1, columns: p)
        for j in 0..<p { for (k, i) in keep.enumerated() { xd[k, j] = x[i, j] } }
        let yd = keep.map { y[$0] }
        let blocks = design.blocks.map { $0.keeping(rows: keep) }
        let profile = try LinearMixedModel.weightedProfile(x: xd, y: yd, blocks: blocks, weights: weights.map { w in keep.map { w[$0] } })
        let (solution, _) = try LinearMixedModel.minimize(profile, reml: reml, start: theta)
        let sigma2 = solution.pwrss / Double(reml ? n - 1 - p : n - 1)
        return (solution.beta, try Self.inverse(of: solution.rx, scaledBy: sigma2))
    }
}

extension RandomEffectsBlock {
    /// The block on the rows `rows` only, its levels kept (a level left without rows is a
    /// column of zeros in Z, which the criteria treat as lme4 treats the level dropped).
    func keeping(rows: [Int]) -> RandomEffectsBlock {
        var v = Matrix(rows: rows.count, columns: values.columns)
        for j in 0..<values.columns { for (k, i) in rows.enumerated() { v[k, j] = values[i, j] } }
        return RandomEffectsBlock(term: term, effectNames: effectNames, levels: levels, level: rows.map { level[$0] }, values: v, schema: schema)
    }
}

extension GeneralizedLinearMixedFit {
    /// lme4's `dfbetas(influence(fit))` of a glmer fit: each row deleted in turn and the GLMM
    /// refitted from the full fit's (θ, β), (β₍ᵢ₎ − β) over the deleted fit's standard errors
    /// (its own Hessian's; lme4's sign), one row per fitted row; n refits on Varex's threads.
    public func dfbetas() throws -> Matrix {
        try MixedDeletion.dfbetas(n: n, beta: beta, what: "the GLMM", deleted: deleted(row:))
    }

    /// The GLMM refitted without row `row`: its fixed effects and their covariance.
    func deleted(row: Int) throws -> (beta: [Double], covariance: Matrix) {
        let keep = (0..<n).filter { $0 != row }
        let l = laplace
        var xd = Matrix(rows: n - 1, columns: p)
        for j in 0..<p { for (k, i) in keep.enumerated() { xd[k, j] = l.x[i, j] } }
        let sub = LaplaceDeviance(x: xd, y: keep.map { l.y[$0] }, prior: keep.map { l.prior[$0] }, trials: keep.map { l.trials[$0] },
                                  offset: keep.map { l.offset[$0] }, blocks: design.blocks.map { $0.keeping(rows: keep) },
                                  family: family, link: link)
        let (optimum, _) = try GeneralizedLinearMixedModel.minimize(sub, start: theta + beta)
        let h = GeneralizedLinearMixedModel.hessian(sub, at: optimum.theta + optimum.beta, modes: optimum.u)
        return (optimum.beta, GeneralizedLinearMixedModel.fixedCovariance(hessian: h, thetaCount: theta.count))
    }
}

/// The deletion diagnostics both kinds of mixed model share.
enum MixedDeletion {
    /// (β₍ᵢ₎ − β) / se₍ᵢ₎ for every row i, from `deleted(i)` (the refit's fixed effects and
    /// covariance), the refits on Varex's threads (OpenBLAS's kept to one).
    static func dfbetas(n: Int, beta: [Double], what: String,
                        deleted: @escaping @Sendable (Int) throws -> (beta: [Double], covariance: Matrix)) throws -> Matrix {
        let p = beta.count
        var out = Matrix(rows: n, columns: p, repeating: .nan)
        let merge = Lock()
        let progress = ProgressCounter()
        var failure: Error? = nil
        BLASThreads.singleThreaded {
            DispatchQueue.concurrentPerform(iterations: n) { i in
                do {
                    let (b, v) = try deleted(i)
                    merge.run { for j in 0..<p { out[i, j] = (b[j] - beta[j]) / v[j, j].squareRoot() } }
                } catch {
                    merge.run { failure = error }
                }
                let done = progress.add(1)
                Progress.report("DFBETAS of \(what): \(done) of \(n) refits")
            }
        }
        if let failure { throw failure }
        return out
    }
}
