// The fit driver (see fit.hpp): validation, then one of two setups around
// the one loop of alternating updates (iterate.hpp).  Here the Frobenius
// update rules on dense and sparse inputs: a stepper (stepper.hpp,
// weighted.hpp) computes each half-iteration's products once and hands
// them to the update rule (update_rule.hpp: HALS, ANLS), with
// extrapolation, the sketch warm start and the canonical output.  The
// divergence losses and the multiplicative updates set up their own units
// and start in fit_divergence.cpp, whose stepper runs in the same loop
// (distributed for MU).
#include "nmf/fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/canonical.hpp"
#include "nmf/divergence.hpp"
#include "nmf/entries.hpp"
#include "nmf/collective.hpp"
#include "nmf/extrapolation.hpp"
#include "nmf/hals.hpp"
#include "nmf/init.hpp"
#include "nmf/iterate.hpp"
#include "nmf/products.hpp"
#include "nmf/smoothing.hpp"
#include "nmf/sketch.hpp"
#include "nmf/solver_choice.hpp"
#include "nmf/svd.hpp"
#include "nmf/threads.hpp"
#include "nmf/stepper.hpp"
#include "nmf/update_rule.hpp"
#include "nmf/validate.hpp"
#include "nmf/weighted.hpp"
#include "nmf/work.hpp"

namespace nmf {

namespace {

// The canonical output (canonical.hpp).  For nsNMF the H written is S H,
// so that A ≈ W diag(d) H still holds.
template <class T>
void write_canonical(Work<T>& wk, T* w, T* d, T* h) {
  if (wk.theta > 0) smooth_columns(wk.h.data(), wk.k, wk.n, wk.theta, wk.threads);
  nmf::write_canonical(wk.m, wk.n, wk.k, wk.wt.data(), wk.h.data(), wk.scale,
                       w, d, h, wk.across);
}

// The warm start's iterations on the sketch (a Phase of iterate.hpp):
// until their relative decrease falls below kSketchTol, at most
// kSketchMaxit.
constexpr int64_t kSketchMaxit = 200;
constexpr double kSketchTol = 1e-4;

// No warm start (every input but a plain dense one).
struct NoWarm {
  template <class T>
  Status operator()(const Work<T>&, const Options&, std::unique_ptr<Stepper<T>>*,
                    int64_t*) const {
    return Status();
  }
};

template <class Data, class Ops, class T, class Warm = NoWarm>
Status run(const Data& data, const Ops& ops, Stepper<T>& stepper,
           bool weighted, int64_t k, T* w, T* d, T* h, const Options& opt,
           Result& res, const Collective* comm, Warm warm = Warm()) {
  const auto t0 = std::chrono::steady_clock::now();
  res = Result();
  Work<T> wk;
  wk.across = Across(comm);
  const Across& across = wk.across;
  wk.m = ops.m();
  wk.n = ops.n();
  wk.k = k;
  const int64_t n_global = across.n_global(wk.n);
  wk.threads = thread_count(opt.n_threads);
  const int threads = wk.threads;
  const int64_t m = wk.m, n = wk.n;

  // A is scaled to max 1 internally, so that squares and products stay
  // finite for extreme magnitudes (1e-300 .. 1e300) and tiny entries can be
  // flushed to zero at a fixed threshold (hals.hpp); results are reported in
  // the caller's units.
  const double amax = across.max(data.max_abs(threads));
  if (amax == 0)
    return Status::error(kErrInvalidArgument,
                         weighted ? "every observed entry of A is zero (or has "
                                    "weight 0): there is nothing to factor"
                                  : "A is entirely zero: there is nothing to factor");
  Status scalable = validate_scale(amax);
  if (!scalable.ok()) return scalable;
  wk.scale = 1.0 / amax;
  double asum = 0, count = 0;
  data.norms(wk.scale, &wk.frob2, &asum, &count, threads);
  wk.frob2 = across.sum(wk.frob2);
  asum = across.sum(asum);
  count = across.sum(count);
  wk.mean = count > 0 ? asum / count : 0;
  const double s = wk.scale, r = std::sqrt(s);
  wk.root = r;
  // Penalties in internal units.  With A' = sA, W' = rW and H' = rH (r^2 = s)
  // the internal objective is s^2 times the caller's when l1' = s r l1 and
  // l2' = s l2 (and the quadratic sparse_w, sparse_h likewise), for W and H
  // alike.
  wk.l1_w = opt.l1_w * s * r;
  wk.l1_h = opt.l1_h * s * r;
  wk.l2_w = opt.l2_w * s;
  wk.l2_h = opt.l2_h * s;
  wk.sparse_w = opt.sparse_w * s;
  wk.sparse_h = opt.sparse_h * s;
  wk.theta = opt.ns_theta;

  wk.wt.assign(size_t(k * m), T(0));
  wk.h.assign(size_t(k * n), T(0));
  wk.prod.assign(size_t(k * std::max(m, n)), T(0));
  wk.gw.assign(size_t(k * k), 0.0);
  wk.gh.assign(size_t(k * k), 0.0);

  const bool have_w = opt.user_w || opt.fix_w;
  const bool have_h = opt.user_h || opt.fix_h;
  if (have_w)
    for (int64_t j = 0; j < k; ++j)
      for (int64_t i = 0; i < m; ++i)
        wk.wt[size_t(j + i * k)] = T(double(w[i + j * m]) * r);
  if (have_h)
    for (int64_t t = 0; t < k * n; ++t) wk.h[size_t(t)] = T(double(h[t]) * r);

  const int64_t nonzeros = int64_t(across.sum(double(data.count_nonzero(threads))));
  res.solver = choose_solver(opt);
  res.init = (have_w || have_h) ? kInitUser : opt.init;

  auto finish_time = [&] {
    res.seconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - t0).count();
  };
  // Exact solves (a fixed factor, a start from one given factor) use ANLS.
  AnlsRule<T> exact;

