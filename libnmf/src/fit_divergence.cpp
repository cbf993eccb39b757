// The divergence path (divergence.hpp): multiplicative updates for the
// Frobenius, KL and beta losses and coordinate descent for KL, with entry
// weights and missing values.  Separate from the Frobenius driver (fit.cpp),
// which works on shared products (or, weighted, per-column Gram matrices).
//
// Distributed (a Collective: columns split over processes, W replicated,
// H local), for the multiplicative updates: H's update is local to each
// process's columns; W's sums num and den over the columns (mu.hpp) are
// summed over the processes, m k + k values per iteration for KL (den is
// then H's row sums) and 2 m k for other betas (m k + k^2 for the
// Frobenius products A H^T and H H^T); the objective's sums over the
// columns are one more small sum.  Every process then applies the same
// update to the same sums, so W stays bitwise replicated.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/canonical.hpp"
#include "nmf/collective.hpp"
#include "nmf/divergence.hpp"
#include "nmf/entries.hpp"
#include "nmf/init.hpp"
#include "nmf/kl_cd.hpp"
#include "nmf/mu.hpp"
#include "nmf/mu_dense.hpp"
#include "nmf/products.hpp"
#include "nmf/solver_choice.hpp"
#include "nmf/validate.hpp"

namespace nmf {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// beta <= 0 (Itakura-Saito and below): d(0 | y) is infinite, so every entry
// in the loss must be positive.
template <class E>
Status check_positive(const E& e, double beta) {
  const std::string what = "loss beta with beta = " + num(beta) +
                           " <= 0 is infinite at a zero of A, so every entry "
                           "in the loss must be positive";
  if (e.background())
    return Status::error(kErrInvalidArgument,
                         what + "; the entries a CSC input does not store are "
                                "zeros (use a dense input, or missing = "
                                "NMF_MISSING_UNSTORED)");
  for (int64_t j = 0; j < e.n(); ++j) {
    int64_t bad = -1;
    e.visit(j, 0, e.m(), [&](int64_t i, double a, double) {
      if (bad < 0 && !(a > 0)) bad = i;
    });
    if (bad >= 0)
      return Status::at(kErrInvalidArgument,
                        what + "; A has a zero at row " + std::to_string(bad + 1) +
                            ", column " + std::to_string(j + 1) + " (1-based)",
                        'A', bad, j);
  }
  return Status();
}

// Column sums of W (wt k x m: sums over i) or row sums of H (k x n).
template <class T>
void factor_sums(const T* x, int64_t k, int64_t len, std::vector<double>& out) {
  out.assign(size_t(k), 0.0);
  for (int64_t t = 0; t < len; ++t)
    for (int64_t r = 0; r < k; ++r) out[size_t(r)] += double(x[r + t * k]);
}

template <class T>
double dot(const T* a, const T* b, int64_t len) {
  double s = 0;
  for (int64_t t = 0; t < len; ++t) s += double(a[t]) * double(b[t]);
  return s;
}

// The loss sum w d(a | y) and the weighted squared residual sum w (a - y)^2
// from the entries (divergence.hpp, entries.hpp), per column in parallel
// and added in column order; for a background, without its closed forms
// (background_loss).
template <class E, class T>
void entry_loss(const E& e, const Divergence& dv, const T* wt, const T* h,
                int64_t k, int threads, double* loss, double* resid2) {
  const int64_t m = e.m(), n = e.n();
  const bool bg = e.background();
  std::vector<double> lp(static_cast<size_t>(n)), rp(static_cast<size_t>(n));
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t j = 0; j < n; ++j) {
    const T* hj = h + j * k;
    double l = 0, q = 0;
    if (bg && dv.kind != Divergence::kKl && dv.kind != Divergence::kFrobenius)
      for (int64_t i = 0; i < m; ++i) l += dv.zero_value(dot_k(wt + i * k, hj, k));
    e.visit(j, 0, m, [&](int64_t i, double a, double w) {
      const double y = dot_k(wt + i * k, hj, k);
      const double term = w > 0 ? w * dv.value(a, y) : 0.0;
      if (bg) {
        l += term - dv.zero_value(y);
        q += w * (a - y) * (a - y) - y * y;
      } else {
        l += term;
        q += w * (a - y) * (a - y);
      }
    });
    lp[size_t(j)] = l;
    rp[size_t(j)] = q;
  }
  double l = 0, q = 0;
  for (int64_t j = 0; j < n; ++j) {
    l += lp[size_t(j)];
    q += rp[size_t(j)];
  }
  *loss = l;
  *resid2 = q;
}

