// Shared helpers of the core property tests (tests/core/).
//
// Everything here is a straightforward reference in double: planted data from
// a fixed std::mt19937_64 seed, dense <-> CSC conversion, the reconstruction
// W diag(d) H, the Frobenius objective, KKT residuals, the canonical form and
// a thin typed wrapper around the C ABI (nmf.h).  The tests compare the
// library's outputs against these, never against the library itself.
#ifndef NMF_TEST_UTIL_HPP
#define NMF_TEST_UTIL_HPP

#include <gtest/gtest.h>
#include <nmf.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace nt {

// ------------------------------------------------------------ dense matrices

// A column-major m x n matrix in double, leading dimension m.
struct Dense {
  int64_t m = 0, n = 0;
  std::vector<double> a;
  Dense() = default;
  Dense(int64_t m_, int64_t n_, double fill = 0.0)
      : m(m_), n(n_), a(static_cast<size_t>(m_ * n_), fill) {}
  double &operator()(int64_t i, int64_t j) { return a[static_cast<size_t>(i + j * m)]; }
  double operator()(int64_t i, int64_t j) const { return a[static_cast<size_t>(i + j * m)]; }
};

inline double frob(const std::vector<double> &x) {
  long double s = 0;
  for (double v : x) s += static_cast<long double>(v) * v;
  return std::sqrt(static_cast<double>(s));
}

// Uniform(0, 1) entries.
inline Dense uniform(int64_t m, int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Dense A(m, n);
  for (auto &v : A.a) v = u(rng);
  return A;
}

// Planted factors: W (m x k) and H (k x n) with a fraction `zero_frac` of
// zero entries.  With `separable`, the first k rows of W and the first k
// columns of H are scaled unit vectors, which makes the factorization of
// W H unique up to permutation and scaling (Donoho & Stodden 2003, Laurberg
// et al. 2008: both factors contain a scaled identity).
struct Planted {
  Dense W, H, A;  // A = W H (+ noise)
};

inline Planted planted(int64_t m, int64_t n, int64_t k, uint64_t seed,
                       double zero_frac = 0.4, double noise = 0.0,
                       bool separable = true) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Planted p;
  p.W = Dense(m, k);
  p.H = Dense(k, n);
  for (int64_t j = 0; j < k; ++j)
    for (int64_t i = 0; i < m; ++i) {
      double z = u(rng), v = 0.5 + u(rng);
      p.W(i, j) = z < zero_frac ? 0.0 : v;
    }
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < k; ++i) {
      double z = u(rng), v = 0.5 + u(rng);
      p.H(i, j) = z < zero_frac ? 0.0 : v;
    }
  if (separable) {
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j) {
        p.W(i, j) = i == j ? 1.0 + 0.25 * static_cast<double>(j) : 0.0;
        p.H(i, j) = i == j ? 1.0 + 0.5 * static_cast<double>(i) : 0.0;
      }
  }
  // Every component must be used: no all-zero W column or H row.
  for (int64_t j = 0; j < k; ++j) {
    p.W(k < m ? k : 0, j) += 0.1;
    p.H(j, k < n ? k : 0) += 0.1;
  }
  p.A = Dense(m, n);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t l = 0; l < k; ++l) {
      double h = p.H(l, j);
      if (h == 0) continue;
      for (int64_t i = 0; i < m; ++i) p.A(i, j) += p.W(i, l) * h;
    }
  if (noise > 0)
    for (auto &v : p.A.a) v += noise * u(rng);
  return p;
}

// A sparse-ish non-negative matrix: each entry non-zero with probability
// `density`; optionally one all-zero row and one all-zero column.
inline Dense sparse_random(int64_t m, int64_t n, double density, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Dense A(m, n);
  for (auto &v : A.a) {
    double z = u(rng), x = u(rng);
    v = z < density ? 0.1 + x : 0.0;
  }
  return A;
}

