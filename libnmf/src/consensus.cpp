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
#include "nmf/threads.hpp"
#include "nmf/system_memory.hpp"
#include "nmf/validate.hpp"

namespace nmf {

uint64_t run_seed(uint64_t master, int64_t run) {
  uint64_t z = master + uint64_t(run + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

// State shared by the runs of one multi-start: cancellation, the count of
// runs completed and the best loss so far (for the progress callback).
struct Shared {
  const Options* user = nullptr;
  int64_t offset = 0, total = 0;
  // A spread multi-start reports this process's runs times the processes
  // (an estimate of the job's), at most cap.
  int64_t scale = 1, cap = 0;
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
  const int64_t runs = std::min(s->offset + s->done.load() * s->scale, s->cap);
  if (s->user->progress(runs, s->total, bl, br,
                        s->user->progress_data) != 0) {
    s->cancel.store(true);
    return 1;
  }
  return 0;
}
int32_t worker_progress(int64_t, int64_t, double, double, void* data) {
  return static_cast<Shared*>(data)->cancel.load() ? 1 : 0;
}

// The checks made before any run.  With a collective every process must
// hold the same problem: a difference (a process that read another file,
// other options) is an error on every process, not a silent mix.
template <class T>
Status check_runs(int64_t m, int64_t n, int64_t k, int64_t nrun, const Options& opt,
                  double frob2, const Across& across) {
  if (nrun < 1)
    return Status::error(kErrInvalidArgument,
                         "nrun = " + std::to_string(nrun) + " must be at least 1");
  if (opt.user_w || opt.user_h || opt.fix_w || opt.fix_h)
    return Status::error(kErrInvalidArgument,
                         "consensus runs start from the init method: user_w, "
                         "user_h, fix_w and fix_h must be 0");
  Status st = validate_problem(m, n, k, sizeof(T), opt);
  if (!st.ok()) return st;
  if (across.distributed()) {
    const double mine[] = {double(m), double(n), double(k), double(nrun),
                           double(opt.seed >> 32), double(opt.seed & 0xffffffffu),
                           double(opt.solver), double(opt.loss), frob2};
    for (double v : mine)
      if (across.max(v) != -across.max(-v))
        return Status::error(kErrInvalidArgument,
                             "the processes of a spread multi-start hold "
                             "different problems (dimensions, rank, runs, seed, "
                             "solver, loss or the matrix's sum of squares "
                             "differ): every process must pass the whole matrix "
                             "and the same options");
  }
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
  return Status();
}

// argmax_l d_l H_lj for every column j of a k x n H.
template <class T>
void assign_labels(const T* d, const T* h, int64_t k, int64_t n, int32_t* lab) {
  for (int64_t j = 0; j < n; ++j) {
    int32_t best = 0;
    double bv = double(d[0]) * double(h[j * k]);
    for (int64_t l = 1; l < k; ++l) {
      const double v = double(d[l]) * double(h[l + j * k]);
      if (v > bv) {
        bv = v;
        best = int32_t(l);
      }
    }
    lab[j] = best;
  }
}

// A spread multi-start, after every process ran its runs: every run's
// completion, loss and labels summed over the processes (each run is
// non-zero on the one process that ran it).
void gather_runs(const Across& across, int64_t nrun, int64_t n,
                 std::vector<char>& finished, std::vector<double>& loss,
                 std::vector<int32_t>& labels) {
  const int64_t width = n + 2;
  std::vector<double> buf(size_t(nrun * width), 0.0);
  for (int64_t r = 0; r < nrun; ++r) {
    if (!finished[size_t(r)]) continue;
    double* row = buf.data() + r * width;
    row[0] = 1;
    row[1] = loss[size_t(r)];
    for (int64_t j = 0; j < n; ++j) row[2 + j] = labels[size_t(r * n + j)];
  }
  across.sum(buf.data(), int64_t(buf.size()));
  for (int64_t r = 0; r < nrun; ++r) {
    const double* row = buf.data() + r * width;
    finished[size_t(r)] = row[0] > 0;
    loss[size_t(r)] = row[0] > 0 ? row[1] : std::numeric_limits<double>::quiet_NaN();
    for (int64_t j = 0; j < n; ++j) labels[size_t(r * n + j)] = int32_t(row[2 + j]);
  }
}

// The best run's result and factors, from the process that ran it (`mine`:
// this process ran it) to every process.
template <class T>
void share_best(const Across& across, bool mine, int64_t m, int64_t n, int64_t k,
                Result& res, std::vector<T>& w, std::vector<T>& d, std::vector<T>& h) {
  double head[10] = {0};
  if (mine) {
    const double v[10] = {double(res.stop_reason), double(res.iterations), res.loss,
                          res.rel_error, double(res.solver), double(res.init),
                          res.seconds, double(res.extrapolation), double(res.restarts),
                          double(res.history.size())};
    std::copy(v, v + 10, head);
  }
  across.sum(head, 10);
  const int64_t hist = int64_t(head[9]);
  const int64_t len = m * k + k + k * n + hist;
  std::vector<double> body(size_t(len), 0.0);
  if (mine) {
    double* p = body.data();
    for (T x : w) *p++ = double(x);
    for (T x : d) *p++ = double(x);
    for (T x : h) *p++ = double(x);
    for (double x : res.history) *p++ = x;
  }
  across.sum(body.data(), len);
  res.stop_reason = int32_t(head[0]);
  res.iterations = int64_t(head[1]);
  res.loss = head[2];
  res.rel_error = head[3];
  res.solver = int32_t(head[4]);
  res.init = int32_t(head[5]);
  res.seconds = head[6];
  res.extrapolation = int32_t(head[7]);
  res.restarts = int64_t(head[8]);
  const double* p = body.data();
  w.resize(size_t(m * k));
  d.resize(size_t(k));
  h.resize(size_t(k * n));
  for (T& x : w) x = T(*p++);
  for (T& x : d) x = T(*p++);
  for (T& x : h) x = T(*p++);
  res.history.assign(p, p + hist);
}

// How this process's share of the runs is spread: runs me, me + procs, ...
// (`mine` of them) over `outer` threads of `inner` threads each, so the
// total never exceeds n_threads.
struct RunPlan {
  int procs, me, threads, outer, inner;
  int64_t mine;
};

RunPlan plan_runs(int64_t nrun, const Options& opt, const Collective* comm) {
  RunPlan p;
  p.procs = comm ? std::max(1, comm->processes()) : 1;
  p.me = comm ? comm->process() : 0;
  p.mine = p.me < nrun ? (nrun - 1 - p.me) / p.procs + 1 : 0;
  p.threads = thread_count(opt.n_threads);
  p.outer = int(std::max<int64_t>(1, std::min<int64_t>(p.threads, p.mine)));
  p.inner = std::max(1, p.threads / p.outer);
  return p;
}

// What the runs leave: per run its result, error and completion (the loss
// and labels go to the Consensus), and per thread the factors of its best
// run (its first lowest loss).
template <class T>
struct RunRecords {
  std::vector<Result> results;
  std::vector<Status> errors;
  std::vector<char> finished;
  std::vector<std::vector<T>> bw, bh, bd;
  std::vector<int64_t> brun;
  RunRecords(int64_t nrun, int outer)
      : results(size_t(nrun)), errors(size_t(nrun)), finished(size_t(nrun), 0),
        bw(size_t(outer)), bh(size_t(outer)), bd(size_t(outer)), brun(size_t(outer), -1) {}
};

// The scheduler: this process's runs on plan.outer threads, each run a fit
// seeded by run_seed(seed, r); the first error or a cancel stops the others.
template <class View, class T>
void schedule_runs(const View& a, int64_t k, const RunPlan& plan, const Options& opt,
                   Shared& shared, Consensus& out, RunRecords<T>& rec) {
  const int64_t m = out.m, n = out.n;
  blas::ThreadScope scope;
#pragma omp parallel num_threads(plan.outer)
  {
    const int tid = omp_get_thread_num();
    std::vector<T> w(static_cast<size_t>(m * k)), h(static_cast<size_t>(k * n)), d(static_cast<size_t>(k));
    Options o = opt;
    o.n_threads = plan.inner;
    o.progress = opt.progress ? (tid == 0 ? caller_progress : worker_progress) : nullptr;
    o.progress_data = &shared;
    for (int64_t t = tid; t < plan.mine; t += plan.outer) {
      const int64_t r = plan.me + t * plan.procs;
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
        rec.errors[size_t(r)] = s;
        shared.cancel.store(true);
        break;
      }
      out.run_loss[size_t(r)] = res.loss;
      assign_labels(d.data(), h.data(), k, n, out.run_labels.data() + r * n);
      const int64_t cur = rec.brun[size_t(tid)];
      if (cur < 0 || res.loss < out.run_loss[size_t(cur)]) {
        rec.brun[size_t(tid)] = r;
        rec.bw[size_t(tid)] = w;
        rec.bh[size_t(tid)] = h;
        rec.bd[size_t(tid)] = d;
      }
      rec.results[size_t(r)] = std::move(res);
      rec.finished[size_t(r)] = 1;
      {
        std::lock_guard<std::mutex> lock(shared.mu);
        if (!(rec.results[size_t(r)].loss >= shared.best_loss)) {
          shared.best_loss = rec.results[size_t(r)].loss;
          shared.best_rel = rec.results[size_t(r)].rel_error;
        }
      }
      shared.done.fetch_add(1);
    }
  }
}

// Keeps only the completed runs' labels, in run order (all of them unless
// cancelled), and counts them.
void keep_finished(Consensus& out, const std::vector<char>& finished) {
  const int64_t n = out.n;
  int64_t done = 0;
  for (int64_t r = 0; r < out.nrun; ++r) {
    if (!finished[size_t(r)]) continue;
    if (done != r)
      std::copy_n(out.run_labels.begin() + r * n, n, out.run_labels.begin() + done * n);
    ++done;
  }
  out.runs_done = done;
}

// The gather: every process's runs together (labels, losses), then the best
// run (the lowest loss, ties to the lower run index) with its factors from
// the thread, and process, that ran it; then the consensus measures.
template <class T>
void gather_runs_and_best(const Across& across, const RunPlan& plan, Consensus& out,
                          RunRecords<T>& rec) {
  const int64_t n = out.n, k = out.k, nrun = out.nrun;
  if (across.distributed()) gather_runs(across, nrun, n, rec.finished, out.run_loss, out.run_labels);
  keep_finished(out, rec.finished);
  int64_t best = -1;
  for (int64_t r = 0; r < nrun; ++r)
    if (rec.finished[size_t(r)] &&
        (best < 0 || out.run_loss[size_t(r)] < out.run_loss[size_t(best)]))
      best = r;
  if (best < 0) return;
  // It is its thread's best (each thread keeps its first lowest loss).
  const bool here = best % plan.procs == plan.me;
  int tbest = -1;
  for (int t = 0; here && t < plan.outer; ++t)
    if (rec.brun[size_t(t)] == best) tbest = t;
  out.best_run = best;
  std::vector<T> w, d, h;
  Result res;
  if (tbest >= 0) {
    res = rec.results[size_t(best)];
    w = std::move(rec.bw[size_t(tbest)]);
    d = std::move(rec.bd[size_t(tbest)]);
    h = std::move(rec.bh[size_t(tbest)]);
  }
  if (across.distributed()) share_best(across, tbest >= 0, out.m, n, k, res, w, d, h);
  out.best = std::move(res);
  out.w.assign(w.begin(), w.end());
  out.h.assign(h.begin(), h.end());
  out.d.assign(d.begin(), d.end());
  // The best run's labels, from its factors.
  out.best_labels.assign(static_cast<size_t>(n), 0);
  assign_labels(out.d.data(), out.h.data(), k, n, out.best_labels.data());
  const double rel = out.best.rel_error;
  out.rss = rel * rel * out.frob2;
  out.evar = 1.0 - rel * rel;
  consensus_measures(out, plan.threads);
}

template <class View, class T>
Status run_all(const View& a, int64_t m, int64_t n, int64_t k, int64_t nrun,
               const Options& opt, Consensus& out, RunCount count,
               const Collective* comm) {
  const auto t0 = std::chrono::steady_clock::now();
  const Across across(comm);
  out = Consensus();
  out.m = m;
  out.n = n;
  out.k = k;
  out.nrun = nrun;
  out.frob2 = frob2_of(a);
  Status st = across.agree(check_runs<T>(m, n, k, nrun, opt, out.frob2, across));
  if (!st.ok()) return st;

  const RunPlan plan = plan_runs(nrun, opt, comm);
  out.run_loss.assign(size_t(nrun), std::numeric_limits<double>::quiet_NaN());
  out.run_labels.assign(size_t(nrun * n), 0);
  RunRecords<T> rec(nrun, plan.outer);
  Shared shared;
  shared.user = &opt;
  shared.offset = count.offset;
  shared.total = count.total > 0 ? count.total : nrun;
  shared.scale = plan.procs;
  shared.cap = count.offset + nrun;
  schedule_runs<View, T>(a, k, plan, opt, shared, out, rec);

  Status failed;
  for (int64_t r = 0; r < nrun && failed.ok(); ++r)
    if (!rec.errors[size_t(r)].ok()) failed = rec.errors[size_t(r)];
  st = across.agree(failed);
  if (!st.ok()) return st;
  const bool cancelled = across.any(shared.cancel.load());
  gather_runs_and_best(across, plan, out, rec);
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
                     const Options& opt, Consensus& out, RunCount count,
                     const Collective* comm) {
  return run_all<DenseView<T>, T>(a, a.m, a.n, k, nrun, opt, out, count, comm);
}
template <class T, class I>
Status consensus_fit(const CscView<T, I>& a, int64_t k, int64_t nrun,
                     const Options& opt, Consensus& out, RunCount count,
                     const Collective* comm) {
  return run_all<CscView<T, I>, T>(a, a.m, a.n, k, nrun, opt, out, count, comm);
}

#define NMF_CONSENSUS(...)                                                   \
  template Status consensus_fit(const __VA_ARGS__&, int64_t, int64_t,          \
                                const Options&, Consensus&, RunCount,          \
                                const Collective*);
NMF_FOR_EACH_VIEW(NMF_CONSENSUS)
#undef NMF_CONSENSUS

}  // namespace nmf
