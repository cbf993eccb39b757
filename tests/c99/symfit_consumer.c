/* Symmetric NMF through nmf.h from strict C99: two cliques joined by one
 * edge and an isolated node, fitted dense and CSC (double and float); the
 * communities found, the isolated count, the result struct protocol and an
 * asymmetric input's error (TAP output). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nmf.h"

#define N 13 /* nodes 0-5 and 6-11 are cliques, 5-6 an edge, 12 isolated */
#define K 2

static int n_checks = 0, n_failed = 0;

static void check(int ok, const char *what) {
  ++n_checks;
  if (!ok) ++n_failed;
  printf("%s %d - %s\n", ok ? "ok" : "not ok", n_checks, what);
}

static int argmax_row(const double *h, int64_t i) {
  return h[i + N] > h[i] ? 1 : 0;
}

int main(void) {
  static double A[N * N];
  static float Af[N * N];
  double H[N * K], Hc[N * K];
  float Hf[N * K];
  int64_t col_ptr[N + 1], row_ind[N * N], nnz = 0;
  double val[N * N];
  nmf_options o;
  nmf_symfit_result r;
  int64_t i, j, row, col;
  int split = 1;
  double diff = 0;
  int32_t rc;

  for (j = 0; j < N - 1; ++j)
    for (i = 0; i < N - 1; ++i)
      if (i != j && (i < 6) == (j < 6)) A[i + j * N] = 1.0;
  A[5 + 6 * N] = A[6 + 5 * N] = 1.0;
  for (i = 0; i < N * N; ++i) Af[i] = (float)A[i];
  for (j = 0; j < N; ++j) {
    col_ptr[j] = nnz;
    for (i = 0; i < N; ++i)
      if (A[i + j * N] != 0.0) {
        row_ind[nnz] = i;
        val[nnz++] = A[i + j * N];
      }
  }
  col_ptr[N] = nnz;

  nmf_options_init(&o, sizeof o);
  o.maxit = 500;
  check(nmf_symfit_result_init(&r, sizeof r) == NMF_OK, "result init");
  rc = nmf_symfit_dense_d(A, N, N, K, H, &o, &r);
  check(rc == NMF_OK, "dense fit succeeds");
  check(r.isolated == 1, "one isolated node counted");
  check(H[12] == 0.0 && H[12 + N] == 0.0, "the isolated node's row is zero");
  for (i = 1; i < 6; ++i) split &= argmax_row(H, i) == argmax_row(H, 0);
  for (i = 7; i < 12; ++i) split &= argmax_row(H, i) == argmax_row(H, 6);
  split &= argmax_row(H, 0) != argmax_row(H, 6);
  check(split, "the two cliques are the two communities");
  check(r.iterations > 0 && r.rel_error > 0 && r.rel_error < 0.5, "result filled");

  rc = nmf_symfit_csc_d_i64(N, col_ptr, row_ind, val, K, Hc, &o, NULL);
  check(rc == NMF_OK, "CSC fit succeeds");
  for (i = 0; i < N * K; ++i) diff = fmax(diff, fabs(H[i] - Hc[i]));
  check(diff < 1e-9, "CSC and dense give the same H");
  rc = nmf_symfit_dense_f(Af, N, N, K, Hf, &o, NULL);
  diff = 0;
  for (i = 0; i < N * K; ++i) diff = fmax(diff, fabs(H[i] - (double)Hf[i]));
  check(rc == NMF_OK && diff < 1e-3, "float follows double");

  A[0 + 9 * N] = 0.5; /* A[1, 10] = 0.5 but A[10, 1] = 0 (1-based) */
  rc = nmf_symfit_dense_d(A, N, N, K, H, &o, &r);
  check(rc == NMF_ERR_INVALID_ARGUMENT, "an asymmetric A is refused");
  check(strstr(nmf_last_error_message(), "A[1, 10]") != NULL,
        "the message names the pair");
  check(nmf_last_error_location(&row, &col) == 1 && row == 0 && col == 9,
        "the location is the pair");
  A[0 + 9 * N] = 0.0;
  rc = nmf_symfit_dense_d(A, N, N, N + 1, H, &o, &r);
  check(rc == NMF_ERR_RANK, "k > n is refused");
  r.struct_size = 3;
  rc = nmf_symfit_dense_d(A, N, N, K, H, &o, &r);
  check(rc == NMF_ERR_STRUCT_SIZE, "a result struct too small is refused");

  printf("1..%d\n", n_checks);
  return n_failed ? 1 : 0;
}
