// The Frobenius solvers beyond accelerated HALS: ANLS with block principal
// pivoting, extrapolation, sparse NMF (snmf/r, snmf/l), nsNMF, and missing
// values / entry weights.  Every expectation is checked against a reference
// computed here in double: a brute-force NNLS over all supports, KKT
// residuals, duplicated columns, reconstructions over the observed entries.
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace nt;

namespace {

nmf_options solver_options(int32_t solver, int32_t extrapolation) {
  nmf_options o = test_options();
  o.solver = solver;
  o.extrapolation = extrapolation;
  return o;
}

struct Config {
  int32_t solver, extrapolation;
  const char* name;
};
const Config kConfigs[] = {
    {NMF_SOLVER_HALS, NMF_EXTRAPOLATION_OFF, "hals"},
    {NMF_SOLVER_HALS, NMF_EXTRAPOLATION_ON, "hals+extrapolation"},
    {NMF_SOLVER_ANLS, NMF_EXTRAPOLATION_OFF, "anls"},
    {NMF_SOLVER_ANLS, NMF_EXTRAPOLATION_ON, "anls+extrapolation"},
};

// Brute-force NNLS of one column: min_{x >= 0} 1/2 x^T (G + l2 I) x -
// (b - l1)^T x over every support (k <= 8): the unconstrained solution on
// the support by Gaussian elimination, kept when positive, best objective.
std::vector<double> nnls_brute(const std::vector<double>& G,
                               const std::vector<double>& b, int64_t k,
                               double l1 = 0, double l2 = 0) {
  std::vector<double> best(static_cast<size_t>(k), 0.0);
  double best_f = 0;  // x = 0
  for (uint32_t mask = 1; mask < (1u << k); ++mask) {
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < k; ++i)
      if (mask & (1u << i)) idx.push_back(i);
    const size_t p = idx.size();
    std::vector<double> M(p * (p + 1));
    for (size_t r = 0; r < p; ++r) {
      for (size_t c = 0; c < p; ++c) M[r * (p + 1) + c] = G[idx[r] + idx[c] * k];
      M[r * (p + 1) + r] += l2;
      M[r * (p + 1) + p] = b[idx[r]] - l1;
    }
    bool ok = true;
    for (size_t c = 0; c < p && ok; ++c) {
      size_t piv = c;
      for (size_t r = c + 1; r < p; ++r)
        if (std::fabs(M[r * (p + 1) + c]) > std::fabs(M[piv * (p + 1) + c])) piv = r;
      if (std::fabs(M[piv * (p + 1) + c]) < 1e-14) ok = false;
      if (!ok) break;
      for (size_t t = 0; t <= p; ++t) std::swap(M[c * (p + 1) + t], M[piv * (p + 1) + t]);
      for (size_t r = 0; r < p; ++r) {
        if (r == c) continue;
        const double f = M[r * (p + 1) + c] / M[c * (p + 1) + c];
        for (size_t t = c; t <= p; ++t) M[r * (p + 1) + t] -= f * M[c * (p + 1) + t];
      }
    }
    if (!ok) continue;
    std::vector<double> x(static_cast<size_t>(k), 0.0);
    for (size_t r = 0; r < p; ++r) {
      x[idx[r]] = M[r * (p + 1) + p] / M[r * (p + 1) + r];
      if (x[idx[r]] < 0) ok = false;
    }
    if (!ok) continue;
    double f = 0;
    for (int64_t i = 0; i < k; ++i) {
      double gx = l2 * x[i];
      for (int64_t j = 0; j < k; ++j) gx += G[i + j * k] * x[j];
      f += 0.5 * x[i] * gx - (b[i] - l1) * x[i];
    }
    if (f < best_f) {
      best_f = f;
      best = x;
    }
  }
  return best;
}

// Columns of H solving min ||diag(sqrt w_j) (a_j - W h_j)||^2 (+ penalties)
// by brute force; w empty = all ones.  W is m x k column-major.
std::vector<double> nnls_columns_brute(const Dense& A, const std::vector<double>& W,
                                       int64_t k, const std::vector<double>& w,
                                       double l1 = 0, double l2 = 0,
                                       double beta = 0) {
  const int64_t m = A.m, n = A.n;
  std::vector<double> H(static_cast<size_t>(k * n));
  for (int64_t j = 0; j < n; ++j) {
    std::vector<double> G(static_cast<size_t>(k * k), beta), b(static_cast<size_t>(k), 0.0);
    for (int64_t i = 0; i < m; ++i) {
      const double wij = w.empty() ? 1.0 : w[i + j * m];
      for (int64_t p = 0; p < k; ++p) {
        b[p] += wij * W[i + p * m] * A(i, j);
        for (int64_t q = 0; q < k; ++q) G[p + q * k] += wij * W[i + p * m] * W[i + q * m];
      }
    }
    auto x = nnls_brute(G, b, k, l1, l2);
    for (int64_t p = 0; p < k; ++p) H[p + j * k] = x[p];
  }
  return H;
}

// Random non-negative W (m x k) with some zeros.
std::vector<double> random_factor(int64_t rows, int64_t cols, uint64_t seed) {
  Dense X = uniform(rows, cols, seed);
  for (auto& v : X.a) v = v < 0.2 ? 0.0 : v;
  return X.a;
}

}  // namespace

// ------------------------------------------------------------ ANLS / BPP