template <class T>
std::vector<T> cast(const std::vector<double> &x) {
  return std::vector<T>(x.begin(), x.end());
}
template <class T>
std::vector<double> to_double(const std::vector<T> &x) {
  return std::vector<double>(x.begin(), x.end());
}

// ---------------------------------------------------------------------- CSC

template <class I>
struct Csc {
  int64_t m = 0, n = 0;
  std::vector<int64_t> col_ptr;
  std::vector<I> row_ind;
  std::vector<double> val;
};

// Dense -> CSC.  With explicit_zero_every > 0, every that-many-th structural
// zero is stored as an explicit 0.0 (allowed by nmf.h).
template <class I>
Csc<I> to_csc(const Dense &A, int explicit_zero_every = 0) {
  Csc<I> c;
  c.m = A.m;
  c.n = A.n;
  c.col_ptr.assign(static_cast<size_t>(A.n + 1), 0);
  int64_t count = 0;
  for (int64_t j = 0; j < A.n; ++j) {
    for (int64_t i = 0; i < A.m; ++i) {
      double v = A(i, j);
      bool keep = v != 0.0;
      if (!keep && explicit_zero_every > 0 && (++count % explicit_zero_every) == 0) keep = true;
      if (keep) {
        c.row_ind.push_back(static_cast<I>(i));
        c.val.push_back(v);
      }
    }
    c.col_ptr[static_cast<size_t>(j + 1)] = static_cast<int64_t>(c.row_ind.size());
  }
  return c;
}

// ------------------------------------------------------- typed C ABI calls

inline int32_t call_dense(const double *A, int64_t m, int64_t n, int64_t lda, int64_t k,
                          double *W, double *d, double *H, const nmf_options *o,
                          nmf_result *r) {
  return nmf_fit_dense_d(A, m, n, lda, k, W, d, H, o, r);
}
inline int32_t call_dense(const float *A, int64_t m, int64_t n, int64_t lda, int64_t k,
                          float *W, float *d, float *H, const nmf_options *o,
                          nmf_result *r) {
  return nmf_fit_dense_f(A, m, n, lda, k, W, d, H, o, r);
}
inline int32_t call_csc(int64_t m, int64_t n, const int64_t *cp, const int32_t *ri,
                        const double *v, int64_t k, double *W, double *d, double *H,
                        const nmf_options *o, nmf_result *r) {
  return nmf_fit_csc_d_i32(m, n, cp, ri, v, k, W, d, H, o, r);
}
inline int32_t call_csc(int64_t m, int64_t n, const int64_t *cp, const int64_t *ri,
                        const double *v, int64_t k, double *W, double *d, double *H,
                        const nmf_options *o, nmf_result *r) {
  return nmf_fit_csc_d_i64(m, n, cp, ri, v, k, W, d, H, o, r);
}
inline int32_t call_csc(int64_t m, int64_t n, const int64_t *cp, const int32_t *ri,
                        const float *v, int64_t k, float *W, float *d, float *H,
                        const nmf_options *o, nmf_result *r) {
  return nmf_fit_csc_f_i32(m, n, cp, ri, v, k, W, d, H, o, r);
}
inline int32_t call_csc(int64_t m, int64_t n, const int64_t *cp, const int64_t *ri,
                        const float *v, int64_t k, float *W, float *d, float *H,
                        const nmf_options *o, nmf_result *r) {
  return nmf_fit_csc_f_i64(m, n, cp, ri, v, k, W, d, H, o, r);
}

inline nmf_options default_options() {
  nmf_options o;
  std::memset(&o, 0xAB, sizeof o);  // garbage: nmf_options_init must fill all of it
  nmf_options_init(&o, sizeof o);
  return o;
}
// The defaults with n_threads = 1: the small problems of these tests gain
// nothing from threads, and two test processes with two OpenMP threads each
// on a 2-core machine slow each other down badly.  Thread counts are the
// subject of test_determinism.cpp.
inline nmf_options test_options() {
  nmf_options o = default_options();
  o.n_threads = 1;
  return o;
}

