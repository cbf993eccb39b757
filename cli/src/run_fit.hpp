// Calling libnmf: the one place the tool runs a factorization.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "args.hpp"
#include "matrix.hpp"
#include "nmf.h"
#include "progress.hpp"

namespace nmfcli {

template <typename T>
struct FitOutcome {
  int64_t k = 0;
  std::vector<T> W;  // m x k, column-major
  std::vector<T> d;  // k
  std::vector<T> H;  // k x n, column-major
  nmf_result result{};
  nmf_options options_used{};  // the options as the library read them
  std::vector<double> loss_history;  // result.history_length values
  int32_t status = NMF_OK;           // NMF_OK or NMF_CANCELLED
};

// Factors a with the options in args.  W0 / H0 are user-supplied factors
// (empty when not given) used as starting values or held fixed as args
// says.  Library errors are thrown as CliError with exit status 3, with
// matrix positions translated to row and column names.
template <typename T>
FitOutcome<T> run_fit(const LabeledMatrix<T> &a, const FitArgs &args, int64_t k,
                      std::vector<T> W0, std::vector<T> H0, Progress *progress);

}  // namespace nmfcli
