// The canonical output of every fit (nmf.h, "Conventions"): A = W diag(d) H with the
// columns of W and the rows of H summing to one and the components ordered
// by d, largest first (ties keep their order).
#pragma once
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "nmf/collective.hpp"

namespace nmf {

// wt (k x m, W transposed) and hh (k x n) are the factors in internal units
// (A scaled by `scale`); writes W (m x k), d (k, or null: then d is
// multiplied into the rows of H) and H (k x n) in the caller's units.  For
// a process of a distributed fit, hh holds its n columns of H: the row sums
// are taken over every process's columns.
template <class T>
void write_canonical(int64_t m, int64_t n, int64_t k, const T* wt,
                     const T* hh, double scale, T* w, T* d, T* h,
                     const Across& across = Across(nullptr)) {
  std::vector<double> sw(static_cast<size_t>(k), 0.0),
      sh(static_cast<size_t>(k), 0.0), dd(static_cast<size_t>(k));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j) sw[size_t(j)] += double(wt[j + i * k]);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t j = 0; j < k; ++j) sh[size_t(j)] += double(hh[j + c * k]);
  across.sum(sh.data(), k);
  for (int64_t j = 0; j < k; ++j)
    dd[size_t(j)] = sw[size_t(j)] * sh[size_t(j)] / scale;
  std::vector<int64_t> order(static_cast<size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return dd[size_t(a)] > dd[size_t(b)];
  });
  for (int64_t jj = 0; jj < k; ++jj) {
    const int64_t j = order[size_t(jj)];
    const double fw = sw[size_t(j)] > 0 ? 1.0 / sw[size_t(j)] : 0.0;
    const double fh = sh[size_t(j)] > 0 ? 1.0 / sh[size_t(j)] : 0.0;
    const double dj =
        (sw[size_t(j)] > 0 && sh[size_t(j)] > 0) ? dd[size_t(j)] : 0.0;
    for (int64_t i = 0; i < m; ++i) w[i + jj * m] = T(double(wt[j + i * k]) * fw);
    const double fhd = d ? fh : fh * dj;
    for (int64_t c = 0; c < n; ++c) h[jj + c * k] = T(double(hh[j + c * k]) * fhd);
    if (d) d[jj] = T(dj);
  }
}

}  // namespace nmf
