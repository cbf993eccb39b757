#include "args.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string_view>

#include "cli_error.hpp"
#include "library_options.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

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

}  // namespace

const char *loss_name(int32_t loss) { return choice_text("loss", loss); }
const char *solver_name(int32_t solver) { return choice_text("solver", solver); }
const char *init_name(int32_t init) { return choice_text("init", init); }
const char *extrapolation_name(int32_t e) { return choice_text("extrapolation", e); }
const char *missing_name(int32_t m) { return choice_text("missing", m); }
const char *sketch_name(int32_t s) { return choice_text("sketch", s); }

FitArgs parse_fit_args(const std::vector<std::string> &args) {
  FitArgs a;
  nmf_options_init(&a.options, sizeof a.options);
  nmf_options &o = a.options;

  using Setter = std::function<void(const std::string &option, const std::string &value)>;
  // Options that take a value.
  std::map<std::string, Setter> with_value = {
      {"-k", [&](auto &opt, auto &v) {
         a.k = parse_integer(opt, v, 1, std::numeric_limits<int64_t>::max());
       }},
      {"--w-init", [&](auto &, auto &v) { a.w_init = v; }},
      {"--h-init", [&](auto &, auto &v) { a.h_init = v; }},
      {"--fix-w", [&](auto &, auto &v) { a.fix_w = v; }},
      {"--fix-h", [&](auto &, auto &v) { a.fix_h = v; }},
      {"--out", [&](auto &opt, auto &v) {
         if (v.empty()) throw usage_error(opt + ": empty prefix");
         a.out_prefix = v;
       }},
  };
  // Every option the library describes (library_options.hpp).
  for (const LibraryOption &lo : library_options())
    with_value[lo.flag] = [&o, &lo](auto &, auto &v) { set_library_option(o, lo, v); };
  const std::map<std::string, std::string> aliases = {
      {"--rank", "-k"}, {"-t", "--threads"}, {"-o", "--out"}, {"-q", "--quiet"}};
  // Flags.
  const std::map<std::string, std::function<void()>> flags = {
      {"--float", [&] { a.use_float = true; }},
      {"--transpose", [&] { a.transpose = true; }},
      {"--quiet", [&] { a.quiet = true; }},
      {"--unscaled", [&] { a.unscaled = true; }},
      {"--distributed", [&] { a.distributed = true; }},
      {"--strict-names", [&] { a.strict_names = true; }},
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
