// Initialisation (maxit = 0 returns the canonicalised start): NNDSVD and its
// variants against a reference built here from LAPACK's SVD, the random
// init's seeding, user-supplied W/H, and fixed factors (exact NNLS).
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace nt;

namespace {

// ------------------------------------------------------------- NNDSVD reference

// NNDSVD (Boutsidis & Gallopoulos 2008), un-canonicalised, from the thin SVD
// computed by dgesdd:
//   component 1: W = sqrt(s1) |u1|, H = sqrt(s1) |v1|;
//   component j >= 2: split u_j, v_j into positive and negative parts, pick
//   the pair (p, q) with the larger ||p|| ||q||, sigma = ||p|| ||q||,
//   W = sqrt(s_j sigma) p / ||p||, H = sqrt(s_j sigma) q / ||q||.
// Flipping (u_j, v_j) -> (-u_j, -v_j) swaps the two parts and picks the same
// pair, so the SVD's sign ambiguity does not matter (unless the two products
// tie exactly, which random data does not do).
// fill_mean: NNDSVDA, zeros replaced by mean(A).
struct Pair {
  std::vector<double> W, H;
};
Pair nndsvd_reference(const Dense &A, int64_t k, bool fill_mean) {
  const int64_t m = A.m, n = A.n;
  Svd s = svd(A);
  Pair p;
  p.W.assign(static_cast<size_t>(m * k), 0.0);
  p.H.assign(static_cast<size_t>(k * n), 0.0);
  for (int64_t j = 0; j < k; ++j) {
    const double *u = &s.U[static_cast<size_t>(j * m)];
    const double *v = &s.V[static_cast<size_t>(j * n)];
    if (j == 0) {
      double r = std::sqrt(s.s[0]);
      for (int64_t i = 0; i < m; ++i) p.W[i] = r * std::fabs(u[i]);
      for (int64_t i = 0; i < n; ++i) p.H[i * k] = r * std::fabs(v[i]);
      continue;
    }
    double nup = 0, nun = 0, nvp = 0, nvn = 0;
    for (int64_t i = 0; i < m; ++i) (u[i] > 0 ? nup : nun) += u[i] * u[i];
    for (int64_t i = 0; i < n; ++i) (v[i] > 0 ? nvp : nvn) += v[i] * v[i];
    nup = std::sqrt(nup), nun = std::sqrt(nun), nvp = std::sqrt(nvp), nvn = std::sqrt(nvn);
    const double mp = nup * nvp, mn = nun * nvn;
    const bool pos = mp > mn;
    const double sigma = pos ? mp : mn, nu = pos ? nup : nun, nv = pos ? nvp : nvn;
    const double r = std::sqrt(s.s[j] * sigma);
    for (int64_t i = 0; i < m; ++i) {
      double x = pos ? std::max(u[i], 0.0) : std::max(-u[i], 0.0);
      p.W[i + j * m] = r * x / nu;
    }
    for (int64_t i = 0; i < n; ++i) {
      double x = pos ? std::max(v[i], 0.0) : std::max(-v[i], 0.0);
      p.H[j + i * k] = r * x / nv;
    }
  }
  if (fill_mean) {
    double mean = std::accumulate(A.a.begin(), A.a.end(), 0.0) / static_cast<double>(m * n);
    for (auto &x : p.W)
      if (x == 0) x = mean;
    for (auto &x : p.H)
      if (x == 0) x = mean;
  }
  return p;
}

nmf_options init_only(int32_t init) {
  nmf_options o = test_options();
  o.init = init;
  o.maxit = 0;
  o.n_threads = 1;
  return o;
}

// maxit = 0 reports no iteration and describes the returned start.
template <class T>
void expect_init_result(const Dense &A, const Fit<T> &f, double tol) {
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_NONE);
  EXPECT_EQ(f.res.iterations, 0);
  EXPECT_EQ(f.res.history_length, 0);
  EXPECT_LE(rel_diff(f.res.rel_error, ref_rel_error(A, f)), tol);
  EXPECT_LE(rel_diff(f.res.loss, ref_loss(A, f)), tol);
}

