#include "rank_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "atomic_file.hpp"
#include "cli_error.hpp"
#include "fit_command.hpp"
#include "load_input.hpp"
#include "mpi_job.hpp"
#include "number_text.hpp"
#include "nmf.h"
#include "progress.hpp"
#include "rank_args.hpp"
#include "usage.hpp"
#include "write_outputs.hpp"

namespace nmfcli {

namespace {

[[noreturn]] void library_error(int32_t status) {
  const std::string detail = nmf_last_error_message();
  throw CliError(kExitLibrary, std::string("libnmf: ") + nmf_strerror(status) +
                                   (detail.empty() ? "" : ": " + detail));
}

nmf_consensus_info info_of(const nmf_consensus *c) {
  nmf_consensus_info info;
  info.struct_size = sizeof info;
  nmf_consensus_get_info(c, &info);
  return info;
}

const char *kMeasureHeader =
    "k\tnrun\tcophenetic\tdispersion\tsilhouette\trss\tevar\trel_error\tloss\tbest_run\tseconds";

void measure_row(std::string &out, const nmf_consensus_info &i) {
  out += std::to_string(i.k) + "\t" + std::to_string(i.runs_done);
  for (double v : {i.cophenetic, i.dispersion, i.silhouette, i.rss, i.evar, i.rel_error,
                   i.best_loss}) {
    out += '\t';
    append_table_number(out, v);
  }
  out += "\t" + std::to_string(i.best_run + 1) + "\t";
  append_table_number(out, i.seconds);
  out += '\n';
}

template <typename T>
void write_consensus_matrix(const std::string &path, const nmf_consensus *c,
                            const LabeledMatrix<T> &a) {
  const int64_t n = a.cols;
  std::vector<double> C(static_cast<size_t>(n * n));
  nmf_consensus_matrix(c, C.data(), n);
  std::string s = "sample";
  for (const auto &name : a.col_names) s += "\t" + name;
  s += '\n';
  for (int64_t i = 0; i < n; ++i) {
    s += a.col_names[size_t(i)];
    for (int64_t j = 0; j < n; ++j) {
      s += '\t';
      append_table_number(s, C[size_t(i + j * n)]);
    }
    s += '\n';
  }
  write_file(path, s);
}

std::vector<int32_t> clusters_of(const nmf_consensus *c, int64_t n, std::vector<int32_t> *best) {
  std::vector<int32_t> cl(static_cast<size_t>(n));
  if (best) best->resize(static_cast<size_t>(n));
  nmf_consensus_labels(c, cl.data(), best ? best->data() : nullptr);
  return cl;
}

template <typename T>
int survey_with(RankArgs args, const std::string &prefix, bool single) {
  // With --distributed: one process of an MPI job; every process reads the
  // whole input, the runs are spread over the processes, and process 0
  // writes the outputs.
  std::unique_ptr<MpiJob> job;
  if (args.fit.distributed) job = std::make_unique<MpiJob>();
  const bool writer = !job || job->rank() == 0;
  auto every = [&](const std::string &what, const std::function<void()> &f) {
    if (job)
      job->on_every_process(what, f);
    else
      f();
  };
  if (!writer) args.fit.quiet = true;
  if (job && args.fit.options.n_threads == 0)
    args.fit.options.n_threads = job->default_threads();
  InputInfo info;
  LabeledMatrix<T> a;
  every("reading " + args.fit.input, [&] {
    a = load_input<T>(args.fit.input, args.fit.transpose, &info, false,
                      args.fit.strict_names);
    for (int64_t k : args.ranks) check_rank(k, a.rows, a.cols, args.fit.input);
  });
  if (writer) print_input_warnings(info);
  const nmf_matrix A = describe(a);
  if (!args.fit.quiet && nmf_blas_is_slow())
    std::fprintf(stderr, "nmf: note: the BLAS runs generic kernels on this CPU; %s\n",
                 nmf_blas_advice());
  // Bi-cross-validation first: its errors (e.g. a rank too large for the
  // held-out blocks) come before the long survey.  In a job, process 0
  // runs it and sends the errors to the others.
  std::vector<double> cv_err(args.ranks.size());
  int64_t cv_best = 0;
  if (!single && args.cv) {
    every("cross-validating", [&] {
      if (!writer) return;
      nmf_bicv_options bo;
      nmf_bicv_options_init(&bo, sizeof bo);
      bo.row_groups = args.cv_row_groups;
      bo.col_groups = args.cv_col_groups;
      bo.reps = args.cv_reps;
      bo.seed = args.fit.options.seed + 1;
      const int32_t st =
          nmf_bicv(&A, args.ranks.data(), int64_t(args.ranks.size()), &bo,
                   &args.fit.options, cv_err.data(), nullptr, &cv_best);
      if (st != NMF_OK) library_error(st);
    });
    if (job) {
      cv_err.push_back(double(cv_best));
      job->broadcast(cv_err.data(), int64_t(cv_err.size()));
      cv_best = int64_t(cv_err.back());
      cv_err.pop_back();
    }
  }
  nmf_survey_options so;
  nmf_survey_options_init(&so, sizeof so);
  so.nrun = args.nrun;
  so.randomized = args.randomize ? 1 : 0;
  so.random_seed = args.fit.options.seed + 1;
  const int64_t total = args.nrun * int64_t(args.ranks.size()) * (args.randomize ? 2 : 1);
  // Only the writing process shows progress.
  Progress progress(writer ? progress_style(args.fit) : Progress::Style::kNone, total);
  nmf_options o = args.fit.options;
  o.progress = &Progress::callback;
  o.progress_data = &progress;
  nmf_collective coll{};
  if (job) {
    coll = job->runs_collective();
    o.collective = &coll;
  }
  nmf_survey *raw = nullptr;
  int32_t status;
  {
    InterruptGuard guard;
    // In a job the library agrees every error and stop among the processes.
    status = nmf_survey_fit(&A, args.ranks.data(), int64_t(args.ranks.size()), &so, &o,
                            &raw);
  }
  progress.finish();
  show_library_notice(args.fit.quiet || !writer);
  std::unique_ptr<nmf_survey, void (*)(nmf_survey *)> s(raw, nmf_survey_free);
  if (status == NMF_CANCELLED) {
    if (writer) std::fprintf(stderr, "nmf: interrupted; nothing written\n");
    return kExitCancelled;
  }
  if (status != NMF_OK) library_error(status);
  if (!writer) return kExitOk;

  std::vector<std::string> written;
  const int64_t n = a.cols;
  if (single) {
    const nmf_consensus *c = nmf_survey_get(s.get(), 0, 0);
    const nmf_consensus_info ci = info_of(c);
    write_consensus_matrix(prefix + "_consensus.tsv", c, a);
    std::vector<int32_t> best;
    const std::vector<int32_t> cl = clusters_of(c, n, &best);
    std::vector<double> sil(static_cast<size_t>(n));
    nmf_consensus_silhouette(c, sil.data());
    std::string t = "sample\tcluster\tbest_run_cluster\tsilhouette\n";
    for (int64_t j = 0; j < n; ++j) {
      t += a.col_names[size_t(j)] + "\t" + std::to_string(cl[size_t(j)] + 1) + "\t" +
           std::to_string(best[size_t(j)] + 1) + "\t";
      append_table_number(t, sil[size_t(j)]);
      t += '\n';
    }
    write_file(prefix + "_membership.tsv", t);
    std::string m = std::string(kMeasureHeader) + "\n";
    measure_row(m, ci);
    write_file(prefix + "_measures.tsv", m);
    // The best run's factors, as `nmf fit` writes them.
    const int64_t k = ci.k;
    std::vector<double> W(static_cast<size_t>(a.rows * k)), H(static_cast<size_t>(k * n)),
        d(static_cast<size_t>(k));
    nmf_consensus_best_fit(c, W.data(), d.data(), H.data());
    std::string w = "gene";
    for (int64_t l = 0; l < k; ++l) w += "\tNMF" + std::to_string(l + 1);
    w += '\n';
    for (int64_t i = 0; i < a.rows; ++i) {
      w += a.row_names[size_t(i)];
      for (int64_t l = 0; l < k; ++l) {
        w += '\t';
        append_table_number(w, W[size_t(i + l * a.rows)]);
      }
      w += '\n';
    }
    write_file(prefix + "_W.tsv", w);
    std::string h = "factor";
    for (const auto &name : a.col_names) h += "\t" + name;
    h += '\n';
    for (int64_t l = 0; l < k; ++l) {
      h += "NMF" + std::to_string(l + 1);
      for (int64_t j = 0; j < n; ++j) {
        h += '\t';
        append_table_number(h, H[size_t(l + j * k)] * d[size_t(l)]);
      }
      h += '\n';
    }
    write_file(prefix + "_H.tsv", h);
    written = {prefix + "_consensus.tsv", prefix + "_membership.tsv",
               prefix + "_measures.tsv", prefix + "_W.tsv", prefix + "_H.tsv"};
    if (!args.fit.quiet)
      std::fprintf(stderr,
                   "nmf: k = %lld, %lld runs: cophenetic %.4f, dispersion %.4f, "
                   "silhouette %.4f\n",
                   static_cast<long long>(k), static_cast<long long>(ci.runs_done),
                   ci.cophenetic, ci.dispersion, ci.silhouette);
  } else {
    std::string t = std::string("data\t") + kMeasureHeader + "\n";
    for (int r = 0; r < (args.randomize ? 2 : 1); ++r)
      for (size_t q = 0; q < args.ranks.size(); ++q) {
        t += r ? "randomized\t" : "data\t";
        measure_row(t, info_of(nmf_survey_get(s.get(), int64_t(q), r)));
      }
    write_file(prefix + "_rank.tsv", t);
    written.push_back(prefix + "_rank.tsv");
    std::string m = "sample";
    std::vector<std::vector<int32_t>> cls;
    for (size_t q = 0; q < args.ranks.size(); ++q) {
      m += "\tk" + std::to_string(args.ranks[q]);
      const nmf_consensus *c = nmf_survey_get(s.get(), int64_t(q), 0);
      cls.push_back(clusters_of(c, n, nullptr));
      const std::string path = prefix + "_consensus_k" + std::to_string(args.ranks[q]) + ".tsv";
      write_consensus_matrix(path, c, a);
      written.push_back(path);
    }
    m += '\n';
    for (int64_t j = 0; j < n; ++j) {
      m += a.col_names[size_t(j)];
      for (const auto &cl : cls) m += "\t" + std::to_string(cl[size_t(j)] + 1);
      m += '\n';
    }
    write_file(prefix + "_membership.tsv", m);
    written.push_back(prefix + "_membership.tsv");
    if (args.cv) {
      std::string c = "k\theldout_error\n";
      for (size_t q = 0; q < args.ranks.size(); ++q) {
        c += std::to_string(args.ranks[q]) + "\t";
        append_table_number(c, cv_err[q]);
        c += '\n';
      }
      write_file(prefix + "_rank_cv.tsv", c);
      written.push_back(prefix + "_rank_cv.tsv");
      if (!args.fit.quiet)
        std::fprintf(stderr,
                     "nmf: bi-cross-validation suggests k = %lld (smallest held-out error)\n",
                     static_cast<long long>(cv_best));
    }
  }
  if (!args.fit.quiet) {
    std::fprintf(stderr, "nmf: wrote");
    for (const auto &w : written) std::fprintf(stderr, " %s", w.c_str());
    std::fprintf(stderr, "\n");
  }
  return kExitOk;
}

int run(const std::vector<std::string> &argv, bool single) {
  RankArgs args = parse_rank_args(argv, single);
  if (args.help) {
    std::fputs((single ? consensus_usage() : rank_usage()).c_str(), stdout);
    return kExitOk;
  }
  const std::string prefix =
      args.fit.out_prefix.empty() ? default_prefix(args.fit.input) : args.fit.out_prefix;
  check_output_location(prefix);
  return args.fit.use_float ? survey_with<float>(std::move(args), prefix, single)
                            : survey_with<double>(std::move(args), prefix, single);
}

}  // namespace

int rank_command(const std::vector<std::string> &args) { return run(args, false); }
int consensus_command(const std::vector<std::string> &args) { return run(args, true); }

}  // namespace nmfcli
