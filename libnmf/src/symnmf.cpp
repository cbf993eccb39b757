// Symmetric NMF by penalised alternating non-negative least squares (see
// symnmf.hpp).  Internally A is scaled to max 1 and the factors are held
// transposed (k x n, one column per node), as H is in fit.cpp.
#include "nmf/symnmf.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>

#include "nmf/blas.hpp"
#include "nmf/bpp.hpp"
#include "nmf/hals.hpp"
#include "nmf/kernels.hpp"
#include "nmf/rng.hpp"
#include "nmf/validate.hpp"

namespace nmf {

namespace {

std::string num(double v) { return exact_text(v); }

// ------------------------------------------------------------ products
// out (k x (c1 - c0)) = alpha * X (k x n) * A(:, c0:c1), in fixed chunks of
// columns (each entry's sum in a fixed order whatever the thread count).
template <class T>
struct DenseSymSource {
  DenseView<T> a;
  int64_t n() const { return a.n; }
  void block(const T* x, int64_t k, int64_t c0, int64_t c1, double alpha,
             T* out, int threads) const {
    constexpr int64_t kChunk = 256;
    const int64_t nc = (c1 - c0 + kChunk - 1) / kChunk;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) \
    if (nc > 1 && kernels::worth_threads(2.0 * double(a.m) * double(c1 - c0) * double(k)))
    for (int64_t b = 0; b < nc; ++b) {
      const int64_t s = c0 + b * kChunk, cn = std::min(kChunk, c1 - s);
      blas::gemm('N', 'N', k, cn, a.m, T(alpha), x, k, a.data + s * a.ld, a.ld,
                 T(0), out + (s - c0) * k, k);
    }
  }
};

template <class T, class I>
struct CscSymSource {
  CscView<T, I> a;
  int64_t n() const { return a.n; }
  void block(const T* x, int64_t k, int64_t c0, int64_t c1, double alpha,
             T* out, int threads) const {
    constexpr int64_t kChunk = 64;
    const int64_t nc = (c1 - c0 + kChunk - 1) / kChunk;
    const double work = 2.0 * double(a.col_ptr[c1] - a.col_ptr[c0]) * double(k);
    // csc_left writes out(:, j) for absolute j: shift the output pointer.
    T* shifted = out - c0 * k;
#pragma omp parallel num_threads(threads) if (nc > 1 && kernels::worth_threads(work))
    {
      std::vector<double> acc(static_cast<size_t>(k));
#pragma omp for schedule(dynamic, 1)
      for (int64_t b = 0; b < nc; ++b)
        kernels::csc_left(a.col_ptr, a.row_ind, a.values, x, k, a.m, alpha,
                          c0 + b * kChunk, std::min(c1, c0 + (b + 1) * kChunk),
                          shifted, acc.data());
    }
  }
};

// ------------------------------------------------------------ validation
// What one pass over a valid A found: its largest entry, the number of
// non-zero entries, ||A||_F^2 and sum(A) (double, in column order), and
// which nodes are isolated (column of zeros).
struct SymSummary {
  double max = 0, frob2 = 0, sum = 0;
  int64_t nonzeros = 0;
  std::vector<char> isolated;
};

Status asymmetric(int64_t r, int64_t c, double arc, double acr, double tol) {
  return Status::at(
      kErrInvalidArgument,
      "A is not symmetric: A[" + std::to_string(r + 1) + ", " +
          std::to_string(c + 1) + "] = " + num(arc) + " but A[" +
          std::to_string(c + 1) + ", " + std::to_string(r + 1) + "] = " +
          num(acr) + " (1-based; allowed difference 1e-6 max|A| = " + num(tol) +
          ")",
      'A', r, c);
}

// Pairs are ordered by (larger index, smaller index): the key max * n + min.
constexpr int64_t kNoPair = std::numeric_limits<int64_t>::max();

template <class T>
Status summarise(const DenseView<T>& a, int threads, SymSummary& sum) {
  DenseSummary ds;
  Status st = validate_dense(a, threads, false, &ds);
  if (!st.ok()) return st;
  const int64_t n = a.n;
  sum.max = ds.max;
  sum.frob2 = ds.sum2;
  sum.sum = ds.sum;
  sum.nonzeros = ds.nonzeros;
  const double tol = 1e-6 * ds.max;
  auto at = [&](int64_t i, int64_t j) { return double(a.data[i + j * a.ld]); };
  int64_t first = kNoPair;
  sum.isolated.assign(size_t(n), 0);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 64) reduction(min : first)
  for (int64_t j = 0; j < n; ++j) {
    bool zero = true;
    for (int64_t i = 0; i < n; ++i) zero &= at(i, j) == 0.0;
    sum.isolated[size_t(j)] = zero;
    if (j * n >= first) continue;
    for (int64_t i = 0; i < j; ++i)
      if (std::fabs(at(i, j) - at(j, i)) > tol) {
        first = std::min(first, j * n + i);
        break;
      }
  }
  if (first != kNoPair) {
    const int64_t c = first / n, r = first % n;
    return asymmetric(r, c, at(r, c), at(c, r), tol);
  }
  return Status();
}

