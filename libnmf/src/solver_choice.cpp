// The automatic choices (see solver_choice.hpp and nmf.h).
#include "nmf/solver_choice.hpp"

#include <algorithm>

namespace nmf {

int32_t choose_solver(const Options& opt) {
  if (opt.solver != kSolverAuto) return opt.solver;
  // Divergences, KL included: the multiplicative updates
  // (fit_divergence.cpp).  Time to within 0.1 % of the best KL loss either
  // reached (bench/kl_solver_race.py, bench/README.md, one thread, three
  // starts): on the dense Golub data at k = 3 MU was first from every start
  // (1.05x to 2.6x); on sparse Poisson counts 5000 x 2000 at 5 %, k = 10,
  // coordinate descent (Hsieh & Dhillon 2011, solver cd) was first from
  // every start (1.05x to 2.8x).  The choice does not depend on the input's
  // layout, so that a dense and a sparse copy of a matrix give the same
  // factors (DESIGN.md); MU also serves a distributed fit, where CD's W
  // update would need a sum over the processes for every coordinate and
  // Newton step.
  const double beta = loss_beta(opt);
  if (beta != 2.0) return kSolverMu;
  // Unweighted: HALS with extrapolation, which came within 0.1 % of the
  // best loss before ANLS with extrapolation on the dense, sparse and Golub
  // benchmarks (figures: bench/README.md, "The solvers of this project
  // against each other"): a HALS sweep costs about the two products, a BPP
  // solve grows with k^3 per row and column.
  if (!is_weighted(opt)) return kSolverHals;
  // With weights or missing entries every column has its own Gram matrix,
  // whose O(entries k^2) construction dominates, so an exact solve of the
  // column's k x k problem costs little more than a HALS sweep.
  return kSolverAnls;
}

int32_t choose_extrapolation(const Options& opt, int32_t solver,
                             bool weighted, bool single_precision) {
  (void)solver;
  if (opt.extrapolation != kExtrapolationAuto) return opt.extrapolation;
  // Extrapolation helped HALS and ANLS on every unweighted double problem
  // of the benchmarks (bench/README.md, "Frobenius solvers").  Its accept/undo test compares consecutive losses; in float
  // the loss from the float product W^T A carries noise of about
  // 1e-7 ||A||^2, which on a well-fitting problem exceeds the differences
  // being compared, so the decisions (and the result) become noise.  It is
  // not measured on the weighted loss, where each step is dominated by
  // building the per-column Gram matrices.
  if (weighted || single_precision) return kExtrapolationOff;
  return kExtrapolationOn;
}

int64_t choose_sketch_rank(const Options& opt, int64_t m, int64_t n, int64_t k,
                           bool dense) {
  if (opt.sketch == kSketchOff || opt.maxit == 0 || opt.distributed ||
      is_weighted(opt) || opt.user_w || opt.user_h || opt.fix_w || opt.fix_h)
    return 0;
  const int32_t solver = choose_solver(opt);
  if (solver != kSolverHals && solver != kSolverAnls) return 0;
  const int64_t small = std::min(m, n);
  const int64_t l = std::min(opt.sketch_rank > 0 ? opt.sketch_rank : k + 10, small - 1);
  if (l < 1) return 0;
  if (opt.sketch == kSketchOn) return l;
  const bool pays = dense && 4 * l <= small && double(m) * double(n) >= 4e6;
  return pays ? l : 0;
}

}  // namespace nmf
