// The state of a fit in internal units, shared by the driver (fit.cpp) and
// the half-iteration steppers (stepper.hpp, weighted.hpp).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/collective.hpp"

namespace nmf {

// A is multiplied by `scale` = 1 / max(A), both factors by `root` =
// sqrt(scale) (so that the iterates do not depend on the units of A:
// fitting cA gives c^(1/2) W and c^(1/2) H in the caller's units), and W is
// held transposed (wt, k x m) so that both factor updates are column sweeps.
template <class T>
struct Work {
  int64_t m, n, k;
  int threads;
  double scale = 1;   // A_internal = scale * A
  double root = 1;    // W_internal = root * W, H_internal = root * H
  double frob2 = 0;   // ||A_internal||_F^2 (weighted: sum w a^2)
  double mean = 0;    // mean(A_internal) over the observed entries
  // The internal objective is scale^loss_power times the caller's: 2 for
  // the Frobenius loss, beta for the beta-divergences (iterate.hpp).
  double loss_power = 2;
  // Said after "the loss became non-finite ..." (empty: the products').
  std::string non_finite_hint;
  std::vector<T> wt;  // k x m
  std::vector<T> h;   // k x n
  std::vector<T> prod;  // k x max(m, n): H A^T or W^T A
  std::vector<double> gw, gh;  // W^T W and H H^T (k x k)
  // Penalties in internal units.
  double l1_w = 0, l1_h = 0, l2_w = 0, l2_h = 0;
  double sparse_w = 0, sparse_h = 0;  // Kim & Park's beta on W / on H
  double theta = 0;                   // nsNMF smoothing
  // Sums over the processes of a distributed fit (this process holds n of
  // the columns of A and H, W is replicated; collective.hpp); no-ops for a
  // serial fit.
  Across across{nullptr};

  // g = X X^T for X = hh (k x n), over every process's columns.
  void gram_h(const T* hh, double* g) const {
    blas::gram(hh, k, n, g);
    across.sum(g, k * k);
  }
};

template <class T>
double dot(const T* a, const T* b, int64_t len) {
  double s = 0;
  for (int64_t t = 0; t < len; ++t) s += double(a[t]) * double(b[t]);
  return s;
}

template <class T>
double sum(const T* a, int64_t len) {
  double s = 0;
  for (int64_t t = 0; t < len; ++t) s += double(a[t]);
  return s;
}

inline double trace(const std::vector<double>& g, int64_t k) {
  double s = 0;
  for (int64_t j = 0; j < k; ++j) s += g[size_t(j + j * k)];
  return s;
}

// The penalty terms of the objective (nmf.h) at wt, h with Gram matrices
// gw, gh of wt and h.
template <class T>
double penalties(const Work<T>& wk, const T* wt, const T* h,
                 const std::vector<double>& gw, const std::vector<double>& gh) {
  const int64_t kk = wk.k * wk.k;
  double f = 0;
  if (wk.l1_w > 0) f += wk.l1_w * sum(wt, wk.k * wk.m);
  if (wk.l1_h > 0) f += wk.l1_h * wk.across.sum(sum(h, wk.k * wk.n));
  if (wk.l2_w > 0) f += 0.5 * wk.l2_w * trace(gw, wk.k);
  if (wk.l2_h > 0) f += 0.5 * wk.l2_h * trace(gh, wk.k);
  // sum_i (sum_j W_ij)^2 = 1^T W^T W 1, and likewise for H.
  if (wk.sparse_w > 0) f += 0.5 * wk.sparse_w * sum(gw.data(), kk);
  if (wk.sparse_h > 0) f += 0.5 * wk.sparse_h * sum(gh.data(), kk);
  return f;
}

// Objective from the residual sum of squares; sets the relative error.
template <class T>
double objective_from(const Work<T>& wk, double resid2, const T* wt,
                      const T* h, const std::vector<double>& gw,
                      const std::vector<double>& gh, double* rel_error) {
  // Clamped at 0 against rounding, but a NaN (Inf - Inf from overflowing
  // products) must stay NaN for the caller's finiteness checks: std::max
  // would turn it into 0, a perfect fit.
  if (resid2 < 0) resid2 = 0;
  *rel_error = wk.frob2 > 0 ? std::sqrt(resid2 / wk.frob2) : 0.0;
  return 0.5 * resid2 + penalties(wk, wt, h, gw, gh);
}

}  // namespace nmf
