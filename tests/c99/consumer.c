/*
 * consumer.c — proves the C ABI from a plain C99 program that sees only
 * nmf.h.  Every check prints one TAP line ("ok N - ..." / "not ok N - ...");
 * the program exits non-zero if any check fails.
 *
 * What it asserts (DESIGN.md §3 and §5):
 *   - version macros agree with the library actually loaded;
 *   - nmf_constant() agrees with the macros, nmf_strerror() covers every code;
 *   - the struct layout is pinned (fields only ever appended) and the
 *     struct_size protocol works: a smaller "older header" struct is honoured;
 *   - every documented error path returns its code and a per-thread message
 *     that names the problem;
 *   - a fit of a planted rank-3 matrix is canonical and accurate, identical
 *     with NULL opts / defaults, 1 / 2 threads, dense / CSC;
 *   - the progress callback sees every iteration and can cancel cleanly.
 */
#define _POSIX_C_SOURCE 200809L

#include "nmf.h"
#include "tap.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ TAP helpers */

static void diag(const char *fmt, ...) {
  va_list ap;
  printf("# ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

/* Case-insensitive substring search. */
static int contains_ci(const char *hay, const char *needle) {
  size_t i, j, nh = strlen(hay), nn = strlen(needle);
  if (nn == 0) return 1;
  for (i = 0; i + nn <= nh; ++i) {
    for (j = 0; j < nn; ++j)
      if (tolower((unsigned char)hay[i + j]) !=
          tolower((unsigned char)needle[j]))
        break;
    if (j == nn) return 1;
  }
  return 0;
}

/* needles is "a|b|c": true if hay contains any alternative (ignoring case). */
static int contains_any_ci(const char *hay, const char *needles) {
  char buf[256];
  char *tok, *save = NULL;
  strncpy(buf, needles, sizeof buf - 1);
  buf[sizeof buf - 1] = '\0';
  for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
    if (contains_ci(hay, tok)) return 1;
  return 0;
}

/* True if hay contains word as a whole identifier (case-sensitive): the
 * characters around it are not letters, digits or '_'.  Used for one-letter
 * names such as "A", "W", "k" where a plain substring test proves nothing. */
static int contains_word(const char *hay, const char *word) {
  size_t nw = strlen(word);
  const char *p = hay;
  while ((p = strstr(p, word)) != NULL) {
    int before = (p == hay) || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
    int after = !(isalnum((unsigned char)p[nw]) || p[nw] == '_');
    if (before && after) return 1;
    ++p;
  }
  return 0;
}

/* Check that a call failed with `want`, and that the thread's message is
 * non-empty and names the problem: it must contain one of the
 * '|'-separated `needles` (ignoring case) and, if `word` is not NULL, the
 * identifier `word` as a whole word. */
static void expect_error(int32_t got, int32_t want, const char *needles,
                         const char *word, const char *what) {
  const char *msg = nmf_last_error_message();
  int code_ok = (got == want);
  int msg_ok = msg != NULL && msg[0] != '\0' &&
               (needles == NULL || contains_any_ci(msg, needles)) &&
               (word == NULL || contains_word(msg, word));
  check(code_ok, "%s returns %d (got %d)", what, (int)want, (int)got);
  check(msg_ok, "%s: message names the problem (%s%s%s): \"%s\"", what,
        needles ? needles : "", word ? " + word " : "", word ? word : "",
        msg ? msg : "(null)");
}

/* ------------------------------------------------------------ test data */

enum { M = 30, N = 20, K = 3 };

/* Planted A = W0 * H0 (M x N, rank K), column-major, with exact zeros and
 * anchor rows/columns so that the NMF is unique up to scaling/permutation. */
static double A[M * N];
static double W0[M * K];
static double H0[K * N];

static double lcg_uniform(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0; /* [0, 1) */
}

static void make_planted(void) {
  uint64_t s = 12345;
  int i, j, r;
  for (r = 0; r < K; ++r)
    for (i = 0; i < M; ++i) {
      double u = lcg_uniform(&s);
      W0[i + r * M] = (i < K) ? (i == r ? 1.0 : 0.0) : (u < 0.3 ? 0.0 : u);
    }
  for (j = 0; j < N; ++j)
    for (r = 0; r < K; ++r) {
      double u = lcg_uniform(&s);
      H0[r + j * K] = (j < K) ? (j == r ? 1.0 : 0.0) : (u < 0.3 ? 0.0 : u);
    }
  for (j = 0; j < N; ++j)
    for (i = 0; i < M; ++i) {
      double a = 0.0;
      for (r = 0; r < K; ++r) a += W0[i + r * M] * H0[r + j * K];
      A[i + j * M] = a;
    }
}

/* CSC copy of a column-major m x n matrix (structural zeros dropped). */
typedef struct {
  int64_t col_ptr[N + 1];
  int32_t row32[M * N];
  int64_t row64[M * N];
  double val[M * N];
  float valf[M * N];
  int64_t nnz;
} csc_t;

static void to_csc(const double *a, int64_t m, int64_t n, csc_t *c) {
  int64_t i, j, p = 0;
  c->col_ptr[0] = 0;
  for (j = 0; j < n; ++j) {
    for (i = 0; i < m; ++i)
      if (a[i + j * m] != 0.0) {
        c->row32[p] = (int32_t)i;
        c->row64[p] = i;
        c->val[p] = a[i + j * m];
        c->valf[p] = (float)a[i + j * m];
        ++p;
      }
    c->col_ptr[j + 1] = p;
  }
  c->nnz = p;
}

/* ||A - W diag(d) H||_F / ||A||_F computed naively in double (d may be NULL
 * for "already multiplied into H"). */
static double reference_rel_error(const double *a, int64_t m, int64_t n,
                                  int64_t k, const double *w, const double *d,
                                  const double *h) {
  double num = 0.0, den = 0.0;
  int64_t i, j, r;
  for (j = 0; j < n; ++j)
    for (i = 0; i < m; ++i) {
      double x = 0.0, e;
      for (r = 0; r < k; ++r) x += w[i + r * m] * (d ? d[r] : 1.0) * h[r + j * k];
      e = a[i + j * m] - x;
      num += e * e;
      den += a[i + j * m] * a[i + j * m];
    }
  return sqrt(num) / sqrt(den);
}

static int all_finite_nonneg(const double *x, int64_t len) {
  int64_t i;
  for (i = 0; i < len; ++i)
    if (!(x[i] >= 0.0) || !isfinite(x[i])) return 0;
  return 1;
}

/* Canonical form: W's columns and H's rows sum to 1 (or are all zero with
 * d = 0), d non-negative and non-increasing. */
static int is_canonical(const double *w, const double *d, const double *h,
                        int64_t m, int64_t n, int64_t k, double tol) {
  int64_t i, j, r;
  for (r = 0; r < k; ++r) {
    double sw = 0.0, sh = 0.0;
    for (i = 0; i < m; ++i) sw += w[i + r * m];
    for (j = 0; j < n; ++j) sh += h[r + j * k];
    if (d[r] == 0.0) {
      if (sw != 0.0 && fabs(sw - 1.0) > tol) return 0;
    } else if (fabs(sw - 1.0) > tol || fabs(sh - 1.0) > tol) {
      return 0;
    }
    if (!(d[r] >= 0.0) || (r > 0 && d[r] > d[r - 1])) return 0;
  }
  return 1;
}

static double max_abs_diff(const double *x, const double *y, int64_t len) {
  double mx = 0.0;
  int64_t i;
  for (i = 0; i < len; ++i)
    if (fabs(x[i] - y[i]) > mx) mx = fabs(x[i] - y[i]);
  return mx;
}

/* ------------------------------------------------------------- sections */

static void test_version(void) {
  char buf[64];
  snprintf(buf, sizeof buf, "%d.%d.%d", NMF_VERSION_MAJOR, NMF_VERSION_MINOR,
           NMF_VERSION_PATCH);
  check(nmf_version_number() == NMF_VERSION_NUMBER,
        "nmf_version_number() == NMF_VERSION_NUMBER (%d vs %d)",
        (int)nmf_version_number(), (int)NMF_VERSION_NUMBER);
  check(nmf_version() != NULL && strcmp(nmf_version(), buf) == 0,
        "nmf_version() == \"%s\" (got \"%s\")", buf,
        nmf_version() ? nmf_version() : "(null)");
}

/* The SIMD variant named is the one the dispatch rule gives on this CPU:
 * the first of avx512f, avx2 the CPU supports, else the portable copy; a
 * build without run-time dispatch (other than x86-64 Linux with GCC/Clang)
 * names only the portable copy. */
static void test_simd_path(void) {
  const char *p = nmf_simd_path();
  const char *want = "default";
  int dispatch = 0;
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__)
  dispatch = 1;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    want = "avx512f";
  else if (__builtin_cpu_supports("avx2"))
    want = "avx2";
#endif
  diag("SIMD path \"%s\"", p ? p : "(null)");
  check(p != NULL && (strcmp(p, want) == 0 ||
                      (dispatch && strcmp(p, "default") == 0)),
        "nmf_simd_path() is \"%s\"%s (got \"%s\")", want,
        dispatch ? " or \"default\" (a build without dispatch)" : "",
        p ? p : "(null)");
  check(p != NULL && nmf_simd_path() == p,
        "nmf_simd_path() returns the same static string on every call");
}

#define CONSTANT(name) {#name, name}
static const struct {
  const char *name;
  int32_t value;
} constants[] = {
    CONSTANT(NMF_OK),
    CONSTANT(NMF_CANCELLED),
    CONSTANT(NMF_ERR_NULL_POINTER),
    CONSTANT(NMF_ERR_INVALID_ARGUMENT),
    CONSTANT(NMF_ERR_DIMENSION),
    CONSTANT(NMF_ERR_RANK),
    CONSTANT(NMF_ERR_NEGATIVE),
    CONSTANT(NMF_ERR_NOT_FINITE),
    CONSTANT(NMF_ERR_SPARSE_STRUCTURE),
    CONSTANT(NMF_ERR_STRUCT_SIZE),
    CONSTANT(NMF_ERR_OUT_OF_MEMORY),
    CONSTANT(NMF_ERR_TOO_LARGE),
    CONSTANT(NMF_ERR_NUMERICAL),
    CONSTANT(NMF_ERR_INTERNAL),
    CONSTANT(NMF_LOSS_FROBENIUS),
    CONSTANT(NMF_SOLVER_AUTO),
    CONSTANT(NMF_SOLVER_HALS),
    CONSTANT(NMF_INIT_RANDOM),
    CONSTANT(NMF_INIT_NNDSVD),
    CONSTANT(NMF_INIT_NNDSVDA),
    CONSTANT(NMF_INIT_NNDSVDAR),
    CONSTANT(NMF_STOP_NONE),
    CONSTANT(NMF_STOP_MAXIT),
    CONSTANT(NMF_STOP_TOL),
    CONSTANT(NMF_STOP_CANCELLED),
    CONSTANT(NMF_STOP_EXACT),
    CONSTANT(NMF_STOP_STABLE),
    CONSTANT(NMF_VERSION_MAJOR),
    CONSTANT(NMF_VERSION_MINOR),
    CONSTANT(NMF_VERSION_PATCH),
    CONSTANT(NMF_VERSION_NUMBER),
};
#undef CONSTANT

static void test_constants(void) {
  size_t i;
  int32_t pinned[] = {0, 1, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12};
  for (i = 0; i < sizeof constants / sizeof constants[0]; ++i) {
    int32_t v = nmf_constant(constants[i].name);
    /* The version macros are not required to be known to nmf_constant(). */
    if (strncmp(constants[i].name, "NMF_VERSION_", 12) == 0 && v == INT32_MIN)
      continue;
    check(v == constants[i].value, "nmf_constant(\"%s\") == %d (got %d)",
          constants[i].name, (int)constants[i].value, (int)v);
  }
  /* Status codes are pinned: they are part of the ABI. */
  for (i = 0; i < sizeof pinned / sizeof pinned[0]; ++i)
    check(constants[i].value == pinned[i], "%s is pinned to %d",
          constants[i].name, (int)pinned[i]);
  check(nmf_constant("NMF_NO_SUCH_THING") == INT32_MIN,
        "nmf_constant(unknown) == INT32_MIN");
  check(nmf_constant("nmf_ok") == INT32_MIN,
        "nmf_constant() is case-sensitive (\"nmf_ok\" unknown)");
}

static void test_strerror(void) {
  int32_t c, c2;
  int distinct = 1;
  for (c = -12; c <= 1; ++c) {
    const char *s = nmf_strerror(c);
    check(s != NULL && s[0] != '\0', "nmf_strerror(%d) non-empty: \"%s\"",
          (int)c, s ? s : "(null)");
  }
  for (c = -12; c <= 1; ++c)
    for (c2 = c + 1; c2 <= 1; ++c2)
      if (strcmp(nmf_strerror(c), nmf_strerror(c2)) == 0) distinct = 0;
  check(distinct, "nmf_strerror() texts are distinct for every code");
  check(nmf_strerror(-1000) != NULL && nmf_strerror(12345) != NULL,
        "nmf_strerror(unknown code) is not NULL");
}

/* Offsets of the existing fields are part of the ABI: fields may only be
 * appended.  Pinned for the LP64 ABI this project ships on. */
static void test_layout(void) {
#if defined(__LP64__) || defined(_LP64)
  check(offsetof(nmf_options, tol) == 24 && offsetof(nmf_options, seed) == 32 &&
            offsetof(nmf_options, l1_w) == 40 &&
            offsetof(nmf_options, user_w) == 72 &&
            offsetof(nmf_options, progress) == 88 &&
            offsetof(nmf_options, progress_data) == 96 &&
            offsetof(nmf_options, hals_alpha) == 104 &&
            offsetof(nmf_options, hals_delta) == 112 &&
            offsetof(nmf_options, missing) == 120 &&
            offsetof(nmf_options, weights) == 128 &&
            offsetof(nmf_options, weights_ld) == 136 &&
            offsetof(nmf_options, beta) == 144 &&
            offsetof(nmf_options, mu_eps) == 152 &&
            offsetof(nmf_options, extrapolation) == 160 &&
            offsetof(nmf_options, extrap_beta0) == 168 &&
            offsetof(nmf_options, extrap_eta) == 176 &&
            offsetof(nmf_options, extrap_gamma) == 184 &&
            offsetof(nmf_options, extrap_gamma_bar) == 192 &&
            offsetof(nmf_options, sparse_w) == 200 &&
            offsetof(nmf_options, sparse_h) == 208 &&
            offsetof(nmf_options, ns_theta) == 216 &&
            offsetof(nmf_options, collective) == 224 &&
            offsetof(nmf_options, sketch) == 232 &&
            offsetof(nmf_options, sketch_rank) == 240 &&
            offsetof(nmf_options, stable_checks) == 248 &&
            sizeof(nmf_options) >= 256,
        "nmf_options layout pinned (LP64)");
  check(offsetof(nmf_result, iterations) == 8 &&
            offsetof(nmf_result, loss) == 16 &&
            offsetof(nmf_result, rel_error) == 24 &&
            offsetof(nmf_result, solver) == 32 &&
            offsetof(nmf_result, seconds) == 40 &&
            offsetof(nmf_result, loss_history) == 48 &&
            offsetof(nmf_result, history_length) == 64 &&
            offsetof(nmf_result, extrapolation) == 72 &&
            offsetof(nmf_result, restarts) == 80 &&
            offsetof(nmf_result, sketch_rank) == 88 &&
            offsetof(nmf_result, sketch_iterations) == 96 &&
            offsetof(nmf_result, threads_used) == 104 &&
            offsetof(nmf_result, options_used) == 112 &&
            sizeof(nmf_result) >= 120,
        "nmf_result layout pinned (LP64)");
#else
  diag("skip: layout pinned only for LP64");
#endif
}

static void test_options_init(void) {
  nmf_options o;
  nmf_result r;
  size_t old_size = offsetof(nmf_options, tol) + sizeof(double);
  int32_t rc;

  memset(&o, 0xAB, sizeof o);
  rc = nmf_options_init(&o, sizeof o);
  check(rc == NMF_OK && o.struct_size == sizeof o,
        "nmf_options_init(&o, sizeof o) sets struct_size");
  check(o.loss == NMF_LOSS_FROBENIUS && o.solver == NMF_SOLVER_AUTO &&
            o.init == NMF_INIT_RANDOM && o.n_threads == 0 && o.maxit == 200 &&
            o.tol == 1e-5 && o.seed == 42 && o.l1_w == 0 && o.l1_h == 0 &&
            o.l2_w == 0 && o.l2_h == 0 && o.user_w == 0 && o.user_h == 0 &&
            o.fix_w == 0 && o.fix_h == 0 && o.progress == NULL &&
            o.progress_data == NULL && o.hals_alpha == 0.5 &&
            o.hals_delta == 0.1,
        "nmf_options_init fills the documented defaults");

  /* An older, smaller struct: only the first old_size bytes are written. */
  memset(&o, 0xAB, sizeof o);
  rc = nmf_options_init(&o, old_size);
  {
    const unsigned char *bytes = (const unsigned char *)&o;
    size_t i;
    int untouched = 1;
    for (i = old_size; i < sizeof o; ++i)
      if (bytes[i] != 0xAB) untouched = 0;
    check(rc == NMF_OK && o.struct_size == old_size && o.maxit == 200 &&
              o.tol == 1e-5,
          "nmf_options_init(&o, old size %u) fills the old fields",
          (unsigned)old_size);
    check(untouched, "nmf_options_init(&o, old size) writes nothing beyond it");
  }

  rc = nmf_options_init(NULL, sizeof o);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null|pointer", NULL,
               "nmf_options_init(NULL)");
  rc = nmf_options_init(&o, 0);
  expect_error(rc, NMF_ERR_STRUCT_SIZE, "struct_size|size", NULL,
               "nmf_options_init(size 0)");
  rc = nmf_options_init(&o, old_size - 1);
  expect_error(rc, NMF_ERR_STRUCT_SIZE, "struct_size|size", NULL,
               "nmf_options_init(size below the fields up to tol)");

  memset(&r, 0xAB, sizeof r);
  r.loss_history = NULL;
  r.loss_history_capacity = 7;
  rc = nmf_result_init(&r, sizeof r);
  check(rc == NMF_OK && r.struct_size == sizeof r && r.iterations == 0 &&
            r.stop_reason == 0 && r.loss == 0.0 && r.history_length == 0,
        "nmf_result_init zeroes the result and sets struct_size");
  check(r.loss_history == NULL && r.loss_history_capacity == 0,
        "nmf_result_init zeroes the history buffer fields too (no stale "
        "pointer survives from uninitialised memory)");
  rc = nmf_result_init(NULL, sizeof r);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null|pointer", NULL,
               "nmf_result_init(NULL)");
  rc = nmf_result_init(&r, 0);
  expect_error(rc, NMF_ERR_STRUCT_SIZE, "struct_size|size", NULL,
               "nmf_result_init(size 0)");
}

