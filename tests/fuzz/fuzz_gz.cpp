// libFuzzer harness: gzip-compressed input through the tool's format
// detection (load_input: Matrix Market or table, sniffed from the content).
// First byte, bit 0: the rest is a raw (usually corrupt) gzip stream;
// otherwise the rest is compressed here and the stream cut after a fraction
// (second byte / 255) of its bytes, which exercises truncated files with a
// valid start.  Bit 1: transpose.
#include <zlib.h>

#include <vector>

#include "load_input.hpp"
#include "reader_checks.hpp"

namespace {

std::vector<uint8_t> gzip(const uint8_t *data, size_t size) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fuzz::fail("deflateInit2");
  std::vector<uint8_t> out(deflateBound(&z, uLong(size)) + 32);
  z.next_in = const_cast<Bytef *>(data);
  z.avail_in = uInt(size);
  z.next_out = out.data();
  z.avail_out = uInt(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) fuzz::fail("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::Bytes in(data, size);
  const uint8_t mode = in.u8();
  std::vector<uint8_t> bytes;
  if (mode & 1) {
    bytes.assign(in.rest(), in.rest() + in.left());
  } else {
    const uint8_t cut = in.u8();
    bytes = gzip(in.rest(), in.left());
    if (cut != 255) bytes.resize(bytes.size() * cut / 255);
  }
  fuzz::MemFile file(bytes.data(), bytes.size());
  fuzz::expect_read_or_refusal([&] {
    nmfcli::InputInfo info;
    fuzz::check_matrix(nmfcli::load_input<double>(file.path(), mode & 2, &info));
  });
  return 0;
}
