#include "fit_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "args.hpp"
#include "distributed_fit.hpp"
#include "cli_error.hpp"
#include "factor_files.hpp"
#include "load_input.hpp"
#include "nmf.h"
#include "progress.hpp"
#include "run_fit.hpp"
#include "usage.hpp"
#include "write_outputs.hpp"

namespace nmfcli {

// Sets *k from a factor file, checking it against -k and the other file.
void agree_on_k(int64_t *k, int64_t from_file, const std::string &option,
                const std::string &path) {
  if (*k != 0 && *k != from_file) {
    throw usage_error(option + " " + path + " has " + std::to_string(from_file) +
                      " factors, but the rank is " + std::to_string(*k) +
                      " (from -k or the other factor file)");
  }
  *k = from_file;
}

void check_rank(int64_t k, int64_t rows, int64_t cols, const std::string &input) {
  if (nmf_check_rank(rows, cols, k) != NMF_OK)
    throw usage_error(input + " (" + std::to_string(rows) + " x " + std::to_string(cols) +
                      "): " + nmf_last_error_message());
}

void print_input_warnings(const InputInfo &info) {
  for (const std::string &line : info.duplicate_names)
    std::fprintf(stderr, "nmf: warning: %s (--strict-names makes this an error)\n",
                 line.c_str());
}

Progress::Style progress_style(const FitArgs &args) {
  const bool terminal = isatty(STDERR_FILENO) != 0;
  switch (args.progress) {
    case ProgressMode::kNever: return Progress::Style::kNone;
    case ProgressMode::kAlways:
      return terminal ? Progress::Style::kBar : Progress::Style::kLog;
    case ProgressMode::kAuto: break;
  }
  return terminal && !args.quiet ? Progress::Style::kBar : Progress::Style::kNone;
}

namespace {

template <typename T>
int fit_with(const FitArgs &args, const OutputPaths &paths) {
  InputInfo info;
  LabeledMatrix<T> a = load_input<T>(args.input, args.transpose, &info,
                                     args.options.missing == NMF_MISSING_NAN,
                                     args.strict_names);
  print_input_warnings(info);

  int64_t k = args.k;
  std::vector<T> W0, H0;
  const std::string &w_file = args.fix_w.empty() ? args.w_init : args.fix_w;
  const std::string &h_file = args.fix_h.empty() ? args.h_init : args.fix_h;
  if (!w_file.empty()) {
    int64_t kw = 0;
    W0 = read_w_file<T>(w_file, a, args.input, &kw);
    agree_on_k(&k, kw, args.fix_w.empty() ? "--w-init" : "--fix-w", w_file);
  }
  if (!h_file.empty()) {
    int64_t kh = 0;
    H0 = read_h_file<T>(h_file, a, args.input, &kh);
    agree_on_k(&k, kh, args.fix_h.empty() ? "--h-init" : "--fix-h", h_file);
  }
  check_rank(k, a.rows, a.cols, args.input);

  if (!args.quiet && nmf_blas_is_slow()) {
    std::fprintf(stderr, "nmf: note: the BLAS runs generic kernels on this CPU; %s\n",
                 nmf_blas_advice());
  }
  Progress progress(progress_style(args), args.options.maxit);
  FitOutcome<T> fit = run_fit<T>(a, args, k, std::move(W0), std::move(H0), &progress);
  write_outputs(paths, a, fit, args, info);

  const nmf_result &r = fit.result;
  if (fit.status == NMF_CANCELLED) {
    std::fprintf(stderr,
                 "nmf: interrupted after %lld iterations; wrote the last iterate "
                 "to %s, %s and %s\n",
                 static_cast<long long>(r.iterations), paths.w.c_str(),
                 paths.h.c_str(), paths.summary.c_str());
    return kExitCancelled;
  }
  if (!args.quiet) {
    std::fprintf(stderr,
                 "nmf: %lld x %lld, k = %lld: %lld iterations, relative error "
                 "%.4g, %.3g s; wrote %s, %s, %s\n",
                 static_cast<long long>(a.rows), static_cast<long long>(a.cols),
                 static_cast<long long>(k), static_cast<long long>(r.iterations),
                 r.rel_error, r.seconds, paths.w.c_str(), paths.h.c_str(),
                 paths.summary.c_str());
  }
  return kExitOk;
}

}  // namespace

int fit_command(const std::vector<std::string> &argv) {
  FitArgs args = parse_fit_args(argv);
  if (args.help) {
    std::fputs(fit_usage().c_str(), stdout);
    return kExitOk;
  }
  const std::string prefix =
      args.out_prefix.empty() ? default_prefix(args.input) : args.out_prefix;
  check_output_location(prefix);
  const OutputPaths paths = output_paths(prefix);
  if (args.distributed) return distributed_fit(args, paths);
  return args.use_float ? fit_with<float>(args, paths) : fit_with<double>(args, paths);
}

}  // namespace nmfcli
