/*
 * nmf.h — the stable C ABI of libnmf (nmfkit).
 *
 * Non-negative matrix factorization A ≈ W · diag(d) · H of a non-negative
 * m × n matrix A into W (m × k) and H (k × n).
 *
 * Conventions (see DESIGN.md §3):
 *   - C99; every symbol starts with nmf_, every macro with NMF_.
 *   - All dimensions, strides and counts are int64_t.
 *   - Matrices are column-major.  A dense input is (A, m, n, lda) with
 *     lda >= max(1, m); element (i, j) is A[i + j * lda].  A sparse input is
 *     compressed sparse column (CSC): col_ptr has n + 1 int64_t entries,
 *     row_ind (int32_t or int64_t) and values have col_ptr[n] entries, row
 *     indices strictly increasing within each column.  Inputs are read in
 *     place, never copied.  A row-major m × n array is the column-major
 *     n × m transpose: factor it and swap the roles of W and H.
 *   - Output buffers are owned by the caller: W is m × k (leading dimension
 *     m), H is k × n (leading dimension k), d has k entries.
 *   - Every function returns NMF_OK (0), a negative error code (pinned
 *     values, below), or NMF_CANCELLED (a positive status meaning the run was
 *     stopped by the progress callback and the outputs hold the last
 *     complete iterate).  On error, nmf_last_error_message() gives a detail
 *     naming the problem, and the output buffers may have been overwritten.
 *   - Nothing crosses the boundary but return codes: no C++ exception, no
 *     abort() or exit(), no output on stdout or stderr.
 *
 * Thread safety: every function may be called concurrently from several
 * host threads on different outputs; the library keeps no global mutable
 * state except the per-thread error message.  Each fit runs on the calling
 * thread plus up to n_threads OpenMP worker threads.
 */
#ifndef NMF_H
#define NMF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#  define NMF_API __attribute__((visibility("default")))
#else
#  define NMF_API
#endif

/* ---------------------------------------------------------------- version */

#define NMF_VERSION_MAJOR 0
#define NMF_VERSION_MINOR 1
#define NMF_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH */
#define NMF_VERSION_NUMBER \
  (NMF_VERSION_MAJOR * 10000 + NMF_VERSION_MINOR * 100 + NMF_VERSION_PATCH)

/* "MAJOR.MINOR.PATCH" of the library actually loaded.  Thread-safe. */
NMF_API const char *nmf_version(void);
/* NMF_VERSION_NUMBER of the library actually loaded.  Thread-safe. */
NMF_API int32_t nmf_version_number(void);

/* ----------------------------------------------------------- status codes */

#define NMF_OK 0
/* The progress callback asked to stop; outputs hold the last complete
 * iterate (in canonical form) and the result is filled in. */
#define NMF_CANCELLED 1

#define NMF_ERR_NULL_POINTER (-1)     /* a required pointer is NULL */
#define NMF_ERR_INVALID_ARGUMENT (-2) /* an option has an invalid value */
#define NMF_ERR_DIMENSION (-3)        /* m, n or a leading dimension invalid */
#define NMF_ERR_RANK (-4)             /* k < 1 or k > min(m, n) */
#define NMF_ERR_NEGATIVE (-5)         /* a negative entry in A, W or H */
#define NMF_ERR_NOT_FINITE (-6)       /* a NaN or infinite entry */
#define NMF_ERR_SPARSE_STRUCTURE (-7) /* malformed CSC pointers/indices */
#define NMF_ERR_STRUCT_SIZE (-8)      /* struct_size too small or unset */
#define NMF_ERR_OUT_OF_MEMORY (-9)    /* allocation failed or would exceed memory */
#define NMF_ERR_TOO_LARGE (-10)       /* sizes overflow int64 / size_t */
#define NMF_ERR_NUMERICAL (-11)       /* LAPACK failure or non-finite iterate */
#define NMF_ERR_INTERNAL (-12)        /* a bug: please report it */

