#include "text.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "text_limits.hpp"

namespace nmfcli {

namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool is_missing_token(std::string_view s) {
  return s.empty() || s == "NA" || s == "N/A" || s == "#N/A" || s == "na" ||
         s == "null" || s == "NULL";
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  unsigned min_code;
  unsigned code;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { len = 2; code = c & 0x1F; min_code = 0x80; }
  else if ((c & 0xF0) == 0xE0) { len = 3; code = c & 0x0F; min_code = 0x800; }
  else if ((c & 0xF8) == 0xF0) { len = 4; code = c & 0x07; min_code = 0x10000; }
  else return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    code = (code << 6) | (cc & 0x3F);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
    return 0;  // overlong, out of range or a surrogate
  return len;
}

}  // namespace

std::string split_fields(std::string_view line, char delimiter,
                         std::vector<std::string_view> *fields,
                         std::deque<std::string> *scratch) {
  fields->clear();
  scratch->clear();
  const size_t max_field = static_cast<size_t>(max_field_length());
  size_t i = 0;
  const size_t n = line.size();
  for (;;) {
    size_t start = i;
    while (i < n && line[i] == ' ' && delimiter != ' ') ++i;
    if (i < n && line[i] == '"') {
      size_t open = i++;
      std::string unescaped;
      bool needs_copy = false;
      size_t content = i;
      for (;;) {
        if (i >= n) {
          return "unterminated quoted field starting at column " +
                 std::to_string(fields->size() + 1) + " (character " +
                 std::to_string(open + 1) + ")";
        }
        if (line[i] == '"') {
          if (i + 1 < n && line[i + 1] == '"') {  // "" = one quote
            if (!needs_copy) unescaped.assign(line.substr(content, i - content));
            needs_copy = true;
            unescaped.push_back('"');
            i += 2;
            continue;
          }
          break;
        }
        if (needs_copy) unescaped.push_back(line[i]);
        ++i;
      }
      std::string_view value = line.substr(content, i - content);
      ++i;  // closing quote
      while (i < n && line[i] == ' ' && delimiter != ' ') ++i;
      if (i < n && line[i] != delimiter) {
        return "unexpected text after the closing quote in column " +
               std::to_string(fields->size() + 1);
      }
      if (needs_copy) {
        scratch->push_back(std::move(unescaped));
        value = scratch->back();
      }
      if (value.size() > max_field)
        return field_too_long_reason(fields->size() + 1, value.size());
      fields->push_back(value);
    } else {
      size_t end = line.find(delimiter, i);
      if (end == std::string_view::npos) end = n;
      const std::string_view value = trim_spaces(line.substr(start, end - start));
      if (value.size() > max_field)
        return field_too_long_reason(fields->size() + 1, value.size());
      fields->push_back(value);
      i = end;
    }
    if (i >= n) break;
    ++i;  // the delimiter
    if (i == n) {  // a trailing delimiter ends an empty last field
      fields->push_back(std::string_view());
      break;
    }
  }
  return std::string();
}

NumberStatus parse_number(std::string_view text, double *value) {
  std::string_view s = text;
  if (is_missing_token(s)) return NumberStatus::kMissing;
  if (s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-' || s.front() == '+')
      return NumberStatus::kNotANumber;
  }
  const char *first = s.data();
  const char *last = s.data() + s.size();
  double v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ptr != last) return NumberStatus::kNotANumber;
  if (ec == std::errc::invalid_argument) return NumberStatus::kNotANumber;
  if (ec == std::errc::result_out_of_range) {
    // Tell overflow from underflow; an underflow is a harmless zero.
    std::string copy(s);
    errno = 0;
    double w = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(w)) return NumberStatus::kOutOfRange;
    v = w;
  }
  if (!std::isfinite(v)) return NumberStatus::kNotFinite;
  *value = v;
  return NumberStatus::kOk;
}

bool parse_int64(std::string_view text, long long *value) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const char *last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), last, *value, 10);
  return ec == std::errc() && ptr == last;
}

std::string check_name(std::string_view name) {
  for (size_t i = 0; i < name.size();) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7F) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "control character 0x%02X", c);
      return buf;
    }
    size_t len = utf8_sequence_length(name, i);
    if (len == 0) {
      char buf[96];
      std::snprintf(buf, sizeof buf,
                    "invalid UTF-8 (byte 0x%02X at offset %zu); "
                    "re-encode the file as UTF-8", c, i);
      return buf;
    }
    i += len;
  }
  return std::string();
}

std::string quoted(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string out = "'";
  size_t shown = 0;
  for (size_t i = 0; i < text.size(); ++shown) {
    if (shown == kMax) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = utf8_sequence_length(text, i);
    if (c < 0x20 || c == 0x7F || len == 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  out += "'";
  return out;
}

std::string_view strip_bom(std::string_view line) {
  if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF")
    line.remove_prefix(3);
  return line;
}

std::string plural(long long count, const char *singular,
                   const char *plural_form) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural_form);
}

}  // namespace nmfcli