static nmf_options default_options(void) {
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  return o;
}

static void test_dense_errors(void) {
  double a[M * N], w[M * K], h[K * N], d[K];
  float af[M * N], wf[M * K], hf[K * N], df[K];
  nmf_options o;
  nmf_result r;
  int32_t rc;
  int i;

  memcpy(a, A, sizeof a);
  for (i = 0; i < M * N; ++i) af[i] = (float)A[i];

  /* Non-negativity and finiteness of A. */
  a[2 + 3 * M] = -1.0;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NEGATIVE, "negative", NULL, "dense: negative entry");
  a[2 + 3 * M] = NAN;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NOT_FINITE, "nan|not finite|non-finite", NULL,
               "dense: NaN entry");
  a[2 + 3 * M] = INFINITY;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NOT_FINITE, "inf|finite", NULL, "dense: Inf entry");
  a[2 + 3 * M] = A[2 + 3 * M];
  af[M * N - 1] = -0.5f;
  rc = nmf_fit_dense_f(af, M, N, M, K, wf, df, hf, NULL, NULL);
  expect_error(rc, NMF_ERR_NEGATIVE, "negative", NULL,
               "dense float: negative last entry");
  af[M * N - 1] = (float)A[M * N - 1];

  /* A padded matrix (lda > m): the padding is not part of A, so a negative
   * value there must be ignored. */
  {
    enum { LDA = M + 2 };
    static double ap[LDA * N];
    int j;
    for (j = 0; j < N; ++j)
      for (i = 0; i < LDA; ++i) ap[i + j * LDA] = (i < M) ? A[i + j * M] : -1.0;
    o = default_options();
    o.maxit = 5;
    rc = nmf_fit_dense_d(ap, M, N, LDA, K, w, d, h, &o, NULL);
    check(rc == NMF_OK, "dense: lda > m reads only the m rows (got %d: %s)",
          (int)rc, nmf_last_error_message());
  }

  /* Rank. */
  rc = nmf_fit_dense_d(a, M, N, M, 0, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_RANK, NULL, "k", "dense: k = 0");
  rc = nmf_fit_dense_d(a, M, N, M, -2, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_RANK, NULL, "k", "dense: k = -2");
  rc = nmf_fit_dense_d(a, M, N, M, N + 1, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_RANK, NULL, "k", "dense: k > min(m, n)");

  /* Dimensions. */
  rc = nmf_fit_dense_d(a, M, N, M - 1, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_DIMENSION, "lda|leading", NULL, "dense: lda < m");
  rc = nmf_fit_dense_d(a, 0, N, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_DIMENSION, NULL, "m", "dense: m = 0");
  rc = nmf_fit_dense_d(a, -3, N, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_DIMENSION, NULL, "m", "dense: m < 0");
  rc = nmf_fit_dense_d(a, M, 0, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_DIMENSION, NULL, "n", "dense: n = 0");
  rc = nmf_fit_dense_d(a, M, -1, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_DIMENSION, NULL, "n", "dense: n < 0");

  /* Required pointers. */
  rc = nmf_fit_dense_d(NULL, M, N, M, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "A", "dense: A == NULL");
  rc = nmf_fit_dense_d(a, M, N, M, K, NULL, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "W", "dense: W == NULL");
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, NULL, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "H", "dense: H == NULL");
  rc = nmf_fit_dense_f(NULL, M, N, M, K, wf, df, hf, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "A", "dense float: A == NULL");

  /* struct_size of options and result. */
  o = default_options();
  o.struct_size = 0;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, NULL);
  expect_error(rc, NMF_ERR_STRUCT_SIZE, "struct_size", NULL,
               "options struct_size = 0");
  o.struct_size = 4;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, NULL);
  expect_error(rc, NMF_ERR_STRUCT_SIZE, "struct_size", NULL,
               "options struct_size = 4 (too small)");
  nmf_result_init(&r, sizeof r);
  r.struct_size = 0;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, NULL, &r);
  expect_error(rc, NMF_ERR_STRUCT_SIZE, "struct_size", NULL,
               "result struct_size = 0");
  r.struct_size = 4;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, NULL, &r);
  expect_error(rc, NMF_ERR_STRUCT_SIZE, "struct_size", NULL,
               "result struct_size = 4 (too small)");

  /* Invalid option values. */
