// How many threads a call runs on, decided in one place for every entry
// point (fits, consensus runs, bi-cross-validation), and the fork guard that
// is part of that decision (threads.cpp).
#pragma once
#include <cstdint>

namespace nmf {

// The number of OpenMP threads for a call that asks for `requested`
// (options.n_threads): that many when > 0, OpenMP's default
// (omp_get_max_threads()) when 0.  Always 1 in a process forked after it or
// an ancestor had started OpenMP worker threads (a forked GNU OpenMP runtime
// waits forever for workers the child does not have); the first call that
// is held to one thread there posts the notice take_notice() returns.
int thread_count(int32_t requested);

// The widest team of OpenMP threads that ran one of a call's parallel
// regions: a probe that the work was really shared (reported as
// nmf_result.threads_used), not a setting.  The count belongs to the calling
// thread, which is thread 0 of every region it starts, so the concurrent
// fits of a consensus count their own regions.  TeamCount starts the count
// and stores it in *out when it goes out of scope; note_team() is called by
// every thread at the start of a region.
void note_team();
class TeamCount {
 public:
  explicit TeamCount(int32_t* out);
  ~TeamCount();
  TeamCount(const TeamCount&) = delete;
  TeamCount& operator=(const TeamCount&) = delete;

 private:
  int32_t* out_;
  int32_t outer_;  // the count of an enclosing TeamCount on this thread
};

// The pending one-line notice for the host, or nullptr.  Each notice is
// returned once, to whichever thread asks first; the text has static
// storage.  Thread-safe.
const char* take_notice();

}  // namespace nmf