  // ---- One factor fixed: the other is the exact NNLS solution.
  if (opt.fix_w || opt.fix_h) {
    double f;
    if (opt.fix_w) {
      f = stepper.update_h(wk, exact, &res.rel_error);
    } else {
      wk.gram_h(wk.h.data(), wk.gh.data());
      f = stepper.update_w(wk, exact, true, &res.rel_error);
    }
    if (!std::isfinite(f)) return non_finite_loss(wk, 0);
    res.loss = external_loss(wk, f);
    res.iterations = 1;
    res.history.push_back(res.loss);
    res.stop_reason = kStopExact;
    if (opt.fix_w) {
      if (wk.theta > 0) smooth_columns(wk.h.data(), k, n, wk.theta, threads);
      for (int64_t t = 0; t < k * n; ++t) h[t] = T(double(wk.h[size_t(t)]) / r);
    } else {
      for (int64_t j = 0; j < k; ++j)
        for (int64_t i = 0; i < m; ++i)
          w[i + j * m] = T(double(wk.wt[size_t(j + i * k)]) / r);
    }
    if (d) std::fill(d, d + k, T(1));
    finish_time();
    return Status();
  }

  // ---- Initialisation.
  double unused_rel;
  if (!have_w && !have_h) {
    if (opt.init == kInitRandom) {
      init_random(m, n, k, wk.mean, opt.seed, wk.wt.data(), wk.h.data(),
                  across.col_offset());
    } else {
      // NNDSVDa fills zeros with mean(A) in the caller's units: r mean(A)
      // = mean(A') / r internally.
      Status st = init_nndsvd(ops, k, opt.init, s, wk.mean / r, opt.seed, threads,
                              wk.wt.data(), wk.h.data());
      if (!st.ok()) return st;
    }
  } else if (have_w && !have_h) {
    stepper.update_h(wk, exact, &unused_rel);
  } else if (!have_w && have_h) {
    wk.gram_h(wk.h.data(), wk.gh.data());
    stepper.update_w(wk, exact, false, &unused_rel);
  }
  stepper.h_changed(wk);

  if (opt.maxit == 0) {
    const double f = stepper.evaluate(wk, wk.wt.data(), wk.h.data(), &res.rel_error);
    if (!std::isfinite(f)) return non_finite_loss(wk, 0);
    res.loss = external_loss(wk, f);
    res.stop_reason = kStopNone;
    write_canonical(wk, w, d, h);
    finish_time();
    return Status();
  }

  // ---- The alternating updates.
  // HALS's inner-sweep budget follows from the cost of the products
  // (A's non-zeros, or for the sketch's products l (m + n)).
  auto make_rule = [&](int64_t cost) -> std::unique_ptr<UpdateRule<T>> {
    if (res.solver == kSolverAnls) return std::make_unique<AnlsRule<T>>();
    return std::make_unique<HalsRule<T>>(
        hals_max_sweeps(opt.hals_alpha, cost, n_global, m, k),
        hals_max_sweeps(opt.hals_alpha, cost, m, n_global, k), opt.hals_delta);
  };
  const bool extrapolate_on =
      choose_extrapolation(opt, res.solver, weighted,
                           sizeof(T) < sizeof(double) && !weighted) ==
      kExtrapolationOn;
  res.extrapolation = extrapolate_on ? kExtrapolationOn : kExtrapolationOff;