#define BAD_OPTION(field, value, needle)                                     \
  do {                                                                       \
    o = default_options();                                                   \
    o.field = value;                                                         \
    rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, NULL);                  \
    expect_error(rc, NMF_ERR_INVALID_ARGUMENT, needle, NULL,                 \
                 "option " #field " = " #value);                             \
  } while (0)
  BAD_OPTION(tol, -1e-3, "tol");
  BAD_OPTION(tol, NAN, "tol");
  BAD_OPTION(maxit, -1, "maxit");
  BAD_OPTION(l1_w, -0.1, "l1_w");
  BAD_OPTION(l1_h, -0.1, "l1_h");
  BAD_OPTION(l2_w, -0.1, "l2_w");
  BAD_OPTION(l2_h, -0.1, "l2_h");
  BAD_OPTION(l1_w, NAN, "l1_w");
  BAD_OPTION(init, 99, "init");
  BAD_OPTION(init, -1, "init");
  BAD_OPTION(solver, 99, "solver");
  BAD_OPTION(loss, 99, "loss");
#undef BAD_OPTION

  /* fix_w and fix_h together leave nothing to fit. */
  o = default_options();
  memcpy(w, W0, sizeof w);
  memcpy(h, H0, sizeof h);
  o.fix_w = 1;
  o.fix_h = 1;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, NULL);
  expect_error(rc, NMF_ERR_INVALID_ARGUMENT, "fix", NULL,
               "fix_w and fix_h both set");

  /* User-supplied factors are validated like A. */
  o = default_options();
  o.user_w = 1;
  memcpy(w, W0, sizeof w);
  w[5] = -2.0;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, NULL);
  expect_error(rc, NMF_ERR_NEGATIVE, "negative", "W",
               "user_w = 1 with a negative W");
  o = default_options();
  o.fix_w = 1;
  memcpy(w, W0, sizeof w);
  w[M * K - 1] = -2.0;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, NULL);
  expect_error(rc, NMF_ERR_NEGATIVE, "negative", "W",
               "fix_w = 1 with a negative W");
  o = default_options();
  o.user_h = 1;
  memcpy(h, H0, sizeof h);
  h[4] = NAN;
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, NULL);
  expect_error(rc, NMF_ERR_NOT_FINITE, "nan|not finite|non-finite", "H",
               "user_h = 1 with a NaN in H");
}