// With W fixed, ANLS returns the exact NNLS solution of every column; block
// principal pivoting must equal the brute-force reference, with and without
// penalties, from a cold start and warm-started from a given H.
TEST(Bpp, FixedWEqualsBruteForceNnls) {
  const int64_t m = 30, n = 60, k = 6;
  Dense A = uniform(m, n, 701);
  // Mixed signs of the unconstrained solution: many different passive sets.
  const std::vector<double> W = random_factor(m, k, 702);
  for (auto pen : {std::pair<double, double>{0, 0}, {0.3, 0.5}}) {
    for (bool warm : {false, true}) {
      SCOPED_TRACE("l1 " + std::to_string(pen.first) + " warm " + std::to_string(warm));
      nmf_options o = solver_options(NMF_SOLVER_ANLS, NMF_EXTRAPOLATION_OFF);
      o.fix_w = 1;
      o.l1_h = pen.first;
      o.l2_h = pen.second;
      FitIn<double> in;
      in.W0 = W;
      if (warm) {
        in.H0 = random_factor(k, n, 703);
        o.user_h = 1;
      }
      auto f = fit_dense<double>(A, k, o, in);
      ASSERT_EQ(f.status, NMF_OK) << f.msg;
      EXPECT_EQ(f.res.stop_reason, NMF_STOP_EXACT);
      const auto ref = nnls_columns_brute(A, W, k, {}, pen.first, pen.second);
      EXPECT_LE(max_rel_diff(f.H, ref), 1e-10);
      int zeros = 0;
      for (double v : ref) zeros += v == 0;
      EXPECT_GT(zeros, n / 2) << "the test should exercise active constraints";
    }
  }
}

// The same for the weighted loss (one Gram matrix per column), sparse
// input path included.
TEST(Bpp, WeightedFixedWEqualsBruteForceNnls) {
  const int64_t m = 25, n = 40, k = 5;
  Dense A = uniform(m, n, 711);
  std::vector<double> w = uniform(m, n, 712).a;
  for (auto& v : w) v = v < 0.3 ? 0.0 : 2 * v;
  const std::vector<double> W = random_factor(m, k, 713);
  for (int32_t solver : {NMF_SOLVER_ANLS, NMF_SOLVER_HALS}) {
    nmf_options o = solver_options(solver, NMF_EXTRAPOLATION_OFF);
    o.fix_w = 1;
    o.weights = w.data();
    o.weights_ld = m;
    FitIn<double> in;
    in.W0 = W;
    auto f = fit_dense<double>(A, k, o, in);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    // A fixed factor is an exact solve whatever the solver.
    EXPECT_LE(max_rel_diff(f.H, nnls_columns_brute(A, W, k, w)), 1e-10) << solver;
  }
}

// --------------------------------------------------------------- solvers

// Every solver: non-negative canonical output, a loss history that never
// increases (with extrapolation: the accepted iterate's), the reported loss
// matching the output, and the KKT conditions at convergence.
TEST(Solvers, MonotoneNonNegativeAndKktAtConvergence) {
  Planted p = planted(50, 40, 4, 731, 0.3, 0.2, false);
  const double na2 = frob(p.A.a) * frob(p.A.a);
  for (const Config& c : kConfigs) {
    for (Path path : {Path::dense, Path::csc64}) {
      SCOPED_TRACE(std::string(c.name) + " " + path_name(path));
      nmf_options o = solver_options(c.solver, c.extrapolation);
      o.maxit = 3000;
      o.tol = 1e-13;
      FitIn<double> in;
      in.hist_capacity = 3000;
      auto f = fit_any<double>(path, p.A, 4, o, in);
      ASSERT_EQ(f.status, NMF_OK) << f.msg;
      expect_canonical(f);
      EXPECT_EQ(f.res.solver, c.solver);
      EXPECT_EQ(f.res.extrapolation, c.extrapolation);
      for (size_t i = 1; i < f.hist.size(); ++i)
        ASSERT_LE(f.hist[i], f.hist[i - 1] * (1 + 1e-12) + 16 * 2.2e-16 * na2)
            << "loss increased at iteration " << i + 1;
      EXPECT_NEAR(f.res.loss, ref_loss(p.A, f), loss_abs_tol<double>(p.A, f.res.loss));
      const Kkt r = kkt(p.A, scaled_w(f), f.H, 4);
      EXPECT_LT(r.worst(), 1e-6) << r.sign_w << " " << r.comp_w << " " << r.sign_h << " "
                                 << r.comp_h;
    }
  }
}

// From the same start, HALS and ANLS, with and without extrapolation, reach
// the same optimum (a planted separable factorization with little noise:
// a unique, well-conditioned minimum).
TEST(Solvers, SameOptimumFromSameStart) {
  const int64_t k = 4;
  Planted p = planted(40, 30, k, 741, 0.4, 0.01, true);
  FitIn<double> in;
  // A start near the planted factors, so that every solver lands in the
  // same basin.
  in.W0 = p.W.a;
  in.H0 = p.H.a;
  Dense pert = uniform(40, k, 742);
  for (size_t t = 0; t < in.W0.size(); ++t) in.W0[t] *= 0.7 + 0.6 * pert.a[t];
  std::vector<double> losses;
  for (const Config& c : kConfigs) {
    nmf_options o = solver_options(c.solver, c.extrapolation);
    o.user_w = o.user_h = 1;
    o.maxit = 5000;
    o.tol = 1e-14;
    auto f = fit_dense<double>(p.A, k, o, in);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    losses.push_back(ref_loss(p.A, f));
  }
  for (size_t t = 1; t < losses.size(); ++t)
    EXPECT_LE(rel_diff(losses[t], losses[0]), 1e-6) << kConfigs[t].name;
}

