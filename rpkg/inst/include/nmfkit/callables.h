/* The functions of nmfkit's C ABI (nmf.h) that the package registers with
 * R_RegisterCCallable, for nmfkit.h (the wrappers other packages call) and
 * for the package's init (the registration).  Generated from nmf.h by
 * scripts/rpkg-callables.py (run by scripts/rpkg-sync.sh); the package's
 * tests (test-linkingto.R) check that it lists every function.
 *   NMFKIT_CALLABLE(return type, name, (parameters), (arguments))
 *   NMFKIT_CALLABLE_VOID(name, (parameters), (arguments))
 * where name is the C ABI's name without its nmf_ prefix. */
NMFKIT_CALLABLE(const char*, version, (void), ())
NMFKIT_CALLABLE(int32_t, version_number, (void), ())
NMFKIT_CALLABLE(const char*, strerror, (int32_t status), (status))
NMFKIT_CALLABLE(const char*, last_error_message, (void), ())
NMFKIT_CALLABLE(int32_t, last_error_location, (int64_t *row, int64_t *col),
    (row, col))
NMFKIT_CALLABLE(int32_t, last_error_matrix, (void), ())
NMFKIT_CALLABLE(int32_t, constant, (const char *name), (name))
NMFKIT_CALLABLE(int32_t, options_init, (nmf_options *opts, size_t size),
    (opts, size))
NMFKIT_CALLABLE(int32_t, option_count, (void), ())
NMFKIT_CALLABLE(int32_t, option_info, (int32_t index, nmf_option_desc *desc),
    (index, desc))
NMFKIT_CALLABLE(int32_t, option_index, (const char *name), (name))
NMFKIT_CALLABLE(const char*, option_choice, (int32_t index, int32_t j, int32_t
    *value), (index, j, value))
NMFKIT_CALLABLE(int32_t, choice_value, (const char *option, const char
    *choice_name, int32_t *value), (option, choice_name, value))
NMFKIT_CALLABLE(const char*, choice_name, (const char *option, int32_t value),
    (option, value))
NMFKIT_CALLABLE(int32_t, result_init, (nmf_result *res, size_t size), (res,
    size))
NMFKIT_CALLABLE(int32_t, matrix_dense, (nmf_matrix *a, size_t size, int32_t
    scalar_type, const void *data, int64_t m, int64_t n, int64_t lda), (a,
    size, scalar_type, data, m, n, lda))
NMFKIT_CALLABLE(int32_t, matrix_csc, (nmf_matrix *a, size_t size, int32_t
    scalar_type, int32_t index_type, int64_t m, int64_t n, const int64_t
    *col_ptr, const void *row_ind, const void *values), (a, size, scalar_type,
    index_type, m, n, col_ptr, row_ind, values))
NMFKIT_CALLABLE(int32_t, fit, (const nmf_matrix *A, int64_t k, void *W, void
    *d, void *H, const nmf_options *opts, nmf_result *result), (A, k, W, d, H,
    opts, result))
NMFKIT_CALLABLE(int32_t, fit_dense_d, (const double *A, int64_t m, int64_t n,
    int64_t lda, int64_t k, double *W, double *d, double *H, const nmf_options
    *opts, nmf_result *result), (A, m, n, lda, k, W, d, H, opts, result))
NMFKIT_CALLABLE(int32_t, fit_dense_f, (const float *A, int64_t m, int64_t n,
    int64_t lda, int64_t k, float *W, float *d, float *H, const nmf_options
    *opts, nmf_result *result), (A, m, n, lda, k, W, d, H, opts, result))
NMFKIT_CALLABLE(int32_t, fit_csc_d_i32, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int32_t *row_ind, const double *values, int64_t k, double
    *W, double *d, double *H, const nmf_options *opts, nmf_result *result),
    (m, n, col_ptr, row_ind, values, k, W, d, H, opts, result))
NMFKIT_CALLABLE(int32_t, fit_csc_d_i64, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int64_t *row_ind, const double *values, int64_t k, double
    *W, double *d, double *H, const nmf_options *opts, nmf_result *result),
    (m, n, col_ptr, row_ind, values, k, W, d, H, opts, result))
NMFKIT_CALLABLE(int32_t, fit_csc_f_i32, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int32_t *row_ind, const float *values, int64_t k, float
    *W, float *d, float *H, const nmf_options *opts, nmf_result *result), (m,
    n, col_ptr, row_ind, values, k, W, d, H, opts, result))
