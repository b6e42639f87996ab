import VarexLinearAlgebra

/// The CR2 covariance and Satterthwaite df of a fit read in blocks: ``BellMcCaffrey``'s
/// estimator (clubSandwich's CR2 for lm, weighted or not) from per-cluster sums of one more
/// pass, without a cluster's rows or its n_j × n_j hat block.
///
/// A cluster's G = I − H − Hᵀ + XΩXᵀ (H = XM_UXᵀW̃) is the identity outside the span of its X
/// and W̃X, and maps that span into itself. So with B = [X, W̃X], its Gram matrix
/// Γ = BᵀB = [[S₀, S₁], [S₁, S₂]] (S_k = XᵀW̃ᵏX) and an orthonormal basis Q = B T of the span
/// (T from Γ's eigenvectors, dropping those it does not need), G = Q G_Q Qᵀ + (I − QQᵀ),
/// G_Q = Tᵀ(BᵀGB)T, and A = G^(-1/2) = I + Q (G_Q^(-1/2) − I) Qᵀ. Every product the estimator
/// needs (XᵀW̃Ae, XᵀAW̃X, XᵀW̃AW̃X, XᵀW̃A²W̃X) is then a p × p function of S₀, S₁, S₂, Xᵀe and
/// XᵀW̃e, summed per cluster in one pass: memory 3p² + 2p numbers per cluster, not its rows.
/// The df's sum over pairs of clusters, ‖[a b] K [a b]ᵀ + diag(n)‖²_F, is taken through the
/// 2p × 2p matrix Z = [a b]ᵀ[a b] instead of the G × G matrix.
public struct StreamingCR2: Sendable {
    /// The covariance, p × p.
    public let covariance: Matrix
    /// Each coefficient's Satterthwaite df.
    public let degreesOfFreedom: [Double]
    /// The number of clusters.
    public let clusterCount: Int

    /// One cluster's sums: S₀ = XᵀX, S₁ = XᵀWX, S₂ = XᵀW²X (raw weights), t₀ = Xᵀe, t₁ = XᵀWe.
    struct Sums {
        var s0, s1, s2: Matrix
        var t0, t1: [Double]
        init(_ p: Int) {
            s0 = Matrix(rows: p, columns: p); s1 = s0; s2 = s0
            t0 = [Double](repeating: 0, count: p); t1 = t0
        }

        /// Adds a row x with weight w and residual e.
        mutating func add(_ x: [Double], weight w: Double, residual e: Double) {
            let p = x.count
            for a in 0..<p {
                guard x[a] != 0 else { continue }
                t0[a] += x[a] * e
                t1[a] += w * x[a] * e
                for b in 0..<p {
                    let v = x[a] * x[b]
                    s0[a, b] += v; s1[a, b] += w * v; s2[a, b] += w * w * v
                }
            }
        }
    }

    init(fit: StreamingFit, open: () throws -> CSVBlockReader) throws {
        guard fit.clusters.count == 1 else { throw ModelError.cr2NeedsOneCluster }
        let p = fit.p
        var sums: [String: Sums] = [:]
        var totalWeight = 0.0, rows = 0
        try fit.eachBlock(open: open, pass: "CR2 pass") { _, design in
            let m = design.y.count
            let labels = design.clusters[0].labels
            for i in 0..<m {
                var fitted: Extended = 0
                for j in 0..<p { fitted += design.x[i, j] * Extended(fit.coefficients[j]) }
                let e = Double(design.y[i] - fitted)
                let w = design.weights.map { Double($0[i]) } ?? 1
                totalWeight += w
                rows += 1
                var s = sums[labels[i]] ?? Sums(p)
                s.add((0..<p).map { Double(design.x[i, $0]) }, weight: w, residual: e)
                sums[labels[i]] = s
            }
        }
        guard sums.count >= 2 else { throw ModelError.oneCluster(column: fit.clusters[0], rows: fit.n) }
        // In the clusters' sorted order, so the sums' last bits do not change from run to run.
        let r = try Self.compute(clusters: sums.keys.sorted().map { sums[$0]! }, p: p, meanWeight: totalWeight / Double(rows))
        covariance = r.covariance
        degreesOfFreedom = r.degreesOfFreedom
        clusterCount = sums.count
    }