// Extrapolation reaches a given loss in fewer iterations than the plain
// solver on a slowly converging problem (its reason to exist), and its
// reported loss is that of the returned factors.
TEST(Solvers, ExtrapolationAcceleratesAndReportsAcceptedIterate) {
  Planted p = planted(80, 60, 8, 751, 0.3, 0.3, false);
  for (int32_t solver : {NMF_SOLVER_HALS, NMF_SOLVER_ANLS}) {
    nmf_options o = solver_options(solver, NMF_EXTRAPOLATION_OFF);
    o.maxit = 60;
    o.tol = 0;
    auto plain = fit_dense<double>(p.A, 8, o);
    o.extrapolation = NMF_EXTRAPOLATION_ON;
    auto ex = fit_dense<double>(p.A, 8, o);
    ASSERT_EQ(plain.status, NMF_OK) << plain.msg;
    ASSERT_EQ(ex.status, NMF_OK) << ex.msg;
    EXPECT_LT(ex.res.loss, plain.res.loss) << solver;
    EXPECT_NEAR(ex.res.loss, ref_loss(p.A, ex), loss_abs_tol<double>(p.A, ex.res.loss));
  }
}

// Same seed, 1 vs 2 threads: identical bits for the new solvers and the
// weighted path.
TEST(Solvers, DeterministicAcrossThreadCounts) {
  // Large enough (k n >= 4096) for the pivoting rounds to run in parallel.
  Dense A = sparse_random(60, 900, 0.4, 761);
  std::vector<double> w = uniform(60, 900, 762).a;
  for (int weighted = 0; weighted < 2; ++weighted)
    for (const Config& c : {kConfigs[1], kConfigs[3]}) {
      nmf_options o = solver_options(c.solver, c.extrapolation);
      o.maxit = 6;  // extrapolation from iteration 2 on
      if (weighted) {
        o.weights = w.data();
        o.weights_ld = 60;
      }
      o.n_threads = 1;
      auto a = fit_dense<double>(A, 5, o);
      auto cs = fit_csc<double>(to_csc<int32_t>(A), 5, o);
      o.n_threads = 2;
      auto b = fit_dense<double>(A, 5, o);
      auto cs2 = fit_csc<double>(to_csc<int32_t>(A), 5, o);
      ASSERT_EQ(a.status, NMF_OK) << a.msg;
      ASSERT_EQ(b.status, NMF_OK) << b.msg;
      EXPECT_TRUE(bitwise_equal(a.W, b.W) && bitwise_equal(a.H, b.H)) << c.name << weighted;
      if (!weighted) {
        ASSERT_EQ(cs.status, NMF_OK) << cs.msg;
        EXPECT_TRUE(bitwise_equal(cs.W, cs2.W) && bitwise_equal(cs.H, cs2.H)) << c.name;
      }
    }
}

// float inputs run every solver to a non-negative canonical output whose
// loss is close to the double fit's.
TEST(Solvers, FloatMatchesDouble) {
  Planted p = planted(60, 40, 4, 771, 0.3, 0.05, false);
  for (const Config& c : kConfigs) {
    nmf_options o = solver_options(c.solver, c.extrapolation);
    o.maxit = 300;
    auto d = fit_dense<double>(p.A, 4, o);
    auto f = fit_dense<float>(p.A, 4, o);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    expect_canonical(f, c.name);
    EXPECT_LE(rel_diff(ref_loss(p.A, f), ref_loss(p.A, d)), 1e-3) << c.name;
  }
}

// The weighted loss in float (dense weights, CSC with unstored entries
// missing), with extrapolation forced on: non-negative, a non-increasing
// reported loss, and close to the double fit.
TEST(Weights, FloatAndExtrapolation) {
  Planted p = planted(50, 40, 3, 775, 0.3, 0.05, false);
  std::vector<double> w = uniform(50, 40, 776).a;
  for (auto& v : w) v = v < 0.25 ? 0.0 : 0.5 + v;
  Dense obs = p.A;
  for (size_t t = 0; t < w.size(); ++t)
    if (w[t] == 0) obs.a[t] = 0;
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    nmf_options o = solver_options(c.solver, c.extrapolation);
    o.maxit = 150;
    o.tol = 0;
    o.weights = w.data();
    o.weights_ld = 50;
    FitIn<float> inf_;
    inf_.hist_capacity = 150;
    auto d = fit_dense<double>(p.A, 3, o);
    auto f = fit_dense<float>(p.A, 3, o, inf_);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    expect_canonical(f);
    for (size_t i = 1; i < f.hist.size(); ++i)
      EXPECT_LE(f.hist[i], f.hist[i - 1] * (1 + 1e-5)) << i;
    EXPECT_LE(rel_diff(f.res.loss, d.res.loss), 1e-3);
    nmf_options oc = o;
    oc.weights = nullptr;
    oc.missing = NMF_MISSING_UNSTORED;
    auto fc = fit_csc<float>(to_csc<int32_t>(obs), 3, oc);
    ASSERT_EQ(fc.status, NMF_OK) << fc.msg;
    EXPECT_TRUE(all_finite_nonneg(fc.W) && all_finite_nonneg(fc.H));
  }
}

