/*
 * nmf.h — the stable C ABI of libnmf (nmfkit).
 *
 * Non-negative matrix factorization A ≈ W · diag(d) · H of a non-negative
 * m × n matrix A into W (m × k) and H (k × n).
 *
 * Simple use
 * ----------
 *   #include <nmf.h>
 *
 *   double *A = ...;               // m x n, column-major, non-negative
 *   double *W = malloc(m * k * sizeof *W), *H = malloc(k * n * sizeof *H),
 *          *d = malloc(k * sizeof *d);
 *   nmf_matrix a;                  // describes A; nothing is copied
 *   nmf_matrix_dense(&a, sizeof a, NMF_SCALAR_DOUBLE, A, m, n, m);
 *   nmf_options opts;
 *   nmf_options_init(&opts, sizeof opts);  // the defaults
 *   opts.loss = NMF_LOSS_KL;               // set what you need
 *   opts.seed = 1;
 *   nmf_result res;
 *   nmf_result_init(&res, sizeof res);
 *   int32_t rc = nmf_fit(&a, k, W, d, H, &opts, &res);
 *   if (rc < 0) fprintf(stderr, "nmf: %s\n", nmf_last_error_message());
 *   // A ≈ W diag(d) H; res.iterations, res.rel_error, res.stop_reason
 *
 * A sparse A is described as CSC (nmf_matrix_csc), float data with
 * NMF_SCALAR_FLOAT (then W, d and H are float).  The same descriptor feeds
 * every operation: nmf_fit, nmf_symfit, nmf_consensus_fit and nmf_survey_fit
 * (consensus clustering and rank surveys, Brunet et al. 2004), nmf_bicv.
 * The typed functions of earlier releases (nmf_fit_dense_d, nmf_fit_csc_f_i32,
 * ...) remain as wrappers for this release and are deprecated.  Link with
 * `pkg-config --libs nmf` or CMake's find_package(nmf) and nmf::nmf.
 *
 * Every option of nmf_options, with its default, bounds or choice names
 * and a line of help, can be read at run time (nmf_option_count,
 * nmf_option_info, nmf_choice_value, nmf_choice_name): bindings read them
 * there rather than copying them.
 *
 * Conventions:
 *   - C99; every symbol starts with nmf_, every macro with NMF_.
 *   - All dimensions, strides and counts are int64_t.
 *   - Matrices are column-major.  The input A is an nmf_matrix (below):
 *     dense (data, m, n, lda) with lda >= max(1, m), element (i, j) at
 *     data[i + j * lda]; or compressed sparse column (CSC): col_ptr has
 *     n + 1 int64_t entries, row_ind (int32_t or int64_t) and values have
 *     col_ptr[n] entries, row indices strictly increasing within each
 *     column.  Inputs are read in
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
 * host threads on different outputs; the library's only global mutable
 * state is the per-thread error message, the pending notice
 * (nmf_take_notice) and a count of the calls inside, which hold OpenBLAS at
 * one thread until the last of them ends.  Each fit runs on the calling
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
#define NMF_ERR_NUMERICAL (-11)       /* LAPACK failure, non-finite iterate, or
                                         outputs (d, H) beyond the range of
                                         the scalar type */
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

/* nmf_options.loss.  Every loss is a sum over the entries,
 * sum_ij w_ij D(a_ij, (WH)_ij), with w_ij = 1 unless weights or missing
 * values are given (nmf_options.missing, .weights); plus the penalties. */
#define NMF_LOSS_FROBENIUS 0 /* D(a, y) = 1/2 (a - y)^2 */
#define NMF_LOSS_KL 1        /* generalized Kullback-Leibler (I-)divergence,
                                D(a, y) = a log(a / y) - a + y (0 log 0 = 0):
                                the Poisson log-likelihood, for counts */
#define NMF_LOSS_BETA 2      /* beta-divergence with beta = nmf_options.beta:
                                D(a, y) = (a^b + (b - 1) y^b - b a y^(b-1))
                                          / (b (b - 1)),
                                b = 2: FROBENIUS, b = 1: KL (the limit),
                                b = 0: Itakura-Saito a/y - log(a/y) - 1
                                (the limit; needs A > 0 on every entry in
                                the loss).  Results are identical to
                                FROBENIUS for b = 2 and KL for b = 1. */

/* nmf_options.solver.  Which solver works with which loss:
 *   FROBENIUS: ANLS, HALS, MU;  KL: MU, CD;  BETA: MU (and ANLS, HALS when
 *   beta = 2, CD when beta = 1).
 * Weights and missing values (nmf_options.missing, .weights) work with
 * every solver.  Extrapolation, sparse_w, sparse_h and ns_theta belong to
 * the Frobenius solvers ANLS and HALS.
 * NMF_SOLVER_AUTO picks (the choice is reported in nmf_result.solver):
 *   FROBENIUS (or BETA with beta = 2) -> HALS: with extrapolation it was
 *     the first to come within 0.1 % of the best loss on the dense, sparse
 *     and Golub benchmarks, but for some starts of one dense problem (the
 *     figures are in bench/README.md, "The solvers of this project against
 *     each other").  With weights or missing values -> ANLS:
 *     every column then has its own Gram matrix, whose construction
 *     dominates, so an exact solve costs little more than a HALS sweep.
 *     Extrapolation: see NMF_EXTRAPOLATION_AUTO.
 *   KL (or BETA with beta = 1) -> MU, dense or sparse A (so that both
 *     copies of a matrix give the same factors): MU reached a loss within
 *     0.1 % of the best first on the dense Golub data; CD was first on
 *     sparse counts (bench/README.md), so for sparse KL fits ask for CD.  A
 *     distributed fit has no CD (NMF_ERR_INVALID_ARGUMENT): its W update
 *     would need a sum over the processes for every coordinate and Newton
 *     step, where MU's needs one per iteration;
 *   any other beta -> MU, the one solver for it.
 * An unsupported pairing is NMF_ERR_INVALID_ARGUMENT naming both. */
#define NMF_SOLVER_AUTO 0 /* the library picks (above) */
#define NMF_SOLVER_HALS 1 /* accelerated HALS (Cichocki & Phan 2009;
                             Gillis & Glineur 2012) */
#define NMF_SOLVER_MU 2   /* multiplicative updates: Lee & Seung 2001 for
                             FROBENIUS, Brunet et al. 2004 for KL, Fevotte &
                             Idier 2011 for BETA (exponent gamma(beta): the
                             loss never increases); see mu_eps */
#define NMF_SOLVER_CD 3   /* cyclic coordinate descent with projected Newton
                             steps for KL (Hsieh & Dhillon 2011) */
