// R glue for nmfkit: calls the C ABI (nmf.h) on R's own memory.
//
// Every R allocation happens before or after the fit: while the core runs,
// the only R calls are made from the progress callback on R's main thread,
// each one inside R_ToplevelExec, so no longjmp ever crosses the core's C++
// frames.  Errors are returned to R as values (see fit_result()) and turned
// into R conditions there, where the row and column names are known.
#include <Rcpp.h>
#include <R_ext/Utils.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nmf.h"

using Rcpp::List;
using Rcpp::NumericMatrix;
using Rcpp::NumericVector;

namespace {

using Clock = std::chrono::steady_clock;

// Host state of one fit, seen by the progress callback.
struct Progress {
  bool show_bar = false;      // draw a text bar on stderr (interactive use)
  int64_t interrupt_at = 0;   // test hook: report an interrupt at this iteration
  bool interrupted = false;   // the user pressed Ctrl-C (or the hook fired)
  bool bar_drawn = false;
  Clock::time_point start, last_check, last_draw;
  int64_t iteration = 0, maxit = 0;
  double rel_error = 0;
};

// Interrupts are checked at most this often, the bar redrawn at most this
// often, and only drawn for fits that have run at least bar_delay.
constexpr auto kCheckEvery = std::chrono::milliseconds(50);
constexpr auto kDrawEvery = std::chrono::milliseconds(100);
constexpr auto kBarDelay = std::chrono::milliseconds(1000);

void check_interrupt_fn(void*) { R_CheckUserInterrupt(); }

// True when a user interrupt is pending.  R_CheckUserInterrupt longjmps on
// an interrupt; R_ToplevelExec catches that jump (and consumes the
// interrupt), so nothing jumps over the core's frames.
bool interrupt_pending() {
  return R_ToplevelExec(check_interrupt_fn, nullptr) == FALSE;
}

void draw_bar_fn(void* data) {
  const Progress* p = static_cast<const Progress*>(data);
  constexpr int kWidth = 30;
  const double frac =
      p->maxit > 0 ? double(p->iteration) / double(p->maxit) : 1.0;
  const int filled = int(frac * kWidth + 0.5);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '=' : ' ';
  bar[kWidth] = '\0';
  REprintf("\rnmf |%s| %3d%%  iteration %lld/%lld  relative error %.4g ", bar,
           int(frac * 100 + 0.5), static_cast<long long>(p->iteration),
           static_cast<long long>(p->maxit), p->rel_error);
}

void end_bar_fn(void*) { REprintf("\n"); }

int32_t progress_callback(int64_t iteration, int64_t maxit, double /*loss*/,
                          double rel_error, void* data) {
  Progress* p = static_cast<Progress*>(data);
  p->iteration = iteration;
  p->maxit = maxit;
  p->rel_error = rel_error;
  if (p->interrupt_at > 0 && iteration >= p->interrupt_at) {
    p->interrupted = true;
    return 1;
  }
  const Clock::time_point now = Clock::now();
  if (now - p->last_check >= kCheckEvery) {
    p->last_check = now;
    if (interrupt_pending()) {
      p->interrupted = true;
      return 1;
    }
  }
  if (p->show_bar && now - p->start >= kBarDelay &&
      now - p->last_draw >= kDrawEvery) {
    p->last_draw = now;
    p->bar_drawn = true;
    R_ToplevelExec(draw_bar_fn, p);
  }
  return 0;
}

int32_t int_option(const List& o, const char* name) {
  return Rcpp::as<int32_t>(o[name]);
}
double double_option(const List& o, const char* name) {
  return Rcpp::as<double>(o[name]);
}

// Stores v in the field of opts that desc describes (nmf_option_info gives
// its type and offset): the R list carries every number as an integer or a
// double, already checked against the table's bounds in R.
void set_option_field(nmf_options& opts, const nmf_option_desc& desc, double v) {
  char* field = reinterpret_cast<char*>(&opts) + desc.offset;
  switch (desc.type) {
    case NMF_OPTION_INT:
    case NMF_OPTION_CHOICE: {
      const int32_t x = int32_t(v);
      std::memcpy(field, &x, sizeof x);
      break;
    }
    case NMF_OPTION_INT64: {
      const int64_t x = int64_t(v);
      std::memcpy(field, &x, sizeof x);
      break;
    }
    case NMF_OPTION_UINT64: {  // the seed: a whole number in [0, 2^53]
      const uint64_t x = uint64_t(v);
      std::memcpy(field, &x, sizeof x);
      break;
    }
    default:
      std::memcpy(field, &v, sizeof v);
  }
}

// Fills the C options from the R list built by nmf(), consensus(), bicv()
// or project(): every entry named after an option of the library's table
// (nmf_option_info) is stored in its field, so a new option needs no code
// here; options the list leaves out keep the library's defaults.  The
// pointer and flag fields are set by name below.
void read_options(const List& o, nmf_options& opts) {
  nmf_options_init(&opts, sizeof opts);
  const int32_t count = nmf_option_count();
  for (int32_t i = 0; i < count; ++i) {
    nmf_option_desc desc;
    desc.struct_size = sizeof desc;
    if (nmf_option_info(i, &desc) != NMF_OK) continue;
    const size_t width =
        desc.type == NMF_OPTION_INT || desc.type == NMF_OPTION_CHOICE ? 4 : 8;
    if (desc.offset < 0 || size_t(desc.offset) + width > sizeof opts) continue;
    if (!o.containsElementNamed(desc.name)) continue;
    set_option_field(opts, desc, double_option(o, desc.name));
  }
  auto set_int = [&](const char* name, int32_t* field) {
    if (o.containsElementNamed(name)) *field = int_option(o, name);
  };
  set_int("user_w", &opts.user_w);
  set_int("user_h", &opts.user_h);
  set_int("fix_w", &opts.fix_w);
  set_int("fix_h", &opts.fix_h);
  // Entry weights: a double vector that lives in the options list for the
  // whole call (dense: m x n, leading dimension weights_ld; CSC: one per
  // stored entry).
  if (o.containsElementNamed("weights")) {
    SEXP w = o["weights"];
    if (!Rf_isNull(w)) {
      if (TYPEOF(w) != REALSXP) Rcpp::stop("internal: weights must be double");
      opts.weights = REAL(w);
      opts.weights_ld = int64_t(double_option(o, "weights_ld"));
    }
  }
}

const char* stop_reason_name(int32_t reason) {
  switch (reason) {
    case NMF_STOP_NONE: return "none";
    case NMF_STOP_MAXIT: return "maxit";
    case NMF_STOP_TOL: return "tol";
    case NMF_STOP_CANCELLED: return "cancelled";
    case NMF_STOP_EXACT: return "exact";
    case NMF_STOP_STABLE: return "stable";
    default: return "unknown";
  }
}

// Output buffers of one fit, allocated by R before the fit.  W and H are
// filled with the user's matrices when given (the core reads them on entry).
struct Outputs {
  NumericMatrix w, h;
  NumericVector d, history;
  Outputs(int64_t m, int64_t n, int64_t k, int64_t history_capacity,
          SEXP w_init, SEXP h_init)
      : w(int(m), int(k)), h(int(k), int(n)), d(int(k)),
        history(R_xlen_t(history_capacity)) {
    if (!Rf_isNull(w_init)) std::copy(REAL(w_init), REAL(w_init) + m * k, w.begin());
    if (!Rf_isNull(h_init)) std::copy(REAL(h_init), REAL(h_init) + k * n, h.begin());
  }
};

// The last error of the C ABI as the list stop_core() reads: the status,
// its message, and the matrix and entry it concerns (1-based for R; NA when
// it concerns no entry).
List error_list(int32_t status) {
  int64_t row = -1, col = -1;
  nmf_last_error_location(&row, &col);
  const int32_t matrix = nmf_last_error_matrix();
  return List::create(
      Rcpp::Named("status") = status,
      Rcpp::Named("error") = std::string(nmf_strerror(status)),
      Rcpp::Named("message") = std::string(nmf_last_error_message()),
      Rcpp::Named("matrix") = matrix ? std::string(1, char(matrix)) : std::string(),
      Rcpp::Named("row") = row >= 0 ? double(row + 1) : NA_REAL,
      Rcpp::Named("col") = col >= 0 ? double(col + 1) : NA_REAL);
}

// Runs fit(opts, result) with the progress callback installed and packs
// everything R needs into a list: the factors, the result, and on error the
// status, the message and the location of a bad entry.
template <class Fit>
List run_fit(const List& options, Outputs& out, Fit fit) {
  nmf_options opts;
  read_options(options, opts);
  Progress progress;
  progress.show_bar = Rcpp::as<bool>(options["show_bar"]);
  progress.interrupt_at = int64_t(double_option(options, "interrupt_at"));
  progress.start = progress.last_check = progress.last_draw = Clock::now();
  opts.progress = progress_callback;
  opts.progress_data = &progress;

  nmf_result res;
  nmf_result_init(&res, sizeof res);
  res.loss_history = out.history.begin();
  res.loss_history_capacity = out.history.size();

  const int32_t status = fit(opts, res);  // no R call can jump out of here

  if (progress.bar_drawn) {
    R_ToplevelExec(draw_bar_fn, &progress);
    R_ToplevelExec(end_bar_fn, nullptr);
  }
  if (status < 0) return error_list(status);
  const R_xlen_t len = R_xlen_t(res.history_length);
  NumericVector history(out.history.begin(), out.history.begin() + len);
  return List::create(
      Rcpp::Named("status") = status, Rcpp::Named("w") = out.w,
      Rcpp::Named("d") = out.d, Rcpp::Named("h") = out.h,
      Rcpp::Named("iterations") = double(res.iterations),
      Rcpp::Named("loss") = res.loss, Rcpp::Named("rel_error") = res.rel_error,
      Rcpp::Named("stop_reason") = std::string(stop_reason_name(res.stop_reason)),
      Rcpp::Named("interrupted") = progress.interrupted,
      Rcpp::Named("seconds") = res.seconds,
      Rcpp::Named("loss_history") = history,
      Rcpp::Named("solver") = res.solver,
      Rcpp::Named("extrapolation") = res.extrapolation == NMF_EXTRAPOLATION_ON,
      Rcpp::Named("restarts") = double(res.restarts),
      Rcpp::Named("sketch_rank") = double(res.sketch_rank),
      Rcpp::Named("sketch_iterations") = double(res.sketch_iterations),
      Rcpp::Named("threads_used") = int(res.threads_used));
}

}  // namespace