/* A static English description of a status code (never NULL).  Thread-safe. */
NMF_API const char *nmf_strerror(int32_t status);

/* The detail of the last error raised on the calling thread ("" if none).
 * The pointer stays valid until the next call into the library from the
 * same thread.  Thread-local, so thread-safe. */
NMF_API const char *nmf_last_error_message(void);

/* When the last error on the calling thread concerns one entry of a matrix
 * (a negative, NaN or infinite value, a bad row index), stores its 0-based
 * row and column (for CSC structure errors, the column and the position in
 * row_ind/values as row = -1 when no row applies) and returns 1; otherwise
 * stores -1 in both and returns 0.  Either pointer may be NULL.  Also tells
 * which matrix: 'A', 'W' or 'H' via the return value of
 * nmf_last_error_matrix().  Thread-local, so thread-safe. */
NMF_API int32_t nmf_last_error_location(int64_t *row, int64_t *col);
/* 'A', 'W', 'H', or 0 when the last error concerns no particular matrix. */
NMF_API int32_t nmf_last_error_matrix(void);

/* ---------------------------------------------------------------- choices */

/* nmf_options.loss */
#define NMF_LOSS_FROBENIUS 0 /* 1/2 ||A - WH||_F^2 */

/* nmf_options.solver (the Frobenius loss; all minimise the objective
 * documented at nmf_options.l1_w, with the terms of the options set) */
#define NMF_SOLVER_AUTO 0 /* the library picks (rule below); the choice is
                             reported in nmf_result.solver */
#define NMF_SOLVER_HALS 1 /* accelerated HALS (Cichocki & Phan 2009;
                             Gillis & Glineur 2012) */
#define NMF_SOLVER_ANLS 2 /* alternating non-negative least squares, each
                             half-iteration solved exactly by block
                             principal pivoting (Kim & Park 2011), warm-
                             started from the previous iterate, columns
                             with the same passive set sharing one
                             Cholesky factorisation; coordinate descent
                             finishes any column pivoting cannot (a
                             singular passive block) */
/* NMF_SOLVER_AUTO picks NMF_SOLVER_ANLS, whatever the size, sparsity and
 * k: with extrapolation it was the fastest to the best loss on the dense
 * and sparse problems measured at k = 10 and 30 (bench/README.md); with
 * weights or missing values every column has its own Gram matrix, whose
 * construction dominates, so an exact solve costs little more than a HALS
 * sweep.  Extrapolation: see NMF_EXTRAPOLATION_AUTO. */

/* nmf_options.missing */
#define NMF_MISSING_NONE 0     /* every entry observed (default) */
#define NMF_MISSING_NAN 1      /* NaN entries of a dense A are missing */
#define NMF_MISSING_UNSTORED 2 /* CSC input: entries not stored are missing
                                  (recommender data) */

/* nmf_options.extrapolation */
#define NMF_EXTRAPOLATION_AUTO (-1) /* on for the unweighted loss in double
                                       (HALS and ANLS); off for float fits
                                       (the float loss is too noisy for the
                                       accept/undo test) and with weights or
                                       missing values (default) */
#define NMF_EXTRAPOLATION_OFF 0
#define NMF_EXTRAPOLATION_ON 1

/* nmf_options.init */
#define NMF_INIT_RANDOM 0   /* uniform, seeded, scaled to the data */
#define NMF_INIT_NNDSVD 1   /* Boutsidis & Gallopoulos 2008 */
#define NMF_INIT_NNDSVDA 2  /* NNDSVD, zeros filled with mean(A) */
#define NMF_INIT_NNDSVDAR 3 /* NNDSVD, zeros filled with small random values */

