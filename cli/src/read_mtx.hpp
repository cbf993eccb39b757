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

// True if the file starts with the Matrix Market banner.
bool looks_like_mtx(const std::string &path);

}  // namespace nmfcli
