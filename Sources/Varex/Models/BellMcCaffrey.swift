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
/// clusters' covariance of the terms of its variance under the working model. Both are computed
/// from per-cluster sums (``StreamingCR2``, shared with a fit read in blocks): time O(n p²) and
/// memory O(G p²), not a cluster's n_j × n_j block (a council of 10,000 person-rows would need
/// 800 MB) nor the G × G pairs of clusters for the df.
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
        // Each cluster's sums (``StreamingCR2``): its adjustment acts on the span of its X and
        // WX only, so p × p sums stand for its n_j × n_j block of the hat matrix.
        var index: [String: Int] = [:]
        var sums: [StreamingCR2.Sums] = []
        var totalWeight = 0.0
        for (i, l) in labels.enumerated() {
            let g: Int
            if let k = index[l] { g = k } else { g = sums.count; index[l] = g; sums.append(StreamingCR2.Sums(p)) }
            let w = fit.weight(i)
            totalWeight += w
            sums[g].add((0..<p).map { columns[$0][i] }, weight: w, residual: fit.residuals[i])
        }
        let r = try StreamingCR2.compute(clusters: index.keys.sorted().map { sums[index[$0]!] }, p: p, meanWeight: totalWeight / Double(n),
                                         reported: est.count)
        var out = Matrix(rows: pAll, columns: pAll, repeating: .nan)
        for (a, ja) in est.enumerated() { for (b, jb) in est.enumerated() { out[ja, jb] = r.covariance[a, b] } }
        covariance = out
        var df = [Double](repeating: .nan, count: pAll)
        for (i, j) in est.enumerated() { df[j] = r.degreesOfFreedom[i] }
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