#define NMF_SOLVER_ANLS 4 /* alternating non-negative least squares, each
                             half-iteration solved exactly by block
                             principal pivoting (Kim & Park 2011), warm-
                             started from the previous iterate, columns
                             with the same passive set sharing one
                             Cholesky factorisation; coordinate descent
                             finishes any column pivoting cannot (a
                             singular passive block) */

/* nmf_options.missing */
#define NMF_MISSING_NONE 0     /* every entry observed (default) */
#define NMF_MISSING_NAN 1      /* NaN entries of a dense A are missing */
#define NMF_MISSING_UNSTORED 2 /* CSC input: entries not stored are missing
                                  (recommender data) */

/* nmf_options.extrapolation (solvers ANLS and HALS) */
#define NMF_EXTRAPOLATION_AUTO (-1) /* on for the unweighted loss in double
                                       (HALS and ANLS); off for float fits
                                       (the float loss is too noisy for the
                                       accept/undo test), with weights or
                                       missing values, and for MU and CD,
                                       which have none (default) */
#define NMF_EXTRAPOLATION_OFF 0
#define NMF_EXTRAPOLATION_ON 1    /* ANLS and HALS only */

/* nmf_options.sketch: a warm start on a randomized sketch of A (randomized
 * NMF: Tepper & Sapiro 2016, Erichson et al. 2018).  Before the iterations
 * on A, Q (m x l, orthonormal) is found from A times a seeded Gaussian
 * matrix and one power iteration, B = Q^T A (l x n), and the solver
 * iterates from the start on the products (W^T Q) B and (H B^T) Q^T, which
 * cost O((m + n) l k) instead of O(m n k), until their relative decrease
 * is below 1e-4 (at most 200 iterations).  The fit then iterates on A
 * itself from there, with maxit, tol and progress as usual, so the answer
 * is a fit of A, not of the sketch.  The sketch costs about 4 l / (2 k)
 * iterations on A.  Frobenius loss with HALS or ANLS only; not with
 * weights, missing values, a distributed fit, or a given W or H. */
#define NMF_SKETCH_AUTO (-1) /* on for a dense A of at least 4e6 entries with
                                l <= min(m, n) / 4; off otherwise (default).
                                Where it is on, it shortened the time to a
                                given loss on the dense benchmarks
                                (bench/README.md, "Dense rerun with the
                                sketch warm start") */
#define NMF_SKETCH_OFF 0
#define NMF_SKETCH_ON 1      /* dense or CSC, any size with l < min(m, n) */

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
#define NMF_STOP_STABLE 5     /* the samples' assignment was unchanged for
                                 stable_checks checks (see stable_checks) */

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
 * columns of H) and calls nmf_fit with its block and the same options; W
 * is replicated.  Every callback is collective: all
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
  int64_t n_global;     /* columns of the whole matrix; -1 for a collective
                           that spreads the runs of a multi-start (below) */
  int64_t col_offset;   /* global index of this process's first column */
  void *ctx;            /* passed to the callbacks */
  void (*sum_d)(void *ctx, double *x, int64_t len);
  void (*sum_f)(void *ctx, float *x, int64_t len);
  void (*max_d)(void *ctx, double *x);
  void (*agree)(void *ctx, int32_t *code, char *message, int64_t capacity);
  /* This process's index (0-based) and the number of processes.  A fit
   * does not need them (a struct_size that ends before them is accepted by
   * the fits); the multi-start functions do: given opts->collective with
   * n_global = -1, nmf_consensus_fit and nmf_survey_fit spread their runs over
   * the processes, every process passing the whole matrix (see the
   * consensus section). */
  int32_t process;
  int32_t processes;
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
                           library splits the products itself; 1 in a
                           process forked after threads had started (see
                           nmf_take_notice); default 0 */
  int32_t maxit;        /* maximum outer iterations, >= 0; default 200 */
  double tol;           /* stop when (loss_prev - loss) / loss_prev < tol
                           (so also when the loss stops decreasing); >= 0;
                           0 disables this test; default 1e-5 */
  uint64_t seed;        /* seed of the random initialisation; default 42 */
  /* Penalties, all >= 0, default 0.  The objective is
   *   loss(A, WH) + l1_w sum(W) + l2_w/2 ||W||_F^2
   *               + l1_h sum(H) + l2_h/2 ||H||_F^2
   * (loss: see NMF_LOSS_*; 1/2 ||A - WH||_F^2 by default), plus the sparse
   * NMF terms (sparse_w, sparse_h), with the residual weighted (weights,
   * missing) or smoothed (ns_theta) as set below.  MU adds l1 and l2 x to
   * the denominator of its update: the objective still never increases for
   * l1, and for l2 when beta >= 2 (for l2 with beta < 2 this is the usual
   * heuristic). */
  double l1_w;
  double l1_h;
  double l2_w;
  double l2_h;
  /* Non-zero: W (resp. H) holds a user-supplied starting value on entry,
   * used instead of the init method.  If only one factor is supplied, the
   * other is computed from it by a non-negative least-squares update (ANLS
   * and HALS); for MU and CD it starts as a constant matching the mean of A and the
   * iterations fit it.  Default 0. */
  int32_t user_w;
  int32_t user_h;
  /* Non-zero: W (resp. H) is given on entry and held fixed; the other factor
   * is the exact non-negative least-squares solution (projection of new
   * samples onto known metagenes).  The fixed factor is returned unchanged,
   * d is set to 1 and the output is not reordered.  With MU or CD the other
   * factor is instead found by repeating its update alone until tol or maxit
   * stops it (stop reason TOL or MAXIT, not EXACT).  Default 0. */
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
  /* Missing values and entry weights.  The loss becomes
   * sum_ij w_ij D(a_ij, (WH)_ij); a missing entry has w_ij = 0 and its value
   * is never read by the updates (a NaN there is fine under
   * NMF_MISSING_NAN) nor by the internal scaling (max A is taken over the
   * entries with weight > 0); NNDSVD sees missing entries as zeros.
   *   missing: NMF_MISSING_*, default NMF_MISSING_NONE; NMF_MISSING_NAN
   *     needs a dense A, NMF_MISSING_UNSTORED a CSC A.
   *   weights: NULL (default, all 1) or finite non-negative weights: for a
   *     dense A an m x n column-major array with leading dimension
   *     weights_ld (>= m, else NMF_ERR_DIMENSION); for a CSC A one weight
   *     per stored entry (length col_ptr[n], aligned with values), the
   *     entries not stored having weight 1 (or being missing under
   *     NMF_MISSING_UNSTORED).  Weight 0 = missing.
   * Supported by every solver.  For ANLS and HALS (weighted least squares,
   * the NMF package's ls-nmf) each column's (and row's) problem has its
   * own Gram matrix W^T diag(w_j) W, built in O(k^2) per observed entry:
   * meant for moderate dense sizes and for sparse data with mostly missing
   * entries (NMF_MISSING_UNSTORED never forms a dense m x n array);
   * sparse_w, sparse_h and ns_theta are then not supported
   * (NMF_ERR_INVALID_ARGUMENT). */
  int32_t missing;
  const double *weights;
  int64_t weights_ld;
  /* NMF_LOSS_BETA: the beta of the beta-divergence, finite; default 1. */
  double beta;
  /* MU safeguard against zero-locking (a factor entry at 0 stays at 0 under
   * multiplicative updates): after each update, and on the starting
   * factors, every entry of W and H is raised to at least
   *   mu_eps * sqrt(max A)
   * (in the caller's units; the library works with A scaled to max 1 and
   * the factors scaled by sqrt(1 / max A), where the floor is mu_eps, as
   * max(x, eps) after each update in the NMF R package).  Also applied to
   * the starting factors of CD, which may then set exact zeros.  Finite,
   * >= 0; 0 disables it (a zero of WH where A > 0 then makes KL and beta < 2
   * fail with NMF_ERR_NUMERICAL).  Default 2.220446049250313e-16 (the
   * double epsilon). */
  double mu_eps;
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
   * part of a distributed fit (see nmf_collective; for the multi-start
   * functions, a spread multi-start: see the consensus section): A is this process's
   * block of n columns (n may be 0), H its k x n block of H (and d, W are
   * replicated).  The result equals the serial fit of the whole matrix by
   * the same solver to rounding.  Available: the Frobenius loss with HALS
   * or ANLS (with extrapolation, penalties, sparse_w/sparse_h, ns_theta),
   * and every loss (KL, beta, Frobenius) with MU (with penalties); random
   * or user-supplied starts, fix_w/fix_h.  Not available: weights or
   * missing values, the NNDSVD starts, and CD (NMF_SOLVER_AUTO picks MU
   * for KL here, see above).  Per iteration the processes sum A H^T and
   * H H^T (m k + k^2 values; MU for KL: m k + k, other betas: 2 m k) and a
   * few scalars.  The progress callback runs on every process; any
   * process asking to stop stops all. */
  const nmf_collective *collective;
  /* NMF_SKETCH_*; default NMF_SKETCH_AUTO (see above). */
  int32_t sketch;
  /* The sketch's rank l; 0 (default): k + 10.  Reduced to min(m, n) - 1. */
  int64_t sketch_rank;
  /* Brunet et al.'s (PNAS 2004) stopping rule for consensus runs, >= 0,
   * default 0 (off).  Every 10 iterations each sample j is assigned to
   * argmax_l d_l H_lj (the label a consensus run contributes); the fit
   * stops with NMF_STOP_STABLE when that assignment has been the same at
   * stable_checks consecutive checks, so at iteration 10 (stable_checks + 1)
   * at the earliest.  maxit and tol still apply (whichever comes first).
   * Any loss and solver; in a distributed fit a change on any process
   * counts.  The NMF package's default for its "brunet" method is 40 checks
   * (with maxit 2000).  Ignored by nmf_symfit*. */
  int32_t stable_checks;
} nmf_options;

