// The multiplicative updates of mu.hpp (Fevotte & Idier 2011) on a dense A
// through BLAS level 3, a block at a time:
//   H, for a block J of columns:  Y = W H_J (GEMM), R = M .* A .* Y^(b-2)
//     and D = M .* Y^(b-1) entry by entry, num = W^T R and den = W^T D (GEMM);
//   W, for a block I of rows:     Y = W_I H, R and D likewise,
//     num = R H^T and den = D H^T (GEMM, each row summed over all columns).
// For KL without weights D is all ones and den is a column sum of the other
// factor (colsum(W) for H, rowsum(H) for W): no second GEMM.  The loss is
// taken the same way, from Y = W H_J block by block.  KL's element-wise
// steps (the ratio, the loss with its logarithm) are vectorised kernels
// (kernels.hpp) that give the same bits on every instruction set.
//
// Memory: per thread one block of about kMuBlockEntries values for Y (R in
// place) and one for D when it is needed; never an m x n copy.  The blocks
// are fixed by m and n alone, each is one single-threaded GEMM (the BLAS is
// held at one thread during a fit, blas::ThreadScope), and every output
// column (row) comes from exactly one block, so the factors do not depend on
// the thread count.  The products are taken in double whatever T is (float
// factors are converted once per half-iteration), as mu.hpp accumulates.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/divergence.hpp"
#include "nmf/kernels.hpp"
#include "nmf/mu.hpp"
#include "nmf/views.hpp"

namespace nmf {

// Values in one block buffer (2 MiB of doubles).
constexpr int64_t kMuBlockEntries = int64_t(1) << 18;
// KL without weights works on tiles of at most kKlTileRows rows and
// kKlTileEntries values (512 KiB of doubles), so that a tile's model
// values stay in the core's cache from the GEMM that makes them through
// the ratio to the GEMM that reads them back.
constexpr int64_t kKlTileRows = 1024;
constexpr int64_t kKlTileEntries = int64_t(1) << 16;

template <class T>
class DenseMu {
 public:
  // A with optional weights (m x n, leading dimension wld) and NaN-missing
  // entries, as DenseEntries (entries.hpp) sees it; scale: internal units.
  DenseMu(const DenseView<T>& a, const double* weights, int64_t wld, bool nan,
          const Divergence& dv, int threads)
      : a_(a), wts_(weights), wld_(wld), nan_(nan), dv_(dv), threads_(threads) {
    const int64_t m = std::max<int64_t>(a.m, 1), n = std::max<int64_t>(a.n, 1);
    cols_ = std::max<int64_t>(1, std::min(n, kMuBlockEntries / m));
    rows_ = std::max<int64_t>(1, std::min(m, kMuBlockEntries / n));
    ybuf_.resize(size_t(threads));
    dbuf_.resize(size_t(threads));
    tile_rows_ = std::min(m, kKlTileRows);
    tile_cols_ = std::max<int64_t>(1, std::min(n, kKlTileEntries / tile_rows_));
  }
  void set_scale(double s) { scale_ = s; }

  // KL without weights (the case below takes): tiles, the loss fused with
  // W's numerator, kl_* below.
  bool kl_plain() const { return !weighted() && dv_.kind == Divergence::kKl; }

  // KL, H given W: for each block J of columns, num = sum over the row
  // blocks I in order of W_I^T (A_IJ ./ (W_I H_J)), each tile's product,
  // ratio and product while it is in cache; den = colsum(W).
  void kl_update_h(const T* wt, T* h, int64_t k, const double* colsum_w, double l1,
                   double l2, double eps) {
    const int64_t m = a_.m, n = a_.n;
    const double* w = as_double(wt, k * m, wd_);
    const double* hd = as_double(h, k * n, hd_);
    const int64_t nbc = (n + tile_cols_ - 1) / tile_cols_;
    const int64_t nbr = (m + tile_rows_ - 1) / tile_rows_;
#pragma omp parallel num_threads(threads_) if (nbc > 1 && worth(k))
    {
      const int t = omp_get_thread_num();
      std::vector<double> num;
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nbc; ++b) {
        const int64_t c0 = b * tile_cols_, cn = std::min(tile_cols_, n - c0);
        num.assign(size_t(k * cn), 0.0);
        double* y = buffer(ybuf_, t, tile_rows_ * cn);
        for (int64_t rb = 0; rb < nbr; ++rb) {
          const int64_t r0 = rb * tile_rows_, rn = std::min(tile_rows_, m - r0);
          blas::gemm('T', 'N', rn, cn, k, 1.0, w + r0 * k, k, hd + c0 * k, k, 0.0, y, rn);
          for (int64_t c = 0; c < cn; ++c)
            kernels::kl_ratio(a_.data + (c0 + c) * a_.ld + r0, scale_, rn, y + c * rn);
          blas::gemm('N', 'N', k, cn, rn, 1.0, w + r0 * k, k, y, rn, 1.0, num.data(), k);
        }
        for (int64_t c = 0; c < cn; ++c)
          mu_apply(h + (c0 + c) * k, num.data() + c * k, colsum_w, k, l1, l2, dv_.gamma,
                   eps);
      }
    }
  }