NMFKIT_CALLABLE(int32_t, fit_csc_f_i64, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int64_t *row_ind, const float *values, int64_t k, float
    *W, float *d, float *H, const nmf_options *opts, nmf_result *result), (m,
    n, col_ptr, row_ind, values, k, W, d, H, opts, result))
NMFKIT_CALLABLE(int32_t, symfit_result_init, (nmf_symfit_result *res, size_t
    size), (res, size))
NMFKIT_CALLABLE(int32_t, symfit, (const nmf_matrix *A, int64_t k, void *H,
    const nmf_options *opts, nmf_symfit_result *result), (A, k, H, opts,
    result))
NMFKIT_CALLABLE(int32_t, symfit_dense_d, (const double *A, int64_t n, int64_t
    lda, int64_t k, double *H, const nmf_options *opts, nmf_symfit_result
    *result), (A, n, lda, k, H, opts, result))
NMFKIT_CALLABLE(int32_t, symfit_dense_f, (const float *A, int64_t n, int64_t
    lda, int64_t k, float *H, const nmf_options *opts, nmf_symfit_result
    *result), (A, n, lda, k, H, opts, result))
NMFKIT_CALLABLE(int32_t, symfit_csc_d_i32, (int64_t n, const int64_t *col_ptr,
    const int32_t *row_ind, const double *values, int64_t k, double *H, const
    nmf_options *opts, nmf_symfit_result *result), (n, col_ptr, row_ind,
    values, k, H, opts, result))
NMFKIT_CALLABLE(int32_t, symfit_csc_d_i64, (int64_t n, const int64_t *col_ptr,
    const int64_t *row_ind, const double *values, int64_t k, double *H, const
    nmf_options *opts, nmf_symfit_result *result), (n, col_ptr, row_ind,
    values, k, H, opts, result))
NMFKIT_CALLABLE(int32_t, symfit_csc_f_i32, (int64_t n, const int64_t *col_ptr,
    const int32_t *row_ind, const float *values, int64_t k, float *H, const
    nmf_options *opts, nmf_symfit_result *result), (n, col_ptr, row_ind,
    values, k, H, opts, result))
NMFKIT_CALLABLE(int32_t, symfit_csc_f_i64, (int64_t n, const int64_t *col_ptr,
    const int64_t *row_ind, const float *values, int64_t k, float *H, const
    nmf_options *opts, nmf_symfit_result *result), (n, col_ptr, row_ind,
    values, k, H, opts, result))
NMFKIT_CALLABLE(int64_t, available_memory, (void), ())
NMFKIT_CALLABLE(int32_t, check_rank, (int64_t m, int64_t n, int64_t k), (m, n,
    k))
NMFKIT_CALLABLE(const char*, blas_core, (void), ())
NMFKIT_CALLABLE(int32_t, blas_is_slow, (void), ())
NMFKIT_CALLABLE(const char*, blas_advice, (void), ())
NMFKIT_CALLABLE(const char*, simd_path, (void), ())
NMFKIT_CALLABLE(const char*, take_notice, (void), ())
NMFKIT_CALLABLE(uint64_t, run_seed, (uint64_t seed, int64_t run), (seed, run))
NMFKIT_CALLABLE(int32_t, consensus_fit, (const nmf_matrix *A, int64_t k,
    int64_t nrun, const nmf_options *opts, nmf_consensus **out), (A, k, nrun,
    opts, out))
NMFKIT_CALLABLE(int32_t, consensus_dense_d, (const double *A, int64_t m,
    int64_t n, int64_t lda, int64_t k, int64_t nrun, const nmf_options *opts,
    nmf_consensus **out), (A, m, n, lda, k, nrun, opts, out))
NMFKIT_CALLABLE(int32_t, consensus_dense_f, (const float *A, int64_t m,
    int64_t n, int64_t lda, int64_t k, int64_t nrun, const nmf_options *opts,
    nmf_consensus **out), (A, m, n, lda, k, nrun, opts, out))
NMFKIT_CALLABLE(int32_t, consensus_csc_d_i32, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int32_t *row_ind, const double *values, int64_t k,
    int64_t nrun, const nmf_options *opts, nmf_consensus **out), (m, n,
    col_ptr, row_ind, values, k, nrun, opts, out))