// Factor a dense column-major double matrix in place (no copy).
// [[Rcpp::export(name = ".nmf_fit_dense", rng = false)]]
List nmf_fit_dense(SEXP a, int k, List options, SEXP w_init, SEXP h_init) {
  if (TYPEOF(a) != REALSXP || !Rf_isMatrix(a))
    Rcpp::stop("internal: a must be a double matrix");
  const int64_t m = Rf_nrows(a), n = Rf_ncols(a);
  Outputs out(m, n, k, int64_t(Rcpp::as<double>(options["history"])), w_init,
              h_init);
  nmf_matrix A;
  nmf_matrix_dense(&A, sizeof A, NMF_SCALAR_DOUBLE, REAL(a), m, n, m);
  return run_fit(options, out, [&](const nmf_options& opts, nmf_result& res) {
    return nmf_fit(&A, k, out.w.begin(), out.d.begin(), out.h.begin(), &opts, &res);
  });
}

// Factor a CSC matrix given as the slots of a dgCMatrix: p (int, n + 1),
// i (int, 0-based row indices) and x (double) are read in place; only the
// column pointers are widened to int64 as the C ABI requires.
// [[Rcpp::export(name = ".nmf_fit_csc", rng = false)]]
List nmf_fit_csc(int m, int n, Rcpp::IntegerVector p, Rcpp::IntegerVector i,
                 NumericVector x, int k, List options, SEXP w_init,
                 SEXP h_init) {
  if (p.size() != R_xlen_t(n) + 1) Rcpp::stop("internal: p must have n + 1 entries");
  std::vector<int64_t> col_ptr(p.begin(), p.end());
  if (i.size() < col_ptr[size_t(n)] || x.size() < col_ptr[size_t(n)])
    Rcpp::stop("internal: i and x are shorter than p[n + 1]");
  Outputs out(m, n, k, int64_t(Rcpp::as<double>(options["history"])), w_init,
              h_init);
  nmf_matrix A;
  nmf_matrix_csc(&A, sizeof A, NMF_SCALAR_DOUBLE, NMF_INDEX_I32, m, n, col_ptr.data(),
                 i.begin(), x.begin());
  return run_fit(options, out, [&](const nmf_options& opts, nmf_result& res) {
    return nmf_fit(&A, k, out.w.begin(), out.d.begin(), out.h.begin(), &opts, &res);
  });
}

