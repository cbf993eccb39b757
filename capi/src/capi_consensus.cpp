// The C ABI of consensus clustering, rank survey, bi-cross-validation and
// marker selection (nmf.h, last section) over the core.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "capi_internal.hpp"
#include "host_collective.hpp"
#include "nmf.h"
#include "nmf/bicv.hpp"
#include "nmf/consensus.hpp"
#include "nmf/markers.hpp"
#include "nmf/survey.hpp"

struct nmf_consensus {
  nmf::Consensus c;
};

struct nmf_survey {
  std::vector<nmf_consensus> fits, randomized;
};

using namespace nmf_capi;

namespace {

constexpr size_t kMinInfoSize = offsetof(nmf_consensus_info, k) + sizeof(int64_t);

int32_t null_error(const char* what) {
  return set_error(NMF_ERR_NULL_POINTER, std::string(what) + " is NULL");
}

int32_t dims_error(int64_t m, int64_t n) {
  return set_error(NMF_ERR_DIMENSION,
                   "A is empty (m = " + std::to_string(m) + ", n = " +
                       std::to_string(n) + "); both dimensions must be at least 1");
}

// The collective that spreads a multi-start's runs (NULL: none), with the
// checks made so far (`rc`) agreed among the processes when the collective
// can carry them: no process may return while the others go on.
int32_t runs_collective(const nmf_options* opts, int32_t rc,
                        std::unique_ptr<HostCollective>& host) {
  const nmf_collective* coll = collective_of(opts);
  if (!coll) return rc;
  const int32_t own = check_runs_collective(coll);
  if (rc == NMF_OK) rc = own;
  if (coll->struct_size < kFitCollectiveSize || check_callbacks(*coll) != NMF_OK)
    return rc;  // cannot agree: the error is this process's own
  host = std::make_unique<HostCollective>(*coll);
  const nmf::Status agreed = host->agree(
      rc == NMF_OK ? nmf::Status() : nmf::Status::error(rc, nmf_last_error_message()));
  return agreed.ok() ? NMF_OK : set_error(agreed);
}

// An input refused before the call reaches the core (a NULL or empty A),
// agreed among the processes of a spread multi-start.
template <class Out, class F>
int32_t refuse(const nmf_options* opts, Out** out, F&& make_error) {
  return guarded([&]() -> int32_t {
    if (out) *out = nullptr;
    std::unique_ptr<HostCollective> host;
    return runs_collective(opts, make_error(), host);
  });
}

template <class View>
int32_t consensus_any(const View& view, int64_t k, int64_t nrun,
                      const nmf_options* opts, nmf_consensus** out) {
  return guarded([&]() -> int32_t {
    if (out) *out = nullptr;
    nmf::Options o;
    int32_t rc = out ? read_options(opts, o) : null_error("out");
    std::unique_ptr<HostCollective> host;
    rc = runs_collective(opts, rc, host);
    if (rc != NMF_OK) return rc;
    auto h = std::make_unique<nmf_consensus>();
    const nmf::Status st = nmf::consensus_fit(view, k, nrun, o, h->c, {}, host.get());
    if (st.code != NMF_OK && st.code != NMF_CANCELLED) return set_error(st);
    if (h->c.runs_done > 0) *out = h.release();
    return st.code;
  });
}

template <class T>
int32_t consensus_dense(const T* A, int64_t m, int64_t n, int64_t lda,
                        int64_t k, int64_t nrun, const nmf_options* opts,
                        nmf_consensus** out) {
  if (!A) return refuse(opts, out, [] { return null_error("A"); });
  return consensus_any(nmf::DenseView<T>{A, m, n, lda}, k, nrun, opts, out);
}

template <class T, class I>
int32_t consensus_csc(int64_t m, int64_t n, const int64_t* col_ptr,
                      const I* row_ind, const T* values, int64_t k,
                      int64_t nrun, const nmf_options* opts,
                      nmf_consensus** out) {
  if (!col_ptr || m < 1 || n < 1)
    return refuse(opts, out,
                  [&] { return !col_ptr ? null_error("col_ptr") : dims_error(m, n); });
  return consensus_any(nmf::CscView<T, I>{m, n, col_ptr, row_ind, values}, k,
                       nrun, opts, out);
}

int32_t read_survey_options(const nmf_survey_options* in, nmf::SurveyOptions& so) {
  nmf_survey_options o;
  nmf_survey_options_init(&o, sizeof o);
  if (in) {
    if (in->struct_size < offsetof(nmf_survey_options, nrun) + sizeof(int64_t))
      return set_error(NMF_ERR_STRUCT_SIZE,
                       "nmf_survey_options.struct_size = " +
                           std::to_string(in->struct_size) +
                           " is too small; initialise it with nmf_survey_options_init");
    std::memcpy(&o, in, in->struct_size < sizeof o ? in->struct_size : sizeof o);
  }
  so.nrun = o.nrun;
  so.randomized = o.randomized != 0;
  so.random_seed = o.random_seed;
  return NMF_OK;
}

template <class View>
int32_t survey_any(const View& view, const int64_t* ranks, int64_t n_ranks,
                   const nmf_survey_options* sopts, const nmf_options* opts,
                   nmf_survey** out) {
  return guarded([&]() -> int32_t {
    if (out) *out = nullptr;
    nmf::SurveyOptions so;
    nmf::Options o;
    const int32_t rc0 = [&]() -> int32_t {
      if (!out) return null_error("out");
      if (n_ranks < 1)
        return set_error(NMF_ERR_INVALID_ARGUMENT,
                         "n_ranks = " + std::to_string(n_ranks) +
                             ": the list of ranks is empty");
      if (!ranks) return null_error("ranks");
      const int32_t r = read_survey_options(sopts, so);
      return r != NMF_OK ? r : read_options(opts, o);
    }();
    std::unique_ptr<HostCollective> host;
    const int32_t rc = runs_collective(opts, rc0, host);
    if (rc != NMF_OK) return rc;
    nmf::Survey s;
    const nmf::Status st = nmf::rank_survey(
        view, std::vector<int64_t>(ranks, ranks + n_ranks), so, o, s, host.get());
    if (st.code == NMF_CANCELLED) return NMF_CANCELLED;
    if (!st.ok()) return set_error(st);
    auto h = std::make_unique<nmf_survey>();
    for (auto& c : s.fits) h->fits.push_back(nmf_consensus{std::move(c)});
    for (auto& c : s.randomized) h->randomized.push_back(nmf_consensus{std::move(c)});
    *out = h.release();
    return NMF_OK;
  });
}

template <class T>
int32_t survey_dense(const T* A, int64_t m, int64_t n, int64_t lda,
                     const int64_t* ranks, int64_t n_ranks,
                     const nmf_survey_options* sopts, const nmf_options* opts,
                     nmf_survey** out) {
  if (!A) return refuse(opts, out, [] { return null_error("A"); });
  return survey_any(nmf::DenseView<T>{A, m, n, lda}, ranks, n_ranks, sopts, opts, out);
}

template <class T, class I>
int32_t survey_csc(int64_t m, int64_t n, const int64_t* col_ptr,
                   const I* row_ind, const T* values, const int64_t* ranks,
                   int64_t n_ranks, const nmf_survey_options* sopts,
                   const nmf_options* opts, nmf_survey** out) {
  if (!col_ptr || m < 1 || n < 1)
    return refuse(opts, out,
                  [&] { return !col_ptr ? null_error("col_ptr") : dims_error(m, n); });
  return survey_any(nmf::CscView<T, I>{m, n, col_ptr, row_ind, values}, ranks,
                    n_ranks, sopts, opts, out);
}

int32_t read_bicv_options(const nmf_bicv_options* in, nmf::BicvOptions& bo) {
  nmf_bicv_options o;
  nmf_bicv_options_init(&o, sizeof o);
  if (in) {
    if (in->struct_size < offsetof(nmf_bicv_options, reps) + sizeof(int32_t))
      return set_error(NMF_ERR_STRUCT_SIZE,
                       "nmf_bicv_options.struct_size = " +
                           std::to_string(in->struct_size) +
                           " is too small; initialise it with nmf_bicv_options_init");
    std::memcpy(&o, in, in->struct_size < sizeof o ? in->struct_size : sizeof o);
  }
  bo.row_groups = o.row_groups;
  bo.col_groups = o.col_groups;
  bo.reps = o.reps;
  bo.seed = o.seed;
  return NMF_OK;
}

// The checks shared by the dense and CSC entry points, then the core.
template <class View>
int32_t bicv_any(const View& view, const int64_t* ranks, int64_t n_ranks,
                 const nmf_bicv_options* bopts, const nmf_options* opts,
                 double* error, double* fold_error, int64_t* suggested_k) {
  if (!error) return null_error("error");
  if (n_ranks < 1)
    return set_error(NMF_ERR_INVALID_ARGUMENT,
                     "n_ranks = " + std::to_string(n_ranks) +
                         ": the list of ranks is empty");
  if (!ranks) return null_error("ranks");
  nmf::BicvOptions bo;
  int32_t rc = read_bicv_options(bopts, bo);
  if (rc != NMF_OK) return rc;
  nmf::Options o;
  rc = read_options(opts, o);
  if (rc != NMF_OK) return rc;
  nmf::Bicv res;
  const nmf::Status st =
      nmf::bicv(view, std::vector<int64_t>(ranks, ranks + n_ranks), bo, o, res);
  if (!st.ok()) return set_error(st);
  std::copy(res.error.begin(), res.error.end(), error);
  if (fold_error) std::copy(res.fold_error.begin(), res.fold_error.end(), fold_error);
  if (suggested_k) *suggested_k = res.suggested;
  return NMF_OK;
}

template <class T>
int32_t bicv_dense(const T* A, int64_t m, int64_t n, int64_t lda,
                   const int64_t* ranks, int64_t n_ranks,
                   const nmf_bicv_options* bopts, const nmf_options* opts,
                   double* error, double* fold_error, int64_t* suggested_k) {
  return guarded([&]() -> int32_t {
    if (!A) return null_error("A");
    return bicv_any(nmf::DenseView<T>{A, m, n, lda}, ranks, n_ranks, bopts, opts,
                    error, fold_error, suggested_k);
  });
}

// The CSC structure (col_ptr, row_ind, values) is checked by the core's
// validate_csc, as for every CSC entry point.
template <class T, class I>
int32_t bicv_csc(int64_t m, int64_t n, const int64_t* col_ptr, const I* row_ind,
                 const T* values, const int64_t* ranks, int64_t n_ranks,
                 const nmf_bicv_options* bopts, const nmf_options* opts,
                 double* error, double* fold_error, int64_t* suggested_k) {
  return guarded([&]() -> int32_t {
    if (!col_ptr) return null_error("col_ptr");
    if (m < 1 || n < 1) return dims_error(m, n);
    return bicv_any(nmf::CscView<T, I>{m, n, col_ptr, row_ind, values}, ranks,
                    n_ranks, bopts, opts, error, fold_error, suggested_k);
  });
}

}  // namespace

