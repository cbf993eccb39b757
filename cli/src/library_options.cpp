#include "library_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

#include "cli_error.hpp"
#include "text.hpp"

namespace nmfcli {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

char *field(nmf_options &opts, const nmf_option_desc &d) {
  return reinterpret_cast<char *>(&opts) + d.offset;
}

// "in [0, 1)", ">= 0", ... for the bounds of d.
std::string bounds_text(const nmf_option_desc &d) {
  const bool lo = std::isfinite(d.min), hi = std::isfinite(d.max);
  if (lo && hi)
    return std::string("in ") + (d.min_excluded ? "(" : "[") + number(d.min) + ", " +
           number(d.max) + (d.max_excluded ? ")" : "]");
  if (lo) return std::string(d.min_excluded ? "> " : ">= ") + number(d.min);
  if (hi) return std::string(d.max_excluded ? "< " : "<= ") + number(d.max);
  return "";
}

bool within(const nmf_option_desc &d, double v) {
  return (d.min_excluded ? v > d.min : v >= d.min) && (d.max_excluded ? v < d.max : v <= d.max);
}

std::string choices_text(int32_t index, int32_t n, const char *sep) {
  std::string s;
  for (int32_t j = 0; j < n; ++j) {
    s += j ? sep : "";
    s += nmf_option_choice(index, j, nullptr);
  }
  return s;
}

uint64_t parse_unsigned(const std::string &flag, const std::string &text) {
  uint64_t v = 0;
  bool ok = !text.empty() && text.size() <= 20;
  for (char c : text) {
    if (!ok) break;
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    const unsigned digit = static_cast<unsigned>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) ok = false;
    v = v * 10 + digit;
  }
  if (!ok)
    throw usage_error(flag + ": expected an integer 0.." +
                      std::to_string(std::numeric_limits<uint64_t>::max()) + ", got " +
                      quoted(text));
  return v;
}

// Wraps text to lines of at most width characters, each after indent.
std::string wrap(const std::string &text, size_t width, const std::string &indent) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

}  // namespace

const std::vector<LibraryOption> &library_options() {
  static const std::vector<LibraryOption> options = [] {
    std::vector<LibraryOption> v;
    for (int32_t i = 0; i < nmf_option_count(); ++i) {
      LibraryOption o;
      std::memset(&o.desc, 0, sizeof o.desc);
      o.desc.struct_size = sizeof o.desc;
      if (nmf_option_info(i, &o.desc) != NMF_OK) continue;
      o.index = i;
      std::string name = o.desc.name;
      if (name == "n_threads") name = "threads";
      std::replace(name.begin(), name.end(), '_', '-');
      o.flag = "--" + name;
      v.push_back(o);
    }
    return v;
  }();
  return options;
}

void set_library_option(nmf_options &opts, const LibraryOption &o, const std::string &text) {
  const nmf_option_desc &d = o.desc;
  char *p = field(opts, d);
  switch (d.type) {
    case NMF_OPTION_CHOICE: {
      int32_t v;
      if (nmf_choice_value(d.name, text.c_str(), &v) != NMF_OK)
        throw usage_error(o.flag + ": unknown value " + quoted(text) + " (choose " +
                          choices_text(o.index, d.n_choices, ", ") + ")");
      std::memcpy(p, &v, sizeof v);
      return;
    }
    case NMF_OPTION_UINT64: {
      const uint64_t v = parse_unsigned(o.flag, text);
      std::memcpy(p, &v, sizeof v);
      return;
    }
    case NMF_OPTION_INT:
    case NMF_OPTION_INT64: {
      long long v;
      if (!parse_int64(text, &v))
        throw usage_error(o.flag + ": expected an integer, got " + quoted(text));
      const double hi = d.type == NMF_OPTION_INT ? double(std::numeric_limits<int32_t>::max())
                                                 : double(std::numeric_limits<int64_t>::max());
      if (!within(d, double(v)) || double(v) > hi)
        throw usage_error(o.flag + ": must be " +
                          (std::isfinite(d.max) ? bounds_text(d)
                                                : bounds_text(d) + " and <= " + number(hi)) +
                          ", got " + text);
      if (d.type == NMF_OPTION_INT) {
        const int32_t x = int32_t(v);
        std::memcpy(p, &x, sizeof x);
      } else {
        const int64_t x = v;
        std::memcpy(p, &x, sizeof x);
      }
      return;
    }
    default: {
      double v;
      if (parse_number(text, &v) != NumberStatus::kOk)
        throw usage_error(o.flag + ": expected a finite number, got " + quoted(text));
      if (!within(d, v))
        throw usage_error(o.flag + ": must be " + bounds_text(d) + ", got " + text);
      std::memcpy(p, &v, sizeof v);
    }
  }
}

std::string library_option_text(const nmf_options &opts, const LibraryOption &o) {
  const char *p = reinterpret_cast<const char *>(&opts) + o.desc.offset;
  switch (o.desc.type) {
    case NMF_OPTION_CHOICE: {
      int32_t v;
      std::memcpy(&v, p, sizeof v);
      return choice_text(o.desc.name, v);
    }
    case NMF_OPTION_INT: {
      int32_t v;
      std::memcpy(&v, p, sizeof v);
      return std::to_string(v);
    }
    case NMF_OPTION_INT64: {
      int64_t v;
      std::memcpy(&v, p, sizeof v);
      return std::to_string(v);
    }
    case NMF_OPTION_UINT64: {
      uint64_t v;
      std::memcpy(&v, p, sizeof v);
      return std::to_string(v);
    }
    default: {
      double v;
      std::memcpy(&v, p, sizeof v);
      return number(v);
    }
  }
}

std::string library_options_usage() {
  nmf_options defaults;
  nmf_options_init(&defaults, sizeof defaults);
  std::string s;
  for (const LibraryOption &o : library_options()) {
    const nmf_option_desc &d = o.desc;
    std::string head = "  " + o.flag + " " +
                       (d.type == NMF_OPTION_CHOICE ? "NAME"
                        : d.type == NMF_OPTION_REAL ? "X"
                                                    : "N");
    std::string text = d.help;
    if (d.type == NMF_OPTION_CHOICE) {
      text += " (" + choices_text(o.index, d.n_choices, ", ") + ")";
    } else if (!bounds_text(d).empty() && d.type != NMF_OPTION_UINT64) {
      text += "; " + bounds_text(d);
    }
    text += " (default " + library_option_text(defaults, o) + ")";
    const std::string indent(24, ' ');
    if (head.size() + 2 <= indent.size()) {
      std::string body = wrap(text, 78 - indent.size(), indent);
      s += head + body.substr(head.size());
    } else {
      s += head + "\n" + wrap(text, 78 - indent.size(), indent);
    }
  }
  return s;
}

const char *choice_text(const char *option, int32_t value) {
  const char *name = nmf_choice_name(option, value);
  return name ? name : "unknown";
}

}  // namespace nmfcli
