// Missing values and entry weights: the weighted least-squares loss
//   1/2 sum_ij w_ij (a_ij - (WH)_ij)^2
// (Lee & Seung's loss with weights, the NMF package's ls-nmf; w_ij = 0 for a
// missing entry).  Column j of H then solves its own NNLS problem with
//   G_j = W^T diag(w_j) W = sum_i w_ij w_i w_i^T,  b_j = sum_i w_ij a_ij w_i
// (w_i the i-th row of W), and row i of W the mirror with the columns of H.
// There are no shared products: each G_j is built from the observed entries
// of its column, O(k^2) per entry, and handed to the update rule one column
// at a time (UpdateRule::update_column).
//
// Three data layouts:
//  - DenseWeighted: a dense A with an optional weight matrix and optional
//    NaN-missing entries; every entry of non-zero weight is visited.
//  - CscWeighted, missing = unstored: only the stored entries exist (weight
//    given or 1); nothing of size m x n is ever formed.  Rows are reached
//    through a row index of the stored entries (O(nnz) integers).
//  - CscWeighted, unstored entries observed as zeros with weight 1: with
//    the plain Gram matrix G = W^T W, G_j = G + sum_{i stored} (w_ij - 1)
//    w_i w_i^T, and the residual sum is
//      sum_stored [w (a - wh)^2 - (wh)^2] + <W^T W, H H^T>.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/entries.hpp"
#include "nmf/stepper.hpp"
#include "nmf/views.hpp"

namespace nmf {

// The summary of A that run() (fit.cpp) needs, over the entries in the
// loss: the largest value, and sum w (scale a)^2, sum scale a and the count
// of entries.  From the entry views of the divergence path (entries.hpp).
template <class Entries>
class EntrySummary {
 public:
  explicit EntrySummary(const Entries& e) : entries(e) {}
  double max_abs(int threads) const { return entries.max_value(threads); }
  void norms(double scale, double* frob2, double* sum, double* count,
             int threads) const {
    Entries scaled = entries;
    scaled.set_scale(scale);
    const EntryStats st = scaled.stats(threads);
    *frob2 = st.weighted2;
    *sum = st.sum;
    *count = st.count;
  }
  Entries entries;
};

template <class T>
class DenseWeighted : public EntrySummary<DenseEntries<T>> {
 public:
  DenseWeighted(const DenseView<T>& a, const double* w, int64_t wld, bool nan)
      : EntrySummary<DenseEntries<T>>(DenseEntries<T>(a, w, wld, nan)),
        a_(a), w_(w), wld_(wld), nan_(nan) {}
  int64_t m() const { return a_.m; }
  int64_t n() const { return a_.n; }
  bool base() const { return false; }
  // f(index on the other side, a_ij, w_ij) for every entry with w_ij > 0.
  template <class F>
  void for_col(int64_t j, F&& f) const {
    for (int64_t i = 0; i < a_.m; ++i) {
      const double w = weight(i, j);
      if (w > 0) f(i, double(a_.data[i + j * a_.ld]), w);
    }
  }
  template <class F>
  void for_row(int64_t i, F&& f) const {
    for (int64_t j = 0; j < a_.n; ++j) {
      const double w = weight(i, j);
      if (w > 0) f(j, double(a_.data[i + j * a_.ld]), w);
    }
  }
  int64_t count_nonzero(int threads) const {
    int64_t cnt = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : cnt)
    for (int64_t j = 0; j < a_.n; ++j)
      for_col(j, [&](int64_t, double a, double) { cnt += a != 0; });
    return cnt;
  }

 private:
  double weight(int64_t i, int64_t j) const {
    if (nan_ && std::isnan(a_.data[i + j * a_.ld])) return 0;
    return w_ ? w_[i + j * wld_] : 1.0;
  }
  DenseView<T> a_;
  const double* w_;
  int64_t wld_;
  bool nan_;
};

