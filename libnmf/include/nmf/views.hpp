// Zero-copy views of the input matrix A (m x n).
#pragma once
#include <cstdint>

namespace nmf {

// Dense, column-major: element (i, j) is data[i + j * ld], ld >= m.
template <class T>
struct DenseView {
  const T* data;
  int64_t m, n, ld;
};

// Compressed sparse column: rows of column j are row_ind[col_ptr[j] ..
// col_ptr[j+1]), strictly increasing; values alongside.
template <class T, class I>
struct CscView {
  int64_t m, n;
  const int64_t* col_ptr;
  const I* row_ind;
  const T* values;
  int64_t nnz() const { return col_ptr[n]; }
};

}  // namespace nmf