// f's canonical factors against the reference NNDSVD of A (nndsvda's mean
// fill when fill_mean), to a relative tol; returns the reference.
template <class T>
Canonical expect_reference_nndsvd(const Dense &A, int64_t k, bool fill_mean, const Fit<T> &f,
                                  double tol) {
  Pair r = nndsvd_reference(A, k, fill_mean);
  Canonical c = canonicalize(r.W, r.H, A.m, A.n, k);
  EXPECT_LE(max_rel_diff(f.d, c.d), tol);
  EXPECT_LE(max_rel_diff(f.W, c.W), tol);
  EXPECT_LE(max_rel_diff(f.H, c.H), tol);
  return c;
}

TEST(Nndsvd, MatchesReference) {
  const int64_t m = 30, n = 20, k = 4;
  Dense A = uniform(m, n, 201);
  auto f = fit_dense<double>(A, k, init_only(NMF_INIT_NNDSVD), FitIn<double>{{}, {}, 10});
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.init, NMF_INIT_NNDSVD);
  expect_canonical(f);
  expect_init_result(A, f, 1e-8);
  const Canonical c = expect_reference_nndsvd(A, k, false, f, 1e-8);
  // The same zero pattern: NNDSVD's zeros are exact zeros.
  int mismatched = 0, zeros = 0;
  for (size_t i = 0; i < c.W.size(); ++i) mismatched += (c.W[i] == 0) != (f.W[i] == 0), zeros += c.W[i] == 0;
  for (size_t i = 0; i < c.H.size(); ++i) mismatched += (c.H[i] == 0) != (f.H[i] == 0), zeros += c.H[i] == 0;
  EXPECT_EQ(mismatched, 0);
  EXPECT_GT(zeros, 20);  // the reference does have structure to compare
}

TEST(Nndsvd, FloatMatchesReference) {
  const int64_t m = 30, n = 20, k = 4;
  Dense A = uniform(m, n, 201);
  auto f = fit_dense<float>(A, k, init_only(NMF_INIT_NNDSVD));
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  expect_reference_nndsvd(A, k, false, f, 1e-4);
}

// Data with max(A) close to 3, not 1: the fill value is mean(A) in the caller's units.
TEST(Nndsvd, NndsvdaFillsZerosWithMean) {
  const int64_t m = 30, n = 20, k = 4;
  Dense A = uniform(m, n, 211);
  for (auto &x : A.a) x *= 3;
  auto f = fit_dense<double>(A, k, init_only(NMF_INIT_NNDSVDA));
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.init, NMF_INIT_NNDSVDA);
  expect_canonical(f);
  expect_init_result(A, f, 1e-8);
  expect_reference_nndsvd(A, k, true, f, 1e-8);
  for (double x : f.W) EXPECT_GT(x, 0);
  for (double x : f.H) EXPECT_GT(x, 0);
}

// NNDSVDAR: the non-zeros of NNDSVD are kept (up to the canonical column /
// row scaling, so the ratio output / NNDSVD is constant on the support of each
// component) and the zeros become positive.
TEST(Nndsvd, NndsvdarKeepsSupportAndFillsZerosPositive) {
  const int64_t m = 30, n = 20, k = 4;
  Dense A = uniform(m, n, 221);
  auto f = fit_dense<double>(A, k, init_only(NMF_INIT_NNDSVDAR));
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.init, NMF_INIT_NNDSVDAR);
  expect_canonical(f);
  expect_init_result(A, f, 1e-8);
  Pair r = nndsvd_reference(A, k, false);
  auto spread = [](const std::vector<double> &out, const std::vector<double> &ref) {
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < ref.size(); ++i)
      if (ref[i] != 0) {
        double q = out[i] / ref[i];
        lo = std::min(lo, q), hi = std::max(hi, q);
      }
    return hi > 0 ? (hi - lo) / hi : INFINITY;
  };
  std::vector<int> used(k, 0);
  for (int64_t p = 0; p < k; ++p) {
    double best = INFINITY;
    int64_t bc = -1;
    for (int64_t c = 0; c < k; ++c) {
      double s = std::max(spread(column(f.W, m, c), column(r.W, m, p)),
                          spread(row(f.H, k, n, c), row(r.H, k, n, p)));
      if (s < best) best = s, bc = c;
    }
    EXPECT_LE(best, 1e-8) << "NNDSVD component " << p << " not found in the NNDSVDAR output";
    if (bc >= 0) used[bc]++;
  }
  for (int64_t c = 0; c < k; ++c) EXPECT_EQ(used[c], 1);
  int nonpositive = 0;
  for (double x : f.W) nonpositive += !(x > 0);
  for (double x : f.H) nonpositive += !(x > 0);
  EXPECT_EQ(nonpositive, 0) << "zeros of NNDSVD must be filled with positive values";
}

