#include "progress.hpp"

#include "nmf.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace nmfcli {

namespace {

volatile sig_atomic_t g_interrupted = 0;
struct sigaction g_previous;

extern "C" void on_sigint(int) { g_interrupted = 1; }

int terminal_width() {
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C terminates as usual
  sigaction(SIGINT, &sa, &g_previous);
}

InterruptGuard::~InterruptGuard() { sigaction(SIGINT, &g_previous, nullptr); }

bool InterruptGuard::interrupted() { return g_interrupted != 0; }

Progress::Progress(Style style, int64_t maxit) : style_(style), maxit_(maxit) {}

int32_t Progress::callback(int64_t iteration, int64_t maxit, double loss,
                           double rel_error, void *user_data) {
  return static_cast<Progress *>(user_data)->update(iteration, maxit, loss, rel_error);
}

int32_t Progress::update(int64_t iteration, int64_t maxit, double loss,
                         double rel_error) {
  if (InterruptGuard::interrupted()) return 1;
  if (style_ == Style::kNone) return 0;
  if (maxit > 0) maxit_ = maxit;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = style_ == Style::kBar ? std::chrono::milliseconds(100)
                                              : std::chrono::milliseconds(5000);
  if (drawn_ && now - last_ < interval && iteration < maxit_) return 0;
  last_ = now;

  char stats[128];
  std::snprintf(stats, sizeof stats, " %lld/%lld  loss %.6g  rel. error %.6g",
                static_cast<long long>(iteration), static_cast<long long>(maxit_),
                loss, rel_error);
  if (style_ == Style::kLog) {
    std::fprintf(stderr, "nmf: iteration%s\n", stats);
    drawn_ = true;
    return 0;
  }
  const int width = terminal_width();
  std::string stats_text(stats);
  int bar = width - 3 - static_cast<int>(stats_text.size()) - 1;
  if (bar > 30) bar = 30;
  std::string line = "\r";
  if (bar >= 5) {
    int filled = maxit_ > 0 ? static_cast<int>(bar * iteration / maxit_) : 0;
    if (filled > bar) filled = bar;
    line += "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "]";
  }
  line += stats_text;
  if (static_cast<int>(line.size()) > width) line.resize(width);
  line += "\x1b[K";  // erase the rest of a longer previous line
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
  return 0;
}

void Progress::finish() {
  if (style_ == Style::kBar && drawn_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
  drawn_ = false;
}

void show_library_notice(bool quiet) {
  const char *notice = nmf_take_notice();
  if (notice && !quiet) std::fprintf(stderr, "nmf: note: %s\n", notice);
}

}  // namespace nmfcli
