// The MPI job a command runs in with --distributed: MPI started and ended
// around the command, errors agreed among the processes, the threads each
// process may use.  A build without MPI (no libnmf_mpi) refuses
// --distributed with a usage error.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "nmf.h"

namespace nmfcli {

class MpiJob {
 public:
  // MPI_Init (unless already initialised); throws a usage error in a build
  // without MPI.
  MpiJob();
  ~MpiJob();  // MPI_Finalize
  MpiJob(const MpiJob &) = delete;
  MpiJob &operator=(const MpiJob &) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Runs f on every process; if it throws a CliError on any, every process
  // throws (a process that failed reports its own error, the others name
  // the first that failed), so that no process goes on into a collective
  // call alone.
  void on_every_process(const std::string &what, const std::function<void()> &f) const;

  // len values from process 0 to every process.
  void broadcast(double *x, int64_t len) const;

  // The threads a process uses by default: the machine's cores shared among
  // the job's processes on it (more threads than cores would spin against
  // each other and against MPI's progress).
  int default_threads() const;

  // The collective that spreads a multi-start's runs over the job
  // (nmf_mpi_collective_runs).
  nmf_collective runs_collective() const;
  // The collective of a fit split by columns, this process holding n_local.
  nmf_collective columns_collective(int64_t n_local) const;

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace nmfcli
