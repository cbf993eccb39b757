// libFuzzer harness: the Matrix Market reader (read_mtx) on arbitrary bytes.
// First byte: transpose, float or double.
#include "read_mtx.hpp"
#include "reader_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::Bytes in(data, size);
  const uint8_t mode = in.u8();
  fuzz::MemFile file(in.rest(), in.left());
  fuzz::expect_read_or_refusal([&] {
    if (mode & 2) {
      fuzz::check_matrix(nmfcli::read_mtx<float>(file.path(), mode & 1), false);
    } else {
      fuzz::check_matrix(nmfcli::read_mtx<double>(file.path(), mode & 1), false);
    }
  });
  return 0;
}