  // A warm start on a compressed A (sketch.hpp): iterations on the sketch
  // until they stop paying, then the iterations below on A itself from
  // where they ended.  Not counted in res.iterations nor reported to
  // progress; res.sketch_iterations says how many there were.
  std::unique_ptr<Stepper<T>> warm_stepper;
  Status st_warm = warm(wk, opt, &warm_stepper, &res.sketch_rank);
  if (!st_warm.ok()) return st_warm;
  if (warm_stepper) {
    Phase warm_phase{kSketchMaxit, kSketchTol, false};
    Status st = iterate(*warm_stepper, *make_rule(res.sketch_rank * (m + n_global)),
                        wk, opt, extrapolate_on, warm_phase, res);
    if (!st.ok()) return st;
    res.sketch_iterations = warm_phase.done;
    stepper.h_changed(wk);
  }
  Phase main_phase{opt.maxit, opt.tol, true};
  Status status =
      iterate(stepper, *make_rule(nonzeros), wk, opt, extrapolate_on, main_phase, res);
  if (!status.ok() && status.code != kCancelled) return status;
  write_canonical(wk, w, d, h);
  finish_time();
  return status;
}

// Unweighted data summary over the ops (every entry observed).
template <class Ops>
struct PlainData {
  const Ops& ops;
  double max_abs(int threads) const { return ops.max_abs(threads); }
  void norms(double scale, double* frob2, double* sum, double* count,
             int threads) const {
    ops.norms(scale, frob2, sum, threads);
    *count = double(ops.m()) * double(ops.n());
  }
  int64_t count_nonzero(int threads) const { return ops.count_nonzero(threads); }
};

// The warm start on a sketch of A (choose_sketch_rank): Q and B from the
// randomized range finder with one power iteration, over A's products.
constexpr int kSketchPower = 1;

template <class Ops, class T>
Status run_plain(const Ops& ops, int64_t k, T* w, T* d, T* h,
                 const Options& opt, Result& res, const Collective* comm,
                 bool dense) {
  ProductStepper<Ops, T> stepper(ops);
  std::unique_ptr<SketchOps<T>> sketch;  // outlives the warm stepper
  auto warm = [&](const Work<T>& wk, const Options& o,
                  std::unique_ptr<Stepper<T>>* out, int64_t* rank) -> Status {
    const int64_t l = choose_sketch_rank(o, wk.m, wk.n, wk.k, dense);
    if (l == 0) return Status();
    std::vector<T> q, b;
    Status st = range_sketch(ops, l, kSketchPower, wk.scale,
                             o.seed + 0x9e3779b97f4a7c15ULL, wk.threads, q, b);
    if (!st.ok()) return st;
    sketch = std::make_unique<SketchOps<T>>(wk.m, wk.n, l, std::move(q), std::move(b));
    *out = std::make_unique<ProductStepper<SketchOps<T>, T>>(*sketch);
    *rank = l;
    return Status();
  };
  return run(PlainData<Ops>{ops}, ops, stepper, false, k, w, d, h, opt, res, comm,
             warm);
}


// Checks shared by every input type, after the input itself was checked:
// the problem (k against the global dimensions, options, memory), the user's
// factors and the weights.  For a distributed fit this process's n columns
// may be none.
template <class View, class T>
Status validate_rest(const View& a, int64_t n_global, int64_t k, const T* w,
                     const T* h, const Options& opt, bool distributed,
                     int threads) {
  Status st = validate_problem(a.m, n_global, k, sizeof(T), opt);
  if (!st.ok()) return st;
  if (distributed) {
    const bool have_any = opt.user_w || opt.fix_w || opt.user_h || opt.fix_h;
    if (!have_any && opt.init != kInitRandom)
      return Status::error(kErrInvalidArgument,
                           "the NNDSVD initialisations are not available for "
                           "a distributed fit: use the random one or supply W");
    if (is_weighted(opt))
      return Status::error(kErrInvalidArgument,
                           "weights and missing values are not available for "
                           "a distributed fit");
    if (opt.sketch == kSketchOn)
      return Status::error(kErrInvalidArgument,
                           "sketch is not available for a distributed fit");
    // KL coordinate descent: W's rows sum over all columns in every
    // coordinate's Newton steps, one reduction each (see solver_choice.cpp).
    if (choose_solver(opt) == kSolverCd)
      return Status::error(kErrInvalidArgument,
                           "solver cd (KL coordinate descent) is not available "
                           "for a distributed fit: use solver mu (multiplicative "
                           "updates; auto picks it for loss kl in a distributed "
                           "fit)");
  }
  if (opt.user_w || opt.fix_w) {
    st = validate_factor(w, a.m, k, 'W');
    if (!st.ok()) return st;
  }
  if ((opt.user_h || opt.fix_h) && a.n > 0) {
    st = validate_factor(h, k, a.n, 'H');
    if (!st.ok()) return st;
  }
  return a.n > 0 ? validate_weights(a, opt, threads) : Status();
}

// The options as the fit reads them: marked distributed when a Collective
// is given (what auto picks depends on it, solver_choice.cpp).
Options with_distribution(const Options& caller_opt, const Across& across) {
  Options opt = caller_opt;
  opt.distributed = across.distributed();
  return opt;
}

// The first checks of a fit: the output pointers, and for a process of a
// distributed fit without columns only the shared dimension.  `input`
// validates A itself.
template <class View, class T, class Check>
Status validate_start(const View& a, const T* w, const T* h,
                      const Across& across, Check input) {
  if (!w || (!h && a.n > 0))
    return Status::error(kErrNullPointer, !w ? "W is NULL" : "H is NULL");
  if (a.n == 0 && across.distributed())
    return a.m < 1 ? Status::error(kErrDimension,
                                   "A has m = " + std::to_string(a.m) + " rows")
                   : Status();
  return input();
}

}  // namespace

