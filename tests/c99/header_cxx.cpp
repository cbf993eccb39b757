// header_cxx.cpp — nmf.h compiles as C++ (-Wall -Wextra -pedantic -Werror),
// declares its functions with C linkage (they link against libnmf.so), and
// lays out nmf_options / nmf_result exactly as a C compiler does.
#include "nmf.h"

#include <cstddef>
#include <cstdio>
#include <cstring>

extern "C" const size_t nmf_test_c_offsets[];
extern "C" const size_t nmf_test_c_offsets_count;

#define OFFSET(type, field) offsetof(type, field),
static const size_t cxx_offsets[] = {
    OFFSET(nmf_options, struct_size) OFFSET(nmf_options, loss)
    OFFSET(nmf_options, solver) OFFSET(nmf_options, init)
    OFFSET(nmf_options, n_threads) OFFSET(nmf_options, maxit)
    OFFSET(nmf_options, tol) OFFSET(nmf_options, seed)
    OFFSET(nmf_options, l1_w) OFFSET(nmf_options, l1_h)
    OFFSET(nmf_options, l2_w) OFFSET(nmf_options, l2_h)
    OFFSET(nmf_options, user_w) OFFSET(nmf_options, user_h)
    OFFSET(nmf_options, fix_w) OFFSET(nmf_options, fix_h)
    OFFSET(nmf_options, progress) OFFSET(nmf_options, progress_data)
    OFFSET(nmf_options, hals_alpha) OFFSET(nmf_options, hals_delta)
    OFFSET(nmf_options, missing) OFFSET(nmf_options, weights)
    OFFSET(nmf_options, weights_ld) OFFSET(nmf_options, beta)
    OFFSET(nmf_options, mu_eps) OFFSET(nmf_options, extrapolation)
    OFFSET(nmf_options, extrap_beta0) OFFSET(nmf_options, extrap_eta)
    OFFSET(nmf_options, extrap_gamma) OFFSET(nmf_options, extrap_gamma_bar)
    OFFSET(nmf_options, sparse_w) OFFSET(nmf_options, sparse_h)
    OFFSET(nmf_options, ns_theta) OFFSET(nmf_options, collective)
    OFFSET(nmf_options, sketch) OFFSET(nmf_options, sketch_rank)
    OFFSET(nmf_options, stable_checks)
    OFFSET(nmf_result, struct_size) OFFSET(nmf_result, stop_reason)
    OFFSET(nmf_result, iterations) OFFSET(nmf_result, loss)
    OFFSET(nmf_result, rel_error) OFFSET(nmf_result, solver)
    OFFSET(nmf_result, init) OFFSET(nmf_result, seconds)
    OFFSET(nmf_result, loss_history) OFFSET(nmf_result, loss_history_capacity)
    OFFSET(nmf_result, history_length) OFFSET(nmf_result, extrapolation)
    OFFSET(nmf_result, restarts) OFFSET(nmf_result, sketch_rank)
    OFFSET(nmf_result, sketch_iterations) OFFSET(nmf_result, threads_used)
    OFFSET(nmf_result, options_used)
    OFFSET(nmf_matrix, struct_size) OFFSET(nmf_matrix, layout)
    OFFSET(nmf_matrix, scalar_type) OFFSET(nmf_matrix, index_type)
    OFFSET(nmf_matrix, m) OFFSET(nmf_matrix, n) OFFSET(nmf_matrix, lda)
    OFFSET(nmf_matrix, data) OFFSET(nmf_matrix, col_ptr)
    OFFSET(nmf_matrix, row_ind) OFFSET(nmf_matrix, values)
    sizeof(nmf_options), sizeof(nmf_result), sizeof(nmf_matrix)};
#undef OFFSET

int main() {
  int failed = 0;
  const size_t n = sizeof cxx_offsets / sizeof cxx_offsets[0];
  if (n != nmf_test_c_offsets_count) {
    std::printf("not ok 1 - C and C++ list %u vs %u layout entries\n",
                (unsigned)nmf_test_c_offsets_count, (unsigned)n);
    return 1;
  }
  for (size_t i = 0; i < n; ++i)
    if (cxx_offsets[i] != nmf_test_c_offsets[i]) {
      std::printf("# layout entry %u: C %u, C++ %u\n", (unsigned)i,
                  (unsigned)nmf_test_c_offsets[i], (unsigned)cxx_offsets[i]);
      failed = 1;
    }
  std::printf("%sok 1 - nmf_options/nmf_result/nmf_matrix have the same layout in C and C++\n",
              failed ? "not " : "");

  nmf_options o;
  const bool init_ok = nmf_options_init(&o, sizeof o) == NMF_OK &&
                       o.struct_size == sizeof o && o.maxit == 200;
  std::printf("%sok 2 - nmf_options_init callable from C++\n",
              init_ok ? "" : "not ");
  const bool version_ok = nmf_version_number() == NMF_VERSION_NUMBER &&
                          std::strlen(nmf_version()) > 0;
  std::printf("%sok 3 - version callable from C++ (%s)\n",
              version_ok ? "" : "not ", nmf_version());
  std::printf("1..3\n");
  return (failed || !init_ok || !version_ok) ? 1 : 0;
}
