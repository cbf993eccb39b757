// Helpers shared by the fuzzing harnesses: reading the fuzzer's bytes as
// parameters, an in-memory file with a path (memfd) for the file readers,
// and a check that stops the run when a property is broken.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fuzz {

// A property of the code under test is broken: report and stop (libFuzzer
// then saves the input as a crash).
[[noreturn]] inline void fail(const char *what, const std::string &detail = "") {
  std::fprintf(stderr, "fuzz property broken: %s %s\n", what, detail.c_str());
  std::abort();
}
#define FUZZ_CHECK(cond, detail) \
  do {                           \
    if (!(cond)) ::fuzz::fail(#cond, detail); \
  } while (0)

// Consumes the fuzzer's bytes front to back; zeros once they run out.
class Bytes {
 public:
  Bytes(const uint8_t *p, size_t n) : p_(p), n_(n) {}
  uint8_t u8() { return n_ ? (--n_, *p_++) : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | u8();
    return v;
  }
  double f64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | u8();
    double d;
    std::memcpy(&d, &v, sizeof d);
    return d;
  }
  const uint8_t *rest() const { return p_; }
  size_t left() const { return n_; }

 private:
  const uint8_t *p_;
  size_t n_;
};

// The bytes as a file the readers can open by path (/proc/self/fd/N),
// without touching the disk.
class MemFile {
 public:
  MemFile(const uint8_t *data, size_t size) {
    fd_ = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (fd_ < 0) fail("memfd_create failed");
    size_t done = 0;
    while (done < size) {
      ssize_t w = write(fd_, data + done, size - done);
      if (w <= 0) fail("write to memfd failed");
      done += size_t(w);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { close(fd_); }
  MemFile(const MemFile &) = delete;
  MemFile &operator=(const MemFile &) = delete;
  const std::string &path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace fuzz
