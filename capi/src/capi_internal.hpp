// Helpers shared by the C ABI's source files: the per-thread error record,
// the guard that stops every exception at the boundary, the reading of the
// caller's nmf_options and nmf_matrix, and the consensus handle.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "nmf.h"
#include "nmf/consensus.hpp"
#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"
#include "typed_entry_points.hpp"

// The outcome of one consensus run (nmf.h's opaque handle); a survey holds
// one per rank.
struct nmf_consensus {
  nmf::Consensus c;
};

namespace nmf_capi {

// Record the error for nmf_last_error_message() etc.; return its code.
int32_t set_error(const nmf::Status& st);
int32_t set_error(int32_t code, const std::string& msg);
// NMF_ERR_STRUCT_SIZE for a caller's struct whose struct_size is below what
// the library reads: "<field> = <have> is too small (at least <need>)",
// then "; <advice>" unless advice is empty.
int32_t struct_size_error(const std::string& field, size_t have, size_t need,
                          const std::string& advice);
// NMF_ERR_STRUCT_SIZE for a size argument of an init function or
// constructor: "size = <size> is too small for <type> (at least <need>)".
int32_t size_error(size_t size, const std::string& type, size_t need);
// Copies the caller's struct over out (which holds the defaults): the
// struct_size bytes it declares, at most copy(struct_size) of them; below
// need, the struct_size_error for "<type>.struct_size" with advice.
template <class T, class Copy>
int32_t copy_caller_struct(const T* in, T& out, size_t need, const char* type,
                           const char* advice, Copy copy) {
  if (!in) return NMF_OK;
  if (in->struct_size < need)
    return struct_size_error(std::string(type) + ".struct_size", in->struct_size,
                             need, advice);
  std::memcpy(&out, in, copy(size_t(in->struct_size)));
  return NMF_OK;
}
template <class T>
int32_t copy_caller_struct(const T* in, T& out, size_t need, const char* type,
                           const char* advice) {
  return copy_caller_struct(in, out, need, type, advice,
                            [](size_t n) { return n < sizeof(T) ? n : sizeof(T); });
}
void clear_error();

// Reads the caller's options (only the struct_size bytes it declares).
int32_t read_options(const nmf_options* in, nmf::Options& out);

// Runs f, mapping any exception to a status: nothing escapes the library.
template <class F>
int32_t guarded(F&& f) noexcept {
  try {
    clear_error();
    return f();
  } catch (const std::bad_alloc&) {
    return set_error(NMF_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return set_error(NMF_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return set_error(NMF_ERR_INTERNAL, "internal error: unknown exception");
  }
}

// Copies the first losses of history into the caller's buffer (NULL or
// capacity <= 0: none); returns how many were copied.
inline int64_t copy_history(const std::vector<double>& history, double* out,
                            int64_t capacity) {
  if (out == nullptr || capacity <= 0) return 0;
  const int64_t len = std::min<int64_t>(int64_t(history.size()), capacity);
  for (int64_t t = 0; t < len; ++t) out[t] = history[size_t(t)];
  return len;
}

// The init function of a struct that grows by appending fields (nmf_options,
// nmf_result, ...): checks out and size, then copies the first
// min(size, sizeof(T)) bytes of value to *out, with struct_size set to that.
template <class T>
int32_t init_struct(T* out, size_t size, size_t min_size, const char* arg,
                    const char* type, T value) noexcept {
  return guarded([&]() -> int32_t {
    if (!out) return set_error(NMF_ERR_NULL_POINTER, std::string(arg) + " is NULL");
    if (size < min_size) return size_error(size, type, min_size);
    const size_t n = size < sizeof value ? size : sizeof value;
    value.struct_size = uint32_t(n);
    std::memcpy(out, &value, n);
    return NMF_OK;
  });
}


// "<what> is NULL" as NMF_ERR_NULL_POINTER.
int32_t null_error(const std::string& what);
// An empty m x n input as NMF_ERR_DIMENSION.
int32_t dims_error(int64_t m, int64_t n);

// Checks the descriptor's own fields: not NULL, struct_size, layout,
// scalar_type, index_type (CSC), m, n >= 0, lda >= m (dense, m > 0).  The
// pointers are checked by each operation (a process of a distributed fit
// may hold no columns) and the CSC structure by the core.  Sets the error
// and returns its code, or NMF_OK.
int32_t check_matrix(const nmf_matrix* a);

// A whole copy of the caller's result struct (nmf_result, nmf_symfit_result):
// the bytes its struct_size covers, zeros after.  A caller whose struct ends
// before the history buffer's fields gets no history written.
template <class R>
R caller_result(const R* out) {
  R r;
  std::memset(&r, 0, sizeof r);
  std::memcpy(&r, out, out->struct_size < sizeof r ? out->struct_size : sizeof r);
  if (out->struct_size < offsetof(R, loss_history_capacity) + sizeof(int64_t)) {
    r.loss_history = nullptr;
    r.loss_history_capacity = 0;
  }
  return r;
}

// Runs f and keeps the text it returns in `slot` (a thread_local string of
// the caller), empty if f throws; returns the kept text.
template <class F>
const char* kept_text(std::string& slot, F&& f) {
  try {
    slot = f();
  } catch (...) {
    slot.clear();
  }
  return slot.c_str();
}

// The scalar type of a core view.
template <class View> struct ScalarOf;
template <class T> struct ScalarOf<nmf::DenseView<T>> { using type = T; };
template <class T, class I> struct ScalarOf<nmf::CscView<T, I>> { using type = T; };
template <class View> using scalar_of = typename ScalarOf<View>::type;

// Calls f with the core's view of a descriptor that check_matrix accepted:
// nmf::DenseView<T> or nmf::CscView<T, I> for its scalar and index types.
template <class F>
int32_t visit_matrix(const nmf_matrix& a, F&& f) {
  if (a.layout == NMF_LAYOUT_DENSE) {
    if (a.scalar_type == NMF_SCALAR_DOUBLE)
      return f(nmf::DenseView<double>{static_cast<const double*>(a.data), a.m, a.n, a.lda});
    return f(nmf::DenseView<float>{static_cast<const float*>(a.data), a.m, a.n, a.lda});
  }
  auto csc = [&](auto scalar, auto index) {
    using T = decltype(scalar);
    using I = decltype(index);
    return f(nmf::CscView<T, I>{a.m, a.n, a.col_ptr, static_cast<const I*>(a.row_ind),
                                static_cast<const T*>(a.values)});
  };
  const bool i64 = a.index_type == NMF_INDEX_I64;
  if (a.scalar_type == NMF_SCALAR_DOUBLE)
    return i64 ? csc(double(), int64_t()) : csc(double(), int32_t());
  return i64 ? csc(float(), int64_t()) : csc(float(), int32_t());
}

}  // namespace nmf_capi
