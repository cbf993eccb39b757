// Symmetric NMF: A ≈ H H^T for a symmetric non-negative n x n matrix A
// (an adjacency or similarity matrix), H >= 0 (n x k).
//
// Kuang, Ding & Park, "Symmetric nonnegative matrix factorization for graph
// clustering", SDM 2012, and Kuang, Yun & Park, J. Global Optim. 62 (2015):
// the symmetric problem min ||A - H H^T||_F^2 is relaxed to
//   min_{W, H >= 0} ||A - W H^T||_F^2 + alpha ||W - H||_F^2
// and solved by alternating non-negative least squares.  With Y the fixed
// factor, the update of the other one solves, node by node (column j of
// the k x n transposed factors),
//   min_{x >= 0} ||A_j - Y x||^2 + alpha ||x - y_j||^2,
// i.e. the normal equations (Y^T Y + alpha I) x = (Y^T A)_j + alpha y_j
// under x >= 0: the problem of hals.hpp / bpp.hpp with G = Y^T Y, l2 = alpha
// and numerator b = (Y^T A)_j + alpha y_j.  alpha starts at max(A): the
// papers' max(A)^2 for a 0/1 adjacency matrix, and for any A the choice
// that scales with it (alpha ||W - H||^2 has the units of A times those of
// ||W||^2, i.e. of A^2, so A -> cA gives H -> sqrt(c) H, as the internal
// scaling to max(A) = 1 needs).  It is multiplied by 10 each time
// the relaxed problem has
// converged while W and H still differ (relative gap above sqrt(tol)), so
// that the returned H is a stationary point of the symmetric problem.
//
// The numerators are formed in bounded blocks of nodes (sym_block_nodes
// columns at a time: two k x block buffers of at most about 32 MiB), so the
// memory beyond A is two k x n factors plus the block: no k x n product is
// held.  Few, large blocks keep the number of parallel regions (and their
// barriers) per iteration small.
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"

namespace nmf {

struct SymResult {
  int32_t stop_reason = kStopNone;
  int64_t iterations = 0;
  double loss = 0;       // ||A - H H^T||_F^2 at the returned H (caller's units)
  double rel_error = 0;  // ||A - H H^T||_F / ||A||_F
  int32_t solver = kSolverHals;
  int64_t isolated = 0;  // nodes whose column of A is zero: their rows of H are 0
  double gap = 0;        // ||W - H||_F / ||H||_F at the end
  double alpha = 0;      // the last penalty weight, in the caller's units
  double seconds = 0;
  // The penalised objective ||A - W H^T||^2 + alpha ||W - H||^2 (caller's
  // units) after each iteration, and the alpha it was evaluated with: it
  // never increases while alpha stays the same.
  std::vector<double> history;
  std::vector<double> history_alpha;
};

// Nodes per block of numerators for rank k: 2^21 / k, at least 4096 (the
// same for any thread count, so the results do not depend on it).
inline int64_t sym_block_nodes(int64_t k) {
  const int64_t b = (int64_t(1) << 21) / (k > 0 ? k : 1);
  return b < 4096 ? 4096 : b;
}

// Fits A (n x n) and writes H (n x k, column-major; components ordered by
// their squared norm, largest first).  Options used: solver (kSolverAuto,
// kSolverHals, kSolverAnls), n_threads, maxit, tol, seed, progress,
// hals_alpha, hals_delta; every other option must keep its default.
// Returns kOk, kCancelled (H is the last complete iterate) or an error:
// kErrDimension (A not square or empty), kErrRank (k < 1 or k > n),
// kErrNegative / kErrNotFinite (bad entry), kErrInvalidArgument (A not
// symmetric beyond 1e-6 max|A|, naming the first pair; unsupported option).
template <class T>
Status symfit(const DenseView<T>& a, int64_t k, T* h, const Options& opt,
              SymResult& res);
template <class T, class I>
Status symfit(const CscView<T, I>& a, int64_t k, T* h, const Options& opt,
              SymResult& res);

}  // namespace nmf
