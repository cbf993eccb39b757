/*
 * nmf_mpi.h — distributed NMF over MPI (libnmf_mpi), on top of nmf.h.
 *
 * Every process holds a block of columns (samples, cells) of A, dense or
 * CSC, and the matching columns of H; W (m x k) and d are replicated.  Each
 * iteration sums over the processes the m x k product A H^T, the k x k Gram
 * matrix H H^T and a few scalars (Kannan, Ballard & Park 2016, the 1-D
 * column split of MPI-FAUN): about (m k + k^2) values per process and
 * iteration, the pattern that suits m << n.  The result equals the serial
 * fit of the whole matrix by the same solver from the same seed to
 * rounding.
 *
 * Losses and solvers (nmf.h, nmf_options.collective): the Frobenius loss
 * with ANLS or HALS, and every loss with the multiplicative updates (MU).
 * For KL, MU sums the m x k numerator (A ./ (W H)) H^T and H's k row sums
 * (m k + k values per iteration; other betas sum numerator and
 * denominator, 2 m k).  KL coordinate descent (NMF_SOLVER_CD) is not
 * available distributed (its W update would need a reduction for every
 * coordinate and Newton step); NMF_SOLVER_AUTO picks MU for KL, here as
 * in a serial fit.  Weights, missing values and
 * the NNDSVD starts are serial only.
 *
 * The communicator is passed as its Fortran handle (MPI_Comm_c2f(comm)), so
 * this header needs no mpi.h and fits any MPI implementation.  Every
 * function here is collective over that communicator: all its processes
 * call it, with the same k and options, in the same order.  A bad input on
 * one process makes every process return the same error; the message names
 * the process ("process 1 of 3: ...").  libnmf itself keeps no MPI
 * dependency: this library supplies nmf.h's nmf_collective over MPI.
 *
 * Thread safety: as MPI's; calls on one communicator must not overlap.
 */
#ifndef NMF_MPI_H
#define NMF_MPI_H

#include <nmf.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fills *c for this process's block of n_local columns of a matrix split by
 * columns over the communicator in rank order: n_global and col_offset are
 * computed collectively; process and processes are the rank and size.  Sums are reduced to rank 0 and broadcast, so
 * every process receives bitwise the same values.  Returns NMF_OK or
 * NMF_ERR_NULL_POINTER / NMF_ERR_DIMENSION (n_local < 0). */
NMF_API int32_t nmf_mpi_collective_init(nmf_collective *c, int64_t comm_f,
                                        int64_t n_local);

/* Fills *c for a multi-start spread over the communicator's processes
 * (nmf.h's consensus section): n_global = -1, and process / processes are
 * this process's rank and the communicator's size.  Pass it as
 * opts->collective to nmf_consensus_fit or nmf_survey_fit on every process,
 * each with the whole matrix and the same arguments: process p runs the
 * runs r with r % processes == p, and every process receives the same
 * result, equal to the serial one.  Collective; returns NMF_OK or
 * NMF_ERR_NULL_POINTER. */
NMF_API int32_t nmf_mpi_collective_runs(nmf_collective *c, int64_t comm_f);

/* nmf_fit for one process's block: A is m x n_local (A->n = n_local; dense
 * or CSC, as for nmf_fit); W is m x k (replicated: the same on every process
 * on return), H is k x n_local, d has k entries, of A's scalar type.  opts
 * may be NULL; its collective field is ignored (set from comm_f). */
NMF_API int32_t nmf_mpi_fit(int64_t comm_f, const nmf_matrix *A, int64_t k,
                            void *W, void *d, void *H, const nmf_options *opts,
                            nmf_result *result);

/* Deprecated: nmf_mpi_fit with the block described by the arguments (dense
 * A, m, n_local, lda; CSC m, n_local, col_ptr, row_ind, values). */
NMF_API int32_t nmf_mpi_fit_dense_d(int64_t comm_f, const double *A, int64_t m,
                                    int64_t n_local, int64_t lda, int64_t k,
                                    double *W, double *d, double *H,
                                    const nmf_options *opts, nmf_result *result);
NMF_API int32_t nmf_mpi_fit_dense_f(int64_t comm_f, const float *A, int64_t m,
                                    int64_t n_local, int64_t lda, int64_t k,
                                    float *W, float *d, float *H,
                                    const nmf_options *opts, nmf_result *result);
NMF_API int32_t nmf_mpi_fit_csc_d_i32(int64_t comm_f, int64_t m, int64_t n_local,
                                      const int64_t *col_ptr, const int32_t *row_ind,
                                      const double *values, int64_t k, double *W,
                                      double *d, double *H, const nmf_options *opts,
                                      nmf_result *result);
NMF_API int32_t nmf_mpi_fit_csc_d_i64(int64_t comm_f, int64_t m, int64_t n_local,
                                      const int64_t *col_ptr, const int64_t *row_ind,
                                      const double *values, int64_t k, double *W,
                                      double *d, double *H, const nmf_options *opts,
                                      nmf_result *result);
NMF_API int32_t nmf_mpi_fit_csc_f_i32(int64_t comm_f, int64_t m, int64_t n_local,
                                      const int64_t *col_ptr, const int32_t *row_ind,
                                      const float *values, int64_t k, float *W,
                                      float *d, float *H, const nmf_options *opts,
                                      nmf_result *result);
NMF_API int32_t nmf_mpi_fit_csc_f_i64(int64_t comm_f, int64_t m, int64_t n_local,
                                      const int64_t *col_ptr, const int64_t *row_ind,
                                      const float *values, int64_t k, float *W,
                                      float *d, float *H, const nmf_options *opts,
                                      nmf_result *result);

#ifdef __cplusplus
}
#endif

#endif /* NMF_MPI_H */
