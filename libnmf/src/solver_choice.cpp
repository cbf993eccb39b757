// The automatic choices (see solver_choice.hpp and nmf.h).
#include "nmf/solver_choice.hpp"

namespace nmf {

int32_t choose_solver(const Options& opt, int64_t m, int64_t n, int64_t k,
                      int64_t nonzeros) {
  (void)m;
  (void)n;
  (void)k;
  (void)nonzeros;
  if (opt.solver != kSolverAuto) return opt.solver;
  // Weighted or missing entries: every column has its own Gram matrix,
  // whose O(entries k^2) construction dominates; an exact solve of the
  // column's k x k problem then costs little more than a HALS sweep and
  // makes every half-iteration count.
  if (is_weighted(opt)) return kSolverAnls;
  return kSolverHals;
}

int32_t choose_extrapolation(const Options& opt, int32_t solver,
                             bool weighted) {
  (void)solver;
  if (opt.extrapolation != kExtrapolationAuto) return opt.extrapolation;
  return kExtrapolationOff;
}

}  // namespace nmf
