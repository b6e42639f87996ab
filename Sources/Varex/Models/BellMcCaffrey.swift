import VarexLinearAlgebra

/// The CR2 cluster-robust covariance of Bell and McCaffrey (2002) with the Satterthwaite
/// degrees of freedom of Pustejovsky and Tipton (2018), as `clubSandwich::vcovCR(type = "CR2")`
/// and `coef_test(test = "Satterthwaite")` compute them for lm fits, weighted or not, under
/// clubSandwich's default working model (independent rows of equal variance), and for an
/// absorbed fit as for `lm` with the factors' dummies (see ``dummies(_:after:)``):
///
///     V = M [Σ_j X_jᵀW_j A_j e_j e_jᵀ A_jᵀ W_j X_j] M,   M = (XᵀWX)⁻¹,
///     A_j = G_j^(-1/2),  G_j = I − H_jj − H_jjᵀ + X_j Ω X_jᵀ,  H_jj = X_j M_U X_jᵀ W_j,
///
/// with W the weights over their mean, M_U = (XᵀWX)⁻¹ in those weights and Ω = M_U (XᵀW²X) M_U
/// (for unweighted fits G_j = I − H_jj). The inverse square root is taken over eigenvalues
/// above 1e-12 (clubSandwich's `matrix_power`). A coefficient's df is (tr P)² / ‖P‖²_F, P the
/// clusters' covariance of the terms of its variance under the working model.
public struct BellMcCaffrey: Sendable {
    /// The covariance, p × p by design column (NaN for aliased columns).
    public let covariance: Matrix
    /// The Satterthwaite df of each coefficient (NaN for aliased columns).
    public let degreesOfFreedom: [Double]

