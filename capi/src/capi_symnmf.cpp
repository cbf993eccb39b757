// The C ABI of symmetric NMF (nmf.h, "symmetric NMF"): argument checks, the
// result struct, and the calls into nmf::symfit behind the one guard.
#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>
#include <type_traits>

#include "capi_internal.hpp"
#include "nmf.h"
#include "nmf/symnmf.hpp"

namespace nmf_capi {
namespace {

constexpr size_t kMinSymResultSize =
    offsetof(nmf_symfit_result, rel_error) + sizeof(double);

int32_t check_sym_result(const nmf_symfit_result* r) {
  if (r && r->struct_size < kMinSymResultSize)
    return struct_size_error("nmf_symfit_result.struct_size", r->struct_size,
                             kMinSymResultSize,
                             "initialise the result with nmf_symfit_result_init");
  return NMF_OK;
}

// Copies the core's result into the caller's struct, only the bytes it has.
void write_sym_result(const nmf::SymResult& in, nmf_symfit_result* out) {
  if (!out) return;
  nmf_symfit_result r = caller_result(out);
  r.stop_reason = in.stop_reason;
  r.iterations = in.iterations;
  r.loss = in.loss;
  r.rel_error = in.rel_error;
  r.solver = in.solver;
  r.reserved = 0;
  r.isolated = in.isolated;
  r.gap = in.gap;
  r.alpha = in.alpha;
  r.seconds = in.seconds;
  r.history_length = copy_history(in.history, r.loss_history, r.loss_history_capacity);
  std::memcpy(out, &r, out->struct_size < sizeof r ? out->struct_size : sizeof r);
}

template <class View, class T>
int32_t symfit_any(const View& view, int64_t k, T* H, const nmf_options* opts,
                   nmf_symfit_result* result) {
  return guarded([&]() -> int32_t {
    nmf::Options o;
    int32_t rc = read_options(opts, o);
    if (rc != NMF_OK) return rc;
    if (opts && opts->struct_size >= offsetof(nmf_options, collective) + sizeof(void*) &&
        opts->collective)
      return set_error(NMF_ERR_INVALID_ARGUMENT,
                       "symmetric NMF: a distributed fit (collective) is not available");
    rc = check_sym_result(result);
    if (rc != NMF_OK) return rc;
    nmf::SymResult res;
    const nmf::Status st = nmf::symfit(view, k, H, o, res);
    if (st.code != NMF_OK && st.code != NMF_CANCELLED) return set_error(st);
    write_sym_result(res, result);
    return st.code;
  });
}

// The checks of A's pointers and shape the descriptor leaves, then the fit.
template <class T>
int32_t symfit_view(const nmf::DenseView<T>& a, int64_t k, T* H,
                    const nmf_options* opts, nmf_symfit_result* result) {
  if (!a.data) return guarded([] { return null_error("nmf_matrix.data (A)"); });
  return symfit_any(a, k, H, opts, result);
}

template <class T, class I>
int32_t symfit_view(const nmf::CscView<T, I>& a, int64_t k, T* H,
                    const nmf_options* opts, nmf_symfit_result* result) {
  if (!a.col_ptr) return guarded([] { return null_error("nmf_matrix.col_ptr"); });
  if (a.n < 1)
    return guarded([&] {
      return set_error(NMF_ERR_DIMENSION, "A is empty (n = " + std::to_string(a.n) +
                                              "); at least one node is needed");
    });
  return symfit_any(a, k, H, opts, result);
}

}  // namespace
}  // namespace nmf_capi

using namespace nmf_capi;

extern "C" {

int32_t nmf_symfit_result_init(nmf_symfit_result* res, size_t size) {
  nmf_symfit_result r;
  std::memset(&r, 0, sizeof r);
  return init_struct(res, size, kMinSymResultSize, "res", "nmf_symfit_result", r);
}

int32_t nmf_symfit(const nmf_matrix* A, int64_t k, void* H,
                   const nmf_options* opts, nmf_symfit_result* result) {
  const int32_t rc = guarded([&]() -> int32_t {
    const int32_t bad = check_matrix(A);
    if (bad != NMF_OK || A->m == A->n) return bad;
    return set_error(NMF_ERR_DIMENSION,
                     "nmf_matrix: symmetric NMF needs a square A (m = " +
                         std::to_string(A->m) + ", n = " + std::to_string(A->n) + ")");
  });
  if (rc != NMF_OK) return rc;
  return visit_matrix(*A, [&](const auto& view) {
    using T = scalar_of<std::decay_t<decltype(view)>>;
    return symfit_view(view, k, static_cast<T*>(H), opts, result);
  });
}

// The typed entry points of earlier releases (deprecated).
#define NMF_SYMFIT_PARAMS(T) \
  int64_t k, T* H, const nmf_options* opts, nmf_symfit_result* result
NMF_CAPI_SQUARE_TYPED_ENTRY_POINTS(symfit, nmf_symfit, NMF_SYMFIT_PARAMS,
                                   (k, H, opts, result))
#undef NMF_SYMFIT_PARAMS

}  // extern "C"
