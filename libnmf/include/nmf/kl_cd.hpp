// Coordinate descent for the KL divergence (Hsieh & Dhillon 2011, "Fast
// coordinate descent methods with variable selection for non-negative
// matrix factorization", KDD, section 5: cyclic coordinate descent with a
// one-variable Newton method, KL having no cheap variable selection).
//
// For one column h (k) of H given W, with weights w_i and y = W h, the
// problem is
//   min_{h >= 0}  sum_i w_i (y_i - a_i log y_i) + l1 sum h + l2/2 |h|^2,
// whose restriction to h_r, f(h_r), has
//   f'  = c_r + l1 + l2 h_r - sum_i w_i a_i W_ir / y_i,   c_r = sum_i w_i W_ir
//   f'' = l2 + sum_i w_i a_i W_ir^2 / y_i^2.
// Each coordinate takes up to kCdNewtonSteps projected Newton steps (fewer
// once a step moves it by less than kCdStepTol relatively)
//   h_r <- max(0, h_r - f'/f''),
// keeping y up to date.  f' is concave (f''' <= 0), so a step that
// increases h_r lands left of the minimiser and decreases f; a step that
// decreases h_r is accepted only if it decreases f, and halved until it
// does (the safeguard that makes the loss monotone).  Only entries with
// w_i a_i > 0 are kept in the list; the rest enter c alone.  W given H is
// the same on the rows of W.  Every column (row) is solved on its own, so
// results do not depend on the thread count.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "nmf/mu.hpp"

namespace nmf {

constexpr int kCdNewtonSteps = 4;
constexpr int kCdHalvings = 30;
// A coordinate stops its Newton steps once a step changes it by less than
// this fraction.
constexpr double kCdStepTol = 1e-6;

// The data of one column (row) problem, struct-of-arrays so that every pass
// over the entries for one coordinate reads contiguous memory: for entry e
// (w a > 0), wa[e] = w a, y[e] the current model value, and v[r * ne + e]
// the r-th entry of the other factor's vector for that entry.
struct CdProblem {
  int64_t ne = 0;
  std::vector<double> wa, y, v;
  void clear() {
    ne = 0;
    wa.clear();
    y.clear();
    v.clear();
  }
  template <class T>
  void add(double w_a, const T* other_vec, const T* x, int64_t k) {
    wa.push_back(w_a);
    y.push_back(dot_k(other_vec, x, k));
    for (int64_t r = 0; r < k; ++r) v.push_back(double(other_vec[r]));
    ++ne;
  }
  // Entry-major (as added) to coordinate-major.
  void transpose(int64_t k, std::vector<double>& scratch) {
    scratch.resize(v.size());
    for (int64_t e = 0; e < ne; ++e)
      for (int64_t r = 0; r < k; ++r) scratch[size_t(r * ne + e)] = v[size_t(e * k + r)];
    v.swap(scratch);
  }
};

// Coordinate descent over x (k) for the problem above.
template <class T>
void kl_cd_vector(T* x, int64_t k, CdProblem& p, const double* c, double l1,
                  double l2) {
  const int64_t ne = p.ne;
  double* y = p.y.data();
  const double* wa = p.wa.data();
  for (int64_t r = 0; r < k; ++r) {
    const double* v = p.v.data() + r * ne;
    for (int step = 0; step < kCdNewtonSteps; ++step) {
      const double xr = double(x[r]);
      double g = c[r] + l1 + l2 * xr, hs = l2;
      for (int64_t e = 0; e < ne; ++e) {
        const double q = wa[e] / y[e];
        g -= q * v[e];
        hs += q * v[e] * v[e] / y[e];
      }
      double delta;
      if (hs > 0)
        delta = std::max(-xr, -g / hs);
      else
        delta = g > 0 ? -xr : 0.0;  // f linear in x_r: go to 0 if it rises
      if (!(delta != 0) || !std::isfinite(delta)) break;
      if (delta < 0) {
        // Accept only a decrease of f: f(x_r + d) - f(x_r) =
        //   (c + l1) d + l2/2 ((x_r + d)^2 - x_r^2) - sum wa log(1 + v d / y)
        int tries = 0;
        for (; tries < kCdHalvings; ++tries, delta *= 0.5) {
          double df = (c[r] + l1) * delta + 0.5 * l2 * delta * (2 * xr + delta);
          bool feasible = true;
          for (int64_t e = 0; e < ne && feasible; ++e) {
            const double t = v[e] * delta / y[e];
            if (!(t > -1))
              feasible = false;
            else
              df -= wa[e] * std::log1p(t);
          }
          if (feasible && df <= 0) break;
        }
        if (tries == kCdHalvings) break;
      }
      // The step actually taken is the one the scalar type can hold.
      const T nx = T(std::max(0.0, xr + delta));
      const double taken = double(nx) - xr;
      x[r] = nx;
      if (taken == 0) break;
      for (int64_t e = 0; e < ne; ++e) y[e] += v[e] * taken;
      if (std::fabs(taken) <= kCdStepTol * double(nx)) break;
    }
  }
}

// H given W (wt = W^T, k x m); colsum_w is read when Entries has a
// background (unstored zeros of weight 1).
template <class E, class T>
void kl_cd_update_h(const E& e, const T* wt, T* h, int64_t k,
                    const double* colsum_w, double l1, double l2, int threads) {
  const int64_t m = e.m(), n = e.n();
  const bool bg = e.background();
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> c(static_cast<size_t>(k)), scratch;
    CdProblem prob;
#pragma omp for schedule(dynamic, 16)
    for (int64_t j = 0; j < n; ++j) {
      T* hj = h + j * k;
      if (bg)
        std::copy(colsum_w, colsum_w + k, c.begin());
      else
        std::fill(c.begin(), c.end(), 0.0);
      prob.clear();
      e.visit(j, 0, m, [&](int64_t i, double a, double w) {
        const T* wi = wt + i * k;
        const double cw = bg ? w - 1.0 : w;
        for (int64_t r = 0; r < k; ++r) c[size_t(r)] += cw * double(wi[r]);
        if (w * a > 0) prob.add(w * a, wi, hj, k);
      });
      prob.transpose(k, scratch);
      kl_cd_vector(hj, k, prob, c.data(), l1, l2);
    }
  }
}

