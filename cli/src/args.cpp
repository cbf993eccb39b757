#include "args.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string_view>

#include "cli_error.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

struct Choice {
  const char *name;
  int32_t value;
};

const Choice kLosses[] = {{"frobenius", NMF_LOSS_FROBENIUS},
                          {"kl", NMF_LOSS_KL},
                          {"beta", NMF_LOSS_BETA}};
const Choice kSolvers[] = {{"auto", NMF_SOLVER_AUTO},
                           {"hals", NMF_SOLVER_HALS},
                           {"anls", NMF_SOLVER_ANLS},
                           {"mu", NMF_SOLVER_MU},
                           {"cd", NMF_SOLVER_CD}};
const Choice kExtrapolations[] = {{"auto", NMF_EXTRAPOLATION_AUTO},
                                  {"off", NMF_EXTRAPOLATION_OFF},
                                  {"on", NMF_EXTRAPOLATION_ON}};
const Choice kSketches[] = {{"auto", NMF_SKETCH_AUTO},
                            {"off", NMF_SKETCH_OFF},
                            {"on", NMF_SKETCH_ON}};
const Choice kMissing[] = {{"none", NMF_MISSING_NONE},
                           {"na", NMF_MISSING_NAN},
                           {"unstored", NMF_MISSING_UNSTORED}};
const Choice kInits[] = {{"random", NMF_INIT_RANDOM},
                         {"nndsvd", NMF_INIT_NNDSVD},
                         {"nndsvda", NMF_INIT_NNDSVDA},
                         {"nndsvdar", NMF_INIT_NNDSVDAR}};

template <size_t N>
const char *name_of(const Choice (&choices)[N], int32_t value) {
  for (const Choice &c : choices)
    if (c.value == value) return c.name;
  return "unknown";
}

template <size_t N>
int32_t parse_choice(const std::string &option, const std::string &text,
                     const Choice (&choices)[N]) {
  std::string names;
  for (const Choice &c : choices) {
    if (text == c.name) return c.value;
    names += names.empty() ? "" : ", ";
    names += c.name;
  }
  throw usage_error(option + ": unknown value " + quoted(text) + " (choose " +
                    names + ")");
}

int64_t parse_integer(const std::string &option, const std::string &text,
                      int64_t min, int64_t max) {
  long long v;
  if (!parse_int64(text, &v)) {
    throw usage_error(option + ": expected an integer, got " + quoted(text));
  }
  if (v < min) {
    throw usage_error(option + ": must be at least " + std::to_string(min) +
                      ", got " + text);
  }
  if (v > max) {
    throw usage_error(option + ": must be at most " + std::to_string(max) +
                      ", got " + text);
  }
  return v;
}

double parse_finite(const std::string &option, const std::string &text) {
  double v;
  if (parse_number(text, &v) != NumberStatus::kOk) {
    throw usage_error(option + ": expected a finite number, got " + quoted(text));
  }
  return v;
}

double parse_non_negative(const std::string &option, const std::string &text) {
  double v;
  if (parse_number(text, &v) != NumberStatus::kOk) {
    throw usage_error(option + ": expected a number, got " + quoted(text));
  }
  if (v < 0) {
    throw usage_error(option + ": must be >= 0, got " + text);
  }
  return v;
}

uint64_t parse_seed(const std::string &option, const std::string &text) {
  uint64_t v = 0;
  bool ok = !text.empty() && text.size() <= 20;
  for (char c : text) {
    if (!ok) break;
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    unsigned digit = static_cast<unsigned>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) ok = false;
    v = v * 10 + digit;
  }
  if (!ok) {
    throw usage_error(option + ": expected an integer 0.." +
                      std::to_string(std::numeric_limits<uint64_t>::max()) +
                      ", got " + quoted(text));
  }
  return v;
}

}  // namespace

const char *loss_name(int32_t loss) { return name_of(kLosses, loss); }
const char *solver_name(int32_t solver) { return name_of(kSolvers, solver); }
const char *init_name(int32_t init) { return name_of(kInits, init); }
const char *extrapolation_name(int32_t e) { return name_of(kExtrapolations, e); }
const char *missing_name(int32_t m) { return name_of(kMissing, m); }
const char *sketch_name(int32_t s) { return name_of(kSketches, s); }

