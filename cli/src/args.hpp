// The command line of `nmf fit`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nmf.h"

namespace nmfcli {

enum class ProgressMode { kAuto, kAlways, kNever };

struct FitArgs {
  std::string input;
  int64_t k = 0;  // 0 = not given (taken from a W/H file)
  // Every nmf_options field the user can set; defaults from the library.
  nmf_options options;
  std::string w_init, h_init, fix_w, fix_h;  // "" = not given
  bool use_float = false;
  bool transpose = false;
  bool quiet = false;
  // --unscaled: write H with rows summing to 1 (A ~ W diag(d) H, d in the
  // summary) instead of diag(d) H, which multiplies with W to the fit.
  bool unscaled = false;
  bool distributed = false;  // --distributed: one process's part of an MPI job
  bool strict_names = false; // --strict-names: duplicate names are an error
  ProgressMode progress = ProgressMode::kAuto;
  std::string out_prefix;  // "" = default_prefix(input)
  bool help = false;       // -h/--help: print usage and stop
};

// Parses the arguments after "fit".  Throws usage_error (exit status 2)
// naming the offending option and value.
FitArgs parse_fit_args(const std::vector<std::string> &args);

// Names of the choices, for the summary and the usage text.
const char *loss_name(int32_t loss);
const char *solver_name(int32_t solver);
const char *init_name(int32_t init);
const char *extrapolation_name(int32_t extrapolation);
const char *sketch_name(int32_t sketch);
const char *missing_name(int32_t missing);

}  // namespace nmfcli
