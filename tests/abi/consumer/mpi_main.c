/* Links against an installed libnmf_mpi and factors a rank-1 matrix whose
 * columns are split over the processes of MPI_COMM_WORLD. */
#include <mpi.h>
#include <nmf_mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
  double A[4 * 2], W[4], H[2], d[1];
  nmf_result r;
  int rank, size, i, j, status;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (j = 0; j < 2; ++j)
    for (i = 0; i < 4; ++i) A[i + 4 * j] = (i + 1.0) * (2 * rank + j + 2.0);
  nmf_result_init(&r, sizeof r);
  status = nmf_mpi_fit_dense_d((int64_t)MPI_Comm_c2f(MPI_COMM_WORLD), A, 4, 2, 4,
                               1, W, d, H, NULL, &r);
  if (status != NMF_OK) {
    printf("failed: %s\n", nmf_last_error_message());
  } else if (rank == 0) {
    printf("processes %d rel_error %g\n", size, r.rel_error);
  }
  MPI_Finalize();
  return status == NMF_OK && r.rel_error < 1e-6 ? 0 : 1;
}
