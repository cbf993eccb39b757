// The fit driver (see fit.hpp).  One loop serves dense and sparse inputs:
// every update needs only the products of products.hpp and the k x k Gram
// matrices, computed once per half-iteration.
#include "nmf/fit.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/canonical.hpp"
#include "nmf/divergence.hpp"
#include "nmf/entries.hpp"
#include "nmf/hals.hpp"
#include "nmf/init.hpp"
#include "nmf/products.hpp"
#include "nmf/validate.hpp"

namespace nmf {

namespace {

// Everything the loop works on, in internal units: A is multiplied by
// `scale` = 1 / max(A), both factors by `root` = sqrt(scale) (so that the
// iterates do not depend on the units of A: fitting cA gives c^(1/2) W and
// c^(1/2) H in the caller's units, the balance NNDSVD and random starts
// have), and W is held transposed (wt, k x m) so that both factor updates are
// column sweeps.
template <class T>
struct Work {
  int64_t m, n, k;
  int threads;
  double scale = 1;   // A_internal = scale * A
  double root = 1;    // W_internal = root * W, H_internal = root * H
  double frob2 = 0;   // ||A_internal||_F^2
  double mean = 0;    // mean(A_internal)
  std::vector<T> wt;  // k x m
  std::vector<T> h;   // k x n
  std::vector<T> prod;  // k x max(m, n): H A^T or W^T A
  std::vector<double> gw, gh;  // W^T W and H H^T (k x k)
  double l1_w, l1_h, l2_w, l2_h;  // penalties in internal units
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

double trace(const std::vector<double>& g, int64_t k) {
  double s = 0;
  for (int64_t j = 0; j < k; ++j) s += g[size_t(j + j * k)];
  return s;
}

// Objective in internal units from <A, WH> and the two Gram matrices (the
// trace identity: WH is never formed).  Sets the relative error.
template <class T>
double objective(const Work<T>& wk, double cross, double* rel_error) {
  const int64_t kk = wk.k * wk.k;
  const double quad = std::inner_product(wk.gw.begin(), wk.gw.begin() + kk,
                                         wk.gh.begin(), 0.0);
  // Clamped at 0 against rounding, but a NaN (Inf - Inf from overflowing
  // products) must stay NaN for the caller's finiteness checks: std::max
  // would turn it into 0, a perfect fit.
  double resid2 = wk.frob2 - 2 * cross + quad;
  if (resid2 < 0) resid2 = 0;
  *rel_error = wk.frob2 > 0 ? std::sqrt(resid2 / wk.frob2) : 0.0;
  double f = 0.5 * resid2;
  if (wk.l1_w > 0) f += wk.l1_w * sum(wk.wt.data(), wk.k * wk.m);
  if (wk.l1_h > 0) f += wk.l1_h * sum(wk.h.data(), wk.k * wk.n);
  if (wk.l2_w > 0) f += 0.5 * wk.l2_w * trace(wk.gw, wk.k);
  if (wk.l2_h > 0) f += 0.5 * wk.l2_h * trace(wk.gh, wk.k);
  return f;
}

// Loss in the caller's units.
template <class T>
double external_loss(const Work<T>& wk, double internal) {
  // Divided twice: scale^2 underflows to 0 for max(A) above 1e154.
  return internal / wk.scale / wk.scale;
}

template <class T>
void write_canonical(const Work<T>& wk, T* w, T* d, T* h) {
  nmf::write_canonical(wk.m, wk.n, wk.k, wk.wt.data(), wk.h.data(), wk.scale,
                       w, d, h);
}

// The products overflowed (entries of A or of a start near the largest
// value of the type) or the iterate lost finiteness.
Status non_finite_loss(int64_t it) {
  return Status::error(
      kErrNumerical,
      "the loss became non-finite " +
          (it > 0 ? "at iteration " + std::to_string(it)
                  : std::string("at the starting point")) +
          " (the products overflowed: if A or a supplied factor has very "
          "large entries, divide it by a constant)");
}

template <class Ops, class T>
Status run(const Ops& ops, int64_t k, T* w, T* d, T* h, const Options& opt,
           Result& res) {
  const auto t0 = std::chrono::steady_clock::now();
  res = Result();
  Work<T> wk;
  wk.m = ops.m();
  wk.n = ops.n();
  wk.k = k;
  wk.threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  const int threads = wk.threads;
  const int64_t m = wk.m, n = wk.n;

  // A is scaled to max 1 internally, so that squares and products stay
  // finite for extreme magnitudes (1e-300 .. 1e300) and tiny entries can be
  // flushed to zero at a fixed threshold (hals.hpp); results are reported in
  // the caller's units.
  const double amax = ops.max_abs(threads);
  if (amax == 0)
    return Status::error(kErrInvalidArgument,
                         "A is entirely zero: there is nothing to factor");
  wk.scale = 1.0 / amax;
  double asum = 0;
  ops.norms(wk.scale, &wk.frob2, &asum, threads);
  wk.mean = asum / (double(m) * double(n));
  const double s = wk.scale, r = std::sqrt(s);
  wk.root = r;
  // Penalties in internal units.  With A' = sA, W' = rW and H' = rH (r^2 = s)
  // the internal objective is s^2 times the caller's when l1' = s r l1 and
  // l2' = s l2, for W and H alike.
  wk.l1_w = opt.l1_w * s * r;
  wk.l1_h = opt.l1_h * s * r;
  wk.l2_w = opt.l2_w * s;
  wk.l2_h = opt.l2_h * s;

  wk.wt.assign(size_t(k * m), T(0));
  wk.h.assign(size_t(k * n), T(0));
  wk.prod.assign(size_t(k * std::max(m, n)), T(0));
  wk.gw.assign(size_t(k * k), 0.0);
  wk.gh.assign(size_t(k * k), 0.0);

  const bool have_w = opt.user_w || opt.fix_w;
  const bool have_h = opt.user_h || opt.fix_h;
  if (have_w)
    for (int64_t j = 0; j < k; ++j)
      for (int64_t i = 0; i < m; ++i)
        wk.wt[size_t(j + i * k)] = T(double(w[i + j * m]) * r);
  if (have_h)
    for (int64_t t = 0; t < k * n; ++t) wk.h[size_t(t)] = T(double(h[t]) * r);

  res.solver = kSolverHals;
  res.init = (have_w || have_h) ? kInitUser : opt.init;

  auto finish_time = [&] {
    res.seconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - t0).count();
  };

