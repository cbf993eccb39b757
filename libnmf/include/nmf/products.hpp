// The products every Frobenius solver needs, computed in one place:
//   left(Wt)  = Wt * A      (k x n; "W^T A" with Wt = W^T stored k x m)
//   right(H)  = H * A^T     (k x m; "(A H^T)^T")
// Dense inputs go through BLAS level 3; sparse CSC inputs through OpenMP
// kernels that never build a transposed copy of A.  Every output entry is
// summed in a fixed order, so results are bitwise identical for any thread
// count.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/kernels.hpp"
#include "nmf/threads.hpp"
#include "nmf/views.hpp"

namespace nmf {

// *frob2 and *sum from per-column squares f and sums s, added in column order
// (the same totals for any thread count that computed the columns).
inline void add_in_column_order(const std::vector<double>& f, const std::vector<double>& s,
                                double* frob2, double* sum) {
  double ft = 0, st = 0;
  for (size_t j = 0; j < f.size(); ++j) {
    ft += f[j];
    st += s[j];
  }
  *frob2 = ft;
  *sum = st;
}

// ---------------------------------------------------------------- dense
template <class T>
class DenseOps {
 public:
  // `summary` (may be null): validate_dense's one pass over A, which then
  // answers max_abs, count_nonzero and norms without reading A again.
  explicit DenseOps(const DenseView<T>& a, const DenseSummary* summary = nullptr)
      : a_(a), summary_(summary && summary->valid ? summary : nullptr) {}
  int64_t m() const { return a_.m; }
  int64_t n() const { return a_.n; }

  // out (k x n) = Wt (k x m) * A, in fixed blocks of columns of A, one
  // single-threaded BLAS call each, spread over our OpenMP threads (the
  // BLAS's own threads are held at 1 during a fit: two thread pools
  // spinning against each other waste far more than they gain; see
  // bench/README.md, "Figures behind comments in the code").  Fixed
  // blocks make every entry's arithmetic independent of the thread count.
  void left(const T* wt, int64_t k, T* out, int threads,
            double alpha = 1.0) const {
    const int64_t nb = (a_.n + kBlock - 1) / kBlock;
#pragma omp parallel num_threads(threads) \
    if (nb > 1 && kernels::worth_threads(2.0 * double(a_.m) * double(a_.n) * double(k)))
    {
      note_team();
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t c0 = b * kBlock, cn = std::min(kBlock, a_.n - c0);
        blas::gemm('N', 'N', k, cn, a_.m, T(alpha), wt, k, a_.data + c0 * a_.ld,
                   a_.ld, T(0), out + c0 * k, k);
      }
    }
  }
  // out (k x m) = H (k x n) * A^T, in fixed blocks of rows of A.
  void right(const T* h, int64_t k, T* out, int threads,
             double alpha = 1.0) const {
    const int64_t nb = (a_.m + kBlock - 1) / kBlock;
#pragma omp parallel num_threads(threads) \
    if (nb > 1 && kernels::worth_threads(2.0 * double(a_.m) * double(a_.n) * double(k)))
    {
      note_team();
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t r0 = b * kBlock, rn = std::min(kBlock, a_.m - r0);
        blas::gemm('N', 'T', k, rn, a_.n, T(alpha), h, k, a_.data + r0, a_.ld,
                   T(0), out + r0 * k, k);
      }
    }
  }
  // max|A|; then ||scale*A||_F^2 and sum(scale*A) in double, summed column by
  // column in order.
  double max_abs(int threads) const {
    if (summary_) return summary_->max;
    double mx = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(max : mx)
    for (int64_t j = 0; j < a_.n; ++j)
      for (int64_t i = 0; i < a_.m; ++i)
        mx = std::max(mx, double(a_.data[i + j * a_.ld]));
    return mx;
  }
  // <scale * A, Wt^T H> in double throughout (O(m n k), no BLAS): the cross
  // term of the loss free of the rounding of a float product.  Per-column
  // partial sums added in column order: the same for any thread count.
  double cross_exact(const T* wt, const T* h, int64_t k, double scale,
                     int threads) const {
    std::vector<double> part(static_cast<size_t>(a_.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      const T* col = a_.data + j * a_.ld;
      const T* hj = h + j * k;
      double s = 0;
      for (int64_t i = 0; i < a_.m; ++i) {
        const T* wi = wt + i * k;
        double wh = 0;
        for (int64_t r = 0; r < k; ++r) wh += double(wi[r]) * double(hj[r]);
        s += double(col[i]) * wh;
      }
      part[size_t(j)] = scale * s;
    }
    double total = 0;
    for (double v : part) total += v;
    return total;
  }
  // The number of non-zero entries: the same for a dense and a CSC copy of
  // one matrix (explicit zeros not counted), so that decisions taken from it
  // (HALS's inner-sweep budget) do not depend on the representation.
  int64_t count_nonzero(int threads) const {
    if (summary_) return summary_->nonzeros;
    int64_t cnt = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : cnt)
    for (int64_t j = 0; j < a_.n; ++j)
      for (int64_t i = 0; i < a_.m; ++i) cnt += a_.data[i + j * a_.ld] != T(0);
    return cnt;
  }
  void norms(double scale, double* frob2, double* sum, int threads) const {
    // From the summary's unscaled sums while squares of the entries neither
    // overflow nor lose the data to underflow; otherwise a pass over scale*A.
    if (summary_ && summary_->max >= 1e-100 && summary_->max <= 1e100) {
      *frob2 = summary_->sum2 * scale * scale;
      *sum = summary_->sum * scale;
      return;
    }
    std::vector<double> f(static_cast<size_t>(a_.n)), s(static_cast<size_t>(a_.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      const T* col = a_.data + j * a_.ld;
      double fj = 0, sj = 0;
      for (int64_t i = 0; i < a_.m; ++i) {
        const double v = scale * double(col[i]);
        fj += v * v;
        sj += v;
      }
      f[size_t(j)] = fj;
      s[size_t(j)] = sj;
    }
    add_in_column_order(f, s, frob2, sum);
  }
  // out (m x n, leading dimension m) = scale * A.
  void densify(double scale, T* out) const {
    for (int64_t j = 0; j < a_.n; ++j)
      for (int64_t i = 0; i < a_.m; ++i)
        out[i + j * a_.m] = T(scale * double(a_.data[i + j * a_.ld]));
  }
  const DenseView<T>& view() const { return a_; }

 private:
  static constexpr int64_t kBlock = 256;
  DenseView<T> a_;
  const DenseSummary* summary_;
};

