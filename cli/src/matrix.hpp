// A matrix read from a file, with its row and column names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace nmfcli
