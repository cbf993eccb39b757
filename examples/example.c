/* example.c — factor a small non-negative matrix with libnmf's C API.
 *
 *   cc -std=c99 example.c $(pkg-config --cflags --libs nmf) -o example
 */
#include <nmf.h>

#include <stdio.h>

int main(void) {
  /* A 6 x 4 matrix, column-major (element (i, j) is A[i + j * 6]). */
  const double A[6 * 4] = {1, 2, 0, 4, 1, 0,  2, 4, 0, 8, 2, 0,
                           0, 1, 3, 1, 0, 3,  1, 3, 3, 5, 1, 3};
  double W[6 * 2], d[2], H[2 * 4];

  /* What A is: dense, double, 6 x 4, leading dimension 6 (not copied). */
  nmf_matrix a;
  nmf_matrix_dense(&a, sizeof a, NMF_SCALAR_DOUBLE, A, 6, 4, 6);

  nmf_options opts;
  nmf_options_init(&opts, sizeof opts);
  opts.maxit = 500;
  opts.seed = 1;

  nmf_result res;
  nmf_result_init(&res, sizeof res);

  int32_t status = nmf_fit(&a, 2, W, d, H, &opts, &res);
  if (status < 0) {
    fprintf(stderr, "nmf: %s: %s\n", nmf_strerror(status),
            nmf_last_error_message());
    return 1;
  }
  printf("libnmf %s: k = 2, %ld iterations, relative error %.2e\n",
         nmf_version(), (long)res.iterations, res.rel_error);
  printf("d = [%.4g, %.4g]\n", d[0], d[1]);
  return res.rel_error < 1e-6 ? 0 : 1;
}
