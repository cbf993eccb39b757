/* matrix_c.c — the nmf_matrix entry points from C99 (TAP output): every
 * operation through the descriptor gives the same bits as its typed wrapper
 * for all six layouts, the row index type changes nothing, a bad descriptor
 * is refused with the status and a message naming its field, the layout of
 * nmf_matrix is pinned, and nmf_run_seed is the seed of a consensus run. */
#include "nmf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#define M 8
#define N 6
#define K 2

/* The six layouts of one matrix: dense and CSC, double and float, int32
 * and int64 row indices. */
enum { DENSE_D, DENSE_F, CSC_D_I32, CSC_D_I64, CSC_F_I32, CSC_F_I64, N_LAYOUTS };
static const char *const layout_name[N_LAYOUTS] = {
    "dense_d", "dense_f", "csc_d_i32", "csc_d_i64", "csc_f_i32", "csc_f_i64"};

typedef struct {
  int64_t m, n;
  double dd[M * N];
  float df[M * N];
  int64_t col_ptr[N + 1];
  int32_t ri32[M * N];
  int64_t ri64[M * N];
  double vd[M * N];
  float vf[M * N];
} Inputs;

/* A (m x n, column-major, leading dimension m) in every layout; zeros are
 * left out of the CSC copies. */
static void make_inputs(Inputs *in, const double *A, int64_t m, int64_t n) {
  int64_t i, j, t = 0;
  in->m = m;
  in->n = n;
  in->col_ptr[0] = 0;
  for (j = 0; j < n; ++j) {
    for (i = 0; i < m; ++i) {
      const double v = A[i + j * m];
      in->dd[i + j * m] = v;
      in->df[i + j * m] = (float)v;
      if (v != 0) {
        in->ri32[t] = (int32_t)i;
        in->ri64[t] = i;
        in->vd[t] = v;
        in->vf[t] = (float)v;
        ++t;
      }
    }
    in->col_ptr[j + 1] = t;
  }
}

static nmf_matrix describe(const Inputs *in, int layout) {
  nmf_matrix a;
  switch (layout) {
    case DENSE_D:
      nmf_matrix_dense(&a, sizeof a, NMF_SCALAR_DOUBLE, in->dd, in->m, in->n, in->m);
      break;
    case DENSE_F:
      nmf_matrix_dense(&a, sizeof a, NMF_SCALAR_FLOAT, in->df, in->m, in->n, in->m);
      break;
    case CSC_D_I32:
      nmf_matrix_csc(&a, sizeof a, NMF_SCALAR_DOUBLE, NMF_INDEX_I32, in->m, in->n,
                     in->col_ptr, in->ri32, in->vd);
      break;
    case CSC_D_I64:
      nmf_matrix_csc(&a, sizeof a, NMF_SCALAR_DOUBLE, NMF_INDEX_I64, in->m, in->n,
                     in->col_ptr, in->ri64, in->vd);
      break;
    case CSC_F_I32:
      nmf_matrix_csc(&a, sizeof a, NMF_SCALAR_FLOAT, NMF_INDEX_I32, in->m, in->n,
                     in->col_ptr, in->ri32, in->vf);
      break;
    default:
      nmf_matrix_csc(&a, sizeof a, NMF_SCALAR_FLOAT, NMF_INDEX_I64, in->m, in->n,
                     in->col_ptr, in->ri64, in->vf);
      break;
  }
  return a;
}

/* The typed (deprecated) fit of the layout; W, d, H of its scalar type. */
static int32_t typed_fit(const Inputs *in, int layout, void *W, void *d, void *H,
                         const nmf_options *o, nmf_result *r) {
  switch (layout) {
    case DENSE_D:
      return nmf_fit_dense_d(in->dd, in->m, in->n, in->m, K, W, d, H, o, r);
    case DENSE_F:
      return nmf_fit_dense_f(in->df, in->m, in->n, in->m, K, W, d, H, o, r);
    case CSC_D_I32:
      return nmf_fit_csc_d_i32(in->m, in->n, in->col_ptr, in->ri32, in->vd, K, W, d, H, o, r);
    case CSC_D_I64:
      return nmf_fit_csc_d_i64(in->m, in->n, in->col_ptr, in->ri64, in->vd, K, W, d, H, o, r);
    case CSC_F_I32:
      return nmf_fit_csc_f_i32(in->m, in->n, in->col_ptr, in->ri32, in->vf, K, W, d, H, o, r);
    default:
      return nmf_fit_csc_f_i64(in->m, in->n, in->col_ptr, in->ri64, in->vf, K, W, d, H, o, r);
  }
}

