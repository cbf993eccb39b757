// Line-by-line reading of plain or gzip-compressed text files.
#pragma once

#include <string>
#include <string_view>

namespace nmfcli {

// Reads lines from a plain or gzip-compressed file (zlib reads both
// transparently; "-" is standard input).  A line longer than
// max_line_length() (text_limits.hpp) is an error as soon as that many bytes
// are read without a line break, so a decompression bomb costs a bounded
// amount of memory and time; the buffer grows only within memory_available().
// Errors, including a truncated or corrupt gzip stream, are thrown as input
// errors naming the file (and line).
class LineReader {
 public:
  explicit LineReader(const std::string &path);
  ~LineReader();
  LineReader(const LineReader &) = delete;
  LineReader &operator=(const LineReader &) = delete;

  // The next line without its "\n" or "\r\n"; false at the end of the file.
  // The view stays valid until the next call.
  bool next(std::string_view &line);

  // 1-based number of the line last returned by next().
  long long line_number() const { return line_number_; }
  // The path for messages ("<stdin>" for "-").
  const std::string &path() const { return path_; }

 private:
  void fill();  // read more bytes after end_, growing the buffer if needed

  std::string path_;
  void *gz_ = nullptr;  // gzFile; kept opaque so zlib.h stays out of headers
  std::string buffer_;
  size_t begin_ = 0;  // start of the unread bytes in buffer_
  size_t end_ = 0;    // end of the bytes read so far
  size_t scan_ = 0;   // bytes in [begin_, scan_) are known to hold no '\n'
  size_t max_line_ = 0;  // max_line_length(), read once
  bool eof_ = false;
  long long line_number_ = 0;
};

}  // namespace nmfcli
