// Bi-cross-validation of the rank (see bicv.hpp).
#include "nmf/bicv.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "nmf/blas.hpp"
#include "nmf/consensus.hpp"
#include "nmf/fit.hpp"
#include "nmf/rng.hpp"
#include "nmf/survey.hpp"
#include "nmf/threads.hpp"
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

// The row and column split of one fold: the held-out rows I (out_r) and
// columns J (out_c), the retained ones (in_r, in_c), all increasing, and for
// every row of A whether it is held out and its position in out_r or in_r
// (the row's index in the blocks, which keep the rows in order).
struct Split {
  std::vector<int64_t> in_r, out_r, in_c, out_c;
  std::vector<char> row_out;    // m flags
  std::vector<int64_t> row_at;  // m positions
};

Split make_split(const std::vector<int32_t>& rg, int32_t gi,
                 const std::vector<int32_t>& cg, int32_t gj) {
  Split s;
  const int64_t m = int64_t(rg.size()), n = int64_t(cg.size());
  s.row_out.resize(size_t(m));
  s.row_at.resize(size_t(m));
  for (int64_t i = 0; i < m; ++i) {
    const bool out = rg[size_t(i)] == gi;
    auto& list = out ? s.out_r : s.in_r;
    s.row_out[size_t(i)] = out;
    s.row_at[size_t(i)] = int64_t(list.size());
    list.push_back(i);
  }
  for (int64_t j = 0; j < n; ++j) (cg[size_t(j)] == gj ? s.out_c : s.in_c).push_back(j);
  return s;
}

// A dense block A[rows, cols], column-major with leading dimension its rows.
template <class T>
struct DenseBlock {
  int64_t m = 0, n = 0;
  std::vector<T> data;
  DenseView<T> view() const { return DenseView<T>{data.data(), m, n, m}; }
  bool all_zero() const {
    for (T v : data)
      if (v != T(0)) return false;
    return true;
  }
};

template <class T>
DenseBlock<T> block(const DenseView<T>& a, const Split& s, bool held_out_rows,
                    const std::vector<int64_t>& cols) {
  const std::vector<int64_t>& rows = held_out_rows ? s.out_r : s.in_r;
  DenseBlock<T> b;
  b.m = int64_t(rows.size());
  b.n = int64_t(cols.size());
  b.data.resize(rows.size() * cols.size());
  size_t p = 0;
  for (int64_t j : cols)
    for (int64_t i : rows) b.data[p++] = a.data[i + j * a.ld];
  return b;
}

// A sparse block: the stored entries of the columns `cols` in the held-out
// (or retained) rows, as a CSC copy with the rows renumbered to their
// positions in the block (increasing, since the positions keep the order).
template <class T, class I>
struct SparseBlock : CscCopy<T, I> {
  bool all_zero() const {
    for (T v : this->values)
      if (v != T(0)) return false;
    return true;
  }
};

template <class T, class I>
SparseBlock<T, I> block(const CscView<T, I>& a, const Split& s, bool held_out_rows,
                        const std::vector<int64_t>& cols) {
  SparseBlock<T, I> b;
  b.m = int64_t((held_out_rows ? s.out_r : s.in_r).size());
  b.n = int64_t(cols.size());
  b.col_ptr.assign(cols.size() + 1, 0);
  const char want = held_out_rows ? 1 : 0;
  int64_t count = 0;
  for (size_t c = 0; c < cols.size(); ++c) {
    const int64_t j = cols[c];
    for (int64_t t = a.col_ptr[j]; t < a.col_ptr[j + 1]; ++t)
      count += s.row_out[size_t(a.row_ind[t])] == want;
    b.col_ptr[c + 1] = count;
  }
  b.row_ind.resize(size_t(count));
  b.values.resize(size_t(count));
  size_t p = 0;
  for (int64_t j : cols)
    for (int64_t t = a.col_ptr[j]; t < a.col_ptr[j + 1]; ++t) {
      const size_t i = size_t(a.row_ind[t]);
      if (s.row_out[i] != want) continue;
      b.row_ind[p] = I(s.row_at[i]);
      b.values[p++] = a.values[t];
    }
  return b;
}

