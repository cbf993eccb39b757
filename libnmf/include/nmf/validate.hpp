// Validation: every problem is reported as a Status naming it, before
// any large allocation.
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"

namespace nmf {

// Dimensions and leading dimension of a dense view, then every entry:
// finite and non-negative.  The first offending entry (column-major order)
// is reported with its 1-based position in the message.
// With allow_nan (NMF_MISSING_NAN), NaN entries are accepted as missing.
// One pass over A; when `summary` is given and A is valid without missing
// entries, it is filled from that same pass.
template <class T>
Status validate_dense(const DenseView<T>& a, int threads, bool allow_nan = false,
                      DenseSummary* summary = nullptr);

// The missing-value mode and the entry weights against the kind of input
// (nmf.h): NAN needs dense input, UNSTORED CSC input; dense weights are
// m x n with leading dimension weights_ld >= m, CSC weights have nnz
// entries; every weight finite and >= 0.  Also the option combinations the
// weighted loss does not support.
template <class T>
Status validate_weights(const DenseView<T>& a, const Options& opt, int threads);
template <class T, class I>
Status validate_weights(const CscView<T, I>& a, const Options& opt, int threads);

// CSC structure (col_ptr[0] = 0, non-decreasing, row indices in range and
// strictly increasing per column), then values.  Fills row_nnz (length m).
template <class T, class I>
Status validate_csc(const CscView<T, I>& a, std::vector<int64_t>& row_nnz,
                    int threads);

// The fits work in units where max(A) = 1 (the scale 1 / max(A)): refuses a
// largest entry so small (subnormal, below about 5.6e-309) that its
// reciprocal overflows.
Status validate_scale(double amax);

// 1 <= k <= min(m, n) (kErrRank): the one rank check every operation and
// binding relies on.
Status check_rank(int64_t m, int64_t n, int64_t k);

// The options the weighted loss (entry weights or missing values) does not
// support.
Status check_weighted_options(const Options& opt);

// k against the dimensions (check_rank), each option against its bounds or
// choices (option_table.hpp), the rules between options, and the memory a
// fit will need.
Status validate_problem(int64_t m, int64_t n, int64_t k, size_t scalar_bytes,
                        const Options& opt);

// A user-supplied factor (rows x cols, leading dimension rows): finite and
// non-negative.  name is 'W' or 'H'.
template <class T>
Status validate_factor(const T* x, int64_t rows, int64_t cols, char name);

}  // namespace nmf