static void test_csc_errors(void) {
  static csc_t c;
  static int64_t cp[N + 1];
  static int32_t ri[M * N];
  static int64_t ri64[M * N];
  static double v[M * N];
  static float vf[M * N];
  double w[M * K], h[K * N], d[K];
  float wf[M * K], hf[K * N], df[K];
  int32_t rc;
  int64_t p;

  to_csc(A, M, N, &c);
#define RESET()                                    \
  do {                                             \
    memcpy(cp, c.col_ptr, sizeof cp);              \
    memcpy(ri, c.row32, sizeof ri);                \
    memcpy(ri64, c.row64, sizeof ri64);            \
    memcpy(v, c.val, sizeof v);                    \
    memcpy(vf, c.valf, sizeof vf);                 \
  } while (0)
#define FIT32() nmf_fit_csc_d_i32(M, N, cp, ri, v, K, w, d, h, NULL, NULL)
#define FIT64() nmf_fit_csc_d_i64(M, N, cp, ri64, v, K, w, d, h, NULL, NULL)

  RESET();
  rc = FIT32();
  check(rc == NMF_OK, "csc: the unmodified CSC copy fits (got %d: %s)", (int)rc,
        nmf_last_error_message());

  /* Values. */
  RESET();
  v[7] = -1.0;
  expect_error(FIT32(), NMF_ERR_NEGATIVE, "negative", NULL,
               "csc: negative value");
  v[7] = NAN;
  expect_error(FIT64(), NMF_ERR_NOT_FINITE, "nan|not finite|non-finite", NULL,
               "csc: NaN value");
  v[7] = -INFINITY;
  expect_error(FIT32(), NMF_ERR_NOT_FINITE, "inf|finite", NULL,
               "csc: -Inf value");
  v[7] = INFINITY;
  expect_error(FIT64(), NMF_ERR_NOT_FINITE, "inf|finite", NULL,
               "csc: Inf value");
  RESET();
  vf[c.nnz - 1] = (float)INFINITY;
  rc = nmf_fit_csc_f_i64(M, N, cp, ri64, vf, K, wf, df, hf, NULL, NULL);
  expect_error(rc, NMF_ERR_NOT_FINITE, "inf|finite", NULL,
               "csc float: Inf in the last value");
  RESET();
  vf[0] = -1.0f;
  rc = nmf_fit_csc_f_i32(M, N, cp, ri, vf, K, wf, df, hf, NULL, NULL);
  expect_error(rc, NMF_ERR_NEGATIVE, "negative", NULL,
               "csc float: negative first value");

  /* Structure. */
  RESET();
  cp[0] = 1;
  expect_error(FIT32(), NMF_ERR_SPARSE_STRUCTURE, "col_ptr|column pointer",
               NULL, "csc: col_ptr[0] != 0");
  RESET();
  p = cp[5];
  cp[5] = cp[6] + 1; /* col_ptr[5] > col_ptr[6] */
  expect_error(FIT64(), NMF_ERR_SPARSE_STRUCTURE, "col_ptr|column pointer",
               NULL, "csc: non-monotone col_ptr");
  cp[5] = p;
  RESET();
  cp[3] = -1;
  expect_error(FIT32(), NMF_ERR_SPARSE_STRUCTURE, "col_ptr|column pointer",
               NULL, "csc: negative col_ptr entry");
  RESET();
  ri[c.col_ptr[2]] = M; /* first entry of column 2 */
  ri64[c.col_ptr[2]] = M;
  expect_error(FIT32(), NMF_ERR_SPARSE_STRUCTURE, "row", NULL,
               "csc i32: row index == m (out of range)");
  expect_error(FIT64(), NMF_ERR_SPARSE_STRUCTURE, "row", NULL,
               "csc i64: row index == m (out of range)");
  RESET();
  ri[c.col_ptr[4]] = -1;
  ri64[c.col_ptr[4]] = -1;
  expect_error(FIT32(), NMF_ERR_SPARSE_STRUCTURE, "row", NULL,
               "csc i32: negative row index");
  expect_error(FIT64(), NMF_ERR_SPARSE_STRUCTURE, "row", NULL,
               "csc i64: negative row index");
  RESET();
  { /* swap two entries of column 6: unsorted */
    int64_t q = c.col_ptr[6];
    int32_t t = ri[q];
    ri[q] = ri[q + 1];
    ri[q + 1] = t;
    ri64[q] = ri[q];
    ri64[q + 1] = ri[q + 1];
  }
  expect_error(FIT32(), NMF_ERR_SPARSE_STRUCTURE,
               "increasing|sorted|order", NULL,
               "csc i32: unsorted row indices");
  expect_error(FIT64(), NMF_ERR_SPARSE_STRUCTURE,
               "increasing|sorted|order", NULL,
               "csc i64: unsorted row indices");
  RESET();
  ri[c.col_ptr[8] + 1] = ri[c.col_ptr[8]];
  ri64[c.col_ptr[8] + 1] = ri64[c.col_ptr[8]];
  expect_error(FIT32(), NMF_ERR_SPARSE_STRUCTURE,
               "duplicate|increasing|repeated", NULL,
               "csc i32: duplicate row index");
  expect_error(FIT64(), NMF_ERR_SPARSE_STRUCTURE,
               "duplicate|increasing|repeated", NULL,
               "csc i64: duplicate row index");

  /* Pointers, dimensions, rank. */
  RESET();
  rc = nmf_fit_csc_d_i32(M, N, NULL, ri, v, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "col_ptr",
               "csc: col_ptr == NULL");
  rc = nmf_fit_csc_d_i32(M, N, cp, NULL, v, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "row_ind",
               "csc: row_ind == NULL");
  rc = nmf_fit_csc_d_i64(M, N, cp, ri64, NULL, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "values",
               "csc: values == NULL");
  rc = nmf_fit_csc_d_i64(M, N, cp, ri64, v, K, NULL, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "W", "csc: W == NULL");
  rc = nmf_fit_csc_d_i64(M, N, cp, ri64, v, K, w, d, NULL, NULL, NULL);
  expect_error(rc, NMF_ERR_NULL_POINTER, "null", "H", "csc: H == NULL");
  rc = nmf_fit_csc_d_i32(0, N, cp, ri, v, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_DIMENSION, NULL, "m", "csc: m = 0");
  rc = nmf_fit_csc_d_i32(M, -1, cp, ri, v, K, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_DIMENSION, NULL, "n", "csc: n < 0");
  rc = nmf_fit_csc_d_i32(M, N, cp, ri, v, 0, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_RANK, NULL, "k", "csc: k = 0");
  rc = nmf_fit_csc_d_i32(M, N, cp, ri, v, N + 1, w, d, h, NULL, NULL);
  expect_error(rc, NMF_ERR_RANK, NULL, "k", "csc: k > min(m, n)");
#undef RESET
#undef FIT32
#undef FIT64
}

