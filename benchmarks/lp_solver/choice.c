/* Which LP library solves Varex's DEA programmes faster: COIN-OR Clp or GLPK.
 * The programme: input-oriented, variable returns to scale, for each of 150 units against all
 * 150 (2 inputs, 3 outputs, seeded data), one model reused with the unit's column and bounds
 * changed (a warm start), as Varex's DEA does; every unit solved REPEATS times.
 * Build and run: cc -O2 choice.c $(pkg-config --cflags --libs clp) -lglpk -o choice && ./choice
 * (Debian: coinor-libclp-dev, libglpk-dev). Prints microseconds a programme and the largest
 * difference between the two libraries' scores. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
#include <Clp_C_Interface.h>
#include <glpk.h>
#define N 150
#define M 2
#define S 3
#define REPEATS 20
static double X[N][M], Y[N][S];
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static double uniform(unsigned long long *s) { *s = *s * 6364136223846793005ULL + 1442695040888963407ULL; return ((*s >> 11) + 0.5) / 9007199254740992.0; }

static void clp_scores(double *out) {
  int rows = M + S + 1, cols = N + 1;
  int *start = malloc((cols + 1) * sizeof(int)), *index = malloc(cols * rows * sizeof(int));
  double *value = malloc(cols * rows * sizeof(double)), obj[N + 1] = {0}, cl[N + 1], cu[N + 1], rl[M + S + 1], ru[M + S + 1];
  int k = 0;
  for (int j = 0; j < cols; j++) {
    start[j] = k;
    for (int i = 0; i < M; i++) { index[k] = i; value[k++] = j == 0 ? -X[0][i] : X[j - 1][i]; }
    if (j > 0) { for (int r = 0; r < S; r++) { index[k] = M + r; value[k++] = Y[j - 1][r]; } index[k] = M + S; value[k++] = 1; }
    cl[j] = j == 0 ? -1e30 : 0; cu[j] = 1e30;
  }
  start[cols] = k; obj[0] = 1;
  for (int i = 0; i < M; i++) { rl[i] = -1e30; ru[i] = 0; }
  for (int r = 0; r < S; r++) { rl[M + r] = Y[0][r]; ru[M + r] = 1e30; }
  rl[M + S] = ru[M + S] = 1;
  Clp_Simplex *model = Clp_newModel();
  Clp_setLogLevel(model, 0);
  Clp_scaling(model, 0);            /* as Varex's SimplexSolver: unscaled, every element kept */
  Clp_setSmallElementValue(model, 0);
  Clp_loadProblem(model, cols, rows, start, index, value, cl, cu, obj, rl, ru);
  for (int o = 0; o < N; o++) {
    for (int i = 0; i < M; i++) Clp_modifyCoefficient(model, i, 0, -X[o][i], 0);
    for (int r = 0; r < S; r++) rl[M + r] = Y[o][r];
    Clp_chgRowLower(model, rl);
    Clp_dual(model, 0);
    out[o] = Clp_getObjValue(model);
  }
  Clp_deleteModel(model); free(start); free(index); free(value);
}

static void glpk_scores(double *out) {
  int rows = M + S + 1, cols = N + 1;
  glp_prob *lp = glp_create_prob();
  glp_term_out(GLP_OFF);
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_rows(lp, rows); glp_add_cols(lp, cols);
  for (int i = 1; i <= M; i++) glp_set_row_bnds(lp, i, GLP_UP, 0, 0);
  for (int r = 1; r <= S; r++) glp_set_row_bnds(lp, M + r, GLP_LO, Y[0][r - 1], 0);
  glp_set_row_bnds(lp, M + S + 1, GLP_FX, 1, 1);
  int ind[M + S + 2]; double val[M + S + 2];
  for (int j = 1; j <= cols; j++) {
    glp_set_col_bnds(lp, j, j == 1 ? GLP_FR : GLP_LO, 0, 0);
    glp_set_obj_coef(lp, j, j == 1 ? 1 : 0);
    int k = 0;
    for (int i = 0; i < M; i++) { ind[++k] = i + 1; val[k] = j == 1 ? -X[0][i] : X[j - 2][i]; }
    if (j > 1) { for (int r = 0; r < S; r++) { ind[++k] = M + r + 1; val[k] = Y[j - 2][r]; } ind[++k] = M + S + 1; val[k] = 1; }
    glp_set_mat_col(lp, j, k, ind, val);
  }
  glp_smcp parm; glp_init_smcp(&parm); parm.msg_lev = GLP_MSG_OFF; parm.meth = GLP_DUALP;
  for (int o = 0; o < N; o++) {
    int k = 0;
    for (int i = 0; i < M; i++) { ind[++k] = i + 1; val[k] = -X[o][i]; }
    glp_set_mat_col(lp, 1, k, ind, val);
    for (int r = 1; r <= S; r++) glp_set_row_bnds(lp, M + r, GLP_LO, Y[o][r - 1], 0);
    glp_simplex(lp, &parm);
    out[o] = glp_get_obj_val(lp);
  }
  glp_delete_prob(lp);
}

int main(void) {
  unsigned long long seed = 20181019;
  for (int j = 0; j < N; j++) {
    double scale = 1 + 4 * uniform(&seed), ineff = 1 + 0.5 * uniform(&seed);
    for (int r = 0; r < S; r++) Y[j][r] = scale * (0.5 + uniform(&seed));
    for (int i = 0; i < M; i++) X[j][i] = ineff * scale * (0.6 + 0.8 * uniform(&seed));
  }
  double a[N], b[N], t0 = now();
  for (int rep = 0; rep < REPEATS; rep++) clp_scores(a);
  double clp = (now() - t0) / (N * REPEATS) * 1e6;
  t0 = now();
  for (int rep = 0; rep < REPEATS; rep++) glpk_scores(b);
  double glpk = (now() - t0) / (N * REPEATS) * 1e6;
  double diff = 0; for (int o = 0; o < N; o++) diff = fmax(diff, fabs(a[o] - b[o]));
  printf("Clp %s: %.1f us a programme\nGLPK %s: %.1f us a programme\nlargest score difference %.2e\n", Clp_Version(), clp, glp_version(), glpk, diff);
  return 0;
}
