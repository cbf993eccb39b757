// Helpers shared by the C ABI's source files: the per-thread error record,
// the guard that stops every exception at the boundary, and the reading of
// the caller's nmf_options.
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
#include "nmf/options.hpp"
#include "nmf/status.hpp"

namespace nmf_capi {

// Record the error for nmf_last_error_message() etc.; return its code.
int32_t set_error(const nmf::Status& st);
int32_t set_error(int32_t code, const std::string& msg);
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
    if (size < min_size)
      return set_error(NMF_ERR_STRUCT_SIZE,
                       "size = " + std::to_string(size) + " is too small for " + type +
                           " (at least " + std::to_string(min_size) + ")");
    const size_t n = size < sizeof value ? size : sizeof value;
    value.struct_size = uint32_t(n);
    std::memcpy(out, &value, n);
    return NMF_OK;
  });
}

}  // namespace nmf_capi
