// Multiplicative updates for the beta-divergences, with entry weights.
//
// For H given W (and symmetrically for W given H), with Y = WH and weights
// M (M_ij = 0 for a missing entry), the update of Fevotte & Idier 2011
// (Neural Computation 23(9), Algorithm 2 with the exponent of their
// Table 2, a majorize-minimize step, so the loss never increases) is
//   H <- H .* ( W^T (M .* A .* Y^(b-2)) / (W^T (M .* Y^(b-1)) + l1 + l2 H) )^gamma
// with gamma = gamma(b) (divergence.hpp).  For b = 2 it is Lee & Seung 2001
// ("Algorithms for non-negative matrix factorization", NIPS 13),
//   H <- H .* (W^T A) / (W^T W H),
// for b = 1 the KL update of Brunet et al. 2004 (PNAS 101(12)),
//   H_rj <- H_rj sum_i W_ir A_ij / Y_ij / sum_i W_ir.
// The penalties enter the denominator; the step stays a majorize-minimize
// step for l1 (any b) and l2 (b >= 2), see nmf.h.  Afterwards every entry
// is raised to at least eps (the safeguard against zero-locking, nmf.h
// mu_eps).  All sums are in double, each output column (row) summed in a
// fixed order, so the result does not depend on the thread count.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "nmf/divergence.hpp"

namespace nmf {

// Four running sums (term r in sum r mod 4 while four remain, the rest in
// the first), added in a fixed order: no chain of k dependent additions, so
// the compiler can keep the sums in vector registers, and the same bits
// wherever it is called.  The model value (WH)_ij of every entry visit.
template <class T>
inline double dot_k(const T* a, const T* b, int64_t k) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t r = 0;
  for (; r + 4 <= k; r += 4) {
    s0 += double(a[r]) * double(b[r]);
    s1 += double(a[r + 1]) * double(b[r + 1]);
    s2 += double(a[r + 2]) * double(b[r + 2]);
    s3 += double(a[r + 3]) * double(b[r + 3]);
  }
  for (; r < k; ++r) s0 += double(a[r]) * double(b[r]);
  return (s0 + s1) + (s2 + s3);
}

// x <- max(eps, x (num / (den + l1 + l2 x))^gamma); an entry whose
// denominator is not positive (no data touches it) keeps its value.
template <class T>
inline void mu_apply(T* x, const double* num, const double* den, int64_t k,
                     double l1, double l2, double gamma, double eps) {
  for (int64_t r = 0; r < k; ++r) {
    double v = double(x[r]);
    const double q = den[r] + l1 + l2 * v;
    if (q > 0) {
      const double ratio = num[r] / q;
      v *= gamma == 1.0 ? ratio : std::pow(ratio, gamma);
    }
    x[r] = T(std::max(v, eps));
  }
}

// den += G x (G k x k symmetric): the background of b = 2.
template <class T>
inline void add_gram_times(const double* g, const T* x, int64_t k, double* den) {
  for (int64_t c = 0; c < k; ++c) {
    const double xc = double(x[c]);
    const double* gc = g + c * k;
    for (int64_t r = 0; r < k; ++r) den[r] += gc[r] * xc;
  }
}

