import VarexLinearAlgebra

/// The CR2 cluster-robust covariance of a GLM and each coefficient's Satterthwaite df, as
/// `clubSandwich::vcovCR(glm, cluster, type = "CR2")` and `coef_test(test = "Satterthwaite")`
/// compute them. clubSandwich treats a GLM as a weighted regression of the response residuals
/// y − μ on U = D X (D = dμ/dη), with weights W = w / V(μ) (w the prior weights) and its
/// working model the inverse of those weights, Θ = W⁻¹ (`inverse_var`). With S = Θ^(1/2):
///
///     V = M [Σ_j E_j r_j r_jᵀ E_jᵀ] M,   M = (UᵀWU)⁻¹ = (XᵀW_workX)⁻¹,   E_j = U_jᵀ W_j A_j,
///     A_j = S_j G_j^(-1/2) S_j,   G_j = S_j (I − U_j M U_jᵀ W_j) Θ_j S_j = Θ_j² − (S_j U_j) M (S_j U_j)ᵀ,
///
/// the inverse square root over eigenvalues above 1e-12 of the largest (clubSandwich's
/// `matrix_power` takes 1e-12 absolute; they differ only where G is singular). The
/// dispersion cancels, so a family and its quasi- twin have the same CR2. A coefficient's df is
/// (tr P)² / ‖P‖²_F with P_jk = δ_jk ‖(M E_j S_j)_i‖² − (M E_j U_j)_i M (M E_k U_k)_iᵀ.
/// Rows with a zero prior weight carry no information (Θ is infinite there) and are left out.
public struct GLMBellMcCaffrey: Sendable {
    /// The covariance, p × p by design column (NaN for aliased columns).
    public let covariance: Matrix
    /// The Satterthwaite df of each coefficient (NaN for aliased columns).
    public let degreesOfFreedom: [Double]

    /// One row of a cluster: u = (dμ/dη)·x over the estimable columns, θ = V(μ)/w and the
    /// response residual y − μ.
    public struct ClusterRow: Sendable {
        public let u: [Double]
        public let theta, residual: Double
        public init(u: [Double], theta: Double, residual: Double) { self.u = u; self.theta = theta; self.residual = residual }
    }

    public init(fit: GeneralizedLinearFit) throws {
        guard fit.design.clusters.count == 1 else { throw ModelError.cr2NeedsOneCluster }
        try fit.design.checkClusterCounts()
        let est = fit.estimable, p = est.count, pAll = fit.coefficients.count
        var m = Matrix(rows: p, columns: p)
        for (a, ja) in est.enumerated() { for (b, jb) in est.enumerated() { m[a, b] = fit.unscaledCovariance[ja, jb] } }
        let labels = fit.design.clusters[0].labels
        var index: [String: Int] = [:]
        var members: [[ClusterRow]] = []
        for (i, l) in labels.enumerated() where fit.priorWeights[i] > 0 {
            let d = fit.link.muEta(fit.eta[i])
            let row = ClusterRow(u: est.map { d * Double(fit.design.x[i, $0]) }, theta: fit.family.variance(fit.mu[i]) / fit.priorWeights[i],
                                 residual: fit.y[i] - fit.mu[i])
            if let g = index[l] { members[g].append(row) } else { index[l] = members.count; members.append([row]) }
        }
        let r = try Self.compute(clusters: members, m: m)
        var out = Matrix(rows: pAll, columns: pAll, repeating: .nan)
        for (a, ja) in est.enumerated() { for (b, jb) in est.enumerated() { out[ja, jb] = r.covariance[a, b] } }
        covariance = out
        var df = [Double](repeating: .nan, count: pAll)
        for (i, j) in est.enumerated() { df[j] = r.degreesOfFreedom[i] }
        degreesOfFreedom = df
    }

    /// The covariance and df from each cluster's rows and M = (XᵀW_workX)⁻¹ (p × p, estimable
    /// columns): the estimator above, whoever holds the rows (a fit in memory, or a stream's
    /// pass that gathers each cluster's).
    public static func compute(clusters members: [[ClusterRow]], m: Matrix) throws -> (covariance: Matrix, degreesOfFreedom: [Double]) {
        let p = m.rows
        var meat = Matrix(rows: p, columns: p)
        var gNorm = [[Double]](repeating: [], count: p)
        var meu = [[[Double]]](repeating: [], count: p)
        for rows in members {
            let nj = rows.count
            // Per row of the cluster: θ = V(μ)/w, s = √θ, u = dμ/dη · x.
            let theta = rows.map(\.theta)
            let s = theta.map { $0.squareRoot() }
            let u = Matrix(columns: (0..<p).map { a in rows.map { $0.u[a] } })
            var su = u
            for r in 0..<nj { for a in 0..<p { su[r, a] *= s[r] } }
            let sum = try su.multiplied(by: m)
            var g = Matrix(rows: nj, columns: nj)
            for r in 0..<nj {
                for c in 0..<nj {
                    var h = 0.0
                    for a in 0..<p { h += sum[r, a] * su[c, a] }
                    g[r, c] = (r == c ? theta[r] * theta[r] : 0) - h
                }
            }
            // Eigenvalues below 1e-12 of the largest are zero (a design column inside one cluster
            // makes G singular): clubSandwich's 1e-12 is absolute, which on G's scale (θ², e.g.
            // a Poisson mean squared) keeps rounding noise and amplifies it.
            let eig = try SymmetricEigen(g), top = eig.values.last ?? 0
            let root = eig.function({ 1 / $0.squareRoot() }, keep: { $0 > 1e-12 * top })
            // E_j = U_jᵀ W_j S_j G^(-1/2) S_j, with W_j S_j = 1/s.
            var e = Matrix(rows: p, columns: nj)
            for a in 0..<p {
                for c in 0..<nj {
                    var v = 0.0
                    for r in 0..<nj { v += u[r, a] / s[r] * root[r, c] }
                    e[a, c] = v * s[c]
                }
            }
            var comp = [Double](repeating: 0, count: p)
            for a in 0..<p { for c in 0..<nj { comp[a] += e[a, c] * rows[c].residual } }
            for a in 0..<p { for b in 0..<p { meat[a, b] += comp[a] * comp[b] } }
            let me = try m.multiplied(by: e)
            let meU = try me.multiplied(by: u)
            for i in 0..<p {
                gNorm[i].append((0..<nj).reduce(0.0) { $0 + me[i, $1] * me[i, $1] * theta[$1] })
                meu[i].append((0..<p).map { meU[i, $0] })
            }
        }
        let v = try m.multiplied(by: try meat.multiplied(by: m))
        let clusters = members.count
        let df = (0..<p).map { i -> Double in
            let mh = meu[i].map { h in (0..<p).map { r in (0..<p).reduce(0.0) { $0 + m[r, $1] * h[$1] } } }
            var trace = 0.0, squares = 0.0
            for r in 0..<clusters {
                for c in 0..<clusters {
                    var value = -(0..<p).reduce(0.0) { $0 + meu[i][r][$1] * mh[c][$1] }
                    if r == c { value += gNorm[i][r]; trace += value }
                    squares += value * value
                }
            }
            return trace * trace / squares
        }
        return (v, df)
    }
}
