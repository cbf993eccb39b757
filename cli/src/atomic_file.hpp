// Output files written through PATH.tmp.PID and renamed into place, so a
// reader never sees half a file and a failed run leaves none behind.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace nmfcli {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary file unless published
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;
  // The text still to be written; flushed to the file once it grows large.
  std::string &buffer();
  // Writes what is left and closes the temporary file.
  void close();
  // Renames the closed temporary file to PATH.
  void publish();
  // close() then publish().
  void commit();

 private:
  static constexpr size_t kFlushAt = size_t(1) << 20;
  void flush();
  [[noreturn]] void fail();
  std::string path_, tmp_;
  FILE *file_ = nullptr;
  bool published_ = false;
  std::string buffer_;
};

// Writes text to path through an AtomicFile.
void write_file(const std::string &path, const std::string &text);

// Several files that appear together: each is written and closed by add(),
// and all are renamed by commit(); on an error before then, none appears.
class FileSet {
 public:
  void add(const std::string &path, const std::string &text);
  void commit();

 private:
  std::vector<std::unique_ptr<AtomicFile>> files_;
};

}  // namespace nmfcli
