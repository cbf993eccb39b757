#include "atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli_error.hpp"

namespace nmfcli {

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)),
      tmp_(path_ + ".tmp." + std::to_string(static_cast<long>(getpid()))) {
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (file_ == nullptr) fail();
  buffer_.reserve(kFlushAt + 4096);
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!published_) std::remove(tmp_.c_str());
}

std::string &AtomicFile::buffer() {
  if (buffer_.size() >= kFlushAt) flush();
  return buffer_;
}

void AtomicFile::close() {
  flush();
  FILE *f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) fail();
}

void AtomicFile::publish() {
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail();
  published_ = true;
}

void AtomicFile::commit() {
  close();
  publish();
}

void AtomicFile::flush() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
    fail();
  buffer_.clear();
}

void AtomicFile::fail() {
  throw input_error("cannot write " + path_ + ": " + std::strerror(errno));
}

void write_file(const std::string &path, const std::string &text) {
  AtomicFile file(path);
  file.buffer() += text;
  file.commit();
}

void FileSet::add(const std::string &path, const std::string &text) {
  files_.push_back(std::make_unique<AtomicFile>(path));
  files_.back()->buffer() += text;
  files_.back()->close();
}

void FileSet::commit() {
  for (auto &f : files_) f->publish();
}

}  // namespace nmfcli