/* ------------------------------------------------- per-thread messages */

typedef struct {
  pthread_barrier_t *barrier;
  char initial[512];
  char after[512];
  int32_t rc;
} thread_arg;

static void *error_thread(void *p) {
  thread_arg *t = (thread_arg *)p;
  double a[M * N], w[M * K], h[K * N], d[K];
  memcpy(a, A, sizeof a);
  a[0] = -4.0;
  /* A fresh thread has no error yet. */
  snprintf(t->initial, sizeof t->initial, "%s", nmf_last_error_message());
  t->rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, NULL, NULL);
  /* Let the main thread raise its own, different error now ... */
  pthread_barrier_wait(t->barrier);
  pthread_barrier_wait(t->barrier);
  /* ... and check that ours is unaffected. */
  snprintf(t->after, sizeof t->after, "%s", nmf_last_error_message());
  return NULL;
}

static void test_thread_local_message(void) {
  pthread_barrier_t barrier;
  pthread_t thread;
  thread_arg t;
  double w[M * K], h[K * N], d[K];
  char mine[512];
  int32_t rc;

  /* Main thread: a rank error. */
  rc = nmf_fit_dense_d(A, M, N, M, 0, w, d, h, NULL, NULL);
  snprintf(mine, sizeof mine, "%s", nmf_last_error_message());
  check(rc == NMF_ERR_RANK && mine[0] != '\0',
        "threads: main thread has a rank error \"%s\"", mine);

  memset(&t, 0, sizeof t);
  t.barrier = &barrier;
  pthread_barrier_init(&barrier, NULL, 2);
  if (pthread_create(&thread, NULL, error_thread, &t) != 0) {
    check(0, "threads: pthread_create");
    return;
  }
  pthread_barrier_wait(&barrier); /* the other thread has its error now */
  check(strcmp(nmf_last_error_message(), mine) == 0,
        "threads: another thread's error leaves this thread's message alone");
  rc = nmf_fit_dense_d(A, M, N, M - 1, K, w, d, h, NULL, NULL); /* lda < m */
  check(rc == NMF_ERR_DIMENSION, "threads: main thread raises a new error");
  snprintf(mine, sizeof mine, "%s", nmf_last_error_message());
  pthread_barrier_wait(&barrier); /* the other thread checks its message */
  pthread_join(thread, NULL);
  pthread_barrier_destroy(&barrier);

  check(t.initial[0] == '\0',
        "threads: a fresh thread's message is \"\" (got \"%s\")", t.initial);
  check(t.rc == NMF_ERR_NEGATIVE && contains_ci(t.after, "negative"),
        "threads: the other thread keeps its own message \"%s\"", t.after);
  check(strcmp(nmf_last_error_message(), mine) == 0 &&
            !contains_ci(mine, "negative"),
        "threads: this thread keeps its own message \"%s\"", mine);
}

