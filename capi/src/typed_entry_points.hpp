// The deprecated typed entry points (nmf_<op>_dense_d ... nmf_<op>_csc_f_i64)
// differ only in the matrix's scalar and index types: each builds an
// nmf_matrix and calls the operation's one entry point.  The macros below
// define the six of an operation from its trailing parameters, so that they
// cannot drift apart.  Needs only nmf.h (libnmf_mpi uses it too).
#pragma once
#include <cstdint>

#include "nmf.h"

namespace nmf_capi {

// The descriptor codes of C++ types.
template <class T> constexpr int32_t scalar_code() {
  return sizeof(T) == sizeof(double) ? NMF_SCALAR_DOUBLE : NMF_SCALAR_FLOAT;
}
template <class I> constexpr int32_t index_code() {
  return sizeof(I) == sizeof(int64_t) ? NMF_INDEX_I64 : NMF_INDEX_I32;
}

// The descriptors the typed entry points pass on.
template <class T>
nmf_matrix dense_matrix(const T* A, int64_t m, int64_t n, int64_t lda) {
  nmf_matrix a;
  nmf_matrix_dense(&a, sizeof a, scalar_code<T>(), A, m, n, lda);
  return a;
}
template <class T, class I>
nmf_matrix csc_matrix(int64_t m, int64_t n, const int64_t* col_ptr,
                      const I* row_ind, const T* values) {
  nmf_matrix a;
  nmf_matrix_csc(&a, sizeof a, scalar_code<T>(), index_code<I>(), m, n, col_ptr,
                 row_ind, values);
  return a;
}

}  // namespace nmf_capi

// Every list argument is parenthesised:
//   lead, lead_args  parameters / arguments before the matrix, each with a
//                    trailing comma, or () for none;
//   ddims, dshape    a dense matrix's size parameters after A, and the
//                    (m, n, lda) they give;
//   cdims, cshape    a CSC matrix's size parameters before col_ptr, and the
//                    (m, n) they give;
//   params           a macro: params(T) is the parameter list after the
//                    matrix for scalar T;
//   args             the arguments after the descriptor in call(...).
// Use inside extern "C"; the declarations in nmf.h / nmf_mpi.h check the
// signatures.
#define NMF_CAPI_UNPAREN(...) __VA_ARGS__
#define NMF_CAPI_DENSE_ENTRY(fn, T, call, lead, lead_args, ddims, dshape, params, args) \
  int32_t fn(NMF_CAPI_UNPAREN lead const T* A, NMF_CAPI_UNPAREN ddims, params(T)) {   \
    const nmf_matrix a = nmf_capi::dense_matrix(A, NMF_CAPI_UNPAREN dshape);          \
    return call(NMF_CAPI_UNPAREN lead_args &a, NMF_CAPI_UNPAREN args);               \
  }
#define NMF_CAPI_CSC_ENTRY(fn, T, I, call, lead, lead_args, cdims, cshape, params, args) \
  int32_t fn(NMF_CAPI_UNPAREN lead NMF_CAPI_UNPAREN cdims, const int64_t* col_ptr,    \
             const I* row_ind, const T* values, params(T)) {                          \
    const nmf_matrix a =                                                               \
        nmf_capi::csc_matrix(NMF_CAPI_UNPAREN cshape, col_ptr, row_ind, values);       \
    return call(NMF_CAPI_UNPAREN lead_args &a, NMF_CAPI_UNPAREN args);               \
  }
#define NMF_CAPI_TYPED_ENTRIES(prefix, call, lead, lead_args, ddims, dshape, cdims, \
                               cshape, params, args)                                 \
  NMF_CAPI_DENSE_ENTRY(prefix##_dense_d, double, call, lead, lead_args, ddims,       \
                       dshape, params, args)                                         \
  NMF_CAPI_DENSE_ENTRY(prefix##_dense_f, float, call, lead, lead_args, ddims,        \
                       dshape, params, args)                                         \
  NMF_CAPI_CSC_ENTRY(prefix##_csc_d_i32, double, int32_t, call, lead, lead_args,     \
                     cdims, cshape, params, args)                                    \
  NMF_CAPI_CSC_ENTRY(prefix##_csc_d_i64, double, int64_t, call, lead, lead_args,     \
                     cdims, cshape, params, args)                                    \
  NMF_CAPI_CSC_ENTRY(prefix##_csc_f_i32, float, int32_t, call, lead, lead_args,      \
                     cdims, cshape, params, args)                                    \
  NMF_CAPI_CSC_ENTRY(prefix##_csc_f_i64, float, int64_t, call, lead, lead_args,      \
                     cdims, cshape, params, args)

// An m x n matrix: nmf_<op>_dense_x(A, m, n, lda, ...), nmf_<op>_csc_x_iN(m, n, ...).
#define NMF_CAPI_TYPED_ENTRY_POINTS(op, call, params, args)                        \
  NMF_CAPI_TYPED_ENTRIES(nmf_##op, call, (), (), (int64_t m, int64_t n, int64_t lda), \
                         (m, n, lda), (int64_t m, int64_t n), (m, n), params, args)
// A square n x n matrix: nmf_<op>_dense_x(A, n, lda, ...), nmf_<op>_csc_x_iN(n, ...).
#define NMF_CAPI_SQUARE_TYPED_ENTRY_POINTS(op, call, params, args)        \
  NMF_CAPI_TYPED_ENTRIES(nmf_##op, call, (), (), (int64_t n, int64_t lda), \
                         (n, n, lda), (int64_t n), (n, n), params, args)
