// Exact non-negative least squares by coordinate descent + passive-set
// polish (see hals.hpp).
#include <algorithm>
#include <cmath>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/hals.hpp"

namespace nmf {

namespace {

// Tries to finish column x exactly from its current support.  Returns true
// (and writes x) if the solution on the support is positive and optimal.
bool polish_column(double* x, const double* b, const double* g, int64_t k,
                   double l1, double l2, std::vector<double>& gp,
                   std::vector<double>& rhs, std::vector<int64_t>& idx) {
  idx.clear();
  for (int64_t j = 0; j < k; ++j)
    if (x[j] > 0) idx.push_back(j);
  const int64_t p = int64_t(idx.size());
  std::vector<double> sol(static_cast<size_t>(k), 0.0);
  if (p > 0) {
    gp.assign(size_t(p * p), 0.0);
    rhs.assign(size_t(p), 0.0);
    for (int64_t a = 0; a < p; ++a) {
      rhs[size_t(a)] = b[idx[size_t(a)]] - l1;
      for (int64_t c = 0; c < p; ++c)
        gp[size_t(a + c * p)] = g[idx[size_t(a)] + idx[size_t(c)] * k];
      gp[size_t(a + a * p)] += l2;
    }
    if (blas::posv(p, gp.data(), p, rhs.data()) != 0) return false;
    for (int64_t a = 0; a < p; ++a) {
      if (!(rhs[size_t(a)] > 0)) return false;
      sol[size_t(idx[size_t(a)])] = rhs[size_t(a)];
    }
  }
  // KKT on the zero set: gradient (G x - b + l1 + l2 x)_j >= 0.
  double scale = 0;
  for (int64_t j = 0; j < k; ++j) scale = std::max(scale, std::fabs(b[j]));
  const double tol = 1e-12 * (scale + l1 + 1e-300);
  for (int64_t j = 0; j < k; ++j) {
    if (sol[size_t(j)] > 0) continue;
    double gj = -b[j] + l1;
    for (int64_t a = 0; a < p; ++a)
      gj += g[j + idx[size_t(a)] * k] * sol[size_t(idx[size_t(a)])];
    if (gj < -tol) return false;
  }
  std::copy(sol.begin(), sol.end(), x);
  return true;
}

// Coordinate descent to a tight tolerance, then the passive-set polish;
// up to 40 rounds.
void nnls_column_impl(double* xd, const double* bd, const double* g, int64_t k,
                      double l1, double l2, std::vector<double>& gp,
                      std::vector<double>& rhs, std::vector<int64_t>& idx) {
  bool done = false;
  for (int round = 0; round < 40 && !done; ++round) {
    for (int s = 0; s < 50; ++s) {
      double norm = 0;
      for (int64_t j = 0; j < k; ++j) norm += xd[j] * xd[j];
      const double ch = hals_sweep_column(xd, bd, g, k, l1, l2);
      if (ch <= 1e-30 * norm || (norm == 0 && ch == 0)) break;
    }
    done = polish_column(xd, bd, g, k, l1, l2, gp, rhs, idx);
  }
}

template <class T>
void nnls_impl(T* x, const T* b, const double* g, int64_t k, int64_t len,
               double l1, double l2, int threads) {
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> xd(static_cast<size_t>(k)), bd(static_cast<size_t>(k)), gp, rhs;
    std::vector<int64_t> idx;
#pragma omp for schedule(dynamic, 16)
    for (int64_t c = 0; c < len; ++c) {
      for (int64_t j = 0; j < k; ++j) {
        xd[size_t(j)] = double(x[c * k + j]);
        bd[size_t(j)] = double(b[c * k + j]);
      }
      nnls_column_impl(xd.data(), bd.data(), g, k, l1, l2, gp, rhs, idx);
      for (int64_t j = 0; j < k; ++j) x[c * k + j] = T(xd[size_t(j)]);
    }
  }
}

}  // namespace

void nnls_column(double* x, const double* b, const double* g, int64_t k,
                 double l1, double l2) {
  std::vector<double> gp, rhs;
  std::vector<int64_t> idx;
  nnls_column_impl(x, b, g, k, l1, l2, gp, rhs, idx);
}
void nnls_solve(double* x, const double* b, const double* g, int64_t k,
                int64_t len, double l1, double l2, int threads) {
  nnls_impl(x, b, g, k, len, l1, l2, threads);
}
void nnls_solve(float* x, const float* b, const double* g, int64_t k,
                int64_t len, double l1, double l2, int threads) {
  nnls_impl(x, b, g, k, len, l1, l2, threads);
}

}  // namespace nmf