FitArgs parse_fit_args(const std::vector<std::string> &args) {
  FitArgs a;
  nmf_options_init(&a.options, sizeof a.options);
  nmf_options &o = a.options;

  using Setter = std::function<void(const std::string &option, const std::string &value)>;
  // Options that take a value.
  const std::map<std::string, Setter> with_value = {
      {"-k", [&](auto &opt, auto &v) {
         a.k = parse_integer(opt, v, 1, std::numeric_limits<int64_t>::max());
       }},
      {"--loss", [&](auto &opt, auto &v) { o.loss = parse_choice(opt, v, kLosses); }},
      {"--solver", [&](auto &opt, auto &v) { o.solver = parse_choice(opt, v, kSolvers); }},
      {"--init", [&](auto &opt, auto &v) { o.init = parse_choice(opt, v, kInits); }},
      {"--threads", [&](auto &opt, auto &v) {
         o.n_threads = static_cast<int32_t>(
             parse_integer(opt, v, 0, std::numeric_limits<int32_t>::max()));
       }},
      {"--maxit", [&](auto &opt, auto &v) {
         o.maxit = static_cast<int32_t>(
             parse_integer(opt, v, 0, std::numeric_limits<int32_t>::max()));
       }},
      {"--tol", [&](auto &opt, auto &v) { o.tol = parse_non_negative(opt, v); }},
      {"--seed", [&](auto &opt, auto &v) { o.seed = parse_seed(opt, v); }},
      {"--l1-w", [&](auto &opt, auto &v) { o.l1_w = parse_non_negative(opt, v); }},
      {"--l1-h", [&](auto &opt, auto &v) { o.l1_h = parse_non_negative(opt, v); }},
      {"--l2-w", [&](auto &opt, auto &v) { o.l2_w = parse_non_negative(opt, v); }},
      {"--l2-h", [&](auto &opt, auto &v) { o.l2_h = parse_non_negative(opt, v); }},
      {"--hals-alpha", [&](auto &opt, auto &v) { o.hals_alpha = parse_non_negative(opt, v); }},
      {"--hals-delta", [&](auto &opt, auto &v) { o.hals_delta = parse_non_negative(opt, v); }},
      {"--beta", [&](auto &opt, auto &v) { o.beta = parse_finite(opt, v); }},
      {"--mu-eps", [&](auto &opt, auto &v) { o.mu_eps = parse_non_negative(opt, v); }},
      {"--extrapolation", [&](auto &opt, auto &v) {
         o.extrapolation = parse_choice(opt, v, kExtrapolations);
       }},
      {"--extrap-beta0", [&](auto &opt, auto &v) { o.extrap_beta0 = parse_non_negative(opt, v); }},
      {"--extrap-eta", [&](auto &opt, auto &v) { o.extrap_eta = parse_non_negative(opt, v); }},
      {"--extrap-gamma", [&](auto &opt, auto &v) { o.extrap_gamma = parse_non_negative(opt, v); }},
      {"--extrap-gamma-bar", [&](auto &opt, auto &v) {
         o.extrap_gamma_bar = parse_non_negative(opt, v);
       }},
      {"--sketch", [&](auto &opt, auto &v) { o.sketch = parse_choice(opt, v, kSketches); }},
      {"--sketch-rank", [&](auto &opt, auto &v) {
         o.sketch_rank = parse_integer(opt, v, 0, std::numeric_limits<int64_t>::max());
       }},
      {"--sparse-w", [&](auto &opt, auto &v) { o.sparse_w = parse_non_negative(opt, v); }},
      {"--sparse-h", [&](auto &opt, auto &v) { o.sparse_h = parse_non_negative(opt, v); }},
      {"--ns-theta", [&](auto &opt, auto &v) { o.ns_theta = parse_non_negative(opt, v); }},
      {"--missing", [&](auto &opt, auto &v) { o.missing = parse_choice(opt, v, kMissing); }},
      {"--w-init", [&](auto &, auto &v) { a.w_init = v; }},
      {"--h-init", [&](auto &, auto &v) { a.h_init = v; }},
      {"--fix-w", [&](auto &, auto &v) { a.fix_w = v; }},
      {"--fix-h", [&](auto &, auto &v) { a.fix_h = v; }},
      {"--out", [&](auto &opt, auto &v) {
         if (v.empty()) throw usage_error(opt + ": empty prefix");
         a.out_prefix = v;
       }},
  };
  const std::map<std::string, std::string> aliases = {
      {"--rank", "-k"}, {"-t", "--threads"}, {"-o", "--out"}, {"-q", "--quiet"}};
  // Flags.
  const std::map<std::string, std::function<void()>> flags = {
      {"--float", [&] { a.use_float = true; }},
      {"--transpose", [&] { a.transpose = true; }},
      {"--quiet", [&] { a.quiet = true; }},
      {"--unscaled", [&] { a.unscaled = true; }},
      {"--distributed", [&] { a.distributed = true; }},
      {"--progress", [&] { a.progress = ProgressMode::kAlways; }},
      {"--no-progress", [&] { a.progress = ProgressMode::kNever; }},
      {"--help", [&] { a.help = true; }},
      {"-h", [&] { a.help = true; }},
  };

  // --help anywhere wins, so `nmf fit --bad --help` still helps.
  for (const std::string &arg : args) {
    if (arg == "--") break;
    if (arg == "-h" || arg == "--help") {
      a.help = true;
      return a;
    }
  }

  std::vector<std::string> positional;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string value;
    bool has_value = false;
    size_t eq = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      has_value = true;
    } else if (arg.size() > 2 && arg[1] != '-') {  // -k3, -t2, -oPREFIX
      value = arg.substr(2);
      arg.resize(2);
      has_value = true;
    }
    auto alias = aliases.find(arg);
    if (alias != aliases.end()) arg = alias->second;

    auto flag = flags.find(arg);
    if (flag != flags.end()) {
      if (has_value) throw usage_error("option " + arg + " takes no value");
      flag->second();
      continue;
    }
    auto setter = with_value.find(arg);
    if (setter == with_value.end()) {
      throw usage_error("unknown option " + quoted(args[i]));
    }
    if (!has_value) {
      if (i + 1 >= args.size()) throw usage_error("option " + arg + " needs a value");
      value = args[++i];
    }
    setter->second(arg, value);
  }

  if (positional.empty()) throw usage_error("missing INPUT");
  if (positional.size() > 1) {
    throw usage_error("unexpected argument " + quoted(positional[1]) +
                      " (only one INPUT)");
  }
  a.input = positional[0];
  if (a.input.empty()) throw usage_error("INPUT is an empty string");
  if (!a.w_init.empty() && !a.fix_w.empty())
    throw usage_error("--w-init and --fix-w both give W; use one");
  if (!a.h_init.empty() && !a.fix_h.empty())
    throw usage_error("--h-init and --fix-h both give H; use one");
  if (!a.fix_w.empty() && !a.fix_h.empty())
    throw usage_error("--fix-w and --fix-h together leave nothing to fit");
  if (a.k == 0 && a.w_init.empty() && a.h_init.empty() && a.fix_w.empty() &&
      a.fix_h.empty()) {
    throw usage_error("missing -k K (the number of factors)");
  }
  return a;
}

}  // namespace nmfcli