// ---------------------------------------------------------------- sparse
template <class T, class I>
class CscOps {
 public:
  // row_nnz: the number of stored entries per row (length m), used to split
  // the rows into blocks of similar work for right().
  CscOps(const CscView<T, I>& a, const std::vector<int64_t>& row_nnz,
         int threads)
      : a_(a) {
    const int64_t nblocks =
        std::max<int64_t>(1, std::min<int64_t>(a_.m, int64_t(threads) * 4));
    const int64_t total = a_.nnz();
    bounds_.push_back(0);
    int64_t acc = 0, next = 1;
    for (int64_t i = 0; i < a_.m && next < nblocks; ++i) {
      acc += row_nnz[size_t(i)];
      if (acc * nblocks >= next * total && i + 1 < a_.m) {
        bounds_.push_back(i + 1);
        ++next;
      }
    }
    bounds_.push_back(a_.m);
    // cuts_[b * n + j]: the position of column j's first entry with row >=
    // bounds_[b] (one binary search per column and block, once per fit,
    // instead of once per product); the last boundary is col_ptr[j + 1].
    // (blocks + 1) * n * 8 bytes: small next to the CSC's 12 bytes per entry.
    const int64_t nb = int64_t(bounds_.size()) - 1;
    cuts_.resize(size_t((nb + 1) * a_.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      const I* first = a_.row_ind + a_.col_ptr[j];
      const I* last = a_.row_ind + a_.col_ptr[j + 1];
      for (int64_t b = 0; b <= nb; ++b)
        cuts_[size_t(b * a_.n + j)] =
            b == 0 ? a_.col_ptr[j]
            : b == nb ? a_.col_ptr[j + 1]
                      : int64_t(std::lower_bound(first, last, I(bounds_[size_t(b)])) -
                                a_.row_ind);
    }
  }
  int64_t m() const { return a_.m; }
  int64_t n() const { return a_.n; }
  int64_t nnz() const { return a_.nnz(); }

  // out (k x n) = Wt (k x m) * A: column j of out is the combination of the
  // columns of Wt selected by column j of A (kernels::csc_left, in fixed
  // ranges of 64 columns).
  void left(const T* wt, int64_t k, T* out, int threads,
            double alpha = 1.0) const {
    constexpr int64_t kCols = 64;
    const int64_t nr = (a_.n + kCols - 1) / kCols;
#pragma omp parallel num_threads(threads) \
    if (nr > 1 && kernels::worth_threads(2.0 * double(a_.nnz()) * double(k)))
    {
      note_team();
      std::vector<double> acc(static_cast<size_t>(k));
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nr; ++b)
        kernels::csc_left(a_.col_ptr, a_.row_ind, a_.values, wt, k, a_.m,
                          alpha, b * kCols, std::min(a_.n, (b + 1) * kCols),
                          out, acc.data());
    }
  }

