// R glue of symmetric NMF (nmf.h, nmf_symfit_*): symnmf() in R/symnmf.R
// calls these with a dense double matrix or the slots of a dgCMatrix.
#include <Rcpp.h>
#include <R_ext/Utils.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "nmf.h"

using Rcpp::List;
using Rcpp::NumericMatrix;
using Rcpp::NumericVector;

namespace {

using Clock = std::chrono::steady_clock;

struct SymProgress {
  Clock::time_point last_check;
  bool interrupted = false;
};

void sym_check_interrupt_fn(void*) { R_CheckUserInterrupt(); }

// Ctrl-C: R_CheckUserInterrupt through R_ToplevelExec (which catches its
// jump) at most every 50 ms, on the calling thread between iterations.
int32_t sym_progress(int64_t, int64_t, double, double, void* data) {
  SymProgress* p = static_cast<SymProgress*>(data);
  const Clock::time_point now = Clock::now();
  if (now - p->last_check < std::chrono::milliseconds(50)) return 0;
  p->last_check = now;
  if (R_ToplevelExec(sym_check_interrupt_fn, nullptr) == FALSE) {
    p->interrupted = true;
    return 1;
  }
  return 0;
}

template <class Call>
List run_symfit(int64_t n, int k, const List& o, Call call) {
  nmf_options opts;
  nmf_options_init(&opts, sizeof opts);
  opts.solver = Rcpp::as<int32_t>(o["solver"]);
  opts.n_threads = Rcpp::as<int32_t>(o["threads"]);
  opts.maxit = Rcpp::as<int32_t>(o["maxit"]);
  opts.tol = Rcpp::as<double>(o["tol"]);
  opts.seed = static_cast<uint64_t>(Rcpp::as<double>(o["seed"]));
  SymProgress progress;
  progress.last_check = Clock::now();
  opts.progress = sym_progress;
  opts.progress_data = &progress;
  NumericMatrix h(int(n), k);
  NumericVector history(R_xlen_t(opts.maxit > 0 ? opts.maxit : 1));
  nmf_symfit_result res;
  nmf_symfit_result_init(&res, sizeof res);
  res.loss_history = history.begin();
  res.loss_history_capacity = history.size();
  const int32_t status = call(h.begin(), opts, res);
  if (status < 0) {
    int64_t row = -1, col = -1;
    nmf_last_error_location(&row, &col);
    return List::create(Rcpp::Named("status") = status,
                        Rcpp::Named("error") = std::string(nmf_strerror(status)),
                        Rcpp::Named("message") = std::string(nmf_last_error_message()),
                        Rcpp::Named("row") = row >= 0 ? double(row + 1) : NA_REAL,
                        Rcpp::Named("col") = col >= 0 ? double(col + 1) : NA_REAL);
  }
  return List::create(
      Rcpp::Named("status") = status, Rcpp::Named("h") = h,
      Rcpp::Named("iterations") = double(res.iterations),
      Rcpp::Named("loss") = res.loss, Rcpp::Named("rel_error") = res.rel_error,
      Rcpp::Named("isolated") = double(res.isolated),
      Rcpp::Named("gap") = res.gap,
      Rcpp::Named("solver") = res.solver == NMF_SOLVER_ANLS ? "anls" : "hals",
      Rcpp::Named("stop_reason") = res.stop_reason,
      Rcpp::Named("interrupted") = progress.interrupted,
      Rcpp::Named("seconds") = res.seconds,
      Rcpp::Named("loss_history") =
          NumericVector(history.begin(), history.begin() + res.history_length));
}

}  // namespace

// [[Rcpp::export(name = ".nmf_symfit_dense", rng = false)]]
List nmf_symfit_dense(SEXP a, int k, List options) {
  if (TYPEOF(a) != REALSXP || !Rf_isMatrix(a))
    Rcpp::stop("internal: a must be a double matrix");
  const int64_t n = Rf_nrows(a);
  nmf_matrix A;
  nmf_matrix_dense(&A, sizeof A, NMF_SCALAR_DOUBLE, REAL(a), n, n, n);
  return run_symfit(n, k, options, [&](double* h, const nmf_options& o, nmf_symfit_result& r) {
    return nmf_symfit(&A, k, h, &o, &r);
  });
}

// The slots of a square dgCMatrix (p, i 0-based, x), read in place.
// [[Rcpp::export(name = ".nmf_symfit_csc", rng = false)]]
List nmf_symfit_csc(int n, Rcpp::IntegerVector p, Rcpp::IntegerVector i,
                    NumericVector x, int k, List options) {
  if (p.size() != R_xlen_t(n) + 1) Rcpp::stop("internal: p must have n + 1 entries");
  std::vector<int64_t> col_ptr(p.begin(), p.end());
  nmf_matrix A;
  nmf_matrix_csc(&A, sizeof A, NMF_SCALAR_DOUBLE, NMF_INDEX_I32, n, n, col_ptr.data(),
                 i.begin(), x.begin());
  return run_symfit(n, k, options, [&](double* h, const nmf_options& o, nmf_symfit_result& r) {
    return nmf_symfit(&A, k, h, &o, &r);
  });
}