/* Fill *opts with the defaults and set opts->struct_size = size.  size must
 * be at least offsetof(nmf_options, tol) + sizeof(double) (the fields up to
 * tol); a smaller struct of an older header is filled only up to size.
 * Returns NMF_OK, NMF_ERR_NULL_POINTER or NMF_ERR_STRUCT_SIZE.  Thread-safe. */
NMF_API int32_t nmf_options_init(nmf_options *opts, size_t size);

/* ------------------------------------------------------ options, described
 * The scalar options of nmf_options as data, so that a binding, a command
 * line or a help page can present names, defaults and limits without copying
 * them (the pointer and flag fields, user_w ... collective, are not listed).
 * Index i runs from 0 to nmf_option_count() - 1, in a fixed order. */
#define NMF_OPTION_INT 0    /* int32_t field */
#define NMF_OPTION_INT64 1  /* int64_t field */
#define NMF_OPTION_UINT64 2 /* uint64_t field (the seed) */
#define NMF_OPTION_REAL 3   /* double field; must be finite */
#define NMF_OPTION_CHOICE 4 /* int32_t field holding one of named values */

typedef struct nmf_option_desc {
  uint32_t struct_size;  /* set by the caller: sizeof(nmf_option_desc) */
  int32_t type;          /* NMF_OPTION_* */
  const char *name;      /* the field's name in nmf_options, e.g. "maxit" */
  const char *help;      /* one line of help */
  int64_t offset;        /* offsetof(nmf_options, <name>) */
  double default_value;  /* what nmf_options_init sets (exact for every
                            default; a choice's value) */
  double min, max;       /* bounds; -HUGE_VAL / HUGE_VAL where there is none */
  int32_t min_excluded;  /* non-zero: the value min itself is refused */
  int32_t max_excluded;  /* non-zero: the value max itself is refused */
  int32_t n_choices;     /* NMF_OPTION_CHOICE: how many named values */
  int32_t reserved;
} nmf_option_desc;

/* The number of described options.  Thread-safe. */
NMF_API int32_t nmf_option_count(void);
/* Fills *desc for option index (struct_size must be set, at least up to
 * n_choices).  Returns NMF_OK, NMF_ERR_NULL_POINTER, NMF_ERR_STRUCT_SIZE or
 * NMF_ERR_INVALID_ARGUMENT (index out of range).  The strings are static.
 * Thread-safe. */
NMF_API int32_t nmf_option_info(int32_t index, nmf_option_desc *desc);
/* The index of the option called name, or -1.  Thread-safe. */
NMF_API int32_t nmf_option_index(const char *name);
/* The name of choice j (0 <= j < n_choices) of option index and, if value
 * is not NULL, its value; NULL when there is none.  Thread-safe. */
NMF_API const char *nmf_option_choice(int32_t index, int32_t j, int32_t *value);
/* *value = the value of choice_name for option (e.g. "loss", "kl" gives
 * NMF_LOSS_KL).  Returns NMF_OK, NMF_ERR_NULL_POINTER, or
 * NMF_ERR_INVALID_ARGUMENT with a message listing the known names.
 * Thread-safe (the message is per thread). */
NMF_API int32_t nmf_choice_value(const char *option, const char *choice_name,
                                 int32_t *value);
/* The name of value among option's choices, or NULL.  Thread-safe. */
NMF_API const char *nmf_choice_name(const char *option, int32_t value);

/* ---------------------------------------------------------------- result */