// The library's option table (nmf_option_count / nmf_option_info): per
// option its name, type, default, bounds (with open flags), choice names and
// values, and help.  R builds its code tables and argument checks from it
// at load time.
// [[Rcpp::export(name = ".nmf_option_table", rng = false)]]
List nmf_option_table() {
  const int32_t count = nmf_option_count();
  List out(count);
  Rcpp::CharacterVector names(count);
  for (int32_t i = 0; i < count; ++i) {
    nmf_option_desc desc;
    desc.struct_size = sizeof desc;
    if (nmf_option_info(i, &desc) != NMF_OK)
      Rcpp::stop("internal: nmf_option_info(%d) failed", i);
    Rcpp::CharacterVector choice_names(desc.n_choices);
    Rcpp::IntegerVector choice_values(desc.n_choices);
    for (int32_t j = 0; j < desc.n_choices; ++j) {
      int32_t value = 0;
      const char* name = nmf_option_choice(i, j, &value);
      choice_names[j] = name ? name : "";
      choice_values[j] = value;
    }
    choice_values.attr("names") = choice_names;
    static const char* const kTypes[] = {"int", "int64", "uint64", "real", "choice"};
    names[i] = desc.name;
    out[i] = List::create(
        Rcpp::Named("name") = std::string(desc.name),
        Rcpp::Named("type") = std::string(desc.type >= 0 && desc.type <= 4
                                              ? kTypes[desc.type] : "unknown"),
        Rcpp::Named("default") = desc.default_value,
        Rcpp::Named("min") = desc.min, Rcpp::Named("max") = desc.max,
        Rcpp::Named("min_excluded") = desc.min_excluded != 0,
        Rcpp::Named("max_excluded") = desc.max_excluded != 0,
        Rcpp::Named("choices") = choice_values,
        Rcpp::Named("help") = std::string(desc.help ? desc.help : ""));
  }
  out.attr("names") = names;
  return out;
}

