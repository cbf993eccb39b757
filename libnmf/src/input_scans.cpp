// The scans of the inputs (validate.hpp): dimensions, CSC structure, and
// every entry of A, the weights and user-given factors finite and
// non-negative.
#include "nmf/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>

#include "nmf/blas.hpp"
#include "nmf/option_table.hpp"
#include "nmf/system_memory.hpp"

namespace nmf {

namespace {

std::string num(double v) { return exact_text(v); }

// Message for a bad entry of matrix `name` at 0-based (i, j).
template <class T>
Status bad_entry(char name, int64_t i, int64_t j, T v) {
  const double d = double(v);
  std::ostringstream msg;
  msg << name << " has ";
  int32_t code;
  if (std::isnan(d)) {
    msg << "a NaN entry";
    code = kErrNotFinite;
  } else if (std::isinf(d)) {
    msg << "an infinite entry (" << (d > 0 ? "Inf" : "-Inf") << ")";
    code = kErrNotFinite;
  } else {
    msg << "a negative entry (" << num(d) << ")";
    code = kErrNegative;
  }
  msg << " at row " << (i + 1) << ", column " << (j + 1)
      << " (1-based); NMF needs finite, non-negative values";
  return Status::at(code, msg.str(), name, i, j);
}

template <class T>
inline bool is_bad(T v) {
  // True for negative, NaN and infinite values.
  return !(v >= T(0)) || !(v <= std::numeric_limits<T>::max());
}

// Finds the first bad entry among `count` columns, in column order; returns
// the column index or -1.  Each column is scanned independently, so the
// parallel result is the serial one.
template <class F>
int64_t first_bad_column(int64_t count, int threads, F column_is_bad) {
  int64_t first = std::numeric_limits<int64_t>::max();
#pragma omp parallel for num_threads(threads) schedule(static) reduction(min : first)
  for (int64_t j = 0; j < count; ++j) {
    if (j < first && column_is_bad(j)) first = j;
  }
  return first == std::numeric_limits<int64_t>::max() ? -1 : first;
}

}  // namespace

template <class T>
Status validate_dense(const DenseView<T>& a, int threads, bool allow_nan,
                      DenseSummary* summary) {
  if (a.m < 1 || a.n < 1)
    return Status::error(kErrDimension,
                         "A is empty (m = " + std::to_string(a.m) +
                             ", n = " + std::to_string(a.n) +
                             "); both dimensions must be at least 1");
  if (a.ld < a.m)
    return Status::error(kErrDimension,
                         "leading dimension lda = " + std::to_string(a.ld) +
                             " is smaller than m = " + std::to_string(a.m));
  if (!blas::fits_blas_int(a.m) || !blas::fits_blas_int(a.n) ||
      !blas::fits_blas_int(a.ld))
    return Status::error(kErrTooLarge,
                         "dense A of " + std::to_string(a.m) + " x " +
                             std::to_string(a.n) + " (lda " +
                             std::to_string(a.ld) +
                             ") exceeds the 32-bit BLAS interface; use a "
                             "sparse input or split the matrix");
  if (a.n > 1 && a.ld > std::numeric_limits<int64_t>::max() / a.n)
    return Status::error(kErrTooLarge, "lda * n overflows int64");
  if (!a.data) return Status::error(kErrNullPointer, "A is NULL");
  // Under NMF_MISSING_NAN a NaN marks a missing entry.
  auto bad_value = [&](T v) { return is_bad(v) && !(allow_nan && std::isnan(v)); };
  // One pass: per column its largest and smallest entries, its non-zeros
  // and its sums (vectorised reductions, the same for any thread count).
  // Without missing entries a column holds a bad entry exactly when its
  // smallest is negative, its largest infinite or its sum NaN.
  struct Column {
    double max, sum, sum2;
    int64_t nonzeros;
    bool bad;
  };
  std::vector<Column> cols(static_cast<size_t>(a.n));
  // clang does not vectorise these min/max reductions and says so; the
  // loop is correct either way (GCC, the release compiler, vectorises it).
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t c = 0; c < a.n; ++c) {
    const T* col = a.data + c * a.ld;
    double mx = 0, mn = 0, sum = 0, sum2 = 0, nz = 0;
#pragma omp simd reduction(max : mx) reduction(min : mn) reduction(+ : sum, sum2, nz)
    for (int64_t i = 0; i < a.m; ++i) {
      const double v = double(col[i]);
      mx = mx < v ? v : mx;  // NaN compares false and is skipped
      mn = mn > v ? v : mn;
      nz += v != 0.0 ? 1.0 : 0.0;
      sum += v;
      sum2 += v * v;
    }
    bool bad;
    if (allow_nan) {
      bad = false;
      for (int64_t i = 0; i < a.m; ++i) bad |= bad_value(col[i]);
    } else {
      bad = !(mn >= 0) || !(mx <= double(std::numeric_limits<T>::max())) ||
            std::isnan(sum);
    }
    cols[size_t(c)] = Column{mx, sum, sum2, int64_t(nz), bad};
  }
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
  for (int64_t j = 0; j < a.n; ++j) {
    if (!cols[size_t(j)].bad) continue;
    const T* col = a.data + j * a.ld;
    for (int64_t i = 0; i < a.m; ++i)
      if (bad_value(col[i])) return bad_entry('A', i, j, col[i]);
  }
  // The dense products W^T A and A H^T are BLAS calls on A as given (the
  // scale 1 / max(A) is their alpha, applied to the sums), so each sum of up
  // to max(m, n) terms must stay within the type: refuse what would
  // overflow rather than return factors computed from Inf.
  double amax = 0;
  for (const Column& c : cols) amax = std::max(amax, c.max);
  if (summary && !allow_nan) {
    *summary = DenseSummary();
    summary->valid = true;
    summary->max = amax;
    for (const Column& c : cols) {
      summary->sum += c.sum;
      summary->sum2 += c.sum2;
      summary->nonzeros += c.nonzeros;
    }
  }
  const double terms = double(std::max(a.m, a.n));
  if (amax * terms * 16.0 > double(std::numeric_limits<T>::max()))
    return Status::error(
        kErrNumerical,
        "A's largest entry " + num(amax) + " summed over " +
            std::to_string(std::max(a.m, a.n)) + " terms would overflow the " +
            "range of " + (sizeof(T) == sizeof(float) ? "float" : "double") +
            " in the products W^T A and A H^T: divide A by a constant (the " +
            "factors scale with it)" +
            (sizeof(T) == sizeof(float) ? ", or use a double or sparse input" : ""));
  return Status();
}