typedef struct nmf_result {
  uint32_t struct_size;  /* set by the caller to sizeof(nmf_result), or by
                            nmf_result_init */
  int32_t stop_reason;   /* NMF_STOP_* */
  int64_t iterations;    /* outer iterations run */
  double loss;           /* objective (with penalties) at the last iterate;
                            +Inf if it exceeds the double range (possible
                            only for entries of A above about 1e154) */
  double rel_error;      /* ||A - WH||_F / ||A||_F at the last iterate,
                            whatever the loss (with weights or missing
                            values: sqrt(sum w (a - WH)^2 / sum w a^2)) */
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
  int64_t sketch_rank;   /* the sketch's rank l, 0 when none was used */
  int64_t sketch_iterations; /* iterations on the sketch before those on A
                                (not counted in iterations) */
  int32_t threads_used;  /* the most OpenMP threads that ran one of the
                            fit's shared products or HALS sweeps together:
                            1 when all ran on the calling thread (n_threads
                            = 1, a problem too small to be worth sharing, a
                            forked process, or a consensus run whose threads
                            went to the runs) */
  /* Optional caller-owned struct: if options_used is not NULL (its
   * struct_size set, e.g. by nmf_options_init), the library writes there
   * the value of every option of the option table (nmf_option_info) as the
   * fit read it: the caller's, or the default beyond the caller's
   * struct_size.  Its other fields are left as they are. */
  nmf_options *options_used;
} nmf_result;

/* Zero every field of *res (including the history buffer fields: set them
 * after this call) and set struct_size = size.
 * Returns NMF_OK, NMF_ERR_NULL_POINTER or NMF_ERR_STRUCT_SIZE.  Thread-safe. */
NMF_API int32_t nmf_result_init(nmf_result *res, size_t size);

/* ---------------------------------------------------------------- matrix */

/* nmf_matrix.layout */
#define NMF_LAYOUT_DENSE 1 /* column-major: data, lda */
#define NMF_LAYOUT_CSC 2   /* compressed sparse column: col_ptr, row_ind,
                              values */
/* nmf_matrix.scalar_type: the type of the entries, and of W, d and H */
#define NMF_SCALAR_DOUBLE 1
#define NMF_SCALAR_FLOAT 2
/* nmf_matrix.index_type: the type of a CSC matrix's row_ind */
#define NMF_INDEX_I32 1
#define NMF_INDEX_I64 2

/* The input matrix A of every operation, described, not copied.  Fill it
 * with nmf_matrix_dense or nmf_matrix_csc (or set every field, struct_size
 * = sizeof(nmf_matrix)); the value 0 of layout, scalar_type and index_type
 * is no valid choice, so a zeroed descriptor is refused rather than read
 * as something.  Fields are only ever appended.  Entry weights and missing
 * values are options (nmf_options.weights, .weights_ld, .missing).
 * Every entry point checks the descriptor first: NULL descriptor
 * (NMF_ERR_NULL_POINTER), struct_size (NMF_ERR_STRUCT_SIZE), an unknown
 * layout, scalar_type or (CSC) index_type (NMF_ERR_INVALID_ARGUMENT),
 * negative m or n, or m > 0 with lda < m (NMF_ERR_DIMENSION); the message
 * names the field, e.g. "nmf_matrix.lda = 3 is smaller than m = 5". */
typedef struct nmf_matrix {
  uint32_t struct_size;   /* sizeof(nmf_matrix) */
  int32_t layout;         /* NMF_LAYOUT_* */
  int32_t scalar_type;    /* NMF_SCALAR_* */
  int32_t index_type;     /* NMF_INDEX_* (CSC); ignored for dense */
  int64_t m, n;           /* rows, columns */
  int64_t lda;            /* dense: leading dimension, >= m; element (i, j)
                             is data[i + j * lda] */
  const void *data;       /* dense: the entries (double or float) */
  const int64_t *col_ptr; /* CSC: n + 1 column pointers */
  const void *row_ind;    /* CSC: col_ptr[n] row indices (int32_t or
                             int64_t), strictly increasing per column */
  const void *values;     /* CSC: col_ptr[n] entries (double or float) */
} nmf_matrix;

/* Describe a dense column-major m x n matrix (leading dimension lda) of
 * scalar_type in *a (size = sizeof *a; the other fields zeroed), or a CSC
 * matrix.  These only fill the fields (the entry points check them).
 * Return NMF_OK, NMF_ERR_NULL_POINTER (a NULL) or NMF_ERR_STRUCT_SIZE (size
 * < sizeof(nmf_matrix)).  Thread-safe. */
NMF_API int32_t nmf_matrix_dense(nmf_matrix *a, size_t size,
                                 int32_t scalar_type, const void *data,
                                 int64_t m, int64_t n, int64_t lda);
NMF_API int32_t nmf_matrix_csc(nmf_matrix *a, size_t size, int32_t scalar_type,
                               int32_t index_type, int64_t m, int64_t n,
                               const int64_t *col_ptr, const void *row_ind,
                               const void *values);

/* ------------------------------------------------------------------ fits */

/* Factor the m × n matrix A (an nmf_matrix, dense or CSC).
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
 * Same inputs and seed give bitwise-identical outputs for any n_threads.
 * W, d and H are double * or float *, as A's scalar_type says. */
NMF_API int32_t nmf_fit(const nmf_matrix *A, int64_t k, void *W, void *d,
                        void *H, const nmf_options *opts, nmf_result *result);

/* Deprecated: nmf_fit with the matrix described by the arguments (dense:
 * A, m, n, lda; CSC: m, n, col_ptr, row_ind, values; the suffix names the
 * value type d/f and the row index type i32/i64). */
NMF_API int32_t nmf_fit_dense_d(const double *A, int64_t m, int64_t n,
                                int64_t lda, int64_t k, double *W, double *d,
                                double *H, const nmf_options *opts,
                                nmf_result *result);
NMF_API int32_t nmf_fit_dense_f(const float *A, int64_t m, int64_t n,
                                int64_t lda, int64_t k, float *W, float *d,
                                float *H, const nmf_options *opts,
                                nmf_result *result);

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

/* ------------------------------------------------------- symmetric NMF */