// test_options() that run exactly `maxit` iterations: tol = 0 never stops
// a fit early, so a test sees the iterate (or the loss history) it expects.
inline nmf_options fixed_iterations(int32_t maxit) {
  nmf_options o = test_options();
  o.maxit = maxit;
  o.tol = 0;
  return o;
}

// The outputs of one fit, plus what came back with it.
template <class T>
struct Fit {
  int64_t m = 0, n = 0, k = 0;
  std::vector<T> W, d, H;
  nmf_result res{};
  std::vector<double> hist;  // loss_history, trimmed to history_length
  int32_t status = -999;
  std::string msg;
};

// Optional inputs of a fit: starting/fixed W and H, history capacity.
template <class T>
struct FitIn {
  std::vector<T> W0, H0;     // copied into W/H before the call if non-empty
  int64_t hist_capacity = 0;  // 0 = no history buffer
};

template <class T>
void prepare(Fit<T> &f, int64_t m, int64_t n, int64_t k, const FitIn<T> &in,
             std::vector<double> &histbuf) {
  f.m = m;
  f.n = n;
  f.k = k;
  // Fill outputs with garbage so an unwritten output shows.
  f.W.assign(static_cast<size_t>(m * k), std::numeric_limits<T>::quiet_NaN());
  f.H.assign(static_cast<size_t>(k * n), std::numeric_limits<T>::quiet_NaN());
  f.d.assign(static_cast<size_t>(k), std::numeric_limits<T>::quiet_NaN());
  if (!in.W0.empty()) f.W = in.W0;
  if (!in.H0.empty()) f.H = in.H0;
  nmf_result_init(&f.res, sizeof f.res);
  if (in.hist_capacity > 0) {
    histbuf.assign(static_cast<size_t>(in.hist_capacity), std::nan(""));
    f.res.loss_history = histbuf.data();
    f.res.loss_history_capacity = in.hist_capacity;
  }
}

template <class T>
void finish(Fit<T> &f, std::vector<double> &histbuf) {
  f.msg = nmf_last_error_message();
  if (f.res.loss_history) {
    int64_t len = std::min<int64_t>(f.res.history_length, f.res.loss_history_capacity);
    if (len < 0) len = 0;
    f.hist.assign(histbuf.begin(), histbuf.begin() + len);
    f.res.loss_history = nullptr;
  }
}

// Fit a dense matrix given in double, converted to T, leading dimension m.
template <class T>
Fit<T> fit_dense(const Dense &A, int64_t k, const nmf_options &o, const FitIn<T> &in = {}) {
  Fit<T> f;
  std::vector<double> histbuf;
  prepare(f, A.m, A.n, k, in, histbuf);
  std::vector<T> a = cast<T>(A.a);
  f.status = call_dense(a.data(), A.m, A.n, A.m, k, f.W.data(), f.d.data(), f.H.data(), &o, &f.res);
  finish(f, histbuf);
  return f;
}

template <class T, class I>
Fit<T> fit_csc(const Csc<I> &C, int64_t k, const nmf_options &o, const FitIn<T> &in = {}) {
  Fit<T> f;
  std::vector<double> histbuf;
  prepare(f, C.m, C.n, k, in, histbuf);
  std::vector<T> v = cast<T>(C.val);
  f.status = call_csc(C.m, C.n, C.col_ptr.data(), C.row_ind.data(), v.data(), k, f.W.data(),
                      f.d.data(), f.H.data(), &o, &f.res);
  finish(f, histbuf);
  return f;
}

// --------------------------------------------------------- dense references

// W diag(d) H in double (d may be empty: all ones).
template <class T>
Dense reconstruct(const std::vector<T> &W, const std::vector<T> &d, const std::vector<T> &H,
                  int64_t m, int64_t n, int64_t k) {
  Dense R(m, n);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t l = 0; l < k; ++l) {
      double h = static_cast<double>(H[static_cast<size_t>(l + j * k)]) *
                 (d.empty() ? 1.0 : static_cast<double>(d[static_cast<size_t>(l)]));
      if (h == 0) continue;
      for (int64_t i = 0; i < m; ++i)
        R(i, j) += static_cast<double>(W[static_cast<size_t>(i + l * m)]) * h;
    }
  return R;
}