  // KL at (W, H), one pass over the tiles by blocks of rows: with
  // want_loss, the loss and squared residual sums (as loss() gives them);
  // with want_num, W's numerator H R^T (R = A ./ (W H), k x m in W's
  // layout, each row block summed over the column blocks in order), kept
  // for kl_apply_w.  The loss of an iterate and the next W update read the
  // same W H: one product, one pass over A.
  void kl_pass(const T* wt, const T* h, int64_t k, bool want_loss, bool want_num,
               double* loss, double* resid2) {
    const int64_t m = a_.m, n = a_.n;
    const double* w = as_double(wt, k * m, wd_);
    const double* hd = as_double(h, k * n, hd_);
    const int64_t nbc = (n + tile_cols_ - 1) / tile_cols_;
    const int64_t nbr = (m + tile_rows_ - 1) / tile_rows_;
    if (want_num) wnum_.resize(size_t(k * m));
    if (want_loss) {
      lp_.assign(size_t(nbr * n), 0.0);
      rp_.assign(size_t(nbr * n), 0.0);
    }
#pragma omp parallel num_threads(threads_) if (nbr > 1 && worth(k))
    {
      const int t = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
      for (int64_t rb = 0; rb < nbr; ++rb) {
        const int64_t r0 = rb * tile_rows_, rn = std::min(tile_rows_, m - r0);
        double* nw = want_num ? wnum_.data() + r0 * k : nullptr;
        if (want_num) std::fill(nw, nw + rn * k, 0.0);
        double* y = buffer(ybuf_, t, rn * tile_cols_);
        for (int64_t cb = 0; cb < nbc; ++cb) {
          const int64_t c0 = cb * tile_cols_, cn = std::min(tile_cols_, n - c0);
          blas::gemm('T', 'N', rn, cn, k, 1.0, w + r0 * k, k, hd + c0 * k, k, 0.0, y, rn);
          for (int64_t c = 0; c < cn; ++c) {
            const T* col = a_.data + (c0 + c) * a_.ld + r0;
            const size_t at = size_t(rb * n + c0 + c);
            if (want_loss && want_num)
              kernels::kl_ratio_loss(col, scale_, y + c * rn, rn, &lp_[at], &rp_[at]);
            else if (want_loss)
              kernels::kl_loss(col, scale_, y + c * rn, rn, &lp_[at], &rp_[at]);
            else
              kernels::kl_ratio(col, scale_, rn, y + c * rn);
          }
          // num^T_I += H_J R_IJ^T (k x rn).
          if (want_num)
            blas::gemm('N', 'T', k, rn, cn, 1.0, hd + c0 * k, k, y, rn, 1.0, nw, k);
        }
      }
    }
    if (!want_loss) return;
    double l = 0, q = 0;
    for (int64_t j = 0; j < n; ++j)
      for (int64_t rb = 0; rb < nbr; ++rb) {
        l += lp_[size_t(rb * n + j)];
        q += rp_[size_t(rb * n + j)];
      }
    *loss = l;
    *resid2 = q;
  }