// H given W (wt = W^T, k x m).  colsum_w (k) and gw (W^T W) are read for a
// background with b = 1 and b = 2.
template <class E, class T>
void mu_update_h(const E& e, const Divergence& dv, const T* wt, T* h, int64_t k,
                 const double* colsum_w, const double* gw, double l1, double l2,
                 double eps, int threads) {
  const int64_t m = e.m(), n = e.n();
  const bool bg = e.background();
  // KL over unweighted zeros-as-background: every entry's den term is
  // w - 1 = 0.
  const bool kl_closed_den = bg && !e.weighted() && dv.kind == Divergence::kKl;
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> num(static_cast<size_t>(k)), den(static_cast<size_t>(k));
#pragma omp for schedule(static)
    for (int64_t j = 0; j < n; ++j) {
      T* hj = h + j * k;
      std::fill(num.begin(), num.end(), 0.0);
      std::fill(den.begin(), den.end(), 0.0);
      if (bg) {
        if (dv.kind == Divergence::kKl) {
          std::copy(colsum_w, colsum_w + k, den.begin());
        } else if (dv.kind == Divergence::kFrobenius) {
          add_gram_times(gw, hj, k, den.data());
        } else {
          for (int64_t i = 0; i < m; ++i) {
            const T* wi = wt + i * k;
            const double p = dv.den_power(dot_k(wi, hj, k));
            for (int64_t r = 0; r < k; ++r) den[size_t(r)] += p * double(wi[r]);
          }
        }
      }
      if (kl_closed_den) {
        // den is colsum(W) alone: only num from the entries.
        e.visit(j, 0, m, [&](int64_t i, double a, double) {
          const T* wi = wt + i * k;
          const double tn = a > 0 ? a / dot_k(wi, hj, k) : 0.0;
          for (int64_t r = 0; r < k; ++r) num[size_t(r)] += tn * double(wi[r]);
        });
      } else {
        e.visit(j, 0, m, [&](int64_t i, double a, double w) {
          const T* wi = wt + i * k;
          double tn, td;
          dv.mu_terms(a, w, dot_k(wi, hj, k), bg, &tn, &td);
          for (int64_t r = 0; r < k; ++r) {
            num[size_t(r)] += tn * double(wi[r]);
            den[size_t(r)] += td * double(wi[r]);
          }
        });
      }
      mu_apply(hj, num.data(), den.data(), k, l1, l2, dv.gamma, eps);
    }
  }
}

// The sums num and den of W's update (above, with the roles of W and H
// exchanged) for rows r0 <= i < r1 over the entries of e's columns: row i's
// k values at (i - r0) k, zeroed by the caller.  rowsum_h (k) and gh
// (H H^T) are read for a background with b = 1 and b = 2.  Each row sums
// over the columns in order.
template <class E, class T>
void mu_w_terms(const E& e, const Divergence& dv, const T* wt, const T* h, int64_t k,
                const double* rowsum_h, const double* gh, int64_t r0, int64_t r1,
                double* num, double* den) {
  const int64_t n = e.n();
  const bool bg = e.background();
  if (bg) {
    for (int64_t i = r0; i < r1; ++i) {
      double* di = den + (i - r0) * k;
      if (dv.kind == Divergence::kKl)
        std::copy(rowsum_h, rowsum_h + k, di);
      else if (dv.kind == Divergence::kFrobenius)
        add_gram_times(gh, wt + i * k, k, di);
    }
    if (dv.kind != Divergence::kKl && dv.kind != Divergence::kFrobenius) {
      for (int64_t j = 0; j < n; ++j) {
        const T* hj = h + j * k;
        for (int64_t i = r0; i < r1; ++i) {
          const double p = dv.den_power(dot_k(wt + i * k, hj, k));
          double* di = den + (i - r0) * k;
          for (int64_t r = 0; r < k; ++r) di[r] += p * double(hj[r]);
        }
      }
    }
  }
  const bool kl_closed_den = bg && !e.weighted() && dv.kind == Divergence::kKl;
  for (int64_t j = 0; j < n; ++j) {
    const T* hj = h + j * k;
    if (kl_closed_den) {
      // den is rowsum(H) alone (set above): only num from the entries.
      e.visit(j, r0, r1, [&](int64_t i, double a, double) {
        const double tn = a > 0 ? a / dot_k(wt + i * k, hj, k) : 0.0;
        double* ni = num + (i - r0) * k;
        for (int64_t r = 0; r < k; ++r) ni[r] += tn * double(hj[r]);
      });
      continue;
    }
    e.visit(j, r0, r1, [&](int64_t i, double a, double w) {
      double tn, td;
      dv.mu_terms(a, w, dot_k(wt + i * k, hj, k), bg, &tn, &td);
      double* ni = num + (i - r0) * k;
      double* di = den + (i - r0) * k;
      for (int64_t r = 0; r < k; ++r) {
        ni[r] += tn * double(hj[r]);
        di[r] += td * double(hj[r]);
      }
    });
  }
}