// The library's version and its BLAS advice (empty when all is well).
// [[Rcpp::export(name = ".nmf_library_info", rng = false)]]
List nmf_library_info() {
  return List::create(Rcpp::Named("version") = std::string(nmf_version()),
                      Rcpp::Named("blas_core") = std::string(nmf_blas_core()),
                      Rcpp::Named("blas_advice") = std::string(nmf_blas_advice()));
}

// The library's pending notice (nmf_take_notice), "" when there is none.
// [[Rcpp::export(name = ".nmf_take_notice", rng = false)]]
std::string nmf_take_notice_text() {
  const char* notice = nmf_take_notice();
  return notice ? std::string(notice) : std::string();
}

// ---- Consensus clustering and rank survey (nmf.h, last section).

namespace {

// Everything R shows of one consensus handle, 1-based where R counts.
List consensus_list(const nmf_consensus* c) {
  nmf_consensus_info info;
  info.struct_size = sizeof info;
  nmf_consensus_get_info(c, &info);
  const int64_t m = info.m, n = info.n, k = info.k;
  NumericMatrix cons(static_cast<int>(n), static_cast<int>(n)), w(static_cast<int>(m), static_cast<int>(k)), h(static_cast<int>(k), static_cast<int>(n));
  NumericVector d(static_cast<int>(k)), sil(static_cast<int>(n)), height(static_cast<int>(n - 1)), loss(int(info.runs_done));
  std::vector<int32_t> cl(static_cast<size_t>(n)), best(static_cast<size_t>(n));
  std::vector<int64_t> merge(static_cast<size_t>(2 * (n - 1))), order(static_cast<size_t>(n));
  nmf_consensus_matrix(c, cons.begin(), n);
  nmf_consensus_labels(c, cl.data(), best.data());
  nmf_consensus_silhouette(c, sil.begin());
  nmf_consensus_tree(c, merge.data(), height.begin(), order.data());
  nmf_consensus_best_fit(c, w.begin(), d.begin(), h.begin());
  nmf_consensus_runs(c, nullptr, loss.begin());
  Rcpp::IntegerVector r_cl(static_cast<int>(n)), r_best(static_cast<int>(n)), r_order(static_cast<int>(n));
  Rcpp::IntegerMatrix r_merge(static_cast<int>(n - 1), 2);
  for (int64_t j = 0; j < n; ++j) {
    r_cl[j] = cl[size_t(j)] + 1;
    r_best[j] = best[size_t(j)] + 1;
    r_order[j] = int(order[size_t(j)] + 1);
  }
  for (int64_t s = 0; s < 2 * (n - 1); ++s) {
    const int64_t v = merge[size_t(s)];  // -(j+1) is sample j: R's -j is the same
    r_merge[s] = static_cast<int>(v);
  }
  List out;
  out["k"] = double(k);
  out["nrun"] = double(info.nrun);
  out["runs_done"] = double(info.runs_done);
  out["best_run"] = double(info.best_run + 1);
  out["iterations"] = double(info.best_iterations);
  out["stop_reason"] = std::string(stop_reason_name(info.best_stop_reason));
  out["loss"] = info.best_loss;
  out["rel_error"] = info.rel_error;
  out["rss"] = info.rss;
  out["evar"] = info.evar;
  out["cophenetic"] = info.cophenetic;
  out["dispersion"] = info.dispersion;
  out["silhouette"] = info.silhouette;
  out["seconds"] = info.seconds;
  out["consensus"] = cons;
  out["membership"] = r_cl;
  out["best_membership"] = r_best;
  out["silhouette_width"] = sil;
  out["merge"] = r_merge;
  out["height"] = height;
  out["order"] = r_order;
  out["w"] = w;
  out["d"] = d;
  out["h"] = h;
  out["run_loss"] = loss;
  return out;
}

// Runs survey(opts, sopts, &handle) with the progress callback installed
// (the bar counts runs) and converts the handle into R lists.
template <class Survey>
List run_survey(const List& options, Survey survey) {
  nmf_options opts;
  read_options(options, opts);
  nmf_survey_options sopts;
  nmf_survey_options_init(&sopts, sizeof sopts);
  sopts.nrun = int64_t(double_option(options, "nrun"));
  sopts.randomized = int_option(options, "randomize");
  sopts.random_seed = static_cast<uint64_t>(double_option(options, "random_seed"));
  Progress progress;
  progress.show_bar = Rcpp::as<bool>(options["show_bar"]);
  progress.interrupt_at = int64_t(double_option(options, "interrupt_at"));
  progress.start = progress.last_check = progress.last_draw = Clock::now();
  opts.progress = progress_callback;
  opts.progress_data = &progress;
  nmf_survey* s = nullptr;
  const int32_t status = survey(opts, sopts, &s);  // no R call can jump out
  if (progress.bar_drawn) {
    R_ToplevelExec(draw_bar_fn, &progress);
    R_ToplevelExec(end_bar_fn, nullptr);
  }
  if (status == NMF_CANCELLED)
    return List::create(Rcpp::Named("status") = status,
                        Rcpp::Named("interrupted") = true);
  if (status < 0) return error_list(status);
  const int64_t size = nmf_survey_size(s);
  List fits(static_cast<int>(size)), rnd(sopts.randomized ? static_cast<int>(size) : 0);
  for (int64_t t = 0; t < size; ++t) {
    fits[static_cast<int>(t)] = consensus_list(nmf_survey_get(s, t, 0));
    if (sopts.randomized) rnd[static_cast<int>(t)] = consensus_list(nmf_survey_get(s, t, 1));
  }
  nmf_survey_free(s);
  return List::create(Rcpp::Named("status") = status,
                      Rcpp::Named("interrupted") = false,
                      Rcpp::Named("fits") = fits,
                      Rcpp::Named("randomized") = rnd);
}

}  // namespace

