// The checks of a problem before a fit (validate.hpp): the rank against the
// dimensions, each option against the table (option_table.hpp), the rules
// between options, and the memory the fit will need.
#include <algorithm>
#include <limits>
#include <string>

#include "nmf/option_table.hpp"
#include "nmf/solver_choice.hpp"
#include "nmf/system_memory.hpp"
#include "nmf/validate.hpp"

namespace nmf {

namespace {

Status bad(const std::string& what) { return Status::error(kErrInvalidArgument, what); }

// The sketch compresses every entry alike and starts from the init method.
Status sketch_rule(const Options& opt) {
  if (opt.sketch != kSketchOn) return Status();
  if (is_weighted(opt))
    return bad("sketch is not available with weights or missing values "
               "(the sketch compresses every entry alike)");
  if (opt.user_w || opt.user_h || opt.fix_w || opt.fix_h)
    return bad("sketch warm-starts from the init method; it is not available "
               "with a given or fixed W or H");
  return Status();
}

// "kl", or "beta with beta = 0.5".
std::string loss_description(const Options& opt) {
  const char* loss_names[] = {"frobenius", "kl", "beta"};
  return std::string(loss_names[opt.loss]) +
         (opt.loss == kLossBeta ? " with beta = " + exact_text(opt.beta) : "");
}

// Which loss each solver minimizes: HALS and ANLS (the Frobenius driver)
// the Frobenius loss, CD the KL divergence, MU every beta.
Status solver_loss_rule(const Options& opt) {
  const double beta = loss_beta(opt);
  const bool frobenius_rule = opt.solver == kSolverHals || opt.solver == kSolverAnls;
  if (frobenius_rule && beta != 2.0)
    return bad(std::string("solver ") + (opt.solver == kSolverHals ? "hals" : "anls") +
               " minimizes the Frobenius loss only (loss frobenius, or beta "
               "with beta = 2), not loss " + loss_description(opt) + " (use solver mu" +
               (beta == 1.0 ? std::string(" or cd") : std::string()) + ", or auto)");
  if (opt.solver == kSolverCd && beta != 1.0)
    return bad("solver cd minimizes the KL divergence only (loss kl, or beta "
               "with beta = 1), not loss " + loss_description(opt) +
               " (use solver mu, or auto)");
  return Status();
}

// The divergence path (MU, CD) has no extrapolation, sketch, sparse NMF or
// nsNMF; only the Frobenius driver's rules do.
Status divergence_path_rule(const Options& opt) {
  const int32_t solver = choose_solver(opt);
  if (solver != kSolverMu && solver != kSolverCd) return Status();
  auto unsupported = [&](const std::string& what) {
    return bad(what + " is not available with solver " + (solver == kSolverMu ? "mu" : "cd") +
               (opt.solver == kSolverAuto ? " (auto for loss " + loss_description(opt) + ")"
                                          : std::string()) +
               "; it applies to solvers hals and anls (Frobenius loss)");
  };
  if (opt.extrapolation == kExtrapolationOn) return unsupported("extrapolation");
  if (opt.sketch == kSketchOn) return unsupported("sketch");
  if (opt.sparse_w > 0) return unsupported("sparse_w (sparse NMF)");
  if (opt.sparse_h > 0) return unsupported("sparse_h (sparse NMF)");
  if (opt.ns_theta > 0) return unsupported("ns_theta (nsNMF)");
  return Status();
}

Status fixed_factors_rule(const Options& opt) {
  if (opt.fix_w && opt.fix_h)
    return bad("fix_w and fix_h are both set: at least one factor must be free");
  return Status();
}

// The rules between options, in the order their errors are reported.
Status (*const kOptionRules[])(const Options&) = {sketch_rule, solver_loss_rule,
                                                  divergence_path_rule, fixed_factors_rule};

// Memory: factors and products, in the worst case (k x m and k x n working
// copies in the scalar type, plus double accumulators).
Status check_fit_memory(int64_t m, int64_t n, int64_t k, size_t scalar_bytes) {
  const double factor_elems = double(k) * (double(m) + double(n));
  const double bytes = factor_elems * (3.0 * double(scalar_bytes) + 8.0) +
                       double(k) * double(k) * 64.0;
  if (bytes > double(std::numeric_limits<int64_t>::max()) / 2)
    return Status::error(kErrTooLarge, "k * (m + n) is too large");
  const int64_t avail = available_memory_bytes();
  if (avail > 0 && bytes > double(avail))
    return Status::error(
        kErrOutOfMemory,
        "the fit needs about " + std::to_string(int64_t(bytes / 1048576.0)) +
            " MiB of working memory but only " + std::to_string(avail / 1048576) +
            " MiB are available");
  return Status();
}

}  // namespace

Status check_rank(int64_t m, int64_t n, int64_t k) {
  if (k < 1) return Status::error(kErrRank, "k = " + std::to_string(k) + " must be at least 1");
  const int64_t mn = std::min(m, n);
  if (k > mn)
    return Status::error(kErrRank, "k = " + std::to_string(k) + " exceeds min(m, n) = " +
                                       std::to_string(mn));
  return Status();
}

Status check_weighted_options(const Options& opt) {
  const bool weighted = opt.weights != nullptr || opt.missing != kMissingNone;
  if (!weighted) return Status();
  const std::string what = opt.weights ? "entry weights" : "missing values";
  auto unsupported = [&](const std::string& opt_name) {
    return bad(opt_name + " is not supported with " + what +
               " (the weighted loss has no shared Gram matrix to fold it into); "
               "unset one of them");
  };
  if (opt.sparse_w > 0) return unsupported("sparse_w (sparse NMF)");
  if (opt.sparse_h > 0) return unsupported("sparse_h (sparse NMF)");
  if (opt.ns_theta > 0) return unsupported("ns_theta (nsNMF)");
  return Status();
}

Status validate_problem(int64_t m, int64_t n, int64_t k, size_t scalar_bytes,
                        const Options& opt) {
  if (Status s = check_rank(m, n, k); !s.ok()) return s;
  // Each option within its bounds or choices (option_table.hpp).
  if (Status s = check_option_values(opt); !s.ok()) return s;
  for (auto rule : kOptionRules)
    if (Status s = rule(opt); !s.ok()) return s;
  return check_fit_memory(m, n, k, scalar_bytes);
}

}  // namespace nmf
