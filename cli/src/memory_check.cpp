#include "memory_check.hpp"

#include <atomic>

#include "cli_error.hpp"
#include "nmf.h"

namespace nmfcli {

namespace {
std::atomic<int64_t> g_limit{-1};
}  // namespace

int64_t memory_available() {
  int64_t avail = nmf_available_memory();
  const int64_t limit = g_limit.load();
  if (limit >= 0 && (avail < 0 || limit < avail)) avail = limit;
  return avail;
}

void set_memory_limit(int64_t bytes) { g_limit.store(bytes); }

void check_memory(double bytes, const std::string &what) {
  const int64_t avail = memory_available();
  if (avail < 0 || bytes <= double(avail)) return;
  const double mib = bytes / 1048576.0;
  throw input_error("not enough memory for " + what + ": about " +
                    (mib < 9.2e18 ? std::to_string(static_cast<long long>(mib))
                                  : std::string("more than 2^63")) +
                    " MiB needed, " + std::to_string(avail / 1048576) +
                    " MiB available");
}

}  // namespace nmfcli
