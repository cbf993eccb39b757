// Reading user-supplied W and H (--w-init, --h-init, --fix-w, --fix-h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "matrix.hpp"

namespace nmfcli {

// W from a genes x K table, its rows matched to a's rows by name (in order
// when the names agree position by position).  Returns m x K column-major
// and sets *k.
template <typename T>
std::vector<T> read_w_file(const std::string &path, const LabeledMatrix<T> &a,
                           const std::string &input, int64_t *k);

// H from a K x samples table, its columns matched to a's columns by name.
// Returns K x n column-major and sets *k.
template <typename T>
std::vector<T> read_h_file(const std::string &path, const LabeledMatrix<T> &a,
                           const std::string &input, int64_t *k);

}  // namespace nmfcli
