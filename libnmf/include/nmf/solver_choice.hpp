// What NMF_SOLVER_AUTO and NMF_EXTRAPOLATION_AUTO resolve to (documented in
// nmf.h; the measurements behind the rule are in bench/README.md).
#pragma once
#include <cstdint>

#include "nmf/options.hpp"

namespace nmf {

inline bool is_weighted(const Options& opt) {
  return opt.weights != nullptr || opt.missing != kMissingNone;
}

// The solver a fit of an m x n matrix with `nonzeros` non-zero entries at
// rank k uses.
int32_t choose_solver(const Options& opt, int64_t m, int64_t n, int64_t k,
                      int64_t nonzeros);

// kExtrapolationOn or kExtrapolationOff; single_precision: a float fit on
// the shared products.
int32_t choose_extrapolation(const Options& opt, int32_t solver, bool weighted,
                             bool single_precision);

}  // namespace nmf
