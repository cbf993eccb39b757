#include "mpi_job.hpp"

#include "cli_error.hpp"

#ifdef NMF_CLI_MPI
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <climits>

#include "nmf_mpi.h"
#endif

namespace nmfcli {

#ifndef NMF_CLI_MPI

MpiJob::MpiJob() {
  throw usage_error("--distributed needs an nmf built with MPI (libnmf_mpi); "
                    "this one was built without it");
}
MpiJob::~MpiJob() = default;
void MpiJob::on_every_process(const std::string &, const std::function<void()> &f) const { f(); }
void MpiJob::broadcast(double *, int64_t) const {}
int MpiJob::default_threads() const { return 0; }
nmf_collective MpiJob::runs_collective() const { return nmf_collective{}; }
nmf_collective MpiJob::columns_collective(int64_t) const { return nmf_collective{}; }

#else

MpiJob::MpiJob() {
  int ready = 0;
  MPI_Initialized(&ready);
  if (!ready) MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiJob::~MpiJob() { MPI_Finalize(); }

void MpiJob::on_every_process(const std::string &what, const std::function<void()> &f) const {
  int status = 0;
  std::string message;
  try {
    f();
  } catch (const CliError &e) {
    status = e.exit_status();
    message = e.what();
  }
  int mine = status ? rank_ : size_, first = size_;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == size_) return;
  // A process that failed itself reports its own error (every process
  // reading the same file finds the same problem, and any of them may be the
  // one whose output survives when mpiexec ends the job); the others name
  // the first that failed.
  int first_status = status;
  MPI_Bcast(&first_status, 1, MPI_INT, first, MPI_COMM_WORLD);
  if (!message.empty()) throw CliError(status, message);
  throw CliError(first_status, "process " + std::to_string(first) + " of " +
                                   std::to_string(size_) + " failed " + what +
                                   " (see its message)");
}

void MpiJob::broadcast(double *x, int64_t len) const {
  for (int64_t off = 0; off < len; off += INT_MAX) {
    const int count = static_cast<int>(std::min<int64_t>(len - off, INT_MAX));
    MPI_Bcast(x + off, count, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  }
}

int MpiJob::default_threads() const {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int on_node = 1;
  MPI_Comm_size(node, &on_node);
  MPI_Comm_free(&node);
  const int cores = std::max(1, omp_get_num_procs());
  return std::max(1, cores / on_node);
}

nmf_collective MpiJob::runs_collective() const {
  nmf_collective c;
  nmf_mpi_collective_runs(&c, MPI_Comm_c2f(MPI_COMM_WORLD));
  return c;
}

nmf_collective MpiJob::columns_collective(int64_t n_local) const {
  nmf_collective c;
  nmf_mpi_collective_init(&c, MPI_Comm_c2f(MPI_COMM_WORLD), n_local);
  return c;
}

#endif

}  // namespace nmfcli
