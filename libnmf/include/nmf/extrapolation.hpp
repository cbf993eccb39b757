// Extrapolation with restarts around a two-block NMF solver (Ang & Gillis
// 2019, "Accelerating nonnegative matrix factorization algorithms using
// extrapolation", Neural Computation 31(2)).
//
// After each factor update X_{n+1} = update(Y_n, ...), the next iterate
// the solver works from is the extrapolated point
//   Y_{n+1} = max(0, X_{n+1} + beta_n (X_{n+1} - X_n))
// (projected here so that every iterate, and every reported one, is
// non-negative).  The objective is evaluated at (Y^W_{n+1}, H_{n+1}), the
// pair the H update produced, at no extra cost.  If it did not increase,
// that pair is accepted and beta grows: beta <- min(beta_bar, gamma beta),
// beta_bar <- min(1, gamma_bar beta_bar).  If it increased, the step is
// discarded: the solver restarts from the last accepted pair, beta_bar <-
// beta and beta <- beta / eta.  The accepted objective therefore never
// increases; as beta shrinks the scheme falls back to the plain solver.
#pragma once
#include <algorithm>
#include <cstdint>

#include "nmf/hals.hpp"

namespace nmf {

struct ExtrapolationParams {
  double beta0 = 0.5;       // initial beta, in [0, 1]
  double eta = 1.5;         // shrink factor on restart, > 1
  double gamma = 1.05;      // growth of beta on success, >= 1
  double gamma_bar = 1.01;  // growth of the cap beta_bar, >= 1
};

class Extrapolator {
 public:
  explicit Extrapolator(const ExtrapolationParams& p)
      : p_(p), beta_(p.beta0), beta_bar_(1.0) {}
  double beta() const { return beta_; }
  void accepted() {
    beta_ = std::min(beta_bar_, p_.gamma * beta_);
    beta_bar_ = std::min(1.0, p_.gamma_bar * beta_bar_);
  }
  void restarted() {
    beta_bar_ = beta_;
    beta_ /= p_.eta;
  }

 private:
  ExtrapolationParams p_;
  double beta_, beta_bar_;
};

// prev <- x; x <- max(0, x + beta (x - prev_old)), in place, flushing
// near-subnormal values like the HALS sweep.
template <class T>
void extrapolate(T* x, T* prev, int64_t len, double beta, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t t = 0; t < len; ++t) {
    const double cur = double(x[t]);
    double y = cur + beta * (cur - double(prev[t]));
    if (y < kFlushBelow<T>) y = 0;
    prev[t] = x[t];
    x[t] = T(y);
  }
}

}  // namespace nmf