// ||A - W diag(d) H||_F^2, summed in long double.
template <class T>
double sq_residual(const Dense &A, const std::vector<T> &W, const std::vector<T> &d,
                   const std::vector<T> &H, int64_t k) {
  Dense R = reconstruct(W, d, H, A.m, A.n, k);
  long double s = 0;
  for (size_t i = 0; i < A.a.size(); ++i) {
    long double r = static_cast<long double>(A.a[i]) - R.a[i];
    s += r * r;
  }
  return static_cast<double>(s);
}

template <class T>
double ref_loss(const Dense &A, const Fit<T> &f) {
  return 0.5 * sq_residual(A, f.W, f.d, f.H, f.k);
}
template <class T>
double ref_rel_error(const Dense &A, const Fit<T> &f) {
  return std::sqrt(sq_residual(A, f.W, f.d, f.H, f.k)) / frob(A.a);
}

inline double rel_diff(double a, double b) {
  double s = std::max(std::fabs(a), std::fabs(b));
  return s == 0 ? 0.0 : std::fabs(a - b) / s;
}

// max |x - y| / max |y|
template <class T, class U>
double max_rel_diff(const std::vector<T> &x, const std::vector<U> &y) {
  double num = 0, den = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    num = std::max(num, std::fabs(static_cast<double>(x[i]) - static_cast<double>(y[i])));
    den = std::max(den, std::fabs(static_cast<double>(y[i])));
  }
  if (x.size() != y.size()) return std::numeric_limits<double>::infinity();
  return den == 0 ? num : num / den;
}

template <class T>
bool bitwise_equal(const std::vector<T> &x, const std::vector<T> &y) {
  return x.size() == y.size() &&
         (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(T)) == 0);
}

// Canonical form of a factor pair (W, H) (no d): W columns and H rows sum to
// 1, d = (column sum of W) * (row sum of H), components sorted by d
// descending (stable).  A component with a zero column or row gets d = 0 and
// both parts zero.
struct Canonical {
  std::vector<double> W, d, H;
};
inline Canonical canonicalize(const std::vector<double> &W, const std::vector<double> &H,
                              int64_t m, int64_t n, int64_t k) {
  std::vector<double> sw(static_cast<size_t>(k), 0.0), sh(static_cast<size_t>(k), 0.0), dd(static_cast<size_t>(k));
  for (int64_t l = 0; l < k; ++l) {
    for (int64_t i = 0; i < m; ++i) sw[l] += W[i + l * m];
    for (int64_t j = 0; j < n; ++j) sh[l] += H[l + j * k];
    dd[l] = sw[l] * sh[l];
  }
  std::vector<int64_t> perm(static_cast<size_t>(k));
  std::iota(perm.begin(), perm.end(), 0);
  std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) { return dd[a] > dd[b]; });
  Canonical c;
  c.W.assign(static_cast<size_t>(m * k), 0.0);
  c.H.assign(static_cast<size_t>(k * n), 0.0);
  c.d.assign(static_cast<size_t>(k), 0.0);
  for (int64_t p = 0; p < k; ++p) {
    int64_t l = perm[p];
    c.d[p] = dd[l];
    if (dd[l] == 0) continue;
    for (int64_t i = 0; i < m; ++i) c.W[i + p * m] = W[i + l * m] / sw[l];
    for (int64_t j = 0; j < n; ++j) c.H[p + j * k] = H[l + j * k] / sh[l];
  }
  return c;
}

// W diag(d) as a plain double matrix.
template <class T>
std::vector<double> scaled_w(const Fit<T> &f) {
  std::vector<double> Wf(f.W.size());
  for (int64_t l = 0; l < f.k; ++l)
    for (int64_t i = 0; i < f.m; ++i)
      Wf[i + l * f.m] = static_cast<double>(f.W[i + l * f.m]) * static_cast<double>(f.d[l]);
  return Wf;
}