static int32_t typed_symfit(const Inputs *in, int layout, void *H,
                            const nmf_options *o, nmf_symfit_result *r) {
  switch (layout) {
    case DENSE_D: return nmf_symfit_dense_d(in->dd, in->n, in->n, K, H, o, r);
    case DENSE_F: return nmf_symfit_dense_f(in->df, in->n, in->n, K, H, o, r);
    case CSC_D_I32: return nmf_symfit_csc_d_i32(in->n, in->col_ptr, in->ri32, in->vd, K, H, o, r);
    case CSC_D_I64: return nmf_symfit_csc_d_i64(in->n, in->col_ptr, in->ri64, in->vd, K, H, o, r);
    case CSC_F_I32: return nmf_symfit_csc_f_i32(in->n, in->col_ptr, in->ri32, in->vf, K, H, o, r);
    default: return nmf_symfit_csc_f_i64(in->n, in->col_ptr, in->ri64, in->vf, K, H, o, r);
  }
}

static int32_t typed_consensus(const Inputs *in, int layout, int64_t nrun,
                               const nmf_options *o, nmf_consensus **out) {
  const int64_t m = in->m, n = in->n;
  switch (layout) {
    case DENSE_D: return nmf_consensus_dense_d(in->dd, m, n, m, K, nrun, o, out);
    case DENSE_F: return nmf_consensus_dense_f(in->df, m, n, m, K, nrun, o, out);
    case CSC_D_I32: return nmf_consensus_csc_d_i32(m, n, in->col_ptr, in->ri32, in->vd, K, nrun, o, out);
    case CSC_D_I64: return nmf_consensus_csc_d_i64(m, n, in->col_ptr, in->ri64, in->vd, K, nrun, o, out);
    case CSC_F_I32: return nmf_consensus_csc_f_i32(m, n, in->col_ptr, in->ri32, in->vf, K, nrun, o, out);
    default: return nmf_consensus_csc_f_i64(m, n, in->col_ptr, in->ri64, in->vf, K, nrun, o, out);
  }
}

static int32_t typed_survey(const Inputs *in, int layout, const int64_t *ranks,
                            int64_t nr, const nmf_survey_options *so,
                            const nmf_options *o, nmf_survey **out) {
  const int64_t m = in->m, n = in->n;
  switch (layout) {
    case DENSE_D: return nmf_survey_dense_d(in->dd, m, n, m, ranks, nr, so, o, out);
    case DENSE_F: return nmf_survey_dense_f(in->df, m, n, m, ranks, nr, so, o, out);
    case CSC_D_I32: return nmf_survey_csc_d_i32(m, n, in->col_ptr, in->ri32, in->vd, ranks, nr, so, o, out);
    case CSC_D_I64: return nmf_survey_csc_d_i64(m, n, in->col_ptr, in->ri64, in->vd, ranks, nr, so, o, out);
    case CSC_F_I32: return nmf_survey_csc_f_i32(m, n, in->col_ptr, in->ri32, in->vf, ranks, nr, so, o, out);
    default: return nmf_survey_csc_f_i64(m, n, in->col_ptr, in->ri64, in->vf, ranks, nr, so, o, out);
  }
}

