// Block principal pivoting NNLS (see bpp.hpp; Kim & Park 2011).
#include "nmf/bpp.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "nmf/hals.hpp"

namespace nmf {

namespace {

// Lower Cholesky factor of the p x p matrix a (column-major, in place).
// Fails when a pivot falls below 1e-13 of its diagonal entry: the passive
// block is (numerically) singular and pivoting cannot be trusted.
bool cholesky(double* a, int64_t p) {
  for (int64_t j = 0; j < p; ++j) {
    const double orig = a[j + j * p];
    double d = orig;
    for (int64_t l = 0; l < j; ++l) d -= a[j + l * p] * a[j + l * p];
    if (!(d > 1e-13 * orig) || !(orig > 0)) return false;
    d = std::sqrt(d);
    a[j + j * p] = d;
    for (int64_t i = j + 1; i < p; ++i) {
      double s = a[i + j * p];
      for (int64_t l = 0; l < j; ++l) s -= a[i + l * p] * a[j + l * p];
      a[i + j * p] = s / d;
    }
  }
  return true;
}

// Solves L L^T z = r in place.
void cholesky_solve(const double* l, int64_t p, double* r) {
  for (int64_t i = 0; i < p; ++i) {
    double s = r[i];
    for (int64_t t = 0; t < i; ++t) s -= l[i + t * p] * r[t];
    r[i] = s / l[i + i * p];
  }
  for (int64_t i = p - 1; i >= 0; --i) {
    double s = r[i];
    for (int64_t t = i + 1; t < p; ++t) s -= l[t + i * p] * r[t];
    r[i] = s / l[i + i * p];
  }
}

// Per-column pivoting state.
struct Pivot {
  int64_t ninf;   // smallest infeasible count seen
  int backup;     // full exchanges still allowed without progress
};

// Scratch for one passive set.
struct Scratch {
  std::vector<int64_t> idx;
  std::vector<double> l, r;
};

// Factorises (G + l2 I)_FF for passive set pas (k flags).  Returns false
// when singular.
bool factor_passive(const uint8_t* pas, const double* g, int64_t k, double l2,
                    Scratch& s) {
  s.idx.clear();
  for (int64_t i = 0; i < k; ++i)
    if (pas[i]) s.idx.push_back(i);
  const int64_t p = int64_t(s.idx.size());
  s.l.assign(size_t(p * p), 0.0);
  for (int64_t a = 0; a < p; ++a)
    for (int64_t c = 0; c < p; ++c)
      s.l[size_t(a + c * p)] = g[s.idx[size_t(a)] + s.idx[size_t(c)] * k];
  for (int64_t a = 0; a < p; ++a) s.l[size_t(a + a * p)] += l2;
  return cholesky(s.l.data(), p);
}

// With the factor of the passive block in s: x_F, x_G = 0 and y for one
// column (b in double).
void solve_passive(const Scratch& s, const double* b, const double* g,
                   int64_t k, double l1, double* x, double* y) {
  const int64_t p = int64_t(s.idx.size());
  std::vector<double> r(static_cast<size_t>(p));
  for (int64_t a = 0; a < p; ++a) r[size_t(a)] = b[s.idx[size_t(a)]] - l1;
  if (p > 0) cholesky_solve(s.l.data(), p, r.data());
  std::fill(x, x + k, 0.0);
  for (int64_t a = 0; a < p; ++a) x[s.idx[size_t(a)]] = r[size_t(a)];
  // y = G x - b + l1 (l2 x vanishes off the passive set, y_F = 0 there).
  for (int64_t i = 0; i < k; ++i) {
    double v = -b[i] + l1;
    for (int64_t a = 0; a < p; ++a) v += g[i + s.idx[size_t(a)] * k] * r[size_t(a)];
    y[i] = v;
  }
  for (int64_t a = 0; a < p; ++a) y[s.idx[size_t(a)]] = 0;
}

// Kim & Park's exchange rule.  Returns true when the column is feasible
// (optimal).  usable[i] = 0 marks a coordinate with G_ii + l2 = 0, which
// stays at zero.
bool exchange(uint8_t* pas, const double* x, const double* y,
              const uint8_t* usable, int64_t k, double ytol, Pivot& pv) {
  int64_t count = 0, last = -1;
  for (int64_t i = 0; i < k; ++i) {
    const bool bad = pas[i] ? x[i] < 0 : (usable[i] && y[i] < -ytol);
    if (bad) {
      ++count;
      last = i;
    }
  }
  if (count == 0) return true;
  if (count < pv.ninf) {
    pv.ninf = count;
    pv.backup = 3;
  } else if (pv.backup > 0) {
    --pv.backup;
  } else {
    pas[last] = uint8_t(!pas[last]);
    return false;
  }
  for (int64_t i = 0; i < k; ++i) {
    const bool bad = pas[i] ? x[i] < 0 : (usable[i] && y[i] < -ytol);
    if (bad) pas[i] = uint8_t(!pas[i]);
  }
  return false;
}

// Tolerance on the gradient for one column: rounding of y is about
// eps * (|b| + |G| |x|), so only clearly negative entries count.
double gradient_tol(const double* b, int64_t k, double l1) {
  double s = 0;
  for (int64_t i = 0; i < k; ++i) s = std::max(s, std::fabs(b[i] - l1));
  return 1e-12 * s;
}

int64_t max_rounds(int64_t k) { return 50 + 10 * k; }

template <class T>
T flush(double v) {
  return v < kFlushBelow<T> ? T(0) : T(v);
}

template <class T>
void bpp_impl(T* x, const T* b, const double* g, int64_t k, int64_t len,
              double l1, double l2, int threads) {
  const size_t kl = size_t(k * len);
  // Parallel regions only where there is enough work to pay for the team
  // (each pivoting round opens one); results do not depend on it.
  const bool par = len * k >= 4096;
  std::vector<double> xd(kl), yd(kl), bd(kl), ytol(static_cast<size_t>(len));
  std::vector<uint8_t> pas(kl), usable(static_cast<size_t>(k));
  std::vector<Pivot> pv(static_cast<size_t>(len), Pivot{k + 1, 3});
  std::vector<uint8_t> fallback(static_cast<size_t>(len), 0);
  for (int64_t i = 0; i < k; ++i) usable[size_t(i)] = g[i + i * k] + l2 > 0;
#pragma omp parallel for num_threads(threads) schedule(static) if (par)
  for (int64_t c = 0; c < len; ++c) {
    for (int64_t i = 0; i < k; ++i) {
      const size_t t = size_t(c * k + i);
      bd[t] = double(b[t]);
      xd[t] = double(x[t]);
      pas[t] = uint8_t(xd[t] > 0 && usable[size_t(i)]);
    }
    ytol[size_t(c)] = gradient_tol(&bd[size_t(c * k)], k, l1);
  }
  std::vector<int64_t> active(static_cast<size_t>(len));
  std::iota(active.begin(), active.end(), 0);
  std::vector<int64_t> starts;
  for (int64_t round = 0; !active.empty(); ++round) {
    if (round >= max_rounds(k)) {
      for (int64_t c : active) fallback[size_t(c)] = 1;
      break;
    }
    // Group the active columns by passive set (ties by column index).
    auto pattern = [&](int64_t c) { return &pas[size_t(c * k)]; };
    std::sort(active.begin(), active.end(), [&](int64_t a, int64_t c) {
      const int r = std::memcmp(pattern(a), pattern(c), size_t(k));
      return r != 0 ? r < 0 : a < c;
    });
    starts.clear();
    for (size_t t = 0; t < active.size(); ++t)
      if (t == 0 || std::memcmp(pattern(active[t - 1]), pattern(active[t]),
                                size_t(k)) != 0)
        starts.push_back(int64_t(t));
    starts.push_back(int64_t(active.size()));
    const int64_t ngroups = int64_t(starts.size()) - 1;
#pragma omp parallel num_threads(threads) if (par && int64_t(active.size()) * k >= 4096)
    {
      Scratch s;
#pragma omp for schedule(dynamic, 1)
      for (int64_t gi = 0; gi < ngroups; ++gi) {
        const int64_t first = starts[size_t(gi)], last = starts[size_t(gi) + 1];
        const bool ok = factor_passive(pattern(active[size_t(first)]), g, k, l2, s);
        for (int64_t t = first; t < last; ++t) {
          const int64_t c = active[size_t(t)];
          if (!ok) {
            fallback[size_t(c)] = 1;
            continue;
          }
          solve_passive(s, &bd[size_t(c * k)], g, k, l1, &xd[size_t(c * k)],
                        &yd[size_t(c * k)]);
          if (exchange(&pas[size_t(c * k)], &xd[size_t(c * k)],
                       &yd[size_t(c * k)], usable.data(), k, ytol[size_t(c)],
                       pv[size_t(c)]))
            pv[size_t(c)].ninf = -1;  // done
        }
      }
    }
    std::vector<int64_t> next;
    next.reserve(active.size());
    for (int64_t c : active)
      if (pv[size_t(c)].ninf >= 0 && !fallback[size_t(c)]) next.push_back(c);
    active.swap(next);
  }
  // Columns pivoting could not finish: coordinate descent from the start.
  const bool any_fallback =
      std::find(fallback.begin(), fallback.end(), uint8_t(1)) != fallback.end();
#pragma omp parallel num_threads(threads) if (par && any_fallback)
  {
    std::vector<double> xc(static_cast<size_t>(k));
#pragma omp for schedule(dynamic, 4)
    for (int64_t c = 0; c < len; ++c) {
      if (!fallback[size_t(c)]) continue;
      for (int64_t i = 0; i < k; ++i) xc[size_t(i)] = double(x[c * k + i]);
      nnls_column(xc.data(), &bd[size_t(c * k)], g, k, l1, l2);
      std::copy(xc.begin(), xc.end(), &xd[size_t(c * k)]);
    }
  }
#pragma omp parallel for num_threads(threads) schedule(static) if (par)
  for (int64_t t = 0; t < int64_t(kl); ++t) x[t] = flush<T>(xd[size_t(t)]);
}

}  // namespace

void bpp_column(double* x, const double* b, const double* g, int64_t k,
                double l1, double l2) {
  std::vector<uint8_t> pas(static_cast<size_t>(k)), usable(static_cast<size_t>(k));
  std::vector<double> xd(x, x + k), y(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) {
    usable[size_t(i)] = g[i + i * k] + l2 > 0;
    pas[size_t(i)] = uint8_t(x[i] > 0 && usable[size_t(i)]);
  }
  const double ytol = gradient_tol(b, k, l1);
  Pivot pv{k + 1, 3};
  Scratch s;
  bool done = false;
  for (int64_t round = 0; round < max_rounds(k) && !done; ++round) {
    if (!factor_passive(pas.data(), g, k, l2, s)) break;
    solve_passive(s, b, g, k, l1, xd.data(), y.data());
    done = exchange(pas.data(), xd.data(), y.data(), usable.data(), k, ytol, pv);
  }
  if (!done) {
    nnls_column(x, b, g, k, l1, l2);
    for (int64_t i = 0; i < k; ++i) x[i] = flush<double>(x[i]);
    return;
  }
  for (int64_t i = 0; i < k; ++i) x[i] = flush<double>(xd[size_t(i)]);
}

void bpp_solve(double* x, const double* b, const double* g, int64_t k,
               int64_t len, double l1, double l2, int threads) {
  bpp_impl(x, b, g, k, len, l1, l2, threads);
}
void bpp_solve(float* x, const float* b, const double* g, int64_t k,
               int64_t len, double l1, double l2, int threads) {
  bpp_impl(x, b, g, k, len, l1, l2, threads);
}

}  // namespace nmf