// -------------------------------------------------------------- sparse NMF

// snmf/r (Kim & Park 2007): sparse_h = beta, l2_w = eta.  H is sparser than
// the plain fit's at a bounded cost in residual, and the exact half-steps
// satisfy their own KKT conditions:
//   H: W^T (W H - A) + beta 1 1^T H >= 0, = 0 where H > 0;
//   W: (W H - A) H^T + eta W >= 0, = 0 where W > 0.
TEST(SparseNmf, SnmfRIsSparserAndSatisfiesItsKkt) {
  const int64_t m = 60, n = 50, k = 4;
  Planted p = planted(m, n, k, 781, 0.0, 0.3, false);  // dense planted H
  nmf_options o = solver_options(NMF_SOLVER_ANLS, NMF_EXTRAPOLATION_OFF);
  o.maxit = 500;
  o.tol = 1e-10;
  auto plain = fit_dense<double>(p.A, k, o);
  o.sparse_h = 0.05;
  o.l2_w = 1.0;
  auto sp = fit_dense<double>(p.A, k, o);
  ASSERT_EQ(plain.status, NMF_OK) << plain.msg;
  ASSERT_EQ(sp.status, NMF_OK) << sp.msg;
  expect_canonical(sp);
  auto zeros = [](const std::vector<double>& x) {
    int z = 0;
    for (double v : x) z += v == 0;
    return z;
  };
  EXPECT_GT(zeros(sp.H), zeros(plain.H) + n / 2);
  EXPECT_LT(ref_loss(p.A, sp), 2 * ref_loss(p.A, plain));

  // KKT of each half-problem: H given the fitted W (fix_w), then W given H.
  const std::vector<double> W = scaled_w(sp);
  nmf_options fo = o;
  fo.fix_w = 1;
  FitIn<double> in;
  in.W0 = W;
  auto fh = fit_dense<double>(p.A, k, fo, in);
  ASSERT_EQ(fh.status, NMF_OK) << fh.msg;
  EXPECT_LE(max_rel_diff(fh.H, nnls_columns_brute(p.A, W, k, {}, 0, 0, o.sparse_h)), 1e-9);
  // W given H: the mirror problem with Gram H H^T + eta I.
  Dense At(n, m);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) At(j, i) = p.A(i, j);
  std::vector<double> Ht(static_cast<size_t>(n * k));  // H^T, n x k
  for (int64_t j = 0; j < n; ++j)
    for (int64_t l = 0; l < k; ++l) Ht[j + l * n] = fh.H[l + j * k];
  nmf_options wo = o;
  wo.fix_h = 1;
  FitIn<double> win;
  win.H0 = fh.H;
  auto fw = fit_dense<double>(p.A, k, wo, win);
  ASSERT_EQ(fw.status, NMF_OK) << fw.msg;
  const auto Wt_ref = nnls_columns_brute(At, Ht, k, {}, 0, o.l2_w, 0);  // k x m
  std::vector<double> W_ref(static_cast<size_t>(m * k));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t l = 0; l < k; ++l) W_ref[i + l * m] = Wt_ref[l + i * k];
  EXPECT_LE(max_rel_diff(fw.W, W_ref), 1e-9);
}

// snmf/l is the mirror: W gets sparser.
TEST(SparseNmf, SnmfLMakesWSparser) {
  Planted p = planted(60, 50, 4, 791, 0.0, 0.3, false);
  nmf_options o = solver_options(NMF_SOLVER_ANLS, NMF_EXTRAPOLATION_OFF);
  o.maxit = 300;
  auto plain = fit_dense<double>(p.A, 4, o);
  o.sparse_w = 0.5;
  o.l2_h = 1.0;
  auto sp = fit_dense<double>(p.A, 4, o);
  ASSERT_EQ(sp.status, NMF_OK) << sp.msg;
  int zp = 0, zs = 0;
  for (double v : plain.W) zp += v == 0;
  for (double v : sp.W) zs += v == 0;
  EXPECT_GT(zs, zp + 15);
}

