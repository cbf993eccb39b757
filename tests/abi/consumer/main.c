/* Links against an installed libnmf and factors a tiny rank-1 matrix. */
#include <nmf.h>
#include <stdio.h>

int main(void) {
  double A[12], W[4], H[3], d[1];
  nmf_result r;
  nmf_matrix a;
  int i, j;
  for (j = 0; j < 3; ++j)
    for (i = 0; i < 4; ++i) A[i + 4 * j] = (i + 1.0) * (j + 2.0);
  nmf_result_init(&r, sizeof r);
  nmf_matrix_dense(&a, sizeof a, NMF_SCALAR_DOUBLE, A, 4, 3, 4);
  if (nmf_fit(&a, 1, W, d, H, NULL, &r) != NMF_OK) {
    printf("failed: %s\n", nmf_last_error_message());
    return 1;
  }
  printf("version %s rel_error %g\n", nmf_version(), r.rel_error);
  return r.rel_error < 1e-6 ? 0 : 1;
}
