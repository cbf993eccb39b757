// Errors of the nmf tool: one exception type carrying the exit status.
//
// Every failure is reported once, by main(), as a single line
// "nmf: error: MESSAGE" on stderr; the exit status tells scripts what kind of
// failure it was.
#pragma once

#include <stdexcept>
#include <string>

namespace nmfcli {

enum ExitStatus : int {
  kExitOk = 0,
  kExitInput = 1,      // unreadable, malformed or inconsistent files
  kExitUsage = 2,      // bad command line
  kExitLibrary = 3,    // libnmf returned an error
  kExitCancelled = 130 // SIGINT during the fit (128 + SIGINT)
};

class CliError : public std::runtime_error {
 public:
  CliError(int exit_status, const std::string &message)
      : std::runtime_error(message), exit_status_(exit_status) {}
  int exit_status() const { return exit_status_; }

 private:
  int exit_status_;
};

// A bad command line: exit status 2.
inline CliError usage_error(const std::string &message) {
  return CliError(kExitUsage, message);
}

// A file that cannot be read or is malformed: exit status 1.
inline CliError input_error(const std::string &message) {
  return CliError(kExitInput, message);
}

// "FILE:LINE: reason", the form compilers use, so editors can jump there.
inline CliError file_error(const std::string &path, long long line,
                           const std::string &reason) {
  return input_error(path + ":" + std::to_string(line) + ": " + reason);
}

}  // namespace nmfcli
