// Entry-wise access to A for the divergence path (fit_divergence.cpp; also
// the data summary and NNDSVD mask of the weighted Frobenius loss,
// weighted.hpp): the entries that enter the loss, each with its value a and
// weight w, visited column by column or, for a block of rows, column after
// column.  Missing entries (NaN under NMF_MISSING_NAN, unstored under
// NMF_MISSING_UNSTORED, weight 0) are never visited, except as noted for
// the CSC "background".
//
// CSC input with NMF_MISSING_NONE has a background: every entry not stored
// is an observed zero of weight 1.  The solvers then add the contribution of
// an all-zero, all-weight-1 matrix in closed form (or by a walk over all
// entries when there is none, which costs time but never an m x n buffer)
// and visit the stored entries as corrections, weight 0 included.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "nmf/views.hpp"

namespace nmf {

// Sums over the entries in the loss, in internal units (A times scale).
struct EntryStats {
  double sum = 0;        // sum of a (for the mean of A)
  double count = 0;      // number of entries in the loss
  double weighted2 = 0;  // sum of w a^2 (denominator of the relative error)
};

template <class T>
class DenseEntries {
 public:
  DenseEntries(const DenseView<T>& a, const double* weights, int64_t wld,
               bool nan_missing)
      : a_(a), wt_(weights), wld_(wld), nan_(nan_missing) {}
  int64_t m() const { return a_.m; }
  int64_t n() const { return a_.n; }
  bool background() const { return false; }
  bool weighted() const { return wt_ != nullptr || nan_; }

  // Values are reported times `scale` (internal units, see fit_divergence).
  void set_scale(double s) { scale_ = s; }
  const DenseView<T>& view() const { return a_; }
  const double* weights() const { return wt_; }
  int64_t weights_ld() const { return wld_; }
  bool nan_missing() const { return nan_; }

  // f(i, a, w) for the entries of column j with r0 <= i < r1, i ascending.
  template <class F>
  void visit(int64_t j, int64_t r0, int64_t r1, F&& f) const {
    const T* col = a_.data + j * a_.ld;
    const double* wc = wt_ ? wt_ + j * wld_ : nullptr;
    for (int64_t i = r0; i < r1; ++i) {
      const T v = col[i];
      if (nan_ && v != v) continue;
      const double w = wc ? wc[i] : 1.0;
      if (w > 0) f(i, scale_ * double(v), w);
    }
  }

  // Fixed blocks of rows for the W updates (the results do not depend on
  // the partition: every row is computed on its own).
  std::vector<int64_t> row_blocks(int /*threads*/) const {
    std::vector<int64_t> b;
    for (int64_t r = 0; r < a_.m; r += kRowBlock) b.push_back(r);
    b.push_back(a_.m);
    return b;
  }

  double max_value(int threads) const {
    std::vector<double> part(static_cast<size_t>(a_.n), 0.0);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      double mx = 0;
      visit(j, 0, a_.m, [&](int64_t, double v, double) { mx = std::max(mx, v); });
      part[size_t(j)] = mx;
    }
    return part.empty() ? 0.0 : *std::max_element(part.begin(), part.end());
  }

  // Sums over the entries in the loss, in internal units.
  EntryStats stats(int threads) const {
    std::vector<EntryStats> part(static_cast<size_t>(a_.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      EntryStats s;
      visit(j, 0, a_.m, [&](int64_t, double x, double w) {
        s.sum += x;
        s.count += 1;
        s.weighted2 += w * x * x;
      });
      part[size_t(j)] = s;
    }
    return total(part);
  }

  // A copy (leading dimension m) with the missing entries set to zero, for
  // the SVD of the NNDSVD initialisation; empty when nothing is missing.
  std::vector<T> masked_values() const {
    if (!weighted()) return {};
    std::vector<T> out(size_t(a_.m * a_.n), T(0));
    for (int64_t j = 0; j < a_.n; ++j)
      visit(j, 0, a_.m, [&](int64_t i, double, double) {
        out[size_t(i + j * a_.m)] = a_.data[i + j * a_.ld];
      });
    return out;
  }

  static EntryStats total(const std::vector<EntryStats>& part) {
    EntryStats t;
    for (const EntryStats& s : part) {
      t.sum += s.sum;
      t.count += s.count;
      t.weighted2 += s.weighted2;
    }
    return t;
  }

 private:
  static constexpr int64_t kRowBlock = 64;
  DenseView<T> a_;
  const double* wt_;
  int64_t wld_;
  bool nan_;
  double scale_ = 1.0;
};

template <class T, class I>
class CscEntries {
 public:
  // row_nnz: stored entries per row (from validate_csc), used to balance the
  // row blocks.
  CscEntries(const CscView<T, I>& a, const double* weights, bool unstored_missing,
             const std::vector<int64_t>& row_nnz)
      : a_(a), wt_(weights), bg_(!unstored_missing), row_nnz_(&row_nnz) {}
  int64_t m() const { return a_.m; }
  int64_t n() const { return a_.n; }
  bool background() const { return bg_; }
  bool weighted() const { return wt_ != nullptr || !bg_; }