/* nmf_result.stop_reason */
#define NMF_STOP_NONE 0       /* no iteration was run (maxit = 0) */
#define NMF_STOP_MAXIT 1      /* maxit iterations done */
#define NMF_STOP_TOL 2        /* relative loss decrease below tol */
#define NMF_STOP_CANCELLED 3  /* the progress callback returned non-zero */
#define NMF_STOP_EXACT 4      /* one factor fixed: the other solved exactly */

/* The same values as functions, for FFI callers that cannot see macros.
 * name is e.g. "NMF_ERR_RANK" or "NMF_INIT_NNDSVD"; returns INT32_MIN for an
 * unknown name.  Thread-safe. */
NMF_API int32_t nmf_constant(const char *name);

/* --------------------------------------------------------------- options */

/* Progress callback, called on the calling thread between iterations,
 * outside any parallel region.  Return 0 to continue, non-zero to stop:
 * the fit then returns NMF_CANCELLED with the last complete iterate. */
typedef int32_t (*nmf_progress_fn)(int64_t iteration, int64_t maxit,
                                   double loss, double rel_error,
                                   void *user_data);

/* Reductions across the processes of a distributed fit, supplied by the
 * host (libnmf_mpi's nmf_mpi.h supplies them over MPI; any other transport
 * may).  Each process holds a block of columns of A (and the matching
 * columns of H) and calls the same nmf_fit_* function with its block and
 * the same options; W is replicated.  Every callback is collective: all
 * processes call it in the same order.
 *   sum:   in-place sum over processes of len values; every process must
 *          receive bitwise the same result.
 *   max:   in-place maximum over processes of one value.
 *   agree: on entry *code and message (NUL-terminated, capacity bytes) are
 *          this process's status; on exit every process holds the same
 *          status: the error of the lowest-ranked failing process (its
 *          message), or NMF_OK.
 * Failures of the transport itself are the transport's to handle (MPI's
 * default error handler ends the job). */
typedef struct nmf_collective {
  uint32_t struct_size; /* sizeof(nmf_collective) */
  int64_t n_global;     /* columns of the whole matrix */
  int64_t col_offset;   /* global index of this process's first column */
  void *ctx;            /* passed to the callbacks */
  void (*sum_d)(void *ctx, double *x, int64_t len);
  void (*sum_f)(void *ctx, float *x, int64_t len);
  void (*max_d)(void *ctx, double *x);
  void (*agree)(void *ctx, int32_t *code, char *message, int64_t capacity);
} nmf_collective;

/* Options.  Initialise with nmf_options_init(&o, sizeof o) and then set the
 * fields you need.  Fields are only ever appended; the library reads only the
 * first struct_size bytes and uses defaults for the rest. */