// The closed forms of a background added to entry_loss's sums (over all
// columns): sum_ij (WH)_ij = sum_l colsum(W)_l rowsum(H)_l and
// sum (WH)^2 = <W^T W, H H^T>; the residual clamped at 0 against rounding.
inline void background_loss(const Divergence& dv, bool bg, int64_t k,
                            const std::vector<double>& colsum_w,
                            const std::vector<double>& rowsum_h,
                            const std::vector<double>& gw,
                            const std::vector<double>& gh, double* loss,
                            double* resid2) {
  double l = *loss, q = *resid2;
  if (bg) {
    double quad = 0;
    for (size_t t = 0; t < gw.size(); ++t) quad += gw[t] * gh[t];
    q += quad;
    if (dv.kind == Divergence::kKl)
      for (int64_t r = 0; r < k; ++r) l += colsum_w[size_t(r)] * rowsum_h[size_t(r)];
    else if (dv.kind == Divergence::kFrobenius)
      l += 0.5 * quad;
  }
  *loss = l;
  *resid2 = std::max(0.0, q);
}

// NNDSVD on A with its missing entries set to zero (masked, when not
// empty); otherwise on A itself.
template <class T, class E>
Status nndsvd_start(const DenseOps<T>& ops, const E&, const std::vector<T>& masked,
                    int64_t k, const Options& opt, double s, double mean_caller,
                    int threads, T* wt, T* h) {
  if (masked.empty())
    return init_nndsvd(ops, k, opt.init, s, mean_caller, opt.seed, threads, wt, h);
  const DenseView<T> a{masked.data(), ops.m(), ops.n(), ops.m()};
  return init_nndsvd(DenseOps<T>(a), k, opt.init, s, mean_caller, opt.seed,
                     threads, wt, h);
}
template <class T, class I, class E>
Status nndsvd_start(const CscOps<T, I>& ops, const E& e, const std::vector<T>& masked,
                    int64_t k, const Options& opt, double s, double mean_caller,
                    int threads, T* wt, T* h) {
  if (masked.empty())
    return init_nndsvd(ops, k, opt.init, s, mean_caller, opt.seed, threads, wt, h);
  CscView<T, I> a = ops.view();
  a.values = masked.data();
  return init_nndsvd(CscOps<T, I>(a, e.row_nnz(), threads), k, opt.init, s,
                     mean_caller, opt.seed, threads, wt, h);
}

// The blocked BLAS-3 updates of a dense A (mu_dense.hpp), for the
// multiplicative updates of a serial fit; none for a CSC A.
template <class T>
std::unique_ptr<DenseMu<T>> dense_mu(const DenseEntries<T>& e, const Divergence& dv,
                                     int threads) {
  return std::make_unique<DenseMu<T>>(e.view(), e.weights(), e.weights_ld(),
                                      e.nan_missing(), dv, threads);
}
template <class E>
std::unique_ptr<DenseMu<double>> dense_mu(const E&, const Divergence&, int) {
  return nullptr;
}

}  // namespace

