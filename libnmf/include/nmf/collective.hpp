// Reductions across the processes of a distributed fit, as the core sees
// them.  The core knows nothing of MPI: a distributed fit hands the driver
// an implementation of this interface (libnmf_mpi), a serial fit none.
//
// Distribution is by columns (samples, cells): each process holds a block
// of columns of A and the matching columns of H; W is replicated.  The
// driver then needs only sums over processes of A H^T, H H^T and a few
// scalars (Kannan, Ballard & Park 2016, "A high-performance parallel
// algorithm for nonnegative matrix factorization", PPoPP: the 1-D
// column-split variant of MPI-FAUN).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nmf/status.hpp"

namespace nmf {

class Collective {
 public:
  virtual ~Collective() = default;
  // Columns of the whole matrix and the global index of this process's
  // first column.
  virtual int64_t n_global() const = 0;
  virtual int64_t col_offset() const = 0;
  // This process's index among processes() (0-based).  A multi-start
  // (consensus.hpp) given a collective spreads its runs over the processes,
  // each holding the whole matrix: run r goes to process r % processes().
  virtual int process() const = 0;
  virtual int processes() const = 0;
  // In-place sums over processes; every process receives bitwise the same
  // result (a replicated W must not drift apart).
  virtual void sum(double* x, int64_t len) const = 0;
  virtual void sum(float* x, int64_t len) const = 0;
  virtual double max(double v) const = 0;
  // True on every process if `flag` is true on any.
  virtual bool any(bool flag) const = 0;
  // The same status on every process: the first error by process rank,
  // its message naming the process, or OK if every process is OK.
  virtual Status agree(const Status& local) const = 0;
};

// The driver's view: no-ops for a serial fit.
class Across {
 public:
  explicit Across(const Collective* c) : c_(c) {}
  bool distributed() const { return c_ != nullptr; }
  template <class T>
  void sum(T* x, int64_t len) const {
    if (c_) c_->sum(x, len);
  }
  double sum(double v) const {
    if (c_) c_->sum(&v, 1);
    return v;
  }
  double max(double v) const { return c_ ? c_->max(v) : v; }
  bool any(bool flag) const { return c_ ? c_->any(flag) : flag; }
  Status agree(const Status& s) const { return c_ ? c_->agree(s) : s; }
  int64_t n_global(int64_t n_local) const { return c_ ? c_->n_global() : n_local; }
  int64_t col_offset() const { return c_ ? c_->col_offset() : 0; }

 private:
  const Collective* c_;
};

// Several double buffers summed over the processes in one reduction (one
// message instead of one per buffer): add() them, then run() copies them
// into one vector, sums it and copies the sums back.  Serial: nothing.
class SumBatch {
 public:
  void add(double* x, int64_t len) { parts_.push_back({x, len}); }
  void add(double& x) { add(&x, 1); }
  void run(const Across& across) {
    if (!across.distributed()) return;
    buf_.clear();
    for (const Part& p : parts_) buf_.insert(buf_.end(), p.x, p.x + p.len);
    across.sum(buf_.data(), int64_t(buf_.size()));
    size_t at = 0;
    for (const Part& p : parts_) {
      std::copy(buf_.begin() + std::ptrdiff_t(at),
                buf_.begin() + std::ptrdiff_t(at + size_t(p.len)), p.x);
      at += size_t(p.len);
    }
  }

 private:
  struct Part {
    double* x;
    int64_t len;
  };
  std::vector<Part> parts_;
  std::vector<double> buf_;
};

}  // namespace nmf