// ------------------------------------------------------------- random init

class RandomInit : public ::testing::TestWithParam<Path> {};
INSTANTIATE_TEST_SUITE_P(Paths, RandomInit,
                         ::testing::Values(Path::dense, Path::csc32, Path::csc64),
                         [](const auto &info) { return std::string(path_name(info.param)); });

TEST_P(RandomInit, SeedDeterminesStart) {
  Dense A = sparse_random(40, 30, 0.5, 231);
  nmf_options o = init_only(NMF_INIT_RANDOM);
  o.seed = 7;
  auto a = fit_any<double>(GetParam(), A, 3, o);
  auto b = fit_any<double>(GetParam(), A, 3, o);
  o.seed = 8;
  auto c = fit_any<double>(GetParam(), A, 3, o);
  ASSERT_EQ(a.status, NMF_OK) << a.msg;
  ASSERT_EQ(b.status, NMF_OK) << b.msg;
  ASSERT_EQ(c.status, NMF_OK) << c.msg;
  EXPECT_EQ(a.res.init, NMF_INIT_RANDOM);
  expect_canonical(a);
  expect_init_result(A, a, 1e-8);
  EXPECT_TRUE(bitwise_equal(a.W, b.W) && bitwise_equal(a.H, b.H) && bitwise_equal(a.d, b.d));
  EXPECT_GT(max_rel_diff(a.W, c.W), 1e-3) << "seed ignored";
  EXPECT_GT(max_rel_diff(a.H, c.H), 1e-3) << "seed ignored";
  // Uniform values: not a constant start.
  EXPECT_GT(max_rel_diff(column(a.W, 40, 0), std::vector<double>(40, 1.0 / 40)), 0.1);
}

// The seed matters after iterating too (a different local trajectory).
TEST(RandomInit, SeedChangesFit) {
  Dense A = uniform(40, 30, 241);
  nmf_options o = test_options();
  o.maxit = 20;
  o.seed = 1;
  auto a = fit_dense<double>(A, 3, o);
  o.seed = 2;
  auto b = fit_dense<double>(A, 3, o);
  ASSERT_EQ(a.status, NMF_OK);
  ASSERT_EQ(b.status, NMF_OK);
  EXPECT_NE(a.res.loss, b.res.loss);
}

// ------------------------------------------------------- user-supplied W, H

template <class T>
std::vector<T> positive_random(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.1, 1.0);
  std::vector<T> x(count);
  for (auto &v : x) v = static_cast<T>(u(rng));
  return x;
}

// Both supplied, maxit = 0: the output is the canonicalised input.
TEST(UserFactors, BothSuppliedMaxit0IsCanonicalInput) {
  const int64_t m = 60, n = 40, k = 4;
  Dense A = uniform(m, n, 251);
  nmf_options o = init_only(NMF_INIT_NNDSVD);  // must be ignored
  o.user_w = 1;
  o.user_h = 1;
  FitIn<double> in;
  in.W0 = positive_random<double>(m * k, 1);
  in.H0 = positive_random<double>(k * n, 2);
  auto f = fit_dense<double>(A, k, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.init, -1);
  expect_canonical(f);
  expect_init_result(A, f, 1e-8);
  Canonical c = canonicalize(in.W0, in.H0, m, n, k);
  EXPECT_LE(max_rel_diff(f.d, c.d), 1e-14);
  EXPECT_LE(max_rel_diff(f.W, c.W), 1e-14);
  EXPECT_LE(max_rel_diff(f.H, c.H), 1e-14);
}

