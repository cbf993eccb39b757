// Hierarchical alternating least squares (HALS) for the Frobenius loss, and
// the exact non-negative least-squares solver built on the same sweep.
//
// HALS (Cichocki & Phan 2009) updates one row of a factor at a time.  For H
// given W, with B = W^T A and G = W^T W, the exact minimiser of
//   1/2 ||A - WH||^2 + l1 sum(H) + l2/2 ||H||^2
// over row j with the other rows fixed is
//   h_j <- max(0, h_j + (B_j - l1 - G_j H - l2 h_j) / (G_jj + l2)).
// Column c of H only involves column c of B, so the sweep runs column by
// column in parallel and gives the same numbers for any thread count.  The
// W update is the same sweep on W^T with B = H A^T, G = H H^T.
//
// Accelerated HALS (Gillis & Glineur 2012, Neural Computation 24(4)) repeats
// the sweep on the same factor up to 1 + alpha * rho times, rho being the
// ratio of the cost of the products to the cost of a sweep, and stops early
// once a sweep changes the factor by less than delta times the first one
// (here judged per column, see hals_update).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nmf/kernels.hpp"
#include "nmf/threads.hpp"

namespace nmf {

template <class T>
inline const double kFlushBelow =
    10.0 * std::sqrt(double(std::numeric_limits<T>::min()));

// One coordinate sweep over column x (length k) with numerator column b.
// Returns the squared change.
template <class T>
inline double hals_sweep_column(T* x, const T* b, const double* g, int64_t k,
                                double l1, double l2) {
  double change = 0;
  for (int64_t j = 0; j < k; ++j) {
    const double* gj = g + j * k;  // G is symmetric: column j is row j
    double gx = 0;
    for (int64_t l = 0; l < k; ++l) gx += gj[l] * double(x[l]);
    const double old = double(x[j]);
    const double den = gj[j] + l2;
    double nv = 0;
    if (den > 0) nv = std::max(0.0, old + (double(b[j]) - l1 - gx - l2 * old) / den);
    // Entries decaying towards zero would make subnormal products, ~100x
    // slower on x86.  The driver scales A to max 1, so values below
    // 10 sqrt(min normal) (1e-153 double, 1e-18 float) are zero for every
    // practical purpose, and their products stay normal.
    if (nv < kFlushBelow<T>) nv = 0;
    const T stored = T(nv);
    const double diff = double(stored) - old;
    change += diff * diff;
    x[j] = stored;
  }
  return change;
}

// Accelerated HALS update of X (k x len) given B (k x len) and G (k x k).
// Each column is an independent non-negative least-squares problem, so the
// inner-sweep rule is applied per column: up to max_sweeps sweeps, stopping
// once a sweep changes the column by less than delta times the first
// sweep's change (in norm).  One parallel region, no barrier per sweep, and
// columns that have converged stop early.
//
// The columns are swept kernels::kPanel at a time, transposed into a small
// buffer so that the inner product (G x)_j of every column of the panel is
// one vectorisable loop across the panel (lanes = columns) instead of k
// scalar multiply-adds in one dependency chain per column (kernels.hpp).
// Each column still sees exactly the arithmetic of hals_sweep_column, in the
// same order (the sum over l runs l = 0..k-1 in double, the new value is
// rounded to T before it is used), and a column whose rule has stopped it is
// left untouched while the rest of its panel goes on: the results are
// bitwise those of sweeping column by column, for any thread count.
template <class T>
void hals_update(T* x, const T* b, const double* g, int64_t k, int64_t len,
                 double l1, double l2, int max_sweeps, double delta,
                 int threads) {
  constexpr int64_t P = kernels::kPanel;
  const double d2 = delta * delta;
  const int64_t panels = (len + P - 1) / P;
  constexpr bool single = sizeof(T) < sizeof(double);
  // Work bound: every sweep costs about 2 k^2 flops per column.
  const double work = 2.0 * double(k) * double(k) * double(len) * std::max(max_sweeps, 1);
#pragma omp parallel num_threads(threads) if (panels > 1 && kernels::worth_threads(work))
  {
    note_team();
    std::vector<double> xt(static_cast<size_t>(k * P)), bt(static_cast<size_t>(k * P));
    double active[P];
#pragma omp for schedule(dynamic, 2)
    for (int64_t p = 0; p < panels; ++p) {
      const int64_t c0 = p * P, cn = std::min(P, len - c0);
      // xt[l * P + c] = x(l, c0 + c); unused lanes hold zeros, inactive.
      for (int64_t c = 0; c < P; ++c) {
        const bool in = c < cn;
        active[c] = in ? 1.0 : 0.0;
        for (int64_t l = 0; l < k; ++l) {
          xt[size_t(l * P + c)] = in ? double(x[l + (c0 + c) * k]) : 0.0;
          bt[size_t(l * P + c)] = in ? double(b[l + (c0 + c) * k]) : 0.0;
        }
      }
      kernels::hals_panel(xt.data(), bt.data(), g, k, l1, l2, kFlushBelow<T>,
                          single, max_sweeps, d2, active);
      for (int64_t c = 0; c < cn; ++c)
        for (int64_t l = 0; l < k; ++l)
          x[l + (c0 + c) * k] = T(xt[size_t(l * P + c)]);
    }
  }
}

// Gillis & Glineur's bound on inner sweeps for updating a factor with `len`
// columns (of length k) against a matrix with `nnz` entries and `other`
// columns on the other side: 1 + alpha * (1 + (nnz + other*k)/(len*(k+1))).
inline int hals_max_sweeps(double alpha, int64_t nnz, int64_t other,
                           int64_t len, int64_t k) {
  const double rho =
      1.0 + std::floor((double(nnz) + double(other) * double(k)) /
                       (double(len) * double(k + 1)));
  const double s = 1.0 + alpha * rho;
  return int(std::min(s, 1000.0));
}

// Exact NNLS of every column: min_{x >= 0} 1/2 x^T (G + l2 I) x - (b - l1)^T x.
// Coordinate descent to a tight tolerance, then a passive-set polish: solve
// the unconstrained system on the positive coordinates by Cholesky and keep
// it when it is positive and the KKT conditions hold on the zero set.
void nnls_solve(double* x, const double* b, const double* g, int64_t k,
                int64_t len, double l1, double l2, int threads);
void nnls_solve(float* x, const float* b, const double* g, int64_t k,
                int64_t len, double l1, double l2, int threads);
// The same for one column in double (x in/out: warm start, then solution).
void nnls_column(double* x, const double* b, const double* g, int64_t k,
                 double l1, double l2);

}  // namespace nmf