NMFKIT_CALLABLE(int32_t, consensus_csc_d_i64, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int64_t *row_ind, const double *values, int64_t k,
    int64_t nrun, const nmf_options *opts, nmf_consensus **out), (m, n,
    col_ptr, row_ind, values, k, nrun, opts, out))
NMFKIT_CALLABLE(int32_t, consensus_csc_f_i32, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int32_t *row_ind, const float *values, int64_t k,
    int64_t nrun, const nmf_options *opts, nmf_consensus **out), (m, n,
    col_ptr, row_ind, values, k, nrun, opts, out))
NMFKIT_CALLABLE(int32_t, consensus_csc_f_i64, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int64_t *row_ind, const float *values, int64_t k,
    int64_t nrun, const nmf_options *opts, nmf_consensus **out), (m, n,
    col_ptr, row_ind, values, k, nrun, opts, out))
NMFKIT_CALLABLE_VOID(consensus_free, (nmf_consensus *c), (c))
NMFKIT_CALLABLE(int32_t, consensus_get_info, (const nmf_consensus *c,
    nmf_consensus_info *info), (c, info))
NMFKIT_CALLABLE(int32_t, consensus_matrix, (const nmf_consensus *c, double *C,
    int64_t ldc), (c, C, ldc))
NMFKIT_CALLABLE(int32_t, consensus_labels, (const nmf_consensus *c, int32_t
    *cluster, int32_t *best_fit), (c, cluster, best_fit))
NMFKIT_CALLABLE(int32_t, consensus_silhouette, (const nmf_consensus *c, double
    *width), (c, width))
NMFKIT_CALLABLE(int32_t, consensus_tree, (const nmf_consensus *c, int64_t
    *merge, double *height, int64_t *order), (c, merge, height, order))
NMFKIT_CALLABLE(int32_t, consensus_best_fit, (const nmf_consensus *c, double
    *W, double *d, double *H), (c, W, d, H))
NMFKIT_CALLABLE(int32_t, consensus_runs, (const nmf_consensus *c, int32_t
    *labels, double *loss), (c, labels, loss))
NMFKIT_CALLABLE(int32_t, survey_options_init, (nmf_survey_options *o, size_t
    size), (o, size))
NMFKIT_CALLABLE(int32_t, survey_fit, (const nmf_matrix *A, const int64_t
    *ranks, int64_t n_ranks, const nmf_survey_options *sopts, const
    nmf_options *opts, nmf_survey **out), (A, ranks, n_ranks, sopts, opts,
    out))
NMFKIT_CALLABLE(int32_t, survey_dense_d, (const double *A, int64_t m, int64_t
    n, int64_t lda, const int64_t *ranks, int64_t n_ranks, const
    nmf_survey_options *sopts, const nmf_options *opts, nmf_survey **out), (A,
    m, n, lda, ranks, n_ranks, sopts, opts, out))
NMFKIT_CALLABLE(int32_t, survey_dense_f, (const float *A, int64_t m, int64_t
    n, int64_t lda, const int64_t *ranks, int64_t n_ranks, const
    nmf_survey_options *sopts, const nmf_options *opts, nmf_survey **out), (A,
    m, n, lda, ranks, n_ranks, sopts, opts, out))
NMFKIT_CALLABLE(int32_t, survey_csc_d_i32, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int32_t *row_ind, const double *values, const
    int64_t *ranks, int64_t n_ranks, const nmf_survey_options *sopts, const
    nmf_options *opts, nmf_survey **out), (m, n, col_ptr, row_ind, values,
    ranks, n_ranks, sopts, opts, out))
NMFKIT_CALLABLE(int32_t, survey_csc_d_i64, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int64_t *row_ind, const double *values, const
    int64_t *ranks, int64_t n_ranks, const nmf_survey_options *sopts, const
    nmf_options *opts, nmf_survey **out), (m, n, col_ptr, row_ind, values,
    ranks, n_ranks, sopts, opts, out))
NMFKIT_CALLABLE(int32_t, survey_csc_f_i32, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int32_t *row_ind, const float *values, const
    int64_t *ranks, int64_t n_ranks, const nmf_survey_options *sopts, const
    nmf_options *opts, nmf_survey **out), (m, n, col_ptr, row_ind, values,
    ranks, n_ranks, sopts, opts, out))
