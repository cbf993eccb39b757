// Brunet et al.'s stop on a stable assignment (nmf_options.stable_checks):
// a run stops with NMF_STOP_STABLE exactly at the first check (every 10
// iterations) at which the samples' assignment argmax_l d_l H_lj has been
// the same for stable_checks consecutive checks, and never before, for
// every loss and solver, dense and CSC.  The reference assignments are
// recorded by a progress callback that stops a run of the same fit (same
// seed) at each check: the fits are deterministic, so that run's factors
// are the longer run's iterate at that iteration.
#include <map>

#include "nmf_test_util.hpp"

namespace {

constexpr int64_t kEvery = 10;

// The partition of the samples (labels renumbered by first appearance, so
// that the canonical reordering of components by d is no change).
template <class T>
std::vector<int32_t> partition(const nt::Fit<T> &f) {
  std::vector<int32_t> lab(static_cast<size_t>(f.n)), name(static_cast<size_t>(f.k), -1);
  int32_t next = 0;
  for (int64_t j = 0; j < f.n; ++j) {
    int64_t best = 0;
    double bv = -1;
    for (int64_t l = 0; l < f.k; ++l) {
      const double v = double(f.d[size_t(l)]) * double(f.H[size_t(l + j * f.k)]);
      if (v > bv) {
        bv = v;
        best = l;
      }
    }
    if (name[size_t(best)] < 0) name[size_t(best)] = next++;
    lab[size_t(j)] = name[size_t(best)];
  }
  return lab;
}

struct StopAt {
  int64_t at;
  std::vector<int64_t> *seen;
};

int32_t stop_at(int64_t it, int64_t, double, double, void *data) {
  auto *s = static_cast<StopAt *>(data);
  if (s->seen) s->seen->push_back(it);
  return it >= s->at ? 1 : 0;
}

struct Config {
  const char *name;
  int32_t loss, solver;
  double beta;
  bool sparse;
};

template <class F>
void check_config(const Config &c, int32_t checks, F fit) {
  SCOPED_TRACE(c.name);
  nmf_options o = nt::test_options();
  o.loss = c.loss;
  o.solver = c.solver;
  o.beta = c.beta;
  o.tol = 0;
  o.maxit = 2000;
  o.seed = 11;
  // The assignment after each check, recorded by stopping a run there.
  std::vector<std::vector<int32_t>> at;
  int64_t expect = 0, unchanged = 0;
  for (int64_t t = kEvery; t <= o.maxit && expect == 0; t += kEvery) {
    nmf_options s = o;
    StopAt stop{t, nullptr};
    s.progress = stop_at;
    s.progress_data = &stop;
    auto f = fit(s);
    ASSERT_EQ(f.status, NMF_CANCELLED) << f.msg;
    ASSERT_EQ(f.res.iterations, t);
    at.push_back(partition(f));
    unchanged = at.size() > 1 && at.back() == at[at.size() - 2] ? unchanged + 1 : 0;
    if (unchanged == checks) expect = t;
  }
  ASSERT_GT(expect, 0) << "the assignment never settled";
  // The test means something only if the assignment changed after the
  // first check.
  ASSERT_GT(expect, kEvery * (checks + 1)) << "no change after the first check";

  nmf_options s = o;
  s.stable_checks = checks;
  std::vector<int64_t> seen;
  StopAt record{o.maxit + 1, &seen};
  s.progress = stop_at;
  s.progress_data = &record;
  auto f = fit(s);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_STABLE);
  EXPECT_EQ(f.res.iterations, expect);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), expect);
  EXPECT_EQ(partition(f), at.back());

  // One check fewer of maxit: the rule has not fired, maxit stops the run.
  s.maxit = int32_t(expect - kEvery);
  s.progress = nullptr;
  auto g = fit(s);
  ASSERT_EQ(g.status, NMF_OK) << g.msg;
  EXPECT_EQ(g.res.stop_reason, NMF_STOP_MAXIT);
  EXPECT_EQ(g.res.iterations, expect - kEvery);
}

// Data whose assignment moves for a while: uniform noise with a weak
// three-group structure.
nt::Dense ambiguous(int64_t m, int64_t n, uint64_t seed) {
  nt::Dense A = nt::uniform(m, n, seed);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < m; ++i)
      if (i % 3 == j % 3) A(i, j) += 0.3;
  return A;
}

TEST(StableStop, StopsAtTheFirstStableCheckForEverySolver) {
  const nt::Dense A = ambiguous(40, 30, 5);
  const auto C = nt::to_csc<int32_t>(A);
  const Config configs[] = {
      {"frobenius hals dense", NMF_LOSS_FROBENIUS, NMF_SOLVER_HALS, 1, false},
      {"frobenius anls csc", NMF_LOSS_FROBENIUS, NMF_SOLVER_ANLS, 1, true},
      {"frobenius mu dense", NMF_LOSS_FROBENIUS, NMF_SOLVER_MU, 1, false},
      {"kl mu dense", NMF_LOSS_KL, NMF_SOLVER_MU, 1, false},
      {"kl mu csc", NMF_LOSS_KL, NMF_SOLVER_MU, 1, true},
      {"kl cd dense", NMF_LOSS_KL, NMF_SOLVER_CD, 1, false},
      {"beta 1.5 mu dense", NMF_LOSS_BETA, NMF_SOLVER_MU, 1.5, false},
  };
  for (const Config &c : configs)
    for (int32_t checks : {1, 3})
      check_config(c, checks, [&](const nmf_options &o) {
        return c.sparse ? nt::fit_csc<double>(C, 4, o) : nt::fit_dense<double>(A, 4, o);
      });
}

TEST(StableStop, OffByDefaultAndNegativeRejected) {
  nmf_options o = nt::default_options();
  EXPECT_EQ(o.stable_checks, 0);
  const nt::Dense A = ambiguous(20, 12, 2);
  o.n_threads = 1;
  o.tol = 0;
  o.maxit = 300;
  auto f = nt::fit_dense<double>(A, 3, o);
  ASSERT_EQ(f.status, NMF_OK);
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_MAXIT);
  EXPECT_EQ(f.res.iterations, 300);
  o.stable_checks = -1;
  auto g = nt::fit_dense<double>(A, 3, o);
  EXPECT_EQ(g.status, NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(g.msg.find("stable_checks"), std::string::npos) << g.msg;
}

}  // namespace