static int32_t typed_bicv(const Inputs *in, int layout, const int64_t *ranks,
                          int64_t nr, const nmf_options *o, double *err,
                          double *fold, int64_t *best) {
  const int64_t m = in->m, n = in->n;
  switch (layout) {
    case DENSE_D: return nmf_bicv_dense_d(in->dd, m, n, m, ranks, nr, NULL, o, err, fold, best);
    case DENSE_F: return nmf_bicv_dense_f(in->df, m, n, m, ranks, nr, NULL, o, err, fold, best);
    case CSC_D_I32: return nmf_bicv_csc_d_i32(m, n, in->col_ptr, in->ri32, in->vd, ranks, nr, NULL, o, err, fold, best);
    case CSC_D_I64: return nmf_bicv_csc_d_i64(m, n, in->col_ptr, in->ri64, in->vd, ranks, nr, NULL, o, err, fold, best);
    case CSC_F_I32: return nmf_bicv_csc_f_i32(m, n, in->col_ptr, in->ri32, in->vf, ranks, nr, NULL, o, err, fold, best);
    default: return nmf_bicv_csc_f_i64(m, n, in->col_ptr, in->ri64, in->vf, ranks, nr, NULL, o, err, fold, best);
  }
}

/* The consensus matrix, clusters, losses and best fit of a handle, as bytes
 * for comparison. */
typedef struct {
  double C[N * N];
  int32_t cluster[N];
  double loss[8];
  double W[M * K], d[K], H[K * N];
} ConsensusBits;

static void consensus_bits(const nmf_consensus *c, ConsensusBits *b) {
  memset(b, 0, sizeof *b);
  nmf_consensus_matrix(c, b->C, N);
  nmf_consensus_labels(c, b->cluster, NULL);
  nmf_consensus_runs(c, NULL, b->loss);
  nmf_consensus_best_fit(c, b->W, b->d, b->H);
}

static int message_has(const char *part) {
  return strstr(nmf_last_error_message(), part) != NULL;
}