template <class Ops, class Entries, class T>
Status fit_divergence(const Ops& ops, const Entries& entries, int64_t k, T* w,
                      T* d, T* h, const Options& opt, Result& res,
                      const Collective* comm) {
  const auto t0 = std::chrono::steady_clock::now();
  res = Result();
  const Across across(comm);
  const int threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  const int64_t m = ops.m(), n = ops.n();
  const int64_t n_global = across.n_global(n);
  const Divergence dv = Divergence::of(opt.loss, opt.beta);
  const int32_t solver = choose_solver(opt);
  Entries ent = entries;
  const bool bg = ent.background();

  if (dv.beta <= 0) {
    Status st = across.agree(check_positive(ent, dv.beta));
    if (!st.ok()) return st;
  }
  // Internal units as in fit.cpp: A scaled to max 1 (over the entries in the
  // loss), both factors by sqrt of that.  d_b(sA | sWH) = s^b d_b(A | WH),
  // so the internal objective is `unit` = s^b times the caller's when
  // l1' = unit l1 / sqrt(s) and l2' = unit l2 / s.
  const double amax = across.max(ent.max_value(threads));
  if (!(amax > 0))
    return Status::error(kErrInvalidArgument,
                         ent.weighted()
                             ? "every entry of A in the loss (not missing, "
                               "weight > 0) is zero: there is nothing to factor"
                             : "A is entirely zero: there is nothing to factor");
  Status scalable = validate_scale(amax);
  if (!scalable.ok()) return scalable;
  const double s = 1.0 / amax, r = std::sqrt(s);
  const bool nndsvd = starts_from_nndsvd(opt);
  const std::vector<T> masked = nndsvd ? ent.masked_values() : std::vector<T>();
  ent.set_scale(s);
  EntryStats stats = ent.stats(threads);
  {
    SumBatch totals;
    totals.add(stats.sum);
    totals.add(stats.count);
    totals.add(stats.weighted2);
    totals.run(across);
  }
  const double mean = stats.count > 0 ? stats.sum / stats.count : 0.0;
  // s^b itself underflows (max(A) above about 1e154 with b = 2): the
  // penalties' factors are taken as single powers, and the loss goes back
  // to the caller's units through logarithms when s^b is not a normal number.
  const double unit = std::pow(s, dv.beta);
  const double l1_unit = std::pow(s, dv.beta - 0.5), l2_unit = std::pow(s, dv.beta - 1.0);
  const double l1_w = opt.l1_w * l1_unit, l1_h = opt.l1_h * l1_unit;
  const double l2_w = opt.l2_w * l2_unit, l2_h = opt.l2_h * l2_unit;
  auto external = [&](double f) {
    if (f == 0) return 0.0;
    if (std::isnormal(unit)) return f / unit;
    return std::exp(std::log(f) + dv.beta * std::log(amax));
  };
  const double eps = opt.mu_eps;

  std::vector<T> wt(size_t(k * m), T(0)), hh(size_t(k * n), T(0));
  const bool have_w = opt.user_w || opt.fix_w;
  const bool have_h = opt.user_h || opt.fix_h;
  if (have_w)
    for (int64_t j = 0; j < k; ++j)
      for (int64_t i = 0; i < m; ++i) wt[size_t(j + i * k)] = T(double(w[i + j * m]) * r);
  if (have_h)
    for (int64_t t = 0; t < k * n; ++t) hh[size_t(t)] = T(double(h[t]) * r);
  res.solver = solver;
  res.init = (have_w || have_h) ? kInitUser : opt.init;

  // ---- Starting point.
  if (!have_w && !have_h) {
    if (opt.init == kInitRandom) {
      init_random(m, n, k, mean, opt.seed, wt.data(), hh.data(), across.col_offset());
    } else {
      Status st = nndsvd_start(ops, ent, masked, k, opt, s, mean / r, threads,
                               wt.data(), hh.data());
      if (!st.ok()) return st;
    }
  } else if (have_w != have_h) {
    // The missing factor starts as the constant that gives WH the mean of A.
    std::vector<T>& other = have_w ? hh : wt;
    const std::vector<T>& given = have_w ? wt : hh;
    double total = 0;
    for (T v : given) total += double(v);
    if (have_h) total = across.sum(total);  // H's columns are spread out
    const double c = total > 0 ? mean * double(have_w ? m : n_global) / total : 0.0;
    std::fill(other.begin(), other.end(), T(c));
  }
  auto floor_factor = [&](std::vector<T>& x) {
    for (T& v : x) v = T(std::max(double(v), eps));
  };
  if (!opt.fix_w) floor_factor(wt);
  if (!opt.fix_h) floor_factor(hh);

  // ---- The half-updates and the objective.
  const std::vector<int64_t> blocks = ent.row_blocks(threads);
  const bool products = dv.kind == Divergence::kFrobenius && !ent.weighted() &&
                        solver == kSolverMu;
  std::vector<T> prod(products ? size_t(k * std::max(m, n)) : 0);
  // Dense: the multiplicative updates and the loss through BLAS-3 blocks.
  auto blocked = solver == kSolverMu && !products && !across.distributed()
                     ? dense_mu(ent, dv, threads)
                     : nullptr;
  if (blocked) blocked->set_scale(s);
  const bool use_blocked = blocked != nullptr;
  enum { kNoProduct, kLeft, kRight } prod_state = kNoProduct;
  std::vector<double> colsum_w, rowsum_h, gw(size_t(k * k), 0.0), gh(size_t(k * k), 0.0);

  // Distributed W update: num and den over this process's columns for every
  // row (mu_w_sums), summed over the processes in one reduction: [num, den]
  // (2 m k values), or for KL without weights [num, H's row sums] (m k + k),
  // H's row sums being every row's den there.
  std::vector<double> w_sums, w_den_scratch;
  const bool kl_shared_den = dv.kind == Divergence::kKl && !ent.weighted();
  auto distributed_mu_update_w = [&] {
    const size_t mk = size_t(m * k);
    w_sums.resize(mk + (kl_shared_den ? size_t(k) : mk));
    if (kl_shared_den) w_den_scratch.resize(mk);
    double* num = w_sums.data();
    double* den = kl_shared_den ? w_den_scratch.data() : w_sums.data() + mk;
    if (kl_shared_den && !bg) factor_sums(hh.data(), k, n, rowsum_h);
    mu_w_sums(ent, dv, wt.data(), hh.data(), k, rowsum_h.data(), gh.data(), blocks,
              threads, num, den);
    if (kl_shared_den)
      std::copy(rowsum_h.begin(), rowsum_h.end(), w_sums.begin() + std::ptrdiff_t(mk));
    across.sum(w_sums.data(), int64_t(w_sums.size()));
    // The summed den: one shared row (stride 0) for KL, else row i at i k.
    mu_apply_rows(wt.data(), num, w_sums.data() + mk, kl_shared_den ? 0 : k, m, k, l1_w,
                  l2_w, dv.gamma, eps, threads);
  };
  // The blocked updates (dense, mu_dense.hpp), for every beta; KL without
  // weights reads the closed-form den, H's row sums or W's column sums.
  auto blocked_update_w = [&] {
    if (kl_shared_den) factor_sums(hh.data(), k, n, rowsum_h);
    if constexpr (std::is_same<Entries, DenseEntries<T>>::value)
      blocked->update_w(wt.data(), hh.data(), k, rowsum_h.data(), l1_w, l2_w, eps);
  };
  auto blocked_update_h = [&] {
    if (kl_shared_den) factor_sums(wt.data(), k, m, colsum_w);
    if constexpr (std::is_same<Entries, DenseEntries<T>>::value)
      blocked->update_h(wt.data(), hh.data(), k, colsum_w.data(), l1_h, l2_h, eps);
  };
  auto update_w = [&] {
    if (products) {
      ops.right(hh.data(), k, prod.data(), threads, s);
      blas::gram(hh.data(), k, n, gh.data());
      across.sum(prod.data(), k * m);
      across.sum(gh.data(), k * k);
      mu_update_products(wt.data(), prod.data(), gh.data(), k, m, l1_w, l2_w, eps,
                         threads);
      prod_state = kRight;
      return;
    }
    if (bg) factor_sums(hh.data(), k, n, rowsum_h);
    if (bg && dv.kind == Divergence::kFrobenius) blas::gram(hh.data(), k, n, gh.data());
    if (solver == kSolverCd)
      kl_cd_update_w(ent, wt.data(), hh.data(), k, rowsum_h.data(), l1_w, l2_w,
                     blocks, threads);
    else if (across.distributed())
      distributed_mu_update_w();
    else if (use_blocked)
      blocked_update_w();
    else
      mu_update_w(ent, dv, wt.data(), hh.data(), k, rowsum_h.data(), gh.data(),
                  l1_w, l2_w, eps, blocks, threads);
  };
  auto update_h = [&] {
    if (products) {
      ops.left(wt.data(), k, prod.data(), threads, s);
      blas::gram(wt.data(), k, m, gw.data());
      mu_update_products(hh.data(), prod.data(), gw.data(), k, n, l1_h, l2_h, eps,
                         threads);
      prod_state = kLeft;
      return;
    }
    if (bg) factor_sums(wt.data(), k, m, colsum_w);
    if (bg && dv.kind == Divergence::kFrobenius) blas::gram(wt.data(), k, m, gw.data());
    if (solver == kSolverCd)
      kl_cd_update_h(ent, wt.data(), hh.data(), k, colsum_w.data(), l1_h, l2_h,
                     threads);
    else if (use_blocked)
      blocked_update_h();
    else
      mu_update_h(ent, dv, wt.data(), hh.data(), k, colsum_w.data(), gw.data(),
                  l1_h, l2_h, eps, threads);
  };
  auto penalty = [&](const std::vector<T>& x, double l1, double l2) {
    double s1 = 0, s2 = 0;
    if (l1 > 0 || l2 > 0)
      for (T v : x) {
        s1 += double(v);
        s2 += double(v) * double(v);
      }
    return l1 * s1 + 0.5 * l2 * s2;
  };
  // Internal objective; sets the (weighted) relative Frobenius error.  The
  // terms over H's columns (local to a process) are summed over the
  // processes in one reduction (SumBatch); W's are replicated.
  auto objective = [&](double* rel) {
    double f, resid2;
    double pen_h = penalty(hh, l1_h, l2_h);
    SumBatch over_columns;
    over_columns.add(pen_h);
    if (products) {
      blas::gram(wt.data(), k, m, gw.data());
      blas::gram(hh.data(), k, n, gh.data());
      over_columns.add(gh.data(), k * k);
      // The cross term <A, WH> from the product just used; in float that
      // product carries rounding of order 1e-7 ||A||^2, more than tol of a
      // small loss, so float takes it in double from A (O(nnz k)).
      double cross;
      if (sizeof(T) < sizeof(double) || prod_state == kNoProduct) {
        cross = ops.cross_exact(wt.data(), hh.data(), k, s, threads);
        over_columns.add(cross);
      } else if (prod_state == kLeft) {
        cross = dot(prod.data(), hh.data(), k * n);
        over_columns.add(cross);
      } else {
        cross = dot(prod.data(), wt.data(), k * m);  // A H^T summed already
      }
      over_columns.run(across);
      double quad = 0;
      for (size_t t = 0; t < gw.size(); ++t) quad += gw[t] * gh[t];
      // Clamped at 0 against rounding; a NaN from overflowing products stays.
      resid2 = stats.weighted2 - 2 * cross + quad;
      if (resid2 < 0) resid2 = 0;
      f = 0.5 * resid2;
    } else {
      if (bg) {
        factor_sums(wt.data(), k, m, colsum_w);
        factor_sums(hh.data(), k, n, rowsum_h);
        blas::gram(wt.data(), k, m, gw.data());
        blas::gram(hh.data(), k, n, gh.data());
        over_columns.add(rowsum_h.data(), k);
        over_columns.add(gh.data(), k * k);
      }
      if constexpr (std::is_same<Entries, DenseEntries<T>>::value) {
        if (use_blocked)
          blocked->loss(wt.data(), hh.data(), k, &f, &resid2);
        else
          entry_loss(ent, dv, wt.data(), hh.data(), k, threads, &f, &resid2);
      } else {
        entry_loss(ent, dv, wt.data(), hh.data(), k, threads, &f, &resid2);
      }
      over_columns.add(f);
      over_columns.add(resid2);
      over_columns.run(across);
      background_loss(dv, bg, k, colsum_w, rowsum_h, gw, gh, &f, &resid2);
    }
    *rel = stats.weighted2 > 0 ? std::sqrt(resid2 / stats.weighted2) : 0.0;
    return f + penalty(wt, l1_w, l2_w) + pen_h;
  };
  auto finish = [&] {
    if (opt.fix_w || opt.fix_h) {
      // The fixed factor is left as given; the other in the caller's units.
      if (opt.fix_w) {
        for (int64_t t = 0; t < k * n; ++t) h[t] = T(double(hh[size_t(t)]) / r);
      } else {
        for (int64_t j = 0; j < k; ++j)
          for (int64_t i = 0; i < m; ++i) w[i + j * m] = T(double(wt[size_t(j + i * k)]) / r);
      }
      if (d) std::fill(d, d + k, T(1));
    } else {
      write_canonical(m, n, k, wt.data(), hh.data(), s, w, d, h, across);
    }
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
                      .count();
  };

  // The objective and the relative error must both be finite: entries near
  // the largest value of the type overflow the residual (reported as an
  // error, never as a success holding Inf).
  auto non_finite = [&](int64_t it) {
    return Status::error(
        kErrNumerical,
        "the loss became non-finite " +
            (it > 0 ? "at iteration " + std::to_string(it)
                    : std::string("at the starting point")) +
            (eps > 0 ? " (the products overflowed: if A or a supplied factor "
                       "has very large entries, divide it by a constant)"
                     : " (mu_eps = 0: a zero of WH where A > 0?)"));
  };
  if (opt.maxit == 0) {
    const double f = objective(&res.rel_error);
    if (!std::isfinite(f) || !std::isfinite(res.rel_error)) return non_finite(0);
    res.loss = external(f);
    res.stop_reason = kStopNone;
    finish();
    return Status();
  }

  Status status;
  res.stop_reason = kStopMaxit;
  double prev = std::numeric_limits<double>::infinity();
  for (int64_t it = 1; it <= opt.maxit; ++it) {
    if (!opt.fix_w) update_w();
    if (!opt.fix_h) update_h();
    const double f = objective(&res.rel_error);
    if (!std::isfinite(f) || !std::isfinite(res.rel_error)) return non_finite(it);
    res.loss = external(f);
    res.iterations = it;
    res.history.push_back(res.loss);
    const bool stop_requested =
        opt.progress &&
        opt.progress(it, opt.maxit, res.loss, res.rel_error, opt.progress_data) != 0;
    if (across.any(stop_requested)) {
      res.stop_reason = kStopCancelled;
      status.code = kCancelled;
      break;
    }
    if (opt.tol > 0 && prev - f < opt.tol * prev) {
      res.stop_reason = kStopTol;
      break;
    }
    prev = f;
  }
  finish();
  return status;
}

#define NMF_DIV_INST(T, I)                                                       \
  template Status fit_divergence(const CscOps<T, I>&, const CscEntries<T, I>&,   \
                                 int64_t, T*, T*, T*, const Options&, Result&,   \
                                 const Collective*);
template Status fit_divergence(const DenseOps<double>&, const DenseEntries<double>&,
                               int64_t, double*, double*, double*, const Options&,
                               Result&, const Collective*);
template Status fit_divergence(const DenseOps<float>&, const DenseEntries<float>&,
                               int64_t, float*, float*, float*, const Options&,
                               Result&, const Collective*);
NMF_DIV_INST(double, int32_t)
NMF_DIV_INST(double, int64_t)
NMF_DIV_INST(float, int32_t)
NMF_DIV_INST(float, int64_t)
#undef NMF_DIV_INST

}  // namespace nmf