// --------------------------------------------------------------------- KKT

// KKT residuals of min 1/2||A - W H||^2 + l1w sum W + l2w/2 ||W||^2
//                                       + l1h sum H + l2h/2 ||H||^2, W, H >= 0
// at (W, H) (W m x k, H k x n, plain double).  Gradients
//   G_W = (W H - A) H^T + l1w + l2w W,  G_H = W^T (W H - A) + l1h + l2h H.
// Reported, each normalised per component l by a scale that is invariant under
// W_l -> c W_l, H_l -> H_l / c when the penalties are zero:
//   sign_* = max_{i} max(0, -G(i,l)) / s_l
//   comp_* = max_{i} |G(i,l)| X(i,l) / (s_l * max_i X(i,l))
// with s_l = ||A||_F ||other factor's component l||_2 + l1 + l2 ||X_l||_2.
struct Kkt {
  double sign_w = 0, comp_w = 0, sign_h = 0, comp_h = 0;
  double worst() const { return std::max(std::max(sign_w, comp_w), std::max(sign_h, comp_h)); }
};

inline Kkt kkt(const Dense &A, const std::vector<double> &W, const std::vector<double> &H,
               int64_t k, double l1w = 0, double l1h = 0, double l2w = 0, double l2h = 0,
               bool check_w = true, bool check_h = true) {
  const int64_t m = A.m, n = A.n;
  Dense R = reconstruct(W, std::vector<double>{}, H, m, n, k);
  for (size_t i = 0; i < R.a.size(); ++i) R.a[i] -= A.a[i];  // R = W H - A
  const double na = frob(A.a);
  std::vector<double> nw(static_cast<size_t>(k), 0.0), nh(static_cast<size_t>(k), 0.0),
      mw(static_cast<size_t>(k), 0.0), mh(static_cast<size_t>(k), 0.0);
  for (int64_t l = 0; l < k; ++l) {
    for (int64_t i = 0; i < m; ++i) {
      nw[l] += W[i + l * m] * W[i + l * m];
      mw[l] = std::max(mw[l], W[i + l * m]);
    }
    for (int64_t j = 0; j < n; ++j) {
      nh[l] += H[l + j * k] * H[l + j * k];
      mh[l] = std::max(mh[l], H[l + j * k]);
    }
    nw[l] = std::sqrt(nw[l]);
    nh[l] = std::sqrt(nh[l]);
  }
  Kkt r;
  if (check_w)
    for (int64_t l = 0; l < k; ++l) {
      double s = na * nh[l] + l1w + l2w * nw[l];
      for (int64_t i = 0; i < m; ++i) {
        long double g = 0;
        for (int64_t j = 0; j < n; ++j) g += static_cast<long double>(R(i, j)) * H[l + j * k];
        double G = static_cast<double>(g) + l1w + l2w * W[i + l * m];
        r.sign_w = std::max(r.sign_w, std::max(0.0, -G) / s);
        if (mw[l] > 0) r.comp_w = std::max(r.comp_w, std::fabs(G) * W[i + l * m] / (s * mw[l]));
      }
    }
  if (check_h)
    for (int64_t l = 0; l < k; ++l) {
      double s = na * nw[l] + l1h + l2h * nh[l];
      for (int64_t j = 0; j < n; ++j) {
        long double g = 0;
        for (int64_t i = 0; i < m; ++i) g += static_cast<long double>(W[i + l * m]) * R(i, j);
        double G = static_cast<double>(g) + l1h + l2h * H[l + j * k];
        r.sign_h = std::max(r.sign_h, std::max(0.0, -G) / s);
        if (mh[l] > 0) r.comp_h = std::max(r.comp_h, std::fabs(G) * H[l + j * k] / (s * mh[l]));
      }
    }
  return r;
}

// ------------------------------------------------------------- similarity