Status validate_scale(double amax) {
  if (std::isfinite(1.0 / amax)) return Status();
  return Status::error(
      kErrNumerical,
      "A's largest entry " + num(amax) + " is too small to be scaled to 1 (its " +
          "reciprocal overflows a double): multiply A by a constant (the " +
          "factors scale with it)");
}

template <class T, class I>
Status validate_csc(const CscView<T, I>& a, std::vector<int64_t>& row_nnz,
                    int threads) {
  if (a.m < 1 || a.n < 1)
    return Status::error(kErrDimension,
                         "A is empty (m = " + std::to_string(a.m) +
                             ", n = " + std::to_string(a.n) +
                             "); both dimensions must be at least 1");
  if (!a.col_ptr) return Status::error(kErrNullPointer, "col_ptr is NULL");
  if (a.col_ptr[0] != 0)
    return Status::error(kErrSparseStructure,
                         "col_ptr[0] = " + std::to_string(a.col_ptr[0]) +
                             " must be 0");
  for (int64_t j = 0; j < a.n; ++j) {
    if (a.col_ptr[j + 1] < a.col_ptr[j])
      return Status::at(kErrSparseStructure,
                        "col_ptr is decreasing at column " +
                            std::to_string(j + 1) + " (1-based): col_ptr[" +
                            std::to_string(j + 1) + "] = " +
                            std::to_string(a.col_ptr[j + 1]) + " < col_ptr[" +
                            std::to_string(j) + "] = " +
                            std::to_string(a.col_ptr[j]),
                        'A', -1, j);
  }
  const int64_t nnz = a.col_ptr[a.n];
  if (nnz > 0 && (!a.row_ind || !a.values))
    return Status::error(kErrNullPointer,
                         a.row_ind ? "values is NULL" : "row_ind is NULL");
  if (!blas::fits_blas_int(a.m) || !blas::fits_blas_int(a.n))
    return Status::error(kErrTooLarge,
                         "sparse A of " + std::to_string(a.m) + " x " +
                             std::to_string(a.n) +
                             " exceeds 2^31 - 1 rows or columns");
  // Structure: per column, indices in range and strictly increasing.
  const int64_t bad_struct = first_bad_column(a.n, threads, [&](int64_t j) {
    int64_t prev = -1;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q) {
      const int64_t r = int64_t(a.row_ind[q]);
      if (r < 0 || r >= a.m || r <= prev) return true;
      prev = r;
    }
    return false;
  });
  if (bad_struct >= 0) {
    const int64_t j = bad_struct;
    int64_t prev = -1;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q) {
      const int64_t r = int64_t(a.row_ind[q]);
      std::string where = "in column " + std::to_string(j + 1) +
                          " (1-based) at position " + std::to_string(q) +
                          " of row_ind";
      if (r < 0 || r >= a.m)
        return Status::at(kErrSparseStructure,
                          "row index " + std::to_string(r) + " " + where +
                              " is out of range [0, " + std::to_string(a.m) +
                              ")",
                          'A', -1, j);
      if (r == prev)
        return Status::at(kErrSparseStructure,
                          "duplicate row index " + std::to_string(r) + " " +
                              where,
                          'A', r, j);
      if (r < prev)
        return Status::at(kErrSparseStructure,
                          "row indices are not sorted " + where + " (" +
                              std::to_string(r) + " after " +
                              std::to_string(prev) + ")",
                          'A', r, j);
      prev = r;
    }
  }
  const int64_t bad_val = first_bad_column(a.n, threads, [&](int64_t j) {
    bool bad = false;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q)
      bad |= is_bad(a.values[q]);
    return bad;
  });
  if (bad_val >= 0) {
    for (int64_t q = a.col_ptr[bad_val]; q < a.col_ptr[bad_val + 1]; ++q)
      if (is_bad(a.values[q]))
        return bad_entry('A', int64_t(a.row_ind[q]), bad_val, a.values[q]);
  }
  // The per-row counts are the first allocation proportional to m: refuse
  // it, with the figures, rather than be killed for it.
  const int64_t avail = available_memory_bytes();
  if (avail >= 0 && a.m > avail / int64_t(sizeof(int64_t)))
    return Status::error(
        kErrOutOfMemory,
        "A has " + std::to_string(a.m) + " rows: the fit needs more than " +
            std::to_string(a.m / (1048576 / int64_t(sizeof(int64_t)))) +
            " MiB of working memory but only " +
            std::to_string(avail / 1048576) + " MiB are available");
  row_nnz.assign(size_t(a.m), 0);
  for (int64_t q = 0; q < nnz; ++q) ++row_nnz[size_t(a.row_ind[q])];
  return Status();
}