template <class T, class I>
class CscWeighted : public EntrySummary<CscEntries<T, I>> {
 public:
  // w: one weight per stored entry or null (all 1).  unstored_missing:
  // entries not stored are missing; otherwise they are zeros of weight 1.
  // row_nnz: stored entries per row (validate_csc).
  CscWeighted(const CscView<T, I>& a, const double* w, bool unstored_missing,
              const std::vector<int64_t>& row_nnz)
      : EntrySummary<CscEntries<T, I>>(
            CscEntries<T, I>(a, w, unstored_missing, row_nnz)),
        a_(a), w_(w), unstored_(unstored_missing) {
    // Row index: the stored entries of row i are entry_[row_ptr_[i] ..
    // row_ptr_[i+1]), by increasing column.
    const int64_t nnz = a_.nnz();
    row_ptr_.assign(size_t(a_.m + 1), 0);
    for (int64_t q = 0; q < nnz; ++q) ++row_ptr_[size_t(a_.row_ind[q]) + 1];
    for (int64_t i = 0; i < a_.m; ++i) row_ptr_[size_t(i + 1)] += row_ptr_[size_t(i)];
    entry_.resize(size_t(nnz));
    col_.resize(size_t(nnz));
    std::vector<int64_t> next(row_ptr_.begin(), row_ptr_.end() - 1);
    for (int64_t j = 0; j < a_.n; ++j)
      for (int64_t q = a_.col_ptr[j]; q < a_.col_ptr[j + 1]; ++q) {
        const int64_t slot = next[size_t(a_.row_ind[q])]++;
        entry_[size_t(slot)] = q;
        col_[size_t(slot)] = j;
      }
  }
  int64_t m() const { return a_.m; }
  int64_t n() const { return a_.n; }
  bool base() const { return !unstored_; }
  // Stored entries only (see base()); weight-0 entries are skipped when
  // unstored entries are missing, kept (coefficient w - 1 = -1) otherwise.
  template <class F>
  void for_col(int64_t j, F&& f) const {
    for (int64_t q = a_.col_ptr[j]; q < a_.col_ptr[j + 1]; ++q) {
      const double w = w_ ? w_[q] : 1.0;
      if (unstored_ && !(w > 0)) continue;
      f(int64_t(a_.row_ind[q]), double(a_.values[q]), w);
    }
  }
  template <class F>
  void for_row(int64_t i, F&& f) const {
    for (int64_t s = row_ptr_[size_t(i)]; s < row_ptr_[size_t(i + 1)]; ++s) {
      const int64_t q = entry_[size_t(s)];
      const double w = w_ ? w_[q] : 1.0;
      if (unstored_ && !(w > 0)) continue;
      f(col_[size_t(s)], double(a_.values[q]), w);
    }
  }
  int64_t count_nonzero(int threads) const {
    int64_t cnt = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : cnt)
    for (int64_t j = 0; j < a_.n; ++j)
      for_col(j, [&](int64_t, double a, double w) { cnt += (a != 0 && w > 0); });
    return cnt;
  }

 private:
  CscView<T, I> a_;
  const double* w_;
  bool unstored_;
  std::vector<int64_t> row_ptr_, entry_, col_;
};

// The half-iterations of the weighted loss (see the top of this file).
template <class Data, class T>
class WeightedStepper final : public Stepper<T> {
 public:
  explicit WeightedStepper(const Data& data) : data_(data) {}

  double update_w(Work<T>& wk, UpdateRule<T>& rule, bool want_objective,
                  double* rel) override {
    solve_side(wk, rule, kSideW);
    if (!want_objective) return 0;
    blas::gram(wk.wt.data(), wk.k, wk.m, wk.gw.data());
    return loss(wk, wk.wt.data(), wk.h.data(), wk.gw, wk.gh, rel);
  }
  double update_h(Work<T>& wk, UpdateRule<T>& rule, double* rel) override {
    blas::gram(wk.wt.data(), wk.k, wk.m, wk.gw.data());
    solve_side(wk, rule, kSideH);
    blas::gram(wk.h.data(), wk.k, wk.n, wk.gh.data());
    return loss(wk, wk.wt.data(), wk.h.data(), wk.gw, wk.gh, rel);
  }
  void h_changed(Work<T>& wk) override {
    blas::gram(wk.h.data(), wk.k, wk.n, wk.gh.data());
  }
  double evaluate(Work<T>& wk, const T* wt, const T* h, double* rel) override {
    std::vector<double> gw(static_cast<size_t>(wk.k * wk.k)), gh(static_cast<size_t>(wk.k * wk.k));
    blas::gram(wt, wk.k, wk.m, gw.data());
    blas::gram(h, wk.k, wk.n, gh.data());
    return loss(wk, wt, h, gw, gh, rel);
  }

