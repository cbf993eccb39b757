// The divergence path (divergence.hpp): multiplicative updates for the
// Frobenius, KL and beta losses and coordinate descent for KL, with entry
// weights and missing values, as a stepper of the loop that every loss
// shares (iterate.hpp; fit.cpp's Frobenius steppers are the others).  Here:
// the internal units of the divergences, the starting point, and the
// stepper.
//
// Distributed (a Collective: columns split over processes, W replicated,
// H local), for the multiplicative updates: H's update is local to each
// process's columns; W's sums num and den over the columns (mu.hpp) are
// summed over the processes, m k + k values per iteration for KL (den is
// then H's row sums) and 2 m k for other betas (m k + k^2 for the
// Frobenius products A H^T and H H^T); the objective's sums over the
// columns are one more small sum.  Every process then applies the same
// update to the same sums, so W stays bitwise replicated.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>
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
#include "nmf/iterate.hpp"
#include "nmf/kernels.hpp"
#include "nmf/threads.hpp"
#include "nmf/update_rule.hpp"
#include "nmf/validate.hpp"
#include "nmf/work.hpp"

namespace nmf {

namespace {

std::string num(double v) { return exact_text(v); }

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

// The loss sum w d(a | y) and the weighted squared residual sum w (a - y)^2
// from the entries (divergence.hpp, entries.hpp), per column in parallel
// and added in column order; for a background, without its closed forms
// (background_loss).
// KL over a CSC's stored entries with the zeros as background, no weights:
// per column, the model values of the stored entries into a buffer and the
// vectorised kl_loss over them (kernels.hpp); the background's y and y^2
// taken out again as entry_loss does entry by entry.
template <class T, class I>
bool kl_csc_loss(const CscEntries<T, I>& e, const Divergence& dv, const T* wt,
                 const T* h, int64_t k, int threads, double* loss, double* resid2) {
  if (dv.kind != Divergence::kKl || !e.background() || e.weighted()) return false;
  const CscView<T, I>& a = e.view();
  const int64_t n = a.n;
  std::vector<double> lp(static_cast<size_t>(n)), rp(static_cast<size_t>(n));
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> y;
#pragma omp for schedule(static)
    for (int64_t j = 0; j < n; ++j) {
      const int64_t q0 = a.col_ptr[j], len = a.col_ptr[j + 1] - q0;
      const T* hj = h + j * k;
      y.resize(size_t(len));
      double sy = 0, sy2 = 0;
      for (int64_t q = 0; q < len; ++q) {
        const double v = dot_k(wt + int64_t(a.row_ind[q0 + q]) * k, hj, k);
        y[size_t(q)] = v;
        sy += v;
        sy2 += v * v;
      }
      double l, r;
      kernels::kl_loss(a.values + q0, e.scale(), y.data(), len, &l, &r);
      lp[size_t(j)] = l - sy;
      rp[size_t(j)] = r - sy2;
    }
  }
  double l = 0, q = 0;
  for (int64_t j = 0; j < n; ++j) {
    l += lp[size_t(j)];
    q += rp[size_t(j)];
  }
  *loss = l;
  *resid2 = q;
  return true;
}
template <class E, class T>
bool kl_csc_loss(const E&, const Divergence&, const T*, const T*, int64_t, int,
                 double*, double*) {
  return false;
}

template <class E, class T>
void entry_loss(const E& e, const Divergence& dv, const T* wt, const T* h,
                int64_t k, int threads, double* loss, double* resid2) {
  if (kl_csc_loss(e, dv, wt, h, k, threads, loss, resid2)) return;
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

// The half-iterations of the divergence path for iterate.hpp's loop: the
// multiplicative updates (mu.hpp; mu_dense.hpp's blocked BLAS-3 form on a
// dense A; the Frobenius loss without weights through MuRule on the shared
// products) or KL coordinate descent (kl_cd.hpp), and the objective from
// the entries (exact: no float stop to confirm).  A fixed factor is left as
// it is.  Penalties, scale and factors are those of Work, in internal
// units.
template <class Ops, class Entries, class T>
class DivergenceStepper final : public Stepper<T> {
 public:
  DivergenceStepper(const Ops& ops, const Entries& ent, const Divergence& dv,
                    int32_t solver, const Options& opt, const EntryStats& stats,
                    const Work<T>& wk)
      : ops_(ops), ent_(ent), dv_(dv), solver_(solver), stats_(stats),
        fix_w_(opt.fix_w), fix_h_(opt.fix_h), eps_(opt.mu_eps),
        bg_(ent.background()),
        products_(dv.kind == Divergence::kFrobenius && !ent.weighted() &&
                  solver == kSolverMu),
        kl_shared_den_(dv.kind == Divergence::kKl && !ent.weighted()),
        blocks_(ent.row_blocks(wk.threads)) {
    const int64_t k = wk.k;
    if (products_) prod_.resize(size_t(k * std::max(wk.m, wk.n)));
    gw_.assign(size_t(k * k), 0.0);
    gh_.assign(size_t(k * k), 0.0);
    if (solver == kSolverMu && !products_ && !wk.across.distributed()) {
      blocked_ = dense_mu(ent, dv, wk.threads);
      if (blocked_) blocked_->set_scale(wk.scale);
    }
  }

  double update_w(Work<T>& wk, UpdateRule<T>& rule, bool want_objective,
                  double* rel) override {
    if (!fix_w_) step_w(wk, rule);
    return want_objective ? objective(wk, wk.wt.data(), wk.h.data(), rel) : 0.0;
  }
  double update_h(Work<T>& wk, UpdateRule<T>& rule, double* rel) override {
    if (!fix_h_) step_h(wk, rule);
    return objective(wk, wk.wt.data(), wk.h.data(), rel);
  }
  void h_changed(Work<T>&) override { w_num_ready_ = false; }
  double evaluate(Work<T>& wk, const T* wt, const T* h, double* rel) override {
    prod_state_ = kNoProduct;  // the cross term from A itself
    return objective(wk, wt, h, rel);
  }
  bool exact_loss() const override { return true; }

 private:
  enum ProductState { kNoProduct, kLeft, kRight };

  void step_w(Work<T>& wk, UpdateRule<T>& rule) {
    const int64_t k = wk.k, m = wk.m, n = wk.n;
    T* wt = wk.wt.data();
    const T* hh = wk.h.data();
    if (products_) {
      ops_.right(hh, k, prod_.data(), wk.threads, wk.scale);
      blas::gram(hh, k, n, gh_.data());
      wk.across.sum(prod_.data(), k * m);
      wk.across.sum(gh_.data(), k * k);
      rule.update(kSideW, wt, prod_.data(), gh_.data(), k, m, wk.l1_w, wk.l2_w,
                  wk.threads);
      prod_state_ = kRight;
      return;
    }
    if (bg_ || (blocked_ && kl_shared_den_)) factor_sums(hh, k, n, rowsum_h_);
    if (bg_ && dv_.kind == Divergence::kFrobenius) blas::gram(hh, k, n, gh_.data());
    if (solver_ == kSolverCd)
      kl_cd_update_w(ent_, wt, hh, k, rowsum_h_.data(), wk.l1_w, wk.l2_w, blocks_,
                     wk.threads);
    else if (wk.across.distributed())
      distributed_update_w(wk);
    else if (blocked_)
      blocked_w(wk);
    else
      mu_update_w(ent_, dv_, wt, hh, k, rowsum_h_.data(), gh_.data(), wk.l1_w,
                  wk.l2_w, eps_, blocks_, wk.threads);
    w_num_ready_ = false;
  }

  void step_h(Work<T>& wk, UpdateRule<T>& rule) {
    const int64_t k = wk.k, m = wk.m, n = wk.n;
    const T* wt = wk.wt.data();
    T* hh = wk.h.data();
    if (products_) {
      ops_.left(wt, k, prod_.data(), wk.threads, wk.scale);
      blas::gram(wt, k, m, gw_.data());
      rule.update(kSideH, hh, prod_.data(), gw_.data(), k, n, wk.l1_h, wk.l2_h,
                  wk.threads);
      prod_state_ = kLeft;
      return;
    }
    if (bg_ || (blocked_ && kl_shared_den_)) factor_sums(wt, k, m, colsum_w_);
    if (bg_ && dv_.kind == Divergence::kFrobenius) blas::gram(wt, k, m, gw_.data());
    if (solver_ == kSolverCd)
      kl_cd_update_h(ent_, wt, hh, k, colsum_w_.data(), wk.l1_h, wk.l2_h, wk.threads);
    else if (blocked_)
      blocked_h(wk);
    else
      mu_update_h(ent_, dv_, wt, hh, k, colsum_w_.data(), gw_.data(), wk.l1_h,
                  wk.l2_h, eps_, wk.threads);
    w_num_ready_ = false;
  }

  // The blocked updates of a dense A (mu_dense.hpp).  KL without weights
  // takes W's numerator from the objective's pass at the same (W, H) when
  // there was one (w_num_ready_: the iterate has not changed since).
  void blocked_w(Work<T>& wk) {
    if constexpr (std::is_same<Entries, DenseEntries<T>>::value) {
      if (blocked_->kl_plain()) {
        if (!w_num_ready_)
          blocked_->kl_pass(wk.wt.data(), wk.h.data(), wk.k, false, true, nullptr,
                            nullptr);
        blocked_->kl_apply_w(wk.wt.data(), wk.k, rowsum_h_.data(), wk.l1_w, wk.l2_w,
                             eps_);
        return;
      }
      blocked_->update_w(wk.wt.data(), wk.h.data(), wk.k, rowsum_h_.data(), wk.l1_w,
                         wk.l2_w, eps_);
    }
  }
  void blocked_h(Work<T>& wk) {
    if constexpr (std::is_same<Entries, DenseEntries<T>>::value) {
      if (blocked_->kl_plain())
        blocked_->kl_update_h(wk.wt.data(), wk.h.data(), wk.k, colsum_w_.data(),
                              wk.l1_h, wk.l2_h, eps_);
      else
        blocked_->update_h(wk.wt.data(), wk.h.data(), wk.k, colsum_w_.data(), wk.l1_h,
                           wk.l2_h, eps_);
    }
  }

  // Distributed W update: num and den over this process's columns for every
  // row (mu_w_sums), summed over the processes in one reduction: [num, den]
  // (2 m k values), or for KL without weights [num, H's row sums] (m k + k),
  // H's row sums being every row's den there.
  void distributed_update_w(Work<T>& wk) {
    const int64_t k = wk.k, m = wk.m, n = wk.n;
    const size_t mk = size_t(m * k);
    w_sums_.resize(mk + (kl_shared_den_ ? size_t(k) : mk));
    if (kl_shared_den_) w_den_scratch_.resize(mk);
    double* num = w_sums_.data();
    double* den = kl_shared_den_ ? w_den_scratch_.data() : w_sums_.data() + mk;
    if (kl_shared_den_ && !bg_) factor_sums(wk.h.data(), k, n, rowsum_h_);
    mu_w_sums(ent_, dv_, wk.wt.data(), wk.h.data(), k, rowsum_h_.data(), gh_.data(),
              blocks_, wk.threads, num, den);
    if (kl_shared_den_)
      std::copy(rowsum_h_.begin(), rowsum_h_.end(), w_sums_.begin() + std::ptrdiff_t(mk));
    wk.across.sum(w_sums_.data(), int64_t(w_sums_.size()));
    // The summed den: one shared row (stride 0) for KL, else row i at i k.
    mu_apply_rows(wk.wt.data(), num, w_sums_.data() + mk, kl_shared_den_ ? 0 : k, m,
                  k, wk.l1_w, wk.l2_w, dv_.gamma, eps_, wk.threads);
  }

  static double penalty(const T* x, int64_t len, double l1, double l2) {
    double s1 = 0, s2 = 0;
    if (l1 > 0 || l2 > 0)
      for (int64_t t = 0; t < len; ++t) {
        s1 += double(x[t]);
        s2 += double(x[t]) * double(x[t]);
      }
    return l1 * s1 + 0.5 * l2 * s2;
  }

  // Internal objective at (wt, h); sets the (weighted) relative Frobenius
  // error.  The terms over H's columns (local to a process) are summed over
  // the processes in one reduction (SumBatch); W's are replicated.
  double objective(Work<T>& wk, const T* wt, const T* hh, double* rel) {
    const int64_t k = wk.k, m = wk.m, n = wk.n;
    double f, resid2;
    double pen_h = penalty(hh, k * n, wk.l1_h, wk.l2_h);
    SumBatch over_columns;
    over_columns.add(pen_h);
    if (products_) {
      blas::gram(wt, k, m, gw_.data());
      blas::gram(hh, k, n, gh_.data());
      over_columns.add(gh_.data(), k * k);
      // The cross term <A, WH> from the product just used; in float that
      // product carries rounding of order 1e-7 ||A||^2, more than tol of a
      // small loss, so float takes it in double from A (O(nnz k)).
      double cross;
      if (sizeof(T) < sizeof(double) || prod_state_ == kNoProduct) {
        cross = ops_.cross_exact(wt, hh, k, wk.scale, wk.threads);
        over_columns.add(cross);
      } else if (prod_state_ == kLeft) {
        cross = dot(prod_.data(), hh, k * n);
        over_columns.add(cross);
      } else {
        cross = dot(prod_.data(), wt, k * m);  // A H^T summed already
      }
      over_columns.run(wk.across);
      double quad = 0;
      for (size_t t = 0; t < gw_.size(); ++t) quad += gw_[t] * gh_[t];
      // Clamped at 0 against rounding; a NaN from overflowing products stays.
      resid2 = stats_.weighted2 - 2 * cross + quad;
      if (resid2 < 0) resid2 = 0;
      f = 0.5 * resid2;
    } else {
      if (bg_) {
        factor_sums(wt, k, m, colsum_w_);
        factor_sums(hh, k, n, rowsum_h_);
        blas::gram(wt, k, m, gw_.data());
        blas::gram(hh, k, n, gh_.data());
        over_columns.add(rowsum_h_.data(), k);
        over_columns.add(gh_.data(), k * k);
      }
      if (blocked_loss(wk, wt, hh, &f, &resid2)) {
      } else {
        entry_loss(ent_, dv_, wt, hh, k, wk.threads, &f, &resid2);
      }
      over_columns.add(f);
      over_columns.add(resid2);
      over_columns.run(wk.across);
      background_loss(dv_, bg_, k, colsum_w_, rowsum_h_, gw_, gh_, &f, &resid2);
    }
    *rel = stats_.weighted2 > 0 ? std::sqrt(resid2 / stats_.weighted2) : 0.0;
    return f + penalty(wt, k * m, wk.l1_w, wk.l2_w) + pen_h;
  }
  // The loss of a dense A by blocks; for KL without weights at the
  // current iterate, W's next numerator from the same pass.
  bool blocked_loss(Work<T>& wk, const T* wt, const T* hh, double* f, double* resid2) {
    if constexpr (std::is_same<Entries, DenseEntries<T>>::value) {
      if (blocked_ && blocked_->kl_plain()) {
        const bool num = !fix_w_ && wt == wk.wt.data() && hh == wk.h.data();
        blocked_->kl_pass(wt, hh, wk.k, true, num, f, resid2);
        w_num_ready_ = num;
        return true;
      }
      if (blocked_) {
        blocked_->loss(wt, hh, wk.k, f, resid2);
        return true;
      }
    }
    return false;
  }

  const Ops& ops_;
  const Entries& ent_;
  const Divergence dv_;
  const int32_t solver_;
  const EntryStats stats_;
  const bool fix_w_, fix_h_;
  const double eps_;
  const bool bg_, products_, kl_shared_den_;
  const std::vector<int64_t> blocks_;
  decltype(dense_mu(std::declval<const Entries&>(), Divergence(), 1)) blocked_;
  std::vector<T> prod_;
  ProductState prod_state_ = kNoProduct;
  bool w_num_ready_ = false;  // blocked_ holds W's KL numerator at (W, H)
  std::vector<double> colsum_w_, rowsum_h_, gw_, gh_, w_sums_, w_den_scratch_;
};

}  // namespace

template <class Ops, class Entries, class T>
Status fit_divergence(const Ops& ops, const Entries& entries, int64_t k, T* w,
                      T* d, T* h, const Options& opt, Result& res,
                      const Collective* comm) {
  const auto t0 = std::chrono::steady_clock::now();
  res = Result();
  Work<T> wk;
  wk.across = Across(comm);
  const Across& across = wk.across;
  const int threads = thread_count(opt.n_threads);
  const int64_t m = ops.m(), n = ops.n();
  const int64_t n_global = across.n_global(n);
  wk.m = m;
  wk.n = n;
  wk.k = k;
  wk.threads = threads;
  const Divergence dv = Divergence::of(opt.loss, opt.beta);
  const int32_t solver = choose_solver(opt);
  Entries ent = entries;

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
  wk.scale = s;
  wk.root = r;
  wk.frob2 = stats.weighted2;
  wk.mean = mean;
  wk.loss_power = dv.beta;
  // s^b itself underflows (max(A) above about 1e154 with b = 2): the
  // penalties' factors are taken as single powers (and the loss goes back
  // to the caller's units through logarithms, iterate.hpp external_loss).
  const double l1_unit = std::pow(s, dv.beta - 0.5), l2_unit = std::pow(s, dv.beta - 1.0);
  wk.l1_w = opt.l1_w * l1_unit;
  wk.l1_h = opt.l1_h * l1_unit;
  wk.l2_w = opt.l2_w * l2_unit;
  wk.l2_h = opt.l2_h * l2_unit;
  const double eps = opt.mu_eps;
  if (!(eps > 0)) wk.non_finite_hint = " (mu_eps = 0: a zero of WH where A > 0?)";

  std::vector<T>& wt = wk.wt;
  std::vector<T>& hh = wk.h;
  wt.assign(size_t(k * m), T(0));
  hh.assign(size_t(k * n), T(0));
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

  DivergenceStepper<Ops, Entries, T> stepper(ops, ent, dv, solver, opt, stats, wk);
  MuRule<T> rule(eps);  // the Frobenius loss's rule on the shared products
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

  if (opt.maxit == 0) {
    const double f = stepper.evaluate(wk, wt.data(), hh.data(), &res.rel_error);
    if (!std::isfinite(f) || !std::isfinite(res.rel_error)) return non_finite_loss(wk, 0);
    res.loss = external_loss(wk, f);
    res.stop_reason = kStopNone;
    finish();
    return Status();
  }
  // The alternating updates: iterate.hpp's loop, without extrapolation.
  Phase phase{opt.maxit, opt.tol, true};
  Status status = iterate(stepper, rule, wk, opt, false, phase, res);
  if (!status.ok() && status.code != kCancelled) return status;
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
