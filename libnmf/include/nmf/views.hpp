// Zero-copy views of the input matrix A (m x n).
#pragma once
#include <cstdint>

namespace nmf {

// Dense, column-major: element (i, j) is data[i + j * ld], ld >= m.
template <class T>
struct DenseView {
  using Scalar = T;
  const T* data;
  int64_t m, n, ld;
};

// What one pass over a valid dense A (every entry finite, >= 0) found, in
// the caller's units: the largest entry, the number of non-zero entries, and
// the sums of the entries and of their squares in double (per column, then
// in column order: the same for any thread count).  Filled by validate_dense
// so that a fit need not read A again for them (DenseOps).
struct DenseSummary {
  bool valid = false;
  double max = 0, sum = 0, sum2 = 0;
  int64_t nonzeros = 0;
};

// Compressed sparse column: rows of column j are row_ind[col_ptr[j] ..
// col_ptr[j+1]), strictly increasing; values alongside.
template <class T, class I>
struct CscView {
  using Scalar = T;
  int64_t m, n;
  const int64_t* col_ptr;
  const I* row_ind;
  const T* values;
  int64_t nnz() const { return col_ptr[n]; }
};

// ||A||_F^2, accumulated in double in storage order (the same number for a
// dense matrix and its CSC copy up to the order of the additions).
template <class T>
double frob2_of(const DenseView<T>& a) {
  double s = 0;
  for (int64_t j = 0; j < a.n; ++j)
    for (int64_t i = 0; i < a.m; ++i) {
      const double x = double(a.data[i + j * a.ld]);
      s += x * x;
    }
  return s;
}
template <class T, class I>
double frob2_of(const CscView<T, I>& a) {
  double s = 0;
  for (int64_t t = 0; t < a.nnz(); ++t) s += double(a.values[t]) * double(a.values[t]);
  return s;
}

// X(View) once for each input view the library is built for, for the
// explicit instantiations; X takes the view as __VA_ARGS__ (a CSC view's
// name holds a comma), its scalar as __VA_ARGS__::Scalar.
#define NMF_FOR_EACH_VIEW(X)                                                 \
  X(DenseView<double>) X(DenseView<float>) X(CscView<double, int32_t>)       \
  X(CscView<double, int64_t>) X(CscView<float, int32_t>) X(CscView<float, int64_t>)

}  // namespace nmf
