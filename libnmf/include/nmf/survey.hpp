// Rank survey (Brunet et al. 2004; the NMF package's nmf(x, ranks, nrun)):
// a consensus multi-start at every rank of a list, with the quality
// measures of each (cophenetic correlation, dispersion, silhouette, residual
// sum of squares, relative error, explained variance), and optionally the
// same survey of a copy of A whose rows are randomly permuted, the null
// baseline against which the measures' drop with k is read (Frigyesi &
// Hoglund 2008).
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/consensus.hpp"
#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"

namespace nmf {

struct SurveyOptions {
  int64_t nrun = 30;         // runs per rank, >= 1
  bool randomized = false;   // also survey the row-permuted copy
  uint64_t random_seed = 1;  // seed of the permutation
};

struct Survey {
  std::vector<int64_t> ranks;
  std::vector<Consensus> fits;        // one per rank
  std::vector<Consensus> randomized;  // one per rank, or empty
};

// ranks: the ranks to try, each in [1, min(m, n)], at least one.  opt is
// used for every fit (opt.seed is the master seed of every rank's runs).
// Progress (see consensus_fit) counts the runs of the whole survey.  With a
// Collective every rank's runs are spread over the processes as
// consensus_fit spreads them (each process holding the whole of A).
template <class T>
Status rank_survey(const DenseView<T>& a, const std::vector<int64_t>& ranks,
                   const SurveyOptions& so, const Options& opt, Survey& out,
                   const Collective* comm = nullptr);
template <class T, class I>
Status rank_survey(const CscView<T, I>& a, const std::vector<int64_t>& ranks,
                   const SurveyOptions& so, const Options& opt, Survey& out,
                   const Collective* comm = nullptr);

// A copy of A with the entries of every row randomly permuted across the
// columns (each row by its own uniform permutation, Fisher & Yates), from
// the core's seeded generator: row sums and each row's distribution are
// kept, the structure shared between rows is destroyed.
template <class T>
std::vector<T> permute_rows(const DenseView<T>& a, uint64_t seed);  // m x n, ld m

template <class T, class I>
struct CscCopy {
  int64_t m = 0, n = 0;
  std::vector<int64_t> col_ptr;
  std::vector<I> row_ind;
  std::vector<T> values;
  CscView<T, I> view() const {
    return CscView<T, I>{m, n, col_ptr.data(), row_ind.data(), values.data()};
  }
};
// Sparse: the nonzeros of row i go to distinct uniformly random columns
// (the image of a uniform permutation), in O(nnz) time.
template <class T, class I>
CscCopy<T, I> permute_rows(const CscView<T, I>& a, uint64_t seed);

// Checks a rank list against the dimensions: non-empty, each in
// [1, min(m, n)].
Status validate_ranks(const std::vector<int64_t>& ranks, int64_t m, int64_t n);

}  // namespace nmf