// W given H, by blocks of rows: a block's entries are gathered row by row
// (each row's in column order) and every row solved on its own.
template <class E, class T>
void kl_cd_update_w(const E& e, T* wt, const T* h, int64_t k,
                    const double* rowsum_h, double l1, double l2,
                    const std::vector<int64_t>& blocks, int threads) {
  const int64_t n = e.n();
  const bool bg = e.background();
  const int64_t nb = int64_t(blocks.size()) - 1;
  struct Raw {
    int64_t i, j;
    double a, w;
  };
#pragma omp parallel num_threads(threads)
  {
    std::vector<Raw> raw, sorted;
    std::vector<int64_t> start;
    std::vector<double> c(static_cast<size_t>(k)), scratch;
    CdProblem prob;
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < nb; ++b) {
      const int64_t r0 = blocks[size_t(b)], r1 = blocks[size_t(b) + 1];
      raw.clear();
      for (int64_t j = 0; j < n; ++j)
        e.visit(j, r0, r1, [&](int64_t i, double a, double w) {
          raw.push_back({i, j, a, w});
        });
      // Stable counting sort by row: each row's entries in column order.
      start.assign(size_t(r1 - r0 + 1), 0);
      for (const Raw& x : raw) ++start[size_t(x.i - r0 + 1)];
      for (int64_t i = 0; i < r1 - r0; ++i) start[size_t(i + 1)] += start[size_t(i)];
      sorted.resize(raw.size());
      {
        std::vector<int64_t> pos(start.begin(), start.end() - 1);
        for (const Raw& x : raw) sorted[size_t(pos[size_t(x.i - r0)]++)] = x;
      }
      for (int64_t i = r0; i < r1; ++i) {
        T* wi = wt + i * k;
        if (bg)
          std::copy(rowsum_h, rowsum_h + k, c.begin());
        else
          std::fill(c.begin(), c.end(), 0.0);
        prob.clear();
        for (int64_t q = start[size_t(i - r0)]; q < start[size_t(i - r0 + 1)]; ++q) {
          const Raw& x = sorted[size_t(q)];
          const T* hj = h + x.j * k;
          const double cw = bg ? x.w - 1.0 : x.w;
          for (int64_t r = 0; r < k; ++r) c[size_t(r)] += cw * double(hj[r]);
          if (x.w * x.a > 0) prob.add(x.w * x.a, hj, wi, k);
        }
        prob.transpose(k, scratch);
        kl_cd_vector(wi, k, prob, c.data(), l1, l2);
      }
    }
  }
}

}  // namespace nmf