typedef struct nmf_options {
  uint32_t struct_size; /* set by nmf_options_init; sizeof(nmf_options) */
  int32_t loss;         /* NMF_LOSS_*; default NMF_LOSS_FROBENIUS */
  int32_t solver;       /* NMF_SOLVER_*; default NMF_SOLVER_AUTO */
  int32_t init;         /* NMF_INIT_*; default NMF_INIT_RANDOM */
  int32_t n_threads;    /* worker threads; 0 = OpenMP's default (all cores
                           unless OMP_NUM_THREADS says otherwise); OpenBLAS
                           is held at one thread during the call and the
                           library splits the products itself; default 0 */
  int32_t maxit;        /* maximum outer iterations, >= 0; default 200 */
  double tol;           /* stop when (loss_prev - loss) / loss_prev < tol
                           (so also when the loss stops decreasing); >= 0;
                           0 disables this test; default 1e-5 */
  uint64_t seed;        /* seed of the random initialisation; default 42 */
  /* Penalties, all >= 0, default 0.  The objective is
   *   1/2 ||A - WH||_F^2 + l1_w sum(W) + l2_w/2 ||W||_F^2
   *                      + l1_h sum(H) + l2_h/2 ||H||_F^2
   * plus the sparse NMF terms (sparse_w, sparse_h), with the residual
   * weighted (weights, missing) or smoothed (ns_theta) as set below. */
  double l1_w;
  double l1_h;
  double l2_w;
  double l2_h;
  /* Non-zero: W (resp. H) holds a user-supplied starting value on entry,
   * used instead of the init method.  If only one factor is supplied, the
   * other is computed from it by a non-negative least-squares update.
   * Default 0. */
  int32_t user_w;
  int32_t user_h;
  /* Non-zero: W (resp. H) is given on entry and held fixed; the other factor
   * is the exact non-negative least-squares solution (projection of new
   * samples onto known metagenes).  The fixed factor is returned unchanged,
   * d is set to 1 and the output is not reordered.  Default 0. */
  int32_t fix_w;
  int32_t fix_h;
  nmf_progress_fn progress; /* may be NULL; default NULL */
  void *progress_data;      /* passed to progress */
  /* Accelerated HALS (Gillis & Glineur 2012): at most 1 + hals_alpha * rho
   * inner sweeps per factor update (rho: cost of the products over the cost
   * of a sweep), each column of the factor stopping when a sweep changes it
   * by less than hals_delta times its first sweep's change.  Defaults 0.5
   * and 0.1; hals_alpha = 0 gives plain HALS. */
  double hals_alpha;
  double hals_delta;
  /* Missing values and entry weights (weighted least squares, the NMF
   * package's ls-nmf).  The loss becomes
   *   1/2 sum_ij w_ij (a_ij - (WH)_ij)^2
   * with w_ij = 0 for a missing entry (whose value is then ignored
   * entirely, also for the internal scaling).
   *   missing: NMF_MISSING_*; default NMF_MISSING_NONE.  NMF_MISSING_NAN
   *     needs a dense A; NMF_MISSING_UNSTORED a CSC A.
   *   weights: NULL (default) or non-negative finite entry weights: for a
   *     dense A, m x n column-major with leading dimension weights_ld
   *     (>= m); for a CSC A, one weight per stored entry (length
   *     col_ptr[n]), unstored entries having weight 1 (or being missing
   *     under NMF_MISSING_UNSTORED).  Weight 0 = missing.
   * Each column's (and row's) least-squares problem then has its own Gram
   * matrix W^T diag(w_j) W, built in O(k^2) per observed entry: meant for
   * moderate dense sizes and for sparse data with mostly missing entries
   * (NMF_MISSING_UNSTORED never forms a dense m x n array).  Supported
   * with HALS and ANLS, penalties l1_* and l2_*, user and fixed factors,
   * random initialisation (NNDSVD only without NaN-missing entries).  Not
   * supported (NMF_ERR_INVALID_ARGUMENT): sparse_w, sparse_h, ns_theta. */
  int32_t missing;
  const double *weights;
  int64_t weights_ld;
  /* Extrapolation with restarts (Ang & Gillis 2019, Neural Computation
   * 31(2)) around HALS and ANLS.  After each factor update X+, the solver
   * continues from Y = max(0, X+ + beta (X+ - X)).  The objective is checked
   * every iteration: if it increased, the step is undone (restart from the
   * last accepted iterate), beta_bar <- beta and beta <- beta / extrap_eta;
   * otherwise beta <- min(beta_bar, extrap_gamma beta) and beta_bar <-
   * min(1, extrap_gamma_bar beta_bar) (beta_bar starts at 1).  The reported
   * and returned iterate is the last accepted one, so the reported loss
   * never increases; an undone step counts as an iteration (with the loss
   * of the accepted iterate) and is counted in nmf_result.restarts.  The
   * tol test judges an accepted step by its decrease and an undone one by
   * the increase it caused (below tol: converged).  Once an undone step
   * changed the loss by no more than its rounding (100 eps ||A||_F^2, eps of
   * the scalar type), extrapolation stops for the rest of the run: its
   * decisions would be noise, and plain steps keep converging.  A run
   * continued from
   * its output (user_w, user_h) restarts the extrapolation, so it does not
   * retrace an uninterrupted run exactly.
   *   extrapolation: NMF_EXTRAPOLATION_*; default NMF_EXTRAPOLATION_AUTO.
   *   extrap_beta0 in [0, 1], default 0.5; extrap_eta > 1, default 1.5;
   *   extrap_gamma >= 1, default 1.05; extrap_gamma_bar >= 1, default 1.01. */
  int32_t extrapolation;
  double extrap_beta0;
  double extrap_eta;
  double extrap_gamma;
  double extrap_gamma_bar;
  /* Sparse NMF (Kim & Park 2007, Bioinformatics 23(12)), >= 0, default 0:
   * the objective gains
   *   1/2 sparse_h sum_j (sum_i H_ij)^2 + 1/2 sparse_w sum_i (sum_j W_ij)^2
   * (squared L1 norms of the columns of H, of the rows of W).  Kim & Park's
   * SNMF/R (the NMF package's "snmf/r") is
   *   min 1/2 (||A - WH||^2 + eta ||W||_F^2 + beta sum_j ||H(:,j)||_1^2)
   * i.e. sparse_h = beta, l2_w = eta, solver NMF_SOLVER_ANLS; SNMF/L is
   * the mirror (sparse_w = beta, l2_h = eta). */
  double sparse_w;
  double sparse_h;
  /* nsNMF (Pascual-Montano et al. 2006, IEEE TPAMI 28(3)): the model is
   * A ≈ W S H with S = (1 - ns_theta) I + (ns_theta / k) 1 1^T, i.e. the
   * objective's residual is ||A - W S H||_F^2.  In [0, 1], default 0
   * (plain NMF).  The H returned is S H (so that A ≈ W diag(d) H holds as
   * for every other fit); W is the sparse basis. */
  double ns_theta;
  /* NULL (default): a serial fit.  Otherwise this call is one process's
   * part of a distributed fit (see nmf_collective): A is this process's
   * block of n columns (n may be 0), H its k x n block of H (and d, W are
   * replicated).  The result equals the serial fit of the whole matrix to
   * rounding.  Available: the Frobenius loss with HALS or ANLS (with
   * extrapolation, penalties, sparse_w/sparse_h, ns_theta), random or
   * user-supplied starts, fix_w/fix_h; not weights or missing values.  The progress callback runs on every
   * process; any process asking to stop stops all. */
  const nmf_collective *collective;
} nmf_options;

