// Multi-start NMF and the consensus matrix (see consensus.hpp).
#include "nmf/consensus.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <string>
#include <type_traits>

#include "nmf/blas.hpp"
#include "nmf/fit.hpp"
#include "nmf/validate.hpp"

namespace nmf {

uint64_t run_seed(uint64_t master, int64_t run) {
  uint64_t z = master + uint64_t(run + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

template <class T>
double frob2_of(const DenseView<T>& a) {
  double s = 0;
  for (int64_t j = 0; j < a.n; ++j)
    for (int64_t i = 0; i < a.m; ++i) {
      const double x = double(a.data[i + j * a.ld]);
      s += x * x;
    }
  return s;
}
template <class T, class I>
double frob2_of(const CscView<T, I>& a) {
  double s = 0;
  for (int64_t t = 0; t < a.nnz(); ++t) s += double(a.values[t]) * double(a.values[t]);
  return s;
}

// State shared by the runs of one multi-start: cancellation, the count of
// runs completed and the best loss so far (for the progress callback).
struct Shared {
  const Options* user = nullptr;
  int64_t offset = 0, total = 0;
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> done{0};
  std::mutex mu;
  double best_loss = std::numeric_limits<double>::quiet_NaN();
  double best_rel = std::numeric_limits<double>::quiet_NaN();
};

// The calling thread's fits call the user's progress callback (so a host can
// check for interrupts on its main thread); the other threads' fits only
// watch the cancel flag.
int32_t caller_progress(int64_t, int64_t, double, double, void* data) {
  Shared* s = static_cast<Shared*>(data);
  if (s->cancel.load()) return 1;
  double bl, br;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    bl = s->best_loss;
    br = s->best_rel;
  }
  if (s->user->progress(s->offset + s->done.load(), s->total, bl, br,
                        s->user->progress_data) != 0) {
    s->cancel.store(true);
    return 1;
  }
  return 0;
}
int32_t worker_progress(int64_t, int64_t, double, double, void* data) {
  return static_cast<Shared*>(data)->cancel.load() ? 1 : 0;
}

template <class View, class T>
Status run_all(const View& a, int64_t m, int64_t n, int64_t k, int64_t nrun,
               const Options& opt, Consensus& out, RunCount count) {
  const auto t0 = std::chrono::steady_clock::now();
  out = Consensus();
  out.m = m;
  out.n = n;
  out.k = k;
  out.nrun = nrun;
  if (nrun < 1)
    return Status::error(kErrInvalidArgument,
                         "nrun = " + std::to_string(nrun) + " must be at least 1");
  if (opt.user_w || opt.user_h || opt.fix_w || opt.fix_h)
    return Status::error(kErrInvalidArgument,
                         "consensus runs start from the init method: user_w, "
                         "user_h, fix_w and fix_h must be 0");
  Status st = validate_problem(m, n, k, sizeof(T), opt);
  if (!st.ok()) return st;
  // The consensus matrix, its dissimilarity, the cophenetic matrix and the
  // packed working triangle: about 3.5 n^2 doubles.
  const double need = 3.5 * double(n) * double(n) * sizeof(double) +
                      double(nrun) * double(n) * sizeof(int32_t);
  const int64_t avail = available_memory_bytes();
  if (avail > 0 && need > double(avail))
    return Status::error(kErrOutOfMemory,
                         "the consensus over n = " + std::to_string(n) +
                             " samples needs about " +
                             std::to_string(int64_t(need / 1048576.0)) +
                             " MiB, more than the " +
                             std::to_string(avail / 1048576) + " MiB available");

  const int threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  const int outer = int(std::min<int64_t>(threads, nrun));
  const int inner = std::max(1, threads / outer);
  out.frob2 = frob2_of(a);
  out.run_loss.assign(size_t(nrun), std::numeric_limits<double>::quiet_NaN());
  out.run_labels.assign(size_t(nrun * n), 0);
  std::vector<Result> results(static_cast<size_t>(nrun));
  std::vector<Status> errors(static_cast<size_t>(nrun));
  std::vector<char> finished(static_cast<size_t>(nrun), 0);

  Shared shared;
  shared.user = &opt;
  shared.offset = count.offset;
  shared.total = count.total > 0 ? count.total : nrun;

  // Each thread keeps its own best fit; the overall best is chosen after.
  std::vector<std::vector<T>> bw(static_cast<size_t>(outer)), bh(static_cast<size_t>(outer)), bd(static_cast<size_t>(outer));
  std::vector<int64_t> brun(static_cast<size_t>(outer), -1);

  blas::ThreadScope scope;
#pragma omp parallel num_threads(outer)
  {
    const int tid = omp_get_thread_num();
    std::vector<T> w(static_cast<size_t>(m * k)), h(static_cast<size_t>(k * n)), d(static_cast<size_t>(k));
    Options o = opt;
    o.n_threads = inner;
    o.progress = opt.progress ? (tid == 0 ? caller_progress : worker_progress)
                              : nullptr;
    o.progress_data = &shared;
    for (int64_t r = tid; r < nrun; r += outer) {
      if (shared.cancel.load()) break;
      o.seed = run_seed(opt.seed, r);
      Result res;
      Status s;
      try {
        s = fit(a, k, w.data(), d.data(), h.data(), o, res);
      } catch (const std::bad_alloc&) {
        s = Status::error(kErrOutOfMemory, "out of memory");
      } catch (const std::exception& e) {
        s = Status::error(kErrInternal, std::string("internal error: ") + e.what());
      }
      if (s.code == kCancelled) break;
      if (!s.ok()) {
        errors[size_t(r)] = s;
        shared.cancel.store(true);
        break;
      }
      out.run_loss[size_t(r)] = res.loss;
      int32_t* lab = out.run_labels.data() + r * n;
      for (int64_t j = 0; j < n; ++j) {
        int32_t best = 0;
        double bv = double(d[0]) * double(h[size_t(j * k)]);
        for (int64_t l = 1; l < k; ++l) {
          const double v = double(d[size_t(l)]) * double(h[size_t(l + j * k)]);
          if (v > bv) {
            bv = v;
            best = int32_t(l);
          }
        }
        lab[j] = best;
      }
      const int64_t cur = brun[size_t(tid)];
      if (cur < 0 || res.loss < out.run_loss[size_t(cur)]) {
        brun[size_t(tid)] = r;
        bw[size_t(tid)] = w;
        bh[size_t(tid)] = h;
        bd[size_t(tid)] = d;
      }
      results[size_t(r)] = std::move(res);
      finished[size_t(r)] = 1;
      {
        std::lock_guard<std::mutex> lock(shared.mu);
        if (!(results[size_t(r)].loss >= shared.best_loss)) {
          shared.best_loss = results[size_t(r)].loss;
          shared.best_rel = results[size_t(r)].rel_error;
        }
      }
      shared.done.fetch_add(1);
    }
  }
  for (int64_t r = 0; r < nrun; ++r)
    if (!errors[size_t(r)].ok()) return errors[size_t(r)];
  const bool cancelled = shared.cancel.load();

  // Keep only the completed runs, in run order (all of them unless cancelled).
  int64_t done = 0;
  for (int64_t r = 0; r < nrun; ++r) {
    if (!finished[size_t(r)]) continue;
    if (done != r) {
      std::copy_n(out.run_labels.begin() + r * n, n,
                  out.run_labels.begin() + done * n);
    }
    ++done;
  }
  out.runs_done = done;
  int tbest = -1;
  for (int t = 0; t < outer; ++t) {
    const int64_t r = brun[size_t(t)];
    if (r < 0) continue;
    if (tbest < 0) {
      tbest = t;
      continue;
    }
    const int64_t b = brun[size_t(tbest)];
    const double lr = out.run_loss[size_t(r)], lb = out.run_loss[size_t(b)];
    if (lr < lb || (lr == lb && r < b)) tbest = t;
  }
  if (tbest >= 0) {
    const int64_t r = brun[size_t(tbest)];
    out.best_run = r;
    out.best = results[size_t(r)];
    out.w.assign(bw[size_t(tbest)].begin(), bw[size_t(tbest)].end());
    out.h.assign(bh[size_t(tbest)].begin(), bh[size_t(tbest)].end());
    out.d.assign(bd[size_t(tbest)].begin(), bd[size_t(tbest)].end());
    // The best run's labels, from its factors.
    out.best_labels.assign(static_cast<size_t>(n), 0);
    for (int64_t j = 0; j < n; ++j) {
      int32_t best = 0;
      double bv = out.d[0] * out.h[size_t(j * k)];
      for (int64_t l = 1; l < k; ++l) {
        const double v = out.d[size_t(l)] * out.h[size_t(l + j * k)];
        if (v > bv) {
          bv = v;
          best = int32_t(l);
        }
      }
      out.best_labels[size_t(j)] = best;
    }
    const double rel = out.best.rel_error;
    out.rss = rel * rel * out.frob2;
    out.evar = 1.0 - rel * rel;
    consensus_measures(out, threads);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (cancelled) {
    Status c;
    c.code = kCancelled;
    return c;
  }
  return Status();
}

}  // namespace

void consensus_measures(Consensus& out, int threads) {
  const int64_t n = out.n, runs = out.runs_done;
  out.consensus.assign(size_t(n * n), 0.0);
  if (runs < 1) return;
  const int32_t* lab = out.run_labels.data();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t j = 0; j < n; ++j) {
    std::vector<int64_t> same(static_cast<size_t>(n), 0);
    for (int64_t r = 0; r < runs; ++r) {
      const int32_t* l = lab + r * n;
      const int32_t lj = l[j];
      for (int64_t i = 0; i < n; ++i) same[size_t(i)] += l[i] == lj;
    }
    for (int64_t i = 0; i < n; ++i)
      out.consensus[size_t(i + j * n)] = double(same[size_t(i)]) / double(runs);
  }
  std::vector<double> dis(static_cast<size_t>(n * n));
  for (int64_t t = 0; t < n * n; ++t) dis[size_t(t)] = 1.0 - out.consensus[size_t(t)];
  out.tree = average_linkage(dis.data(), n);
  out.cophenetic = cophenetic_correlation(dis.data(), out.tree);
  out.membership = cut_tree(out.tree, out.k);
  out.silhouette = silhouette(dis.data(), n, out.membership);
  double s = 0;
  for (double v : out.silhouette) s += v;
  out.silhouette_mean = n > 0 ? s / double(n) : 0.0;
  out.dispersion = dispersion(out.consensus.data(), n);
}

template <class T>
Status consensus_fit(const DenseView<T>& a, int64_t k, int64_t nrun,
                     const Options& opt, Consensus& out, RunCount count) {
  return run_all<DenseView<T>, T>(a, a.m, a.n, k, nrun, opt, out, count);
}
template <class T, class I>
Status consensus_fit(const CscView<T, I>& a, int64_t k, int64_t nrun,
                     const Options& opt, Consensus& out, RunCount count) {
  return run_all<CscView<T, I>, T>(a, a.m, a.n, k, nrun, opt, out, count);
}

template Status consensus_fit(const DenseView<double>&, int64_t, int64_t,
                              const Options&, Consensus&, RunCount);
template Status consensus_fit(const DenseView<float>&, int64_t, int64_t,
                              const Options&, Consensus&, RunCount);
template Status consensus_fit(const CscView<double, int32_t>&, int64_t, int64_t,
                              const Options&, Consensus&, RunCount);
template Status consensus_fit(const CscView<double, int64_t>&, int64_t, int64_t,
                              const Options&, Consensus&, RunCount);
template Status consensus_fit(const CscView<float, int32_t>&, int64_t, int64_t,
                              const Options&, Consensus&, RunCount);
template Status consensus_fit(const CscView<float, int64_t>&, int64_t, int64_t,
                              const Options&, Consensus&, RunCount);

}  // namespace nmf
