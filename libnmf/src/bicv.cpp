// Bi-cross-validation of the rank (see bicv.hpp).
#include "nmf/bicv.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "nmf/blas.hpp"
#include "nmf/consensus.hpp"
#include "nmf/fit.hpp"
#include "nmf/rng.hpp"
#include "nmf/survey.hpp"
#include "nmf/validate.hpp"

namespace nmf {

namespace {

// Random balanced split of 0..len-1 into g groups: group[i] in [0, g).
std::vector<int32_t> random_groups(int64_t len, int32_t g, uint64_t seed) {
  std::vector<int64_t> perm(static_cast<size_t>(len));
  std::iota(perm.begin(), perm.end(), 0);
  Rng rng(seed);
  for (int64_t t = len - 1; t > 0; --t) {
    const int64_t u = int64_t((__uint128_t(rng.next()) * uint64_t(t + 1)) >> 64);
    std::swap(perm[size_t(t)], perm[size_t(u)]);
  }
  std::vector<int32_t> group(static_cast<size_t>(len));
  for (int64_t p = 0; p < len; ++p)
    group[size_t(perm[size_t(p)])] = int32_t(p * g / len);
  return group;
}

// A[rows, cols] as a dense column-major block.
template <class T>
std::vector<T> gather(const DenseView<T>& a, const std::vector<int64_t>& rows,
                      const std::vector<int64_t>& cols) {
  std::vector<T> out(rows.size() * cols.size());
  size_t p = 0;
  for (int64_t j : cols)
    for (int64_t i : rows) out[p++] = a.data[i + j * a.ld];
  return out;
}

template <class T>
bool all_zero(const std::vector<T>& x) {
  for (T v : x)
    if (v != T(0)) return false;
  return true;
}

// Squared error of the held-out block of one fold at rank k.
template <class T>
Status fold_error(const DenseView<T>& a, const std::vector<int64_t>& in_r,
                  const std::vector<int64_t>& out_r,
                  const std::vector<int64_t>& in_c,
                  const std::vector<int64_t>& out_c, int64_t k,
                  const Options& opt, double& err) {
  const int64_t mt = int64_t(in_r.size()), nt = int64_t(in_c.size());
  const int64_t mo = int64_t(out_r.size()), no = int64_t(out_c.size());
  const std::vector<T> train = gather(a, in_r, in_c);
  std::vector<T> w(static_cast<size_t>(mt * k)), d(static_cast<size_t>(k)), h(static_cast<size_t>(k * nt));
  Result res;
  Status st = fit(DenseView<T>{train.data(), mt, nt, mt}, k, w.data(), d.data(),
                  h.data(), opt, res);
  if (!st.ok()) return st;
  // H_J with W diag(d) fixed, from A[-I, J].
  for (int64_t l = 0; l < k; ++l)
    for (int64_t i = 0; i < mt; ++i) w[size_t(i + l * mt)] *= d[size_t(l)];
  std::vector<T> hj(static_cast<size_t>(k * no), T(0)), wi(static_cast<size_t>(mo * k), T(0)), one(static_cast<size_t>(k));
  Options fixed = opt;
  fixed.fix_w = true;
  const std::vector<T> col_block = gather(a, in_r, out_c);
  if (!all_zero(col_block)) {
    st = fit(DenseView<T>{col_block.data(), mt, no, mt}, k, w.data(), one.data(),
             hj.data(), fixed, res);
    if (!st.ok()) return st;
  }
  // W_I with H fixed, from A[I, -J].
  fixed.fix_w = false;
  fixed.fix_h = true;
  const std::vector<T> row_block = gather(a, out_r, in_c);
  if (!all_zero(row_block)) {
    st = fit(DenseView<T>{row_block.data(), mo, nt, mo}, k, wi.data(),
             one.data(), h.data(), fixed, res);
    if (!st.ok()) return st;
  }
  // ||A_IJ - W_I H_J||^2 in double.
  double e = 0;
  for (int64_t c = 0; c < no; ++c)
    for (int64_t r = 0; r < mo; ++r) {
      double pred = 0;
      for (int64_t l = 0; l < k; ++l)
        pred += double(wi[size_t(r + l * mo)]) * double(hj[size_t(l + c * k)]);
      const double x = double(a.data[out_r[size_t(r)] + out_c[size_t(c)] * a.ld]) - pred;
      e += x * x;
    }
  err = e;
  return Status();
}

}  // namespace

template <class T>
Status bicv(const DenseView<T>& a, const std::vector<int64_t>& ranks,
            const BicvOptions& bo, const Options& opt, Bicv& out) {
  out = Bicv();
  const int threads = opt.n_threads > 0 ? opt.n_threads : omp_get_max_threads();
  Status st = validate_dense(a, threads);
  if (!st.ok()) return st;
  st = validate_ranks(ranks, a.m, a.n);
  if (!st.ok()) return st;
  auto bad = [](const std::string& s) { return Status::error(kErrInvalidArgument, s); };
  if (bo.row_groups < 2 || bo.row_groups > a.m)
    return bad("row_groups = " + std::to_string(bo.row_groups) +
               " must be in [2, m = " + std::to_string(a.m) + "]");
  if (bo.col_groups < 2 || bo.col_groups > a.n)
    return bad("col_groups = " + std::to_string(bo.col_groups) +
               " must be in [2, n = " + std::to_string(a.n) + "]");
  if (bo.reps < 1) return bad("reps = " + std::to_string(bo.reps) + " must be at least 1");
  if (opt.user_w || opt.user_h || opt.fix_w || opt.fix_h)
    return bad("bi-cross-validation fits start from the init method: user_w, "
               "user_h, fix_w and fix_h must be 0");
  const int64_t p = bo.row_groups, q = bo.col_groups;
  // Every block of a fold must hold a rank-k problem (the NNLS solves of
  // H_J and W_I included): k <= min(floor(m / p), floor(n / q)), the
  // smallest held-out block's dimensions (the retained ones are larger).
  const int64_t limit = std::min(a.m / p, a.n / q);
  for (int64_t k : ranks) {
    if (k > limit)
      return Status::error(
          kErrRank, "rank " + std::to_string(k) +
                        " exceeds min(floor(m / row_groups), floor(n / "
                        "col_groups)) = " + std::to_string(limit) +
                        ", the smallest held-out block (use fewer groups or "
                        "smaller ranks)");
    st = validate_problem(a.m - a.m / p, a.n - a.n / q, k, sizeof(T), opt);
    if (!st.ok()) return st;
  }

  const int64_t nr = int64_t(ranks.size());
  const int64_t folds = int64_t(bo.reps) * p * q;
  out.ranks = ranks;
  out.folds = folds;
  out.fold_error.assign(size_t(nr * folds), 0.0);
  std::vector<std::vector<int32_t>> rg(static_cast<size_t>(bo.reps)), cg(static_cast<size_t>(bo.reps));
  for (int32_t r = 0; r < bo.reps; ++r) {
    rg[size_t(r)] = random_groups(a.m, bo.row_groups, run_seed(bo.seed, 2 * r));
    cg[size_t(r)] = random_groups(a.n, bo.col_groups, run_seed(bo.seed, 2 * r + 1));
  }
  double frob2 = 0;
  for (int64_t j = 0; j < a.n; ++j)
    for (int64_t i = 0; i < a.m; ++i) {
      const double x = double(a.data[i + j * a.ld]);
      frob2 += x * x;
    }
  if (frob2 == 0) return bad("A is entirely zero: there is nothing to factor");

  const int64_t jobs = nr * folds;
  std::vector<Status> errors(static_cast<size_t>(jobs));
  blas::ThreadScope scope;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t job = 0; job < jobs; ++job) {
    const int64_t ri = job / folds, f = job % folds;
    const int64_t rep = f / (p * q), blk = f % (p * q);
    const int32_t gi = int32_t(blk / q), gj = int32_t(blk % q);
    std::vector<int64_t> in_r, out_r, in_c, out_c;
    for (int64_t i = 0; i < a.m; ++i)
      (rg[size_t(rep)][size_t(i)] == gi ? out_r : in_r).push_back(i);
    for (int64_t j = 0; j < a.n; ++j)
      (cg[size_t(rep)][size_t(j)] == gj ? out_c : in_c).push_back(j);
    Options o = opt;
    o.n_threads = 1;
    o.progress = nullptr;
    o.seed = run_seed(opt.seed, f);
    double e = 0;
    try {
      errors[size_t(job)] = fold_error(a, in_r, out_r, in_c, out_c,
                                       ranks[size_t(ri)], o, e);
    } catch (const std::bad_alloc&) {
      errors[size_t(job)] = Status::error(kErrOutOfMemory, "out of memory");
    } catch (const std::exception& ex) {
      errors[size_t(job)] = Status::error(kErrInternal, std::string("internal error: ") + ex.what());
    }
    out.fold_error[size_t(job)] = e / frob2;
  }
  for (const Status& s : errors)
    if (!s.ok()) return s;
  out.error.assign(size_t(nr), 0.0);
  for (int64_t ri = 0; ri < nr; ++ri) {
    double s = 0;
    for (int64_t f = 0; f < folds; ++f) s += out.fold_error[size_t(ri * folds + f)];
    out.error[size_t(ri)] = s / double(bo.reps);
  }
  int64_t best = 0;
  for (int64_t ri = 1; ri < nr; ++ri)
    if (out.error[size_t(ri)] < out.error[size_t(best)] ||
        (out.error[size_t(ri)] == out.error[size_t(best)] &&
         ranks[size_t(ri)] < ranks[size_t(best)]))
      best = ri;
  out.suggested = ranks[size_t(best)];
  return Status();
}

template Status bicv(const DenseView<double>&, const std::vector<int64_t>&,
                     const BicvOptions&, const Options&, Bicv&);
template Status bicv(const DenseView<float>&, const std::vector<int64_t>&,
                     const BicvOptions&, const Options&, Bicv&);

}  // namespace nmf
