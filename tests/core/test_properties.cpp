// Properties of a Frobenius/HALS fit through the C ABI: canonical output,
// reported loss and rel_error that describe the returned factors, a loss that
// never increases, KKT conditions at convergence, recovery of a planted
// factorization, the rank-1 optimum, penalties, progress/cancel, tol stop.
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace nt;

namespace {

template <class V>
class FitProperties : public ::testing::Test {};
TYPED_TEST_SUITE(FitProperties, AllVariants);

// result.loss / result.rel_error against the values recomputed from the
// outputs: within loss_abs_tol (nmf_test_util.hpp).
template <class T>
void expect_reported_loss(const Dense &A, const Fit<T> &f) {
  const double loss = ref_loss(A, f), na = frob(A.a);
  const double tol = loss_abs_tol<T>(A, loss);
  EXPECT_NEAR(f.res.loss, loss, tol) << "reported loss vs recomputed";
  // rel_error = sqrt(2 loss) / ||A||: compare on the loss scale.
  EXPECT_NEAR(0.5 * f.res.rel_error * f.res.rel_error * na * na, loss, tol)
      << "reported rel_error " << f.res.rel_error << " recomputed " << ref_rel_error(A, f);
}

// The outputs are canonical, and result.loss / result.rel_error describe the
// returned factors: 1/2||A - W diag(d) H||^2 and ||A - W diag(d) H|| / ||A||
// recomputed here from the outputs in double.
TYPED_TEST(FitProperties, CanonicalOutputAndReportedErrorMatchOutputs) {
  using T = typename TypeParam::Scalar;
  Dense A = uniform(60, 40, 11);
  nmf_options o = test_options();
  o.maxit = 100;
  o.n_threads = 1;
  auto f = fit_any<T>(TypeParam::path, A, 4, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  EXPECT_EQ(f.res.solver, NMF_SOLVER_HALS);  // what auto picks (nmf.h)
  // Auto extrapolation: on in double, off in float (nmf.h).
  const int32_t want_ex = std::is_same<T, double>::value ? NMF_EXTRAPOLATION_ON
                                                         : NMF_EXTRAPOLATION_OFF;
  EXPECT_EQ(f.res.extrapolation, want_ex);
  EXPECT_EQ(f.res.init, NMF_INIT_RANDOM);
  EXPECT_GE(f.res.iterations, 1);
  EXPECT_LE(f.res.iterations, 100);
  EXPECT_TRUE(f.res.stop_reason == NMF_STOP_MAXIT || f.res.stop_reason == NMF_STOP_TOL)
      << f.res.stop_reason;
  if (f.res.stop_reason == NMF_STOP_MAXIT) {
    EXPECT_EQ(f.res.iterations, 100);
  }
  const double rel = ref_rel_error(A, f);
  EXPECT_GT(rel, 0.05);  // random data: a real residual
  EXPECT_LT(rel, 0.6);
  expect_reported_loss(A, f);
  if (std::is_same<T, double>::value) {  // the tight form of the same check
    EXPECT_LE(rel_diff(f.res.rel_error, rel), 1e-8);
    EXPECT_LE(rel_diff(f.res.loss, ref_loss(A, f)), 1e-8);
  }
}

// HALS updates are exact block-coordinate minimisations: the objective never
// increases.  loss_history has one value per iteration and ends at
// result.loss.
TYPED_TEST(FitProperties, LossHistoryNonIncreasing) {
  using T = typename TypeParam::Scalar;
  Planted p = planted(60, 40, 5, 21, 0.3, 0.3, false);
  nmf_options o = fixed_iterations(300);
  FitIn<T> in;
  in.hist_capacity = 400;
  auto f = fit_any<T>(TypeParam::path, p.A, 5, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_MAXIT);
  EXPECT_EQ(f.res.iterations, 300);
  ASSERT_EQ(f.res.history_length, f.res.iterations);
  ASSERT_EQ(static_cast<int64_t>(f.hist.size()), f.res.iterations);
  // double: 1e-12 relative plus the rounding of the trace-identity loss,
  // ~eps ||A||^2 (a run that has converged, as extrapolation does within
  // these 300 iterations, moves the loss by no more than that).  float: the
  // reported values themselves are only
  // accurate to ~eps_float ||A||^2 (see loss_abs_tol), so two of them may
  // appear to rise by twice that while the true loss of the iterates falls
  // (checked separately: recomputed losses of maxit = 150..260 runs are
  // monotone).
  const double na2 = frob(p.A.a) * frob(p.A.a);
  int increases = 0;
  for (size_t i = 1; i < f.hist.size(); ++i) {
    const double slack = std::is_same<T, double>::value
                             ? 1e-12 * f.hist[i - 1] +
                                   16.0 * std::numeric_limits<double>::epsilon() * na2
                             : 4.0 * std::numeric_limits<float>::epsilon() * na2;
    if (!(f.hist[i] <= f.hist[i - 1] + slack)) {
      if (++increases <= 5)
        ADD_FAILURE() << "loss increased at iteration " << i + 1 << ": " << f.hist[i - 1]
                      << " -> " << f.hist[i];
    }
  }
  EXPECT_EQ(increases, 0);
  EXPECT_EQ(f.hist.back(), f.res.loss);
  expect_reported_loss(p.A, f);
  // Real progress was made: the last loss is well below the first.
  EXPECT_LT(f.hist.back(), 0.99 * f.hist.front());
  // The true loss (recomputed here) of the iterates after 50, 100, 200, 300
  // iterations (same start, so the same trajectory) never increases.
  double prev = INFINITY;
  for (int32_t it : {50, 100, 200, 300}) {
    o.maxit = it;
    auto g = fit_any<T>(TypeParam::path, p.A, 5, o);
    ASSERT_EQ(g.status, NMF_OK) << g.msg;
    const double L = ref_loss(p.A, g);
    EXPECT_LE(L, prev * (1 + (std::is_same<T, double>::value ? 1e-12 : 1e-6)))
        << "recomputed loss rose by iteration " << it;
    prev = L;
  }
}

// At convergence (tol = 0, many iterations) the KKT conditions of
// min 1/2||A - W H||^2, W, H >= 0 hold for the pair (W diag(d), H).
TYPED_TEST(FitProperties, KktAtConvergence) {
  using T = typename TypeParam::Scalar;
  Planted p = planted(30, 20, 3, 31, 0.3, 0.2, false);
  nmf_options o = fixed_iterations(2000);
  auto f = fit_any<T>(TypeParam::path, p.A, 3, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  Kkt r = kkt(p.A, scaled_w(f), to_double(f.H), 3);
  // Observed: ~7e-11 (double), ~4e-8 (float, whose iterate carries 6e-8
  // relative rounding).  Thresholds leave 100x / 250x room for other
  // platforms and future solver tweaks.
  const double tol = std::is_same<T, double>::value ? 1e-8 : 1e-5;
  EXPECT_LE(r.sign_w, tol);
  EXPECT_LE(r.comp_w, tol);
  EXPECT_LE(r.sign_h, tol);
  EXPECT_LE(r.comp_h, tol);
}

// An exactly low-rank non-negative matrix with separable planted factors
// (scaled identity inside both W and H, so the NMF is unique up to
// permutation and scaling) is recovered.  Init: NNDSVDA (deterministic).
TYPED_TEST(FitProperties, RecoversPlantedFactorization) {
  using T = typename TypeParam::Scalar;
  const int64_t m = 50, n = 40, k = 3;
  Planted p = planted(m, n, k, 41, 0.4, 0.0, true);
  nmf_options o = test_options();
  o.init = NMF_INIT_NNDSVDA;
  o.maxit = 3000;
  o.tol = 0;
  o.n_threads = 1;
  auto f = fit_any<T>(TypeParam::path, p.A, k, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  const bool dbl = std::is_same<T, double>::value;
  const double rel = ref_rel_error(p.A, f);
  // Observed: rel_error ~4e-16 (double), ~2e-7 (float); factors to ~1e-15 /
  // ~2e-7.
  EXPECT_LT(rel, dbl ? 1e-8 : 1e-5);
  const double cos_tol = 1e-8;
  std::vector<int> used(static_cast<size_t>(k), 0);
  Canonical truth = canonicalize(p.W.a, p.H.a, m, n, k);
  for (int64_t t = 0; t < k; ++t) {
    auto wt = column(p.W.a, m, t);
    double best = -1;
    int64_t bi = -1;
    for (int64_t c = 0; c < k; ++c) {
      double s = cosine(wt, column(f.W, m, c));
      if (s > best) best = s, bi = c;
    }
    ASSERT_GE(bi, 0);
    EXPECT_GT(best, 1 - cos_tol) << "planted W column " << t;
    used[static_cast<size_t>(bi)]++;
    EXPECT_GT(cosine(row(p.H.a, k, n, t), row(f.H, k, n, bi)), 1 - cos_tol)
        << "planted H row " << t << " vs H row " << bi;
  }
  for (int64_t c = 0; c < k; ++c) EXPECT_EQ(used[c], 1) << "matching is not a permutation";
  // The canonical form is unique, so the canonical truth and the output agree
  // entry by entry (same order: d descending).
  EXPECT_LE(max_rel_diff(f.d, truth.d), dbl ? 1e-7 : 1e-5);
  EXPECT_LE(max_rel_diff(f.W, truth.W), dbl ? 1e-7 : 1e-5);
  EXPECT_LE(max_rel_diff(f.H, truth.H), dbl ? 1e-7 : 1e-5);
}

// Rank 1 on a strictly positive matrix: the best rank-1 approximation
// s1 u1 v1^T is non-negative (Perron-Frobenius), so it is the NMF optimum.
TYPED_TEST(FitProperties, RankOneIsLeadingSingularTriplet) {
  using T = typename TypeParam::Scalar;
  Dense A = uniform(40, 30, 51);
  for (auto &v : A.a) v += 0.05;
  nmf_options o = fixed_iterations(500);
  auto f = fit_any<T>(TypeParam::path, A, 1, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  Svd s = svd(A);
  std::vector<double> u(s.U.begin(), s.U.begin() + A.m), v(s.V.begin(), s.V.begin() + A.n);
  double su = 0, sv = 0;
  for (auto &x : u) su += std::fabs(x);
  for (auto &x : v) sv += std::fabs(x);
  for (auto &x : u) x = std::fabs(x) / su;
  for (auto &x : v) x = std::fabs(x) / sv;
  const double tol = std::is_same<T, double>::value ? 1e-9 : 1e-5;
  EXPECT_LE(rel_diff(f.d[0], s.s[0] * su * sv), tol);
  EXPECT_LE(max_rel_diff(f.W, u), tol);
  EXPECT_LE(max_rel_diff(f.H, v), tol);
}

// ------------------------------------------------------------- penalties

class Penalties : public ::testing::TestWithParam<Path> {};
INSTANTIATE_TEST_SUITE_P(Paths, Penalties,
                         ::testing::Values(Path::dense, Path::csc32, Path::csc64),
                         [](const auto &info) { return std::string(path_name(info.param)); });

int64_t count_zeros(const std::vector<double> &x) {
  return std::count(x.begin(), x.end(), 0.0);
}

// An L1 penalty on H gives a sparser H.  An L2 penalty on W is kept in both
// runs so that W cannot grow without bound while H shrinks (with an L1 on H
// alone, rescaling W up and H down lowers the objective forever).
TEST_P(Penalties, L1OnHMakesHSparser) {
  Planted p = planted(60, 40, 4, 61, 0.2, 0.3, false);
  nmf_options o = fixed_iterations(300);
  o.init = NMF_INIT_NNDSVD;
  o.l2_w = 1.0;
  auto plain = fit_any<double>(GetParam(), p.A, 4, o);
  ASSERT_EQ(plain.status, NMF_OK) << plain.msg;
  o.l1_h = 5.0;
  auto sparse = fit_any<double>(GetParam(), p.A, 4, o);
  ASSERT_EQ(sparse.status, NMF_OK) << sparse.msg;
  const int64_t z0 = count_zeros(plain.H), z1 = count_zeros(sparse.H);
  EXPECT_GT(z1, z0 + 10) << "zeros in H without / with l1_h: " << z0 << " / " << z1;
  // Sparsity costs fit: the penalised solution fits worse.
  EXPECT_GT(ref_rel_error(p.A, sparse), ref_rel_error(p.A, plain));
  expect_canonical(sparse);
}

// The balanced factors (Ws, Hs) of fit f satisfy the KKT conditions of o's
// penalties, and f reports the penalised objective: its loss plus pen.
void expect_penalised_optimum(const Dense &A, const std::vector<double> &Ws,
                              const std::vector<double> &Hs, const nmf_options &o,
                              const Fit<double> &f, double pen) {
  Kkt r = kkt(A, Ws, Hs, f.k, o.l1_w, o.l1_h, o.l2_w, o.l2_h);
  EXPECT_LE(r.worst(), 1e-6) << r.sign_w << " " << r.comp_w << " " << r.sign_h << " " << r.comp_h;
  const double loss = ref_loss(A, f) + pen;
  EXPECT_LE(rel_diff(f.res.loss, loss), 1e-6) << "reported " << f.res.loss << " balanced " << loss;
}

// L2 penalties on both factors: at a stationary point the components are
// balanced, ||W_l|| = ||H_l|| (the objective is stationary under
// W_l -> c W_l, H_l -> H_l / c), which fixes the scale the canonical form
// removed: W*_l = sqrt(d_l ||h_l|| / ||w_l||) w_l.  Then
//  - the penalised KKT conditions hold at (W*, H*);
//  - result.loss = 1/2||R||^2 + l2 * sum_l d_l ||w_l|| ||h_l||;
//  - the fit is shrunk: ||W diag(d) H|| is below the unpenalised one.
TEST_P(Penalties, L2ShrinksAndSatisfiesPenalisedKkt) {
  const int64_t m = 30, n = 20, k = 3;
  Planted p = planted(m, n, k, 71, 0.3, 0.2, false);
  nmf_options o = fixed_iterations(3000);
  auto plain = fit_any<double>(GetParam(), p.A, k, o);
  ASSERT_EQ(plain.status, NMF_OK) << plain.msg;
  const double mu = 2.0;
  o.l2_w = mu;
  o.l2_h = mu;
  auto f = fit_any<double>(GetParam(), p.A, k, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  std::vector<double> Ws(static_cast<size_t>(m * k)), Hs(static_cast<size_t>(k * n));
  double pen = 0;
  for (int64_t l = 0; l < k; ++l) {
    auto w = column(f.W, m, l), h = row(f.H, k, n, l);
    double nw = frob(w), nh = frob(h);
    ASSERT_GT(nw * nh * f.d[l], 0) << "component " << l << " vanished";
    double a = std::sqrt(f.d[l] * nh / nw), b = f.d[l] / a;
    for (int64_t i = 0; i < m; ++i) Ws[i + l * m] = a * w[i];
    for (int64_t j = 0; j < n; ++j) Hs[l + j * k] = b * h[j];
    pen += mu * f.d[l] * nw * nh;
  }
  expect_penalised_optimum(p.A, Ws, Hs, o, f, pen);
  Dense Rp = reconstruct(plain.W, plain.d, plain.H, m, n, k);
  Dense Rf = reconstruct(f.W, f.d, f.H, m, n, k);
  EXPECT_LT(frob(Rf.a), frob(Rp.a) * (1 - 1e-3));
}

// L1 penalties on both factors: balance l1_w sum(W*_l) = l1_h sum(H*_l), so
// with canonical sums of 1, W*_l = sqrt(d_l l1_h / l1_w) w_l.  Penalised KKT
// and the reported objective 1/2||R||^2 + 2 sum_l sqrt(l1_w l1_h d_l).
TEST_P(Penalties, L1SatisfiesPenalisedKkt) {
  const int64_t m = 30, n = 20, k = 3;
  Planted p = planted(m, n, k, 81, 0.3, 0.2, false);
  nmf_options o = fixed_iterations(3000);
  o.l1_w = 0.5;
  o.l1_h = 0.2;
  auto f = fit_any<double>(GetParam(), p.A, k, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  std::vector<double> Ws(static_cast<size_t>(m * k)), Hs(static_cast<size_t>(k * n));
  double pen = 0;
  for (int64_t l = 0; l < k; ++l) {
    ASSERT_GT(f.d[l], 0) << "component " << l << " vanished";
    double a = std::sqrt(f.d[l] * o.l1_h / o.l1_w), b = f.d[l] / a;
    for (int64_t i = 0; i < m; ++i) Ws[i + l * m] = a * f.W[i + l * m];
    for (int64_t j = 0; j < n; ++j) Hs[l + j * k] = b * f.H[l + j * k];
    pen += 2 * std::sqrt(o.l1_w * o.l1_h * f.d[l]);
  }
  expect_penalised_optimum(p.A, Ws, Hs, o, f, pen);
}

// With all four penalties the penalised objective (what loss_history holds)
// still never increases, and it is at least the scale-free lower bound
// computed from the canonical output.
TEST_P(Penalties, PenalisedObjectiveNonIncreasing) {
  const int64_t m = 60, n = 40, k = 4;
  Planted p = planted(m, n, k, 91, 0.3, 0.3, false);
  nmf_options o = fixed_iterations(200);
  o.l1_w = 0.3;
  o.l1_h = 0.1;
  o.l2_w = 0.5;
  o.l2_h = 0.2;
  FitIn<double> in;
  in.hist_capacity = 200;
  auto f = fit_any<double>(GetParam(), p.A, k, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  ASSERT_EQ(f.hist.size(), 200u);
  for (size_t i = 1; i < f.hist.size(); ++i)
    ASSERT_LE(f.hist[i], f.hist[i - 1] * (1 + 1e-12)) << "iteration " << i + 1;
  EXPECT_EQ(f.hist.back(), f.res.loss);
  // For any scaling a, b with a b = d_l: l1_w a + l1_h b >= 2 sqrt(l1_w l1_h d_l)
  // and l2_w/2 a^2 |w|^2 + l2_h/2 b^2 |h|^2 >= sqrt(l2_w l2_h) d_l |w| |h|.
  double bound = ref_loss(p.A, f);
  for (int64_t l = 0; l < k; ++l) {
    double nw = frob(column(f.W, m, l)), nh = frob(row(f.H, k, n, l));
    bound += 2 * std::sqrt(o.l1_w * o.l1_h * f.d[l]) + std::sqrt(o.l2_w * o.l2_h) * f.d[l] * nw * nh;
  }
  EXPECT_GE(f.res.loss, bound * (1 - 1e-9));
}

// The penalties are in the caller's units.  Scaling the data by c maps the
// objective onto itself, F(cA; sqrt(c)W, sqrt(c)H; c^1.5 l1, c l2) =
// c^2 F(A; W, H; l1, l2), so the canonical factors are the same, d scales by
// c and the loss by c^2.  c = 4 is a power of two: every scaling is exact.
TEST_P(Penalties, PenaltiesAreInCallerUnits) {
  const int64_t k = 4;
  Planted p = planted(60, 40, k, 95, 0.3, 0.3, false);
  const double c = 4;
  Dense B = p.A;
  for (auto &x : B.a) x *= c;
  nmf_options o = fixed_iterations(50);
  o.init = NMF_INIT_NNDSVD;
  o.l1_w = 0.1, o.l1_h = 0.05, o.l2_w = 0.2, o.l2_h = 0.1;
  auto a = fit_any<double>(GetParam(), p.A, k, o);
  nmf_options ob = o;
  const double c15 = c * std::sqrt(c);
  ob.l1_w *= c15, ob.l1_h *= c15, ob.l2_w *= c, ob.l2_h *= c;
  auto b = fit_any<double>(GetParam(), B, k, ob);
  ASSERT_EQ(a.status, NMF_OK) << a.msg;
  ASSERT_EQ(b.status, NMF_OK) << b.msg;
  // Not vacuous: these penalties are small next to the data (d ~ 100s), so
  // every component survives in both fits.
  for (int64_t l = 0; l < k; ++l) {
    ASSERT_GT(a.d[l], 0) << "component " << l << " vanished (unscaled data)";
    ASSERT_GT(b.d[l], 0) << "component " << l << " vanished (data x 4)";
  }
  EXPECT_LE(max_rel_diff(b.W, a.W), 1e-9);
  EXPECT_LE(max_rel_diff(b.H, a.H), 1e-9);
  std::vector<double> da(a.d.begin(), a.d.end());
  for (auto &x : da) x *= c;
  EXPECT_LE(max_rel_diff(b.d, da), 1e-9);
  EXPECT_LE(rel_diff(b.res.loss, c * c * a.res.loss), 1e-9);
  // Without penalties the same holds trivially (sanity of the construction).
  nmf_options o0 = test_options();
  o0.maxit = 50, o0.tol = 0, o0.n_threads = 1, o0.init = NMF_INIT_NNDSVD;
  auto a0 = fit_any<double>(GetParam(), p.A, k, o0), b0 = fit_any<double>(GetParam(), B, k, o0);
  EXPECT_LE(max_rel_diff(b0.W, a0.W), 1e-9);
  EXPECT_LE(rel_diff(b0.res.loss, c * c * a0.res.loss), 1e-9);
}

// ---------------------------------------------------- progress and stopping

struct Recorder {
  std::vector<int64_t> it, maxit;
  std::vector<double> loss, rel;
  int64_t cancel_at = -1;
};
int32_t record(int64_t iteration, int64_t maxit, double loss, double rel_error, void *data) {
  auto *r = static_cast<Recorder *>(data);
  r->it.push_back(iteration);
  r->maxit.push_back(maxit);
  r->loss.push_back(loss);
  r->rel.push_back(rel_error);
  return r->cancel_at >= 0 && iteration >= r->cancel_at ? 1 : 0;
}

class Progress : public ::testing::TestWithParam<Path> {};
INSTANTIATE_TEST_SUITE_P(Paths, Progress, ::testing::Values(Path::dense, Path::csc64),
                         [](const auto &info) { return std::string(path_name(info.param)); });

// Called once per iteration, iterations numbered 1, 2, ..., with the loss of
// loss_history and the maxit of the options.
TEST_P(Progress, CalledOncePerIterationWithHistoryLoss) {
  Planted p = planted(60, 40, 4, 101, 0.3, 0.3, false);
  nmf_options o = fixed_iterations(40);
  Recorder rec;
  o.progress = record;
  o.progress_data = &rec;
  FitIn<double> in;
  in.hist_capacity = 40;
  auto f = fit_any<double>(GetParam(), p.A, 4, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  ASSERT_EQ(f.res.iterations, 40);
  ASSERT_EQ(rec.it.size(), 40u);
  for (size_t i = 0; i < rec.it.size(); ++i) {
    EXPECT_EQ(rec.it[i], static_cast<int64_t>(i) + 1);
    EXPECT_EQ(rec.maxit[i], 40);
    EXPECT_EQ(rec.loss[i], f.hist[i]) << "iteration " << i + 1;
    EXPECT_TRUE(std::isfinite(rec.rel[i]) && rec.rel[i] > 0 && rec.rel[i] < 1);
  }
  EXPECT_EQ(rec.rel.back(), f.res.rel_error);
}

// Returning non-zero at iteration j stops the run with NMF_CANCELLED after
// exactly j iterations; the outputs are the canonical j-th iterate, bitwise
// the same as a run with maxit = j.
TEST_P(Progress, CancelReturnsLastCompleteIterate) {
  Planted p = planted(60, 40, 4, 111, 0.3, 0.3, false);
  nmf_options o = fixed_iterations(100);
  Recorder rec;
  rec.cancel_at = 7;
  o.progress = record;
  o.progress_data = &rec;
  auto f = fit_any<double>(GetParam(), p.A, 4, o);
  ASSERT_EQ(f.status, NMF_CANCELLED) << f.msg;
  EXPECT_EQ(f.res.iterations, 7);
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_CANCELLED);
  EXPECT_EQ(rec.it.size(), 7u) << "callback called after it asked to stop";
  expect_canonical(f);
  EXPECT_LE(rel_diff(f.res.loss, ref_loss(p.A, f)), 1e-8);
  EXPECT_LE(rel_diff(f.res.rel_error, ref_rel_error(p.A, f)), 1e-8);
  EXPECT_EQ(f.res.loss, rec.loss.back());

  nmf_options o7 = fixed_iterations(7);
  auto g = fit_any<double>(GetParam(), p.A, 4, o7);
  ASSERT_EQ(g.status, NMF_OK) << g.msg;
  EXPECT_TRUE(bitwise_equal(f.W, g.W));
  EXPECT_TRUE(bitwise_equal(f.d, g.d));
  EXPECT_TRUE(bitwise_equal(f.H, g.H));
  EXPECT_EQ(f.res.loss, g.res.loss);
}

// tol = 1e-3 stops at the first iteration whose relative decrease
// (prev - loss) / prev falls below tol, well before maxit.
TEST_P(Progress, TolStopsAtFirstSmallDecrease) {
  Planted p = planted(60, 40, 4, 121, 0.3, 0.3, false);
  nmf_options o = test_options();
  o.maxit = 1000;
  o.tol = 1e-3;
  o.n_threads = 1;
  FitIn<double> in;
  in.hist_capacity = 1000;
  auto f = fit_any<double>(GetParam(), p.A, 4, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_TOL);
  EXPECT_LT(f.res.iterations, 1000);
  ASSERT_GE(f.hist.size(), 2u);
  ASSERT_EQ(static_cast<int64_t>(f.hist.size()), f.res.iterations);
  const size_t L = f.hist.size();
  EXPECT_LT((f.hist[L - 2] - f.hist[L - 1]) / f.hist[L - 2], o.tol);
  // An extrapolation step that was undone repeats the loss (nmf.h); it is
  // judged by the change it would have made, which the history cannot show.
  int64_t repeats = 0;
  for (size_t i = 1; i + 1 < L; ++i) {
    if (f.hist[i] == f.hist[i - 1]) {
      ++repeats;
      continue;
    }
    EXPECT_GE((f.hist[i - 1] - f.hist[i]) / f.hist[i - 1], o.tol)
        << "did not stop at iteration " << i + 1;
  }
  EXPECT_LE(repeats, f.res.restarts);
  // A tighter tol runs longer.
  o.tol = 1e-6;
  auto g = fit_any<double>(GetParam(), p.A, 4, o);
  ASSERT_EQ(g.status, NMF_OK) << g.msg;
  EXPECT_GT(g.res.iterations, f.res.iterations);
  EXPECT_LE(g.res.loss, f.res.loss);
}

// ------------------------------------------------ output/argument plumbing

// d = NULL multiplies the scales into the rows of H; opts = NULL means the
// defaults; result = NULL changes nothing.
TEST(Plumbing, NullDOptsResult) {
  const int64_t m = 40, n = 30, k = 3;
  Dense A = uniform(m, n, 131);
  nmf_options o = test_options();
  auto ref = fit_dense<double>(A, k, o);
  ASSERT_EQ(ref.status, NMF_OK) << ref.msg;

  std::vector<double> W(m * k), H(k * n), d(k);
  ASSERT_EQ(nmf_fit_dense_d(A.a.data(), m, n, m, k, W.data(), d.data(), H.data(), nullptr, nullptr),
            NMF_OK)
      << nmf_last_error_message();
  EXPECT_TRUE(bitwise_equal(W, ref.W));
  EXPECT_TRUE(bitwise_equal(d, ref.d));
  EXPECT_TRUE(bitwise_equal(H, ref.H));

  std::vector<double> W2(m * k), H2(k * n);
  ASSERT_EQ(nmf_fit_dense_d(A.a.data(), m, n, m, k, W2.data(), nullptr, H2.data(), &o, nullptr),
            NMF_OK)
      << nmf_last_error_message();
  EXPECT_TRUE(bitwise_equal(W2, ref.W));
  std::vector<double> dH(ref.H);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t l = 0; l < k; ++l) dH[l + j * k] *= ref.d[l];
  EXPECT_LE(max_rel_diff(H2, dH), 1e-15);
}

// A history buffer smaller than the number of iterations gets exactly its
// capacity, the first values, and nothing past its end.
TEST(Plumbing, HistoryCapacityRespected) {
  Dense A = uniform(40, 30, 141);
  nmf_options o = fixed_iterations(30);
  auto full = fit_dense<double>(A, 3, o, FitIn<double>{{}, {}, 30});
  ASSERT_EQ(full.status, NMF_OK) << full.msg;
  ASSERT_EQ(full.hist.size(), 30u);

  std::vector<double> buf(20, -7.0);
  std::vector<double> W(40 * 3), H(3 * 30), d(3);
  nmf_result r;
  nmf_result_init(&r, sizeof r);
  r.loss_history = buf.data();
  r.loss_history_capacity = 10;
  ASSERT_EQ(nmf_fit_dense_d(A.a.data(), 40, 30, 40, 3, W.data(), d.data(), H.data(), &o, &r), NMF_OK);
  EXPECT_EQ(r.history_length, 10);
  EXPECT_EQ(r.iterations, 30);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(buf[i], full.hist[i]) << i;
  for (int i = 10; i < 20; ++i) EXPECT_EQ(buf[i], -7.0) << "written past capacity at " << i;
  EXPECT_EQ(r.loss_history, buf.data()) << "history pointer changed";
}

// nmf.h's rule: auto is HALS with extrapolation for the unweighted loss:
// the same result, bit for bit, and reported as HALS.
TEST(Plumbing, AutoSolverIsExtrapolatedHals) {
  Dense A = uniform(40, 30, 151);
  nmf_options o = test_options();
  EXPECT_EQ(o.solver, NMF_SOLVER_AUTO);
  EXPECT_EQ(o.extrapolation, NMF_EXTRAPOLATION_AUTO);
  o.maxit = 50;
  auto a = fit_dense<double>(A, 3, o);
  o.solver = NMF_SOLVER_HALS;
  o.extrapolation = NMF_EXTRAPOLATION_ON;
  auto h = fit_dense<double>(A, 3, o);
  ASSERT_EQ(a.status, NMF_OK) << a.msg;
  ASSERT_EQ(h.status, NMF_OK) << h.msg;
  EXPECT_EQ(a.res.solver, NMF_SOLVER_HALS);
  EXPECT_EQ(h.res.solver, NMF_SOLVER_HALS);
  EXPECT_EQ(a.res.extrapolation, NMF_EXTRAPOLATION_ON);
  EXPECT_TRUE(bitwise_equal(a.W, h.W));
  EXPECT_TRUE(bitwise_equal(a.H, h.H));
}

// Plain HALS (hals_alpha = 0) and accelerated HALS both reach a KKT point
// with the same objective value from the same (NNDSVD) start.  (Only the
// value: near the optimum the loss is flat along some directions, so a KKT
// residual of 1e-6 still lets the factors differ by ~1e-3 -- observed 6e-3
// between the two solvers here with losses equal to 1e-8.)
TEST(Plumbing, PlainAndAcceleratedHalsReachSameOptimum) {
  Planted p = planted(30, 20, 3, 161, 0.3, 0.1, true);
  nmf_options o = fixed_iterations(3000);
  o.init = NMF_INIT_NNDSVD;
  auto acc = fit_dense<double>(p.A, 3, o);
  o.hals_alpha = 0;
  auto plain = fit_dense<double>(p.A, 3, o);
  ASSERT_EQ(acc.status, NMF_OK) << acc.msg;
  ASSERT_EQ(plain.status, NMF_OK) << plain.msg;
  EXPECT_LE(kkt(p.A, scaled_w(acc), acc.H, 3).worst(), 1e-6);
  EXPECT_LE(kkt(p.A, scaled_w(plain), plain.H, 3).worst(), 1e-6);
  EXPECT_LE(rel_diff(ref_loss(p.A, acc), ref_loss(p.A, plain)), 1e-8);
}

}  // namespace