template <class T, class I>
Status summarise(const CscView<T, I>& a, int threads, SymSummary& sum) {
  std::vector<int64_t> row_nnz;
  Status st = validate_csc(a, row_nnz, threads);
  if (!st.ok()) return st;
  const int64_t n = a.n;
  double mx = 0;
  int64_t nz = 0;
  for (int64_t q = 0; q < a.nnz(); ++q) {
    mx = std::max(mx, double(a.values[q]));
    nz += a.values[q] != T(0);
  }
  sum.max = mx;
  sum.nonzeros = nz;
  sum.frob2 = frob2_of(a);
  double s = 0;
  for (int64_t q = 0; q < a.nnz(); ++q) s += double(a.values[q]);
  sum.sum = s;
  const double tol = 1e-6 * mx;
  // The stored value at (i, j), 0 when not stored.
  auto at = [&](int64_t i, int64_t j) {
    const I* first = a.row_ind + a.col_ptr[j];
    const I* last = a.row_ind + a.col_ptr[j + 1];
    const I* p = std::lower_bound(first, last, I(i));
    return p != last && int64_t(*p) == i ? double(a.values[p - a.row_ind]) : 0.0;
  };
  int64_t first = kNoPair;
  sum.isolated.assign(size_t(n), 0);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 256) reduction(min : first)
  for (int64_t j = 0; j < n; ++j) {
    bool zero = true;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q) {
      const double v = double(a.values[q]);
      zero &= v == 0.0;
      const int64_t i = int64_t(a.row_ind[q]);
      if (i == j) continue;
      if (std::fabs(v - at(j, i)) > tol) {
        const int64_t key = std::max(i, j) * n + std::min(i, j);
        first = std::min(first, key);
      }
    }
    sum.isolated[size_t(j)] = zero;
  }
  if (first != kNoPair) {
    const int64_t c = first / n, r = first % n;
    return asymmetric(r, c, at(r, c), at(c, r), tol);
  }
  return Status();
}