// Cosine similarity of column a of X (rows r) and column b of Y.
inline double cosine(const std::vector<double> &x, const std::vector<double> &y) {
  long double xy = 0, xx = 0, yy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    xy += static_cast<long double>(x[i]) * y[i];
    xx += static_cast<long double>(x[i]) * x[i];
    yy += static_cast<long double>(y[i]) * y[i];
  }
  if (xx == 0 || yy == 0) return 0;
  return static_cast<double>(xy / std::sqrt(xx * yy));
}

template <class T>
std::vector<double> column(const std::vector<T> &X, int64_t rows, int64_t c) {
  return std::vector<double>(X.begin() + c * rows, X.begin() + (c + 1) * rows);
}
template <class T>
std::vector<double> row(const std::vector<T> &X, int64_t rows, int64_t cols, int64_t r) {
  std::vector<double> v(static_cast<size_t>(cols));
  for (int64_t j = 0; j < cols; ++j) v[j] = static_cast<double>(X[r + j * rows]);
  return v;
}

inline std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// All maximal runs of decimal digits in s, as numbers.
inline std::vector<long long> integers_in(const std::string &s) {
  std::vector<long long> out;
  for (size_t i = 0; i < s.size();) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      out.push_back(std::stoll(s.substr(i, j - i)));
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}
inline bool has_int(const std::vector<long long> &v, long long x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
// The message names position (i, j), 0-based or 1-based.
inline bool names_position(const std::string &msg, long long i, long long j) {
  auto v = integers_in(msg);
  return (has_int(v, i) && has_int(v, j)) || (has_int(v, i + 1) && has_int(v, j + 1));
}

// How far a reported loss may be from the loss recomputed here in double.
// The library evaluates 1/2||A - WH||^2 as 1/2||A||^2 - <W^T A, H> +
// 1/2<W^T W, H H^T> (the library never forms WH).  For float inputs
// W^T A is a float product, so the cancellation leaves an absolute error of
// order eps_float * ||A||_F^2 whatever the size of the loss; for double the
// same bound with eps_double is far below 1e-8 relative on our problems.
template <class T>
double loss_abs_tol(const Dense &A, double loss) {
  const double na2 = frob(A.a) * frob(A.a);
  if (std::is_same<T, double>::value) return 1e-8 * std::fabs(loss) + 1e-14 * na2;
  return 1e-5 * std::fabs(loss) + 2.0 * std::numeric_limits<float>::epsilon() * na2;
}

template <class T>
constexpr double canon_tol() {
  return std::is_same<T, double>::value ? 1e-12 : 1e-5;
}


// ------------------------------------------------------------ any input path

// The input paths a property is checked on: dense, CSC with int32 or int64
// row indices.
enum class Path { dense, csc32, csc64 };
inline const char *path_name(Path p) {
  return p == Path::dense ? "dense" : p == Path::csc32 ? "csc_i32" : "csc_i64";
}

template <class T>
Fit<T> fit_any(Path p, const Dense &A, int64_t k, const nmf_options &o, const FitIn<T> &in = {}) {
  switch (p) {
    case Path::dense: return fit_dense<T>(A, k, o, in);
    case Path::csc32: return fit_csc<T>(to_csc<int32_t>(A), k, o, in);
    case Path::csc64: return fit_csc<T>(to_csc<int64_t>(A), k, o, in);
  }
  return {};
}

// Type parameter of the typed tests: scalar type and input path.  Named
// structs (not aliases) so that test names read "...<nt::FloatCsc64>".
template <class T, Path P>
struct Variant {
  using Scalar = T;
  static constexpr Path path = P;
};
struct DoubleDense : Variant<double, Path::dense> {};
struct FloatDense : Variant<float, Path::dense> {};
struct DoubleCsc32 : Variant<double, Path::csc32> {};
struct DoubleCsc64 : Variant<double, Path::csc64> {};
struct FloatCsc32 : Variant<float, Path::csc32> {};
struct FloatCsc64 : Variant<float, Path::csc64> {};
using AllVariants =
    ::testing::Types<DoubleDense, FloatDense, DoubleCsc32, DoubleCsc64, FloatCsc32, FloatCsc64>;

// ------------------------------------------------------- gtest assertions

template <class T>
bool all_finite_nonneg(const std::vector<T> &x) {
  for (T v : x)
    if (!(std::isfinite(static_cast<double>(v)) && v >= 0)) return false;
  return true;
}

// Non-negative, finite, W columns and H rows summing to 1 (or a zero
// component with d = 0), d descending.
template <class T>
void expect_canonical(const Fit<T> &f, const std::string &what = "") {
  SCOPED_TRACE(what);
  const double tol = canon_tol<T>();
  EXPECT_TRUE(all_finite_nonneg(f.W)) << "W has a negative or non-finite entry";
  EXPECT_TRUE(all_finite_nonneg(f.H)) << "H has a negative or non-finite entry";
  EXPECT_TRUE(all_finite_nonneg(f.d)) << "d has a negative or non-finite entry";
  for (int64_t l = 0; l < f.k; ++l) {
    double sw = 0, sh = 0;
    for (int64_t i = 0; i < f.m; ++i) sw += static_cast<double>(f.W[i + l * f.m]);
    for (int64_t j = 0; j < f.n; ++j) sh += static_cast<double>(f.H[l + j * f.k]);
    if (f.d[l] == 0) {
      EXPECT_TRUE((sw == 0 || std::fabs(sw - 1) <= tol) && (sh == 0 || std::fabs(sh - 1) <= tol))
          << "zero component " << l << ": column sum " << sw << ", row sum " << sh;
    } else {
      EXPECT_NEAR(sw, 1.0, tol) << "column " << l << " of W";
      EXPECT_NEAR(sh, 1.0, tol) << "row " << l << " of H";
    }
    if (l + 1 < f.k) {
      EXPECT_GE(f.d[l], f.d[l + 1]) << "d not descending at " << l;
    }
  }
}

// ----------------------------------------------------------------- LAPACK

// Fortran LAPACK (OpenBLAS); the trailing size_t is gfortran's hidden
// length of the character argument.
extern "C" void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda,
                        double *s, double *u, const int *ldu, double *vt, const int *ldvt,
                        double *work, const int *lwork, int *iwork, int *info, size_t jobz_len);