// Consensus runs at every rank of a dense double matrix (read in place).
// [[Rcpp::export(name = ".nmf_survey_dense", rng = false)]]
List nmf_survey_dense(SEXP a, Rcpp::NumericVector ranks, List options) {
  if (TYPEOF(a) != REALSXP || !Rf_isMatrix(a))
    Rcpp::stop("internal: a must be a double matrix");
  const int64_t m = Rf_nrows(a), n = Rf_ncols(a);
  std::vector<int64_t> r(ranks.begin(), ranks.end());
  nmf_matrix A;
  nmf_matrix_dense(&A, sizeof A, NMF_SCALAR_DOUBLE, REAL(a), m, n, m);
  return run_survey(options, [&](const nmf_options& o, const nmf_survey_options& so,
                                 nmf_survey** out) {
    return nmf_survey_fit(&A, r.data(), int64_t(r.size()), &so, &o, out);
  });
}

// The same for the slots of a dgCMatrix.
// [[Rcpp::export(name = ".nmf_survey_csc", rng = false)]]
List nmf_survey_csc(int m, int n, Rcpp::IntegerVector p, Rcpp::IntegerVector i,
                    NumericVector x, Rcpp::NumericVector ranks, List options) {
  if (p.size() != R_xlen_t(n) + 1) Rcpp::stop("internal: p must have n + 1 entries");
  std::vector<int64_t> col_ptr(p.begin(), p.end());
  std::vector<int64_t> r(ranks.begin(), ranks.end());
  nmf_matrix A;
  nmf_matrix_csc(&A, sizeof A, NMF_SCALAR_DOUBLE, NMF_INDEX_I32, m, n, col_ptr.data(),
                 i.begin(), x.begin());
  return run_survey(options, [&](const nmf_options& o, const nmf_survey_options& so,
                                 nmf_survey** out) {
    return nmf_survey_fit(&A, r.data(), int64_t(r.size()), &so, &o, out);
  });
}

