// A compressed stand-in for a dense A in the Frobenius solvers' products
// (randomized NMF: Tepper & Sapiro 2016; Erichson, Mendible, Wihlborn & Kutz
// 2018).  With Q (m x l, orthonormal columns) from a randomized range finder
// and B = Q^T A (l x n), the products become
//   W^T A ~ (W^T Q) B      and      H A^T ~ (H B^T) Q^T,
// O((m + n) l k) instead of O(m n k).  They are the exact products of
// P A = Q Q^T A, so the solvers run unchanged and decrease ||P A - W H||^2
// monotonically; fit.cpp uses this only for a warm start, and then iterates
// on A itself.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/kernels.hpp"

namespace nmf {

template <class T>
class SketchOps {
 public:
  // q: m x l column-major; b: l x n column-major, both in internal units
  // (b = q^T (scale A) for the scale of the fit).
  SketchOps(int64_t m, int64_t n, int64_t l, std::vector<T> q, std::vector<T> b)
      : m_(m), n_(n), l_(l), q_(std::move(q)), b_(std::move(b)) {}
  int64_t m() const { return m_; }
  int64_t n() const { return n_; }
  int64_t rank() const { return l_; }

  // out (k x n) = (Wt Q) B.  alpha is the fit's scale, already in b.
  void left(const T* wt, int64_t k, T* out, int threads, double = 1.0) const {
    std::vector<T> c(static_cast<size_t>(k * l_));
    blas::gemm('N', 'N', k, l_, m_, T(1), wt, k, q_.data(), m_, T(0), c.data(), k);
    blocks(n_, threads, [&](int64_t c0, int64_t cn) {
      blas::gemm('N', 'N', k, cn, l_, T(1), c.data(), k, b_.data() + c0 * l_, l_,
                 T(0), out + c0 * k, k);
    });
  }
  // out (k x m) = (H B^T) Q^T.
  void right(const T* h, int64_t k, T* out, int threads, double = 1.0) const {
    std::vector<T> c(static_cast<size_t>(k * l_));
    blas::gemm('N', 'T', k, l_, n_, T(1), h, k, b_.data(), l_, T(0), c.data(), k);
    blocks(m_, threads, [&](int64_t r0, int64_t rn) {
      blas::gemm('N', 'T', k, rn, l_, T(1), c.data(), k, q_.data() + r0, m_, T(0),
                 out + r0 * k, k);
    });
  }
  // <P A, Wt^T H> in double: <B, (Wt Q) H>, per column in order.
  double cross_exact(const T* wt, const T* h, int64_t k, double,
                     int threads) const {
    std::vector<double> c(static_cast<size_t>(k * l_), 0.0);  // (Wt Q)^T: l x k
    for (int64_t r = 0; r < k; ++r)
      for (int64_t j = 0; j < l_; ++j) {
        double s = 0;
        for (int64_t i = 0; i < m_; ++i)
          s += double(wt[r + i * k]) * double(q_[size_t(i + j * m_)]);
        c[size_t(j + r * l_)] = s;
      }
    std::vector<double> part(static_cast<size_t>(n_));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t col = 0; col < n_; ++col) {
      double s = 0;
      for (int64_t j = 0; j < l_; ++j) {
        double v = 0;
        for (int64_t r = 0; r < k; ++r) v += c[size_t(j + r * l_)] * double(h[r + col * k]);
        s += double(b_[size_t(j + col * l_)]) * v;
      }
      part[size_t(col)] = s;
    }
    double total = 0;
    for (double v : part) total += v;
    return total;
  }

 private:
  // f(first, count) over fixed blocks of `len` columns, spread over the
  // threads: every entry's arithmetic is the same for any thread count.
  template <class F>
  static void blocks(int64_t len, int threads, F f) {
    constexpr int64_t kBlock = 512;
    const int64_t nb = (len + kBlock - 1) / kBlock;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (nb > 1)
    for (int64_t b = 0; b < nb; ++b) f(b * kBlock, std::min(kBlock, len - b * kBlock));
  }

  int64_t m_, n_, l_;
  std::vector<T> q_, b_;
};

}  // namespace nmf