NMFKIT_CALLABLE(int32_t, survey_csc_f_i64, (int64_t m, int64_t n, const
    int64_t *col_ptr, const int64_t *row_ind, const float *values, const
    int64_t *ranks, int64_t n_ranks, const nmf_survey_options *sopts, const
    nmf_options *opts, nmf_survey **out), (m, n, col_ptr, row_ind, values,
    ranks, n_ranks, sopts, opts, out))
NMFKIT_CALLABLE_VOID(survey_free, (nmf_survey *s), (s))
NMFKIT_CALLABLE(int64_t, survey_size, (const nmf_survey *s), (s))
NMFKIT_CALLABLE(const nmf_consensus*, survey_get, (const nmf_survey *s,
    int64_t index, int32_t randomized), (s, index, randomized))
NMFKIT_CALLABLE(int32_t, bicv_options_init, (nmf_bicv_options *o, size_t
    size), (o, size))
NMFKIT_CALLABLE(int32_t, bicv, (const nmf_matrix *A, const int64_t *ranks,
    int64_t n_ranks, const nmf_bicv_options *bopts, const nmf_options *opts,
    double *error, double *fold_error, int64_t *suggested_k), (A, ranks,
    n_ranks, bopts, opts, error, fold_error, suggested_k))
NMFKIT_CALLABLE(int32_t, bicv_dense_d, (const double *A, int64_t m, int64_t n,
    int64_t lda, const int64_t *ranks, int64_t n_ranks, const nmf_bicv_options
    *bopts, const nmf_options *opts, double *error, double *fold_error,
    int64_t *suggested_k), (A, m, n, lda, ranks, n_ranks, bopts, opts, error,
    fold_error, suggested_k))
NMFKIT_CALLABLE(int32_t, bicv_dense_f, (const float *A, int64_t m, int64_t n,
    int64_t lda, const int64_t *ranks, int64_t n_ranks, const nmf_bicv_options
    *bopts, const nmf_options *opts, double *error, double *fold_error,
    int64_t *suggested_k), (A, m, n, lda, ranks, n_ranks, bopts, opts, error,
    fold_error, suggested_k))
NMFKIT_CALLABLE(int32_t, bicv_csc_d_i32, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int32_t *row_ind, const double *values, const int64_t
    *ranks, int64_t n_ranks, const nmf_bicv_options *bopts, const nmf_options
    *opts, double *error, double *fold_error, int64_t *suggested_k), (m, n,
    col_ptr, row_ind, values, ranks, n_ranks, bopts, opts, error, fold_error,
    suggested_k))
NMFKIT_CALLABLE(int32_t, bicv_csc_d_i64, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int64_t *row_ind, const double *values, const int64_t
    *ranks, int64_t n_ranks, const nmf_bicv_options *bopts, const nmf_options
    *opts, double *error, double *fold_error, int64_t *suggested_k), (m, n,
    col_ptr, row_ind, values, ranks, n_ranks, bopts, opts, error, fold_error,
    suggested_k))
NMFKIT_CALLABLE(int32_t, bicv_csc_f_i32, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int32_t *row_ind, const float *values, const int64_t
    *ranks, int64_t n_ranks, const nmf_bicv_options *bopts, const nmf_options
    *opts, double *error, double *fold_error, int64_t *suggested_k), (m, n,
    col_ptr, row_ind, values, ranks, n_ranks, bopts, opts, error, fold_error,
    suggested_k))
NMFKIT_CALLABLE(int32_t, bicv_csc_f_i64, (int64_t m, int64_t n, const int64_t
    *col_ptr, const int64_t *row_ind, const float *values, const int64_t
    *ranks, int64_t n_ranks, const nmf_bicv_options *bopts, const nmf_options
    *opts, double *error, double *fold_error, int64_t *suggested_k), (m, n,
    col_ptr, row_ind, values, ranks, n_ranks, bopts, opts, error, fold_error,
    suggested_k))
NMFKIT_CALLABLE(int32_t, feature_scores, (const double *W, int64_t m, int64_t
    k, int64_t ldw, int32_t method, double *score), (W, m, k, ldw, method,
    score))
NMFKIT_CALLABLE(int32_t, select_features, (const double *W, int64_t m, int64_t
    k, int64_t ldw, int32_t method, int32_t *component, int64_t *n_selected),
    (W, m, k, ldw, method, component, n_selected))