/* splitmix64's finaliser, as nmf.h writes it, for the run-seed check. */
static uint64_t reference_run_seed(uint64_t seed, int64_t run) {
  uint64_t z = seed + (uint64_t)(run + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void test_layout(void) {
  if (sizeof(void *) != 8) return; /* pinned for LP64 */
  check(offsetof(nmf_matrix, layout) == 4 && offsetof(nmf_matrix, scalar_type) == 8 &&
            offsetof(nmf_matrix, index_type) == 12 && offsetof(nmf_matrix, m) == 16 &&
            offsetof(nmf_matrix, n) == 24 && offsetof(nmf_matrix, lda) == 32 &&
            offsetof(nmf_matrix, data) == 40 && offsetof(nmf_matrix, col_ptr) == 48 &&
            offsetof(nmf_matrix, row_ind) == 56 && offsetof(nmf_matrix, values) == 64 &&
            sizeof(nmf_matrix) == 72,
        "nmf_matrix has the pinned LP64 layout (size %u)", (unsigned)sizeof(nmf_matrix));
}

static void test_fit(const Inputs *in) {
  int layout;
  nmf_options o;
  double Wd[2][M * K], dd[2][K], Hd[2][K * N];
  nmf_options_init(&o, sizeof o);
  o.seed = 7;
  o.maxit = 60;
  for (layout = 0; layout < N_LAYOUTS; ++layout) {
    /* Buffers of doubles hold the float outputs too (the first half). */
    const nmf_matrix a = describe(in, layout);
    nmf_result r[2];
    int32_t rc[2];
    memset(Wd, 0, sizeof Wd);
    memset(dd, 0, sizeof dd);
    memset(Hd, 0, sizeof Hd);
    nmf_result_init(&r[0], sizeof r[0]);
    nmf_result_init(&r[1], sizeof r[1]);
    rc[0] = nmf_fit(&a, K, Wd[0], dd[0], Hd[0], &o, &r[0]);
    rc[1] = typed_fit(in, layout, Wd[1], dd[1], Hd[1], &o, &r[1]);
    check(rc[0] == NMF_OK && rc[1] == NMF_OK && memcmp(Wd[0], Wd[1], sizeof Wd[0]) == 0 &&
              memcmp(dd[0], dd[1], sizeof dd[0]) == 0 &&
              memcmp(Hd[0], Hd[1], sizeof Hd[0]) == 0 &&
              r[0].iterations == r[1].iterations && r[0].loss == r[1].loss &&
              r[0].iterations > 0,
          "nmf_fit %s: the same bits as the typed function (rc %d, %d)",
          layout_name[layout], (int)rc[0], (int)rc[1]);
  }
  /* The row index type is storage only: i32 and i64 give the same fit. */
  {
    const nmf_matrix a32 = describe(in, CSC_D_I32), a64 = describe(in, CSC_D_I64);
    memset(Wd, 0, sizeof Wd);
    nmf_fit(&a32, K, Wd[0], dd[0], Hd[0], &o, NULL);
    nmf_fit(&a64, K, Wd[1], dd[1], Hd[1], &o, NULL);
    check(memcmp(Wd[0], Wd[1], sizeof Wd[0]) == 0 && memcmp(Hd[0], Hd[1], sizeof Hd[0]) == 0,
          "nmf_fit: int32 and int64 row indices give the same factors");
  }
  /* Float and double descriptors really are read as their type: the float
   * fit differs from the double one in its bits but not by much. */
  {
    const nmf_matrix ad = describe(in, DENSE_D), af = describe(in, DENSE_F);
    float Wf[M * K], df[K], Hf[K * N];
    double worst = 0;
    int t;
    nmf_fit(&ad, K, Wd[0], dd[0], Hd[0], &o, NULL);
    nmf_fit(&af, K, Wf, df, Hf, &o, NULL);
    for (t = 0; t < M * K; ++t) {
      const double e = Wd[0][t] - Wf[t];
      if ((e < 0 ? -e : e) > worst) worst = e < 0 ? -e : e;
    }
    check(worst < 5e-2, "nmf_fit: the float descriptor fits the float copy (max |dW| %g)",
          worst);
  }
}

static void test_symfit(void) {
  /* A symmetric 6 x 6 matrix with two blocks (and zeros between them). */
  double S[N * N];
  Inputs *in = calloc(1, sizeof *in);
  int i, j, layout;
  nmf_options o;
  for (j = 0; j < N; ++j)
    for (i = 0; i < N; ++i)
      S[i + j * N] = ((i < 3) == (j < 3)) ? 1.0 + 0.25 * ((i + j) % 3) : 0.0;
  make_inputs(in, S, N, N);
  nmf_options_init(&o, sizeof o);
  o.seed = 3;
  o.maxit = 50;
  for (layout = 0; layout < N_LAYOUTS; ++layout) {
    const nmf_matrix a = describe(in, layout);
    double H[2][N * K];
    nmf_symfit_result r[2];
    int32_t rc[2];
    memset(H, 0, sizeof H);
    nmf_symfit_result_init(&r[0], sizeof r[0]);
    nmf_symfit_result_init(&r[1], sizeof r[1]);
    rc[0] = nmf_symfit(&a, K, H[0], &o, &r[0]);
    rc[1] = typed_symfit(in, layout, H[1], &o, &r[1]);
    check(rc[0] == NMF_OK && rc[1] == NMF_OK && memcmp(H[0], H[1], sizeof H[0]) == 0 &&
              r[0].loss == r[1].loss && r[0].iterations == r[1].iterations,
          "nmf_symfit %s: the same bits as the typed function (rc %d, %d)",
          layout_name[layout], (int)rc[0], (int)rc[1]);
  }
  free(in);
}

static void test_consensus(const Inputs *in) {
  int layout;
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.seed = 11;
  o.maxit = 40;
  for (layout = 0; layout < N_LAYOUTS; ++layout) {
    const nmf_matrix a = describe(in, layout);
    nmf_consensus *c[2] = {NULL, NULL};
    ConsensusBits *b = calloc(2, sizeof *b);
    const int32_t rc0 = nmf_consensus_fit(&a, K, 3, &o, &c[0]);
    const int32_t rc1 = typed_consensus(in, layout, 3, &o, &c[1]);
    if (c[0] && c[1]) {
      consensus_bits(c[0], &b[0]);
      consensus_bits(c[1], &b[1]);
    }
    check(rc0 == NMF_OK && rc1 == NMF_OK && c[0] && c[1] &&
              memcmp(&b[0], &b[1], sizeof b[0]) == 0 && b[0].loss[0] > 0,
          "nmf_consensus_fit %s: the same bits as the typed function",
          layout_name[layout]);
    nmf_consensus_free(c[0]);
    nmf_consensus_free(c[1]);
    free(b);
  }
}

static void test_survey(const Inputs *in) {
  int layout;
  const int64_t ranks[2] = {1, 2};
  nmf_options o;
  nmf_survey_options so;
  nmf_options_init(&o, sizeof o);
  nmf_survey_options_init(&so, sizeof so);
  o.maxit = 30;
  so.nrun = 2;
  so.randomized = 1;
  for (layout = 0; layout < N_LAYOUTS; ++layout) {
    const nmf_matrix a = describe(in, layout);
    nmf_survey *s[2] = {NULL, NULL};
    ConsensusBits *b = calloc(4, sizeof *b);
    int same = 0;
    const int32_t rc0 = nmf_survey_fit(&a, ranks, 2, &so, &o, &s[0]);
    const int32_t rc1 = typed_survey(in, layout, ranks, 2, &so, &o, &s[1]);
    if (s[0] && s[1] && nmf_survey_size(s[0]) == 2 && nmf_survey_size(s[1]) == 2) {
      int x;
      same = 1;
      for (x = 0; x < 2; ++x) { /* rank 2, data and row-permuted copy */
        consensus_bits(nmf_survey_get(s[0], 1, x), &b[0]);
        consensus_bits(nmf_survey_get(s[1], 1, x), &b[1]);
        same = same && memcmp(&b[0], &b[1], sizeof b[0]) == 0 && b[0].loss[0] > 0;
      }
    }
    check(rc0 == NMF_OK && rc1 == NMF_OK && same,
          "nmf_survey_fit %s: the same bits as the typed function", layout_name[layout]);
    nmf_survey_free(s[0]);
    nmf_survey_free(s[1]);
    free(b);
  }
}

static void test_bicv(const Inputs *in) {
  int layout;
  const int64_t ranks[2] = {1, 2};
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.maxit = 30;
  for (layout = 0; layout < N_LAYOUTS; ++layout) {
    const nmf_matrix a = describe(in, layout);
    double err[2][2], fold[2][8];
    int64_t best[2] = {-1, -2};
    int32_t rc[2];
    memset(err, 0, sizeof err);
    memset(fold, 0, sizeof fold);
    rc[0] = nmf_bicv(&a, ranks, 2, NULL, &o, err[0], fold[0], &best[0]);
    rc[1] = typed_bicv(in, layout, ranks, 2, &o, err[1], fold[1], &best[1]);
    check(rc[0] == NMF_OK && rc[1] == NMF_OK && memcmp(err[0], err[1], sizeof err[0]) == 0 &&
              memcmp(fold[0], fold[1], sizeof fold[0]) == 0 && best[0] == best[1] &&
              err[0][0] > 0,
          "nmf_bicv %s: the same bits as the typed function", layout_name[layout]);
  }
}

static void test_run_seed(const Inputs *in) {
  const nmf_matrix a = describe(in, DENSE_D);
  nmf_options o;
  nmf_consensus *c = NULL;
  nmf_consensus_info info;
  ConsensusBits b;
  double W[M * K], d[K], H[K * N];
  int64_t r;
  int same_seeds = 1;
  for (r = 0; r < 5; ++r)
    same_seeds = same_seeds && nmf_run_seed(42, r) == reference_run_seed(42, r) &&
                 nmf_run_seed(0xffffffffffffffffULL, r) ==
                     reference_run_seed(0xffffffffffffffffULL, r);
  check(same_seeds && nmf_run_seed(42, 0) != nmf_run_seed(42, 1),
        "nmf_run_seed is splitmix64(seed + (run + 1) * golden gamma), as documented");
  nmf_options_init(&o, sizeof o);
  o.seed = 5;
  o.maxit = 40;
  nmf_consensus_fit(&a, K, 4, &o, &c);
  if (!c) {
    check(0, "consensus for the run-seed check: %s", nmf_last_error_message());
    return;
  }
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  nmf_consensus_get_info(c, &info);
  consensus_bits(c, &b);
  /* Every run r is the fit with seed nmf_run_seed(seed, r): its loss is
   * the run's, and the best run's factors are the consensus's best fit. */
  {
    int all = 1;
    for (r = 0; r < 4; ++r) {
      nmf_options or_ = o;
      nmf_result res;
      nmf_result_init(&res, sizeof res);
      or_.seed = nmf_run_seed(o.seed, r);
      nmf_fit(&a, K, W, d, H, &or_, &res);
      all = all && res.loss == b.loss[r];
      if (r == info.best_run)
        all = all && memcmp(W, b.W, sizeof W) == 0 && memcmp(d, b.d, sizeof d) == 0 &&
              memcmp(H, b.H, sizeof H) == 0;
    }
    check(all, "run r of a consensus is nmf_fit with seed nmf_run_seed(seed, r) "
               "(best run %d)", (int)info.best_run);
  }
  nmf_consensus_free(c);
}

static void test_bad_descriptors(const Inputs *in) {
  double W[M * K], d[K], H[K * N], err[1];
  const int64_t ranks[1] = {1};
  nmf_matrix a;
  nmf_consensus *c = (nmf_consensus *)&a; /* must come back NULL */
  nmf_survey *s = (nmf_survey *)&a;
  int32_t rc;

  rc = nmf_fit(NULL, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_NULL_POINTER && message_has("nmf_matrix"),
        "nmf_fit: a NULL descriptor is NMF_ERR_NULL_POINTER (%s)", nmf_last_error_message());
  rc = nmf_consensus_fit(NULL, K, 2, NULL, &c);
  check(rc == NMF_ERR_NULL_POINTER && c == NULL && message_has("nmf_matrix"),
        "nmf_consensus_fit: a NULL descriptor, *out = NULL");
  rc = nmf_survey_fit(NULL, ranks, 1, NULL, NULL, &s);
  check(rc == NMF_ERR_NULL_POINTER && s == NULL && message_has("nmf_matrix"),
        "nmf_survey_fit: a NULL descriptor, *out = NULL");
  rc = nmf_bicv(NULL, ranks, 1, NULL, NULL, err, NULL, NULL);
  check(rc == NMF_ERR_NULL_POINTER && message_has("nmf_matrix"),
        "nmf_bicv: a NULL descriptor");
  rc = nmf_symfit(NULL, K, H, NULL, NULL);
  check(rc == NMF_ERR_NULL_POINTER && message_has("nmf_matrix"),
        "nmf_symfit: a NULL descriptor");

  a = describe(in, DENSE_D);
  a.struct_size = 0;
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_STRUCT_SIZE && message_has("nmf_matrix.struct_size = 0"),
        "struct_size 0 is NMF_ERR_STRUCT_SIZE (%s)", nmf_last_error_message());
  a.struct_size = (uint32_t)offsetof(nmf_matrix, values);
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_STRUCT_SIZE && message_has("nmf_matrix.struct_size"),
        "a struct_size that ends before values is NMF_ERR_STRUCT_SIZE");

  a = describe(in, DENSE_D);
  a.layout = 7;
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_INVALID_ARGUMENT && message_has("nmf_matrix.layout = 7"),
        "an unknown layout is NMF_ERR_INVALID_ARGUMENT (%s)", nmf_last_error_message());
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_INVALID_ARGUMENT && message_has("nmf_matrix.layout = 0"),
        "a zeroed descriptor is refused, not read as some layout");
  a = describe(in, DENSE_D);
  a.scalar_type = 0;
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_INVALID_ARGUMENT && message_has("nmf_matrix.scalar_type = 0"),
        "an unknown scalar_type is NMF_ERR_INVALID_ARGUMENT (%s)", nmf_last_error_message());
  a = describe(in, CSC_D_I32);
  a.index_type = 3;
  rc = nmf_consensus_fit(&a, K, 2, NULL, &c);
  check(rc == NMF_ERR_INVALID_ARGUMENT && c == NULL && message_has("nmf_matrix.index_type = 3"),
        "an unknown index_type of a CSC matrix is NMF_ERR_INVALID_ARGUMENT (%s)",
        nmf_last_error_message());
  a = describe(in, DENSE_D);
  a.index_type = 3; /* not read for a dense matrix */
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_OK, "index_type is ignored for a dense matrix");

  a = describe(in, DENSE_D);
  a.m = -2;
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_DIMENSION && message_has("nmf_matrix.m = -2"),
        "a negative m is NMF_ERR_DIMENSION (%s)", nmf_last_error_message());
  a = describe(in, CSC_F_I64);
  a.n = -1;
  rc = nmf_bicv(&a, ranks, 1, NULL, NULL, err, NULL, NULL);
  check(rc == NMF_ERR_DIMENSION && message_has("nmf_matrix.n = -1"),
        "a negative n is NMF_ERR_DIMENSION (%s)", nmf_last_error_message());
  a = describe(in, DENSE_F);
  a.lda = M - 1;
  rc = nmf_survey_fit(&a, ranks, 1, NULL, NULL, &s);
  check(rc == NMF_ERR_DIMENSION && s == NULL && message_has("nmf_matrix.lda = 7") &&
            message_has("m = 8"),
        "lda < m is NMF_ERR_DIMENSION (%s)", nmf_last_error_message());
  a = describe(in, DENSE_D);
  a.data = NULL;
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_NULL_POINTER && message_has("nmf_matrix.data"),
        "a NULL data pointer is NMF_ERR_NULL_POINTER (%s)", nmf_last_error_message());
  a = describe(in, CSC_D_I64);
  a.col_ptr = NULL;
  rc = nmf_consensus_fit(&a, K, 2, NULL, &c);
  check(rc == NMF_ERR_NULL_POINTER && c == NULL && message_has("nmf_matrix.col_ptr"),
        "a NULL col_ptr is NMF_ERR_NULL_POINTER (%s)", nmf_last_error_message());
  a = describe(in, CSC_D_I64);
  a.row_ind = NULL;
  rc = nmf_fit(&a, K, W, d, H, NULL, NULL);
  check(rc == NMF_ERR_NULL_POINTER && message_has("row_ind"),
        "a NULL row_ind is NMF_ERR_NULL_POINTER (%s)", nmf_last_error_message());
  a = describe(in, DENSE_D);
  rc = nmf_symfit(&a, K, H, NULL, NULL);
  check(rc == NMF_ERR_DIMENSION && message_has("square"),
        "nmf_symfit: a non-square matrix is NMF_ERR_DIMENSION (%s)", nmf_last_error_message());

  rc = nmf_matrix_dense(NULL, sizeof a, NMF_SCALAR_DOUBLE, in->dd, M, N, M);
  check(rc == NMF_ERR_NULL_POINTER, "nmf_matrix_dense: a NULL descriptor");
  rc = nmf_matrix_csc(&a, sizeof a - 8, NMF_SCALAR_DOUBLE, NMF_INDEX_I32, M, N,
                      in->col_ptr, in->ri32, in->vd);
  check(rc == NMF_ERR_STRUCT_SIZE, "nmf_matrix_csc: a size too small");
  check(nmf_constant("NMF_LAYOUT_CSC") == NMF_LAYOUT_CSC &&
            nmf_constant("NMF_SCALAR_FLOAT") == NMF_SCALAR_FLOAT &&
            nmf_constant("NMF_INDEX_I64") == NMF_INDEX_I64,
        "the descriptor's constants are known to nmf_constant");
}

int main(void) {
  double A[M * N];
  Inputs *in = calloc(1, sizeof *in);
  int i, j;
  /* Two planted components plus a little structure, with zeros. */
  for (j = 0; j < N; ++j)
    for (i = 0; i < M; ++i) {
      const double w1 = i < 4 ? 1.0 + 0.1 * i : 0.0, w2 = i >= 3 ? 0.5 + 0.05 * i : 0.0;
      const double h1 = j < 3 ? 1.0 : 0.2 * j, h2 = j >= 2 ? 1.0 + 0.1 * j : 0.0;
      A[i + j * M] = w1 * h1 + w2 * h2 + ((i * 7 + j * 3) % 5 == 0 ? 0.05 : 0.0);
    }
  make_inputs(in, A, M, N);
  test_layout();
  test_fit(in);
  test_symfit();
  test_consensus(in);
  test_survey(in);
  test_bicv(in);
  test_run_seed(in);
  test_bad_descriptors(in);
  free(in);
  return tap_status();
}
