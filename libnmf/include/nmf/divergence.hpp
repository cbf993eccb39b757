// The beta-divergences between a data entry a >= 0 and a model entry y > 0,
// and the entry of the path that minimises them (fit_divergence.cpp).
//
//   d_beta(a | y) = (a^b + (b - 1) y^b - b a y^(b-1)) / (b (b - 1)),
//   b = 2: 1/2 (a - y)^2                                (Frobenius)
//   b = 1: a log(a / y) - a + y                          (generalized KL)
//   b = 0: a / y - log(a / y) - 1                        (Itakura-Saito)
// (Fevotte & Idier 2011, "Algorithms for nonnegative matrix factorization
// with the beta-divergence", Neural Computation 23(9), eq. 2.1).  The three
// named cases use their own formulas, so beta = 2 and beta = 1 give exactly
// the Frobenius and KL numbers.  Scaling: d_b(s a | s y) = s^b d_b(a | y).
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "nmf/collective.hpp"
#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"

namespace nmf {

struct Divergence {
  enum Kind { kFrobenius, kKl, kItakuraSaito, kGeneral };
  Kind kind = kFrobenius;
  double beta = 2;
  // Exponent of the multiplicative update that makes it a majorize-minimize
  // step (Fevotte & Idier 2011, eq. 4.4 / Table 2): 1/(2 - b) for b < 1,
  // 1 for 1 <= b <= 2, 1/(b - 1) for b > 2.
  double gamma = 1;

  static Divergence of(int32_t loss, double beta_option) {
    Divergence d;
    d.beta = loss == kLossFrobenius ? 2.0 : loss == kLossKl ? 1.0 : beta_option;
    d.kind = d.beta == 2   ? kFrobenius
             : d.beta == 1 ? kKl
             : d.beta == 0 ? kItakuraSaito
                           : kGeneral;
    d.gamma = d.beta < 1 ? 1.0 / (2.0 - d.beta)
              : d.beta > 2 ? 1.0 / (d.beta - 1.0)
                           : 1.0;
    return d;
  }

  // d(a | y); a = 0 is allowed for beta > 0 (0 log 0 = 0 for KL).
  double value(double a, double y) const {
    switch (kind) {
      case kFrobenius: return 0.5 * (a - y) * (a - y);
      case kKl: return a > 0 ? a * std::log(a / y) - a + y : y;
      case kItakuraSaito: return a / y - std::log(a / y) - 1.0;
      case kGeneral: break;
    }
    if (a == 0) return std::pow(y, beta) / beta;
    return (std::pow(a, beta) + (beta - 1) * std::pow(y, beta) -
            beta * a * std::pow(y, beta - 1)) /
           (beta * (beta - 1));
  }
  // d(0 | y) (beta > 0).
  double zero_value(double y) const {
    switch (kind) {
      case kFrobenius: return 0.5 * y * y;
      case kKl: return y;
      default: return std::pow(y, beta) / beta;
    }
  }
  // The weighted parts of the gradient of w d(a | y) in y, split by sign:
  //   d/dy d(a | y) = y^(b-1) - a y^(b-2)
  // num = w a y^(b-2), den = w y^(b-1).  With a background (entries.hpp)
  // the stored entry only corrects it: den uses (w - 1).
  void mu_terms(double a, double w, double y, bool background, double* num,
                double* den) const {
    const double wd = background ? w - 1.0 : w;
    switch (kind) {
      case kFrobenius:
        *num = w * a;
        *den = wd * y;
        return;
      case kKl:
        *num = a > 0 ? w * a / y : 0.0;
        *den = wd;
        return;
      case kItakuraSaito:
        *num = w * a / (y * y);
        *den = wd / y;
        return;
      case kGeneral: break;
    }
    const double p = std::pow(y, beta - 1);
    *num = a > 0 ? w * a * p / y : 0.0;
    *den = wd * p;
  }
  // y^(b-1), the background's part of den.
  double den_power(double y) const {
    switch (kind) {
      case kFrobenius: return y;
      case kKl: return 1.0;
      case kItakuraSaito: return 1.0 / y;
      default: return std::pow(y, beta - 1);
    }
  }
};

// The divergence path: multiplicative updates (mu.hpp) for every beta and
// coordinate descent (kl_cd.hpp) for KL, with weights and missing values.
// Ops is DenseOps / CscOps (products.hpp; used for the initialisation and
// the unweighted Frobenius products), Entries is DenseEntries / CscEntries
// (entries.hpp).  Inputs are validated by the caller (fit.cpp).  With a
// Collective, one process's part of a distributed fit (collective.hpp;
// multiplicative updates only, no weights or missing values, fit.cpp
// checks).
template <class Ops, class Entries, class T>
Status fit_divergence(const Ops& ops, const Entries& entries, int64_t k, T* w,
                      T* d, T* h, const Options& opt, Result& res,
                      const Collective* comm = nullptr);

}  // namespace nmf