    /// The covariance and df from each cluster's sums (raw weights; `meanWeight` their mean
    /// over the rows used): what a fit in memory (``BellMcCaffrey``) and in blocks share. The df
    /// of the first `reported` coefficients only (an absorbed fit's dummies need none).
    static func compute(clusters: [Sums], p: Int, meanWeight meanW: Double, reported: Int? = nil) throws -> (covariance: Matrix, degreesOfFreedom: [Double]) {
        // M_U = (XᵀW̃X)⁻¹ in the weights over their mean, Ω = M_U (XᵀW̃²X) M_U, M = M_U / mean(w).
        var sw1 = Matrix(rows: p, columns: p), sw2 = sw1
        for s in clusters { for k in 0..<(p * p) { sw1.storage[k] += s.s1.storage[k] / meanW; sw2.storage[k] += s.s2.storage[k] / (meanW * meanW) } }
        let mu = try Cholesky(sw1).solve(Matrix.identity(p))
        let omega = try mu.multiplied(by: try sw2.multiplied(by: mu))
        let m = Matrix(rows: p, columns: p, columnMajor: mu.storage.map { $0 / meanW })
        var meat = Matrix(rows: p, columns: p)
        var c1: [Matrix] = [], c2: [Matrix] = [], c3: [Matrix] = []
        for raw in clusters {
            let s1 = Matrix(rows: p, columns: p, columnMajor: raw.s1.storage.map { $0 / meanW })
            let s2 = Matrix(rows: p, columns: p, columnMajor: raw.s2.storage.map { $0 / (meanW * meanW) })
            let cluster = try Self.cluster(s0: raw.s0, s1: s1, s2: s2, t0: raw.t0, t1: raw.t1.map { $0 / meanW }, mu: mu, omega: omega)
            for a in 0..<p { for b in 0..<p { meat[a, b] += meanW * meanW * cluster.comp[a] * cluster.comp[b] } }
            c1.append(cluster.xAWX); c2.append(cluster.xWAWX); c3.append(cluster.xWA2WX)
        }
        let covariance = try m.multiplied(by: try meat.multiplied(by: m))
        let df = (0..<(reported ?? p)).map { i in
            let mi = (0..<p).map { m[$0, i] }
            return Self.satterthwaite(a: c1.map { $0.times(mi) }, b: c2.map { $0.times(mi) },
                                      norms: c3.map { c in zip(mi, c.times(mi)).reduce(0) { $0 + $1.0 * $1.1 } }, mu: mu, omega: omega)
        }
        return (covariance, df)
    }

    /// One cluster's XᵀW̃Ae and the three p × p products the df needs.
    static func cluster(s0: Matrix, s1: Matrix, s2: Matrix, t0: [Double], t1: [Double], mu: Matrix, omega: Matrix) throws
        -> (comp: [Double], xAWX: Matrix, xWAWX: Matrix, xWA2WX: Matrix) {
        let p = s0.rows
        // px = BᵀX = [S₀; S₁], pw = BᵀW̃X = [S₁; S₂] (2p × p); Γ = [px pw].
        let px = stack(s0, s1), pw = stack(s1, s2)
        let gram = Matrix(columns: (0..<p).map { j in (0..<(2 * p)).map { px[$0, j] } } + (0..<p).map { j in (0..<(2 * p)).map { pw[$0, j] } })
        let eig = try SymmetricEigen(gram)
        let top = eig.values.last ?? 0
        let kept = eig.values.indices.filter { eig.values[$0] > 1e-12 * top }
        // T = V_k Σ_k^(-1/2): Q = B T is orthonormal.
        let t = Matrix(columns: kept.map { k in (0..<(2 * p)).map { eig.vectors[$0, k] / eig.values[k].squareRoot() } })
        // BᵀGB = Γ − px M_U pwᵀ − pw M_U pxᵀ + px Ω pxᵀ.
        let pxM = try px.multiplied(by: mu), pwM = try pw.multiplied(by: mu)
        let bgb = gram.minus(try pxM.multiplied(by: pw, transposeOther: true)).minus(try pwM.multiplied(by: px, transposeOther: true))
            .plus(try (try px.multiplied(by: omega)).multiplied(by: px, transposeOther: true))
        let gq = try t.multiplied(by: try bgb.multiplied(by: t), transposeSelf: true)
        let geig = try SymmetricEigen(gq)
        let k = kept.count
        // D = G_Q^(-1/2) − I and D₂ = G_Q^(-1) − I over eigenvalues above 1e-12 (zero beyond:
        // clubSandwich's matrix_power); G_Q is O(1), so absolute as clubSandwich's.
        let f = geig.values.map { $0 > 1e-12 ? 1 / $0.squareRoot() : 0 }
        var vf = geig.vectors, vf2 = geig.vectors
        for c in 0..<k { for r in 0..<k { vf[r, c] *= f[c]; vf2[r, c] *= f[c] * f[c] } }
        var d = try vf.multiplied(by: geig.vectors, transposeOther: true)
        var d2 = try vf2.multiplied(by: geig.vectors, transposeOther: true)
        for r in 0..<k { d[r, r] -= 1; d2[r, r] -= 1 }
        let pwT = try pw.multiplied(by: t, transposeSelf: true)   // XᵀW̃Q (p × k)
        let pxT = try px.multiplied(by: t, transposeSelf: true)   // XᵀQ
        let tt = t0 + t1
        let qe = (0..<k).map { c in (0..<(2 * p)).reduce(0.0) { $0 + t[$1, c] * tt[$1] } }   // Qᵀe = Tᵀ[t₀; t₁]
        var comp = t1
        let dqe = d.times(qe)
        for a in 0..<p { for c in 0..<k { comp[a] += pwT[a, c] * dqe[c] } }
        // QᵀW̃X = pwTᵀ.
        let xAWX = s1.plus(try pxT.multiplied(by: try d.multiplied(by: pwT, transposeOther: true)))
        let xWAWX = s2.plus(try pwT.multiplied(by: try d.multiplied(by: pwT, transposeOther: true)))
        let xWA2WX = s2.plus(try pwT.multiplied(by: try d2.multiplied(by: pwT, transposeOther: true)))
        return (comp, xAWX, xWAWX, xWA2WX)
    }