  // out (k x m) = H (k x n) * A^T without a transposed copy of A: each task
  // owns a block of rows and walks every column's entries in that block
  // (located once, in the constructor), so each output column is summed
  // over j = 0..n-1 in order whatever the number of threads.
  void right(const T* h, int64_t k, T* out, int threads,
             double alpha = 1.0) const {
    const int64_t nb = int64_t(bounds_.size()) - 1;
#pragma omp parallel num_threads(threads) \
    if (nb > 1 && kernels::worth_threads(2.0 * double(a_.nnz()) * double(k)))
    {
      note_team();
      std::vector<double> acc;
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t r0 = bounds_[size_t(b)], r1 = bounds_[size_t(b) + 1];
        acc.resize(size_t((r1 - r0) * k + kernels::kRightPad));
        kernels::csc_right(a_.row_ind, a_.values, h, k, alpha, a_.n, r0, r1,
                           cuts_.data() + b * a_.n,
                           cuts_.data() + (b + 1) * a_.n, acc.data(), out);
      }
    }
  }

  double max_abs(int threads) const {
    double mx = 0;
    const int64_t nz = a_.nnz();
#pragma omp parallel for num_threads(threads) schedule(static) reduction(max : mx)
    for (int64_t q = 0; q < nz; ++q) mx = std::max(mx, double(a_.values[q]));
    return mx;
  }
  // See DenseOps::cross_exact; O(nnz k).
  double cross_exact(const T* wt, const T* h, int64_t k, double scale,
                     int threads) const {
    std::vector<double> part(static_cast<size_t>(a_.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      const T* hj = h + j * k;
      double s = 0;
      for (int64_t q = a_.col_ptr[j]; q < a_.col_ptr[j + 1]; ++q) {
        const T* wi = wt + int64_t(a_.row_ind[q]) * k;
        double wh = 0;
        for (int64_t r = 0; r < k; ++r) wh += double(wi[r]) * double(hj[r]);
        s += double(a_.values[q]) * wh;
      }
      part[size_t(j)] = scale * s;
    }
    double total = 0;
    for (double v : part) total += v;
    return total;
  }
  // Stored entries that are not zero (see DenseOps::count_nonzero).
  int64_t count_nonzero(int threads) const {
    int64_t cnt = 0;
    const int64_t nz = a_.nnz();
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : cnt)
    for (int64_t q = 0; q < nz; ++q) cnt += a_.values[q] != T(0);
    return cnt;
  }
  void norms(double scale, double* frob2, double* sum, int threads) const {
    std::vector<double> f(static_cast<size_t>(a_.n)), s(static_cast<size_t>(a_.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t j = 0; j < a_.n; ++j) {
      double fj = 0, sj = 0;
      for (int64_t q = a_.col_ptr[j]; q < a_.col_ptr[j + 1]; ++q) {
        const double v = scale * double(a_.values[q]);
        fj += v * v;
        sj += v;
      }
      f[size_t(j)] = fj;
      s[size_t(j)] = sj;
    }
    add_in_column_order(f, s, frob2, sum);
  }
  // out (m x n, leading dimension m) = scale * A.
  void densify(double scale, T* out) const {
    std::fill(out, out + a_.m * a_.n, T(0));
    for (int64_t j = 0; j < a_.n; ++j)
      for (int64_t q = a_.col_ptr[j]; q < a_.col_ptr[j + 1]; ++q)
        out[int64_t(a_.row_ind[q]) + j * a_.m] = T(scale * double(a_.values[q]));
  }
  const CscView<T, I>& view() const { return a_; }

 private:
  CscView<T, I> a_;
  std::vector<int64_t> bounds_;
  std::vector<int64_t> cuts_;
};

}  // namespace nmf
