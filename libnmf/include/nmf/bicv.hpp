// Choosing the rank by bi-cross-validation (Owen & Perry 2009, "Bi-cross-
// validation of the SVD and the nonnegative matrix factorization", Ann.
// Appl. Stat. 3(2)).  The rows are split at random into p groups and the
// columns into q groups; every block (I, J) is held out once.  With
//   A = [ A_IJ   A_I,-J  ]
//       [ A_-I,J A_-I,-J ]
// the rank-k NMF A_-I,-J ~ W diag(d) H is fitted on the retained block,
// then H_J = argmin_{H >= 0} ||A_-I,J - W diag(d) H|| (W fixed) and
// W_I = argmin_{W >= 0} ||A_I,-J - W H|| (H fixed), and the held-out block
// is predicted as A_IJ ~ W_I H_J.  The error of rank k is
//   e(k) = sum over blocks ||A_IJ - W_I H_J||_F^2 / ||A||_F^2,
// averaged over `reps` random splits.  Too small a k underfits the block;
// too large a k overfits the retained data and predicts worse, so e(k) has
// its minimum near the true rank.  The suggested rank is the k with the
// smallest e(k) (the smaller k on ties).
//
// Sparse (CSC) input is never made dense: each fold copies the blocks
// A_-I,-J, A_-I,J and A_I,-J as CSC (rows renumbered) one at a time, fits
// them with the sparse fit, and takes the held-out error from the stored
// entries of A_IJ and the Gram matrices,
//   ||A_IJ - W_I H_J||^2 = ||A_IJ||^2 - 2 <A_IJ, W_I H_J>
//                          + <W_I^T W_I, H_J H_J^T>.
// The splits and seeds are those of the dense path, so a CSC copy of a
// dense matrix gives the same errors to rounding.
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"

namespace nmf {

struct BicvOptions {
  int32_t row_groups = 2;  // p >= 2
  int32_t col_groups = 2;  // q >= 2
  int32_t reps = 1;        // random splits, >= 1
  uint64_t seed = 1;       // seed of the splits
};

struct Bicv {
  std::vector<int64_t> ranks;
  std::vector<double> error;       // e(k) per rank
  std::vector<double> fold_error;  // ranks x (reps p q): block errors / ||A||^2,
                                   // rank-major (fold index fastest)
  int64_t folds = 0;               // reps * p * q
  int64_t suggested = 0;           // the suggested rank
};

// Every rank must fit the smallest held-out block: k <= min(floor(m / p),
// floor(n / q)).  Each fit uses opt (any solver; opt.seed seeds the fit of
// fold f at rank k through run_seed).  Folds and ranks run in parallel over
// opt.n_threads threads, each fit single-threaded; the result does not
// depend on the thread count.  Entry weights and missing values are not
// taken (opt.weights NULL, opt.missing kMissingNone).  Memory beyond A: per
// thread, the blocks of one fold (dense: up to the m x n retained block;
// CSC: up to the retained block's stored entries) and its fit's workspace.
template <class T>
Status bicv(const DenseView<T>& a, const std::vector<int64_t>& ranks,
            const BicvOptions& bo, const Options& opt, Bicv& out);
template <class T, class I>
Status bicv(const CscView<T, I>& a, const std::vector<int64_t>& ranks,
            const BicvOptions& bo, const Options& opt, Bicv& out);

}  // namespace nmf