namespace {

Status bad_weight(int64_t i, int64_t j, double v, const std::string& where) {
  std::ostringstream msg;
  msg << "weights has " << (std::isnan(v) ? "a NaN" : std::isinf(v) ? "an infinite" : "a negative")
      << " entry (" << num(v) << ") " << where
      << "; weights must be finite and >= 0 (0 = missing)";
  return Status::at(kErrInvalidArgument, msg.str(), 0, i, j);
}

}  // namespace

template <class T>
Status validate_weights(const DenseView<T>& a, const Options& opt, int threads) {
  if (opt.missing == kMissingUnstored)
    return Status::error(kErrInvalidArgument,
                         "missing = NMF_MISSING_UNSTORED needs a sparse (CSC) "
                         "input; a dense A stores every entry (use "
                         "NMF_MISSING_NAN or weights 0)");
  if (opt.weights) {
    if (opt.weights_ld < a.m)
      return Status::error(kErrDimension,
                           "weights_ld = " + std::to_string(opt.weights_ld) +
                               " is smaller than m = " + std::to_string(a.m) +
                               " (the weights are an m x n column-major array)");
    if (a.n > 1 && opt.weights_ld > std::numeric_limits<int64_t>::max() / a.n)
      return Status::error(kErrTooLarge, "weights_ld * n overflows int64");
    const double* w = opt.weights;
    const int64_t ld = opt.weights_ld;
    const int64_t j = first_bad_column(a.n, threads, [&](int64_t c) {
      bool bad = false;
      for (int64_t i = 0; i < a.m; ++i) bad |= is_bad(w[i + c * ld]);
      return bad;
    });
    if (j >= 0)
      for (int64_t i = 0; i < a.m; ++i)
        if (is_bad(w[i + j * ld]))
          return bad_weight(i, j, w[i + j * ld],
                            "at row " + std::to_string(i + 1) + ", column " +
                                std::to_string(j + 1) + " (1-based)");
  }
  return check_weighted_options(opt);
}