extern "C" {

int32_t nmf_consensus_dense_d(const double* A, int64_t m, int64_t n, int64_t lda,
                              int64_t k, int64_t nrun, const nmf_options* opts,
                              nmf_consensus** out) {
  return consensus_dense(A, m, n, lda, k, nrun, opts, out);
}
int32_t nmf_consensus_dense_f(const float* A, int64_t m, int64_t n, int64_t lda,
                              int64_t k, int64_t nrun, const nmf_options* opts,
                              nmf_consensus** out) {
  return consensus_dense(A, m, n, lda, k, nrun, opts, out);
}
int32_t nmf_consensus_csc_d_i32(int64_t m, int64_t n, const int64_t* col_ptr,
                                const int32_t* row_ind, const double* values,
                                int64_t k, int64_t nrun, const nmf_options* opts,
                                nmf_consensus** out) {
  return consensus_csc(m, n, col_ptr, row_ind, values, k, nrun, opts, out);
}
int32_t nmf_consensus_csc_d_i64(int64_t m, int64_t n, const int64_t* col_ptr,
                                const int64_t* row_ind, const double* values,
                                int64_t k, int64_t nrun, const nmf_options* opts,
                                nmf_consensus** out) {
  return consensus_csc(m, n, col_ptr, row_ind, values, k, nrun, opts, out);
}
int32_t nmf_consensus_csc_f_i32(int64_t m, int64_t n, const int64_t* col_ptr,
                                const int32_t* row_ind, const float* values,
                                int64_t k, int64_t nrun, const nmf_options* opts,
                                nmf_consensus** out) {
  return consensus_csc(m, n, col_ptr, row_ind, values, k, nrun, opts, out);
}
int32_t nmf_consensus_csc_f_i64(int64_t m, int64_t n, const int64_t* col_ptr,
                                const int64_t* row_ind, const float* values,
                                int64_t k, int64_t nrun, const nmf_options* opts,
                                nmf_consensus** out) {
  return consensus_csc(m, n, col_ptr, row_ind, values, k, nrun, opts, out);
}

void nmf_consensus_free(nmf_consensus* c) { delete c; }

int32_t nmf_consensus_get_info(const nmf_consensus* c, nmf_consensus_info* info) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    if (!info) return null_error("info");
    if (info->struct_size < kMinInfoSize)
      return set_error(NMF_ERR_STRUCT_SIZE,
                       "nmf_consensus_info.struct_size = " +
                           std::to_string(info->struct_size) +
                           " is too small (at least " + std::to_string(kMinInfoSize) +
                           "); set it to sizeof(nmf_consensus_info)");
    const nmf::Consensus& x = c->c;
    nmf_consensus_info r;
    std::memset(&r, 0, sizeof r);
    r.struct_size = info->struct_size;
    r.best_stop_reason = x.best.stop_reason;
    r.m = x.m;
    r.n = x.n;
    r.k = x.k;
    r.nrun = x.nrun;
    r.runs_done = x.runs_done;
    r.best_run = x.best_run;
    r.best_iterations = x.best.iterations;
    r.best_loss = x.best.loss;
    r.rel_error = x.best.rel_error;
    r.rss = x.rss;
    r.evar = x.evar;
    r.cophenetic = x.cophenetic;
    r.dispersion = x.dispersion;
    r.silhouette = x.silhouette_mean;
    r.seconds = x.seconds;
    std::memcpy(info, &r, info->struct_size < sizeof r ? info->struct_size : sizeof r);
    return NMF_OK;
  });
}

