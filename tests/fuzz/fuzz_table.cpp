// libFuzzer harness: the TSV/CSV reader (read_table) on arbitrary bytes.
// First byte: delimiter (auto, tab, comma), transpose, float or double.
#include "read_table.hpp"
#include "reader_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::Bytes in(data, size);
  const uint8_t mode = in.u8();
  char delimiter = "\0\t,\0"[mode & 3];
  const bool transpose = mode & 4;
  fuzz::MemFile file(in.rest(), in.left());
  fuzz::expect_read_or_refusal([&] {
    if (mode & 8) {
      fuzz::check_matrix(nmfcli::read_table<float>(file.path(), &delimiter, transpose));
    } else {
      fuzz::check_matrix(nmfcli::read_table<double>(file.path(), &delimiter, transpose));
    }
    FUZZ_CHECK(delimiter == '\t' || delimiter == ',', "delimiter not set");
  });
  return 0;
}