/* -------------------------------------------------------- successful fit */

static void test_fit(void) {
  enum { MAXIT = 1000 };
  static double hist[MAXIT];
  double w[M * K], h[K * N], d[K];
  double w2[M * K], h2[K * N], d2[K];
  nmf_options o;
  nmf_result r;
  int32_t rc;
  int64_t i, r_;
  double ref, loss_ref;
  int monotone = 1;

  o = default_options();
  o.maxit = MAXIT;
  o.tol = 0.0;
  o.n_threads = 1;
  nmf_result_init(&r, sizeof r);
  r.loss_history = hist;
  r.loss_history_capacity = MAXIT;
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, &o, &r);
  check(rc == NMF_OK, "fit: planted rank-3 matrix returns NMF_OK (got %d: %s)",
        (int)rc, nmf_last_error_message());
  check(all_finite_nonneg(w, M * K) && all_finite_nonneg(h, K * N) &&
            all_finite_nonneg(d, K),
        "fit: W, d, H finite and non-negative");
  check(is_canonical(w, d, h, M, N, K, 1e-12) && d[0] > 0 && d[K - 1] > 0,
        "fit: canonical (W columns and H rows sum to 1, d descending > 0): "
        "d = %g %g %g",
        d[0], d[1], d[2]);
  ref = reference_rel_error(A, M, N, K, w, d, h);
  check(r.rel_error < 1e-6, "fit: rel_error %.3g < 1e-6", r.rel_error);
  /* Near convergence the loss is computed from Gram matrices and carries an
   * absolute rounding error of ~1e-16 ||A||^2, so compare squares. */
  check(fabs(r.rel_error * r.rel_error - ref * ref) <= 1e-12,
        "fit: reported rel_error %.6g matches a reference computation %.6g",
        r.rel_error, ref);
  {
    double nrm2 = 0.0;
    for (i = 0; i < M * N; ++i) nrm2 += A[i] * A[i];
    loss_ref = 0.5 * ref * ref * nrm2;
    check(fabs(r.loss - loss_ref) <= 1e-12 * nrm2,
          "fit: loss %.6g == 1/2 ||A - WdH||^2 = %.6g", r.loss, loss_ref);
  }
  check(r.iterations == MAXIT && r.stop_reason == NMF_STOP_MAXIT,
        "fit: tol = 0 runs maxit iterations (%ld, stop %d)", (long)r.iterations,
        (int)r.stop_reason);
  check(r.solver == NMF_SOLVER_HALS && r.init == NMF_INIT_RANDOM,
        "fit: solver auto resolves to HALS (%d), init random (%d)",
        (int)r.solver, (int)r.init);
  check(r.history_length == r.iterations && hist[r.history_length - 1] == r.loss,
        "fit: loss history has one entry per iteration, ending at the loss");
  for (i = 1; i < r.history_length; ++i)
    if (hist[i] > hist[i - 1] + 1e-12 * hist[0]) monotone = 0;
  check(monotone, "fit: HALS loss history is non-increasing");
  check(r.seconds >= 0.0 && isfinite(r.seconds), "fit: seconds >= 0");
  {
    /* Recovered up to permutation and scaling: match each column of W to the
     * planted column (normalised to sum 1) it is closest to. */
    double worst = 0.0;
    int used[K] = {0, 0, 0};
    for (r_ = 0; r_ < K; ++r_) {
      int best = -1;
      double best_err = 1e300;
      int q;
      for (q = 0; q < K; ++q) {
        double s = 0.0, e = 0.0;
        if (used[q]) continue;
        for (i = 0; i < M; ++i) s += W0[i + q * M];
        for (i = 0; i < M; ++i) e = fmax(e, fabs(w[i + r_ * M] - W0[i + q * M] / s));
        if (e < best_err) best_err = e, best = q;
      }
      used[best] = 1;
      worst = fmax(worst, best_err);
    }
    check(worst < 1e-5, "fit: W matches the planted W0 up to scale/permutation "
                        "(max abs diff %.2g)", worst);
  }

  /* Default options: NULL opts == nmf_options_init defaults, bit for bit. */
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, NULL, NULL);
  o = default_options();
  rc |= nmf_fit_dense_d(A, M, N, M, K, w2, d2, h2, &o, NULL);
  check(rc == NMF_OK && memcmp(w, w2, sizeof w) == 0 &&
            memcmp(h, h2, sizeof h) == 0 && memcmp(d, d2, sizeof d) == 0,
        "fit: NULL opts gives the defaults (identical output)");

  /* An older, smaller options struct: fields beyond struct_size are garbage
   * (invalid values) and must not be read. */
  memset(&o, 0xFF, sizeof o); /* l1_w etc. become NaN, fix_w = -1, ... */
  nmf_options_init(&o, offsetof(nmf_options, tol) + sizeof(double));
  rc = nmf_fit_dense_d(A, M, N, M, K, w2, d2, h2, &o, NULL);
  check(rc == NMF_OK && memcmp(w, w2, sizeof w) == 0 &&
            memcmp(h, h2, sizeof h) == 0,
        "fit: an old, smaller options struct is read only up to struct_size "
        "(got %d: %s)",
        (int)rc, nmf_last_error_message());

  /* d == NULL: the scales are multiplied into H. */
  rc = nmf_fit_dense_d(A, M, N, M, K, w2, NULL, h2, NULL, NULL);
  {
    double diff = 0.0;
    int64_t j;
    for (j = 0; j < N; ++j)
      for (r_ = 0; r_ < K; ++r_)
        diff = fmax(diff, fabs(h2[r_ + j * K] - d[r_] * h[r_ + j * K]) /
                              (d[r_] + 1e-300));
    check(rc == NMF_OK && memcmp(w, w2, sizeof w) == 0 && diff < 1e-14,
          "fit: d == NULL multiplies d into the rows of H (diff %.2g)", diff);
  }

  /* Deterministic across thread counts. */
  o = default_options();
  o.n_threads = 1;
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, &o, NULL);
  o.n_threads = 2;
  rc |= nmf_fit_dense_d(A, M, N, M, K, w2, d2, h2, &o, NULL);
  check(rc == NMF_OK && memcmp(w, w2, sizeof w) == 0 &&
            memcmp(h, h2, sizeof h) == 0 && memcmp(d, d2, sizeof d) == 0,
        "fit: n_threads 1 and 2 give bitwise-identical factors");
  o.seed = 43;
  rc = nmf_fit_dense_d(A, M, N, M, K, w2, d2, h2, &o, NULL);
  check(rc == NMF_OK && memcmp(w, w2, sizeof w) != 0,
        "fit: another seed gives another trajectory");

  /* maxit = 0: no iteration, but a canonical initialisation. */
  o = default_options();
  o.maxit = 0;
  nmf_result_init(&r, sizeof r);
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, &o, &r);
  check(rc == NMF_OK && r.iterations == 0 && r.stop_reason == NMF_STOP_NONE &&
            is_canonical(w, d, h, M, N, K, 1e-12),
        "fit: maxit = 0 runs no iteration (stop %d) and returns a canonical "
        "initialisation",
        (int)r.stop_reason);

  /* Default stopping rule (tol = 1e-5) stops early with NMF_STOP_TOL. */
  nmf_result_init(&r, sizeof r);
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, NULL, &r);
  check(rc == NMF_OK && ((r.stop_reason == NMF_STOP_TOL && r.iterations < 200) ||
                         (r.stop_reason == NMF_STOP_MAXIT && r.iterations == 200)),
        "fit: defaults stop by tol or at maxit = 200 (%ld, stop %d)",
        (long)r.iterations, (int)r.stop_reason);

  /* fix_w: H is the exact NNLS solution for the planted W0. */
  memcpy(w, W0, sizeof w);
  o = default_options();
  o.fix_w = 1;
  nmf_result_init(&r, sizeof r);
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, &o, &r);
  check(rc == NMF_OK && memcmp(w, W0, sizeof w) == 0 && d[0] == 1.0 &&
            d[1] == 1.0 && d[2] == 1.0 && r.stop_reason == NMF_STOP_EXACT,
        "fix_w: W unchanged, d = 1, stop_reason EXACT (got %d, stop %d)",
        (int)rc, (int)r.stop_reason);
  check(max_abs_diff(h, H0, K * N) < 1e-10,
        "fix_w: H equals the planted H0 (max abs diff %.2g)",
        max_abs_diff(h, H0, K * N));
}