int32_t nmf_consensus_matrix(const nmf_consensus* c, double* C, int64_t ldc) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    if (!C) return null_error("C");
    const int64_t n = c->c.n;
    if (ldc < n)
      return set_error(NMF_ERR_DIMENSION, "ldc = " + std::to_string(ldc) +
                                              " is smaller than n = " + std::to_string(n));
    for (int64_t j = 0; j < n; ++j)
      std::memcpy(C + j * ldc, c->c.consensus.data() + j * n, size_t(n) * sizeof(double));
    return NMF_OK;
  });
}

int32_t nmf_consensus_labels(const nmf_consensus* c, int32_t* cluster,
                             int32_t* best_fit) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    if (cluster) std::copy(c->c.membership.begin(), c->c.membership.end(), cluster);
    if (best_fit) std::copy(c->c.best_labels.begin(), c->c.best_labels.end(), best_fit);
    return NMF_OK;
  });
}

int32_t nmf_consensus_silhouette(const nmf_consensus* c, double* width) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    if (!width) return null_error("width");
    std::copy(c->c.silhouette.begin(), c->c.silhouette.end(), width);
    return NMF_OK;
  });
}

int32_t nmf_consensus_tree(const nmf_consensus* c, int64_t* merge,
                           double* height, int64_t* order) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    const nmf::Dendrogram& t = c->c.tree;
    const int64_t steps = t.n - 1;
    if (merge)
      for (int64_t s = 0; s < steps; ++s) {
        merge[s] = t.merge[size_t(2 * s)];
        merge[s + steps] = t.merge[size_t(2 * s + 1)];
      }
    if (height) std::copy(t.height.begin(), t.height.end(), height);
    if (order) std::copy(t.order.begin(), t.order.end(), order);
    return NMF_OK;
  });
}