// nsNMF: theta = 0 is plain NMF bit for bit; with theta > 0 the returned
// H is S H, so the reported loss is that of W diag(d) H, and ANLS keeps it
// non-increasing.
TEST(NsNmf, ThetaZeroIsPlainAndThetaSmoothsConsistently) {
  Planted p = planted(50, 40, 4, 801, 0.3, 0.2, false);
  for (const Config& c : kConfigs) {
    nmf_options o = solver_options(c.solver, c.extrapolation);
    o.maxit = 80;
    auto plain = fit_dense<double>(p.A, 4, o);
    o.ns_theta = 0;
    auto zero = fit_dense<double>(p.A, 4, o);
    EXPECT_TRUE(bitwise_equal(plain.W, zero.W) && bitwise_equal(plain.H, zero.H)) << c.name;
  }
  nmf_options o = solver_options(NMF_SOLVER_ANLS, NMF_EXTRAPOLATION_OFF);
  o.maxit = 200;
  o.tol = 0;
  o.ns_theta = 0.5;
  FitIn<double> in;
  in.hist_capacity = 200;
  auto f = fit_dense<double>(p.A, 4, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  EXPECT_NEAR(f.res.loss, ref_loss(p.A, f), loss_abs_tol<double>(p.A, f.res.loss));
  for (size_t i = 1; i < f.hist.size(); ++i)
    EXPECT_LE(f.hist[i], f.hist[i - 1] * (1 + 1e-12)) << i;
  // Every row of the returned H = S H0 holds at least theta/k of its
  // column's mass: (S h)_l = (1 - theta) h_l + theta mean(h) >= theta/k sum(h).
  // In canonical form this shows as no exact zero where the column is non-zero.
  int zeros = 0;
  for (double v : f.H) zeros += v == 0;
  EXPECT_EQ(zeros, 0);
}

// ------------------------------------------------- missing values, weights

// Entries with weight 0 (or NaN under NMF_MISSING_NAN) are ignored: changing
// their values changes nothing, NaN and weight 0 give identical bits, and a
// CSC with NMF_MISSING_UNSTORED equals the dense fit with weight 0 off the
// stored entries.
TEST(Missing, MaskedEntriesAreIgnored) {
  const int64_t m = 40, n = 30, k = 3;
  Planted p = planted(m, n, k, 811, 0.3, 0.05, false);
  Dense mask = uniform(m, n, 812);
  std::vector<double> w(static_cast<size_t>(m * n));
  for (size_t t = 0; t < w.size(); ++t) w[t] = mask.a[t] < 0.3 ? 0.0 : 1.0;
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    nmf_options o = solver_options(c.solver, c.extrapolation);
    o.maxit = 60;
    o.weights = w.data();
    o.weights_ld = m;
    Dense A1 = p.A, A2 = p.A, A3 = p.A;
    for (size_t t = 0; t < w.size(); ++t)
      if (w[t] == 0) {
        A1.a[t] = 0;
        A2.a[t] = 1e6 * (1 + mask.a[t]);  // would dominate any fit
        A3.a[t] = std::nan("");
      }
    auto f1 = fit_dense<double>(A1, k, o);
    auto f2 = fit_dense<double>(A2, k, o);
    ASSERT_EQ(f1.status, NMF_OK) << f1.msg;
    ASSERT_EQ(f2.status, NMF_OK) << f2.msg;
    EXPECT_TRUE(bitwise_equal(f1.W, f2.W) && bitwise_equal(f1.H, f2.H));
    EXPECT_EQ(f1.res.loss, f2.res.loss);
    nmf_options on = o;
    on.weights = nullptr;
    on.missing = NMF_MISSING_NAN;
    auto f3 = fit_dense<double>(A3, k, on);
    ASSERT_EQ(f3.status, NMF_OK) << f3.msg;
    EXPECT_TRUE(bitwise_equal(f1.W, f3.W) && bitwise_equal(f1.H, f3.H));
    // Reported loss: 1/2 sum over observed entries.
    Dense R = reconstruct(f1.W, f1.d, f1.H, m, n, k);
    double ref = 0;
    for (size_t t = 0; t < w.size(); ++t) ref += 0.5 * w[t] * (p.A.a[t] - R.a[t]) * (p.A.a[t] - R.a[t]);
    EXPECT_LE(rel_diff(f1.res.loss, ref), 1e-9);
    // CSC holding exactly the observed entries, unstored = missing.
    Dense obs = p.A;
    for (size_t t = 0; t < w.size(); ++t)
      if (w[t] == 0) obs.a[t] = 0;
    auto C = to_csc<int64_t>(obs);
    nmf_options oc = o;
    oc.weights = nullptr;
    oc.missing = NMF_MISSING_UNSTORED;
    auto fc = fit_csc<double>(C, k, oc);
    ASSERT_EQ(fc.status, NMF_OK) << fc.msg;
    EXPECT_LE(max_rel_diff(fc.W, f1.W), 1e-10);
    EXPECT_LE(max_rel_diff(fc.H, f1.H), 1e-10);
  }
}

// Weight 2 on a column equals duplicating it (ls-nmf's weights are
// multiplicities), from the same start; also for CSC weights (one per
// stored entry, unstored entries weight 1).
TEST(Weights, WeightTwoEqualsDuplicatedColumn) {
  const int64_t m = 30, n = 20, k = 3, dup = 7;
  Dense A = sparse_random(m, n, 0.6, 821);
  Dense Ad(m, n + 1);
  for (int64_t j = 0; j <= n; ++j)
    for (int64_t i = 0; i < m; ++i) Ad(i, j) = A(i, j == n ? dup : j);
  std::vector<double> w(static_cast<size_t>(m * n), 1.0);
  for (int64_t i = 0; i < m; ++i) w[i + dup * m] = 2.0;
  FitIn<double> in, ind;
  in.W0 = random_factor(m, k, 822);
  in.H0 = random_factor(k, n, 823);
  ind.W0 = in.W0;
  ind.H0 = in.H0;
  for (int64_t l = 0; l < k; ++l) ind.H0.push_back(in.H0[l + dup * k]);
  for (int32_t solver : {NMF_SOLVER_ANLS, NMF_SOLVER_HALS}) {
    SCOPED_TRACE(solver);
    nmf_options o = solver_options(solver, NMF_EXTRAPOLATION_OFF);
    o.user_w = o.user_h = 1;
    o.maxit = 30;
    o.tol = 0;
    o.hals_alpha = 0;  // inner sweep budgets depend on the sizes
    auto fd = fit_dense<double>(Ad, k, o, ind);
    o.weights = w.data();
    o.weights_ld = m;
    auto fw = fit_dense<double>(A, k, o, in);
    // CSC: one weight per stored entry; unstored entries have weight 1, so
    // the duplicated column's zeros are stored explicitly to carry weight 2.
    Csc<int32_t> C2;
    std::vector<double> cw;
    C2.m = m;
    C2.n = n;
    C2.col_ptr.push_back(0);
    for (int64_t j = 0; j < n; ++j) {
      for (int64_t i = 0; i < m; ++i)
        if (A(i, j) != 0 || j == dup) {
          C2.row_ind.push_back(static_cast<int32_t>(i));
          C2.val.push_back(A(i, j));
          cw.push_back(j == dup ? 2.0 : 1.0);
        }
      C2.col_ptr.push_back(static_cast<int64_t>(C2.row_ind.size()));
    }
    nmf_options oc = o;
    oc.weights = cw.data();
    auto fc = fit_csc<double>(C2, k, oc, in);
    ASSERT_EQ(fd.status, NMF_OK) << fd.msg;
    ASSERT_EQ(fw.status, NMF_OK) << fw.msg;
    ASSERT_EQ(fc.status, NMF_OK) << fc.msg;
    Dense Rd = reconstruct(fd.W, fd.d, fd.H, m, n + 1, k);
    Rd.a.resize(static_cast<size_t>(m * n));
    Rd.n = n;
    Dense Rw = reconstruct(fw.W, fw.d, fw.H, m, n, k);
    Dense Rc = reconstruct(fc.W, fc.d, fc.H, m, n, k);
    EXPECT_LE(max_rel_diff(Rw.a, Rd.a), 1e-8);
    EXPECT_LE(max_rel_diff(Rc.a, Rd.a), 1e-8);
    EXPECT_LE(rel_diff(fw.res.loss, fd.res.loss), 1e-9);
    EXPECT_LE(rel_diff(fc.res.loss, fd.res.loss), 1e-9);
  }
}

