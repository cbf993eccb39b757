// The divergence path: multiplicative updates for the Frobenius, KL and beta
// losses, coordinate descent for KL, entry weights and missing values.
// References are straightforward dense loops in double written here.
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace nt;

namespace {

// ------------------------------------------------------------ references

double gamma_of(double b) { return b < 1 ? 1 / (2 - b) : b > 2 ? 1 / (b - 1) : 1.0; }

// d_beta(a | y), Fevotte & Idier 2011 eq. 2.1 and its limits.
double dbeta(double a, double y, double b) {
  if (b == 2) return 0.5 * (a - y) * (a - y);
  if (b == 1) return (a > 0 ? a * std::log(a / y) : 0.0) - a + y;
  if (b == 0) return a / y - std::log(a / y) - 1;
  return (std::pow(a, b) + (b - 1) * std::pow(y, b) - b * a * std::pow(y, b - 1)) / (b * (b - 1));
}

Dense product(const Dense &W, const Dense &H) {
  Dense Y(W.m, H.n);
  for (int64_t j = 0; j < H.n; ++j)
    for (int64_t r = 0; r < W.n; ++r)
      for (int64_t i = 0; i < W.m; ++i) Y(i, j) += W(i, r) * H(r, j);
  return Y;
}

double ref_loss(const Dense &A, const Dense &M, const Dense &W, const Dense &H, double b) {
  Dense Y = product(W, H);
  double s = 0;
  for (size_t t = 0; t < A.a.size(); ++t)
    if (M.a[t] > 0) s += M.a[t] * dbeta(A.a[t], Y.a[t], b);
  return s;
}

// Multiplicative updates, W then H, each entry floored at eps afterwards:
//   X <- max(eps, X .* (num ./ den)^gamma(b)), num/den from M .* A .* Y^(b-2)
//   and M .* Y^(b-1).  Returns the loss after each iteration.
std::vector<double> ref_mu(const Dense &A, const Dense &M, Dense &W, Dense &H, double b,
                           int iters, double eps) {
  const int64_t m = A.m, n = A.n, k = W.n;
  const double g = gamma_of(b);
  std::vector<double> losses;
  for (auto &v : W.a) v = std::max(v, eps);
  for (auto &v : H.a) v = std::max(v, eps);
  for (int it = 0; it < iters; ++it) {
    Dense Y = product(W, H);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t r = 0; r < k; ++r) {
        double num = 0, den = 0;
        for (int64_t j = 0; j < n; ++j) {
          num += M(i, j) * A(i, j) * std::pow(Y(i, j), b - 2) * H(r, j);
          den += M(i, j) * std::pow(Y(i, j), b - 1) * H(r, j);
        }
        W(i, r) = std::max(eps, W(i, r) * std::pow(num / den, g));
      }
    Y = product(W, H);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t r = 0; r < k; ++r) {
        double num = 0, den = 0;
        for (int64_t i = 0; i < m; ++i) {
          num += M(i, j) * A(i, j) * std::pow(Y(i, j), b - 2) * W(i, r);
          den += M(i, j) * std::pow(Y(i, j), b - 1) * W(i, r);
        }
        H(r, j) = std::max(eps, H(r, j) * std::pow(num / den, g));
      }
    losses.push_back(ref_loss(A, M, W, H, b));
  }
  return losses;
}

// ----------------------------------------------------------------- data

// Poisson-like counts: zeros and small integers, no all-zero row/column.
Dense counts(int64_t m, int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::poisson_distribution<int> pois(1.2);
  Dense A(m, n);
  for (auto &v : A.a) v = pois(rng);
  for (int64_t i = 0; i < m; ++i) A(i, i % n) += 1;
  for (int64_t j = 0; j < n; ++j) A(j % m, j) += 1;
  return A;
}

Dense positive(int64_t m, int64_t n, uint64_t seed) {
  Dense A = uniform(m, n, seed);
  for (auto &v : A.a) v = 0.2 + 3 * v;
  return A;
}

Dense rand_factor(int64_t r, int64_t c, uint64_t seed, double lo = 0.1) {
  Dense X = uniform(r, c, seed);
  for (auto &v : X.a) v = lo + v;
  return X;
}

// Random weights in {0 (missing), 0.5, 1, 2}.
Dense rand_weights(int64_t m, int64_t n, uint64_t seed, double missing_frac = 0.2) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Dense M(m, n);
  for (auto &v : M.a) {
    double z = u(rng);
    v = z < missing_frac ? 0.0 : z < 0.5 ? 0.5 : z < 0.8 ? 1.0 : 2.0;
  }
  return M;
}

double max_observed(const Dense &A, const Dense &M) {
  double mx = 0;
  for (size_t t = 0; t < A.a.size(); ++t)
    if (M.a[t] > 0) mx = std::max(mx, A.a[t]);
  return mx;
}

// ------------------------------------------------------------- fitting

enum class Input { dense, csc, csc_unstored };
const char *input_name(Input p) {
  return p == Input::dense ? "dense" : p == Input::csc ? "csc" : "csc_unstored";
}

// A fit through the C ABI.  Dense: weights M (m x n) when `weighted`.  CSC:
// A's non-zeros are stored (plus, with `store_all`, every entry);
// weights are M at the stored entries; under csc_unstored the unstored
// entries are missing.
struct Call {
  Input input = Input::dense;
  bool weighted = false;
  bool store_all = false;
};

template <class T>
Fit<T> run(const Dense &A, const Dense &M, int64_t k, nmf_options o, const Call &c,
           const FitIn<T> &in = {}) {
  if (c.input == Input::dense) {
    if (c.weighted) {
      o.weights = M.a.data();
      o.weights_ld = A.m;
    }
    return fit_dense<T>(A, k, o, in);
  }
  Csc<int32_t> C;
  if (c.store_all) {
    C.m = A.m;
    C.n = A.n;
    C.col_ptr.assign(static_cast<size_t>(A.n + 1), 0);
    for (int64_t j = 0; j < A.n; ++j) {
      for (int64_t i = 0; i < A.m; ++i) {
        C.row_ind.push_back(static_cast<int32_t>(i));
        C.val.push_back(A(i, j));
      }
      C.col_ptr[static_cast<size_t>(j + 1)] = static_cast<int64_t>(C.row_ind.size());
    }
  } else {
    C = to_csc<int32_t>(A);
  }
  std::vector<double> w;
  for (int64_t j = 0; j < A.n; ++j)
    for (int64_t q = C.col_ptr[j]; q < C.col_ptr[j + 1]; ++q) w.push_back(M(C.row_ind[q], j));
  if (c.weighted) o.weights = w.data();
  if (c.input == Input::csc_unstored) o.missing = NMF_MISSING_UNSTORED;
  return fit_csc<T>(C, k, o, in);
}

template <class T>
FitIn<T> start(const Dense &W0, const Dense &H0, int64_t hist = 0) {
  FitIn<T> in;
  in.W0 = cast<T>(W0.a);
  in.H0 = cast<T>(H0.a);
  in.hist_capacity = hist;
  return in;
}

nmf_options mu_options(int32_t loss, double beta, int maxit) {
  nmf_options o = test_options();
  o.loss = loss;
  o.beta = beta;
  o.solver = NMF_SOLVER_MU;
  o.maxit = maxit;
  o.tol = 0;
  o.user_w = 1;
  o.user_h = 1;
  return o;
}