int32_t nmf_consensus_best_fit(const nmf_consensus* c, double* W, double* d,
                               double* H) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    if (!W) return null_error("W");
    if (!H) return null_error("H");
    const nmf::Consensus& x = c->c;
    std::copy(x.w.begin(), x.w.end(), W);
    if (d) {
      std::copy(x.d.begin(), x.d.end(), d);
      std::copy(x.h.begin(), x.h.end(), H);
    } else {
      for (int64_t j = 0; j < x.n; ++j)
        for (int64_t l = 0; l < x.k; ++l)
          H[l + j * x.k] = x.h[size_t(l + j * x.k)] * x.d[size_t(l)];
    }
    return NMF_OK;
  });
}

int32_t nmf_consensus_runs(const nmf_consensus* c, int32_t* labels, double* loss) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    const nmf::Consensus& x = c->c;
    if (labels)
      std::copy_n(x.run_labels.begin(), x.runs_done * x.n, labels);
    if (loss) {
      int64_t t = 0;
      for (double v : x.run_loss)
        if (!std::isnan(v)) loss[t++] = v;
    }
    return NMF_OK;
  });
}

int32_t nmf_survey_options_init(nmf_survey_options* o, size_t size) {
  nmf_survey_options d;
  std::memset(&d, 0, sizeof d);
  const nmf::SurveyOptions def;
  d.nrun = def.nrun;
  d.randomized = def.randomized ? 1 : 0;
  d.random_seed = def.random_seed;
  return init_struct(o, size, offsetof(nmf_survey_options, nrun) + sizeof(int64_t),
                     "opts", "nmf_survey_options", d);
}

