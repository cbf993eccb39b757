#include "line_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <climits>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_error.hpp"
#include "memory_check.hpp"
#include "text_limits.hpp"

namespace nmfcli {

namespace {

constexpr size_t kInitialBuffer = size_t(1) << 16;
constexpr unsigned kReadChunk = 1u << 20;

gzFile as_gz(void *p) { return static_cast<gzFile>(p); }

}  // namespace

LineReader::LineReader(const std::string &path)
    : path_(path == "-" ? "<stdin>" : path),
      max_line_(static_cast<size_t>(max_line_length())) {
  errno = 0;
  gzFile gz;
  if (path == "-") {
    int fd = dup(STDIN_FILENO);
    gz = fd < 0 ? nullptr : gzdopen(fd, "rb");
    if (gz == nullptr && fd >= 0) close(fd);
  } else {
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
      throw input_error("cannot open " + path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
      throw input_error("cannot read " + path + ": is a directory");
    gz = gzopen(path.c_str(), "rb");
  }
  if (gz == nullptr) {
    throw input_error("cannot open " + path_ + ": " +
                      (errno ? std::strerror(errno) : "out of memory"));
  }
  gzbuffer(gz, 1u << 17);
  gz_ = gz;
  buffer_.resize(kInitialBuffer);
}

LineReader::~LineReader() {
  if (gz_ != nullptr) gzclose(as_gz(gz_));
}

void LineReader::fill() {
  if (begin_ > 0) {  // move the unread tail to the front
    std::memmove(&buffer_[0], &buffer_[begin_], end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {  // a long line: grow, but never past the limit
    // (+ 2 for its line break), and only with memory to spare.
    const size_t size = std::min(buffer_.size() * 2, max_line_ + 2);
    check_memory(double(size), "line " + std::to_string(line_number_ + 1) + " of " + path_);
    buffer_.resize(size);
  }
  size_t room = buffer_.size() - end_;
  unsigned want = room > kReadChunk ? kReadChunk : static_cast<unsigned>(room);
  int got = gzread(as_gz(gz_), &buffer_[end_], want);
  if (got < 0) {
    int errnum = 0;
    const char *msg = gzerror(as_gz(gz_), &errnum);
    if (errnum == Z_ERRNO) msg = std::strerror(errno);
    throw input_error("cannot read " + path_ + ": " + msg +
                      (errnum == Z_BUF_ERROR ? " (truncated gzip file?)" : ""));
  }
  if (got == 0) {
    // zlib reports a truncated stream as an error on the final read.
    int errnum = 0;
    const char *msg = gzerror(as_gz(gz_), &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) {
      if (errnum == Z_ERRNO) msg = std::strerror(errno);
      throw input_error("cannot read " + path_ + ": " + msg +
                        (errnum == Z_BUF_ERROR ? " (truncated gzip file?)" : ""));
    }
    eof_ = true;
  }
  end_ += static_cast<size_t>(got);
}

bool LineReader::next(std::string_view &line) {
  for (;;) {
    const char *base = buffer_.data();
    const void *nl = scan_ < end_ ? std::memchr(base + scan_, '\n', end_ - scan_)
                                  : nullptr;
    if (nl != nullptr) {
      size_t pos = static_cast<const char *>(nl) - base;
      size_t len = pos - begin_;
      if (len > 0 && base[pos - 1] == '\r') --len;
      if (len > max_line_) throw file_error(path_, line_number_ + 1, line_too_long_reason());
      line = std::string_view(base + begin_, len);
      begin_ = scan_ = pos + 1;
      ++line_number_;
      return true;
    }
    scan_ = end_;
    // No line break yet: stop as soon as the line is known to be too long,
    // before reading (or decompressing) any more of it.
    if (end_ - begin_ > max_line_ + 1)
      throw file_error(path_, line_number_ + 1, line_too_long_reason());
    if (eof_) {
      if (begin_ == end_) return false;
      size_t len = end_ - begin_;  // last line without a final newline
      if (base[end_ - 1] == '\r') --len;
      if (len > max_line_) throw file_error(path_, line_number_ + 1, line_too_long_reason());
      line = std::string_view(base + begin_, len);
      begin_ = scan_ = end_;
      ++line_number_;
      return true;
    }
    fill();
  }
}

}  // namespace nmfcli
