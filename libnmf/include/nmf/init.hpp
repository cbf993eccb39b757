// Initial factors: seeded uniform random, or NNDSVD and its variants
// (Boutsidis & Gallopoulos 2008, "SVD based initialization: A head start for
// nonnegative matrix factorization", Pattern Recognition 41(4)).
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "nmf/options.hpp"
#include "nmf/rng.hpp"
#include "nmf/status.hpp"
#include "nmf/svd.hpp"

namespace nmf {

// True when a fit starts from the NNDSVD family (no user factor given).
inline bool starts_from_nndsvd(const Options& opt) {
  return opt.init != kInitRandom && !opt.user_w && !opt.user_h && !opt.fix_w &&
         !opt.fix_h;
}

// Uniform [0, 1) entries times sqrt(mean(A) / k), so that WH has the scale
// of A.  W is drawn first (column by column, as the m x k output is laid
// out), then H (column by column); wt is W transposed (k x m).  A process
// of a distributed fit holding columns [col_offset, col_offset + n) draws
// the same stream and keeps its columns, so the start is the serial one.
template <class T>
void init_random(int64_t m, int64_t n, int64_t k, double mean_a, uint64_t seed,
                 T* wt, T* h, int64_t col_offset = 0) {
  Rng rng(seed);
  const double f = std::sqrt(mean_a / double(k));
  for (int64_t j = 0; j < k; ++j)
    for (int64_t i = 0; i < m; ++i) wt[j + i * k] = T(f * rng.uniform());
  for (int64_t t = 0; t < col_offset * k; ++t) rng.uniform();
  for (int64_t c = 0; c < n; ++c)
    for (int64_t j = 0; j < k; ++j) h[j + c * k] = T(f * rng.uniform());
}

// Splits x[0..len) into its positive part p and negative part q (both
// non-negative: x = p - q) and gives their Euclidean norms np and nq.
template <class T>
void split_signs(const T* x, int64_t len, std::vector<double>& p, std::vector<double>& q,
                 double& np, double& nq) {
  double sp = 0, sq = 0;
  for (int64_t i = 0; i < len; ++i) {
    const double xi = double(x[i]);
    p[size_t(i)] = xi > 0 ? xi : 0;
    q[size_t(i)] = xi < 0 ? -xi : 0;
    sp += p[size_t(i)] * p[size_t(i)];
    sq += q[size_t(i)] * q[size_t(i)];
  }
  np = std::sqrt(sp);
  nq = std::sqrt(sq);
}

// NNDSVD: the first component from |u_1|, |v_1|; each later singular pair
// split into positive and negative parts, keeping the pair of parts with the
// larger product of norms.  The result does not depend on the sign of the
// singular vectors.  nndsvda fills the zeros with mean(A), nndsvdar with
// uniform values in [0, mean(A) / 100).
template <class Ops, class T>
Status init_nndsvd(const Ops& ops, int64_t k, int variant, double scale,
                   double mean_a, uint64_t seed, int threads, T* wt, T* h) {
  const int64_t m = ops.m(), n = ops.n();
  TopSvd<T> svd;
  Status st = svd_top(ops, k, scale, seed, threads, svd);
  if (!st.ok()) return st;
  std::vector<double> up(static_cast<size_t>(m)), un(static_cast<size_t>(m)), vp(static_cast<size_t>(n)), vn(static_cast<size_t>(n));
  for (int64_t j = 0; j < k; ++j) {
    const T* u = svd.u.data() + j * m;
    const T* v = svd.v.data() + j * n;
    const double s = std::max(0.0, double(svd.s[size_t(j)]));
    double nup, nun, nvp, nvn;
    split_signs(u, m, up, un, nup, nun);
    split_signs(v, n, vp, vn, nvp, nvn);
    const std::vector<double>*x, *y;
    double nx, ny, sigma;
    if (j == 0) {
      // |u_1| and |v_1|: the sum of the two parts, norms 1.
      for (int64_t i = 0; i < m; ++i) up[size_t(i)] += un[size_t(i)];
      for (int64_t c = 0; c < n; ++c) vp[size_t(c)] += vn[size_t(c)];
      x = &up, y = &vp, nx = 1, ny = 1, sigma = 1;
    } else if (nup * nvp >= nun * nvn) {
      x = &up, y = &vp, nx = nup, ny = nvp, sigma = nup * nvp;
    } else {
      x = &un, y = &vn, nx = nun, ny = nvn, sigma = nun * nvn;
    }
    const double f = std::sqrt(s * sigma);
    const bool zero = !(nx > 0 && ny > 0 && f > 0);
    for (int64_t i = 0; i < m; ++i)
      wt[j + i * k] = zero ? T(0) : T(f * (*x)[size_t(i)] / nx);
    for (int64_t c = 0; c < n; ++c)
      h[j + c * k] = zero ? T(0) : T(f * (*y)[size_t(c)] / ny);
  }
  if (variant == kInitNndsvda || variant == kInitNndsvdar) {
    Rng rng(seed);
    auto fill = [&](T* x, int64_t count) {
      for (int64_t t = 0; t < count; ++t)
        if (x[t] == T(0))
          x[t] = variant == kInitNndsvda ? T(mean_a)
                                         : T(mean_a * rng.uniform() / 100.0);
    };
    fill(wt, k * m);
    fill(h, k * n);
  }
  return Status();
}

}  // namespace nmf