// W given H, by blocks of rows (blocks from Entries::row_blocks): every row
// sums over the columns in order, so the partition does not matter.
template <class E, class T>
void mu_update_w(const E& e, const Divergence& dv, T* wt, const T* h, int64_t k,
                 const double* rowsum_h, const double* gh, double l1, double l2,
                 double eps, const std::vector<int64_t>& blocks, int threads) {
  const int64_t nb = int64_t(blocks.size()) - 1;
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> num, den;
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < nb; ++b) {
      const int64_t r0 = blocks[size_t(b)], r1 = blocks[size_t(b) + 1];
      num.assign(size_t((r1 - r0) * k), 0.0);
      den.assign(size_t((r1 - r0) * k), 0.0);
      mu_w_terms(e, dv, wt, h, k, rowsum_h, gh, r0, r1, num.data(), den.data());
      for (int64_t i = r0; i < r1; ++i)
        mu_apply(wt + i * k, num.data() + (i - r0) * k,
                 den.data() + (i - r0) * k, k, l1, l2, dv.gamma, eps);
    }
  }
}

// For a distributed fit (columns split over processes): W's num and den
// over this process's columns for every row (m x k each, row i at i k), to
// be summed over the processes before mu_apply_rows.
template <class E, class T>
void mu_w_sums(const E& e, const Divergence& dv, const T* wt, const T* h, int64_t k,
               const double* rowsum_h, const double* gh,
               const std::vector<int64_t>& blocks, int threads, double* num,
               double* den) {
  const int64_t nb = int64_t(blocks.size()) - 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t b = 0; b < nb; ++b) {
    const int64_t r0 = blocks[size_t(b)], r1 = blocks[size_t(b) + 1];
    std::fill(num + r0 * k, num + r1 * k, 0.0);
    std::fill(den + r0 * k, den + r1 * k, 0.0);
    mu_w_terms(e, dv, wt, h, k, rowsum_h, gh, r0, r1, num + r0 * k, den + r0 * k);
  }
}

// mu_apply on each of the m rows of W from the summed num and den; with
// den_stride = 0 every row shares one den (KL without weights: H's row
// sums).
template <class T>
void mu_apply_rows(T* wt, const double* num, const double* den, int64_t den_stride,
                   int64_t m, int64_t k, double l1, double l2, double gamma,
                   double eps, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < m; ++i)
    mu_apply(wt + i * k, num + i * k, den + i * den_stride, k, l1, l2, gamma, eps);
}

// Lee & Seung's Frobenius update from the shared products (no weights): for
// each column c of x (k x cols), num = prod_c (W^T A or H A^T, from
// products.hpp) and den = G x_c (G = W^T W or H H^T).  WH is never formed.
template <class T>
void mu_update_products(T* x, const T* prod, const double* g, int64_t k,
                        int64_t cols, double l1, double l2, double eps,
                        int threads) {
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> num(static_cast<size_t>(k)), den(static_cast<size_t>(k));
#pragma omp for schedule(static)
    for (int64_t c = 0; c < cols; ++c) {
      T* xc = x + c * k;
      const T* pc = prod + c * k;
      for (int64_t r = 0; r < k; ++r) num[size_t(r)] = double(pc[r]);
      std::fill(den.begin(), den.end(), 0.0);
      add_gram_times(g, xc, k, den.data());
      mu_apply(xc, num.data(), den.data(), k, l1, l2, 1.0, eps);
    }
  }
}

}  // namespace nmf