static void test_sparse_matches_dense(void) {
  static csc_t c;
  double w[M * K], h[K * N], d[K];
  double w2[M * K], h2[K * N], d2[K];
  float wf[M * K], hf[K * N], df[K];
  nmf_options o;
  nmf_result r;
  int32_t rc;
  int64_t i;
  double diff;

  to_csc(A, M, N, &c);
  check(c.nnz < M * N, "csc: the planted matrix has zeros (nnz %ld of %d)",
        (long)c.nnz, M * N);
  o = default_options();
  o.maxit = 300;
  o.tol = 0.0;
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, &o, NULL);
  rc |= nmf_fit_csc_d_i32(M, N, c.col_ptr, c.row32, c.val, K, w2, d2, h2, &o,
                          NULL);
  diff = fmax(max_abs_diff(w, w2, M * K), max_abs_diff(h, h2, K * N));
  check(rc == NMF_OK && diff < 1e-8,
        "csc i32 and dense give the same factors (max diff %.2g)", diff);
  rc = nmf_fit_csc_d_i64(M, N, c.col_ptr, c.row64, c.val, K, w2, d2, h2, &o,
                         NULL);
  diff = fmax(max_abs_diff(w, w2, M * K), max_abs_diff(h, h2, K * N));
  check(rc == NMF_OK && diff < 1e-8,
        "csc i64 and dense give the same factors (max diff %.2g)", diff);

  nmf_result_init(&r, sizeof r);
  rc = nmf_fit_csc_f_i32(M, N, c.col_ptr, c.row32, c.valf, K, wf, df, hf, &o,
                         &r);
  diff = 0.0;
  for (i = 0; i < M * K; ++i) diff = fmax(diff, fabs((double)wf[i] - w[i]));
  check(rc == NMF_OK && r.rel_error < 1e-3 && diff < 1e-3,
        "csc float: rel_error %.2g, W within %.2g of the double fit",
        r.rel_error, diff);
}

/* ------------------------------------------------------ progress / cancel */

typedef struct {
  int calls;
  int64_t seen[16];
  int64_t maxit_seen;
  double last_loss;
  int args_ok;
} progress_state;

static int32_t cancel_at_3(int64_t iteration, int64_t maxit, double loss,
                           double rel_error, void *user_data) {
  progress_state *s = (progress_state *)user_data;
  if (s->calls < 16) s->seen[s->calls] = iteration;
  ++s->calls;
  s->maxit_seen = maxit;
  s->last_loss = loss;
  if (!(isfinite(loss) && loss >= 0 && isfinite(rel_error) && rel_error >= 0))
    s->args_ok = 0;
  return iteration >= 3 ? 1 : 0;
}