/* Symmetric NMF: A ≈ H Hᵀ for a symmetric non-negative n × n matrix A (an
 * adjacency or similarity matrix of a network), H ≥ 0 (n × k): communities
 * are the argmax of H's rows, and (H Hᵀ)_ij scores the link i–j.  Method:
 * Kuang, Ding & Park (SDM 2012; J. Glob. Optim. 2015), alternating
 * non-negative least squares on ||A - W Hᵀ||² + alpha ||W - H||², alpha
 * starting at max(A) (the papers' max(A)² for a 0/1 adjacency matrix; for
 * any A, scaling A by c scales H by sqrt(c), to rounding) and multiplied by 10
 * whenever that problem has
 * converged (relative decrease of its objective below tol) while
 * ||W - H|| > sqrt(tol) ||H||; each half-step is solved by accelerated HALS
 * (NMF_SOLVER_HALS, the default for NMF_SOLVER_AUTO) or exactly by block
 * principal pivoting (NMF_SOLVER_ANLS).
 *
 * Options read from nmf_options: solver, n_threads, maxit, tol, seed,
 * progress/progress_data (called after each iteration with the penalised
 * objective as loss), hals_alpha, hals_delta.  Every other option must keep
 * its default (NMF_ERR_INVALID_ARGUMENT otherwise).  The start is seeded
 * uniform on [0, 2 sqrt(mean(A) / k)] (Kuang et al.); the same inputs and
 * seed give bitwise-identical H for any n_threads.
 *
 * Input: both triangles are read; entries must be finite and ≥ 0
 * (NMF_ERR_NEGATIVE / NMF_ERR_NOT_FINITE naming the entry); A must be
 * symmetric: |A_ij - A_ji| ≤ 1e-6 max|A|, else NMF_ERR_INVALID_ARGUMENT
 * naming the first offending pair (ordered by the larger index, then the
 * smaller; nmf_last_error_location gives it).  Diagonal entries (self-loops)
 * are accepted and fitted like any other entry.  A node whose column of A is
 * zero (isolated) keeps a zero row in H and is counted in isolated.  k > n is
 * NMF_ERR_RANK.  A entirely zero gives H = 0 and stop reason NMF_STOP_EXACT.
 *
 * Output H (n × k, column-major, caller-owned): components ordered by their
 * squared norm, largest first.  The caller's H buffer is also used as work
 * space, so on an error its contents are unspecified. */
typedef struct nmf_symfit_result {
  uint32_t struct_size; /* set by nmf_symfit_result_init */
  int32_t stop_reason;  /* NMF_STOP_* */
  int64_t iterations;   /* outer iterations (one W and one H half-step each) */
  double loss;          /* ||A - H Hᵀ||_F² at the returned H (no factor 1/2) */
  double rel_error;     /* ||A - H Hᵀ||_F / ||A||_F */
  int32_t solver;       /* NMF_SOLVER_HALS or NMF_SOLVER_ANLS: what was used */
  int32_t reserved;     /* 0 */
  int64_t isolated;     /* nodes with a zero column of A (zero rows of H) */
  double gap;           /* ||W - H||_F / ||H||_F at the end */
  double alpha;         /* the last penalty weight, caller's units */
  double seconds;       /* wall-clock time */
  /* Optional caller-owned buffer for the penalised objective after each
   * iteration (non-increasing while alpha stays the same), as in
   * nmf_result. */
  double *loss_history;
  int64_t loss_history_capacity;
  int64_t history_length;
} nmf_symfit_result;

/* Zero *res and set struct_size = size (at least up to rel_error).
 * Returns NMF_OK, NMF_ERR_NULL_POINTER or NMF_ERR_STRUCT_SIZE. */
NMF_API int32_t nmf_symfit_result_init(nmf_symfit_result *res, size_t size);

/* A: an n × n nmf_matrix, dense or CSC (m = n, else NMF_ERR_DIMENSION); H
 * is double * or float * as its scalar_type says.  opts and result may be
 * NULL.  Returns NMF_OK, NMF_CANCELLED (H holds the last complete iterate)
 * or an error (see above).  Thread-safe for distinct outputs. */
NMF_API int32_t nmf_symfit(const nmf_matrix *A, int64_t k, void *H,
                           const nmf_options *opts, nmf_symfit_result *result);

/* Deprecated: nmf_symfit with the matrix described by the arguments (dense
 * A, n, lda; CSC n, col_ptr, row_ind, values). */
NMF_API int32_t nmf_symfit_dense_d(const double *A, int64_t n, int64_t lda,
                                   int64_t k, double *H, const nmf_options *opts,
                                   nmf_symfit_result *result);
NMF_API int32_t nmf_symfit_dense_f(const float *A, int64_t n, int64_t lda,
                                   int64_t k, float *H, const nmf_options *opts,
                                   nmf_symfit_result *result);
NMF_API int32_t nmf_symfit_csc_d_i32(int64_t n, const int64_t *col_ptr,
                                     const int32_t *row_ind, const double *values,
                                     int64_t k, double *H, const nmf_options *opts,
                                     nmf_symfit_result *result);
NMF_API int32_t nmf_symfit_csc_d_i64(int64_t n, const int64_t *col_ptr,
                                     const int64_t *row_ind, const double *values,
                                     int64_t k, double *H, const nmf_options *opts,
                                     nmf_symfit_result *result);
NMF_API int32_t nmf_symfit_csc_f_i32(int64_t n, const int64_t *col_ptr,
                                     const int32_t *row_ind, const float *values,
                                     int64_t k, float *H, const nmf_options *opts,
                                     nmf_symfit_result *result);
NMF_API int32_t nmf_symfit_csc_f_i64(int64_t n, const int64_t *col_ptr,
                                     const int64_t *row_ind, const float *values,
                                     int64_t k, float *H, const nmf_options *opts,
                                     nmf_symfit_result *result);

/* --------------------------------------------------------------- memory */

/* Bytes of memory available to this process as the library sees it: the
 * least of the system's available memory, the container's (cgroup) memory
 * limit less its usage, and the address-space limit (ulimit -v) less what
 * the process maps; -1 if unknown.  A fit whose working memory would exceed
 * it is refused with NMF_ERR_OUT_OF_MEMORY before anything is allocated; a
 * consumer may refuse its own large allocations the same way.  Thread-safe. */
NMF_API int64_t nmf_available_memory(void);

/* ----------------------------------------------------------------- rank */

/* NMF_OK when 1 <= k <= min(m, n), the ranks every fit, consensus and
 * survey accepts (they check it themselves; bi-cross-validation asks more
 * of its held-out blocks); otherwise
 * NMF_ERR_RANK with the detail in nmf_last_error_message() ("k = 40 exceeds
 * min(m, n) = 38").  For a consumer that must refuse a rank before it
 * allocates W and H.  Thread-safe. */
NMF_API int32_t nmf_check_rank(int64_t m, int64_t n, int64_t k);

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

/* ----------------------------------------------------------------- SIMD */

/* Which instruction-set variant of the library's own inner loops (HALS
 * sweeps, sparse products, KL kernels) runs on this CPU: "avx512f", "avx2"
 * or "default" (the portable copy; also the answer where the build has no
 * run-time dispatch).  Every variant gives the same bits; only the speed
 * differs.  Benchmarks record it beside nmf_blas_core().  A static string;
 * thread-safe. */
NMF_API const char *nmf_simd_path(void);