int32_t nmf_survey_dense_d(const double* A, int64_t m, int64_t n, int64_t lda,
                           const int64_t* ranks, int64_t n_ranks,
                           const nmf_survey_options* sopts,
                           const nmf_options* opts, nmf_survey** out) {
  return survey_dense(A, m, n, lda, ranks, n_ranks, sopts, opts, out);
}
int32_t nmf_survey_dense_f(const float* A, int64_t m, int64_t n, int64_t lda,
                           const int64_t* ranks, int64_t n_ranks,
                           const nmf_survey_options* sopts,
                           const nmf_options* opts, nmf_survey** out) {
  return survey_dense(A, m, n, lda, ranks, n_ranks, sopts, opts, out);
}
int32_t nmf_survey_csc_d_i32(int64_t m, int64_t n, const int64_t* col_ptr,
                             const int32_t* row_ind, const double* values,
                             const int64_t* ranks, int64_t n_ranks,
                             const nmf_survey_options* sopts,
                             const nmf_options* opts, nmf_survey** out) {
  return survey_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, sopts, opts, out);
}
int32_t nmf_survey_csc_d_i64(int64_t m, int64_t n, const int64_t* col_ptr,
                             const int64_t* row_ind, const double* values,
                             const int64_t* ranks, int64_t n_ranks,
                             const nmf_survey_options* sopts,
                             const nmf_options* opts, nmf_survey** out) {
  return survey_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, sopts, opts, out);
}
int32_t nmf_survey_csc_f_i32(int64_t m, int64_t n, const int64_t* col_ptr,
                             const int32_t* row_ind, const float* values,
                             const int64_t* ranks, int64_t n_ranks,
                             const nmf_survey_options* sopts,
                             const nmf_options* opts, nmf_survey** out) {
  return survey_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, sopts, opts, out);
}
int32_t nmf_survey_csc_f_i64(int64_t m, int64_t n, const int64_t* col_ptr,
                             const int64_t* row_ind, const float* values,
                             const int64_t* ranks, int64_t n_ranks,
                             const nmf_survey_options* sopts,
                             const nmf_options* opts, nmf_survey** out) {
  return survey_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, sopts, opts, out);
}

void nmf_survey_free(nmf_survey* s) { delete s; }

int64_t nmf_survey_size(const nmf_survey* s) {
  return s ? int64_t(s->fits.size()) : 0;
}

