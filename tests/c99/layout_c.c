/* layout_c.c — the struct layout of nmf.h as a C compiler sees it, for
 * header_cxx.cpp to compare with the C++ view of the same header. */
#include "nmf.h"

#include <stddef.h>

#define NMF_LAYOUT_FIELDS(X)                                                 \
  X(nmf_options, struct_size) X(nmf_options, loss) X(nmf_options, solver)    \
  X(nmf_options, init) X(nmf_options, n_threads) X(nmf_options, maxit)       \
  X(nmf_options, tol) X(nmf_options, seed) X(nmf_options, l1_w)              \
  X(nmf_options, l1_h) X(nmf_options, l2_w) X(nmf_options, l2_h)             \
  X(nmf_options, user_w) X(nmf_options, user_h) X(nmf_options, fix_w)        \
  X(nmf_options, fix_h) X(nmf_options, progress)                             \
  X(nmf_options, progress_data) X(nmf_options, hals_alpha)                   \
  X(nmf_options, hals_delta) X(nmf_options, missing)                         \
  X(nmf_options, weights) X(nmf_options, weights_ld) X(nmf_options, beta)    \
  X(nmf_options, mu_eps) X(nmf_options, extrapolation)                      \
  X(nmf_options, extrap_beta0) X(nmf_options, extrap_eta)                    \
  X(nmf_options, extrap_gamma) X(nmf_options, extrap_gamma_bar)              \
  X(nmf_options, sparse_w) X(nmf_options, sparse_h) X(nmf_options, ns_theta) \
  X(nmf_options, collective) X(nmf_options, sketch)                          \
  X(nmf_options, sketch_rank) X(nmf_options, stable_checks)                  \
  X(nmf_result, struct_size)                                                 \
  X(nmf_result, stop_reason) X(nmf_result, iterations) X(nmf_result, loss)   \
  X(nmf_result, rel_error) X(nmf_result, solver) X(nmf_result, init)         \
  X(nmf_result, seconds) X(nmf_result, loss_history)                         \
  X(nmf_result, loss_history_capacity) X(nmf_result, history_length)        \
  X(nmf_result, extrapolation) X(nmf_result, restarts)                      \
  X(nmf_result, sketch_rank) X(nmf_result, sketch_iterations)              \
  X(nmf_result, threads_used) X(nmf_result, options_used)                   \
  X(nmf_matrix, struct_size) X(nmf_matrix, layout)                           \
  X(nmf_matrix, scalar_type) X(nmf_matrix, index_type) X(nmf_matrix, m)      \
  X(nmf_matrix, n) X(nmf_matrix, lda) X(nmf_matrix, data)                    \
  X(nmf_matrix, col_ptr) X(nmf_matrix, row_ind) X(nmf_matrix, values)

#define OFFSET(type, field) offsetof(type, field),
const size_t nmf_test_c_offsets[] = {NMF_LAYOUT_FIELDS(OFFSET)
                                     sizeof(nmf_options), sizeof(nmf_result),
                                     sizeof(nmf_matrix)};
#undef OFFSET
const size_t nmf_test_c_offsets_count =
    sizeof nmf_test_c_offsets / sizeof nmf_test_c_offsets[0];
