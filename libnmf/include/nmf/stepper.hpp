// A stepper performs the half-iterations of a Frobenius fit for one kind of
// problem: ProductStepper (here) for the plain loss, from the shared
// products of products.hpp computed once per half-iteration; the weighted
// steppers of weighted.hpp for missing values and entry weights.  The
// driver (fit.cpp) owns the loop, stopping, extrapolation and output; the
// update rule (update_rule.hpp) owns how a factor is improved.
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/smoothing.hpp"
#include "nmf/update_rule.hpp"
#include "nmf/work.hpp"

namespace nmf {

template <class T>
class Stepper {
 public:
  virtual ~Stepper() = default;
  // W given the current H (its Gram gh current).  With want_objective,
  // returns the objective at the new (W, H) and sets *rel; otherwise 0.
  virtual double update_w(Work<T>& wk, UpdateRule<T>& rule,
                          bool want_objective, double* rel) = 0;
  // H given the current W; returns the objective at the new (W, H) and
  // leaves gw, gh current.
  virtual double update_h(Work<T>& wk, UpdateRule<T>& rule, double* rel) = 0;
  // Recompute what depends on H after the driver changed it.
  virtual void h_changed(Work<T>& wk) = 0;
  // The objective at (wt, h) from scratch, the cross term in double
  // (confirms a float fit's stop and evaluates a start).
  virtual double evaluate(Work<T>& wk, const T* wt, const T* h,
                          double* rel) = 0;
  // True when update_h's objective is as exact as evaluate's (no float
  // stop to confirm, iterate.hpp).
  virtual bool exact_loss() const { return false; }
};

// Plain (unweighted) loss on the shared products.  With A' = S-smoothed
// model terms folded in (smoothing.hpp), the residual is
//   ||A - W S H||^2 = ||A||^2 - 2 <S W^T A, H> + <S W^T W S, H H^T>.
template <class Ops, class T>
class ProductStepper final : public Stepper<T> {
 public:
  explicit ProductStepper(const Ops& ops) : ops_(ops) {}

  double update_w(Work<T>& wk, UpdateRule<T>& rule, bool want_objective,
                  double* rel) override {
    const int64_t k = wk.k, m = wk.m;
    ops_.right(wk.h.data(), k, wk.prod.data(), wk.threads, wk.scale);
    wk.across.sum(wk.prod.data(), k * m);  // A H^T over every process's columns
    if (wk.theta > 0) smooth_columns(wk.prod.data(), k, m, wk.theta, wk.threads);
    const double* g = effective_gram(wk.gh, k, wk.theta, wk.sparse_w, geff_);
    rule.update(kSideW, wk.wt.data(), wk.prod.data(), g, k, m, wk.l1_w,
                wk.l2_w, wk.threads);
    if (!want_objective) return 0;
    blas::gram(wk.wt.data(), k, m, wk.gw.data());
    // <S H A^T, W^T> = <A, W S H>.
    const double cross = dot(wk.prod.data(), wk.wt.data(), k * m);
    return finish(wk, cross, rel);
  }

  double update_h(Work<T>& wk, UpdateRule<T>& rule, double* rel) override {
    const int64_t k = wk.k, m = wk.m, n = wk.n;
    ops_.left(wk.wt.data(), k, wk.prod.data(), wk.threads, wk.scale);
    if (wk.theta > 0) smooth_columns(wk.prod.data(), k, n, wk.theta, wk.threads);
    blas::gram(wk.wt.data(), k, m, wk.gw.data());
    const double* g = effective_gram(wk.gw, k, wk.theta, wk.sparse_h, geff_);
    rule.update(kSideH, wk.h.data(), wk.prod.data(), g, k, n, wk.l1_h,
                wk.l2_h, wk.threads);
    wk.gram_h(wk.h.data(), wk.gh.data());
    const double cross = wk.across.sum(dot(wk.prod.data(), wk.h.data(), k * n));
    return finish(wk, cross, rel);
  }

  void h_changed(Work<T>& wk) override { wk.gram_h(wk.h.data(), wk.gh.data()); }

  double evaluate(Work<T>& wk, const T* wt, const T* h, double* rel) override {
    const int64_t k = wk.k;
    std::vector<double> gw(static_cast<size_t>(k * k)), gh(static_cast<size_t>(k * k));
    blas::gram(wt, k, wk.m, gw.data());
    wk.gram_h(h, gh.data());
    double cross;
    if (wk.theta > 0) {
      std::vector<T> sh(h, h + k * wk.n);
      smooth_columns(sh.data(), k, wk.n, wk.theta, wk.threads);
      cross = ops_.cross_exact(wt, sh.data(), k, wk.scale, wk.threads);
    } else {
      cross = ops_.cross_exact(wt, h, k, wk.scale, wk.threads);
    }
    cross = wk.across.sum(cross);
    return objective_from(wk, wk.frob2 - 2 * cross + quad(wk, gw, gh), wt, h,
                          gw, gh, rel);
  }

 private:
  // <S gw S, gh>.
  double quad(const Work<T>& wk, const std::vector<double>& gw,
              const std::vector<double>& gh) {
    const int64_t kk = wk.k * wk.k;
    const double* g = gw.data();
    if (wk.theta > 0) {
      gs_.resize(size_t(kk));
      smooth_gram(gw.data(), wk.k, wk.theta, gs_.data());
      g = gs_.data();
    }
    return std::inner_product(g, g + kk, gh.begin(), 0.0);
  }
  double finish(Work<T>& wk, double cross, double* rel) {
    return objective_from(wk, wk.frob2 - 2 * cross + quad(wk, wk.gw, wk.gh),
                          wk.wt.data(), wk.h.data(), wk.gw, wk.gh, rel);
  }

  const Ops& ops_;
  std::vector<double> geff_, gs_;
};

}  // namespace nmf
