// The C ABI (nmf.h) over the core: argument checks, option mapping, and one
// guard that stops every exception at the boundary.
#include "nmf.h"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#include "nmf/blas.hpp"
#include "nmf/fit.hpp"
#include "nmf/kernels.hpp"
#include "nmf/options.hpp"
#include "nmf/threads.hpp"
#include "capi_internal.hpp"
#include "host_collective.hpp"
#include "nmf/system_memory.hpp"
#include "nmf/validate.hpp"

#define NMF_STR2(x) #x
#define NMF_STR(x) NMF_STR2(x)

// Shared with the other C ABI sources through capi_internal.hpp.
namespace nmf_capi {

struct LastError {
  std::string message;
  char matrix = 0;
  int64_t row = -1, col = -1;
};
thread_local LastError g_last;

int32_t set_error(const nmf::Status& st) {
  g_last.message = st.message;
  g_last.matrix = st.matrix;
  g_last.row = st.row;
  g_last.col = st.col;
  return st.code;
}
int32_t set_error(int32_t code, const std::string& msg) {
  return set_error(nmf::Status::error(code, msg));
}
void clear_error() {
  g_last.message.clear();
  g_last.matrix = 0;
  g_last.row = g_last.col = -1;
}

constexpr size_t kMinOptionsSize = offsetof(nmf_options, tol) + sizeof(double);
constexpr size_t kMinResultSize = offsetof(nmf_result, rel_error) + sizeof(double);

void fill_default_options(nmf_options* o) {
  const nmf::Options def;
  std::memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  // The table's options (option_table.hpp), then the other fields.
#define NMF_OPTION_DEFAULT(name, ctype, type, d, lo, hi, choices, help) \
  o->name = def.name;
  NMF_OPTION_TABLE(NMF_OPTION_DEFAULT)
#undef NMF_OPTION_DEFAULT
  o->weights = def.weights;
  o->weights_ld = def.weights_ld;
}

// The bytes of nmf_options up to the end of the last field that lies wholly
// within `size`: a struct_size that ends inside a field (no header ever had
// one, but a corrupt or uninitialised value can) must not splice the first
// bytes of the caller's pointer onto the default's (a wild progress_data).
size_t whole_fields(size_t size) {
#define NMF_FIELD_END(f) offsetof(nmf_options, f) + sizeof(((nmf_options*)0)->f)
  static const size_t ends[] = {
      NMF_FIELD_END(struct_size), NMF_FIELD_END(loss),   NMF_FIELD_END(solver),
      NMF_FIELD_END(init),        NMF_FIELD_END(n_threads), NMF_FIELD_END(maxit),
      NMF_FIELD_END(tol),         NMF_FIELD_END(seed),   NMF_FIELD_END(l1_w),
      NMF_FIELD_END(l1_h),        NMF_FIELD_END(l2_w),   NMF_FIELD_END(l2_h),
      NMF_FIELD_END(user_w),      NMF_FIELD_END(user_h), NMF_FIELD_END(fix_w),
      NMF_FIELD_END(fix_h),       NMF_FIELD_END(progress), NMF_FIELD_END(progress_data),
      NMF_FIELD_END(hals_alpha),  NMF_FIELD_END(hals_delta),
      NMF_FIELD_END(missing),     NMF_FIELD_END(weights), NMF_FIELD_END(weights_ld),
      NMF_FIELD_END(beta),        NMF_FIELD_END(mu_eps),
      NMF_FIELD_END(extrapolation), NMF_FIELD_END(extrap_beta0),
      NMF_FIELD_END(extrap_eta),  NMF_FIELD_END(extrap_gamma),
      NMF_FIELD_END(extrap_gamma_bar), NMF_FIELD_END(sparse_w),
      NMF_FIELD_END(sparse_h),    NMF_FIELD_END(ns_theta), NMF_FIELD_END(collective),
      NMF_FIELD_END(sketch),      NMF_FIELD_END(sketch_rank),
      NMF_FIELD_END(stable_checks)};
  static_assert(sizeof(nmf_options) - (NMF_FIELD_END(stable_checks)) <
                    alignof(nmf_options),
                "a field appended to nmf_options must be added to whole_fields()");
#undef NMF_FIELD_END
  size_t n = 0;
  for (size_t e : ends)
    if (e <= size && e > n) n = e;
  return n;
}

// Reads the caller's options (only the whole fields within the struct_size
// bytes it declares).
int32_t read_options(const nmf_options* in, nmf::Options& out) {
  nmf_options o;
  fill_default_options(&o);
  if (int32_t rc = copy_caller_struct(in, o, kMinOptionsSize, "nmf_options",
                                      "initialise the options with nmf_options_init",
                                      whole_fields))
    return rc;
#define NMF_OPTION_COPY(name, ctype, type, d, lo, hi, choices, help) \
  out.name = o.name;
  NMF_OPTION_TABLE(NMF_OPTION_COPY)
#undef NMF_OPTION_COPY
  out.user_w = o.user_w != 0;
  out.user_h = o.user_h != 0;
  out.fix_w = o.fix_w != 0;
  out.fix_h = o.fix_h != 0;
  out.progress = o.progress;
  out.progress_data = o.progress_data;
  out.weights = o.weights;
  out.weights_ld = o.weights_ld;
  return NMF_OK;
}

int32_t check_result(const nmf_result* r) {
  if (r && r->struct_size < kMinResultSize)
    return struct_size_error("nmf_result.struct_size", r->struct_size, kMinResultSize,
                             "initialise the result with nmf_result_init");
  if (r && r->struct_size >= offsetof(nmf_result, options_used) + sizeof(void*) &&
      r->options_used && r->options_used->struct_size < kMinOptionsSize)
    return struct_size_error("nmf_result.options_used->struct_size",
                             r->options_used->struct_size, kMinOptionsSize,
                             "initialise it with nmf_options_init");
  return NMF_OK;
}

// Writes the core's result into the caller's struct, field by field, only
// those that fit in its struct_size.
void write_result(const nmf::Result& in, nmf_result* out) {
  if (!out) return;
  nmf_result r = caller_result(out);
  r.stop_reason = in.stop_reason;
  r.iterations = in.iterations;
  r.loss = in.loss;
  r.rel_error = in.rel_error;
  r.solver = in.solver;
  r.init = in.init;
  r.seconds = in.seconds;
  r.extrapolation = in.extrapolation;
  r.restarts = in.restarts;
  r.sketch_rank = in.sketch_rank;
  r.sketch_iterations = in.sketch_iterations;
  r.threads_used = in.threads_used;
  r.history_length = copy_history(in.history, r.loss_history, r.loss_history_capacity);
  std::memcpy(out, &r, out->struct_size < sizeof r ? out->struct_size : sizeof r);
}

// The option table's values a fit read (o) into the caller's
// result->options_used, whole fields within its struct_size.
void write_options_used(const nmf::Options& in, nmf_result* result) {
  if (!result || result->struct_size < offsetof(nmf_result, options_used) + sizeof(void*) ||
      !result->options_used)
    return;
  nmf_options* out = result->options_used;
  nmf_options o;
  fill_default_options(&o);
  const size_t n = whole_fields(out->struct_size);
  std::memcpy(&o, out, n);
#define NMF_OPTION_USED(name, ctype, type, d, lo, hi, choices, help) o.name = in.name;
  NMF_OPTION_TABLE(NMF_OPTION_USED)
#undef NMF_OPTION_USED
  std::memcpy(out, &o, n);
}

// The canonical scales d are sums over a whole component, about the total
// of A: entries near the largest value of the type give a d (or, with
// d = NULL, an H) beyond its range.  Such a result is reported as an error,
// never returned as a success holding Inf.
template <class T>
int32_t check_outputs_finite(int64_t m, int64_t n, int64_t k, const T* W,
                             const T* d, const T* H) {
  const char* type = sizeof(T) == sizeof(float) ? "float" : "double";
  auto overflow = [&](const std::string& what) {
    char big[32];
    std::snprintf(big, sizeof big, "%.8g", double(std::numeric_limits<T>::max()));
    return set_error(NMF_ERR_NUMERICAL,
                     what + " overflows the range of " + type + " (largest " +
                         big + "): fit A divided by a constant and multiply " +
                         "d by it" +
                         (sizeof(T) == sizeof(float) ? ", or use the double interface" : ""));
  };
  for (int64_t j = 0; d && j < k; ++j)
    if (!std::isfinite(double(d[j])))
      return overflow("the scale d of component " + std::to_string(j + 1));
  for (int64_t t = 0; t < k * n; ++t)
    if (!std::isfinite(double(H[t])))
      return overflow("H (row " + std::to_string(t % k + 1) + ", column " +
                      std::to_string(t / k + 1) + ")");
  for (int64_t t = 0; t < m * k; ++t)
    if (!std::isfinite(double(W[t])))
      return overflow("W (row " + std::to_string(t % m + 1) + ", column " +
                      std::to_string(t / m + 1) + ")");
  return NMF_OK;
}

template <class View, class T>
int32_t fit_any(const View& view, int64_t k, T* W, T* d, T* H,
                const nmf_options* opts, nmf_result* result) {
  return guarded([&]() -> int32_t {
    nmf::Options o;
    int32_t rc = read_options(opts, o);
    if (rc != NMF_OK) return rc;
    const nmf_collective* coll = collective_of(opts);
    rc = check_collective(coll);
    if (rc != NMF_OK) return rc;
    std::unique_ptr<HostCollective> host;
    if (coll) host.reset(new HostCollective(*coll));
    rc = check_result(result);
    if (host && rc == NMF_OK) rc = check_block(*coll, view.n);
    if (host) {
      // Every check of a distributed fit is agreed among the processes (the
      // core's too): none may return on one process only.
      const nmf::Status agreed = host->agree(
          rc == NMF_OK ? nmf::Status() : nmf::Status::error(rc, g_last.message));
      if (!agreed.ok()) return set_error(agreed);
    } else {
      if (rc != NMF_OK) return rc;
      if (!W) return set_error(NMF_ERR_NULL_POINTER, "W is NULL (an m x k output buffer is required)");
      if (!H) return set_error(NMF_ERR_NULL_POINTER, "H is NULL (a k x n output buffer is required)");
    }
    nmf::Result res;
    const nmf::Status st = nmf::fit(view, k, W, d, H, o, res, host.get());
    if (st.code != NMF_OK && st.code != NMF_CANCELLED) return set_error(st);
    rc = check_outputs_finite(view.m, view.n, k, W, d, H);
    if (rc != NMF_OK) return rc;
    write_result(res, result);
    write_options_used(o, result);
    return st.code;
  });
}

// The checks of A's pointers a descriptor cannot make (a process of a
// distributed fit may hold no columns), then the fit.
template <class T>
int32_t fit_view(const nmf::DenseView<T>& a, int64_t k, T* W, T* d, T* H,
                 const nmf_options* opts, nmf_result* result) {
  if (!a.data && !collective_of(opts))
    return guarded([] { return null_error("nmf_matrix.data (A)"); });
  return fit_any(a, k, W, d, H, opts, result);
}

template <class T, class I>
int32_t fit_view(const nmf::CscView<T, I>& a, int64_t k, T* W, T* d, T* H,
                 const nmf_options* opts, nmf_result* result) {
  if (!a.col_ptr) return guarded([] { return null_error("nmf_matrix.col_ptr"); });
  if ((a.n < 1 && !collective_of(opts)) || a.m < 1)
    return guarded([&] { return dims_error(a.m, a.n); });
  return fit_any(a, k, W, d, H, opts, result);
}

}  // namespace nmf_capi

