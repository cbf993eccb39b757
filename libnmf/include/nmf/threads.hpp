// The number of OpenMP threads a call runs on: opt.n_threads, or when it is
// 0 every thread OpenMP offers.  Never set globally (DESIGN.md: threads are
// per call).
#pragma once
#include <omp.h>

#include "nmf/options.hpp"

namespace nmf {

inline int thread_count(const Options& opt) {
  return opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
}

}  // namespace nmf