  // W's update from the numerator of the last kl_pass with want_num (taken
  // at this W and H); den = rowsum(H).
  void kl_apply_w(T* wt, int64_t k, const double* rowsum_h, double l1, double l2,
                  double eps) {
    const int64_t m = a_.m;
#pragma omp parallel for num_threads(threads_) schedule(static) if (worth(k))
    for (int64_t i = 0; i < m; ++i)
      mu_apply(wt + i * k, wnum_.data() + i * k, rowsum_h, k, l1, l2, dv_.gamma, eps);
  }

  // H given W (wt = W^T, k x m); colsum_w (k) for KL without weights.
  void update_h(const T* wt, T* h, int64_t k, const double* colsum_w, double l1,
                double l2, double eps) {
    const int64_t m = a_.m, n = a_.n;
    const double* w = as_double(wt, k * m, wd_);
    const double* hd = as_double(h, k * n, hd_);
    const bool need_d = needs_den();
    const int64_t nb = (n + cols_ - 1) / cols_;
#pragma omp parallel num_threads(threads_) if (nb > 1 && worth(k))
    {
      const int t = omp_get_thread_num();
      std::vector<double> num, den;
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t c0 = b * cols_, cn = std::min(cols_, n - c0);
        double* y = buffer(ybuf_, t, m * cn);
        double* d = need_d ? buffer(dbuf_, t, m * cn) : nullptr;
        // Y = W H_J (m x cn), then R and D in place.
        blas::gemm('T', 'N', m, cn, k, 1.0, w, k, hd + c0 * k, k, 0.0, y, m);
        for (int64_t c = 0; c < cn; ++c)
          terms(0, m, c0 + c, y + c * m, need_d ? d + c * m : nullptr);
        num.resize(size_t(k * cn));
        blas::gemm('N', 'N', k, cn, m, 1.0, w, k, y, m, 0.0, num.data(), k);
        if (need_d) {
          den.resize(size_t(k * cn));
          blas::gemm('N', 'N', k, cn, m, 1.0, w, k, d, m, 0.0, den.data(), k);
        }
        for (int64_t c = 0; c < cn; ++c)
          mu_apply(h + (c0 + c) * k, num.data() + c * k,
                   need_d ? den.data() + c * k : colsum_w, k, l1, l2, dv_.gamma, eps);
      }
    }
  }

  // W given H; rowsum_h (k) for KL without weights.
  void update_w(T* wt, const T* h, int64_t k, const double* rowsum_h, double l1,
                double l2, double eps) {
    const int64_t m = a_.m, n = a_.n;
    const double* w = as_double(wt, k * m, wd_);
    const double* hd = as_double(h, k * n, hd_);
    const bool need_d = needs_den();
    const int64_t nb = (m + rows_ - 1) / rows_;
#pragma omp parallel num_threads(threads_) if (nb > 1 && worth(k))
    {
      const int t = omp_get_thread_num();
      std::vector<double> num, den;
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t r0 = b * rows_, rn = std::min(rows_, m - r0);
        double* y = buffer(ybuf_, t, rn * n);
        double* d = need_d ? buffer(dbuf_, t, rn * n) : nullptr;
        // Y = W_I H (rn x n), then R and D in place.
        blas::gemm('T', 'N', rn, n, k, 1.0, w + r0 * k, k, hd, k, 0.0, y, rn);
        for (int64_t j = 0; j < n; ++j)
          terms(r0, r0 + rn, j, y + j * rn, need_d ? d + j * rn : nullptr);
        // num^T = H R^T (k x rn): W's layout.
        num.resize(size_t(k * rn));
        blas::gemm('N', 'T', k, rn, n, 1.0, hd, k, y, rn, 0.0, num.data(), k);
        if (need_d) {
          den.resize(size_t(k * rn));
          blas::gemm('N', 'T', k, rn, n, 1.0, hd, k, d, rn, 0.0, den.data(), k);
        }
        for (int64_t i = 0; i < rn; ++i)
          mu_apply(wt + (r0 + i) * k, num.data() + i * k,
                   need_d ? den.data() + i * k : rowsum_h, k, l1, l2, dv_.gamma, eps);
      }
    }
  }

  // The sums over the entries in the loss of w d(a | y) and w (a - y)^2,
  // per column in parallel and added in column order.
  void loss(const T* wt, const T* h, int64_t k, double* loss, double* resid2) {
    const int64_t m = a_.m, n = a_.n;
    const double* w = as_double(wt, k * m, wd_);
    const double* hd = as_double(h, k * n, hd_);
    lp_.assign(size_t(n), 0.0);
    rp_.assign(size_t(n), 0.0);
    const int64_t nb = (n + cols_ - 1) / cols_;
#pragma omp parallel num_threads(threads_) if (nb > 1 && worth(k))
    {
      const int t = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t c0 = b * cols_, cn = std::min(cols_, n - c0);
        double* y = buffer(ybuf_, t, m * cn);
        blas::gemm('T', 'N', m, cn, k, 1.0, w, k, hd + c0 * k, k, 0.0, y, m);
        for (int64_t c = 0; c < cn; ++c)
          column_loss(c0 + c, y + c * m, &lp_[size_t(c0 + c)], &rp_[size_t(c0 + c)]);
      }
    }
    double l = 0, q = 0;
    for (int64_t j = 0; j < n; ++j) {
      l += lp_[size_t(j)];
      q += rp_[size_t(j)];
    }
    *loss = l;
    *resid2 = q;
  }

 private:
  bool weighted() const { return wts_ != nullptr || nan_; }
  // den needs its own product unless it is KL's closed form.
  bool needs_den() const { return weighted() || dv_.kind != Divergence::kKl; }
  bool worth(int64_t k) const {
    return kernels::worth_threads(4.0 * double(a_.m) * double(a_.n) * double(k));
  }

  static const double* as_double(const double* x, int64_t, std::vector<double>&) {
    return x;
  }
  static const double* as_double(const float* x, int64_t len, std::vector<double>& out) {
    out.resize(size_t(len));
    for (int64_t t = 0; t < len; ++t) out[size_t(t)] = double(x[t]);
    return out.data();
  }
  static double* buffer(std::vector<std::vector<double>>& pool, int t, int64_t len) {
    std::vector<double>& b = pool[size_t(t)];
    if (int64_t(b.size()) < len) b.resize(size_t(len));
    return b.data();
  }

  // The entry's weight (0: not in the loss).
  double weight(int64_t i, int64_t j, T v) const {
    if (nan_ && v != v) return 0;
    return wts_ ? wts_[i + j * wld_] : 1.0;
  }

  // Rows r0..r1 of column j: y (the model values, one per row) becomes the
  // numerator term w a y^(b-2), d (when not null) the denominator term
  // w y^(b-1) (divergence.hpp, mu_terms).
  void terms(int64_t r0, int64_t r1, int64_t j, double* y, double* d) const {
    const T* col = a_.data + j * a_.ld;
    const double s = scale_;
    if (!weighted() && dv_.kind == Divergence::kKl) {
      kernels::kl_ratio(col + r0, s, r1 - r0, y);  // the hot loop of KL
      return;
    }
    for (int64_t i = r0; i < r1; ++i) {
      const T raw = col[i];
      const double w = weight(i, j, raw);
      double tn = 0, td = 0;
      if (w > 0) dv_.mu_terms(s * double(raw), w, y[i - r0], false, &tn, &td);
      y[i - r0] = tn;
      d[i - r0] = td;
    }
  }

  void column_loss(int64_t j, const double* y, double* loss, double* resid2) const {
    const T* col = a_.data + j * a_.ld;
    const double s = scale_;
    if (!weighted() && dv_.kind == Divergence::kKl) {
      kernels::kl_loss(col, s, y, a_.m, loss, resid2);
      return;
    }
    double l = 0, q = 0;
    for (int64_t i = 0; i < a_.m; ++i) {
      const T raw = col[i];
      const double w = weight(i, j, raw);
      if (!(w > 0)) continue;
      const double a = s * double(raw), v = y[i];
      l += w * dv_.value(a, v);
      q += w * (a - v) * (a - v);
    }
    *loss = l;
    *resid2 = q;
  }

  DenseView<T> a_;
  const double* wts_;
  int64_t wld_;
  bool nan_;
  Divergence dv_;
  int threads_;
  double scale_ = 1;
  int64_t cols_ = 1, rows_ = 1, tile_rows_ = 1, tile_cols_ = 1;
  std::vector<std::vector<double>> ybuf_, dbuf_;
  std::vector<double> wd_, hd_, lp_, rp_, wnum_;
};

}  // namespace nmf
