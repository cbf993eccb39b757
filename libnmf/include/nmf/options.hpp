// Options and results of a fit, as the core sees them (the C ABI maps
// nmf_options / nmf_result onto these).
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/option_table.hpp"

namespace nmf {

enum Loss : int32_t { kLossFrobenius = 0, kLossKl = 1, kLossBeta = 2 };
enum Solver : int32_t {
  kSolverAuto = 0,
  kSolverHals = 1,
  kSolverMu = 2,    // multiplicative updates (divergence.hpp)
  kSolverCd = 3,    // coordinate descent for KL (kl_cd.hpp)
  kSolverAnls = 4,  // ANLS, block principal pivoting (bpp.hpp)
};
enum Missing : int32_t {
  kMissingNone = 0,
  kMissingNan = 1,       // NaN entries of a dense A are missing
  kMissingUnstored = 2,  // CSC: entries not stored are missing
};
enum Extrapolation : int32_t {
  kExtrapolationAuto = -1,
  kExtrapolationOff = 0,
  kExtrapolationOn = 1,
};
enum Sketch : int32_t {
  kSketchAuto = -1,
  kSketchOff = 0,
  kSketchOn = 1,
};
enum Init : int32_t {
  kInitRandom = 0,
  kInitNndsvd = 1,
  kInitNndsvda = 2,
  kInitNndsvdar = 3,
  kInitUser = -1,  // reported when no init method was needed
};
enum StopReason : int32_t {
  kStopNone = 0,
  kStopMaxit = 1,
  kStopTol = 2,
  kStopCancelled = 3,
  kStopExact = 4,
  kStopStable = 5,  // the assignment was stable for stable_checks checks
};

// Called between iterations on the calling thread; non-zero return cancels.
using ProgressFn = int32_t (*)(int64_t iteration, int64_t maxit, double loss,
                               double rel_error, void* user_data);

struct Options {
  // The scalar settings, their types and defaults: option_table.hpp.
#define NMF_OPTION_FIELD(name, ctype, type, def, lo, hi, choices, help) \
  ctype name = ctype(def);
  NMF_OPTION_TABLE(NMF_OPTION_FIELD)
#undef NMF_OPTION_FIELD
  bool user_w = false, user_h = false;
  bool fix_w = false, fix_h = false;
  ProgressFn progress = nullptr;
  void* progress_data = nullptr;
  // Entry mask and weights (nmf.h): loss = sum_ij w_ij loss(a_ij, (WH)_ij).
  const double* weights = nullptr;  // dense: m x n, ld weights_ld; CSC: nnz
  int64_t weights_ld = 0;
  // Set by fit() when the call is one process's part of a distributed fit
  // (a Collective is given); not a caller's option.  It turns the automatic
  // sketch off (solver_choice.hpp).
  bool distributed = false;
};

struct Result {
  int32_t stop_reason = kStopNone;
  int64_t iterations = 0;
  double loss = 0;
  double rel_error = 0;
  int32_t solver = kSolverHals;
  int32_t init = kInitRandom;
  double seconds = 0;
  int32_t extrapolation = kExtrapolationOff;  // what was used
  int64_t restarts = 0;                       // extrapolation restarts
  int64_t sketch_rank = 0;        // the sketch's rank l; 0: no sketch was used
  int64_t sketch_iterations = 0;  // iterations on the sketch before those on A
  int32_t threads_used = 1;  // the widest team of the fit's regions (TeamCount)
  std::vector<double> history;  // loss after each iteration
};

}  // namespace nmf