  // ---- One factor fixed: the other is the exact NNLS solution.
  if (opt.fix_w || opt.fix_h) {
    double cross;
    if (opt.fix_w) {
      ops.left(wk.wt.data(), k, wk.prod.data(), threads, s);
      blas::gram(wk.wt.data(), k, m, wk.gw.data());
      nnls_solve(wk.h.data(), wk.prod.data(), wk.gw.data(), k, n, wk.l1_h,
                 wk.l2_h, threads);
      blas::gram(wk.h.data(), k, n, wk.gh.data());
      cross = dot(wk.prod.data(), wk.h.data(), k * n);
    } else {
      ops.right(wk.h.data(), k, wk.prod.data(), threads, s);
      blas::gram(wk.h.data(), k, n, wk.gh.data());
      nnls_solve(wk.wt.data(), wk.prod.data(), wk.gh.data(), k, m, wk.l1_w,
                 wk.l2_w, threads);
      blas::gram(wk.wt.data(), k, m, wk.gw.data());
      cross = dot(wk.prod.data(), wk.wt.data(), k * m);
    }
    const double f = objective(wk, cross, &res.rel_error);
    if (!std::isfinite(f)) return non_finite_loss(0);
    res.loss = external_loss(wk, f);
    res.iterations = 1;
    res.history.push_back(res.loss);
    res.stop_reason = kStopExact;
    if (opt.fix_w) {
      for (int64_t t = 0; t < k * n; ++t) h[t] = T(double(wk.h[size_t(t)]) / r);
    } else {
      for (int64_t j = 0; j < k; ++j)
        for (int64_t i = 0; i < m; ++i)
          w[i + j * m] = T(double(wk.wt[size_t(j + i * k)]) / r);
    }
    if (d) std::fill(d, d + k, T(1));
    finish_time();
    return Status();
  }

