// Validation of the missing-value mode and the entry weights (see
// validate.hpp).
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "nmf/validate.hpp"

namespace nmf {

Status validate_weights(const Options& opt, bool csc, int64_t m, int64_t n,
                        int64_t nnz) {
  auto bad = [](const std::string& what) {
    return Status::error(kErrInvalidArgument, what);
  };
  if (csc && opt.missing == kMissingNan)
    return bad("missing = NMF_MISSING_NAN applies to dense input; in a CSC "
               "input leave the missing entries unstored and use "
               "NMF_MISSING_UNSTORED");
  if (!csc && opt.missing == kMissingUnstored)
    return bad("missing = NMF_MISSING_UNSTORED applies to CSC input; a dense "
               "input stores every entry (mark missing entries with NaN and "
               "use NMF_MISSING_NAN, or give them weight 0)");
  if (!opt.weights) return Status();
  const double* wt = opt.weights;
  int64_t cols = 1, rows = nnz, ld = nnz;
  if (!csc) {
    if (opt.weights_ld < m)
      return Status::error(kErrDimension,
                           "weights_ld = " + std::to_string(opt.weights_ld) +
                               " is smaller than m = " + std::to_string(m) +
                               " (the weights are an m x n column-major array)");
    if (n > 1 && opt.weights_ld > std::numeric_limits<int64_t>::max() / n)
      return Status::error(kErrTooLarge, "weights_ld * n overflows int64");
    rows = m;
    cols = n;
    ld = opt.weights_ld;
  }
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) {
      const double v = wt[i + j * ld];
      if (v >= 0 && std::isfinite(v)) continue;
      char value[64];
      std::snprintf(value, sizeof value, "%.17g", v);
      const std::string where =
          csc ? "at position " + std::to_string(i) + " (0-based, as in values)"
              : "at row " + std::to_string(i + 1) + ", column " +
                    std::to_string(j + 1) + " (1-based)";
      return bad("weights has " +
                 std::string(std::isnan(v)   ? "a NaN entry"
                             : std::isinf(v) ? "an infinite entry"
                                             : "a negative entry (" +
                                                   std::string(value) + ")") +
                 " " + where + "; weights must be finite and >= 0");
    }
  return Status();
}

}  // namespace nmf
