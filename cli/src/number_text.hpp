// Numbers and strings as the output files write them: the shortest text
// that reads back as exactly the same value (C++17 to_chars).
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace nmfcli {

template <typename T>
void append_number(std::string &out, T v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

template <typename T>
std::string number_text(T v) {
  std::string s;
  append_number(s, v);
  return s;
}

// In a table: NaN (a value not computed) as NA, as R reads it.
inline void append_table_number(std::string &out, double v) {
  if (std::isnan(v)) out += "NA";
  else append_number(out, v);
}

// A JSON number, or null if not finite.
template <typename T>
void append_json_number(std::string &out, T v) {
  if (std::isfinite(v)) append_number(out, v);
  else out += "null";
}

// A JSON string, quoted and escaped.
void append_json_string(std::string &out, const std::string &s);
std::string json_string(const std::string &s);

}  // namespace nmfcli