const nmf_consensus* nmf_survey_get(const nmf_survey* s, int64_t index,
                                    int32_t randomized) {
  if (!s || index < 0) return nullptr;
  const auto& v = randomized ? s->randomized : s->fits;
  return index < int64_t(v.size()) ? &v[size_t(index)] : nullptr;
}

int32_t nmf_bicv_options_init(nmf_bicv_options* o, size_t size) {
  nmf_bicv_options d;
  std::memset(&d, 0, sizeof d);
  const nmf::BicvOptions def;
  d.row_groups = def.row_groups;
  d.col_groups = def.col_groups;
  d.reps = def.reps;
  d.seed = def.seed;
  return init_struct(o, size, offsetof(nmf_bicv_options, reps) + sizeof(int32_t),
                     "opts", "nmf_bicv_options", d);
}

int32_t nmf_bicv_dense_d(const double* A, int64_t m, int64_t n, int64_t lda,
                         const int64_t* ranks, int64_t n_ranks,
                         const nmf_bicv_options* bopts, const nmf_options* opts,
                         double* error, double* fold_error, int64_t* suggested_k) {
  return bicv_dense(A, m, n, lda, ranks, n_ranks, bopts, opts, error,
                    fold_error, suggested_k);
}
int32_t nmf_bicv_dense_f(const float* A, int64_t m, int64_t n, int64_t lda,
                         const int64_t* ranks, int64_t n_ranks,
                         const nmf_bicv_options* bopts, const nmf_options* opts,
                         double* error, double* fold_error, int64_t* suggested_k) {
  return bicv_dense(A, m, n, lda, ranks, n_ranks, bopts, opts, error,
                    fold_error, suggested_k);
}

int32_t nmf_bicv_csc_d_i32(int64_t m, int64_t n, const int64_t* col_ptr,
                           const int32_t* row_ind, const double* values,
                           const int64_t* ranks, int64_t n_ranks,
                           const nmf_bicv_options* bopts, const nmf_options* opts,
                           double* error, double* fold_error, int64_t* suggested_k) {
  return bicv_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, bopts, opts,
                  error, fold_error, suggested_k);
}
int32_t nmf_bicv_csc_d_i64(int64_t m, int64_t n, const int64_t* col_ptr,
                           const int64_t* row_ind, const double* values,
                           const int64_t* ranks, int64_t n_ranks,
                           const nmf_bicv_options* bopts, const nmf_options* opts,
                           double* error, double* fold_error, int64_t* suggested_k) {
  return bicv_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, bopts, opts,
                  error, fold_error, suggested_k);
}
int32_t nmf_bicv_csc_f_i32(int64_t m, int64_t n, const int64_t* col_ptr,
                           const int32_t* row_ind, const float* values,
                           const int64_t* ranks, int64_t n_ranks,
                           const nmf_bicv_options* bopts, const nmf_options* opts,
                           double* error, double* fold_error, int64_t* suggested_k) {
  return bicv_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, bopts, opts,
                  error, fold_error, suggested_k);
}
int32_t nmf_bicv_csc_f_i64(int64_t m, int64_t n, const int64_t* col_ptr,
                           const int64_t* row_ind, const float* values,
                           const int64_t* ranks, int64_t n_ranks,
                           const nmf_bicv_options* bopts, const nmf_options* opts,
                           double* error, double* fold_error, int64_t* suggested_k) {
  return bicv_csc(m, n, col_ptr, row_ind, values, ranks, n_ranks, bopts, opts,
                  error, fold_error, suggested_k);
}

int32_t nmf_feature_scores(const double* W, int64_t m, int64_t k, int64_t ldw,
                           int32_t method, double* score) {
  return guarded([&]() -> int32_t {
    const nmf::Status st = nmf::feature_scores(W, m, k, ldw, method, score);
    return st.ok() ? NMF_OK : set_error(st);
  });
}

int32_t nmf_select_features(const double* W, int64_t m, int64_t k, int64_t ldw,
                            int32_t method, int32_t* component,
                            int64_t* n_selected) {
  return guarded([&]() -> int32_t {
    const nmf::Status st =
        nmf::select_features(W, m, k, ldw, method, component, n_selected);
    return st.ok() ? NMF_OK : set_error(st);
  });
}

}  // extern "C"
