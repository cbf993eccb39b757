// Reading Matrix Market coordinate files (plain or gzip) into CSC.
#pragma once

#include <string>

#include "matrix.hpp"

namespace nmfcli {

// Reads "%%MatrixMarket matrix coordinate real|integer general" (1-based
// indices, any entry order) into a sparse LabeledMatrix without names.
// Entries must be finite and non-negative, each (i, j) at most once.  With
// transpose the result is the transpose.  Problems are reported as
// "FILE:LINE: reason".
template <typename T>
LabeledMatrix<T> read_mtx(const std::string &path, bool transpose);

// Only the columns [first, last) (of the result, after any transpose) of the
// same file: a process of a distributed fit keeps its block while checking
// the whole file as read_mtx does (every process then finds the same
// problems).  The result has last - first columns.
template <typename T>
LabeledMatrix<T> read_mtx_columns(const std::string &path, bool transpose,
                                  int64_t first, int64_t last);

// Rows and columns of the result of read_mtx (after any transpose), from
// the header alone.
void mtx_dimensions(const std::string &path, bool transpose, int64_t *rows,
                    int64_t *cols);

// True if the file starts with the Matrix Market banner.
bool looks_like_mtx(const std::string &path);

}  // namespace nmfcli