// A recommender-style matrix: 1 % of a 3000 x 2000 matrix stored, the rest
// missing.  The fit works on the stored entries only; its loss decreases
// and equals 1/2 sum over the stored entries.
TEST(Missing, RecommenderUnstoredEntries) {
  const int64_t m = 3000, n = 2000, k = 4;
  std::mt19937_64 rng(831);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> Wt(static_cast<size_t>(m * k)), Ht(static_cast<size_t>(k * n));
  for (auto& v : Wt) v = u(rng);
  for (auto& v : Ht) v = u(rng);
  Csc<int32_t> C;
  C.m = m;
  C.n = n;
  C.col_ptr.push_back(0);
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < m; ++i)
      if (u(rng) < 0.01) {
        double v = 0;
        for (int64_t l = 0; l < k; ++l) v += Wt[i + l * m] * Ht[l + j * k];
        C.row_ind.push_back(static_cast<int32_t>(i));
        C.val.push_back(v * (0.9 + 0.2 * u(rng)));
      }
    C.col_ptr.push_back(static_cast<int64_t>(C.row_ind.size()));
  }
  nmf_options o = test_options();
  o.missing = NMF_MISSING_UNSTORED;
  o.maxit = 30;
  FitIn<double> in;
  in.hist_capacity = 30;
  auto f = fit_csc<double>(C, k, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.solver, NMF_SOLVER_ANLS);
  EXPECT_TRUE(all_finite_nonneg(f.W) && all_finite_nonneg(f.H));
  for (size_t i = 1; i < f.hist.size(); ++i) EXPECT_LE(f.hist[i], f.hist[i - 1] * (1 + 1e-12));
  double ref = 0, norm = 0;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t q = C.col_ptr[j]; q < C.col_ptr[j + 1]; ++q) {
      const int64_t i = C.row_ind[q];
      double wh = 0;
      for (int64_t l = 0; l < k; ++l) wh += f.W[i + l * m] * f.d[l] * f.H[l + j * k];
      ref += 0.5 * (C.val[q] - wh) * (C.val[q] - wh);
      norm += 0.5 * C.val[q] * C.val[q];
    }
  EXPECT_LE(rel_diff(f.res.loss, ref), 1e-9);
  EXPECT_LT(ref, 0.05 * norm);  // the planted structure is found
}

// ------------------------------------------------------------ validation

namespace {
void expect_invalid(int32_t status, const std::string& msg, const char* needle) {
  EXPECT_EQ(status, NMF_ERR_INVALID_ARGUMENT) << msg;
  EXPECT_NE(lower(msg).find(needle), std::string::npos) << msg;
}
}  // namespace