// The weights the library sees for a call (1 where not weighted; 0 at the
// unstored entries under csc_unstored).
Dense effective_weights(const Dense &A, const Dense &M, const Call &c) {
  Dense E(A.m, A.n, 1.0);
  for (size_t t = 0; t < A.a.size(); ++t) {
    bool stored = c.input == Input::dense || c.store_all || A.a[t] != 0;
    if (c.weighted && stored) E.a[t] = M.a[t];
    if (c.input == Input::csc_unstored && !stored) E.a[t] = 0;
  }
  return E;
}

// ------------------------------------------------ MU against the reference

void expect_monotone_kl(const std::vector<double> &h) {
  for (size_t t = 1; t < h.size(); ++t)
    EXPECT_LE(h[t], h[t - 1] * (1 + 1e-12)) << "the loss rose at iteration " << t + 1;
}

struct MuCase {
  const char *name;
  int32_t loss;
  double beta;
  Input input;
  bool weighted;
  double mu_eps;
};

class MuReference : public ::testing::TestWithParam<MuCase> {};

// The library's multiplicative updates from (W0, H0) against ref_mu,
// iteration by iteration, on A with weights M as `c` hands them over.
void expect_matches_reference(const Dense &A, const Dense &M, const Call &c, int32_t loss,
                              double beta, int64_t k, int iters, double mu_eps, uint64_t seed) {
  const double b = loss == NMF_LOSS_FROBENIUS ? 2 : loss == NMF_LOSS_KL ? 1 : beta;
  const int64_t m = A.m, n = A.n;
  Dense E = effective_weights(A, M, c);
  Dense W0 = rand_factor(m, k, seed), H0 = rand_factor(k, n, seed + 1);
  nmf_options o = mu_options(loss, beta, iters);
  o.mu_eps = mu_eps;
  Fit<double> f = run<double>(A, M, k, o, c, start<double>(W0, H0, iters));
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  ASSERT_EQ(f.hist.size(), static_cast<size_t>(iters));

  Dense W = W0, H = H0;
  const double eps = mu_eps * std::sqrt(max_observed(A, E));
  std::vector<double> losses = ref_mu(A, E, W, H, b, iters, eps);
  for (int t = 0; t < iters; ++t)
    EXPECT_LT(rel_diff(f.hist[t], losses[t]), 1e-10)
        << "iteration " << t + 1 << ": library " << f.hist[t] << ", reference " << losses[t];
  Canonical ref = canonicalize(W.a, H.a, m, n, k);
  EXPECT_LT(max_rel_diff(f.W, ref.W), 1e-10);
  EXPECT_LT(max_rel_diff(f.d, ref.d), 1e-10);
  EXPECT_LT(max_rel_diff(f.H, ref.H), 1e-10);
  EXPECT_LT(rel_diff(f.res.loss, losses.back()), 1e-10);
}

TEST_P(MuReference, MatchesDenseLoopIterationByIteration) {
  const MuCase &mc = GetParam();
  const double b = mc.loss == NMF_LOSS_FROBENIUS ? 2 : mc.loss == NMF_LOSS_KL ? 1 : mc.beta;
  const int64_t m = 23, n = 17;
  // Itakura-Saito and below need positive data everywhere in the loss.
  Dense A = b <= 0 ? positive(m, n, 11) : counts(m, n, 11);
  Dense M = rand_weights(m, n, 12);
  Call c{mc.input, mc.weighted, b <= 0 && mc.input == Input::csc};
  expect_matches_reference(A, M, c, mc.loss, mc.beta, 3, 8, mc.mu_eps, 13);
}

// KL without weights on a dense A of several tiles of rows and of columns
// (mu_dense.hpp: 1024 rows, 2^16 values): H's numerator summed over the
// row tiles, W's taken in the loss's pass of the iteration before, the
// same numbers as the reference loop, with and without penalties.
TEST(MuBlocked, KlTilesMatchTheReferenceLoop) {
  const int64_t m = 2100, n = 150, k = 3;
  const int iters = 4;
  const Dense A = counts(m, n, 19);
  const Dense E(m, n, 1.0);
  for (double l1 : {0.0, 0.2}) {
    SCOPED_TRACE("l1 " + std::to_string(l1));
    Dense W0 = rand_factor(m, k, 20), H0 = rand_factor(k, n, 21);
    nmf_options o = mu_options(NMF_LOSS_KL, 0, iters);
    o.l1_w = o.l1_h = l1;
    Fit<double> f = run<double>(A, E, k, o, Call{Input::dense, false},
                                start<double>(W0, H0, iters));
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    ASSERT_EQ(f.hist.size(), static_cast<size_t>(iters));
    if (l1 > 0) {
      // With penalties the reported loss includes them: only the monotone
      // decrease is checked here (the reference loop has none).
      expect_monotone_kl(f.hist);
      continue;
    }
    Dense W = W0, H = H0;
    const double eps = 2.220446049250313e-16 * std::sqrt(max_observed(A, E));
    std::vector<double> losses = ref_mu(A, E, W, H, 1, iters, eps);
    for (int t = 0; t < iters; ++t)
      EXPECT_LT(rel_diff(f.hist[t], losses[t]), 1e-10) << "iteration " << t + 1;
    Canonical ref = canonicalize(W.a, H.a, m, n, k);
    EXPECT_LT(max_rel_diff(f.W, ref.W), 1e-10);
    EXPECT_LT(max_rel_diff(f.H, ref.H), 1e-10);
  }
}