/* -------------------------------------------------------------- notices */

/* The library never prints; what a host should show its user comes through
 * here.  Returns the pending one-line notice, or NULL when there is none.
 * Each notice is returned once, to whichever thread asks first; the text
 * stays valid for the life of the process.  Hosts show it after a call (the
 * R package with message(), the CLI on stderr, the Python binding as a
 * RuntimeWarning).  Thread-safe.
 *
 * The one notice today: in a process forked after it (or its parent) had
 * started OpenMP worker threads, as R's parallel::mclapply and Python's
 * multiprocessing (fork start method) do, every call runs on one thread
 * whatever n_threads says, since a forked GNU OpenMP runtime would wait
 * forever for the workers the child does not have.  The results are the
 * same bits as with any thread count.  Posted once per process, by the
 * first call held to one thread. */
NMF_API const char *nmf_take_notice(void);

/* ======================================================================
 * Consensus clustering, rank selection and metagene markers
 * (Brunet, Tamayo, Golub & Mesirov, PNAS 2004).
 *
 * A consensus run fits A nrun times at rank k from different random starts
 * (run r = 0, 1, ... uses the seed splitmix64(opts->seed + (r + 1) *
 * 0x9e3779b97f4a7c15), the splitmix64 finaliser z ^= z >> 30,
 * z *= 0xbf58476d1ce4e5b9, z ^= z >> 27, z *= 0x94d049bb133111eb,
 * z ^= z >> 31, which nmf_run_seed computes; so the result is the same for
 * any n_threads, and run r can be repeated alone with nmf_fit and
 * opts->seed = nmf_run_seed(opts->seed, r)), assigns sample j in each run to the
 * component l with the largest d_l H_lj, and averages the connectivity
 * matrices into the n x n consensus matrix C (C_ij = fraction of runs in
 * which samples i and j share a component).  Average linkage on 1 - C gives
 * the consensus clusters (the tree cut into k) and the cophenetic
 * correlation (Pearson correlation of 1 - C with the tree's cophenetic
 * distances); the dispersion (Kim & Park 2007) is
 * 1/n^2 sum_ij 4 (C_ij - 1/2)^2, and silhouette widths (Rousseeuw 1987) are
 * taken on 1 - C.  Memory is O(n^2) over samples, never over features.
 *
 * opts (may be NULL) is used for every run: any loss, solver and init;
 * user_w, user_h, fix_w and fix_h must be 0.  The runs go
 * min(nrun, n_threads) at a time over the threads.  opts->progress is
 * called on the calling thread only, as
 *   progress(runs completed, runs in total, best loss so far, its relative
 *            error, progress_data);
 * a non-zero return stops all runs.
 *
 * Spread over processes: with opts->collective set to a collective whose
 * n_global is -1 (nmf_mpi.h's nmf_mpi_collective_runs), every process calls
 * the same function with the whole matrix and the same arguments; process
 * p runs the runs r with r % processes == p (min(its runs, n_threads) at a
 * time), the runs' labels and losses are summed over the processes and the
 * best fit is sent from the process that ran it.  Every process receives
 * the same handle, equal to the serial one.  Processes holding different
 * problems (dimensions, rank, runs, seed, solver, loss, ranks or ||A||_F)
 * all return NMF_ERR_INVALID_ARGUMENT; an error or a cancellation on one
 * process is returned on every process.  Progress on each process counts
 * its own runs times the number of processes.  Bi-cross-validation is not
 * spread (its collective is ignored).
 *
 * Thread safety: handles are immutable once returned; any number of threads
 * may read one handle concurrently.
 * ==================================================================== */

/* The seed of run `run` (0-based) of a multi-start (consensus, survey) with
 * opts->seed = seed, as described above.  Thread-safe. */
NMF_API uint64_t nmf_run_seed(uint64_t seed, int64_t run);

/* Feature (marker) selection methods. */
#define NMF_FEATURES_KIM 0 /* Kim & Park 2007: entropy score, selected when
                              score > median + 3 MAD and max W_iq > median(W) */
#define NMF_FEATURES_MAX 1 /* Carmona-Saez et al. 2006: score max_q W_iq;
                              per component, the top features (by W_iq)
                              while their largest entry is in that component */

/* The outcome of a consensus run at one rank. */
typedef struct nmf_consensus nmf_consensus; /* opaque */

/* Summary of a consensus run.  Set struct_size = sizeof(nmf_consensus_info)
 * (at least offsetof(nmf_consensus_info, k) + 8); the library fills the
 * fields that fit. */
typedef struct nmf_consensus_info {
  uint32_t struct_size;
  int32_t best_stop_reason; /* NMF_STOP_* of the best run */
  int64_t m, n, k;
  int64_t nrun;             /* runs requested */
  int64_t runs_done;        /* runs completed (< nrun only when cancelled) */
  int64_t best_run;         /* 0-based index of the run with the lowest loss
                               (ties to the lower index) */
  int64_t best_iterations;
  double best_loss;         /* objective of the best run */
  double rel_error;         /* ||A - W diag(d) H||_F / ||A||_F, best run */
  double rss;               /* ||A - W diag(d) H||_F^2, best run */
  double evar;              /* explained variance 1 - rss / ||A||_F^2 */
  double cophenetic;        /* cophenetic correlation; NaN when undefined
                               (no variance, e.g. n = 2) */
  double dispersion;        /* in [0, 1]; 1 for a consensus of 0s and 1s */
  double silhouette;        /* mean silhouette width of the consensus
                               clusters */
  double seconds;           /* wall-clock time of the runs and measures */
} nmf_consensus_info;

/* Runs the consensus at rank k (1 <= k <= min(m, n)) with nrun >= 1 runs
 * and stores a new handle in *out (free it with nmf_consensus_free).
 * Returns NMF_OK, NMF_CANCELLED (*out holds the runs completed, or NULL
 * when none completed) or an error (*out = NULL).  A: as for nmf_fit. */
NMF_API int32_t nmf_consensus_fit(const nmf_matrix *A, int64_t k,
                                  int64_t nrun, const nmf_options *opts,
                                  nmf_consensus **out);
/* Deprecated: nmf_consensus_fit with the matrix described by the arguments. */
NMF_API int32_t nmf_consensus_dense_d(const double *A, int64_t m, int64_t n,
                                      int64_t lda, int64_t k, int64_t nrun,
                                      const nmf_options *opts,
                                      nmf_consensus **out);
NMF_API int32_t nmf_consensus_dense_f(const float *A, int64_t m, int64_t n,
                                      int64_t lda, int64_t k, int64_t nrun,
                                      const nmf_options *opts,
                                      nmf_consensus **out);
