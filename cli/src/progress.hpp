// Progress display and Ctrl-C handling during a fit.
#pragma once

#include <chrono>
#include <cstdint>

namespace nmfcli {

// While alive, the first SIGINT only sets a flag (the fit then stops at the
// next iteration and keeps the last iterate); a second SIGINT kills the
// process as usual.  The previous handler is restored on destruction.
// Shows the library's pending notice (nmf_take_notice) as a note on stderr,
// unless quiet.  Called after each call into the library.
void show_library_notice(bool quiet);

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard &) = delete;
  InterruptGuard &operator=(const InterruptGuard &) = delete;
  static bool interrupted();
};

// The nmf_progress_fn of the tool: draws a one-line bar on a terminal (or
// writes a log line every few seconds when asked to on a non-terminal), and
// asks the library to stop after Ctrl-C.
class Progress {
 public:
  enum class Style { kNone, kBar, kLog };
  Progress(Style style, int64_t maxit);

  // Matches nmf_progress_fn; user_data is the Progress.
  static int32_t callback(int64_t iteration, int64_t maxit, double loss,
                          double rel_error, void *user_data);
  // Clears the bar.
  void finish();

 private:
  int32_t update(int64_t iteration, int64_t maxit, double loss, double rel_error);

  Style style_;
  int64_t maxit_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace nmfcli
