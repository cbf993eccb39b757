// Update rules for the Frobenius loss: what plugs into the shared driver
// (fit.cpp).  The driver computes, once per half-iteration, the products
// B = W^T A (or H A^T) and the Gram matrix G = W^T W (or H H^T), with any
// model terms folded in (smoothing.hpp), and hands them to the rule, which
// improves every column x of the factor X (k x len) on
//   min_{x >= 0} 1/2 x^T (G + l2 I) x - (b - l1)^T x.
// A rule does not see A: one driver, many rules (the shape of planc's
// NMF<T> subclasses and mlpack's AMF update-rule policies).
//
// For the weighted loss every column has its own G (weighted.hpp); the rule
// then works one column at a time through update_column.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "nmf/bpp.hpp"
#include "nmf/hals.hpp"
#include "nmf/mu.hpp"

namespace nmf {

enum Side : int { kSideW = 0, kSideH = 1 };

template <class T>
class UpdateRule {
 public:
  virtual ~UpdateRule() = default;
  virtual void update(Side side, T* x, const T* b, const double* g, int64_t k,
                      int64_t len, double l1, double l2, int threads) = 0;
  // One column in double with its own G (serial: called inside the
  // weighted driver's parallel loop).
  virtual void update_column(Side side, double* x, const double* b,
                             const double* g, int64_t k, double l1,
                             double l2) = 0;
};

// Accelerated HALS (hals.hpp: Cichocki & Phan 2009; Gillis & Glineur 2012):
// up to sweeps[side] coordinate sweeps per column, stopping early by delta.
template <class T>
class HalsRule final : public UpdateRule<T> {
 public:
  HalsRule(int sweeps_w, int sweeps_h, double delta)
      : sweeps_{sweeps_w, sweeps_h}, delta_(delta) {}
  void update(Side side, T* x, const T* b, const double* g, int64_t k,
              int64_t len, double l1, double l2, int threads) override {
    hals_update(x, b, g, k, len, l1, l2, sweeps_[side], delta_, threads);
  }
  void update_column(Side side, double* x, const double* b, const double* g,
                     int64_t k, double l1, double l2) override {
    const double first = hals_sweep_column(x, b, g, k, l1, l2);
    if (first == 0) return;
    for (int s = 1; s < sweeps_[side]; ++s)
      if (hals_sweep_column(x, b, g, k, l1, l2) <= delta_ * delta_ * first)
        break;
  }

 private:
  int sweeps_[2];
  double delta_;
};

// Alternating non-negative least squares: every half-iteration solves its
// NNLS problem exactly (Kim & Park 2011), so the objective never increases.
// The NNLS is block principal pivoting (bpp.hpp), warm-started from the
// current factor.  The coordinate-descent NNLS of nnls.cpp (sweeps to a
// 1e-15 relative change, then a passive-set polish) is used only where
// pivoting cannot finish a column (a singular passive block, a cycle in
// floating point): it is several times slower than pivoting, the more so
// the larger k (bench/README.md, "Which NNLS inside ANLS").
template <class T>
class AnlsRule final : public UpdateRule<T> {
 public:
  void update(Side, T* x, const T* b, const double* g, int64_t k, int64_t len,
              double l1, double l2, int threads) override {
    bpp_solve(x, b, g, k, len, l1, l2, threads);
  }
  void update_column(Side, double* x, const double* b, const double* g,
                     int64_t k, double l1, double l2) override {
    bpp_column(x, b, g, k, l1, l2);
  }
};

// Lee & Seung's multiplicative update (2001, "Algorithms for non-negative
// matrix factorization", NIPS 13) on the shared products, each column
//   x <- max(eps, x .* b ./ (G x + l1 + l2 x))
// (mu.hpp's mu_apply), eps the floor against zero-locking (nmf.h mu_eps, in
// internal units).  The divergence path's stepper (fit_divergence.cpp)
// hands it W^T A or H A^T and the Gram matrix for the unweighted Frobenius
// loss.
template <class T>
class MuRule final : public UpdateRule<T> {
 public:
  explicit MuRule(double eps) : eps_(eps) {}
  void update(Side, T* x, const T* b, const double* g, int64_t k, int64_t len,
              double l1, double l2, int threads) override {
    mu_update_products(x, b, g, k, len, l1, l2, eps_, threads);
  }
  void update_column(Side, double* x, const double* b, const double* g,
                     int64_t k, double l1, double l2) override {
    std::vector<double> den(static_cast<size_t>(k), 0.0);
    add_gram_times(g, x, k, den.data());
    mu_apply(x, b, den.data(), k, l1, l2, 1.0, eps_);
  }

 private:
  double eps_;
};

}  // namespace nmf