// Thin SVD A = U diag(s) V^T: U m x r, s r, V n x r (r = min(m, n)),
// column-major; singular values descending.
struct Svd {
  std::vector<double> U, s, V;
  int64_t r = 0;
};
inline Svd svd(const Dense &A) {
  int m = static_cast<int>(A.m), n = static_cast<int>(A.n), r = std::min(m, n);
  std::vector<double> a = A.a, U(static_cast<size_t>(m) * r), VT(static_cast<size_t>(r) * n), s(r);
  std::vector<int> iwork(8 * static_cast<size_t>(r));
  int lwork = -1, info = 0;
  double wq = 0;
  dgesdd_("S", &m, &n, a.data(), &m, s.data(), U.data(), &m, VT.data(), &r, &wq, &lwork,
          iwork.data(), &info, 1);
  lwork = static_cast<int>(wq);
  std::vector<double> work(static_cast<size_t>(lwork));
  dgesdd_("S", &m, &n, a.data(), &m, s.data(), U.data(), &m, VT.data(), &r, work.data(), &lwork,
          iwork.data(), &info, 1);
  EXPECT_EQ(info, 0) << "dgesdd failed in the test's reference";
  Svd out;
  out.r = r;
  out.U = U;
  out.s = s;
  out.V.assign(static_cast<size_t>(n) * r, 0.0);
  for (int j = 0; j < n; ++j)
    for (int l = 0; l < r; ++l) out.V[j + static_cast<size_t>(l) * n] = VT[l + static_cast<size_t>(j) * r];
  return out;
}

}  // namespace nt

#endif  // NMF_TEST_UTIL_HPP
