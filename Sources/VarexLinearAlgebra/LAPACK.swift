import CLAPACK

// Thin, typed wrappers over the Fortran routines declared in CLAPACK/lapack.h.
// Every call into LAPACK or BLAS in the whole project goes through this file.

@inline(__always)
func int32(_ x: Int) throws -> Int32 {
    guard let v = Int32(exactly: x) else { throw LinearAlgebraError.shape("dimension \(x) exceeds Int32") }
    return v
}

enum LAPACK {
    /// Householder QR of the m×n matrix at `a` (leading dimension `lda`) in place; returns tau.
    static func geqrf(_ a: UnsafeMutablePointer<Double>, m: Int, n: Int, lda: Int) throws -> [Double] {
        var m32 = try int32(m), n32 = try int32(n), lda32 = try int32(max(lda, 1))
        var tau = [Double](repeating: 0, count: max(min(m, n), 1))
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        dgeqrf_(&m32, &n32, a, &lda32, &tau, &query, &lwork, &info)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dgeqrf", info: info) }
        lwork = Int32(max(query, Double(max(n, 1))))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&m32, &n32, a, &lda32, &tau, &work, &lwork, &info)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dgeqrf", info: info) }
        return tau
    }

    /// C := op(Q) C, with Q given by the first `k` reflectors stored in `a` (m×k, leading dimension lda).
    static func ormqr(transpose: Bool, a: UnsafePointer<Double>, m: Int, k: Int, lda: Int,
                      tau: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>, columns: Int, ldc: Int) throws {
        var side: CChar = 76 // "L"
        var trans: CChar = transpose ? 84 : 78 // "T" / "N"
        var m32 = try int32(m), n32 = try int32(columns), k32 = try int32(k)
        var lda32 = try int32(max(lda, 1)), ldc32 = try int32(max(ldc, 1))
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        dormqr_(&side, &trans, &m32, &n32, &k32, a, &lda32, tau, c, &ldc32, &query, &lwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dormqr", info: info) }
        lwork = Int32(max(query, Double(max(columns, 1))))
        var work = [Double](repeating: 0, count: Int(lwork))
        dormqr_(&side, &trans, &m32, &n32, &k32, a, &lda32, tau, c, &ldc32, &work, &lwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dormqr", info: info) }
    }

    /// Solves op(R) X = B for upper-triangular R (n×n at `r`, leading dimension ldr), B n×nrhs in place.
    static func trtrs(transpose: Bool, r: UnsafePointer<Double>, n: Int, ldr: Int,
                      b: UnsafeMutablePointer<Double>, nrhs: Int, ldb: Int) throws {
        guard n > 0, nrhs > 0 else { return }
        var uplo: CChar = 85 // "U"
        var trans: CChar = transpose ? 84 : 78
        var diag: CChar = 78 // "N"
        var n32 = try int32(n), nrhs32 = try int32(nrhs), ldr32 = try int32(ldr), ldb32 = try int32(ldb)
        var info: Int32 = 0
        dtrtrs_(&uplo, &trans, &diag, &n32, &nrhs32, r, &ldr32, b, &ldb32, &info, 1, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dtrtrs", info: info) }
    }

    /// Inverts the upper-triangular n×n matrix at `a` in place.
    static func trtri(_ a: UnsafeMutablePointer<Double>, n: Int, lda: Int) throws {
        guard n > 0 else { return }
        var uplo: CChar = 85, diag: CChar = 78
        var n32 = try int32(n), lda32 = try int32(lda)
        var info: Int32 = 0
        dtrtri_(&uplo, &diag, &n32, a, &lda32, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dtrtri", info: info) }
    }

    /// Estimate of the reciprocal 1-norm condition number of an upper-triangular matrix.
    static func trcon(_ a: UnsafePointer<Double>, n: Int, lda: Int) throws -> Double {
        guard n > 0 else { return 1 }
        var norm: CChar = 49 /* "1" */, uplo: CChar = 85, diag: CChar = 78
        var n32 = try int32(n), lda32 = try int32(lda)
        var rcond = 0.0
        var work = [Double](repeating: 0, count: 3 * n)
        var iwork = [Int32](repeating: 0, count: n)
        var info: Int32 = 0
        dtrcon_(&norm, &uplo, &diag, &n32, a, &lda32, &rcond, &work, &iwork, &info, 1, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dtrcon", info: info) }
        return rcond
    }

    /// C := alpha op(A) op(B) + beta C.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                     a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                     beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) throws {
        guard m > 0, n > 0 else { return }
        var ta: CChar = transA ? 84 : 78, tb: CChar = transB ? 84 : 78
        var m32 = try int32(m), n32 = try int32(n), k32 = try int32(k)
        var lda32 = try int32(max(lda, 1)), ldb32 = try int32(max(ldb, 1)), ldc32 = try int32(max(ldc, 1))
        var al = alpha, be = beta
        dgemm_(&ta, &tb, &m32, &n32, &k32, &al, a, &lda32, b, &ldb32, &be, c, &ldc32, 1, 1)
    }

    /// B := B op(R) (side right) or op(R) B (side left) for upper-triangular R.
    static func trmm(left: Bool, transpose: Bool, m: Int, n: Int, r: UnsafePointer<Double>, ldr: Int,
                     b: UnsafeMutablePointer<Double>, ldb: Int) throws {
        guard m > 0, n > 0 else { return }
        var side: CChar = left ? 76 : 82, uplo: CChar = 85, ta: CChar = transpose ? 84 : 78, diag: CChar = 78
        var m32 = try int32(m), n32 = try int32(n), ldr32 = try int32(ldr), ldb32 = try int32(ldb)
        var one = 1.0
        dtrmm_(&side, &uplo, &ta, &diag, &m32, &n32, &one, r, &ldr32, b, &ldb32, 1, 1, 1, 1)
    }

    /// Solves A X = B for symmetric positive-definite A (n×n, overwritten by its Cholesky
    /// factor); B (n×nrhs) is overwritten by X. Throws when A is not positive definite.
    static func posv(_ a: UnsafeMutablePointer<Double>, n: Int, b: UnsafeMutablePointer<Double>, nrhs: Int) throws {
        guard n > 0, nrhs > 0 else { return }
        var uplo: CChar = 85
        var n32 = try int32(n), nrhs32 = try int32(nrhs)
        var info: Int32 = 0
        dpotrf_(&uplo, &n32, a, &n32, &info, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dpotrf", info: info) }
        dpotrs_(&uplo, &n32, &nrhs32, a, &n32, b, &n32, &info, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dpotrs", info: info) }
    }

    /// C := alpha AᵀA + beta C (upper triangle), A m×k at `a`, C k×k.
    static func syrkTransposed(k: Int, m: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                               beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) throws {
        guard k > 0, m > 0 else { return }
        var uplo: CChar = 85, trans: CChar = 84
        var n32 = try int32(k), k32 = try int32(m), lda32 = try int32(lda), ldc32 = try int32(ldc)
        var al = alpha, be = beta
        dsyrk_(&uplo, &trans, &n32, &k32, &al, a, &lda32, &be, c, &ldc32, 1, 1)
    }

    /// B := B R⁻¹ for upper-triangular R (n×n), B m×n.
    static func trsmRightUpper(m: Int, n: Int, r: UnsafePointer<Double>, ldr: Int,
                               b: UnsafeMutablePointer<Double>, ldb: Int) throws {
        guard m > 0, n > 0 else { return }
        var side: CChar = 82, uplo: CChar = 85, ta: CChar = 78, diag: CChar = 78
        var m32 = try int32(m), n32 = try int32(n), ldr32 = try int32(ldr), ldb32 = try int32(ldb)
        var one = 1.0
        dtrsm_(&side, &uplo, &ta, &diag, &m32, &n32, &one, r, &ldr32, b, &ldb32, 1, 1, 1, 1)
    }

    /// Cholesky factor (upper) of the symmetric positive-definite n×n matrix in place; returns
    /// false when it is not positive definite.
    static func potrf(_ a: UnsafeMutablePointer<Double>, n: Int, lda: Int) throws -> Bool {
        guard n > 0 else { return true }
        var uplo: CChar = 85
        var n32 = try int32(n), lda32 = try int32(lda)
        var info: Int32 = 0
        dpotrf_(&uplo, &n32, a, &lda32, &info, 1)
        guard info >= 0 else { throw LinearAlgebraError.lapack(routine: "dpotrf", info: info) }
        return info == 0
    }

    /// Eigenvalues (ascending) and, overwriting `a` when `vectors`, orthonormal eigenvectors of
    /// the symmetric n×n matrix at `a` (upper triangle read).
    static func syev(_ a: UnsafeMutablePointer<Double>, n: Int, lda: Int, vectors: Bool = true) throws -> [Double] {
        guard n > 0 else { return [] }
        var jobz: CChar = vectors ? 86 /* "V" */ : 78 /* "N" */, uplo: CChar = 85
        var n32 = try int32(n), lda32 = try int32(lda)
        var w = [Double](repeating: 0, count: n)
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        dsyev_(&jobz, &uplo, &n32, a, &lda32, &w, &query, &lwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dsyev", info: info) }
        lwork = Int32(max(query, Double(3 * n)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dsyev_(&jobz, &uplo, &n32, a, &lda32, &w, &work, &lwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(routine: "dsyev", info: info) }
        return w
    }
}