 private:
  // Every column of X (W^T for kSideW, H for kSideH) from its own G and b;
  // the other factor is Y.  With base(), G starts from Y Y^T (gh or gw).
  void solve_side(Work<T>& wk, UpdateRule<T>& rule, Side side) {
    const int64_t k = wk.k;
    const bool w_side = side == kSideW;
    T* x = w_side ? wk.wt.data() : wk.h.data();
    const T* y = w_side ? wk.h.data() : wk.wt.data();
    const int64_t len = w_side ? wk.m : wk.n;
    const std::vector<double>& gbase = w_side ? wk.gh : wk.gw;
    const double l1 = w_side ? wk.l1_w : wk.l1_h;
    const double l2 = w_side ? wk.l2_w : wk.l2_h;
    const double s = wk.scale;
    const bool base = data_.base();
#pragma omp parallel num_threads(wk.threads)
    {
      std::vector<double> g(static_cast<size_t>(k * k)), b(static_cast<size_t>(k)), xc(static_cast<size_t>(k));
#pragma omp for schedule(dynamic, 16)
      for (int64_t c = 0; c < len; ++c) {
        if (base)
          std::copy(gbase.begin(), gbase.end(), g.begin());
        else
          std::fill(g.begin(), g.end(), 0.0);
        std::fill(b.begin(), b.end(), 0.0);
        auto add = [&](int64_t o, double a, double w) {
          const T* yo = y + o * k;
          const double coef = base ? w - 1.0 : w;
          const double wa = w * s * a;
          for (int64_t q = 0; q < k; ++q) {
            const double yq = double(yo[q]);
            b[size_t(q)] += wa * yq;
            if (coef == 0) continue;
            const double cq = coef * yq;
            double* gq = g.data() + q * k;
            for (int64_t p = 0; p <= q; ++p) gq[p] += cq * double(yo[p]);
          }
        };
        if (w_side)
          data_.for_row(c, add);
        else
          data_.for_col(c, add);
        // Only the upper triangle was accumulated (with base, the lower one
        // still holds the symmetric gbase alone): mirror it.
        for (int64_t q = 0; q < k; ++q)
          for (int64_t p = 0; p < q; ++p) g[size_t(q + p * k)] = g[size_t(p + q * k)];
        for (int64_t q = 0; q < k; ++q) xc[size_t(q)] = double(x[c * k + q]);
        rule.update_column(side, xc.data(), b.data(), g.data(), k, l1, l2);
        for (int64_t q = 0; q < k; ++q) {
          const double v = xc[size_t(q)];
          x[c * k + q] = v < kFlushBelow<T> ? T(0) : T(v);
        }
      }
    }
  }

  // The weighted objective at (wt, h) with Gram matrices gw, gh.
  double loss(Work<T>& wk, const T* wt, const T* h,
              const std::vector<double>& gw, const std::vector<double>& gh,
              double* rel) {
    const int64_t k = wk.k;
    const double s = wk.scale;
    const bool base = data_.base();
    std::vector<double> part(static_cast<size_t>(wk.n));
#pragma omp parallel for num_threads(wk.threads) schedule(dynamic, 16)
    for (int64_t j = 0; j < wk.n; ++j) {
      const T* hj = h + j * k;
      double acc = 0;
      data_.for_col(j, [&](int64_t i, double a, double w) {
        const T* wi = wt + i * k;
        double wh = 0;
        for (int64_t q = 0; q < k; ++q) wh += double(wi[q]) * double(hj[q]);
        const double e = s * a - wh;
        acc += w * e * e - (base ? wh * wh : 0.0);
      });
      part[size_t(j)] = acc;
    }
    double resid2 = 0;
    for (double v : part) resid2 += v;
    if (base)
      resid2 += std::inner_product(gw.begin(), gw.end(), gh.begin(), 0.0);
    return objective_from(wk, resid2, wt, h, gw, gh, rel);
  }

  const Data& data_;
};

}  // namespace nmf