    /// (tr P)² / ‖P‖²_F for P = diag(norms) + a Ω aᵀ − a M_U bᵀ − b M_U aᵀ (a, b: a row per
    /// cluster), the sum of squares through Z = [a b]ᵀ[a b] and K = [[Ω, −M_U], [−M_U, 0]].
    static func satterthwaite(a: [[Double]], b: [[Double]], norms: [Double], mu: Matrix, omega: Matrix) -> Double {
        let p = mu.rows, q = 2 * p
        var kMat = Matrix(rows: q, columns: q)
        for r in 0..<p { for c in 0..<p { kMat[r, c] = omega[r, c]; kMat[r, p + c] = -mu[r, c]; kMat[p + r, c] = -mu[r, c] } }
        var z = Matrix(rows: q, columns: q)
        var trace = 0.0, cross = 0.0, diagonal = 0.0
        for j in a.indices {
            let u = a[j] + b[j]
            for r in 0..<q where u[r] != 0 { for c in 0..<q { z[r, c] += u[r] * u[c] } }
            let ku = kMat.times(u)
            let v = zip(u, ku).reduce(0) { $0 + $1.0 * $1.1 }   // P_jj less the norm
            trace += norms[j] + v
            cross += norms[j] * v
            diagonal += norms[j] * norms[j]
        }
        // ‖V‖² = tr(K Z K Z).
        let kz = (try? kMat.multiplied(by: z)) ?? Matrix(rows: q, columns: q)
        var ss = 0.0
        for r in 0..<q { for c in 0..<q { ss += kz[r, c] * kz[c, r] } }
        return trace * trace / (ss + 2 * cross + diagonal)
    }

    static func stack(_ top: Matrix, _ bottom: Matrix) -> Matrix {
        Matrix(columns: (0..<top.columns).map { j in (0..<top.rows).map { top[$0, j] } + (0..<bottom.rows).map { bottom[$0, j] } })
    }
}

extension StreamingFit {
    /// CR2 (``StreamingCR2``) from one more pass over the file.
    public func cr2(open: () throws -> CSVBlockReader) throws -> StreamingCR2 { try StreamingCR2(fit: self, open: open) }
}

private extension Matrix {
    func times(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: rows)
        for c in 0..<columns where v[c] != 0 { let x = v[c]; for r in 0..<rows { out[r] += self[r, c] * x } }
        return out
    }
    func plus(_ o: Matrix) -> Matrix { Matrix(rows: rows, columns: columns, columnMajor: zip(storage, o.storage).map { $0 + $1 }) }
    func minus(_ o: Matrix) -> Matrix { Matrix(rows: rows, columns: columns, columnMajor: zip(storage, o.storage).map { $0 - $1 }) }
}
