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

// The pending one-line notice for the host, or nullptr.  Each notice is
// returned once, to whichever thread asks first; the text has static
// storage.  Thread-safe.
const char* take_notice();

}  // namespace nmf