// ||A_IJ - W_I H_J||_F^2 in double, W_I mo x k and H_J k x no column-major.
// Dense: entry by entry.
template <class T>
double heldout_error(const DenseView<T>& a, const Split& s, const T* wi,
                     const T* hj, int64_t k) {
  const int64_t mo = int64_t(s.out_r.size()), no = int64_t(s.out_c.size());
  double e = 0;
  for (int64_t c = 0; c < no; ++c)
    for (int64_t r = 0; r < mo; ++r) {
      double pred = 0;
      for (int64_t l = 0; l < k; ++l)
        pred += double(wi[size_t(r + l * mo)]) * double(hj[size_t(l + c * k)]);
      const double x = double(a.data[s.out_r[size_t(r)] + s.out_c[size_t(c)] * a.ld]) - pred;
      e += x * x;
    }
  return e;
}

// Sparse: from the stored entries and the Gram matrices, without forming
// the dense block:
//   ||A_IJ - W_I H_J||^2 = ||A_IJ||^2 - 2 <A_IJ, W_I H_J>
//                          + <W_I^T W_I, H_J H_J^T>,
// the inner product summed over the stored entries of A_IJ only.  Clamped
// at 0 against rounding when the prediction is exact.
template <class T, class I>
double heldout_error(const CscView<T, I>& a, const Split& s, const T* wi,
                     const T* hj, int64_t k) {
  const int64_t mo = int64_t(s.out_r.size()), no = int64_t(s.out_c.size());
  double a2 = 0, cross = 0;
  for (int64_t c = 0; c < no; ++c) {
    const int64_t j = s.out_c[size_t(c)];
    for (int64_t t = a.col_ptr[j]; t < a.col_ptr[j + 1]; ++t) {
      const size_t i = size_t(a.row_ind[t]);
      if (!s.row_out[i]) continue;
      const int64_t r = s.row_at[i];
      const double v = double(a.values[t]);
      double pred = 0;
      for (int64_t l = 0; l < k; ++l)
        pred += double(wi[size_t(r + l * mo)]) * double(hj[size_t(l + c * k)]);
      a2 += v * v;
      cross += v * pred;
    }
  }
  std::vector<double> gw(size_t(k * k), 0.0), gh(size_t(k * k), 0.0);
  for (int64_t l2 = 0; l2 < k; ++l2)
    for (int64_t l1 = 0; l1 < k; ++l1) {
      double sw = 0, sh = 0;
      for (int64_t r = 0; r < mo; ++r)
        sw += double(wi[size_t(r + l1 * mo)]) * double(wi[size_t(r + l2 * mo)]);
      for (int64_t c = 0; c < no; ++c)
        sh += double(hj[size_t(l1 + c * k)]) * double(hj[size_t(l2 + c * k)]);
      gw[size_t(l1 + l2 * k)] = sw;
      gh[size_t(l1 + l2 * k)] = sh;
    }
  double pred2 = 0;
  for (size_t t = 0; t < gw.size(); ++t) pred2 += gw[t] * gh[t];
  return std::max(0.0, a2 - 2 * cross + pred2);
}