NMF_API int32_t nmf_consensus_csc_d_i32(int64_t m, int64_t n,
                                        const int64_t *col_ptr,
                                        const int32_t *row_ind,
                                        const double *values, int64_t k,
                                        int64_t nrun, const nmf_options *opts,
                                        nmf_consensus **out);
NMF_API int32_t nmf_consensus_csc_d_i64(int64_t m, int64_t n,
                                        const int64_t *col_ptr,
                                        const int64_t *row_ind,
                                        const double *values, int64_t k,
                                        int64_t nrun, const nmf_options *opts,
                                        nmf_consensus **out);
NMF_API int32_t nmf_consensus_csc_f_i32(int64_t m, int64_t n,
                                        const int64_t *col_ptr,
                                        const int32_t *row_ind,
                                        const float *values, int64_t k,
                                        int64_t nrun, const nmf_options *opts,
                                        nmf_consensus **out);
NMF_API int32_t nmf_consensus_csc_f_i64(int64_t m, int64_t n,
                                        const int64_t *col_ptr,
                                        const int64_t *row_ind,
                                        const float *values, int64_t k,
                                        int64_t nrun, const nmf_options *opts,
                                        nmf_consensus **out);

/* Frees a handle from nmf_consensus_fit (NULL is ignored). */
NMF_API void nmf_consensus_free(nmf_consensus *c);

/* Fills *info (see nmf_consensus_info). */
NMF_API int32_t nmf_consensus_get_info(const nmf_consensus *c,
                                       nmf_consensus_info *info);

/* The n x n consensus matrix into C (leading dimension ldc >= n). */
NMF_API int32_t nmf_consensus_matrix(const nmf_consensus *c, double *C,
                                     int64_t ldc);

/* n labels each, 0-based; either pointer may be NULL.  cluster: the
 * consensus clusters (the average-linkage tree of 1 - C cut into k
 * clusters, numbered in the order of their first sample); best_fit: the
 * component with the largest d_l H_lj in the best run. */
NMF_API int32_t nmf_consensus_labels(const nmf_consensus *c, int32_t *cluster,
                                     int32_t *best_fit);

/* n silhouette widths of the consensus clusters, on 1 - C. */
NMF_API int32_t nmf_consensus_silhouette(const nmf_consensus *c,
                                         double *width);

/* The average-linkage tree of 1 - C in the form of R's hclust; any pointer
 * may be NULL.  merge: (n - 1) x 2, column-major (merge[s] and
 * merge[s + n - 1] are joined at step s): -(j + 1) is sample j, s' + 1 the
 * cluster of step s'.  height: n - 1 join heights.  order: n samples, the
 * leaf order of the tree (0-based). */
NMF_API int32_t nmf_consensus_tree(const nmf_consensus *c, int64_t *merge,
                                   double *height, int64_t *order);

/* The best run's canonical factors: W m x k, d k (may be NULL: then
 * multiplied into the rows of H), H k x n. */
NMF_API int32_t nmf_consensus_best_fit(const nmf_consensus *c, double *W,
                                       double *d, double *H);

/* Every completed run: labels n x runs_done, column-major (0-based
 * components, labels[j + r * n]), and loss (runs_done values); either may
 * be NULL. */
NMF_API int32_t nmf_consensus_runs(const nmf_consensus *c, int32_t *labels,
                                   double *loss);

/* ---- Rank survey: a consensus run at every rank of a list, and
 * optionally the same on a copy of A with the entries of every row randomly
 * permuted (the null baseline: structure shared between rows destroyed). */

typedef struct nmf_survey nmf_survey; /* opaque */

typedef struct nmf_survey_options {
  uint32_t struct_size; /* set by nmf_survey_options_init */
  int32_t randomized;   /* non-zero: also survey the row-permuted copy;
                           default 0 */
  int64_t nrun;         /* runs per rank, >= 1; default 30 */
  uint64_t random_seed; /* seed of the permutation; default 1 */
} nmf_survey_options;

/* Defaults into *o (size = sizeof *o).  Returns NMF_OK,
 * NMF_ERR_NULL_POINTER or NMF_ERR_STRUCT_SIZE. */
NMF_API int32_t nmf_survey_options_init(nmf_survey_options *o, size_t size);

/* A: as for nmf_fit.  ranks: n_ranks >= 1 ranks, each in [1, min(m, n)].
 * sopts and opts may be NULL.  Progress counts the runs of the whole
 * survey.  Stores a new handle in *out on NMF_OK; on NMF_CANCELLED or an
 * error *out = NULL. */
NMF_API int32_t nmf_survey_fit(const nmf_matrix *A, const int64_t *ranks,
                               int64_t n_ranks, const nmf_survey_options *sopts,
                               const nmf_options *opts, nmf_survey **out);
/* Deprecated: nmf_survey_fit with the matrix described by the arguments. */
NMF_API int32_t nmf_survey_dense_d(const double *A, int64_t m, int64_t n,
                                   int64_t lda, const int64_t *ranks,
                                   int64_t n_ranks,
                                   const nmf_survey_options *sopts,
                                   const nmf_options *opts, nmf_survey **out);
NMF_API int32_t nmf_survey_dense_f(const float *A, int64_t m, int64_t n,
                                   int64_t lda, const int64_t *ranks,
                                   int64_t n_ranks,
                                   const nmf_survey_options *sopts,
                                   const nmf_options *opts, nmf_survey **out);
NMF_API int32_t nmf_survey_csc_d_i32(int64_t m, int64_t n,
                                     const int64_t *col_ptr,
                                     const int32_t *row_ind,
                                     const double *values,
                                     const int64_t *ranks, int64_t n_ranks,
                                     const nmf_survey_options *sopts,
                                     const nmf_options *opts,
                                     nmf_survey **out);
NMF_API int32_t nmf_survey_csc_d_i64(int64_t m, int64_t n,
                                     const int64_t *col_ptr,
                                     const int64_t *row_ind,
                                     const double *values,
                                     const int64_t *ranks, int64_t n_ranks,
                                     const nmf_survey_options *sopts,
                                     const nmf_options *opts,
                                     nmf_survey **out);
NMF_API int32_t nmf_survey_csc_f_i32(int64_t m, int64_t n,
                                     const int64_t *col_ptr,
                                     const int32_t *row_ind,
                                     const float *values,
                                     const int64_t *ranks, int64_t n_ranks,
                                     const nmf_survey_options *sopts,
                                     const nmf_options *opts,
                                     nmf_survey **out);
NMF_API int32_t nmf_survey_csc_f_i64(int64_t m, int64_t n,
                                     const int64_t *col_ptr,
                                     const int64_t *row_ind,
                                     const float *values,
                                     const int64_t *ranks, int64_t n_ranks,
                                     const nmf_survey_options *sopts,
                                     const nmf_options *opts,
                                     nmf_survey **out);