Status check_options(int64_t n, int64_t k, const Options& opt) {
  if (k < 1) return Status::error(kErrRank, "k = " + std::to_string(k) + " must be at least 1");
  if (k > n)
    return Status::error(kErrRank, "k = " + std::to_string(k) +
                                       " exceeds the number of nodes n = " +
                                       std::to_string(n));
  auto bad = [](const std::string& what) {
    return Status::error(kErrInvalidArgument, "symmetric NMF: " + what);
  };
  if (opt.solver != kSolverAuto && opt.solver != kSolverHals && opt.solver != kSolverAnls)
    return bad("solver " + std::to_string(opt.solver) +
               " is not available (NMF_SOLVER_AUTO, NMF_SOLVER_HALS or NMF_SOLVER_ANLS)");
  if (opt.loss != kLossFrobenius) return bad("only the Frobenius loss is available");
  if (opt.n_threads < 0) return bad("n_threads = " + std::to_string(opt.n_threads) + " must be >= 0");
  if (opt.maxit < 0) return bad("maxit = " + std::to_string(opt.maxit) + " must be >= 0");
  if (!(opt.tol >= 0) || !std::isfinite(opt.tol))
    return bad("tol = " + num(opt.tol) + " must be finite and >= 0");
  if (!(opt.hals_alpha >= 0) || !std::isfinite(opt.hals_alpha))
    return bad("hals_alpha = " + num(opt.hals_alpha) + " must be finite and >= 0");
  if (!(opt.hals_delta >= 0) || !std::isfinite(opt.hals_delta))
    return bad("hals_delta = " + num(opt.hals_delta) + " must be finite and >= 0");
  if (opt.user_w || opt.user_h || opt.fix_w || opt.fix_h)
    return bad("user-supplied or fixed factors are not available");
  if (opt.missing != kMissingNone || opt.weights)
    return bad("weights and missing values are not available");
  if (opt.l1_w != 0 || opt.l1_h != 0 || opt.l2_w != 0 || opt.l2_h != 0 ||
      opt.sparse_w != 0 || opt.sparse_h != 0 || opt.ns_theta != 0)
    return bad("penalties (l1, l2, sparse, ns_theta) are not available");
  return Status();
}

// ------------------------------------------------------------ the driver
template <class T>
struct SymWork {
  int64_t n = 0, k = 0;
  int threads = 1;
  int32_t solver = kSolverHals;
  int sweeps = 1;
  double delta = 0.1;
  double scale = 1;  // 1 / max(A)
  std::vector<T> prod, num;  // a block of X A and of X A + alpha X
  std::vector<double> dot_xx, dot_yx;
};

// One half-step: Y <- argmin_{Y >= 0} ||A - Y X^T||^2 + alpha ||Y - X||^2
// (both k x n) with gx = X X^T.  Returns in *xx = <X A, X> (for the
// symmetric loss of X) and *yx = <X A, Y_new> (the cross term of the
// penalised objective), both for the scaled A.
template <class Src, class T>
void half_step(const Src& src, SymWork<T>& wk, const T* x, T* y,
               const std::vector<double>& gx, double alpha, double* xx,
               double* yx) {
  const int64_t n = wk.n, k = wk.k;
  double sxx = 0, syx = 0;
  const int64_t block = sym_block_nodes(k);
  for (int64_t c0 = 0; c0 < n; c0 += block) {
    const int64_t c1 = std::min(n, c0 + block), len = c1 - c0;
    T* p = wk.prod.data();
    T* b = wk.num.data();
    src.block(x, k, c0, c1, wk.scale, p, wk.threads);
    const T* xb = x + c0 * k;
    T* yb = y + c0 * k;
    for (int64_t t = 0; t < len * k; ++t) b[t] = T(double(p[t]) + alpha * double(xb[t]));
    if (wk.solver == kSolverAnls)
      bpp_solve(yb, b, gx.data(), k, len, 0.0, alpha, wk.threads);
    else
      hals_update(yb, b, gx.data(), k, len, 0.0, alpha, wk.sweeps, wk.delta,
                  wk.threads);
    // Per-node partial sums, then in node order: the same for any thread count.
    for (int64_t j = 0; j < len; ++j) {
      double s1 = 0, s2 = 0;
      for (int64_t l = 0; l < k; ++l) {
        const double pv = double(p[j * k + l]);
        s1 += pv * double(xb[j * k + l]);
        s2 += pv * double(yb[j * k + l]);
      }
      sxx += s1;
      syx += s2;
    }
  }
  *xx = sxx;
  *yx = syx;
}

// <X A, X> alone (the final loss).
template <class Src, class T>
double self_cross(const Src& src, SymWork<T>& wk, const T* x) {
  double s = 0;
  const int64_t block = sym_block_nodes(wk.k);
  for (int64_t c0 = 0; c0 < wk.n; c0 += block) {
    const int64_t c1 = std::min(wk.n, c0 + block);
    src.block(x, wk.k, c0, c1, wk.scale, wk.prod.data(), wk.threads);
    for (int64_t t = 0; t < (c1 - c0) * wk.k; ++t)
      s += double(wk.prod[size_t(t)]) * double(x[c0 * wk.k + t]);
  }
  return s;
}

