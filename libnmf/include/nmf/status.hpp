// Status values of the core: errors are values, never exceptions or output.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace nmf {

// The codes are pinned: they are the C ABI's NMF_* values (capi/include/nmf.h).
enum Code : int32_t {
  kOk = 0,
  kCancelled = 1,
  kErrNullPointer = -1,
  kErrInvalidArgument = -2,
  kErrDimension = -3,
  kErrRank = -4,
  kErrNegative = -5,
  kErrNotFinite = -6,
  kErrSparseStructure = -7,
  kErrStructSize = -8,
  kErrOutOfMemory = -9,
  kErrTooLarge = -10,
  kErrNumerical = -11,
  kErrInternal = -12,
};

// v as the shortest "%.17g" text, for messages that quote a value exactly.
inline std::string exact_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

struct Status {
  int32_t code = kOk;
  std::string message;
  char matrix = 0;    // 'A', 'W', 'H' when the error concerns one matrix entry
  int64_t row = -1;   // 0-based location of that entry, -1 when not applicable
  int64_t col = -1;

  bool ok() const { return code == kOk; }
  static Status error(int32_t c, std::string msg) {
    Status s;
    s.code = c;
    s.message = std::move(msg);
    return s;
  }
  static Status at(int32_t c, std::string msg, char mat, int64_t r, int64_t cl) {
    Status s = error(c, std::move(msg));
    s.matrix = mat;
    s.row = r;
    s.col = cl;
    return s;
  }
};

}  // namespace nmf
