// Line-by-line reading of plain or gzip-compressed text files.
#pragma once

#include <string>
#include <string_view>

namespace nmfcli {

// Reads lines of any length from a plain or gzip-compressed file (zlib reads
// both transparently; "-" is standard input).  Errors, including a truncated
// or corrupt gzip stream, are thrown as input errors naming the file.
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
  bool eof_ = false;
  long long line_number_ = 0;
};

}  // namespace nmfcli
