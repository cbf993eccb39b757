// The input descriptor of the C ABI (nmf.h, "matrix"): its constructors and
// the checks every entry point makes of it before reading the data.
#include <cstddef>
#include <cstring>
#include <string>

#include "capi_internal.hpp"
#include "nmf.h"

namespace nmf_capi {

int32_t null_error(const std::string& what) {
  return set_error(NMF_ERR_NULL_POINTER, what + " is NULL");
}

int32_t struct_size_error(const std::string& field, size_t have, size_t need,
                          const std::string& advice) {
  return set_error(NMF_ERR_STRUCT_SIZE,
                   field + " = " + std::to_string(have) + " is too small (at least " +
                       std::to_string(need) + ")" + (advice.empty() ? "" : "; " + advice));
}

int32_t size_error(size_t size, const std::string& type, size_t need) {
  return set_error(NMF_ERR_STRUCT_SIZE, "size = " + std::to_string(size) +
                                            " is too small for " + type + " (at least " +
                                            std::to_string(need) + ")");
}

int32_t dims_error(int64_t m, int64_t n) {
  return set_error(NMF_ERR_DIMENSION,
                   "A is empty (m = " + std::to_string(m) + ", n = " +
                       std::to_string(n) + "); both dimensions must be at least 1");
}

namespace {

constexpr size_t kMinMatrixSize = offsetof(nmf_matrix, values) + sizeof(const void*);

int32_t bad_code(const char* field, int32_t value, const char* expected) {
  return set_error(NMF_ERR_INVALID_ARGUMENT,
                   std::string("nmf_matrix.") + field + " = " + std::to_string(value) +
                       " is not " + expected);
}

// What nmf_matrix_dense and nmf_matrix_csc both do first: check the
// caller's struct, clear it and set the fields every layout has.
int32_t start_matrix(nmf_matrix* a, size_t size, int32_t layout, int32_t scalar_type,
                     int64_t m, int64_t n) {
  if (!a) return null_error("a");
  if (size < sizeof(nmf_matrix)) return size_error(size, "nmf_matrix", sizeof(nmf_matrix));
  std::memset(a, 0, sizeof *a);
  a->struct_size = sizeof *a;
  a->layout = layout;
  a->scalar_type = scalar_type;
  a->m = m;
  a->n = n;
  return NMF_OK;
}

}  // namespace

int32_t check_matrix(const nmf_matrix* a) {
  if (!a) return null_error("A (the nmf_matrix)");
  if (a->struct_size < kMinMatrixSize)
    return struct_size_error("nmf_matrix.struct_size", a->struct_size, kMinMatrixSize,
                             "fill the descriptor with nmf_matrix_dense or nmf_matrix_csc");
  if (a->layout != NMF_LAYOUT_DENSE && a->layout != NMF_LAYOUT_CSC)
    return bad_code("layout", a->layout, "NMF_LAYOUT_DENSE (1) or NMF_LAYOUT_CSC (2)");
  if (a->scalar_type != NMF_SCALAR_DOUBLE && a->scalar_type != NMF_SCALAR_FLOAT)
    return bad_code("scalar_type", a->scalar_type,
                    "NMF_SCALAR_DOUBLE (1) or NMF_SCALAR_FLOAT (2)");
  if (a->layout == NMF_LAYOUT_CSC && a->index_type != NMF_INDEX_I32 &&
      a->index_type != NMF_INDEX_I64)
    return bad_code("index_type", a->index_type, "NMF_INDEX_I32 (1) or NMF_INDEX_I64 (2)");
  if (a->m < 0 || a->n < 0) {
    const bool rows = a->m < 0;
    return set_error(NMF_ERR_DIMENSION,
                     std::string("nmf_matrix.") + (rows ? "m" : "n") + " = " +
                         std::to_string(rows ? a->m : a->n) + " is negative");
  }
  if (a->layout == NMF_LAYOUT_DENSE && a->m > 0 && a->lda < a->m)
    return set_error(NMF_ERR_DIMENSION,
                     "nmf_matrix.lda = " + std::to_string(a->lda) +
                         " is smaller than m = " + std::to_string(a->m));
  return NMF_OK;
}

}  // namespace nmf_capi

using namespace nmf_capi;

extern "C" {

int32_t nmf_matrix_dense(nmf_matrix* a, size_t size, int32_t scalar_type,
                         const void* data, int64_t m, int64_t n, int64_t lda) {
  return guarded([&]() -> int32_t {
    const int32_t rc = start_matrix(a, size, NMF_LAYOUT_DENSE, scalar_type, m, n);
    if (rc != NMF_OK) return rc;
    a->lda = lda;
    a->data = data;
    return NMF_OK;
  });
}

int32_t nmf_matrix_csc(nmf_matrix* a, size_t size, int32_t scalar_type,
                       int32_t index_type, int64_t m, int64_t n,
                       const int64_t* col_ptr, const void* row_ind,
                       const void* values) {
  return guarded([&]() -> int32_t {
    const int32_t rc = start_matrix(a, size, NMF_LAYOUT_CSC, scalar_type, m, n);
    if (rc != NMF_OK) return rc;
    a->index_type = index_type;
    a->col_ptr = col_ptr;
    a->row_ind = row_ind;
    a->values = values;
    return NMF_OK;
  });
}

}  // extern "C"
