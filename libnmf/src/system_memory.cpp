// The memory estimate (system_memory.hpp): the parsing of what the host
// reports, and the one probe that reads the host.
#include "nmf/system_memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

namespace nmf {

namespace {

// The first integer after `key` in a /proc-style "key value" text, or -1.
int64_t keyed_value(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    std::istringstream fields(line.substr(key.size()));
    int64_t value;
    if (fields >> value) return value;
    return -1;
  }
  return -1;
}

// The single integer of a text such as memory.max's, or -1 ("max").
int64_t number_value(const std::string& text) {
  std::istringstream in(text);
  int64_t value;
  if (in >> value) return value;
  return -1;
}

// A file's keyed value or number, -1 when the probe cannot read it.
int64_t read_keyed(const SystemProbe& probe, const char* path, const char* key) {
  std::string text;
  return probe.read_text(path, text) ? keyed_value(text, key) : -1;
}
int64_t read_number(const SystemProbe& probe, const char* path) {
  std::string text;
  return probe.read_text(path, text) ? number_value(text) : -1;
}

void take_min(int64_t& avail, int64_t candidate) {
  if (candidate >= 0 && (avail < 0 || candidate < avail)) avail = candidate;
}

class HostSystem final : public SystemProbe {
 public:
  bool read_text(const char* path, std::string& text) const override {
    std::ifstream in(path);
    if (!in) return false;
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
    return true;
  }
  int64_t physical_bytes() const override {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? int64_t(pages) * int64_t(page) : -1;
  }
  int64_t address_space_limit() const override {
    struct rlimit lim;
    if (getrlimit(RLIMIT_AS, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return -1;
    return int64_t(lim.rlim_cur);
  }
};

const HostSystem kHost;
std::atomic<const SystemProbe*> installed{&kHost};

}  // namespace

const SystemProbe& host_system() { return kHost; }

int64_t available_memory_bytes(const SystemProbe& probe) {
  int64_t avail = -1;
  const int64_t meminfo = read_keyed(probe, "/proc/meminfo", "MemAvailable:");
  avail = meminfo >= 0 ? meminfo * 1024 : probe.physical_bytes();
  // A container's memory limit (cgroup v2, then v1): MemAvailable shows the
  // host's memory, and exceeding the limit gets the process killed.
  const int64_t v2_max = read_number(probe, "/sys/fs/cgroup/memory.max");
  if (v2_max > 0) {
    const int64_t used = read_number(probe, "/sys/fs/cgroup/memory.current");
    take_min(avail, v2_max - std::max<int64_t>(used, 0));
  }
  const int64_t v1_max = read_number(probe, "/sys/fs/cgroup/memory/memory.limit_in_bytes");
  if (v1_max > 0 && v1_max < (int64_t(1) << 60)) {
    const int64_t used = read_number(probe, "/sys/fs/cgroup/memory/memory.usage_in_bytes");
    take_min(avail, v1_max - std::max<int64_t>(used, 0));
  }
  // The address-space limit (ulimit -v) of this process, less what it maps.
  const int64_t limit = probe.address_space_limit();
  if (limit >= 0) {
    const int64_t mapped_kib = read_keyed(probe, "/proc/self/status", "VmSize:");
    if (mapped_kib >= 0) take_min(avail, std::max<int64_t>(0, limit - mapped_kib * 1024));
  }
  return avail;
}

int64_t available_memory_bytes() { return available_memory_bytes(*installed.load()); }

const SystemProbe* install_system_probe(const SystemProbe* probe) {
  return installed.exchange(probe ? probe : &kHost);
}

}  // namespace nmf
