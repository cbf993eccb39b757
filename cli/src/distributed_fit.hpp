// `nmf fit --distributed`: one process's part of an MPI job.
#pragma once

#include "args.hpp"
#include "write_outputs.hpp"

namespace nmfcli {

// Under mpirun: every process reads its block of columns of a Matrix
// Market INPUT (the blocks split the columns evenly in rank order), the
// processes factor the matrix together (nmf_mpi.h), and process 0 gathers H
// and writes the outputs.  Every process returns the same exit status.
// Without MPI support in this build, a usage error.
int distributed_fit(FitArgs args, const OutputPaths &paths);

}  // namespace nmfcli