template <class T>
Status fit(const DenseView<T>& a, int64_t k, T* w, T* d, T* h,
           const Options& caller_opt, Result& res, const Collective* comm) {
  const TeamCount team(&res.threads_used);
  const Across across(comm);
  const Options opt = with_distribution(caller_opt, across);
  const int threads = thread_count(opt.n_threads);
  DenseSummary summary;
  Status st = validate_start(a, w, h, across, [&] {
    return validate_dense(a, threads, opt.missing == kMissingNan, &summary);
  });
  if (st.ok())
    st = validate_rest(a, across.n_global(a.n), k, w, h, opt,
                       across.distributed(), threads);
  st = across.agree(st);
  if (!st.ok()) return st;
  blas::ThreadScope scope;
  const bool nan_missing = opt.missing == kMissingNan;
  if (uses_divergence_path(opt))
    return fit_divergence(DenseOps<T>(a),
                          DenseEntries<T>(a, opt.weights, opt.weights_ld, nan_missing),
                          k, w, d, h, opt, res, comm);
  if (is_weighted(opt)) {
    DenseWeighted<T> data(a, opt.weights, opt.weights_ld, nan_missing);
    WeightedStepper<DenseWeighted<T>, T> stepper(data);
    // NNDSVD starts from A with its missing entries (NaN, weight 0) zeroed.
    const std::vector<T> masked =
        starts_from_nndsvd(opt) ? data.entries.masked_values() : std::vector<T>();
    const DenseView<T> start =
        masked.empty() ? a : DenseView<T>{masked.data(), a.m, a.n, a.m};
    return run(data, DenseOps<T>(start), stepper, true, k, w, d, h, opt, res, nullptr);
  }
  return run_plain(DenseOps<T>(a, &summary), k, w, d, h, opt, res, comm, true);
}

template <class T, class I>
Status fit(const CscView<T, I>& a, int64_t k, T* w, T* d, T* h,
           const Options& caller_opt, Result& res, const Collective* comm) {
  const TeamCount team(&res.threads_used);
  const Across across(comm);
  const Options opt = with_distribution(caller_opt, across);
  const int threads = thread_count(opt.n_threads);
  std::vector<int64_t> row_nnz;
  Status st = validate_start(a, w, h, across,
                             [&] { return validate_csc(a, row_nnz, threads); });
  if (st.ok())
    st = validate_rest(a, across.n_global(a.n), k, w, h, opt,
                       across.distributed(), threads);
  st = across.agree(st);
  if (!st.ok()) return st;
  // A process of a distributed fit without columns: no entries in any row.
  if (row_nnz.empty()) row_nnz.assign(size_t(a.m), 0);
  blas::ThreadScope scope;
  CscOps<T, I> ops(a, row_nnz, threads);
  const bool unstored_missing = opt.missing == kMissingUnstored;
  if (uses_divergence_path(opt))
    return fit_divergence(ops,
                          CscEntries<T, I>(a, opt.weights, unstored_missing, row_nnz),
                          k, w, d, h, opt, res, comm);
  if (is_weighted(opt)) {
    CscWeighted<T, I> data(a, opt.weights, unstored_missing, row_nnz);
    WeightedStepper<CscWeighted<T, I>, T> stepper(data);
    // NNDSVD starts from A with its stored entries of weight 0 zeroed.
    const std::vector<T> masked =
        starts_from_nndsvd(opt) ? data.entries.masked_values() : std::vector<T>();
    CscView<T, I> start = a;
    if (!masked.empty()) start.values = masked.data();
    return run(data, CscOps<T, I>(start, row_nnz, threads), stepper, true, k, w,
               d, h, opt, res, nullptr);
  }
  return run_plain(ops, k, w, d, h, opt, res, comm, false);
}

#define NMF_FIT(...)                                                            \
  template Status fit(const __VA_ARGS__&, int64_t, __VA_ARGS__::Scalar*,          \
                      __VA_ARGS__::Scalar*, __VA_ARGS__::Scalar*, const Options&, \
                      Result&, const Collective*);
NMF_FOR_EACH_VIEW(NMF_FIT)
#undef NMF_FIT

}  // namespace nmf