// A dense A of more than one block of rows and of columns for the blocked
// BLAS-3 updates (mu_dense.hpp: blocks of 2^18 values): the same numbers as
// the reference loop, with and without weights.
TEST(MuBlocked, SeveralBlocksMatchTheReferenceLoop) {
  const int64_t m = 700, n = 500;
  const Dense A = counts(m, n, 15), P = positive(m, n, 16);
  const Dense M = rand_weights(m, n, 17);
  for (auto [loss, beta] : {std::pair<int32_t, double>{NMF_LOSS_KL, 0}, {NMF_LOSS_BETA, 1.5},
                            {NMF_LOSS_BETA, 0.5}, {NMF_LOSS_BETA, 0.0}})
    for (bool weighted : {false, true}) {
      SCOPED_TRACE("loss " + std::to_string(loss) + " beta " + std::to_string(beta) +
                   (weighted ? " weighted" : ""));
      expect_matches_reference(loss == NMF_LOSS_BETA && beta <= 0 ? P : A, M,
                               Call{Input::dense, weighted}, loss, beta, 3, 3,
                               2.220446049250313e-16, 18);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MuReference,
    ::testing::Values(
        MuCase{"kl_dense", NMF_LOSS_KL, 0, Input::dense, false, 2.220446049250313e-16},
        MuCase{"kl_csc", NMF_LOSS_KL, 0, Input::csc, false, 2.220446049250313e-16},
        MuCase{"kl_csc_weighted", NMF_LOSS_KL, 0, Input::csc, true, 2.220446049250313e-16},
        MuCase{"kl_csc_unstored", NMF_LOSS_KL, 0, Input::csc_unstored, true, 2.220446049250313e-16},
        MuCase{"kl_dense_weighted", NMF_LOSS_KL, 0, Input::dense, true, 2.220446049250313e-16},
        MuCase{"kl_dense_big_eps", NMF_LOSS_KL, 0, Input::dense, false, 0.05},
        MuCase{"frobenius_dense", NMF_LOSS_FROBENIUS, 0, Input::dense, false, 2.220446049250313e-16},
        MuCase{"frobenius_csc", NMF_LOSS_FROBENIUS, 0, Input::csc, false, 2.220446049250313e-16},
        MuCase{"frobenius_csc_weighted", NMF_LOSS_FROBENIUS, 0, Input::csc, true, 2.220446049250313e-16},
        MuCase{"frobenius_dense_weighted", NMF_LOSS_FROBENIUS, 0, Input::dense, true, 2.220446049250313e-16},
        MuCase{"beta_1_5_csc", NMF_LOSS_BETA, 1.5, Input::csc, false, 2.220446049250313e-16},
        MuCase{"beta_1_5_csc_weighted", NMF_LOSS_BETA, 1.5, Input::csc, true, 2.220446049250313e-16},
        MuCase{"beta_0_5_dense", NMF_LOSS_BETA, 0.5, Input::dense, true, 2.220446049250313e-16},
        MuCase{"beta_3_dense", NMF_LOSS_BETA, 3.0, Input::dense, false, 2.220446049250313e-16},
        MuCase{"beta_3_csc_unstored", NMF_LOSS_BETA, 3.0, Input::csc_unstored, false, 2.220446049250313e-16},
        MuCase{"itakura_saito_dense", NMF_LOSS_BETA, 0.0, Input::dense, true, 2.220446049250313e-16},
        MuCase{"beta_neg_csc_full", NMF_LOSS_BETA, -0.5, Input::csc_unstored, false, 2.220446049250313e-16}),
    [](const ::testing::TestParamInfo<MuCase> &i) { return std::string(i.param.name); });

// ------------------------------------------- beta = 2 and 1 are the named

TEST(BetaFamily, TwoAndOneReproduceFrobeniusAndKl) {
  const Dense A = counts(30, 20, 21);
  const Dense M(30, 20, 1.0);
  const Dense W0 = rand_factor(30, 4, 22), H0 = rand_factor(4, 20, 23);
  for (Input in : {Input::dense, Input::csc}) {
    SCOPED_TRACE(input_name(in));
    for (auto [named, beta] : {std::pair<int32_t, double>{NMF_LOSS_FROBENIUS, 2.0}, {NMF_LOSS_KL, 1.0}}) {
      for (int32_t solver : {NMF_SOLVER_MU, NMF_SOLVER_AUTO}) {
        nmf_options o = mu_options(named, 0, 15);
        o.solver = solver;
        Fit<double> a = run<double>(A, M, 4, o, Call{in}, start<double>(W0, H0, 15));
        o.loss = NMF_LOSS_BETA;
        o.beta = beta;
        Fit<double> b = run<double>(A, M, 4, o, Call{in}, start<double>(W0, H0, 15));
        ASSERT_EQ(a.status, NMF_OK) << a.msg;
        ASSERT_EQ(b.status, NMF_OK) << b.msg;
        EXPECT_EQ(a.res.solver, b.res.solver);
        EXPECT_LT(max_rel_diff(b.W, a.W), 1e-13);
        EXPECT_LT(max_rel_diff(b.H, a.H), 1e-13);
        EXPECT_LT(max_rel_diff(b.hist, a.hist), 1e-13);
      }
    }
  }
  // And a beta just off 1 and 2 (the general formula) is close to them.
  for (double beta : {1.0, 2.0}) {
    nmf_options o = mu_options(NMF_LOSS_BETA, beta, 10);
    Fit<double> a = run<double>(A, M, 4, o, Call{Input::dense}, start<double>(W0, H0));
    o.beta = beta + 1e-7;
    Fit<double> b = run<double>(A, M, 4, o, Call{Input::dense}, start<double>(W0, H0));
    EXPECT_LT(max_rel_diff(b.W, a.W), 1e-5) << "beta " << beta;
    EXPECT_LT(rel_diff(b.res.loss, a.res.loss), 1e-5) << "beta " << beta;
  }
}

// --------------------------------------------------------- monotone loss

template <class T>
void expect_monotone(const std::vector<double> &h, const std::string &what) {
  const double slack = std::is_same<T, double>::value ? 1e-12 : 2e-6;
  ASSERT_GE(h.size(), 2u) << what;
  for (size_t t = 1; t < h.size(); ++t)
    EXPECT_LE(h[t], h[t - 1] * (1 + slack) + 1e-300) << what << ": loss rose at iteration " << t + 1;
  EXPECT_LT(h.back(), h.front()) << what;
}

template <class T>
void monotone_all(Input in) {
  const Dense A = counts(40, 30, 31);
  const Dense P = positive(40, 30, 32);
  const Dense M = rand_weights(40, 30, 33);
  struct S {
    int32_t loss, solver;
    double beta, l1;
  };
  const S cases[] = {{NMF_LOSS_FROBENIUS, NMF_SOLVER_MU, 0, 0},  {NMF_LOSS_KL, NMF_SOLVER_MU, 0, 0},
                     {NMF_LOSS_KL, NMF_SOLVER_CD, 0, 0},         {NMF_LOSS_BETA, NMF_SOLVER_MU, 0.5, 0},
                     {NMF_LOSS_BETA, NMF_SOLVER_MU, 1.5, 0},     {NMF_LOSS_BETA, NMF_SOLVER_MU, 3, 0},
                     {NMF_LOSS_BETA, NMF_SOLVER_MU, 0, 0},       {NMF_LOSS_KL, NMF_SOLVER_MU, 0, 0.5},
                     {NMF_LOSS_KL, NMF_SOLVER_CD, 0, 0.5},       {NMF_LOSS_BETA, NMF_SOLVER_MU, 1.5, 0.3}};
  for (const S &s : cases)
    for (bool weighted : {false, true}) {
      const bool is = s.loss == NMF_LOSS_BETA && s.beta <= 0;
      if (is && in != Input::dense) continue;
      std::string what = std::string(input_name(in)) + " loss " + std::to_string(s.loss) +
                         " solver " + std::to_string(s.solver) + " beta " +
                         std::to_string(s.beta) + " l1 " + std::to_string(s.l1) +
                         (weighted ? " weighted" : "");
      nmf_options o = test_options();
      o.loss = s.loss;
      o.solver = s.solver;
      o.beta = s.beta;
      o.l1_w = o.l1_h = s.l1;
      o.maxit = 40;
      o.tol = 0;
      o.init = NMF_INIT_NNDSVDA;
      FitIn<T> fi;
      fi.hist_capacity = 40;
      Fit<T> f = run<T>(is ? P : A, M, 4, o, Call{in, weighted}, fi);
      ASSERT_EQ(f.status, NMF_OK) << what << ": " << f.msg;
      EXPECT_TRUE(all_finite_nonneg(f.W) && all_finite_nonneg(f.H)) << what;
      expect_canonical(f, what);
      expect_monotone<T>(f.hist, what);
    }
}

TEST(Monotone, DoubleDense) { monotone_all<double>(Input::dense); }
TEST(Monotone, DoubleCsc) { monotone_all<double>(Input::csc); }
TEST(Monotone, DoubleCscUnstored) { monotone_all<double>(Input::csc_unstored); }
TEST(Monotone, FloatDense) { monotone_all<float>(Input::dense); }
TEST(Monotone, FloatCsc) { monotone_all<float>(Input::csc); }

// The reported loss is the loss of the returned factors, in the caller's
// units, with its penalties.
TEST(Loss, ReportedLossIsTheLossOfTheOutput) {
  const Dense A = counts(35, 25, 41);
  const Dense M = rand_weights(35, 25, 42);
  for (Input in : {Input::dense, Input::csc, Input::csc_unstored})
    for (int32_t solver : {NMF_SOLVER_MU, NMF_SOLVER_CD})
      for (bool weighted : {false, true}) {
        SCOPED_TRACE(std::string(input_name(in)) + (weighted ? " weighted" : "") +
                     " solver " + std::to_string(solver));
        nmf_options o = test_options();
        o.loss = NMF_LOSS_KL;
        o.solver = solver;
        o.maxit = 20;
        o.l1_w = 0.3;
        o.l2_h = 0.2;
        Fit<double> f = run<double>(A, M, 3, o, Call{in, weighted});
        ASSERT_EQ(f.status, NMF_OK) << f.msg;
        EXPECT_GT(f.res.loss, 0);
        const Dense E = effective_weights(A, M, Call{in, weighted});
        Dense Wd(A.m, 3), H(3, A.n);
        // Without penalties the loss does not depend on the scaling of the
        // output (W diag(d), H): compare it.
        o.l1_w = o.l2_h = 0;
        Fit<double> g = run<double>(A, M, 3, o, Call{in, weighted});
        ASSERT_EQ(g.status, NMF_OK) << g.msg;
        for (int64_t r = 0; r < 3; ++r) {
          for (int64_t i = 0; i < A.m; ++i) Wd(i, r) = g.W[i + r * A.m] * g.d[r];
          for (int64_t j = 0; j < A.n; ++j) H(r, j) = g.H[r + j * 3];
        }
        const double loss = ref_loss(A, E, Wd, H, 1.0);
        EXPECT_LT(rel_diff(g.res.loss, loss), 1e-10);
        // The relative error is the weighted Frobenius one.
        Dense Y = product(Wd, H);
        double num = 0, den = 0;
        for (size_t t = 0; t < A.a.size(); ++t) {
          num += E.a[t] * (A.a[t] - Y.a[t]) * (A.a[t] - Y.a[t]);
          den += E.a[t] * A.a[t] * A.a[t];
        }
        EXPECT_LT(rel_diff(g.res.rel_error, std::sqrt(num / den)), 1e-9);
      }
}

// Sparse KL is evaluated at the stored entries plus the closed-form sum of
// WH: it equals the dense loss of the same matrix, for any starting point.
TEST(Loss, SparseKlEqualsDenseKl) {
  const Dense A = sparse_random(50, 40, 0.15, 51);
  const Dense M(50, 40, 1.0);
  const Dense W0 = rand_factor(50, 3, 52), H0 = rand_factor(3, 40, 53);
  for (double beta : {1.0, 1.5, 2.0, 0.7}) {
    nmf_options o = mu_options(NMF_LOSS_BETA, beta, 0);
    Fit<double> d = run<double>(A, M, 3, o, Call{Input::dense}, start<double>(W0, H0));
    Fit<double> s = run<double>(A, M, 3, o, Call{Input::csc}, start<double>(W0, H0));
    ASSERT_EQ(d.status, NMF_OK) << d.msg;
    ASSERT_EQ(s.status, NMF_OK) << s.msg;
    const double ref = ref_loss(A, M, W0, H0, beta);
    EXPECT_LT(rel_diff(d.res.loss, ref), 1e-12) << "beta " << beta;
    EXPECT_LT(rel_diff(s.res.loss, ref), 1e-12) << "beta " << beta;
  }
}

// ------------------------------------------------ dense vs CSC, threads

TEST(Inputs, DenseAndCscGiveTheSameFactors) {
  const Dense A = sparse_random(60, 45, 0.2, 61);
  const Dense M = rand_weights(60, 45, 62, 0.0);
  for (auto [loss, solver, beta] : {std::tuple<int32_t, int32_t, double>{NMF_LOSS_KL, NMF_SOLVER_MU, 0},
                                    {NMF_LOSS_KL, NMF_SOLVER_CD, 0},
                                    {NMF_LOSS_BETA, NMF_SOLVER_MU, 1.5},
                                    {NMF_LOSS_FROBENIUS, NMF_SOLVER_MU, 0}})
    for (bool weighted : {false, true}) {
      SCOPED_TRACE("loss " + std::to_string(loss) + " solver " + std::to_string(solver) +
                   (weighted ? " weighted" : ""));
      nmf_options o = test_options();
      o.loss = loss;
      o.solver = solver;
      o.beta = beta;
      o.maxit = 30;
      o.tol = 0;
      o.init = NMF_INIT_NNDSVDA;
      // Weights on the CSC apply to the stored entries only: the dense run
      // gets weight 1 on the zeros.
      Dense Md = M;
      for (size_t t = 0; t < A.a.size(); ++t)
        if (A.a[t] == 0) Md.a[t] = 1;
      Fit<double> d = run<double>(A, Md, 4, o, Call{Input::dense, weighted});
      Fit<double> s = run<double>(A, M, 4, o, Call{Input::csc, weighted});
      ASSERT_EQ(d.status, NMF_OK) << d.msg;
      ASSERT_EQ(s.status, NMF_OK) << s.msg;
      EXPECT_LT(max_rel_diff(s.W, d.W), 1e-9);
      EXPECT_LT(max_rel_diff(s.d, d.d), 1e-9);
      EXPECT_LT(max_rel_diff(s.H, d.H), 1e-9);
      EXPECT_LT(rel_diff(s.res.loss, d.res.loss), 1e-10);
    }
}

// Each input kind x {KL with MU, KL with CD, beta 1.5 with MU} x
// {unweighted, weighted}: f(input, weighted, options for that loss, tol 0).
template <class F>
void for_each_divergence_case(F f) {
  for (Input in : {Input::dense, Input::csc, Input::csc_unstored})
    for (auto [loss, solver, beta] : {std::tuple<int32_t, int32_t, double>{NMF_LOSS_KL, NMF_SOLVER_MU, 0},
                                      {NMF_LOSS_KL, NMF_SOLVER_CD, 0},
                                      {NMF_LOSS_BETA, NMF_SOLVER_MU, 1.5}})
      for (bool weighted : {false, true}) {
        SCOPED_TRACE(std::string(input_name(in)) + " loss " + std::to_string(loss) +
                     " solver " + std::to_string(solver) + (weighted ? " weighted" : ""));
        nmf_options o = test_options();
        o.loss = loss;
        o.solver = solver;
        o.beta = beta;
        o.tol = 0;
        f(in, weighted, o);
      }
}

void expect_same_bits(const Fit<double> &a, const Fit<double> &b, int threads) {
  ASSERT_EQ(b.status, NMF_OK) << b.msg;
  EXPECT_TRUE(bitwise_equal(a.W, b.W)) << threads << " threads";
  EXPECT_TRUE(bitwise_equal(a.H, b.H)) << threads << " threads";
  EXPECT_TRUE(bitwise_equal(a.d, b.d)) << threads << " threads";
  EXPECT_EQ(a.res.loss, b.res.loss) << threads << " threads";
}

TEST(Determinism, OneAndTwoThreadsGiveTheSameBits) {
  // Large enough for several row blocks and column chunks per thread.
  const Dense A = counts(200, 120, 71);
  const Dense M = rand_weights(200, 120, 72);
  for_each_divergence_case([&](Input in, bool weighted, nmf_options o) {
    o.maxit = 4;
    o.n_threads = 1;
    Fit<double> a = run<double>(A, M, 5, o, Call{in, weighted});
    ASSERT_EQ(a.status, NMF_OK) << a.msg;
    o.n_threads = 2;
    expect_same_bits(a, run<double>(A, M, 5, o, Call{in, weighted}), 2);
  });
}

// 1, 2 and 4 threads on a problem where every threaded path runs (several
// blocks of rows and columns of the dense blocked updates and several tiles
// of rows of KL's, several row blocks of the sparse ones): the same bits,
// and KL's loss never rises.
TEST(Determinism, OneTwoAndFourThreadsOnLargeProblems) {
  const Dense A = counts(2100, 300, 73);
  const Dense M = rand_weights(2100, 300, 74);
  for_each_divergence_case([&](Input in, bool weighted, nmf_options o) {
    o.maxit = 3;
    FitIn<double> fi;
    fi.hist_capacity = 3;
    o.n_threads = 1;
    Fit<double> a = run<double>(A, M, 6, o, Call{in, weighted}, fi);
    ASSERT_EQ(a.status, NMF_OK) << a.msg;
    if (o.loss == NMF_LOSS_KL) expect_monotone<double>(a.hist, "1 thread");
    for (int threads : {2, 4}) {
      o.n_threads = threads;
      Fit<double> b = run<double>(A, M, 6, o, Call{in, weighted}, fi);
      expect_same_bits(a, b, threads);
      EXPECT_TRUE(bitwise_equal(a.hist, b.hist)) << threads << " threads";
    }
  });
}

// Float on the same problem through KL's tiles: float factors, double
// products, the same bits for any thread count.
TEST(Determinism, FloatKlTilesOneTwoAndFourThreads) {
  const Dense A = counts(2100, 300, 75);
  const Dense M(2100, 300, 1.0);
  nmf_options o = test_options();
  o.loss = NMF_LOSS_KL;
  o.solver = NMF_SOLVER_MU;
  o.maxit = 4;
  o.tol = 0;
  FitIn<float> fi;
  fi.hist_capacity = 4;
  o.n_threads = 1;
  Fit<float> a = run<float>(A, M, 6, o, Call{Input::dense, false}, fi);
  ASSERT_EQ(a.status, NMF_OK) << a.msg;
  expect_monotone<float>(a.hist, "float, 1 thread");
  for (int threads : {2, 4}) {
    o.n_threads = threads;
    Fit<float> b = run<float>(A, M, 6, o, Call{Input::dense, false}, fi);
    ASSERT_EQ(b.status, NMF_OK) << b.msg;
    EXPECT_TRUE(bitwise_equal(a.W, b.W)) << threads << " threads";
    EXPECT_TRUE(bitwise_equal(a.H, b.H)) << threads << " threads";
    EXPECT_TRUE(bitwise_equal(a.hist, b.hist)) << threads << " threads";
  }
}

// ------------------------------------------------ masks and weights

// Entries of weight 0, or NaN under NMF_MISSING_NAN, do not influence the
// fit: any value there gives the same bits, and NaN-missing is weight 0.
TEST(Missing, MaskedEntriesAreIgnored) {
  const Dense A = counts(30, 25, 81);
  const Dense M = rand_weights(30, 25, 82, 0.3);
  Dense B = A, N = A;
  Dense Mnan = M;  // weights 1 except where missing
  for (size_t t = 0; t < A.a.size(); ++t)
    if (M.a[t] == 0) {
      B.a[t] = 1000.0 + t;
      N.a[t] = std::nan("");
    } else {
      Mnan.a[t] = 1;
    }
  for (auto [loss, solver, beta] : {std::tuple<int32_t, int32_t, double>{NMF_LOSS_KL, NMF_SOLVER_MU, 0},
                                    {NMF_LOSS_KL, NMF_SOLVER_CD, 0},
                                    {NMF_LOSS_BETA, NMF_SOLVER_MU, 0.5},
                                    {NMF_LOSS_FROBENIUS, NMF_SOLVER_MU, 0},
                                    {NMF_LOSS_FROBENIUS, NMF_SOLVER_HALS, 0},
                                    {NMF_LOSS_FROBENIUS, NMF_SOLVER_ANLS, 0}})
    for (int32_t init : {NMF_INIT_RANDOM, NMF_INIT_NNDSVDA}) {
      SCOPED_TRACE("loss " + std::to_string(loss) + " solver " + std::to_string(solver) +
                   " init " + std::to_string(init));
      nmf_options o = test_options();
      o.loss = loss;
      o.solver = solver;
      o.beta = beta;
      o.maxit = 25;
      o.init = init;
      Fit<double> a = run<double>(A, M, 3, o, Call{Input::dense, true});
      Fit<double> b = run<double>(B, M, 3, o, Call{Input::dense, true});
      ASSERT_EQ(a.status, NMF_OK) << a.msg;
      ASSERT_EQ(b.status, NMF_OK) << b.msg;
      EXPECT_TRUE(bitwise_equal(a.W, b.W));
      EXPECT_TRUE(bitwise_equal(a.H, b.H));
      EXPECT_EQ(a.res.loss, b.res.loss);
      // NaN marks the same entries as missing.
      Dense ones(30, 25, 1.0);
      nmf_options on = o;
      on.missing = NMF_MISSING_NAN;
      Fit<double> c = run<double>(N, ones, 3, on, Call{Input::dense, false});
      Fit<double> e = run<double>(A, Mnan, 3, o, Call{Input::dense, true});
      ASSERT_EQ(c.status, NMF_OK) << c.msg;
      ASSERT_EQ(e.status, NMF_OK) << e.msg;
      EXPECT_TRUE(bitwise_equal(c.W, e.W));
      EXPECT_TRUE(bitwise_equal(c.H, e.H));
      // CSC: stored entries of weight 0 likewise.
      Dense As = A;
      for (size_t t = 0; t < A.a.size(); ++t) As.a[t] = As.a[t] == 0 ? 0.0 : As.a[t];
      Dense Bs = As;
      for (size_t t = 0; t < A.a.size(); ++t)
        if (M.a[t] == 0 && As.a[t] != 0) Bs.a[t] = 77.0;
      Fit<double> s1 = run<double>(As, M, 3, o, Call{Input::csc, true});
      Fit<double> s2 = run<double>(Bs, M, 3, o, Call{Input::csc, true});
      ASSERT_EQ(s1.status, NMF_OK) << s1.msg;
      EXPECT_TRUE(bitwise_equal(s1.W, s2.W));
      EXPECT_TRUE(bitwise_equal(s1.H, s2.H));
    }
}

// Weight 2 on a column equals that column twice.
TEST(Weights, WeightTwoEqualsADuplicatedColumn) {
  const int64_t m = 25, n = 18, k = 3, dup = 5;
  const Dense A = counts(m, n, 91);
  Dense A2(m, n + 1), M(m, n, 1.0);
  for (int64_t j = 0; j <= n; ++j)
    for (int64_t i = 0; i < m; ++i) A2(i, j) = A(i, j < n ? j : dup);
  for (int64_t i = 0; i < m; ++i) M(i, dup) = 2;
  const Dense W0 = rand_factor(m, k, 92), H0 = rand_factor(k, n, 93);
  Dense H02(k, n + 1);
  for (int64_t j = 0; j <= n; ++j)
    for (int64_t r = 0; r < k; ++r) H02(r, j) = H0(r, j < n ? j : dup);
  const Dense ones(m, n + 1, 1.0);
  for (Input in : {Input::dense, Input::csc})
    for (auto [loss, solver, beta] : {std::tuple<int32_t, int32_t, double>{NMF_LOSS_KL, NMF_SOLVER_MU, 0},
                                      {NMF_LOSS_KL, NMF_SOLVER_CD, 0},
                                      {NMF_LOSS_BETA, NMF_SOLVER_MU, 1.5},
                                      {NMF_LOSS_FROBENIUS, NMF_SOLVER_MU, 0}}) {
      SCOPED_TRACE(std::string(input_name(in)) + " loss " + std::to_string(loss) + " solver " +
                   std::to_string(solver));
      nmf_options o = mu_options(loss, beta, 20);
      o.solver = solver;
      // CSC: every entry stored, so that the zeros of the column carry
      // weight 2 as well.
      Fit<double> w = run<double>(A, M, k, o, Call{in, true, true}, start<double>(W0, H0));
      Fit<double> d = run<double>(A2, ones, k, o, Call{in, false}, start<double>(W0, H02));
      ASSERT_EQ(w.status, NMF_OK) << w.msg;
      ASSERT_EQ(d.status, NMF_OK) << d.msg;
      EXPECT_LT(rel_diff(w.res.loss, d.res.loss), 1e-10);
      // Compare W diag(d) H over the shared columns (the canonical scaling
      // of H differs by the extra column).
      Dense Rw = reconstruct(w.W, w.d, w.H, m, n, k);
      Dense Rd = reconstruct(d.W, d.d, d.H, m, n + 1, k);
      std::vector<double> rd(Rd.a.begin(), Rd.a.begin() + m * n);
      EXPECT_LT(max_rel_diff(Rw.a, rd), 1e-9);
    }
}

// ------------------------------------------------ recovery and projection

// A = W H exactly, the Poisson mean of a count model with separable factors
// (unique NMF): KL recovers the factors.
TEST(Recovery, PlantedPoissonMeanStructure) {
  const int64_t m = 60, n = 50, k = 3;
  Planted p = planted(m, n, k, 101, 0.4, 0.0, true);
  for (auto &v : p.A.a) v *= 20;  // counts-like magnitudes
  const Dense M(m, n, 1.0);
  for (Input in : {Input::dense, Input::csc})
    for (int32_t solver : {NMF_SOLVER_CD, NMF_SOLVER_MU}) {
      SCOPED_TRACE(std::string(input_name(in)) + " solver " + std::to_string(solver));
      nmf_options o = test_options();
      o.loss = NMF_LOSS_KL;
      o.solver = solver;
      o.init = NMF_INIT_NNDSVDA;
      o.maxit = solver == NMF_SOLVER_CD ? 500 : 3000;
      o.tol = 0;
      Fit<double> f = run<double>(p.A, M, k, o, Call{in});
      ASSERT_EQ(f.status, NMF_OK) << f.msg;
      double total = 0;
      for (double v : p.A.a) total += v;
      EXPECT_LT(f.res.loss / total, 1e-5) << "relative KL";
      // Every planted W column has a fitted match.
      Canonical truth = canonicalize(p.W.a, p.H.a, m, n, k);
      for (int64_t r = 0; r < k; ++r) {
        double best = 0;
        for (int64_t s = 0; s < k; ++s)
          best = std::max(best, cosine(column(truth.W, m, r), column(f.W, m, s)));
        EXPECT_GT(best, 0.999) << "component " << r;
      }
    }
}

// fix_w: the other factor is found by repeating its update alone.
TEST(Projection, FixedWSolvesForH) {
  const int64_t m = 40, n = 30, k = 3;
  Planted p = planted(m, n, k, 111, 0.3, 0.0, true);
  const Dense M(m, n, 1.0);
  for (int32_t solver : {NMF_SOLVER_CD, NMF_SOLVER_MU}) {
    SCOPED_TRACE("solver " + std::to_string(solver));
    nmf_options o = test_options();
    o.loss = NMF_LOSS_KL;
    o.solver = solver;
    o.fix_w = 1;
    o.maxit = solver == NMF_SOLVER_CD ? 300 : 5000;
    o.tol = 0;
    FitIn<double> in;
    in.W0 = p.W.a;
    for (Input inp : {Input::dense, Input::csc}) {
      Fit<double> f = run<double>(p.A, M, k, o, Call{inp}, in);
      ASSERT_EQ(f.status, NMF_OK) << f.msg;
      EXPECT_TRUE(bitwise_equal(f.W, p.W.a)) << "the fixed W is returned unchanged";
      for (double v : f.d) EXPECT_EQ(v, 1.0);
      EXPECT_LT(max_rel_diff(f.H, p.H.a), solver == NMF_SOLVER_CD ? 1e-6 : 1e-3);
    }
  }
}

// Losses in the caller's units: KL is 1-homogeneous, beta-divergences
// beta-homogeneous; with penalties scaled to match (l1 by c^(beta - 1/2),
// l2 by c^(beta - 1)) the fit of cA is the fit of A scaled.  Fits A and cA
// (15 iterations from the same start) for one loss and solver.
struct ScaledFits {
  Fit<double> a, b;
};
ScaledFits fit_scaled(const Dense &A, double c, int32_t loss, double beta,
                      int32_t solver) {
  const Dense M(A.m, A.n, 1.0);
  Dense cA = A;
  for (auto &v : cA.a) v *= c;
  nmf_options o = test_options();
  o.loss = loss;
  o.beta = beta;
  o.solver = solver;
  o.maxit = 15;
  o.tol = 0;
  o.l1_h = 0.2;
  o.l2_w = 0.1;
  ScaledFits f;
  f.a = run<double>(A, M, 3, o, Call{Input::dense});
  o.l1_h *= std::pow(c, beta - 0.5);
  o.l2_w *= std::pow(c, beta - 1);
  f.b = run<double>(cA, M, 3, o, Call{Input::dense});
  return f;
}

TEST(Units, LossScalesWithTheData) {
  const Dense A = counts(30, 20, 121);
  const double c = 1000.0;
  for (auto [loss, beta, solver] : {std::tuple<int32_t, double, int32_t>{NMF_LOSS_KL, 1, NMF_SOLVER_CD},
                                    {NMF_LOSS_KL, 1, NMF_SOLVER_MU},
                                    {NMF_LOSS_BETA, 1.5, NMF_SOLVER_MU},
                                    {NMF_LOSS_BETA, 0.5, NMF_SOLVER_MU},
                                    {NMF_LOSS_FROBENIUS, 2, NMF_SOLVER_MU}}) {
    SCOPED_TRACE("beta " + std::to_string(beta) + " solver " + std::to_string(solver));
    const auto [a, b] = fit_scaled(A, c, loss, beta, solver);
    ASSERT_EQ(a.status, NMF_OK) << a.msg;
    ASSERT_EQ(b.status, NMF_OK) << b.msg;
    EXPECT_LT(rel_diff(b.res.loss, std::pow(c, beta) * a.res.loss), 1e-8);
    EXPECT_LT(max_rel_diff(b.W, a.W), 1e-8);
    std::vector<double> ad(a.d.size());
    for (size_t r = 0; r < ad.size(); ++r) ad[r] = c * a.d[r];
    EXPECT_LT(max_rel_diff(b.d, ad), 1e-8);
  }
}

// Data near the top of the double range: internally A is scaled to max 1,
// and the factor s^beta between the two units underflows (below 1e-308 for
// max(A) above 1e154 with beta = 2).  The penalties must still act (scaled
// by single powers of s) and the loss come back in the caller's units: the
// exact value while it is representable, +Inf past the largest double,
// never NaN.
TEST(Units, DataNearTheLargestDouble) {
  const Dense A = counts(30, 20, 121);
  for (double c : {1e153, 1e200}) {
    SCOPED_TRACE(c == 1e153 ? "c = 1e153" : "c = 1e200");
    const auto [a, b] = fit_scaled(A, c, NMF_LOSS_FROBENIUS, 2, NMF_SOLVER_MU);
    ASSERT_EQ(a.status, NMF_OK) << a.msg;
    ASSERT_EQ(b.status, NMF_OK) << b.msg;
    const double expect = c * c * a.res.loss;
    if (std::isfinite(expect))
      EXPECT_LT(rel_diff(b.res.loss, expect), 1e-8);
    else
      EXPECT_EQ(b.res.loss, expect);
    EXPECT_LT(std::fabs(b.res.rel_error - a.res.rel_error), 1e-8);
    EXPECT_LT(max_rel_diff(b.W, a.W), 1e-8) << "the penalties act as on A";
  }
}

// mu_eps: a zero entry of a factor stays zero under multiplicative updates
// (zero-locking) when the floor is off, and is lifted with the floor.
TEST(MuEps, FloorPreventsZeroLocking) {
  const Dense A = counts(25, 20, 161);
  Dense W0 = rand_factor(25, 3, 162), H0 = rand_factor(3, 20, 163);
  W0(4, 1) = 0;
  for (int32_t loss : {NMF_LOSS_KL, NMF_LOSS_FROBENIUS}) {
    nmf_options o = mu_options(loss, 0, 10);
    o.mu_eps = 0;
    Fit<double> f = run<double>(A, Dense(25, 20, 1.0), 3, o, Call{Input::dense},
                                start<double>(W0, H0));
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    // Canonical W is W0's columns reordered: find the zero.
    int zeros = 0;
    for (double v : f.W) zeros += v == 0;
    EXPECT_EQ(zeros, 1) << "loss " << loss;
    o.mu_eps = 1e-3;
    Fit<double> g = run<double>(A, Dense(25, 20, 1.0), 3, o, Call{Input::dense},
                                start<double>(W0, H0));
    ASSERT_EQ(g.status, NMF_OK) << g.msg;
    // (The exact floor, mu_eps * sqrt(max A), is checked against the
    // reference in MuReference.kl_dense_big_eps.)
    double wmin = 1e300;
    for (double v : g.W) wmin = std::min(wmin, v);
    EXPECT_GT(wmin, 0.0) << "loss " << loss;
  }
}

// One factor supplied: the other starts as a constant and is fitted.
TEST(Start, OneUserFactor) {
  const Dense A = counts(25, 20, 171);
  const Dense W0 = rand_factor(25, 3, 172);
  for (int32_t solver : {NMF_SOLVER_MU, NMF_SOLVER_CD}) {
    nmf_options o = test_options();
    o.loss = NMF_LOSS_KL;
    o.solver = solver;
    o.user_w = 1;
    o.maxit = 30;
    o.tol = 0;
    FitIn<double> in;
    in.W0 = W0.a;
    in.hist_capacity = 30;
    Fit<double> f = fit_dense<double>(A, 3, o, in);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    EXPECT_EQ(f.res.init, -1);
    expect_canonical(f);
    expect_monotone<double>(f.hist, "user W only");
  }
}

TEST(Progress, CancelStopsWithTheLastIterate) {
  const Dense A = counts(30, 20, 131);
  nmf_options o = test_options();
  o.loss = NMF_LOSS_KL;
  o.maxit = 50;
  o.tol = 0;
  int calls = 0;
  o.progress = [](int64_t it, int64_t, double, double, void *data) -> int32_t {
    *static_cast<int *>(data) += 1;
    return it >= 3 ? 1 : 0;
  };
  o.progress_data = &calls;
  for (int32_t solver : {NMF_SOLVER_MU, NMF_SOLVER_CD}) {
    calls = 0;
    o.solver = solver;
    FitIn<double> in;
    in.hist_capacity = 50;
    Fit<double> f = fit_dense<double>(A, 3, o, in);
    EXPECT_EQ(f.status, NMF_CANCELLED);
    EXPECT_EQ(f.res.iterations, 3);
    EXPECT_EQ(f.res.stop_reason, NMF_STOP_CANCELLED);
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(f.hist.size(), 3u);
    expect_canonical(f);
  }
}

TEST(Solver, AutoRule) {
  const Dense A = counts(20, 15, 141);
  const Dense M = rand_weights(20, 15, 142);
  struct S {
    int32_t loss;
    double beta;
    bool weighted;
    Input input;
    int32_t expect;
  };
  // KL: MU on dense and CSC inputs alike (bench/README.md).
  for (const S &s : {S{NMF_LOSS_FROBENIUS, 0, false, Input::dense, NMF_SOLVER_HALS},
                     S{NMF_LOSS_FROBENIUS, 0, true, Input::dense, NMF_SOLVER_ANLS},
                     S{NMF_LOSS_FROBENIUS, 0, false, Input::csc, NMF_SOLVER_HALS},
                     S{NMF_LOSS_KL, 0, false, Input::dense, NMF_SOLVER_MU},
                     S{NMF_LOSS_KL, 0, true, Input::dense, NMF_SOLVER_MU},
                     S{NMF_LOSS_KL, 0, false, Input::csc, NMF_SOLVER_MU},
                     S{NMF_LOSS_KL, 0, true, Input::csc, NMF_SOLVER_MU},
                     S{NMF_LOSS_KL, 0, false, Input::csc_unstored, NMF_SOLVER_MU},
                     S{NMF_LOSS_BETA, 1, false, Input::dense, NMF_SOLVER_MU},
                     S{NMF_LOSS_BETA, 1, false, Input::csc, NMF_SOLVER_MU},
                     S{NMF_LOSS_BETA, 2, false, Input::dense, NMF_SOLVER_HALS},
                     S{NMF_LOSS_BETA, 2, true, Input::dense, NMF_SOLVER_ANLS},
                     S{NMF_LOSS_BETA, 0.5, false, Input::dense, NMF_SOLVER_MU},
                     S{NMF_LOSS_BETA, 0.5, false, Input::csc, NMF_SOLVER_MU}}) {
    nmf_options o = test_options();
    o.loss = s.loss;
    o.beta = s.beta;
    o.maxit = 3;
    Fit<double> f = run<double>(A, M, 2, o, Call{s.input, s.weighted});
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    EXPECT_EQ(f.res.solver, s.expect)
        << "loss " << s.loss << " beta " << s.beta << " " << input_name(s.input);
  }
}

// ------------------------------------------------------------- errors

struct ErrorCase {
  const char *name;
  std::function<void(nmf_options &)> set;
  Input input;
  int32_t code;
  std::vector<std::string> words;  // lower-case words the message must hold
  bool zeros_in_a = true;
};

TEST(Errors, EveryNewOptionIsValidated) {
  const Dense A = counts(12, 10, 151);
  const Dense P = positive(12, 10, 152);
  Dense Mneg(12, 10, 1.0), Mnan(12, 10, 1.0);
  Mneg(3, 4) = -1;
  Mnan(5, 6) = std::nan("");
  const ErrorCase cases[] = {
      {"unknown loss", [](nmf_options &o) { o.loss = 7; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"loss", "7"}},
      {"unknown solver", [](nmf_options &o) { o.solver = 9; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"solver", "9"}},
      {"beta nan", [](nmf_options &o) { o.loss = NMF_LOSS_BETA; o.beta = std::nan(""); }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"beta", "finite"}},
      {"beta inf", [](nmf_options &o) { o.loss = NMF_LOSS_BETA; o.beta = INFINITY; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"beta", "finite"}},
      {"mu_eps negative", [](nmf_options &o) { o.mu_eps = -1e-9; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"mu_eps"}},
      {"mu_eps nan", [](nmf_options &o) { o.mu_eps = std::nan(""); }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"mu_eps"}},
      {"unknown missing", [](nmf_options &o) { o.missing = 5; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"missing", "5"}},
      {"nan with csc", [](nmf_options &o) { o.loss = NMF_LOSS_KL; o.missing = NMF_MISSING_NAN; }, Input::csc, NMF_ERR_INVALID_ARGUMENT, {"nmf_missing_nan", "dense"}},
      {"unstored with dense", [](nmf_options &o) { o.loss = NMF_LOSS_KL; o.missing = NMF_MISSING_UNSTORED; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"nmf_missing_unstored", "csc"}},
      {"hals with kl", [](nmf_options &o) { o.loss = NMF_LOSS_KL; o.solver = NMF_SOLVER_HALS; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"hals", "kl"}},
      {"hals with beta", [](nmf_options &o) { o.loss = NMF_LOSS_BETA; o.beta = 1.5; o.solver = NMF_SOLVER_HALS; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"hals", "beta", "1.5"}},
      {"anls with kl", [](nmf_options &o) { o.loss = NMF_LOSS_KL; o.solver = NMF_SOLVER_ANLS; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"anls", "kl", "cd"}},
      {"anls with beta", [](nmf_options &o) { o.loss = NMF_LOSS_BETA; o.beta = 0.5; o.solver = NMF_SOLVER_ANLS; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"anls", "beta", "0.5"}},
      {"mu with extrapolation", [](nmf_options &o) { o.solver = NMF_SOLVER_MU; o.extrapolation = NMF_EXTRAPOLATION_ON; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"extrapolation", "mu", "hals", "anls"}},
      {"auto kl with sparse_h", [](nmf_options &o) { o.loss = NMF_LOSS_KL; o.sparse_h = 0.1; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"sparse_h", "mu", "auto"}},
      {"cd with ns_theta", [](nmf_options &o) { o.loss = NMF_LOSS_KL; o.solver = NMF_SOLVER_CD; o.ns_theta = 0.5; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"ns_theta", "cd"}},
      {"mu with sparse_w", [](nmf_options &o) { o.loss = NMF_LOSS_BETA; o.beta = 1.5; o.sparse_w = 0.1; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"sparse_w", "mu"}},
      {"cd with frobenius", [](nmf_options &o) { o.solver = NMF_SOLVER_CD; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"cd", "frobenius"}},
      {"cd with beta 1.5", [](nmf_options &o) { o.solver = NMF_SOLVER_CD; o.loss = NMF_LOSS_BETA; o.beta = 1.5; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"cd", "beta", "1.5"}},
      {"itakura-saito with zeros", [](nmf_options &o) { o.loss = NMF_LOSS_BETA; o.beta = 0; }, Input::dense, NMF_ERR_INVALID_ARGUMENT, {"beta", "positive", "row", "column"}},
      {"itakura-saito csc", [](nmf_options &o) { o.loss = NMF_LOSS_BETA; o.beta = -1; }, Input::csc, NMF_ERR_INVALID_ARGUMENT, {"beta", "positive", "unstored"}, false},
  };
  for (const ErrorCase &c : cases) {
    SCOPED_TRACE(c.name);
    nmf_options o = test_options();
    o.maxit = 3;
    c.set(o);
    Fit<double> f = run<double>(c.zeros_in_a ? A : P, A, 3, o, Call{c.input});
    EXPECT_EQ(f.status, c.code) << f.msg;
    for (const std::string &w : c.words)
      EXPECT_NE(lower(f.msg).find(w), std::string::npos) << "message lacks '" << w << "': " << f.msg;
  }
  // Weights.
  struct W {
    const char *name;
    const Dense *M;
    Input input;
    int64_t ld;
    int32_t code;
    std::vector<std::string> words;
  };
  for (const W &c : {W{"negative weight", &Mneg, Input::dense, 12, NMF_ERR_INVALID_ARGUMENT, {"weights", "negative", "row 4", "column 5"}},
                     W{"nan weight", &Mnan, Input::dense, 12, NMF_ERR_INVALID_ARGUMENT, {"weights", "nan", "row 6", "column 7"}},
                     W{"weights_ld < m", &Mneg, Input::dense, 11, NMF_ERR_DIMENSION, {"weights_ld", "11", "12"}},
                     W{"negative csc weight", &Mneg, Input::csc, 0, NMF_ERR_INVALID_ARGUMENT, {"weights", "negative", "position"}}}) {
    SCOPED_TRACE(c.name);
    nmf_options o = test_options();
    o.loss = NMF_LOSS_KL;
    o.maxit = 3;
    Fit<double> f;
    if (c.input == Input::dense) {
      o.weights = c.M->a.data();
      o.weights_ld = c.ld;
      f = fit_dense<double>(A, 3, o);
    } else {
      Dense Afull = A;
      for (auto &v : Afull.a) v += 1;  // every entry stored
      f = run<double>(Afull, *c.M, 3, o, Call{Input::csc, true});
    }
    EXPECT_EQ(f.status, c.code) << f.msg;
    for (const std::string &w : c.words)
      EXPECT_NE(lower(f.msg).find(w), std::string::npos) << "message lacks '" << w << "': " << f.msg;
  }
  // Everything missing.
  {
    nmf_options o = test_options();
    o.loss = NMF_LOSS_KL;
    Dense Z(12, 10, 0.0);
    Fit<double> f = run<double>(A, Z, 3, o, Call{Input::dense, true});
    EXPECT_EQ(f.status, NMF_ERR_INVALID_ARGUMENT);
    EXPECT_NE(lower(f.msg).find("nothing to factor"), std::string::npos) << f.msg;
  }
  // The constants are visible to FFI callers.
  EXPECT_EQ(nmf_constant("NMF_LOSS_KL"), NMF_LOSS_KL);
  EXPECT_EQ(nmf_constant("NMF_LOSS_BETA"), NMF_LOSS_BETA);
  EXPECT_EQ(nmf_constant("NMF_SOLVER_MU"), NMF_SOLVER_MU);
  EXPECT_EQ(nmf_constant("NMF_SOLVER_CD"), NMF_SOLVER_CD);
  EXPECT_EQ(nmf_constant("NMF_MISSING_NONE"), NMF_MISSING_NONE);
  EXPECT_EQ(nmf_constant("NMF_MISSING_NAN"), NMF_MISSING_NAN);
  EXPECT_EQ(nmf_constant("NMF_MISSING_UNSTORED"), NMF_MISSING_UNSTORED);
  nmf_options d;
  nmf_options_init(&d, sizeof d);
  EXPECT_EQ(d.beta, 1.0);
  EXPECT_EQ(d.mu_eps, 2.220446049250313e-16);
  EXPECT_EQ(d.missing, NMF_MISSING_NONE);
  EXPECT_EQ(d.weights, nullptr);
}

}  // namespace