  // ---- Initialisation.
  if (!have_w && !have_h) {
    if (opt.init == kInitRandom) {
      init_random(m, n, k, wk.mean, opt.seed, wk.wt.data(), wk.h.data());
    } else {
      // NNDSVDa fills zeros with mean(A) in the caller's units: r mean(A)
      // = mean(A') / r internally.
      Status st = init_nndsvd(ops, k, opt.init, s, wk.mean / r, opt.seed, threads,
                              wk.wt.data(), wk.h.data());
      if (!st.ok()) return st;
    }
  } else if (have_w && !have_h) {
    ops.left(wk.wt.data(), k, wk.prod.data(), threads, s);
    blas::gram(wk.wt.data(), k, m, wk.gw.data());
    nnls_solve(wk.h.data(), wk.prod.data(), wk.gw.data(), k, n, wk.l1_h,
               wk.l2_h, threads);
  } else if (!have_w && have_h) {
    ops.right(wk.h.data(), k, wk.prod.data(), threads, s);
    blas::gram(wk.h.data(), k, n, wk.gh.data());
    nnls_solve(wk.wt.data(), wk.prod.data(), wk.gh.data(), k, m, wk.l1_w,
               wk.l2_w, threads);
  }
  blas::gram(wk.h.data(), k, n, wk.gh.data());

  if (opt.maxit == 0) {
    ops.left(wk.wt.data(), k, wk.prod.data(), threads, s);
    blas::gram(wk.wt.data(), k, m, wk.gw.data());
    const double f =
        objective(wk, dot(wk.prod.data(), wk.h.data(), k * n), &res.rel_error);
    if (!std::isfinite(f)) return non_finite_loss(0);
    res.loss = external_loss(wk, f);
    res.stop_reason = kStopNone;
    write_canonical(wk, w, d, h);
    finish_time();
    return Status();
  }

