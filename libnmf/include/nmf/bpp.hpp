// Exact non-negative least squares by block principal pivoting (Kim & Park
// 2011, "Fast nonnegative matrix factorization: an active-set-like method
// and comparisons", SIAM J. Sci. Comput. 33(6), Algorithm 2 for multiple
// right-hand sides).
//
// Every column x of X (k x len) solves
//   min_{x >= 0} 1/2 x^T (G + l2 I) x - (b - l1)^T x
// whose KKT conditions, with y = (G + l2 I) x - b + l1 the gradient, are
//   x >= 0, y >= 0, x_i y_i = 0.
// A passive set F holds the indices with x_i free (y_i = 0); the others are
// zero.  Given F, x_F solves (G + l2 I)_FF x_F = (b - l1)_F and
// y_G = G_GF x_F - (b - l1)_G.  The infeasible indices V = {i in F: x_i < 0}
// ∪ {i not in F: y_i < 0} are exchanged between the sets all at once while
// |V| keeps decreasing, with up to 3 tolerated non-decreasing steps, after
// which only the largest infeasible index is exchanged (the Murty backup
// rule that guarantees termination).  Columns whose passive sets coincide
// share one Cholesky factorisation of (G + l2 I)_FF.  The passive sets start
// from the support of the input X (warm start from the previous iterate).
#pragma once
#include <cstdint>

namespace nmf {

// X (k x len, in/out): on input the warm start, on output the solution.
// B (k x len), G (k x k, symmetric positive semi-definite).  Columns that
// cannot be finished by pivoting (a singular passive block or, in floating
// point, a cycle) are finished by the coordinate-descent NNLS of nnls.cpp.
// The result of each column depends only on that column: the same for any
// thread count and any grouping.
void bpp_solve(double* x, const double* b, const double* g, int64_t k,
               int64_t len, double l1, double l2, int threads);
void bpp_solve(float* x, const float* b, const double* g, int64_t k,
               int64_t len, double l1, double l2, int threads);

// One column in double, with its own Gram matrix (weighted loss).  Scratch
// is allocated inside.
void bpp_column(double* x, const double* b, const double* g, int64_t k,
                double l1, double l2);

}  // namespace nmf