using namespace nmf_capi;

extern "C" {

const char* nmf_version(void) {
  return NMF_STR(NMF_VERSION_MAJOR) "." NMF_STR(NMF_VERSION_MINOR) "." NMF_STR(
      NMF_VERSION_PATCH);
}

int32_t nmf_version_number(void) { return NMF_VERSION_NUMBER; }

const char* nmf_strerror(int32_t status) {
  switch (status) {
    case NMF_OK: return "success";
    case NMF_CANCELLED: return "cancelled by the progress callback";
    case NMF_ERR_NULL_POINTER: return "a required pointer is NULL";
    case NMF_ERR_INVALID_ARGUMENT: return "invalid argument";
    case NMF_ERR_DIMENSION: return "invalid dimensions";
    case NMF_ERR_RANK: return "rank k out of range";
    case NMF_ERR_NEGATIVE: return "negative entry";
    case NMF_ERR_NOT_FINITE: return "NaN or infinite entry";
    case NMF_ERR_SPARSE_STRUCTURE: return "malformed sparse (CSC) structure";
    case NMF_ERR_STRUCT_SIZE: return "struct_size is too small or unset";
    case NMF_ERR_OUT_OF_MEMORY: return "out of memory";
    case NMF_ERR_TOO_LARGE: return "sizes too large";
    case NMF_ERR_NUMERICAL: return "numerical failure";
    case NMF_ERR_INTERNAL: return "internal error";
    default: return "unknown status code";
  }
}

const char* nmf_last_error_message(void) { return g_last.message.c_str(); }

int32_t nmf_last_error_location(int64_t* row, int64_t* col) {
  const bool has = g_last.row >= 0 || g_last.col >= 0;
  if (row) *row = has ? g_last.row : -1;
  if (col) *col = has ? g_last.col : -1;
  return has ? 1 : 0;
}

int32_t nmf_last_error_matrix(void) { return g_last.matrix; }

int32_t nmf_constant(const char* name) {
  if (!name) return INT32_MIN;
  struct Entry {
    const char* name;
    int32_t value;
  };
#define E(x) {#x, x}
  static const Entry table[] = {
      E(NMF_OK), E(NMF_CANCELLED), E(NMF_ERR_NULL_POINTER),
      E(NMF_ERR_INVALID_ARGUMENT), E(NMF_ERR_DIMENSION), E(NMF_ERR_RANK),
      E(NMF_ERR_NEGATIVE), E(NMF_ERR_NOT_FINITE), E(NMF_ERR_SPARSE_STRUCTURE),
      E(NMF_ERR_STRUCT_SIZE), E(NMF_ERR_OUT_OF_MEMORY), E(NMF_ERR_TOO_LARGE),
      E(NMF_ERR_NUMERICAL), E(NMF_ERR_INTERNAL), E(NMF_LOSS_FROBENIUS),
      E(NMF_LOSS_KL), E(NMF_LOSS_BETA), E(NMF_SOLVER_AUTO), E(NMF_SOLVER_HALS),
      E(NMF_SOLVER_MU), E(NMF_SOLVER_CD), E(NMF_SOLVER_ANLS), E(NMF_MISSING_NONE),
      E(NMF_MISSING_NAN), E(NMF_MISSING_UNSTORED), E(NMF_EXTRAPOLATION_AUTO),
      E(NMF_EXTRAPOLATION_OFF), E(NMF_EXTRAPOLATION_ON), E(NMF_SKETCH_AUTO),
      E(NMF_SKETCH_OFF), E(NMF_SKETCH_ON), E(NMF_INIT_RANDOM),
      E(NMF_INIT_NNDSVD), E(NMF_INIT_NNDSVDA), E(NMF_INIT_NNDSVDAR),
      E(NMF_STOP_NONE), E(NMF_STOP_MAXIT), E(NMF_STOP_TOL),
      E(NMF_STOP_CANCELLED), E(NMF_STOP_EXACT), E(NMF_STOP_STABLE),
      E(NMF_FEATURES_KIM),
      E(NMF_FEATURES_MAX), E(NMF_LAYOUT_DENSE), E(NMF_LAYOUT_CSC),
      E(NMF_SCALAR_DOUBLE), E(NMF_SCALAR_FLOAT), E(NMF_INDEX_I32),
      E(NMF_INDEX_I64), E(NMF_VERSION_MAJOR),
      E(NMF_VERSION_MINOR), E(NMF_VERSION_PATCH), E(NMF_VERSION_NUMBER)};
#undef E
  for (const Entry& e : table)
    if (std::strcmp(e.name, name) == 0) return e.value;
  return INT32_MIN;
}

int32_t nmf_options_init(nmf_options* opts, size_t size) {
  nmf_options o;
  fill_default_options(&o);
  return init_struct(opts, size, kMinOptionsSize, "opts", "nmf_options", o);
}

int32_t nmf_result_init(nmf_result* res, size_t size) {
  nmf_result r;
  std::memset(&r, 0, sizeof r);
  return init_struct(res, size, kMinResultSize, "result", "nmf_result", r);
}

int32_t nmf_fit(const nmf_matrix* A, int64_t k, void* W, void* d, void* H,
                const nmf_options* opts, nmf_result* result) {
  const int32_t rc = guarded([&] { return check_matrix(A); });
  if (rc != NMF_OK) return rc;
  return visit_matrix(*A, [&](const auto& view) {
    using T = scalar_of<std::decay_t<decltype(view)>>;
    return fit_view(view, k, static_cast<T*>(W), static_cast<T*>(d),
                    static_cast<T*>(H), opts, result);
  });
}

// The typed entry points of earlier releases (deprecated).
#define NMF_FIT_PARAMS(T) \
  int64_t k, T* W, T* d, T* H, const nmf_options* opts, nmf_result* result
NMF_CAPI_TYPED_ENTRY_POINTS(fit, nmf_fit, NMF_FIT_PARAMS, (k, W, d, H, opts, result))
#undef NMF_FIT_PARAMS

int64_t nmf_available_memory(void) {
  try {
    return nmf::available_memory_bytes();
  } catch (...) {
    return -1;
  }
}

int32_t nmf_check_rank(int64_t m, int64_t n, int64_t k) {
  return guarded([&] { return set_error(nmf::check_rank(m, n, k)); });
}

const char* nmf_blas_core(void) {
  static thread_local std::string core;
  return kept_text(core, [] { return nmf::blas::core_name(); });
}

const char* nmf_simd_path(void) { return nmf::kernels::simd_path(); }

int32_t nmf_blas_is_slow(void) {
  try {
    return nmf::blas::slow_kernel_advice().empty() ? 0 : 1;
  } catch (...) {
    return 0;
  }
}

const char* nmf_blas_advice(void) {
  static thread_local std::string advice;
  return kept_text(advice, [] { return nmf::blas::slow_kernel_advice(); });
}

const char* nmf_take_notice(void) { return nmf::take_notice(); }

}  // extern "C"