// Bi-cross-validation of the rank: the options, the outputs and the R list
// around one call of nmf_bicv (`call` runs it).
template <class Call>
List run_bicv(Rcpp::NumericVector ranks, List options, Call call) {
  std::vector<int64_t> r(ranks.begin(), ranks.end());
  nmf_options opts;
  read_options(options, opts);
  nmf_bicv_options bo;
  nmf_bicv_options_init(&bo, sizeof bo);
  bo.row_groups = int_option(options, "row_groups");
  bo.col_groups = int_option(options, "col_groups");
  bo.reps = int_option(options, "reps");
  bo.seed = static_cast<uint64_t>(double_option(options, "split_seed"));
  const int64_t folds = int64_t(bo.reps) * bo.row_groups * bo.col_groups;
  NumericVector error(static_cast<R_xlen_t>(r.size()));
  NumericMatrix fold_error(static_cast<int>(folds), static_cast<int>(r.size()));
  int64_t suggested = 0;
  const int32_t status = call(r, bo, opts, error.begin(), fold_error.begin(), &suggested);
  if (status < 0) return error_list(status);
  return List::create(Rcpp::Named("status") = status, Rcpp::Named("error") = error,
                      Rcpp::Named("fold_error") = fold_error,
                      Rcpp::Named("suggested") = double(suggested));
}

