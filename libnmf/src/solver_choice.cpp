// The automatic choices (see solver_choice.hpp and nmf.h).
#include "nmf/solver_choice.hpp"

namespace nmf {

int32_t choose_solver(const Options& opt) {
  if (opt.solver != kSolverAuto) return opt.solver;
  // Divergences: coordinate descent for KL (Hsieh & Dhillon 2011), the
  // multiplicative updates for every other beta (fit_divergence.cpp).  A
  // distributed fit takes the multiplicative updates for KL too: their W
  // update needs one sum over the processes per iteration, where the
  // coordinate descent's would need one for every coordinate and Newton
  // step (W's rows sum over all columns).
  const double beta = loss_beta(opt);
  if (beta == 1.0) return opt.distributed ? kSolverMu : kSolverCd;
  if (beta != 2.0) return kSolverMu;
  // ANLS (block principal pivoting) with extrapolation was the fastest to
  // the best loss on the problems measured (dense 2000 x 300 and sparse
  // 5000 x 2000 at 5 %, k = 10 and 30; bench/README.md: first to 0.1 % in
  // three of four, first to every tighter gap), and each of its
  // half-iterations is an exact solve.  With weights or missing entries
  // every column has its own Gram matrix, whose O(entries k^2)
  // construction dominates, so an exact solve of the column's k x k
  // problem costs little more than a HALS sweep.
  return kSolverAnls;
}

int32_t choose_extrapolation(const Options& opt, int32_t solver,
                             bool weighted, bool single_precision) {
  (void)solver;
  if (opt.extrapolation != kExtrapolationAuto) return opt.extrapolation;
  // Extrapolation helped HALS and ANLS on every unweighted double problem
  // measured.  Its accept/undo test compares consecutive losses; in float
  // the loss from the float product W^T A carries noise of about
  // 1e-7 ||A||^2, which on a well-fitting problem exceeds the differences
  // being compared, so the decisions (and the result) become noise.  It is
  // not measured on the weighted loss, where each step is dominated by
  // building the per-column Gram matrices.
  if (weighted || single_precision) return kExtrapolationOff;
  return kExtrapolationOn;
}

}  // namespace nmf