TEST(SolverErrors, EveryNewOptionIsValidated) {
  Dense A = uniform(10, 8, 841);
  std::vector<double> w(80, 1.0);
  struct Case {
    const char* needle;
    void (*set)(nmf_options&);
  };
  const Case cases[] = {
      {"solver", [](nmf_options& o) { o.solver = 5; }},
      {"missing", [](nmf_options& o) { o.missing = 3; }},
      {"extrapolation", [](nmf_options& o) { o.extrapolation = 2; }},
      {"extrap_beta0", [](nmf_options& o) { o.extrap_beta0 = 1.5; }},
      {"extrap_eta", [](nmf_options& o) { o.extrap_eta = 1.0; }},
      {"extrap_gamma", [](nmf_options& o) { o.extrap_gamma = 0.9; }},
      {"extrap_gamma_bar", [](nmf_options& o) { o.extrap_gamma_bar = std::nan(""); }},
      {"sparse_w", [](nmf_options& o) { o.sparse_w = -1; }},
      {"sparse_h", [](nmf_options& o) { o.sparse_h = INFINITY; }},
      {"ns_theta", [](nmf_options& o) { o.ns_theta = 1.5; }},
      {"unstored", [](nmf_options& o) { o.missing = NMF_MISSING_UNSTORED; }},
  };
  for (const Case& c : cases) {
    nmf_options o = test_options();
    c.set(o);
    auto f = fit_dense<double>(A, 2, o);
    expect_invalid(f.status, f.msg, c.needle);
  }
  // Weights: negative, NaN, ld < m (with the entry's position).
  {
    nmf_options o = test_options();
    std::vector<double> bad = w;
    bad[3 + 2 * 10] = -1;
    o.weights = bad.data();
    o.weights_ld = 10;
    auto f = fit_dense<double>(A, 2, o);
    expect_invalid(f.status, f.msg, "negative");
    EXPECT_TRUE(names_position(f.msg, 4, 3)) << f.msg;
    bad[3 + 2 * 10] = std::nan("");
    f = fit_dense<double>(A, 2, o);
    expect_invalid(f.status, f.msg, "nan");
    o.weights = w.data();
    o.weights_ld = 9;
    f = fit_dense<double>(A, 2, o);
    // Like lda < m, a leading dimension too small is a dimension error.
    EXPECT_EQ(f.status, NMF_ERR_DIMENSION) << f.msg;
    EXPECT_NE(f.msg.find("weights_ld"), std::string::npos) << f.msg;
  }
  // NaN-missing: needs a dense input; NaN without it is still an error; no
  // NNDSVD; unsupported combinations are named.
  {
    nmf_options o = test_options();
    o.missing = NMF_MISSING_NAN;
    auto c = fit_csc<double>(to_csc<int32_t>(A), 2, o);
    expect_invalid(c.status, c.msg, "dense");
    Dense An = A;
    An(2, 3) = std::nan("");
    nmf_options plain = test_options();
    auto f = fit_dense<double>(An, 2, plain);
    EXPECT_EQ(f.status, NMF_ERR_NOT_FINITE) << f.msg;
    // NNDSVD starts from A with the missing entries zeroed: the same bits
    // as weight 0 there, whatever the value.
    o.init = NMF_INIT_NNDSVD;
    f = fit_dense<double>(An, 2, o);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    {
      Dense Az = A;
      Az(2, 3) = 1e6;
      std::vector<double> w0(80, 1.0);
      w0[2 + 3 * 10] = 0;
      nmf_options ow = test_options();
      ow.init = NMF_INIT_NNDSVD;
      ow.weights = w0.data();
      ow.weights_ld = 10;
      auto g = fit_dense<double>(Az, 2, ow);
      ASSERT_EQ(g.status, NMF_OK) << g.msg;
      EXPECT_EQ(f.W, g.W);
      EXPECT_EQ(f.H, g.H);
    }
    o.init = NMF_INIT_RANDOM;
    o.sparse_h = 0.1;
    f = fit_dense<double>(An, 2, o);
    expect_invalid(f.status, f.msg, "sparse_h");
    o.sparse_h = 0;
    o.ns_theta = 0.5;
    f = fit_dense<double>(An, 2, o);
    expect_invalid(f.status, f.msg, "ns_theta");
  }
  // CSC weights: one per stored entry, validated with its position.
  {
    auto C = to_csc<int64_t>(A);
    std::vector<double> cw(C.val.size(), 1.0);
    cw[5] = -2;
    nmf_options o = test_options();
    o.weights = cw.data();
    auto f = fit_csc<double>(C, 2, o);
    expect_invalid(f.status, f.msg, "negative");
    EXPECT_NE(f.msg.find("position 5"), std::string::npos) << f.msg;
  }
  // All observed entries zero: nothing to fit.
  {
    nmf_options o = test_options();
    std::vector<double> zero(80, 0.0);
    o.weights = zero.data();
    o.weights_ld = 10;
    auto f = fit_dense<double>(A, 2, o);
    EXPECT_EQ(f.status, NMF_ERR_INVALID_ARGUMENT) << f.msg;
  }
}

// The constants are reachable by name for FFI callers (those of missing
// values: test_divergence.cpp).
TEST(SolverErrors, ConstantsByName) {
  EXPECT_EQ(nmf_constant("NMF_SOLVER_ANLS"), NMF_SOLVER_ANLS);
  EXPECT_EQ(nmf_constant("NMF_EXTRAPOLATION_AUTO"), NMF_EXTRAPOLATION_AUTO);
  EXPECT_EQ(nmf_constant("NMF_EXTRAPOLATION_ON"), NMF_EXTRAPOLATION_ON);
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  EXPECT_EQ(o.extrapolation, NMF_EXTRAPOLATION_AUTO);
  EXPECT_EQ(o.extrap_beta0, 0.5);
  EXPECT_EQ(o.ns_theta, 0.0);
}

// ---------------------------------------------------------------- sketch
// The warm start on a sketch of A (NMF_SKETCH_*): the fit still converges
// to a factorization of A (a planted exact one is recovered), the sketch's
// iterations are reported apart from the iterations on A (which alone count
// against maxit, enter the history and reach progress), and the result
// does not depend on the thread count.
namespace {
int32_t count_calls(int64_t it, int64_t, double, double, void* data) {
  auto* seen = static_cast<std::vector<int64_t>*>(data);
  seen->push_back(it);
  return 0;
}
}  // namespace

