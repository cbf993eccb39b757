// The C ABI of consensus clustering (nmf.h, "Consensus clustering"): the
// entry point over an nmf_matrix, its typed wrappers, the run seeds and the
// readers of the handle.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include "capi_internal.hpp"
#include "host_collective.hpp"
#include "nmf.h"
#include "nmf/consensus.hpp"

using namespace nmf_capi;

namespace {

constexpr size_t kMinInfoSize = offsetof(nmf_consensus_info, k) + sizeof(int64_t);

template <class View>
int32_t consensus_view(const View& view, int64_t k, int64_t nrun,
                       const nmf_options* opts, nmf_consensus** out) {
  if (check_input(view) != NMF_OK)
    return refuse(opts, out, [&] { return check_input(view); });
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

}  // namespace

extern "C" {

int32_t nmf_consensus_fit(const nmf_matrix* A, int64_t k, int64_t nrun,
                      const nmf_options* opts, nmf_consensus** out) {
  if (guarded([&] { return check_matrix(A); }) != NMF_OK)
    return refuse(opts, out, [&] { return check_matrix(A); });
  return visit_matrix(*A, [&](const auto& view) {
    return consensus_view(view, k, nrun, opts, out);
  });
}

// The typed entry points of earlier releases (deprecated).
#define NMF_CONSENSUS_PARAMS(T) \
  int64_t k, int64_t nrun, const nmf_options* opts, nmf_consensus** out
NMF_CAPI_TYPED_ENTRY_POINTS(consensus, nmf_consensus_fit, NMF_CONSENSUS_PARAMS,
                            (k, nrun, opts, out))
#undef NMF_CONSENSUS_PARAMS

uint64_t nmf_run_seed(uint64_t seed, int64_t run) { return nmf::run_seed(seed, run); }

void nmf_consensus_free(nmf_consensus* c) { delete c; }

int32_t nmf_consensus_get_info(const nmf_consensus* c, nmf_consensus_info* info) {
  return guarded([&]() -> int32_t {
    if (!c) return null_error("the consensus handle");
    if (!info) return null_error("info");
    if (info->struct_size < kMinInfoSize)
      return struct_size_error("nmf_consensus_info.struct_size", info->struct_size,
                               kMinInfoSize, "set it to sizeof(nmf_consensus_info)");
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

}  // extern "C"