double frob_dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t t = 0; t < a.size(); ++t) s += a[t] * b[t];
  return s;
}

template <class T>
double diff2(const T* a, const T* b, int64_t len) {
  double s = 0;
  for (int64_t t = 0; t < len; ++t) {
    const double d = double(a[t]) - double(b[t]);
    s += d * d;
  }
  return s;
}

template <class Src, class T>
Status run(const Src& src, const SymSummary& sum, int64_t k, T* h_out,
           const Options& opt, SymResult& res) {
  const auto t0 = std::chrono::steady_clock::now();
  res = SymResult();
  const int64_t n = src.n();
  SymWork<T> wk;
  wk.n = n;
  wk.k = k;
  wk.threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  wk.solver = opt.solver == kSolverAnls ? kSolverAnls : kSolverHals;
  wk.delta = opt.hals_delta;
  wk.sweeps = hals_max_sweeps(opt.hals_alpha, sum.nonzeros, n, n, k);
  res.solver = wk.solver;
  for (char c : sum.isolated) res.isolated += c;
  auto finish_time = [&] {
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  if (sum.max == 0) {  // every node isolated: H = 0 is exact
    std::fill(h_out, h_out + n * k, T(0));
    res.stop_reason = kStopExact;
    finish_time();
    return Status();
  }
  Status st = validate_scale(sum.max);
  if (!st.ok()) return st;
  wk.scale = 1.0 / sum.max;
  const double s = wk.scale;
  const double a2 = sum.frob2 * s * s;  // ||sA||^2
  const double unit = sum.max * sum.max;  // internal -> caller's loss units
  blas::ThreadScope scope;

  // Kuang et al.'s start: entries uniform on [0, 2 sqrt(mean(A) / k)], the
  // rows of isolated nodes zero (they stay zero: their numerators vanish).
  std::vector<T> ht(size_t(n * k));
  T* wt = h_out;  // the caller's buffer holds W^T (k x n) until the end
  {
    Rng rng(opt.seed);
    const double bound = 2.0 * std::sqrt(sum.sum * s / (double(n) * double(n)) / double(k));
    for (int64_t j = 0; j < n; ++j)
      for (int64_t l = 0; l < k; ++l) {
        const double u = rng.uniform();
        ht[size_t(j * k + l)] = sum.isolated[size_t(j)] ? T(0) : T(bound * u);
      }
    std::copy(ht.begin(), ht.end(), wt);
  }
  const int64_t blk = std::min(n, sym_block_nodes(k));
  wk.prod.assign(size_t(blk * k), T(0));
  wk.num.assign(size_t(blk * k), T(0));
  std::vector<double> gh(size_t(k * k)), gw(size_t(k * k));
  blas::gram(ht.data(), k, n, gh.data());

  double alpha = 1.0;  // max(sA); in the caller's units alpha / s = max(A)
  const double gap_tol = std::sqrt(std::max(opt.tol, 1e-16));
  double prev = std::numeric_limits<double>::infinity();
  Status status;
  int64_t it = 0;
  while (it < opt.maxit) {
    // <H^T A, H^T> and <W^T A, W^T> (the symmetric losses of the factors
    // entering each half-step) are not needed here; <W^T A, H^T> after the
    // H step is the cross term of the penalised objective.
    double hh, wh, ww, hw;
    half_step(src, wk, ht.data(), wt, gh, alpha, &hh, &wh);  // W given H
    blas::gram(wt, k, n, gw.data());
    half_step(src, wk, wt, ht.data(), gw, alpha, &ww, &hw);  // H given W
    blas::gram(ht.data(), k, n, gh.data());
    ++it;
    const double gap2 = diff2(wt, ht.data(), n * k);
    const double pen = std::max(0.0, a2 - 2 * hw + frob_dot(gw, gh)) + alpha * gap2;
    res.history.push_back(pen * unit);
    res.history_alpha.push_back(alpha * sum.max);
    res.iterations = it;
    const bool cancel =
        opt.progress && opt.progress(it, opt.maxit, pen * unit,
                                     std::sqrt(pen / std::max(a2, 1e-300)),
                                     opt.progress_data) != 0;
    if (cancel) {
      res.stop_reason = kStopCancelled;
      status.code = kCancelled;
      break;
    }
    const bool settled = prev < std::numeric_limits<double>::infinity() &&
                         (prev - pen) <= opt.tol * prev;
    prev = pen;
    if (settled) {
      double hn = 0;
      for (int64_t t = 0; t < k; ++t) hn += gh[size_t(t * k + t)];  // ||H||^2
      if (gap2 <= gap_tol * gap_tol * std::max(hn, 1e-300)) {
        res.stop_reason = kStopTol;
        break;
      }
      alpha *= 10;  // W and H still differ: tighten the coupling
      prev = std::numeric_limits<double>::infinity();
    }
  }
  if (res.stop_reason == kStopNone && opt.maxit > 0) res.stop_reason = kStopMaxit;

  // The symmetric loss ||sA - H H^T||^2 = ||sA||^2 - 2 <H^T A, H^T> + ||H^T H||^2.
  const double cross = self_cross(src, wk, ht.data());
  const double loss = std::max(0.0, a2 - 2 * cross + frob_dot(gh, gh));
  double hn = 0;
  for (int64_t t = 0; t < k; ++t) hn += gh[size_t(t * k + t)];
  res.gap = hn > 0 ? std::sqrt(diff2(wt, ht.data(), n * k) / hn) : 0.0;
  res.loss = loss * unit;
  res.rel_error = a2 > 0 ? std::sqrt(loss / a2) : 0.0;
  res.alpha = alpha * sum.max;

  // Components by squared norm, largest first (ties: original order); H in
  // the caller's units (H' = sqrt(s) H) and n x k.
  std::vector<int64_t> order(static_cast<size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) {
    return gh[size_t(x * k + x)] > gh[size_t(y * k + y)];
  });
  const double root = std::sqrt(sum.max);
  for (int64_t c = 0; c < k; ++c) {
    const int64_t src_c = order[size_t(c)];
    for (int64_t j = 0; j < n; ++j)
      h_out[j + c * n] = T(double(ht[size_t(j * k + src_c)]) * root);
  }
  finish_time();
  return status;
}

}  // namespace