  // ---- Alternating accelerated HALS.
  const int64_t nonzeros = ops.count_nonzero(threads);
  const int sweeps_w = hals_max_sweeps(opt.hals_alpha, nonzeros, n, m, k);
  const int sweeps_h = hals_max_sweeps(opt.hals_alpha, nonzeros, m, n, k);
  double prev = std::numeric_limits<double>::infinity();
  // float: the loss from the float product W^T A carries rounding noise of
  // about 1e-7 ||A||^2, which can exceed tol times a small loss.  A stop on
  // tol is then confirmed from the loss with the cross term taken in double
  // (cross_exact): the average decrease per iteration since the previous
  // confirmation must be below tol.  Confirmations are at least
  // kConfirmEvery iterations apart, bounding their cost.
  constexpr bool kConfirm = sizeof(T) < sizeof(double);
  constexpr int64_t kConfirmEvery = 10;
  double confirmed_loss = 0;
  int64_t confirmed_it = 0;
  Status status;
  res.stop_reason = kStopMaxit;
  for (int64_t it = 1; it <= opt.maxit; ++it) {
    // W given H: P = H A^T (k x m), G = H H^T (already current).
    ops.right(wk.h.data(), k, wk.prod.data(), threads, s);
    hals_update(wk.wt.data(), wk.prod.data(), wk.gh.data(), k, m, wk.l1_w,
                wk.l2_w, sweeps_w, opt.hals_delta, threads);
    // H given W: B = W^T A (k x n), G = W^T W.
    ops.left(wk.wt.data(), k, wk.prod.data(), threads, s);
    blas::gram(wk.wt.data(), k, m, wk.gw.data());
    hals_update(wk.h.data(), wk.prod.data(), wk.gw.data(), k, n, wk.l1_h,
                wk.l2_h, sweeps_h, opt.hals_delta, threads);
    blas::gram(wk.h.data(), k, n, wk.gh.data());

    const double f =
        objective(wk, dot(wk.prod.data(), wk.h.data(), k * n), &res.rel_error);
    if (!std::isfinite(f)) return non_finite_loss(it);
    res.loss = external_loss(wk, f);
    res.iterations = it;
    res.history.push_back(res.loss);
    if (opt.progress &&
        opt.progress(it, opt.maxit, res.loss, res.rel_error,
                     opt.progress_data) != 0) {
      res.stop_reason = kStopCancelled;
      status.code = kCancelled;
      break;
    }
    if (opt.tol > 0 && prev - f < opt.tol * prev) {
      if (!kConfirm) {
        res.stop_reason = kStopTol;
        break;
      }
      if (confirmed_it == 0 || it - confirmed_it >= kConfirmEvery) {
        double unused;
        const double exact = objective(
            wk, ops.cross_exact(wk.wt.data(), wk.h.data(), k, s, threads),
            &unused);
        if (confirmed_it > 0 &&
            confirmed_loss - exact <
                opt.tol * confirmed_loss * double(it - confirmed_it)) {
          res.stop_reason = kStopTol;
          break;
        }
        confirmed_loss = exact;
        confirmed_it = it;
      }
    }
    prev = f;
  }
  write_canonical(wk, w, d, h);
  finish_time();
  return status;
}

}  // namespace

template <class T>
Status fit(const DenseView<T>& a, int64_t k, T* w, T* d, T* h,
           const Options& opt, Result& res) {
  const int threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  if (!w || !h) return Status::error(kErrNullPointer, !w ? "W is NULL" : "H is NULL");
  Status st = validate_dense(a, threads, opt.missing == kMissingNan);
  if (!st.ok()) return st;
  st = validate_problem(a.m, a.n, k, sizeof(T), opt);
  if (!st.ok()) return st;
  st = validate_weights(opt, false, a.m, a.n, a.m * a.n);
  if (!st.ok()) return st;
  if (opt.user_w || opt.fix_w) {
    st = validate_factor(w, a.m, k, 'W');
    if (!st.ok()) return st;
  }
  if (opt.user_h || opt.fix_h) {
    st = validate_factor(h, k, a.n, 'H');
    if (!st.ok()) return st;
  }
  blas::ThreadScope scope;
  if (uses_divergence_path(opt))
    return fit_divergence(DenseOps<T>(a),
                          DenseEntries<T>(a, opt.weights, opt.weights_ld,
                                          opt.missing == kMissingNan),
                          k, w, d, h, opt, res);
  return run(DenseOps<T>(a), k, w, d, h, opt, res);
}

template <class T, class I>
Status fit(const CscView<T, I>& a, int64_t k, T* w, T* d, T* h,
           const Options& opt, Result& res) {
  const int threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  if (!w || !h) return Status::error(kErrNullPointer, !w ? "W is NULL" : "H is NULL");
  std::vector<int64_t> row_nnz;
  Status st = validate_csc(a, row_nnz, threads);
  if (!st.ok()) return st;
  st = validate_problem(a.m, a.n, k, sizeof(T), opt);
  if (!st.ok()) return st;
  st = validate_weights(opt, true, a.m, a.n, a.nnz());
  if (!st.ok()) return st;
  if (opt.user_w || opt.fix_w) {
    st = validate_factor(w, a.m, k, 'W');
    if (!st.ok()) return st;
  }
  if (opt.user_h || opt.fix_h) {
    st = validate_factor(h, k, a.n, 'H');
    if (!st.ok()) return st;
  }
  blas::ThreadScope scope;
  CscOps<T, I> ops(a, row_nnz, threads);
  if (uses_divergence_path(opt))
    return fit_divergence(ops,
                          CscEntries<T, I>(a, opt.weights,
                                           opt.missing == kMissingUnstored, row_nnz),
                          k, w, d, h, opt, res);
  return run(ops, k, w, d, h, opt, res);
}

template Status fit(const DenseView<double>&, int64_t, double*, double*,
                    double*, const Options&, Result&);
template Status fit(const DenseView<float>&, int64_t, float*, float*, float*,
                    const Options&, Result&);
template Status fit(const CscView<double, int32_t>&, int64_t, double*, double*,
                    double*, const Options&, Result&);
template Status fit(const CscView<double, int64_t>&, int64_t, double*, double*,
                    double*, const Options&, Result&);
template Status fit(const CscView<float, int32_t>&, int64_t, float*, float*,
                    float*, const Options&, Result&);
template Status fit(const CscView<float, int64_t>&, int64_t, float*, float*,
                    float*, const Options&, Result&);

}  // namespace nmf
