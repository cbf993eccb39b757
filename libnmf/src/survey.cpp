// Rank survey and the row-permuted null copy (see survey.hpp).
#include "nmf/survey.hpp"
#include "nmf/validate.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

#include "nmf/rng.hpp"

namespace nmf {

namespace {

// Uniform integer in [0, range) (Lemire 2019, multiply and shift; the bias
// is below 2^-32 for the ranges used here).
inline uint64_t below(Rng& rng, uint64_t range) {
  return uint64_t((__uint128_t(rng.next()) * range) >> 64);
}

// The checks of a survey's arguments; with a collective, agreed by every
// process, and the ranks, runs and null copy the same on every process (a
// difference would leave the processes in different collective calls).
Status check_survey(const std::vector<int64_t>& ranks, const SurveyOptions& so,
                    int64_t m, int64_t n, const Collective* comm) {
  const Across across(comm);
  Status st = validate_ranks(ranks, m, n);
  if (st.ok() && so.nrun < 1)
    st = Status::error(kErrInvalidArgument,
                       "nrun = " + std::to_string(so.nrun) + " must be at least 1");
  st = across.agree(st);
  if (!st.ok() || !across.distributed()) return st;
  std::vector<double> mine = {double(ranks.size()), double(so.nrun),
                              double(so.randomized), double(so.random_seed >> 32),
                              double(so.random_seed & 0xffffffffu)};
  for (int64_t k : ranks) mine.push_back(double(k));
  // The list's length first: only then are the lists compared entry by entry.
  for (size_t t = 0; t < mine.size(); ++t)
    if (across.max(mine[t]) != -across.max(-mine[t]))
      return Status::error(kErrInvalidArgument,
                           "the processes of a spread rank survey were given "
                           "different ranks, runs or null-copy settings");
  return Status();
}

template <class View>
Status survey_impl(const View& a, const std::vector<int64_t>& ranks,
                   const SurveyOptions& so, const Options& opt, Survey& out,
                   const View* null_view, const Collective* comm) {
  out = Survey();
  out.ranks = ranks;
  Status st;
  const int64_t per = so.nrun;
  const int64_t total = per * int64_t(ranks.size()) * (null_view ? 2 : 1);
  int64_t offset = 0;
  for (const View* v : {&a, null_view}) {
    if (!v) continue;
    auto& dest = v == &a ? out.fits : out.randomized;
    for (int64_t k : ranks) {
      dest.emplace_back();
      st = consensus_fit(*v, k, per, opt, dest.back(), RunCount{offset, total}, comm);
      if (!st.ok()) return st;  // errors and cancellation
      offset += per;
    }
  }
  return Status();
}

}  // namespace

Status validate_ranks(const std::vector<int64_t>& ranks, int64_t m, int64_t n) {
  if (ranks.empty())
    return Status::error(kErrInvalidArgument,
                         "the list of ranks is empty: give at least one rank");
  for (int64_t k : ranks)
    if (Status st = check_rank(m, n, k); !st.ok()) return st;
  return Status();
}

template <class T>
std::vector<T> permute_rows(const DenseView<T>& a, uint64_t seed) {
  std::vector<T> out(static_cast<size_t>(a.m * a.n));
  Rng rng(seed);
  std::vector<int64_t> perm(static_cast<size_t>(a.n));
  for (int64_t i = 0; i < a.m; ++i) {
    std::iota(perm.begin(), perm.end(), 0);
    for (int64_t t = a.n - 1; t > 0; --t)
      std::swap(perm[size_t(t)], perm[size_t(below(rng, uint64_t(t + 1)))]);
    for (int64_t j = 0; j < a.n; ++j)
      out[size_t(i + perm[size_t(j)] * a.m)] = a.data[i + j * a.ld];
  }
  return out;
}

template <class T, class I>
CscCopy<T, I> permute_rows(const CscView<T, I>& a, uint64_t seed) {
  const int64_t m = a.m, n = a.n, nnz = a.nnz();
  // Row-wise copy of the nonzeros (columns increasing within each row).
  std::vector<int64_t> row_ptr(static_cast<size_t>(m + 1), 0);
  for (int64_t t = 0; t < nnz; ++t) ++row_ptr[size_t(a.row_ind[t]) + 1];
  for (int64_t i = 0; i < m; ++i) row_ptr[size_t(i + 1)] += row_ptr[size_t(i)];
  std::vector<T> row_val(static_cast<size_t>(nnz));
  {
    std::vector<int64_t> next(row_ptr.begin(), row_ptr.end() - 1);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t t = a.col_ptr[j]; t < a.col_ptr[j + 1]; ++t)
        row_val[size_t(next[size_t(a.row_ind[t])]++)] = a.values[t];
  }
  // New column of every nonzero: a partial Fisher-Yates shuffle of 0..n-1
  // held sparsely (only the displaced positions are stored).
  std::vector<int64_t> new_col(static_cast<size_t>(nnz));
  Rng rng(seed);
  std::unordered_map<int64_t, int64_t> moved;
  for (int64_t i = 0; i < m; ++i) {
    moved.clear();
    auto at = [&](int64_t p) {
      auto it = moved.find(p);
      return it == moved.end() ? p : it->second;
    };
    const int64_t len = row_ptr[size_t(i + 1)] - row_ptr[size_t(i)];
    for (int64_t t = 0; t < len; ++t) {
      const int64_t u = t + int64_t(below(rng, uint64_t(n - t)));
      const int64_t vt = at(t), vu = at(u);
      moved[t] = vu;
      moved[u] = vt;
      new_col[size_t(row_ptr[size_t(i)] + t)] = vu;
    }
  }
  CscCopy<T, I> out;
  out.m = m;
  out.n = n;
  out.col_ptr.assign(size_t(n + 1), 0);
  for (int64_t t = 0; t < nnz; ++t) ++out.col_ptr[size_t(new_col[size_t(t)] + 1)];
  for (int64_t j = 0; j < n; ++j) out.col_ptr[size_t(j + 1)] += out.col_ptr[size_t(j)];
  out.row_ind.resize(size_t(nnz));
  out.values.resize(size_t(nnz));
  std::vector<int64_t> next(out.col_ptr.begin(), out.col_ptr.end() - 1);
  for (int64_t i = 0; i < m; ++i)  // rows in order: indices stay increasing
    for (int64_t t = row_ptr[size_t(i)]; t < row_ptr[size_t(i + 1)]; ++t) {
      const int64_t p = next[size_t(new_col[size_t(t)])]++;
      out.row_ind[size_t(p)] = I(i);
      out.values[size_t(p)] = row_val[size_t(t)];
    }
  return out;
}

