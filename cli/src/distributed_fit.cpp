#include "distributed_fit.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cli_error.hpp"
#include "mpi_job.hpp"

#ifdef NMF_CLI_MPI
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdio>

#include "factor_files.hpp"
#include "fit_command.hpp"
#include "load_input.hpp"
#include "run_fit.hpp"
#endif

namespace nmfcli {

#ifndef NMF_CLI_MPI

int distributed_fit(FitArgs, const OutputPaths &) {
  MpiJob refused;  // a build without MPI: throws the usage error
  return kExitUsage;
}

#else

namespace {

template <typename T>
MPI_Datatype mpi_type() {
  return sizeof(T) == sizeof(double) ? MPI_DOUBLE : MPI_FLOAT;
}

template <typename T>
int distributed_fit_with(FitArgs args, const OutputPaths &paths, const MpiJob &mpi) {
  if (!args.h_init.empty() || !args.fix_h.empty())
    throw usage_error("--h-init and --fix-h are not available with --distributed");
  // Every process reads the header and the whole file (checking it all, so
  // all find the same problems) but keeps only its block of columns.
  int64_t m = 0, n = 0;
  InputInfo info;
  LabeledMatrix<T> a;
  std::vector<std::string> all_col_names;
  int64_t first = 0, last = 0;
  mpi.on_every_process("reading " + args.input, [&] {
    input_dimensions(args.input, args.transpose, &m, &n);
    first = n * mpi.rank() / mpi.size();
    last = n * (mpi.rank() + 1) / mpi.size();
    a = load_input_columns<T>(args.input, args.transpose, first, last, &info,
                              mpi.rank() == 0 ? &all_col_names : nullptr,
                              args.strict_names);
  });
  if (mpi.rank() == 0) print_input_warnings(info);
  int64_t k = args.k;
  std::vector<T> W0;
  const std::string &w_file = args.fix_w.empty() ? args.w_init : args.fix_w;
  mpi.on_every_process("checking the rank", [&] {
    if (!w_file.empty()) {
      int64_t kw = 0;
      W0 = read_w_file<T>(w_file, a, args.input, &kw);
      agree_on_k(&k, kw, args.fix_w.empty() ? "--w-init" : "--fix-w", w_file);
    }
    check_rank(k, m, n, args.input);
    if (k * n > INT_MAX)
      throw usage_error("H (" + std::to_string(k) + " x " + std::to_string(n) +
                        ") is too large to gather on process 0");
  });

  // Threads: by default the cores of a machine are shared among the
  // processes on it (more threads than cores would spin against each
  // other and against MPI's progress).
  if (args.options.n_threads == 0) args.options.n_threads = mpi.default_threads();
  nmf_collective coll = mpi.columns_collective(a.cols);
  args.options.collective = &coll;
  if (mpi.rank() != 0) args.quiet = true;
  Progress progress(mpi.rank() == 0 ? progress_style(args) : Progress::Style::kNone,
                    args.options.maxit);
  // Library errors are agreed among the processes, so all throw alike here.
  FitOutcome<T> fit = run_fit<T>(a, args, k, std::move(W0), {}, &progress);

  // Process 0 gathers H in column order and writes the outputs.
  std::vector<int> counts(static_cast<size_t>(mpi.size())), offsets(static_cast<size_t>(mpi.size()));
  for (int p = 0; p < mpi.size(); ++p) {
    const int64_t c0 = n * p / mpi.size(), c1 = n * (p + 1) / mpi.size();
    counts[static_cast<size_t>(p)] = static_cast<int>(k * (c1 - c0));
    offsets[static_cast<size_t>(p)] = static_cast<int>(k * c0);
  }
  std::vector<T> all_h(mpi.rank() == 0 ? static_cast<size_t>(k * n) : 0);
  MPI_Gatherv(fit.H.data(), static_cast<int>(k * (last - first)), mpi_type<T>(),
              all_h.data(), counts.data(), offsets.data(), mpi_type<T>(), 0,
              MPI_COMM_WORLD);
  long long nnz = static_cast<long long>(a.nnz()), total_nnz = 0;
  MPI_Reduce(&nnz, &total_nnz, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  if (mpi.rank() == 0) {
    // The whole matrix as the outputs describe it (names and sizes only).
    LabeledMatrix<T> whole;
    whole.rows = m;
    whole.cols = n;
    whole.row_names = std::move(a.row_names);
    whole.col_names = std::move(all_col_names);
    whole.sparse = true;
    whole.col_ptr = {0, static_cast<int64_t>(total_nnz)};  // nnz() only
    fit.H = std::move(all_h);
    write_outputs(paths, whole, fit, args, info);
    if (!args.quiet && fit.status != NMF_CANCELLED) {
      std::fprintf(stderr,
                   "nmf: %lld x %lld on %d processes, k = %lld: %lld iterations, "
                   "relative error %.4g, %.3g s; wrote %s, %s, %s\n",
                   static_cast<long long>(m), static_cast<long long>(n), mpi.size(),
                   static_cast<long long>(k), static_cast<long long>(fit.result.iterations),
                   fit.result.rel_error, fit.result.seconds, paths.w.c_str(),
                   paths.h.c_str(), paths.summary.c_str());
    }
  }
  return fit.status == NMF_CANCELLED ? kExitCancelled : kExitOk;
}

}  // namespace

int distributed_fit(FitArgs args, const OutputPaths &paths) {
  MpiJob mpi;
  return args.use_float ? distributed_fit_with<float>(std::move(args), paths, mpi)
                        : distributed_fit_with<double>(std::move(args), paths, mpi);
}

#endif

}  // namespace nmfcli
