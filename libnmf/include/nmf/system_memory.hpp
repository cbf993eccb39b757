// How much memory this process may still use: read from the operating
// system (/proc/meminfo, the cgroup limits, RLIMIT_AS) at the edge of the
// core, through a probe that tests replace.  The algorithms only ever ask
// available_memory_bytes(); they never read files themselves.
#pragma once
#include <cstdint>
#include <string>

namespace nmf {

// What the memory estimate reads from the host.
class SystemProbe {
 public:
  virtual ~SystemProbe() = default;
  // The whole text of the file at path; false when it cannot be read.
  virtual bool read_text(const char* path, std::string& text) const = 0;
  // Physical memory in bytes (sysconf), or -1 if unknown.
  virtual int64_t physical_bytes() const = 0;
  // The address-space limit (RLIMIT_AS) in bytes, or -1 for none.
  virtual int64_t address_space_limit() const = 0;
};

// The probe that reads this host.
const SystemProbe& host_system();

// Bytes of memory available, or -1 if unknown, from what probe reports:
// the least of MemAvailable (else physical memory), the container's cgroup
// memory limit less its usage (v2 memory.max, then v1
// memory.limit_in_bytes; "max" or a v1 limit of 2^60 or more is no limit),
// and the address-space limit less what the process maps (VmSize).
int64_t available_memory_bytes(const SystemProbe& probe);

// The same from the installed probe (host_system() unless replaced).
int64_t available_memory_bytes();

// Installs probe (nullptr: the host's) for every later estimate and returns
// the previous one.  For tests; not thread-safe against running fits.
const SystemProbe* install_system_probe(const SystemProbe* probe);

}  // namespace nmf