static void test_progress_cancel(void) {
  double w[M * K], h[K * N], d[K], hist[100];
  nmf_options o;
  nmf_result r;
  progress_state s;
  int32_t rc;
  int i, sequence_ok;

  memset(&s, 0, sizeof s);
  s.args_ok = 1;
  o = default_options();
  o.maxit = 100;
  o.tol = 0.0;
  o.progress = cancel_at_3;
  o.progress_data = &s;
  nmf_result_init(&r, sizeof r);
  r.loss_history = hist;
  r.loss_history_capacity = 100;
  rc = nmf_fit_dense_d(A, M, N, M, K, w, d, h, &o, &r);
  check(rc == NMF_CANCELLED, "cancel: returns NMF_CANCELLED (got %d)", (int)rc);
  check(r.iterations == 3 && r.stop_reason == NMF_STOP_CANCELLED,
        "cancel: result.iterations == 3 (%ld), stop_reason CANCELLED (%d)",
        (long)r.iterations, (int)r.stop_reason);
  sequence_ok = s.calls == 3;
  for (i = 0; i < s.calls && i < 16; ++i)
    if (s.seen[i] != i + 1) sequence_ok = 0;
  check(sequence_ok, "cancel: callback called once per iteration with 1, 2, 3 "
                     "(%d calls)", s.calls);
  check(s.maxit_seen == 100 && s.args_ok,
        "cancel: callback gets maxit and finite non-negative loss/rel_error");
  check(s.last_loss == r.loss && r.history_length == 3 && hist[2] == r.loss,
        "cancel: outputs are the last complete iterate (loss %.6g == %.6g)",
        s.last_loss, r.loss);
  check(all_finite_nonneg(w, M * K) && all_finite_nonneg(h, K * N) &&
            all_finite_nonneg(d, K) && is_canonical(w, d, h, M, N, K, 1e-12),
        "cancel: W, d, H finite, non-negative and canonical");
  check(fabs(reference_rel_error(A, M, N, K, w, d, h) - r.rel_error) < 1e-9,
        "cancel: rel_error describes the returned factors");
}

/* Brunet et al.'s stop on a stable assignment (nmf_options.stable_checks).
 * The reference: the assignment argmax_l d_l H_lj after each check (every
 * 10 iterations), recorded by stopping the same fit there from its
 * progress callback; the run with stable_checks = S must stop at the first
 * check whose assignment equals the previous S checks', not before. */
typedef struct {
  int64_t at;
  int64_t last;
} stop_state;

static int32_t stop_at_iteration(int64_t it, int64_t maxit, double loss,
                                 double rel, void *data) {
  stop_state *s = (stop_state *)data;
  (void)maxit;
  (void)loss;
  (void)rel;
  s->last = it;
  return it >= s->at ? 1 : 0;
}

/* The partition: labels renumbered by first appearance. */
static void assignment(const double *d, const double *h, int32_t *lab) {
  int32_t name[K], next = 0;
  int j, l;
  for (l = 0; l < K; ++l) name[l] = -1;
  for (j = 0; j < N; ++j) {
    int best = 0;
    double bv = -1.0;
    for (l = 0; l < K; ++l)
      if (d[l] * h[l + j * K] > bv) {
        bv = d[l] * h[l + j * K];
        best = l;
      }
    if (name[best] < 0) name[best] = next++;
    lab[j] = name[best];
  }
}

static void test_stable_checks(void) {
  enum { S = 2, MAXCHECKS = 100 };
  static double a[M * N];
  double w[M * K], h[K * N], d[K];
  int32_t prev[N], cur[N];
  nmf_options o;
  nmf_result r;
  stop_state st;
  uint64_t seed = 99;
  int64_t expect = 0, t;
  int i, unchanged = 0, changes = 0;
  int32_t rc;

  for (i = 0; i < M * N; ++i) a[i] = A[i] + 0.5 * lcg_uniform(&seed);
  o = default_options();
  o.loss = NMF_LOSS_KL;
  o.solver = NMF_SOLVER_MU;
  o.tol = 0.0;
  o.maxit = 10 * MAXCHECKS;
  o.seed = 3;
  o.progress = stop_at_iteration;
  o.progress_data = &st;
  for (t = 10; t <= 10 * MAXCHECKS && expect == 0; t += 10) {
    st.at = t;
    nmf_result_init(&r, sizeof r);
    rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, &r);
    if (rc != NMF_CANCELLED || r.iterations != t) break;
    assignment(d, h, cur);
    if (t > 10 && memcmp(cur, prev, sizeof cur) == 0) {
      ++unchanged;
    } else {
      if (t > 10) ++changes;
      unchanged = 0;
    }
    memcpy(prev, cur, sizeof cur);
    if (unchanged == S) expect = t;
  }
  check(expect > 0 && changes > 0,
        "stable_checks: the reference assignment changes after the first "
        "check (%d times) and settles (at %ld)", changes, (long)expect);

  st.at = 10 * MAXCHECKS + 1;
  st.last = 0;
  o.stable_checks = S;
  nmf_result_init(&r, sizeof r);
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, &r);
  assignment(d, h, cur);
  check(rc == NMF_OK && r.stop_reason == NMF_STOP_STABLE &&
            r.iterations == expect && st.last == expect &&
            memcmp(cur, prev, sizeof cur) == 0,
        "stable_checks = %d: stops with NMF_STOP_STABLE at iteration %ld "
        "(expected %ld, stop %d) with the settled assignment",
        S, (long)r.iterations, (long)expect, (int)r.stop_reason);

  /* A caller of an older header (struct_size ending before stable_checks)
   * gets the default, 0: the run goes on to maxit. */
  o.maxit = (int32_t)(expect + 30);
  o.progress = NULL;
  o.struct_size = (uint32_t)offsetof(nmf_options, stable_checks);
  nmf_result_init(&r, sizeof r);
  rc = nmf_fit_dense_d(a, M, N, M, K, w, d, h, &o, &r);
  check(rc == NMF_OK && r.stop_reason == NMF_STOP_MAXIT &&
            r.iterations == expect + 30,
        "stable_checks beyond struct_size is ignored (stop %d at %ld)",
        (int)r.stop_reason, (long)r.iterations);
}

int main(void) {
  make_planted();
  diag("libnmf %s, BLAS core \"%s\"%s%s", nmf_version(), nmf_blas_core(),
       nmf_blas_is_slow() ? ": " : "", nmf_blas_advice());
  test_version();
  test_simd_path();
  test_constants();
  test_strerror();
  test_layout();
  test_options_init();
  test_dense_errors();
  test_csc_errors();
  test_thread_local_message();
  test_fit();
  test_sparse_matches_dense();
  test_progress_cancel();
  test_stable_checks();
  if (n_failed) printf("# %d of %d checks failed\n", n_failed, n_checks);
  return tap_status();
}
