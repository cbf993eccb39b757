// The C ABI of rank selection by bi-cross-validation (nmf.h, "Rank by
// bi-cross-validation"): its options, the entry point over an nmf_matrix
// and its typed wrappers.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "capi_internal.hpp"
#include "host_collective.hpp"
#include "nmf.h"
#include "nmf/bicv.hpp"

using namespace nmf_capi;

namespace {

int32_t read_bicv_options(const nmf_bicv_options* in, nmf::BicvOptions& bo) {
  nmf_bicv_options o;
  nmf_bicv_options_init(&o, sizeof o);
  if (int32_t rc = copy_caller_struct(in, o, offsetof(nmf_bicv_options, reps) + sizeof(int32_t),
                                      "nmf_bicv_options",
                                      "initialise it with nmf_bicv_options_init"))
    return rc;
  bo.row_groups = o.row_groups;
  bo.col_groups = o.col_groups;
  bo.reps = o.reps;
  bo.seed = o.seed;
  return NMF_OK;
}

// The checks of the arguments, then the core.  The CSC structure (col_ptr,
// row_ind, values) is checked by the core's validate_csc, as for every CSC
// entry point.
template <class View>
int32_t bicv_view(const View& view, const int64_t* ranks, int64_t n_ranks,
                  const nmf_bicv_options* bopts, const nmf_options* opts,
                  double* error, double* fold_error, int64_t* suggested_k) {
  if (check_input(view) != NMF_OK) return check_input(view);
  if (!error) return null_error("error");
  if (n_ranks < 1)
    return set_error(NMF_ERR_INVALID_ARGUMENT,
                     "n_ranks = " + std::to_string(n_ranks) +
                         ": the list of ranks is empty");
  if (!ranks) return null_error("ranks");
  nmf::BicvOptions bo;
  int32_t rc = read_bicv_options(bopts, bo);
  if (rc != NMF_OK) return rc;
  nmf::Options o;
  rc = read_options(opts, o);
  if (rc != NMF_OK) return rc;
  nmf::Bicv res;
  const nmf::Status st =
      nmf::bicv(view, std::vector<int64_t>(ranks, ranks + n_ranks), bo, o, res);
  if (!st.ok()) return set_error(st);
  std::copy(res.error.begin(), res.error.end(), error);
  if (fold_error) std::copy(res.fold_error.begin(), res.fold_error.end(), fold_error);
  if (suggested_k) *suggested_k = res.suggested;
  return NMF_OK;
}

}  // namespace

extern "C" {

int32_t nmf_bicv_options_init(nmf_bicv_options* o, size_t size) {
  nmf_bicv_options d;
  std::memset(&d, 0, sizeof d);
  const nmf::BicvOptions def;
  d.row_groups = def.row_groups;
  d.col_groups = def.col_groups;
  d.reps = def.reps;
  d.seed = def.seed;
  return init_struct(o, size, offsetof(nmf_bicv_options, reps) + sizeof(int32_t),
                     "opts", "nmf_bicv_options", d);
}

int32_t nmf_bicv(const nmf_matrix* A, const int64_t* ranks, int64_t n_ranks,
                 const nmf_bicv_options* bopts, const nmf_options* opts,
                 double* error, double* fold_error, int64_t* suggested_k) {
  return guarded([&]() -> int32_t {
    const int32_t rc = check_matrix(A);
    if (rc != NMF_OK) return rc;
    return visit_matrix(*A, [&](const auto& view) {
      return bicv_view(view, ranks, n_ranks, bopts, opts, error, fold_error,
                       suggested_k);
    });
  });
}

// The typed entry points of earlier releases (deprecated).
#define NMF_BICV_PARAMS(T)                                                   \
  const int64_t* ranks, int64_t n_ranks, const nmf_bicv_options* bopts,      \
      const nmf_options* opts, double* error, double* fold_error,            \
      int64_t* suggested_k
NMF_CAPI_TYPED_ENTRY_POINTS(bicv, nmf_bicv, NMF_BICV_PARAMS,
                            (ranks, n_ranks, bopts, opts, error, fold_error, suggested_k))
#undef NMF_BICV_PARAMS

}  // extern "C"