TEST(Sketch, RecoversAPlantedFactorizationOfA) {
  const Planted p = planted(300, 200, 4, 901);
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    nmf_options o = solver_options(c.solver, c.extrapolation);
    o.sketch = NMF_SKETCH_ON;
    o.maxit = 3000;
    o.tol = 1e-12;
    std::vector<int64_t> seen;
    o.progress = count_calls;
    o.progress_data = &seen;
    FitIn<double> in;
    in.hist_capacity = 4000;
    auto f = fit_dense<double>(p.A, 4, o, in);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    EXPECT_EQ(f.res.sketch_rank, 14) << "k + 10";
    EXPECT_GT(f.res.sketch_iterations, 0);
    EXPECT_LT(ref_rel_error(p.A, f), 1e-4);
    EXPECT_EQ(int64_t(f.hist.size()), f.res.iterations);
    ASSERT_EQ(int64_t(seen.size()), f.res.iterations);
    for (size_t t = 0; t < seen.size(); ++t) EXPECT_EQ(seen[t], int64_t(t + 1));
    EXPECT_NEAR(f.res.loss, ref_loss(p.A, f), 1e-9 * (1 + ref_loss(p.A, f)));
  }
}

TEST(Sketch, MaxitCountsOnlyTheIterationsOnA) {
  const Planted p = planted(120, 90, 3, 902, 0.4, 0.05);
  nmf_options o = test_options();
  o.sketch = NMF_SKETCH_ON;
  o.sketch_rank = 20;
  o.maxit = 2;
  o.tol = 0;
  auto f = fit_dense<double>(p.A, 3, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.iterations, 2);
  EXPECT_EQ(f.res.sketch_rank, 20);
  EXPECT_GT(f.res.sketch_iterations, 2);
  // Off: nothing reported; a two-iteration fit from the same random start
  // is then further from A than the warm-started one.
  o.sketch = NMF_SKETCH_OFF;
  auto g = fit_dense<double>(p.A, 3, o);
  ASSERT_EQ(g.status, NMF_OK) << g.msg;
  EXPECT_EQ(g.res.sketch_rank, 0);
  EXPECT_EQ(g.res.sketch_iterations, 0);
  EXPECT_LT(f.res.loss, g.res.loss);
}

TEST(Sketch, SameBitsForAnyThreadCountAndCloseOnCsc) {
  const Planted p = planted(400, 260, 5, 903, 0.4, 0.1);
  nmf_options o = test_options();
  o.sketch = NMF_SKETCH_ON;
  o.maxit = 30;
  auto one = fit_dense<double>(p.A, 5, o);
  o.n_threads = 2;
  auto two = fit_dense<double>(p.A, 5, o);
  ASSERT_EQ(one.status, NMF_OK) << one.msg;
  ASSERT_EQ(two.status, NMF_OK) << two.msg;
  EXPECT_TRUE(bitwise_equal(one.W, two.W));
  EXPECT_TRUE(bitwise_equal(one.H, two.H));
  EXPECT_EQ(one.res.sketch_iterations, two.res.sketch_iterations);
  auto cs = fit_csc<double>(to_csc<int32_t>(p.A), 5, o);
  ASSERT_EQ(cs.status, NMF_OK) << cs.msg;
  EXPECT_EQ(cs.res.sketch_rank, one.res.sketch_rank);
  EXPECT_LT(rel_diff(cs.res.loss, one.res.loss), 1e-6);
}

TEST(Sketch, AutoWarmStartsALargeDenseFitOnly) {
  const Planted big = planted(4000, 1000, 3, 904, 0.4, 0.1);
  nmf_options o = test_options();
  o.maxit = 3;
  auto f = fit_dense<double>(big.A, 3, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.sketch_rank, 13);
  EXPECT_GT(f.res.sketch_iterations, 0);
  const Planted small = planted(200, 100, 3, 905, 0.4, 0.1);
  auto g = fit_dense<double>(small.A, 3, o);
  ASSERT_EQ(g.status, NMF_OK) << g.msg;
  EXPECT_EQ(g.res.sketch_rank, 0);
}

TEST(Sketch, InvalidUsesAreRefused) {
  const Planted p = planted(60, 40, 3, 906);
  struct Case {
    const char* what;
    void (*set)(nmf_options&);
    const char* says;
  };
  const Case cases[] = {
      {"unknown mode", [](nmf_options& o) { o.sketch = 2; }, "sketch"},
      {"negative rank", [](nmf_options& o) { o.sketch_rank = -1; }, "sketch_rank"},
      {"with MU",
       [](nmf_options& o) {
         o.sketch = NMF_SKETCH_ON;
         o.solver = NMF_SOLVER_MU;
       },
       "mu"},
      {"with missing values",
       [](nmf_options& o) {
         o.sketch = NMF_SKETCH_ON;
         o.missing = NMF_MISSING_NAN;
       },
       "missing"},
      {"with a given W",
       [](nmf_options& o) {
         o.sketch = NMF_SKETCH_ON;
         o.user_w = 1;
       },
       "given"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    nmf_options o = test_options();
    c.set(o);
    FitIn<double> in;
    in.W0.assign(60 * 3, 1.0);
    auto f = fit_dense<double>(p.A, 3, o, in);
    EXPECT_EQ(f.status, NMF_ERR_INVALID_ARGUMENT);
    EXPECT_NE(lower(f.msg).find(c.says), std::string::npos) << f.msg;
  }
}