template <class T, class I>
Status validate_weights(const CscView<T, I>& a, const Options& opt, int threads) {
  if (opt.missing == kMissingNan)
    return Status::error(kErrInvalidArgument,
                         "missing = NMF_MISSING_NAN needs a dense input; for a "
                         "sparse (CSC) input use NMF_MISSING_UNSTORED "
                         "(entries not stored are missing) or weights 0");
  if (opt.weights) {
    const double* w = opt.weights;
    const int64_t j = first_bad_column(a.n, threads, [&](int64_t c) {
      bool bad = false;
      for (int64_t q = a.col_ptr[c]; q < a.col_ptr[c + 1]; ++q) bad |= is_bad(w[q]);
      return bad;
    });
    if (j >= 0)
      for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q)
        if (is_bad(w[q]))
          return bad_weight(int64_t(a.row_ind[q]), j, w[q],
                            "at stored position " + std::to_string(q) +
                                " (row " + std::to_string(int64_t(a.row_ind[q]) + 1) +
                                ", column " + std::to_string(j + 1) +
                                ", 1-based)");
  }
  return check_weighted_options(opt);
}

template <class T>
Status validate_factor(const T* x, int64_t rows, int64_t cols, char name) {
  if (!x) return Status::error(kErrNullPointer, std::string(1, name) + " is NULL");
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i)
      if (is_bad(x[i + j * rows])) {
        Status s = bad_entry(name, i, j, x[i + j * rows]);
        s.message = "user-supplied " + s.message;
        return s;
      }
  return Status();
}

template Status validate_dense(const DenseView<double>&, int, bool, DenseSummary*);
template Status validate_dense(const DenseView<float>&, int, bool, DenseSummary*);
#define NMF_WEIGHTS(...) \
  template Status validate_weights(const __VA_ARGS__&, const Options&, int);
NMF_FOR_EACH_VIEW(NMF_WEIGHTS)
#undef NMF_WEIGHTS
template Status validate_csc(const CscView<double, int32_t>&,
                             std::vector<int64_t>&, int);
template Status validate_csc(const CscView<double, int64_t>&,
                             std::vector<int64_t>&, int);
template Status validate_csc(const CscView<float, int32_t>&,
                             std::vector<int64_t>&, int);
template Status validate_csc(const CscView<float, int64_t>&,
                             std::vector<int64_t>&, int);
template Status validate_factor(const double*, int64_t, int64_t, char);
template Status validate_factor(const float*, int64_t, int64_t, char);

}  // namespace nmf
