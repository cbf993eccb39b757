// A matrix read from a file, with its row and column names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nmf.h"

namespace nmfcli {

// Row and column names plus the values, dense column-major or sparse CSC,
// laid out exactly as nmf.h wants them.  T is double or float.
template <typename T>
struct LabeledMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<std::string> row_names;
  std::vector<std::string> col_names;

  bool sparse = false;
  // Dense: rows x cols, column-major, leading dimension rows.
  std::vector<T> dense;
  // Sparse CSC: col_ptr has cols + 1 entries; the row indices are in
  // row_ind32 when they fit in int32_t (the common case, half the memory),
  // else (wide_index) in row_ind64; values has col_ptr[cols] entries.
  bool wide_index = false;
  std::vector<int64_t> col_ptr;
  std::vector<int32_t> row_ind32;
  std::vector<int64_t> row_ind64;
  std::vector<T> values;

  int64_t nnz() const { return sparse ? col_ptr.back() : rows * cols; }
};

// The nmf.h descriptor of a, read in place.  An empty matrix's vectors have
// no data(): the library still gets valid pointers.
template <typename T>
nmf_matrix describe(const LabeledMatrix<T> &a) {
  static const int32_t no_index32 = 0;
  static const int64_t no_index64 = 0;
  static const T no_value = 0;
  const int32_t scalar = sizeof(T) == sizeof(double) ? NMF_SCALAR_DOUBLE : NMF_SCALAR_FLOAT;
  nmf_matrix m;
  if (!a.sparse) {
    nmf_matrix_dense(&m, sizeof m, scalar, a.dense.empty() ? &no_value : a.dense.data(),
                     a.rows, a.cols, a.rows);
  } else if (a.wide_index) {
    nmf_matrix_csc(&m, sizeof m, scalar, NMF_INDEX_I64, a.rows, a.cols, a.col_ptr.data(),
                   a.row_ind64.empty() ? &no_index64 : a.row_ind64.data(),
                   a.values.empty() ? &no_value : a.values.data());
  } else {
    nmf_matrix_csc(&m, sizeof m, scalar, NMF_INDEX_I32, a.rows, a.cols, a.col_ptr.data(),
                   a.row_ind32.empty() ? &no_index32 : a.row_ind32.data(),
                   a.values.empty() ? &no_value : a.values.data());
  }
  return m;
}

}  // namespace nmfcli