/* Frees a survey and every consensus handle it holds (NULL is ignored). */
NMF_API void nmf_survey_free(nmf_survey *s);
/* The number of ranks surveyed (0 for NULL). */
NMF_API int64_t nmf_survey_size(const nmf_survey *s);
/* The consensus of the index-th rank (0-based, in the order given) of the
 * data (randomized = 0) or of the row-permuted copy (randomized != 0), or
 * NULL when out of range or not surveyed.  The handle belongs to the survey:
 * do not free it; it lives until nmf_survey_free. */
NMF_API const nmf_consensus *nmf_survey_get(const nmf_survey *s,
                                            int64_t index,
                                            int32_t randomized);

/* ---- Rank by bi-cross-validation (Owen & Perry 2009).  Rows are split at
 * random into row_groups groups and columns into col_groups groups; each
 * block (I, J) is held out in turn: NMF of A[-I,-J] at rank k gives
 * W diag(d) H; H_J is the NNLS solution of A[-I,J] with W diag(d) fixed,
 * W_I that of A[I,-J] with H fixed; A[I,J] is predicted by W_I H_J.  The
 * error of rank k is sum ||A[I,J] - W_I H_J||_F^2 / ||A||_F^2 over the
 * blocks, averaged over reps random splits; the suggested rank is the one
 * with the smallest error (the smaller rank on ties). */

typedef struct nmf_bicv_options {
  uint32_t struct_size; /* set by nmf_bicv_options_init */
  int32_t row_groups;   /* >= 2 and <= m; default 2 */
  int32_t col_groups;   /* >= 2 and <= n; default 2 */
  int32_t reps;         /* random splits, >= 1; default 1 */
  uint64_t seed;        /* seed of the splits; default 1 */
} nmf_bicv_options;

NMF_API int32_t nmf_bicv_options_init(nmf_bicv_options *o, size_t size);

/* A: as for nmf_fit, dense or CSC.  ranks: n_ranks >= 1 ranks, each at most
 * min(floor(m / row_groups), floor(n / col_groups)).  opts may be NULL (any
 * loss/solver/init; user_w, user_h, fix_w, fix_h must be 0; opts->seed
 * seeds the fits; progress is not called).  Outputs (caller-owned):
 * error (n_ranks values), fold_error (may be NULL: reps * row_groups *
 * col_groups values per rank, fold_error[f + r * folds]), suggested_k (may
 * be NULL).  Independent of n_threads.  Entry weights and missing values
 * are not taken (opts->weights NULL, opts->missing NMF_MISSING_NONE; else
 * NMF_ERR_INVALID_ARGUMENT).
 *
 * A CSC matrix is never made dense: each fold copies its blocks as
 * CSC, and the held-out error is computed from the stored entries of
 * A[I,J] and the Gram matrices of W_I and H_J.  The splits and fit seeds are
 * those of a dense one: a CSC copy of a dense matrix gives the same
 * errors to rounding.  A malformed structure is NMF_ERR_SPARSE_STRUCTURE.
 * Memory beyond A: per thread, up to the stored entries of the retained
 * block A[-I,-J] and its fit's workspace. */
NMF_API int32_t nmf_bicv(const nmf_matrix *A, const int64_t *ranks,
                         int64_t n_ranks, const nmf_bicv_options *bopts,
                         const nmf_options *opts, double *error,
                         double *fold_error, int64_t *suggested_k);
/* Deprecated: nmf_bicv with the matrix described by the arguments. */
NMF_API int32_t nmf_bicv_dense_d(const double *A, int64_t m, int64_t n,
                                 int64_t lda, const int64_t *ranks,
                                 int64_t n_ranks,
                                 const nmf_bicv_options *bopts,
                                 const nmf_options *opts, double *error,
                                 double *fold_error, int64_t *suggested_k);
NMF_API int32_t nmf_bicv_dense_f(const float *A, int64_t m, int64_t n,
                                 int64_t lda, const int64_t *ranks,
                                 int64_t n_ranks,
                                 const nmf_bicv_options *bopts,
                                 const nmf_options *opts, double *error,
                                 double *fold_error, int64_t *suggested_k);
NMF_API int32_t nmf_bicv_csc_d_i32(int64_t m, int64_t n,
                                   const int64_t *col_ptr,
                                   const int32_t *row_ind,
                                   const double *values, const int64_t *ranks,
                                   int64_t n_ranks,
                                   const nmf_bicv_options *bopts,
                                   const nmf_options *opts, double *error,
                                   double *fold_error, int64_t *suggested_k);
NMF_API int32_t nmf_bicv_csc_d_i64(int64_t m, int64_t n,
                                   const int64_t *col_ptr,
                                   const int64_t *row_ind,
                                   const double *values, const int64_t *ranks,
                                   int64_t n_ranks,
                                   const nmf_bicv_options *bopts,
                                   const nmf_options *opts, double *error,
                                   double *fold_error, int64_t *suggested_k);
NMF_API int32_t nmf_bicv_csc_f_i32(int64_t m, int64_t n,
                                   const int64_t *col_ptr,
                                   const int32_t *row_ind,
                                   const float *values, const int64_t *ranks,
                                   int64_t n_ranks,
                                   const nmf_bicv_options *bopts,
                                   const nmf_options *opts, double *error,
                                   double *fold_error, int64_t *suggested_k);
NMF_API int32_t nmf_bicv_csc_f_i64(int64_t m, int64_t n,
                                   const int64_t *col_ptr,
                                   const int64_t *row_ind,
                                   const float *values, const int64_t *ranks,
                                   int64_t n_ranks,
                                   const nmf_bicv_options *bopts,
                                   const nmf_options *opts, double *error,
                                   double *fold_error, int64_t *suggested_k);

/* ---- Metagene markers from a basis W (m x k, leading dimension ldw >= m,
 * non-negative).  method: NMF_FEATURES_KIM (needs k >= 2) or
 * NMF_FEATURES_MAX.  Thread-safe. */

/* score: m values (Kim: 1 + 1/log2(k) sum_q p_iq log2 p_iq with
 * p_iq = W_iq / sum_r W_ir, in [0, 1]; max: max_q W_iq). */
NMF_API int32_t nmf_feature_scores(const double *W, int64_t m, int64_t k,
                                   int64_t ldw, int32_t method,
                                   double *score);
/* component: m values, the 0-based component each selected feature marks,
 * -1 for features not selected; n_selected (may be NULL): their number. */
NMF_API int32_t nmf_select_features(const double *W, int64_t m, int64_t k,
                                    int64_t ldw, int32_t method,
                                    int32_t *component, int64_t *n_selected);

#ifdef __cplusplus
}
#endif

#endif /* NMF_H */
