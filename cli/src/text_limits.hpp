// Bounds on the text the readers accept: a line and a field (a name or a
// cell).  A small file can decompress to gigabytes (a gzip of zero bytes
// shrinks about 1000 times); without a bound one "line" of it is read whole
// into memory before anything can be said about it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nmfcli {

// The longest line, in bytes without the line break: NMF_MAX_LINE_LENGTH,
// default 16 MiB.
int64_t max_line_length();

// The longest field of a table or name file (a name or a cell), in bytes:
// NMF_MAX_FIELD_LENGTH, default 64 KiB.
int64_t max_field_length();

// Parses a size in bytes: "1048576", or with a binary suffix K, M, G or T
// (optionally followed by "iB" or "B"): "256M", "64KiB", "1G".  -1 if the
// text is not a positive size that fits in int64_t.
int64_t parse_byte_size(std::string_view text);

// "16 MiB", "64 KiB", "1000 bytes": the largest binary unit dividing bytes.
std::string format_byte_size(int64_t bytes);

// The error text for a line longer than max_line_length() and for a field
// longer than max_field_length(): the limit and how to raise it.
std::string line_too_long_reason();
std::string field_too_long_reason(size_t field_number, size_t length);

}  // namespace nmfcli