    public init(fit: LinearFit) throws {
        guard fit.design.clusters.count == 1 else { throw ModelError.cr2NeedsOneCluster }
        try fit.checkClusterCounts()
        let est = fit.estimable, n = fit.n, pAll = fit.coefficients.count
        let labels = fit.design.clusters[0].labels
        var columns = est.map { j in (0..<n).map { Double(fit.design.x[$0, j]) } }
        if let absorbed = fit.design.absorbed { columns += try Self.dummies(absorbed, after: columns) }
        let p = columns.count
        let x = Matrix(columns: columns)
        let raw = (0..<n).map { fit.weight($0) }
        let meanW = raw.reduce(0, +) / Double(n)
        let w = raw.map { $0 / meanW }
        // M_U = (XᵀWX)⁻¹ and Ω = M_U (XᵀW²X) M_U, W normalised; M = M_U / mean(w) for the raw weights.
        var xtwx = Matrix(rows: p, columns: p), xtw2x = Matrix(rows: p, columns: p)
        for i in 0..<n {
            for a in 0..<p {
                for b in 0..<p {
                    let v = x[i, a] * x[i, b]
                    xtwx[a, b] += w[i] * v
                    xtw2x[a, b] += w[i] * w[i] * v
                }
            }
        }
        let mu = try Cholesky(xtwx).solve(Matrix.identity(p))
        let omega = try mu.multiplied(by: try xtw2x.multiplied(by: mu))
        let m = Matrix(rows: p, columns: p, columnMajor: mu.storage.map { $0 / meanW })
        var index: [String: Int] = [:]
        var members: [[Int]] = []
        for (i, l) in labels.enumerated() {
            if let g = index[l] { members[g].append(i) } else { index[l] = members.count; members.append([i]) }
        }
        var meat = Matrix(rows: p, columns: p)
        // Per cluster and coefficient: ‖g‖², a = X_jᵀg, b = X_jᵀW_j g, g the coefficient's row of M E_j.
        var gNorm = [[Double]](repeating: [], count: p)
        var aVec = [[[Double]]](repeating: [], count: p), bVec = aVec
        for rows in members {
            let nj = rows.count
            let xj = Matrix(columns: (0..<p).map { a in rows.map { x[$0, a] } })
            var g = Matrix.identity(nj)
            let xm = try xj.multiplied(by: mu)
            let xo = try xj.multiplied(by: omega)
            for r in 0..<nj {
                for c in 0..<nj {
                    var hrc = 0.0, hcr = 0.0, o = 0.0
                    for a in 0..<p {
                        hrc += xm[r, a] * xj[c, a]
                        o += xo[r, a] * xj[c, a]
                    }
                    hcr = hrc
                    // H_rc = (X_j M_U X_jᵀ)_rc w_c; Hᵀ_rc = H_cr = (X_j M_U X_jᵀ)_cr w_r.
                    g[r, c] -= hrc * w[rows[c]] + hcr * w[rows[r]] - o
                }
            }
            let root = try SymmetricEigen(g).function({ 1 / $0.squareRoot() }, keep: { $0 > 1e-12 })
            // E_j = X_jᵀ W_j A_j (p × n_j).
            var e = Matrix(rows: p, columns: nj)
            for a in 0..<p { for c in 0..<nj { var s = 0.0; for r in 0..<nj { s += xj[r, a] * w[rows[r]] * root[r, c] }; e[a, c] = s } }
            var comp = [Double](repeating: 0, count: p)
            for a in 0..<p { for c in 0..<nj { comp[a] += e[a, c] * fit.residuals[rows[c]] } }
            for a in 0..<p { for b in 0..<p { meat[a, b] += meanW * meanW * comp[a] * comp[b] } }
            let me = try m.multiplied(by: e)
            for i in 0..<p {
                let gi = (0..<nj).map { me[i, $0] }
                gNorm[i].append(gi.reduce(0) { $0 + $1 * $1 })
                aVec[i].append((0..<p).map { a in (0..<nj).reduce(0.0) { $0 + xj[$1, a] * gi[$1] } })
                bVec[i].append((0..<p).map { a in (0..<nj).reduce(0.0) { $0 + xj[$1, a] * w[rows[$1]] * gi[$1] } })
            }
        }
        let v = try m.multiplied(by: try meat.multiplied(by: m))
        var out = Matrix(rows: pAll, columns: pAll, repeating: .nan)
        for (a, ja) in est.enumerated() { for (b, jb) in est.enumerated() { out[ja, jb] = v[a, b] } }
        covariance = out
        var df = [Double](repeating: .nan, count: pAll)
        let clusters = members.count
        for (i, j) in est.enumerated() {
            // P_jk = δ_jk ‖g_j‖² + a_jᵀΩa_k − a_jᵀM_U b_k − b_jᵀM_U a_k.
            var trace = 0.0, squares = 0.0
            let ma = aVec[i].map { a in (0..<p).map { r in (0..<p).reduce(0.0) { $0 + mu[r, $1] * a[$1] } } }
            let oa = aVec[i].map { a in (0..<p).map { r in (0..<p).reduce(0.0) { $0 + omega[r, $1] * a[$1] } } }
            for r in 0..<clusters {
                for c in 0..<clusters {
                    var value = 0.0
                    for k in 0..<p {
                        value += aVec[i][r][k] * oa[c][k] - bVec[i][c][k] * ma[r][k] - bVec[i][r][k] * ma[c][k]
                    }
                    if r == c { value += gNorm[i][r]; trace += value }
                    squares += value * value
                }
            }
            df[j] = trace * trace / squares
        }
        degreesOfFreedom = df
    }

    /// An absorbed fit's CR2 is that of `lm` with the factors' dummies (clubSandwich's
    /// reference): its hat matrix is the dummies' plus the within-transformed columns', which
    /// span the same space as the raw columns and the dummies, and its coefficients and
    /// residuals are the absorbed fit's. So the covariance is computed on [X̃, D], D the
    /// dummies the rank needs (a second factor's first level, and one level per extra
    /// connected set, aliased by a pivoted QR), and read on X̃'s columns.
    static func dummies(_ absorbed: AbsorbedFactors, after columns: [[Double]]) throws -> [[Double]] {
        var d: [[Double]] = []
        for (f, groups) in absorbed.groups.enumerated() {
            for level in 0..<absorbed.levels[f] { d.append(groups.map { $0 == level ? 1 : 0 }) }
        }
        let aliased = try QRFactorization(Matrix(columns: columns + d)).isAliased
        return d.indices.filter { !aliased[columns.count + $0] }.map { d[$0] }
    }
}