namespace {

// The view of a row-permuted copy (permute_rows).
template <class T>
DenseView<T> view_of(const std::vector<T>& copy, const DenseView<T>& a) {
  return DenseView<T>{copy.data(), a.m, a.n, a.m};
}
template <class T, class I>
CscView<T, I> view_of(const CscCopy<T, I>& copy, const CscView<T, I>&) {
  return copy.view();
}

template <class View>
Status survey_any(const View& a, const std::vector<int64_t>& ranks, const SurveyOptions& so,
                  const Options& opt, Survey& out, const Collective* comm) {
  out = Survey();
  Status st = check_survey(ranks, so, a.m, a.n, comm);
  if (!st.ok()) return st;
  if (!so.randomized) return survey_impl(a, ranks, so, opt, out, (const View*)nullptr, comm);
  const auto copy = permute_rows(a, so.random_seed);
  const View nv = view_of(copy, a);
  return survey_impl(a, ranks, so, opt, out, &nv, comm);
}

}  // namespace

template <class T>
Status rank_survey(const DenseView<T>& a, const std::vector<int64_t>& ranks,
                   const SurveyOptions& so, const Options& opt, Survey& out,
                   const Collective* comm) {
  return survey_any(a, ranks, so, opt, out, comm);
}
template <class T, class I>
Status rank_survey(const CscView<T, I>& a, const std::vector<int64_t>& ranks,
                   const SurveyOptions& so, const Options& opt, Survey& out,
                   const Collective* comm) {
  return survey_any(a, ranks, so, opt, out, comm);
}

template std::vector<double> permute_rows(const DenseView<double>&, uint64_t);
template std::vector<float> permute_rows(const DenseView<float>&, uint64_t);
template CscCopy<double, int32_t> permute_rows(const CscView<double, int32_t>&, uint64_t);
template CscCopy<double, int64_t> permute_rows(const CscView<double, int64_t>&, uint64_t);
template CscCopy<float, int32_t> permute_rows(const CscView<float, int32_t>&, uint64_t);
template CscCopy<float, int64_t> permute_rows(const CscView<float, int64_t>&, uint64_t);

#define NMF_SURVEY(...)                                                    \
  template Status rank_survey(const __VA_ARGS__&, const std::vector<int64_t>&, \
                              const SurveyOptions&, const Options&, Survey&, \
                              const Collective*);
NMF_FOR_EACH_VIEW(NMF_SURVEY)
#undef NMF_SURVEY

}  // namespace nmf
