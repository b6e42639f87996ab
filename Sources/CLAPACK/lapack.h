// The Fortran LAPACK/BLAS symbols Varex uses, declared by hand (Fortran calling convention:
// every argument by pointer, 32-bit integers, column-major matrices, and a hidden trailing
// length argument for every character argument).
#ifndef VAREX_LAPACK_H
#define VAREX_LAPACK_H
#include <stddef.h>
#include <stdint.h>

// QR factorisation (Householder, blocked) and application of Q.
void dgeqrf_(const int32_t *m, const int32_t *n, double *a, const int32_t *lda,
             double *tau, double *work, const int32_t *lwork, int32_t *info);
void dormqr_(const char *side, const char *trans, const int32_t *m, const int32_t *n,
             const int32_t *k, const double *a, const int32_t *lda, const double *tau,
             double *c, const int32_t *ldc, double *work, const int32_t *lwork, int32_t *info,
             size_t side_len, size_t trans_len);
// Triangular solves and inverse, condition estimate.
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int32_t *n,
             const int32_t *nrhs, const double *a, const int32_t *lda, double *b,
             const int32_t *ldb, int32_t *info, size_t uplo_len, size_t trans_len, size_t diag_len);
void dtrtri_(const char *uplo, const char *diag, const int32_t *n, double *a,
             const int32_t *lda, int32_t *info, size_t uplo_len, size_t diag_len);
void dtrcon_(const char *norm, const char *uplo, const char *diag, const int32_t *n,
             const double *a, const int32_t *lda, double *rcond, double *work, int32_t *iwork,
             int32_t *info, size_t norm_len, size_t uplo_len, size_t diag_len);
// Cholesky factorisation and solve of a symmetric positive-definite matrix.
void dpotrf_(const char *uplo, const int32_t *n, double *a, const int32_t *lda, int32_t *info,
             size_t uplo_len);
void dpotrs_(const char *uplo, const int32_t *n, const int32_t *nrhs, const double *a,
             const int32_t *lda, double *b, const int32_t *ldb, int32_t *info, size_t uplo_len);
// Eigen-decomposition of a symmetric matrix (eigenvalues ascending, vectors in place).
void dsyev_(const char *jobz, const char *uplo, const int32_t *n, double *a, const int32_t *lda,
            double *w, double *work, const int32_t *lwork, int32_t *info,
            size_t jobz_len, size_t uplo_len);
// BLAS 3.
void dgemm_(const char *transa, const char *transb, const int32_t *m, const int32_t *n,
            const int32_t *k, const double *alpha, const double *a, const int32_t *lda,
            const double *b, const int32_t *ldb, const double *beta, double *c,
            const int32_t *ldc, size_t transa_len, size_t transb_len);
void dsyrk_(const char *uplo, const char *trans, const int32_t *n, const int32_t *k,
            const double *alpha, const double *a, const int32_t *lda, const double *beta,
            double *c, const int32_t *ldc, size_t uplo_len, size_t trans_len);
void dtrsm_(const char *side, const char *uplo, const char *transa, const char *diag,
            const int32_t *m, const int32_t *n, const double *alpha, const double *a,
            const int32_t *lda, double *b, const int32_t *ldb,
            size_t side_len, size_t uplo_len, size_t transa_len, size_t diag_len);
void dtrmm_(const char *side, const char *uplo, const char *transa, const char *diag,
            const int32_t *m, const int32_t *n, const double *alpha, const double *a,
            const int32_t *lda, double *b, const int32_t *ldb,
            size_t side_len, size_t uplo_len, size_t transa_len, size_t diag_len);
#endif