/* Fill *opts with the defaults and set opts->struct_size = size.  size must
 * be at least offsetof(nmf_options, tol) + sizeof(double) (the fields up to
 * tol); a smaller struct of an older header is filled only up to size.
 * Returns NMF_OK, NMF_ERR_NULL_POINTER or NMF_ERR_STRUCT_SIZE.  Thread-safe. */
NMF_API int32_t nmf_options_init(nmf_options *opts, size_t size);

/* ---------------------------------------------------------------- result */

typedef struct nmf_result {
  uint32_t struct_size;  /* set by the caller to sizeof(nmf_result), or by
                            nmf_result_init */
  int32_t stop_reason;   /* NMF_STOP_* */
  int64_t iterations;    /* outer iterations run */
  double loss;           /* objective (with penalties) at the last iterate */
  double rel_error;      /* ||A - WH||_F / ||A||_F at the last iterate */
  int32_t solver;        /* the solver actually used (NMF_SOLVER_*) */
  int32_t init;          /* the init actually used (NMF_INIT_*, or -1 when
                            both factors were user-supplied or fixed) */
  double seconds;        /* wall-clock time of the fit */
  /* Optional caller-owned buffer: if loss_history is not NULL, the loss after
   * each iteration is written there, at most loss_history_capacity values;
   * history_length tells how many were written. */
  double *loss_history;
  int64_t loss_history_capacity;
  int64_t history_length;
  int32_t extrapolation; /* NMF_EXTRAPOLATION_ON or _OFF: what was used */
  int64_t restarts;      /* extrapolation steps undone */
} nmf_result;