namespace {

template <class T>
DenseSymSource<T> sym_source(const DenseView<T>& a) { return DenseSymSource<T>{a}; }
template <class T, class I>
CscSymSource<T, I> sym_source(const CscView<T, I>& a) { return CscSymSource<T, I>{a}; }

template <class View, class T>
Status symfit_any(const View& a, int64_t k, T* h, const Options& opt, SymResult& res) {
  res = SymResult();
  if (a.m != a.n)
    return Status::error(kErrDimension, "A is " + std::to_string(a.m) + " x " +
                                            std::to_string(a.n) +
                                            ": symmetric NMF needs a square matrix");
  if (a.n < 1) return Status::error(kErrDimension, "A is empty (n = 0)");
  if (!h) return Status::error(kErrNullPointer, "H is NULL (an n x k output buffer is required)");
  const int threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  Status st = check_options(a.n, k, opt);
  if (!st.ok()) return st;
  SymSummary sum;
  st = summarise(a, threads, sum);
  if (!st.ok()) return st;
  return run(sym_source(a), sum, k, h, opt, res);
}

}  // namespace

template <class T>
Status symfit(const DenseView<T>& a, int64_t k, T* h, const Options& opt,
              SymResult& res) {
  return symfit_any(a, k, h, opt, res);
}

template <class T, class I>
Status symfit(const CscView<T, I>& a, int64_t k, T* h, const Options& opt,
              SymResult& res) {
  return symfit_any(a, k, h, opt, res);
}

#define NMF_SYMFIT(...)                                                       \
  template Status symfit(const __VA_ARGS__&, int64_t, __VA_ARGS__::Scalar*,     \
                         const Options&, SymResult&);
NMF_FOR_EACH_VIEW(NMF_SYMFIT)
#undef NMF_SYMFIT

}  // namespace nmf
