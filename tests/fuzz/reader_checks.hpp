// What every reader must guarantee about a matrix it returns, checked on
// each input the fuzzer finds readable; and the one way a reader may refuse
// an input (a CliError with a message).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "cli_error.hpp"
#include "fuzz_util.hpp"
#include "matrix.hpp"
#include "memory_check.hpp"

namespace fuzz {

// A consistent shape, names for every row and column finite non-negative
// values, and for CSC the structure nmf.h requires.
// (read_mtx alone gives no names: with_names = false.)
template <typename T>
void check_matrix(const nmfcli::LabeledMatrix<T> &a, bool with_names = true) {
  FUZZ_CHECK(a.rows >= 1 && a.cols >= 1, std::to_string(a.rows) + " x " + std::to_string(a.cols));
  if (with_names) {
    FUZZ_CHECK(a.row_names.size() == size_t(a.rows), "row names");
    FUZZ_CHECK(a.col_names.size() == size_t(a.cols), "column names");
  }
  if (!a.sparse) {
    FUZZ_CHECK(a.dense.size() == size_t(a.rows * a.cols), "dense size");
    for (T v : a.dense) FUZZ_CHECK(std::isfinite(double(v)) && v >= 0, std::to_string(double(v)));
    return;
  }
  FUZZ_CHECK(a.col_ptr.size() == size_t(a.cols) + 1 && a.col_ptr[0] == 0, "col_ptr size");
  const int64_t nnz = a.col_ptr.back();
  FUZZ_CHECK(a.values.size() == size_t(nnz), "values size");
  FUZZ_CHECK((a.wide_index ? a.row_ind64.size() : a.row_ind32.size()) == size_t(nnz), "row_ind size");
  for (int64_t j = 0; j < a.cols; ++j) {
    FUZZ_CHECK(a.col_ptr[j] <= a.col_ptr[j + 1], "col_ptr decreasing");
    int64_t prev = -1;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q) {
      const int64_t r = a.wide_index ? a.row_ind64[q] : a.row_ind32[q];
      FUZZ_CHECK(r > prev && r < a.rows, "row index " + std::to_string(r));
      prev = r;
      FUZZ_CHECK(std::isfinite(double(a.values[q])) && a.values[q] >= 0, "value");
    }
  }
}

// Runs read(); a refusal must be a CliError with a message.  Any other
// exception escapes (to main()'s generic handler in the tool) and is a
// finding, except std::bad_alloc, which the tool reports as "out of memory".
template <typename Read>
void expect_read_or_refusal(Read read) {
  static const bool limited = [] {
    nmfcli::set_memory_limit(int64_t(256) << 20);  // libFuzzer's budget is 2 GiB
    return true;
  }();
  (void)limited;
  try {
    read();
  } catch (const nmfcli::CliError &e) {
    FUZZ_CHECK(e.what()[0] != '\0', "empty error message");
  } catch (const std::bad_alloc &) {
  }
}

}  // namespace fuzz
