// The memory estimate (system_memory.hpp) from what a probe written here
// reports: /proc/meminfo, cgroup v2 and v1 limits ("max", numbers, missing
// files) and the address-space limit; then a probe installed in place of the
// host's must be the one the C ABI and a fit's memory check consult.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nmf.h"
#include "nmf/system_memory.hpp"

namespace {

// A host given as a map from path to file text; files not in it are missing.
class FakeSystem final : public nmf::SystemProbe {
 public:
  std::map<std::string, std::string> files;
  int64_t physical = -1;
  int64_t as_limit = -1;
  bool read_text(const char* path, std::string& text) const override {
    auto it = files.find(path);
    if (it == files.end()) return false;
    text = it->second;
    return true;
  }
  int64_t physical_bytes() const override { return physical; }
  int64_t address_space_limit() const override { return as_limit; }
};

constexpr int64_t kMiB = 1048576;

// MemAvailable of `kib` among other lines, as /proc/meminfo writes it.
std::string meminfo(int64_t kib) {
  return "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:   " +
         std::to_string(kib) + " kB\nBuffers:          100 kB\n";
}

TEST(SystemMemory, MemAvailableIsReadInKibibytes) {
  FakeSystem s;
  s.files["/proc/meminfo"] = meminfo(2048);
  s.physical = 999 * kMiB;  // used only without MemAvailable
  EXPECT_EQ(nmf::available_memory_bytes(s), 2048 * 1024);
}

TEST(SystemMemory, WithoutMeminfoThePhysicalMemoryCounts) {
  FakeSystem s;
  s.physical = 64 * kMiB;
  EXPECT_EQ(nmf::available_memory_bytes(s), 64 * kMiB);
  s.files["/proc/meminfo"] = "MemTotal: 100 kB\n";  // no MemAvailable line
  EXPECT_EQ(nmf::available_memory_bytes(s), 64 * kMiB);
}

TEST(SystemMemory, NothingKnownIsMinusOne) {
  FakeSystem s;
  EXPECT_EQ(nmf::available_memory_bytes(s), -1);
}

TEST(SystemMemory, CgroupV2LimitLessUsage) {
  FakeSystem s;
  s.files["/proc/meminfo"] = meminfo(1000 * 1024);  // 1000 MiB on the host
  s.files["/sys/fs/cgroup/memory.max"] = "524288000\n";  // 500 MiB
  s.files["/sys/fs/cgroup/memory.current"] = "209715200\n";  // 200 MiB used
  EXPECT_EQ(nmf::available_memory_bytes(s), 300 * kMiB);
  // Usage unknown: the whole limit.
  s.files.erase("/sys/fs/cgroup/memory.current");
  EXPECT_EQ(nmf::available_memory_bytes(s), 500 * kMiB);
  // A limit above what the host has does not raise the estimate.
  s.files["/sys/fs/cgroup/memory.max"] = std::to_string(4000 * kMiB) + "\n";
  EXPECT_EQ(nmf::available_memory_bytes(s), 1000 * kMiB);
}

TEST(SystemMemory, CgroupV2MaxIsNoLimit) {
  FakeSystem s;
  s.files["/proc/meminfo"] = meminfo(1000 * 1024);
  s.files["/sys/fs/cgroup/memory.max"] = "max\n";
  s.files["/sys/fs/cgroup/memory.current"] = "209715200\n";
  EXPECT_EQ(nmf::available_memory_bytes(s), 1000 * kMiB);
}

TEST(SystemMemory, CgroupV1LimitAndItsUnlimitedValue) {
  FakeSystem s;
  s.files["/proc/meminfo"] = meminfo(1000 * 1024);
  s.files["/sys/fs/cgroup/memory/memory.limit_in_bytes"] = std::to_string(256 * kMiB) + "\n";
  s.files["/sys/fs/cgroup/memory/memory.usage_in_bytes"] = std::to_string(56 * kMiB) + "\n";
  EXPECT_EQ(nmf::available_memory_bytes(s), 200 * kMiB);
  // v1 writes "no limit" as a huge page-rounded number.
  s.files["/sys/fs/cgroup/memory/memory.limit_in_bytes"] = "9223372036854771712\n";
  EXPECT_EQ(nmf::available_memory_bytes(s), 1000 * kMiB);
}

TEST(SystemMemory, UsageAboveTheLimitLeavesNothing) {
  FakeSystem s;
  s.files["/proc/meminfo"] = meminfo(1000 * 1024);
  s.files["/sys/fs/cgroup/memory.max"] = std::to_string(100 * kMiB);
  s.files["/sys/fs/cgroup/memory.current"] = std::to_string(100 * kMiB);
  EXPECT_EQ(nmf::available_memory_bytes(s), 0);
}

TEST(SystemMemory, AddressSpaceLimitLessWhatIsMapped) {
  FakeSystem s;
  s.files["/proc/meminfo"] = meminfo(1000 * 1024);
  s.as_limit = 300 * kMiB;
  s.files["/proc/self/status"] = "Name:\tnmf\nVmPeak:\t 999999 kB\nVmSize:\t  102400 kB\n";
  EXPECT_EQ(nmf::available_memory_bytes(s), 200 * kMiB);
  // Without VmSize the limit cannot be set against anything.
  s.files.erase("/proc/self/status");
  EXPECT_EQ(nmf::available_memory_bytes(s), 1000 * kMiB);
  // No limit: VmSize does not matter.
  s.as_limit = -1;
  s.files["/proc/self/status"] = "VmSize:\t 4096000000 kB\n";
  EXPECT_EQ(nmf::available_memory_bytes(s), 1000 * kMiB);
}

// Installs a probe for the scope of a test.
struct Installed {
  const nmf::SystemProbe* previous;
  explicit Installed(const nmf::SystemProbe* p) : previous(nmf::install_system_probe(p)) {}
  ~Installed() { nmf::install_system_probe(previous); }
};

TEST(SystemMemory, TheInstalledProbeIsTheOneTheLibraryAsks) {
  FakeSystem s;
  s.files["/proc/meminfo"] = meminfo(1024);  // 1 MiB
  {
    Installed use(&s);
    EXPECT_EQ(nmf_available_memory(), kMiB);
    // A fit of 2000 x 1000 at rank 20 needs about 2 MiB: refused before any
    // allocation, naming the 1 MiB the probe reported.
    const int64_t m = 2000, n = 1000, k = 20;
    std::vector<double> a(size_t(m * n), 1.0), w(size_t(m * k)), d(static_cast<size_t>(k)),
        h(size_t(k * n));
    nmf_options o;
    nmf_options_init(&o, sizeof o);
    nmf_result r;
    nmf_result_init(&r, sizeof r);
    const int32_t rc = nmf_fit_dense_d(a.data(), m, n, m, k, w.data(), d.data(), h.data(), &o, &r);
    EXPECT_EQ(rc, NMF_ERR_OUT_OF_MEMORY);
    EXPECT_NE(std::string(nmf_last_error_message()).find("only 1 MiB are available"),
              std::string::npos)
        << nmf_last_error_message();
  }
  // Restored: the host's probe is the installed one again.
  EXPECT_EQ(nmf::install_system_probe(nullptr), &nmf::host_system());
}

}  // namespace
