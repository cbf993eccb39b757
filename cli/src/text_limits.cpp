#include "text_limits.hpp"

#include <cctype>
#include <cstdlib>
#include <limits>

#include "cli_error.hpp"

namespace nmfcli {

namespace {

constexpr int64_t kDefaultMaxLine = int64_t(16) << 20;
constexpr int64_t kDefaultMaxField = int64_t(64) << 10;

// The value of the variable, or the default; a value that is not a size is
// a usage error (exit status 2) naming the variable.
int64_t limit_from_environment(const char *variable, int64_t fallback) {
  const char *text = std::getenv(variable);
  if (text == nullptr || *text == '\0') return fallback;
  const int64_t bytes = parse_byte_size(text);
  if (bytes < 0) {
    throw usage_error(std::string(variable) + "='" + text +
                      "' is not a size: give bytes, or a number with K, M or G "
                      "(e.g. 256M)");
  }
  return bytes;
}

}  // namespace

int64_t max_line_length() {
  static const int64_t limit =
      limit_from_environment("NMF_MAX_LINE_LENGTH", kDefaultMaxLine);
  return limit;
}

int64_t max_field_length() {
  static const int64_t limit =
      limit_from_environment("NMF_MAX_FIELD_LENGTH", kDefaultMaxField);
  return limit;
}

int64_t parse_byte_size(std::string_view text) {
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
    if (value > uint64_t(std::numeric_limits<int64_t>::max())) return -1;
    ++i;
  }
  if (i == 0 || value == 0) return -1;
  std::string_view suffix = text.substr(i);
  int shift = 0;
  if (!suffix.empty()) {
    switch (std::toupper(static_cast<unsigned char>(suffix[0]))) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
      case 'T': shift = 40; break;
      case 'B': shift = 0; break;
      default: return -1;
    }
    suffix.remove_prefix(1);
    if (shift > 0 && (suffix == "iB" || suffix == "ib" || suffix == "B" || suffix == "b"))
      suffix = std::string_view();
    if (!suffix.empty()) return -1;
  }
  if (value > (uint64_t(std::numeric_limits<int64_t>::max()) >> shift)) return -1;
  return static_cast<int64_t>(value << shift);
}

std::string format_byte_size(int64_t bytes) {
  static const char *const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (unit < 4 && bytes % 1024 == 0 && bytes >= 1024) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + " " + kUnits[unit];
}

std::string line_too_long_reason() {
  return "line longer than the limit of " + format_byte_size(max_line_length()) +
         " (a corrupt or decompression-bomb file?); set NMF_MAX_LINE_LENGTH to "
         "raise it, e.g. NMF_MAX_LINE_LENGTH=256M";
}

std::string field_too_long_reason(size_t field_number, size_t length) {
  return "field " + std::to_string(field_number) + " is " + std::to_string(length) +
         " bytes, longer than the limit of " + format_byte_size(max_field_length()) +
         "; set NMF_MAX_FIELD_LENGTH to raise it, e.g. NMF_MAX_FIELD_LENGTH=1M";
}

}  // namespace nmfcli