/* Zero every field of *res (including the history buffer fields: set them
 * after this call) and set struct_size = size.
 * Returns NMF_OK, NMF_ERR_NULL_POINTER or NMF_ERR_STRUCT_SIZE.  Thread-safe. */
NMF_API int32_t nmf_result_init(nmf_result *res, size_t size);

/* ------------------------------------------------------------------ fits */

/* Factor a dense column-major m × n matrix A (leading dimension lda).
 *   W: m × k output (and input when opts->user_w or opts->fix_w)
 *   H: k × n output (and input when opts->user_h or opts->fix_h)
 *   d: k outputs, the scales; may be NULL, in which case they are multiplied
 *      into the rows of H.
 *   opts: may be NULL for the defaults.
 *   result: may be NULL.
 * On success (NMF_OK or NMF_CANCELLED) the output is canonical unless a
 * factor is fixed: A ≈ W diag(d) H with every column of W and every row of H
 * summing to 1 (a component that is entirely zero stays zero with d = 0), and
 * the components ordered by d, largest first.
 * Same inputs and seed give bitwise-identical outputs for any n_threads. */
NMF_API int32_t nmf_fit_dense_d(const double *A, int64_t m, int64_t n,
                                int64_t lda, int64_t k, double *W, double *d,
                                double *H, const nmf_options *opts,
                                nmf_result *result);
NMF_API int32_t nmf_fit_dense_f(const float *A, int64_t m, int64_t n,
                                int64_t lda, int64_t k, float *W, float *d,
                                float *H, const nmf_options *opts,
                                nmf_result *result);

/* Factor a sparse m × n matrix in CSC form (explicit zeros allowed; row
 * indices strictly increasing within each column).  Outputs as above.  The
 * suffix names the value type (d/f) and the row index type (i32/i64). */
NMF_API int32_t nmf_fit_csc_d_i32(int64_t m, int64_t n, const int64_t *col_ptr,
                                  const int32_t *row_ind, const double *values,
                                  int64_t k, double *W, double *d, double *H,
                                  const nmf_options *opts, nmf_result *result);
NMF_API int32_t nmf_fit_csc_d_i64(int64_t m, int64_t n, const int64_t *col_ptr,
                                  const int64_t *row_ind, const double *values,
                                  int64_t k, double *W, double *d, double *H,
                                  const nmf_options *opts, nmf_result *result);
NMF_API int32_t nmf_fit_csc_f_i32(int64_t m, int64_t n, const int64_t *col_ptr,
                                  const int32_t *row_ind, const float *values,
                                  int64_t k, float *W, float *d, float *H,
                                  const nmf_options *opts, nmf_result *result);
NMF_API int32_t nmf_fit_csc_f_i64(int64_t m, int64_t n, const int64_t *col_ptr,
                                  const int64_t *row_ind, const float *values,
                                  int64_t k, float *W, float *d, float *H,
                                  const nmf_options *opts, nmf_result *result);

/* ----------------------------------------------------------------- BLAS */

/* Name of the CPU core OpenBLAS selected (e.g. "Haswell", "Prescott"), or
 * "" when the BLAS in use is not OpenBLAS.  Thread-safe. */
NMF_API const char *nmf_blas_core(void);

/* Non-zero when the BLAS runs generic kernels on a CPU that has better ones
 * (Debian's OpenBLAS 0.3.21 on some AVX-512 virtual machines); then
 * nmf_blas_advice() gives one line telling how to fix it
 * (e.g. "export OPENBLAS_CORETYPE=SkylakeX"), otherwise "".  The library
 * never changes BLAS settings itself.  Thread-safe. */
NMF_API int32_t nmf_blas_is_slow(void);
NMF_API const char *nmf_blas_advice(void);

#ifdef __cplusplus
}
#endif

#endif /* NMF_H */