// Squared error of the held-out block of one fold at rank k.  Each block is
// copied only while its fit needs it.
template <class View, class T>
Status fold_error(const View& a, const Split& s, int64_t k, const Options& opt,
                  double& err) {
  const int64_t mt = int64_t(s.in_r.size()), nt = int64_t(s.in_c.size());
  const int64_t mo = int64_t(s.out_r.size()), no = int64_t(s.out_c.size());
  std::vector<T> w(static_cast<size_t>(mt * k)), d(static_cast<size_t>(k)), h(static_cast<size_t>(k * nt));
  Result res;
  Status st;
  {
    const auto train = block(a, s, false, s.in_c);
    st = fit(train.view(), k, w.data(), d.data(), h.data(), opt, res);
    if (!st.ok()) return st;
  }
  // H_J with W diag(d) fixed, from A[-I, J].
  for (int64_t l = 0; l < k; ++l)
    for (int64_t i = 0; i < mt; ++i) w[size_t(i + l * mt)] *= d[size_t(l)];
  std::vector<T> hj(static_cast<size_t>(k * no), T(0)), wi(static_cast<size_t>(mo * k), T(0)), one(static_cast<size_t>(k));
  Options fixed = opt;
  fixed.fix_w = true;
  {
    const auto col_block = block(a, s, false, s.out_c);
    if (!col_block.all_zero()) {
      st = fit(col_block.view(), k, w.data(), one.data(), hj.data(), fixed, res);
      if (!st.ok()) return st;
    }
  }
  // W_I with H fixed, from A[I, -J].
  fixed.fix_w = false;
  fixed.fix_h = true;
  {
    const auto row_block = block(a, s, true, s.in_c);
    if (!row_block.all_zero()) {
      st = fit(row_block.view(), k, wi.data(), one.data(), h.data(), fixed, res);
      if (!st.ok()) return st;
    }
  }
  err = heldout_error(a, s, wi.data(), hj.data(), k);
  return Status();
}

template <class T>
Status validate_input(const DenseView<T>& a, int threads) {
  return validate_dense(a, threads);
}
template <class T, class I>
Status validate_input(const CscView<T, I>& a, int threads) {
  std::vector<int64_t> row_nnz;
  return validate_csc(a, row_nnz, threads);
}

template <class T, class View>
Status bicv_impl(const View& a, const std::vector<int64_t>& ranks,
                 const BicvOptions& bo, const Options& opt, Bicv& out) {
  out = Bicv();
  const int threads = thread_count(opt.n_threads);
  Status st = validate_input(a, threads);
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
  // Weights and missing entries are given for the whole of A, not for the
  // blocks the folds fit, and the held-out error counts every entry.
  if (opt.weights || opt.missing != kMissingNone)
    return bad("bi-cross-validation does not take entry weights or missing "
               "values: weights must be NULL and missing NMF_MISSING_NONE");
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
  const double frob2 = frob2_of(a);
  if (frob2 == 0) return bad("A is entirely zero: there is nothing to factor");

  const int64_t jobs = nr * folds;
  std::vector<Status> errors(static_cast<size_t>(jobs));
  blas::ThreadScope scope;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t job = 0; job < jobs; ++job) {
    const int64_t ri = job / folds, f = job % folds;
    const int64_t rep = f / (p * q), blk = f % (p * q);
    const int32_t gi = int32_t(blk / q), gj = int32_t(blk % q);
    Options o = opt;
    o.n_threads = 1;
    o.progress = nullptr;
    o.seed = run_seed(opt.seed, f);
    double e = 0;
    try {
      const Split split = make_split(rg[size_t(rep)], gi, cg[size_t(rep)], gj);
      errors[size_t(job)] = fold_error<View, T>(a, split, ranks[size_t(ri)], o, e);
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

}  // namespace

template <class T>
Status bicv(const DenseView<T>& a, const std::vector<int64_t>& ranks,
            const BicvOptions& bo, const Options& opt, Bicv& out) {
  return bicv_impl<T>(a, ranks, bo, opt, out);
}
template <class T, class I>
Status bicv(const CscView<T, I>& a, const std::vector<int64_t>& ranks,
            const BicvOptions& bo, const Options& opt, Bicv& out) {
  return bicv_impl<T>(a, ranks, bo, opt, out);
}

#define NMF_BICV(...)                                                       \
  template Status bicv(const __VA_ARGS__&, const std::vector<int64_t>&,          \
                       const BicvOptions&, const Options&, Bicv&);
NMF_FOR_EACH_VIEW(NMF_BICV)
#undef NMF_BICV

}  // namespace nmf
