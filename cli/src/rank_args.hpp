// The command lines of `nmf rank` and `nmf consensus`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "args.hpp"

namespace nmfcli {

struct RankArgs {
  FitArgs fit;                 // INPUT, the fit options, --out, --float, ...
  std::vector<int64_t> ranks;  // -k: "2:6", "2,3,5" or "3"
  int64_t nrun = 30;           // --nrun
  bool randomize = false;      // --randomize: also survey row-permuted data
  bool cv = false;             // --cv: bi-cross-validation of the ranks
  int32_t cv_row_groups = 2, cv_col_groups = 2, cv_reps = 1;
  bool help = false;
};

// Parses the arguments after "rank" (several ranks allowed) or "consensus"
// (single rank).  The options of a fit are read by parse_fit_args, so
// every fit option works here too; options that supply or fix factors are
// refused.  Throws usage_error.
RankArgs parse_rank_args(const std::vector<std::string> &args, bool single_rank);

// "2:6" -> 2..6; "2,3,5"; "3".  Throws usage_error naming option.
std::vector<int64_t> parse_rank_list(const std::string &option, const std::string &text);

}  // namespace nmfcli
