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
// Each coordinate takes up to kCdNewtonSteps projected Newton steps
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

struct CdEntry {
  int64_t idx;  // which column of `other` (k-vectors with stride k)
  double wa;    // w * a > 0
  double y;     // current model value other_idx . x
};

// Coordinate descent over x (k) for the problem above.
template <class T>
void kl_cd_vector(T* x, const T* other, int64_t k, std::vector<CdEntry>& ent,
                  const double* c, double l1, double l2) {
  for (int64_t r = 0; r < k; ++r) {
    for (int step = 0; step < kCdNewtonSteps; ++step) {
      const double xr = double(x[r]);
      double g = c[r] + l1 + l2 * xr, hs = l2;
      for (const CdEntry& e : ent) {
        const double v = double(other[e.idx * k + r]);
        if (v == 0) continue;
        const double q = e.wa / e.y;
        g -= q * v;
        hs += q * v * v / e.y;
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
          for (const CdEntry& e : ent) {
            const double v = double(other[e.idx * k + r]);
            if (v == 0) continue;
            const double t = v * delta / e.y;
            if (!(t > -1)) {
              feasible = false;
              break;
            }
            df -= e.wa * std::log1p(t);
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
      for (CdEntry& e : ent) e.y += double(other[e.idx * k + r]) * taken;
      if (std::fabs(taken) <= 1e-12 * double(nx)) break;
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
    std::vector<double> c(static_cast<size_t>(k));
    std::vector<CdEntry> ent;
#pragma omp for schedule(dynamic, 16)
    for (int64_t j = 0; j < n; ++j) {
      T* hj = h + j * k;
      if (bg)
        std::copy(colsum_w, colsum_w + k, c.begin());
      else
        std::fill(c.begin(), c.end(), 0.0);
      ent.clear();
      e.visit(j, 0, m, [&](int64_t i, double a, double w) {
        const T* wi = wt + i * k;
        const double cw = bg ? w - 1.0 : w;
        for (int64_t r = 0; r < k; ++r) c[size_t(r)] += cw * double(wi[r]);
        if (w * a > 0) ent.push_back({i, w * a, dot_k(wi, hj, k)});
      });
      kl_cd_vector(hj, wt, k, ent, c.data(), l1, l2);
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
    std::vector<double> c(static_cast<size_t>(k));
    std::vector<CdEntry> ent;
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
        ent.clear();
        for (int64_t q = start[size_t(i - r0)]; q < start[size_t(i - r0 + 1)]; ++q) {
          const Raw& x = sorted[size_t(q)];
          const T* hj = h + x.j * k;
          const double cw = bg ? x.w - 1.0 : x.w;
          for (int64_t r = 0; r < k; ++r) c[size_t(r)] += cw * double(hj[r]);
          if (x.w * x.a > 0) ent.push_back({x.j, x.w * x.a, dot_k(wi, hj, k)});
        }
        kl_cd_vector(wi, h, k, ent, c.data(), l1, l2);
      }
    }
  }
}

}  // namespace nmf