// On a dense double matrix, read in place.
// [[Rcpp::export(name = ".nmf_bicv_dense", rng = false)]]
List nmf_bicv_dense(SEXP a, Rcpp::NumericVector ranks, List options) {
  if (TYPEOF(a) != REALSXP || !Rf_isMatrix(a))
    Rcpp::stop("internal: a must be a double matrix");
  const int64_t m = Rf_nrows(a), n = Rf_ncols(a);
  nmf_matrix A;
  nmf_matrix_dense(&A, sizeof A, NMF_SCALAR_DOUBLE, REAL(a), m, n, m);
  return run_bicv(ranks, options,
                  [&](const std::vector<int64_t>& r, const nmf_bicv_options& bo,
                      const nmf_options& o, double* err, double* folds, int64_t* best) {
                    return nmf_bicv(&A, r.data(), int64_t(r.size()), &bo, &o, err, folds,
                                    best);
                  });
}

// On the slots of a dgCMatrix, read in place (only p widened to int64): the
// core copies each fold's blocks as CSC, never the dense matrix.
// [[Rcpp::export(name = ".nmf_bicv_csc", rng = false)]]
List nmf_bicv_csc(int m, int n, Rcpp::IntegerVector p, Rcpp::IntegerVector i,
                  NumericVector x, Rcpp::NumericVector ranks, List options) {
  if (p.size() != R_xlen_t(n) + 1) Rcpp::stop("internal: p must have n + 1 entries");
  std::vector<int64_t> col_ptr(p.begin(), p.end());
  if (i.size() < col_ptr[size_t(n)] || x.size() < col_ptr[size_t(n)])
    Rcpp::stop("internal: i and x are shorter than p[n + 1]");
  nmf_matrix A;
  nmf_matrix_csc(&A, sizeof A, NMF_SCALAR_DOUBLE, NMF_INDEX_I32, m, n, col_ptr.data(),
                 i.begin(), x.begin());
  return run_bicv(ranks, options,
                  [&](const std::vector<int64_t>& r, const nmf_bicv_options& bo,
                      const nmf_options& o, double* err, double* folds, int64_t* best) {
                    return nmf_bicv(&A, r.data(), int64_t(r.size()), &bo, &o, err, folds,
                                    best);
                  });
}

// Feature scores and selected markers of a basis matrix.
// [[Rcpp::export(name = ".nmf_features", rng = false)]]
List nmf_features(NumericMatrix w, int method) {
  const int64_t m = w.nrow(), k = w.ncol();
  NumericVector score(static_cast<int>(m));
  std::vector<int32_t> comp(static_cast<size_t>(m));
  int32_t status = nmf_feature_scores(w.begin(), m, k, m, method, score.begin());
  if (status == NMF_OK)
    status = nmf_select_features(w.begin(), m, k, m, method, comp.data(), nullptr);
  if (status < 0) return error_list(status);
  Rcpp::IntegerVector r_comp(static_cast<int>(m));
  for (int64_t i = 0; i < m; ++i)
    r_comp[i] = comp[size_t(i)] < 0 ? NA_INTEGER : comp[size_t(i)] + 1;
  return List::create(Rcpp::Named("status") = status, Rcpp::Named("score") = score,
                      Rcpp::Named("component") = r_comp);
}