  void set_scale(double s) { scale_ = s; }
  double scale() const { return scale_; }
  const CscView<T, I>& view() const { return a_; }
  const std::vector<int64_t>& row_nnz() const { return *row_nnz_; }

  // f(i, a, w) for the stored entries of column j with r0 <= i < r1; with a
  // background, also those of weight 0 (they cancel the background).
  template <class F>
  void visit(int64_t j, int64_t r0, int64_t r1, F&& f) const {
    const I* ri = a_.row_ind;
    const I* first = ri + a_.col_ptr[j];
    const I* last = ri + a_.col_ptr[j + 1];
    if (r0 > 0 && first != last) first = std::lower_bound(first, last, I(r0));
    for (const I* it = first; it != last && int64_t(*it) < r1; ++it) {
      const int64_t q = it - ri;
      const double w = wt_ ? wt_[q] : 1.0;
      if (bg_ || w > 0) f(int64_t(*it), scale_ * double(a_.values[q]), w);
    }
  }

  // Blocks of rows of similar numbers of stored entries; at least 4 per
  // thread, and small enough that a block's entries fit in a few MiB (the
  // coordinate-descent W update gathers them).
  std::vector<int64_t> row_blocks(int threads) const {
    const int64_t total = a_.nnz();
    const int64_t want = std::max<int64_t>(int64_t(threads) * 4, total / (int64_t(1) << 18));
    const int64_t nblocks = std::max<int64_t>(1, std::min<int64_t>(a_.m, want));
    std::vector<int64_t> b{0};
    int64_t acc = 0, next = 1;
    for (int64_t i = 0; i < a_.m && next < nblocks; ++i) {
      acc += (*row_nnz_)[size_t(i)];
      if (acc * nblocks >= next * total && i + 1 < a_.m) {
        b.push_back(i + 1);
        ++next;
      }
    }
    b.push_back(a_.m);
    return b;
  }

  double max_value(int /*threads*/) const {
    double mx = 0;
    const int64_t nz = a_.nnz();
    for (int64_t q = 0; q < nz; ++q)
      if (!wt_ || wt_[q] > 0) mx = std::max(mx, double(a_.values[q]));
    return mx;
  }

  EntryStats stats(int threads) const {
    std::vector<EntryStats> part(static_cast<size_t>(a_.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      EntryStats s;
      if (bg_) s.count = double(a_.m);  // the unstored zeros
      visit(j, 0, a_.m, [&](int64_t, double x, double w) {
        if (w > 0) {
          s.sum += x;
          s.weighted2 += w * x * x;
          if (!bg_) s.count += 1;
        } else {
          s.count -= 1;  // a stored entry of weight 0 leaves the background
        }
      });
      part[size_t(j)] = s;
    }
    return DenseEntries<T>::total(part);
  }

  // The stored values with the entries of weight 0 set to zero (the
  // unstored ones are zeros already), for NNDSVD; empty when none has
  // weight 0.
  std::vector<T> masked_values() const {
    if (!wt_) return {};
    const int64_t nz = a_.nnz();
    std::vector<T> out(a_.values, a_.values + nz);
    for (int64_t q = 0; q < nz; ++q)
      if (!(wt_[q] > 0)) out[size_t(q)] = T(0);
    return out;
  }

 private:
  CscView<T, I> a_;
  const double* wt_;
  bool bg_;
  const std::vector<int64_t>* row_nnz_;
  double scale_ = 1.0;
};

}  // namespace nmf
