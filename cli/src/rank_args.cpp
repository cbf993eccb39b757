#include "rank_args.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "cli_error.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

int64_t parse_count(const std::string &option, const std::string &text, int64_t min,
                    int64_t max) {
  long long v;
  if (!parse_int64(text, &v))
    throw usage_error(option + ": expected an integer, got " + quoted(text));
  if (v < min || v > max)
    throw usage_error(option + ": must be between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", got " + text);
  return v;
}

}  // namespace

std::vector<int64_t> parse_rank_list(const std::string &option, const std::string &text) {
  std::vector<int64_t> out;
  const size_t colon = text.find(':');
  const int64_t big = std::numeric_limits<int32_t>::max();
  if (colon != std::string::npos) {
    const int64_t lo = parse_count(option, text.substr(0, colon), 1, big);
    const int64_t hi = parse_count(option, text.substr(colon + 1), 1, big);
    if (hi < lo)
      throw usage_error(option + ": the range " + quoted(text) +
                        " is empty (write FROM:TO with FROM <= TO)");
    if (hi - lo > 1000) throw usage_error(option + ": more than 1000 ranks in " + quoted(text));
    for (int64_t k = lo; k <= hi; ++k) out.push_back(k);
    return out;
  }
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    out.push_back(parse_count(option, text.substr(start, comma - start), 1, big));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (std::set<int64_t>(out.begin(), out.end()).size() != out.size())
    throw usage_error(option + ": repeated rank in " + quoted(text));
  return out;
}

RankArgs parse_rank_args(const std::vector<std::string> &args, bool single_rank) {
  RankArgs r;
  for (const std::string &a : args) {
    if (a == "--") break;
    if (a == "-h" || a == "--help") {
      r.help = true;
      return r;
    }
  }
  // Take out the options of this command; the rest are a fit's.
  std::vector<std::string> rest;
  std::string ranks_text;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      rest.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      rest.push_back(arg);
      continue;
    }
    std::string name = arg, value;
    bool has_value = false;
    const size_t eq = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    } else if (arg.compare(0, 2, "-k") == 0 && arg.size() > 2) {
      name = "-k";
      value = arg.substr(2);
      has_value = true;
    }
    auto take = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= args.size()) throw usage_error("option " + name + " needs a value");
      return args[++i];
    };
    auto no_value = [&] {
      if (has_value) throw usage_error("option " + name + " takes no value");
    };
    if (name == "-k" || name == "--rank") {
      ranks_text = take();
    } else if (name == "--nrun") {
      r.nrun = parse_count(name, take(), 1, std::numeric_limits<int32_t>::max());
    } else if (name == "--randomize" && !single_rank) {
      no_value();
      r.randomize = true;
    } else if (name == "--cv" && !single_rank) {
      no_value();
      r.cv = true;
    } else if (name == "--cv-groups" && !single_rank) {
      const std::string v = take();
      const size_t x = v.find_first_of("x:");
      if (x == std::string::npos)
        throw usage_error(name + ": expected ROWSxCOLS (e.g. 2x2), got " + quoted(v));
      r.cv_row_groups = int32_t(parse_count(name, v.substr(0, x), 2, 1000000));
      r.cv_col_groups = int32_t(parse_count(name, v.substr(x + 1), 2, 1000000));
      r.cv = true;
    } else if (name == "--cv-reps" && !single_rank) {
      r.cv_reps = int32_t(parse_count(name, take(), 1, 1000000));
      r.cv = true;
    } else {
      rest.push_back(arg);
    }
  }
  if (ranks_text.empty()) throw usage_error("missing -k (the rank" + std::string(single_rank ? ")" : "s, e.g. -k 2:6)"));
  r.ranks = parse_rank_list("-k", ranks_text);
  if (single_rank && r.ranks.size() != 1)
    throw usage_error("-k: nmf consensus takes one rank (use nmf rank for several), got " +
                      quoted(ranks_text));
  // The fit options, with a placeholder rank (ours is checked above).
  rest.push_back("-k");
  rest.push_back("1");
  r.fit = parse_fit_args(rest);
  if (!r.fit.w_init.empty() || !r.fit.h_init.empty() || !r.fit.fix_w.empty() ||
      !r.fit.fix_h.empty())
    throw usage_error("--w-init, --h-init, --fix-w and --fix-h do not apply: the runs "
                      "start from --init (random by default)");
  if (r.fit.options.init == NMF_INIT_NNDSVD || r.fit.options.init == NMF_INIT_NNDSVDA)
    throw usage_error(std::string("--init ") + init_name(r.fit.options.init) +
                      " is deterministic: every run would be the same; use random or "
                      "nndsvdar");
  return r;
}

}  // namespace nmfcli
