// What NMF_SOLVER_AUTO and NMF_EXTRAPOLATION_AUTO resolve to (documented in
// nmf.h; the measurements behind the rule are in bench/README.md).
#pragma once
#include <cstdint>

#include "nmf/options.hpp"

namespace nmf {

inline bool is_weighted(const Options& opt) {
  return opt.weights != nullptr || opt.missing != kMissingNone;
}

// The beta of the loss: 2 for Frobenius, 1 for KL, opt.beta for kLossBeta.
inline double loss_beta(const Options& opt) {
  return opt.loss == kLossFrobenius ? 2.0 : opt.loss == kLossKl ? 1.0 : opt.beta;
}

// The solver a fit with these options uses: opt.solver, or for
// NMF_SOLVER_AUTO: HALS for the Frobenius loss (beta = 2), ANLS when it has
// weights or missing entries, multiplicative updates for every other beta
// (KL included).
int32_t choose_solver(const Options& opt);

// True when the solver is one of the divergence path's (fit_divergence):
// multiplicative updates or KL coordinate descent; false for the Frobenius
// driver's update rules (HALS, ANLS).
inline bool uses_divergence_path(const Options& opt) {
  const int32_t s = choose_solver(opt);
  return s == kSolverMu || s == kSolverCd;
}

// kExtrapolationOn or kExtrapolationOff; single_precision: a float fit on
// the shared products.
int32_t choose_extrapolation(const Options& opt, int32_t solver, bool weighted,
                             bool single_precision);

// The rank l of the sketch a fit warm-starts on (sketch.hpp), or 0 for
// none.  NMF_SKETCH_ON: for any plain (unweighted, not distributed) fit by
// HALS or ANLS from an init method (no given factor), l = opt.sketch_rank or
// k + 10, at most min(m, n) - 1.  NMF_SKETCH_AUTO: the same for a dense A
// where it pays: l <= min(m, n) / 4 and at least 4e6 entries (below that a
// few iterations on A cost less than the sketch).
int64_t choose_sketch_rank(const Options& opt, int64_t m, int64_t n, int64_t k,
                           bool dense);

}  // namespace nmf
