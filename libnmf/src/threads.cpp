// The thread count of every call, and fork safety.
//
// GNU OpenMP (libgomp) keeps the worker threads of a parallel region parked
// in a pool for the next region.  fork() copies only the calling thread:
// in the child the pool still lists the parent's workers, and the next
// region with more than one thread waits at a barrier for them forever.
// R's parallel::mclapply, BiocParallel's MulticoreParam, future's multicore
// and Python's multiprocessing (fork start method) all fork the host.  The
// runtime cannot be restarted from outside, so a child of a process that had
// started workers runs every call on one thread: the results are the same
// bits (they do not depend on the thread count) and the call finishes.
//
// pthread_atfork handlers carry that fact into the child, and hold the BLAS
// thread scope's lock across fork() (blas.cpp) so that no child inherits it
// locked.  Only threads this library started (or an OpenMP build of
// OpenBLAS allowed to run several) are known here; a host that runs OpenMP
// regions of its own before forking should ask for one thread in its
// children.
#include "nmf/threads.hpp"

#include <omp.h>
#include <pthread.h>

#include <atomic>

#include "nmf/blas.hpp"

namespace nmf {
namespace {

// This process asked OpenMP for more than one thread at least once.
std::atomic<bool> g_started_threads{false};
// This process is a fork (or a fork of a fork) of one that had.
std::atomic<bool> g_forked_after_threads{false};
// The notice of this process was posted (once per process).
std::atomic<bool> g_told{false};
std::atomic<const char*> g_notice{nullptr};

constexpr const char* kForkNotice =
    "this process was forked from one that had started OpenMP threads, "
    "which a forked child cannot use: its fits run on one thread (same "
    "results); ask for one thread in forked workers to avoid this notice";

void before_fork() {
  if (blas::openmp_threads_possible()) g_started_threads.store(true);
  blas::scope_fork_prepare();
}

void after_fork_in_parent() { blas::scope_fork_parent(); }

// Runs in the child, where only async-signal-safe work is allowed: plain
// stores, and the unlock of the scope's lock.
void after_fork_in_child() {
  blas::scope_fork_child();
  if (g_started_threads.load()) g_forked_after_threads.store(true);
  g_told.store(false);
  g_notice.store(nullptr);
}

// Registered when the library is loaded (glibc removes the handlers again
// if a shared library is unloaded).
const int g_registered =
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);

}  // namespace

int thread_count(int32_t requested) {
  (void)g_registered;
  const int threads = requested > 0 ? requested : omp_get_max_threads();
  if (threads <= 1) return 1;
  if (g_forked_after_threads.load(std::memory_order_relaxed)) {
    if (!g_told.exchange(true)) g_notice.store(kForkNotice);
    return 1;
  }
  g_started_threads.store(true, std::memory_order_relaxed);
  return threads;
}

const char* take_notice() { return g_notice.exchange(nullptr); }

namespace {
thread_local int32_t widest_team = 1;
}  // namespace

void note_team() {
  if (omp_get_thread_num() == 0 && omp_get_num_threads() > widest_team)
    widest_team = omp_get_num_threads();
}

TeamCount::TeamCount(int32_t* out) : out_(out), outer_(widest_team) { widest_team = 1; }

TeamCount::~TeamCount() {
  *out_ = widest_team;
  if (outer_ > widest_team) widest_team = outer_;
}

}  // namespace nmf