// Only W supplied, maxit = 0: W's columns come back normalised (in the order
// of the d computed with the derived H); H is non-negative.
TEST(UserFactors, OnlyWSuppliedKeepsWColumns) {
  const int64_t m = 60, n = 40, k = 4;
  Planted p = planted(m, n, k, 261, 0.3, 0.1, false);
  nmf_options o = init_only(NMF_INIT_RANDOM);
  o.user_w = 1;
  FitIn<double> in;
  in.W0 = p.W.a;
  for (auto &x : in.W0) x += 0.01;
  auto f = fit_dense<double>(p.A, k, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  expect_init_result(p.A, f, 1e-8);
  std::vector<int> used(k, 0);
  for (int64_t c = 0; c < k; ++c) {
    auto w = column(f.W, m, c);
    double best = INFINITY;
    int64_t bj = -1;
    for (int64_t j = 0; j < k; ++j) {
      auto w0 = column(in.W0, m, j);
      double s = std::accumulate(w0.begin(), w0.end(), 0.0);
      for (auto &x : w0) x /= s;
      double dlt = max_rel_diff(w, w0);
      if (dlt < best) best = dlt, bj = j;
    }
    EXPECT_LE(best, 1e-14) << "output W column " << c << " is not a normalised input column";
    if (bj >= 0) used[bj]++;
  }
  for (int64_t j = 0; j < k; ++j) EXPECT_EQ(used[j], 1);
}

// Restarting from a returned iterate continues the same trajectory: 10
// iterations, then 10 more from (W diag(d), H), agree with 20 iterations.
// Plain HALS (hals_alpha = 0) is equivariant under rescaling of the
// components, so the canonical rescaling in between only adds rounding.
// (Accelerated HALS is not: its inner-sweep stopping rule compares
// ||change||_F across sweeps, which a per-column rescaling changes.)  The
// first restarted iteration does not increase the objective of the start.
TEST(UserFactors, RestartContinuesTrajectory) {
  const int64_t m = 60, n = 40, k = 4;
  Planted p = planted(m, n, k, 271, 0.3, 0.2, false);
  nmf_options o = test_options();
  o.tol = 0;
  o.n_threads = 1;
  o.hals_alpha = 0;
  // Extrapolation's state (beta, the previous iterate) is not part of the
  // output, so only a run without it continues exactly (nmf.h).
  o.extrapolation = NMF_EXTRAPOLATION_OFF;
  o.maxit = 20;
  auto full = fit_dense<double>(p.A, k, o);
  o.maxit = 10;
  auto half = fit_dense<double>(p.A, k, o);
  ASSERT_EQ(full.status, NMF_OK) << full.msg;
  ASSERT_EQ(half.status, NMF_OK) << half.msg;
  FitIn<double> in;
  in.W0 = scaled_w(half);
  in.H0 = half.H;
  in.hist_capacity = 10;
  o.user_w = 1;
  o.user_h = 1;
  auto rest = fit_dense<double>(p.A, k, o, in);
  ASSERT_EQ(rest.status, NMF_OK) << rest.msg;
  EXPECT_EQ(rest.res.init, -1);
  ASSERT_EQ(rest.hist.size(), 10u);
  EXPECT_LE(rest.hist[0], half.res.loss * (1 + 1e-12));
  EXPECT_LE(rel_diff(rest.res.loss, full.res.loss), 1e-8);
  EXPECT_LE(max_rel_diff(rest.W, full.W), 1e-6);
  EXPECT_LE(max_rel_diff(rest.H, full.H), 1e-6);
}

// ------------------------------------------------------------- fixed factors

class Fixed : public ::testing::TestWithParam<Path> {};
INSTANTIATE_TEST_SUITE_P(Paths, Fixed, ::testing::Values(Path::dense, Path::csc32, Path::csc64),
                         [](const auto &info) { return std::string(path_name(info.param)); });

// fix_w: W comes back unchanged, d = 1, H is the exact NNLS solution of
// min_{H >= 0} 1/2||A - W H||^2 (+ penalties on H): its KKT conditions hold
// to rounding.
TEST_P(Fixed, FixWGivesExactNnlsH) {
  const int64_t m = 60, n = 40, k = 4;
  Planted p = planted(m, n, k, 281, 0.3, 0.3, false);
  for (double l1h : {0.0, 0.5}) {
    SCOPED_TRACE("l1_h = " + std::to_string(l1h));
    nmf_options o = test_options();
    o.fix_w = 1;
    o.l1_h = l1h;
    o.l2_h = l1h > 0 ? 0.3 : 0.0;
    FitIn<double> in;
    in.W0 = positive_random<double>(m * k, 3);  // not the planted W: an active set
    auto f = fit_any<double>(GetParam(), p.A, k, o, in);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    EXPECT_EQ(f.res.stop_reason, NMF_STOP_EXACT);
    EXPECT_TRUE(bitwise_equal(f.W, in.W0)) << "the fixed W was modified";
    for (double x : f.d) EXPECT_EQ(x, 1.0);
    EXPECT_TRUE(all_finite_nonneg(f.H));
    Kkt r = kkt(p.A, f.W, f.H, k, 0, o.l1_h, 0, o.l2_h, false, true);
    EXPECT_LE(r.sign_h, 1e-9);
    EXPECT_LE(r.comp_h, 1e-9);
    EXPECT_GT(std::count(f.H.begin(), f.H.end(), 0.0), 0) << "no active constraint: weak test";
    if (l1h == 0) {
      EXPECT_LE(rel_diff(f.res.loss, ref_loss(p.A, f)), 1e-8);
    }
  }
}

// fix_h: the mirror image.
TEST_P(Fixed, FixHGivesExactNnlsW) {
  const int64_t m = 60, n = 40, k = 4;
  Planted p = planted(m, n, k, 291, 0.3, 0.3, false);
  nmf_options o = test_options();
  o.fix_h = 1;
  FitIn<double> in;
  in.H0 = positive_random<double>(k * n, 4);
  auto f = fit_any<double>(GetParam(), p.A, k, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_EXACT);
  EXPECT_TRUE(bitwise_equal(f.H, in.H0)) << "the fixed H was modified";
  for (double x : f.d) EXPECT_EQ(x, 1.0);
  EXPECT_TRUE(all_finite_nonneg(f.W));
  Kkt r = kkt(p.A, f.W, f.H, k, 0, 0, 0, 0, true, false);
  EXPECT_LE(r.sign_w, 1e-9);
  EXPECT_LE(r.comp_w, 1e-9);
  EXPECT_LE(rel_diff(f.res.loss, ref_loss(p.A, f)), 1e-8);
}

// Projecting the training data onto the fitted metagenes W diag(d) gives an
// H at least as good as the fitted one (it is the NNLS optimum), and, since
// the fit converged, essentially the fitted H.
TEST_P(Fixed, ProjectionOntoFittedWReproducesH) {
  const int64_t m = 60, n = 40, k = 4;
  Planted p = planted(m, n, k, 301, 0.3, 0.2, true);
  nmf_options o = fixed_iterations(2000);
  o.init = NMF_INIT_NNDSVD;
  auto fit = fit_any<double>(GetParam(), p.A, k, o);
  ASSERT_EQ(fit.status, NMF_OK) << fit.msg;
  nmf_options po = test_options();
  po.fix_w = 1;
  FitIn<double> in;
  in.W0 = scaled_w(fit);
  auto proj = fit_any<double>(GetParam(), p.A, k, po, in);
  ASSERT_EQ(proj.status, NMF_OK) << proj.msg;
  EXPECT_LE(ref_loss(p.A, proj), ref_loss(p.A, fit) * (1 + 1e-9));
  EXPECT_LE(max_rel_diff(proj.H, fit.H), 1e-5);
}

TEST(Fixed, FloatFixW) {
  const int64_t m = 60, n = 40, k = 4;
  Planted p = planted(m, n, k, 311, 0.3, 0.3, false);
  nmf_options o = test_options();
  o.fix_w = 1;
  FitIn<float> in;
  in.W0 = positive_random<float>(m * k, 5);
  auto f = fit_dense<float>(p.A, k, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_TRUE(bitwise_equal(f.W, in.W0));
  for (float x : f.d) EXPECT_EQ(x, 1.0f);
  Kkt r = kkt(p.A, to_double(f.W), to_double(f.H), k, 0, 0, 0, 0, false, true);
  EXPECT_LE(r.sign_h, 1e-4);
  EXPECT_LE(r.comp_h, 1e-4);
}

}  // namespace
