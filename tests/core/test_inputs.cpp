// One matrix, many representations: dense vs CSC (int32 and int64 row
// indices, with and without explicit zeros), padded leading dimension, float
// vs double; and awkward but valid inputs (zero rows/columns, k = min(m, n),
// a single row, the zero matrix).
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <limits>
#include <vector>

using namespace nt;

namespace {

nmf_options fixed_run(int32_t maxit = 100) {
  nmf_options o = test_options();
  o.maxit = maxit;
  o.tol = 0;  // a stop decided by the last bit of a loss would hide differences
  o.n_threads = 1;
  o.init = NMF_INIT_RANDOM;
  o.seed = 1234;
  // Without extrapolation: once converged, its accept/undo decisions are
  // taken on the last bits of the loss, so two summation orders may settle
  // on different points of the same flat optimum (DenseVsCsc.Extrapolated
  // checks the loss).
  o.extrapolation = NMF_EXTRAPOLATION_OFF;
  return o;
}

template <class T>
void expect_same_fit(const Fit<T> &a, const Fit<T> &b, double tol) {
  ASSERT_EQ(a.status, NMF_OK) << a.msg;
  ASSERT_EQ(b.status, NMF_OK) << b.msg;
  EXPECT_EQ(a.res.iterations, b.res.iterations);
  EXPECT_LE(max_rel_diff(a.W, b.W), tol);
  EXPECT_LE(max_rel_diff(a.d, b.d), tol);
  EXPECT_LE(max_rel_diff(a.H, b.H), tol);
  EXPECT_LE(rel_diff(a.res.loss, b.res.loss), tol);
}

// A dense and two CSC copies (32- and 64-bit indices) of the same sparse
// matrix give the same factors (only the summation order may differ, by tol);
// the two index widths run the same code on the same numbers.
template <class T>
void expect_dense_and_csc_agree(uint64_t seed, double tol) {
  Dense A = sparse_random(60, 40, 0.3, seed);
  auto d = fit_dense<T>(A, 4, fixed_run());
  auto s32 = fit_csc<T>(to_csc<int32_t>(A), 4, fixed_run());
  auto s64 = fit_csc<T>(to_csc<int64_t>(A), 4, fixed_run());
  expect_same_fit(d, s32, tol);
  expect_same_fit(d, s64, tol);
  EXPECT_TRUE(bitwise_equal(s32.W, s64.W) && bitwise_equal(s32.H, s64.H));
}

TEST(DenseVsCsc, DoubleSameFactors) { expect_dense_and_csc_agree<double>(401, 1e-9); }

// float: a different summation order changes the last bit of a float
// iterate (6e-8), which 100 iterations may amplify somewhat.
TEST(DenseVsCsc, FloatSameFactors) { expect_dense_and_csc_agree<float>(411, 1e-3); }

// With extrapolation (the default) a dense and a CSC copy reach the same
// loss; the factors agree to the flatness of the optimum.
TEST(DenseVsCsc, ExtrapolatedSameLoss) {
  Dense A = sparse_random(60, 40, 0.3, 401);
  nmf_options o = fixed_run(200);
  o.extrapolation = NMF_EXTRAPOLATION_ON;
  for (int32_t solver : {NMF_SOLVER_HALS, NMF_SOLVER_ANLS}) {
    o.solver = solver;
    auto d = fit_dense<double>(A, 4, o);
    auto s = fit_csc<double>(to_csc<int64_t>(A), 4, o);
    ASSERT_EQ(d.status, NMF_OK) << d.msg;
    ASSERT_EQ(s.status, NMF_OK) << s.msg;
    EXPECT_LE(rel_diff(d.res.loss, s.res.loss), 1e-9) << solver;
    EXPECT_LE(max_rel_diff(d.W, s.W), 1e-5) << solver;
  }
}

// Plain HALS (hals_alpha = 0: one sweep per update) isolates the products:
// dense and CSC agree to rounding.
TEST(DenseVsCsc, PlainHalsSameFactors) {
  Dense A = sparse_random(60, 40, 0.3, 401);
  nmf_options o = fixed_run();
  o.solver = NMF_SOLVER_HALS;
  o.hals_alpha = 0;
  auto d = fit_dense<double>(A, 4, o);
  auto s = fit_csc<double>(to_csc<int64_t>(A, 3), 4, o);  // with explicit zeros too
  expect_same_fit(d, s, 1e-9);
}

// The NNDSVD start (maxit = 0) of a CSC copy equals that of the dense copy,
// both for a matrix with a spectral gap (planted rank 4 + noise) and for one
// with a flat spectrum (random sparse).
TEST(DenseVsCsc, NndsvdStartSame) {
  const Dense gap = planted(60, 40, 4, 421, 0.3, 0.05, false).A;
  const Dense flat = sparse_random(60, 40, 0.3, 422);
  for (const Dense *A : {&gap, &flat}) {
    SCOPED_TRACE(A == &gap ? "spectral gap" : "flat spectrum");
    nmf_options o = fixed_run(0);
    o.init = NMF_INIT_NNDSVD;
    auto d = fit_dense<double>(*A, 4, o);
    auto s = fit_csc<double>(to_csc<int64_t>(*A), 4, o);
    expect_same_fit(d, s, 1e-8);
  }
}

// Explicit zeros stored in the CSC change nothing.
TEST(DenseVsCsc, ExplicitZerosIgnored) {
  Dense A = sparse_random(60, 40, 0.3, 431);
  auto plain = fit_csc<double>(to_csc<int32_t>(A), 4, fixed_run());
  Csc<int32_t> withz = to_csc<int32_t>(A, 3);
  ASSERT_GT(withz.val.size(), to_csc<int32_t>(A).val.size());
  auto z = fit_csc<double>(withz, 4, fixed_run());
  expect_same_fit(plain, z, 1e-12);
}

// A dense matrix with lda > m, its padding full of garbage (NaN, -1, Inf)
// that must never be read, gives the same result as the unpadded copy.
template <class T>
void padded_case(double tol) {
  Dense A = uniform(60, 40, 441);
  const int64_t m = A.m, n = A.n, lda = m + 5;
  std::vector<T> pad(static_cast<size_t>(lda * n));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < lda; ++i)
      pad[i + j * lda] = i < m ? static_cast<T>(A(i, j))
                       : (i % 3 == 0 ? std::numeric_limits<T>::quiet_NaN()
                                     : i % 3 == 1 ? T(-1) : std::numeric_limits<T>::infinity());
  for (int32_t init : {NMF_INIT_RANDOM, NMF_INIT_NNDSVDA}) {
    SCOPED_TRACE("init " + std::to_string(init));
    nmf_options o = fixed_run(50);
    o.init = init;
    auto ref = fit_dense<T>(A, 4, o);
    Fit<T> f;
    f.m = m, f.n = n, f.k = 4;
    f.W.resize(m * 4), f.H.resize(4 * n), f.d.resize(4);
    nmf_result_init(&f.res, sizeof f.res);
    f.status = call_dense(pad.data(), m, n, lda, 4, f.W.data(), f.d.data(), f.H.data(), &o, &f.res);
    f.msg = nmf_last_error_message();
    expect_same_fit(ref, f, tol);
    if (!bitwise_equal(ref.W, f.W))
      std::cout << "[note] lda > m: not bitwise identical to lda = m (within tolerance)\n";
  }
}
TEST(Layout, PaddedLeadingDimensionDouble) { padded_case<double>(1e-12); }
TEST(Layout, PaddedLeadingDimensionFloat) { padded_case<float>(1e-5); }

// float and double reach the same loss on the same problem and seed.
class FloatVsDouble : public ::testing::TestWithParam<Path> {};
INSTANTIATE_TEST_SUITE_P(Paths, FloatVsDouble, ::testing::Values(Path::dense, Path::csc32),
                         [](const auto &info) { return std::string(path_name(info.param)); });
TEST_P(FloatVsDouble, SameLoss) {
  Planted p = planted(60, 40, 4, 451, 0.3, 0.2, true);
  for (int32_t init : {NMF_INIT_RANDOM, NMF_INIT_NNDSVD}) {
    SCOPED_TRACE("init " + std::to_string(init));
    nmf_options o = fixed_run(200);
    o.init = init;
    auto d = fit_any<double>(GetParam(), p.A, 4, o);
    auto f = fit_any<float>(GetParam(), p.A, 4, o);
    ASSERT_EQ(d.status, NMF_OK) << d.msg;
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    // The losses of the two outputs, recomputed here in double ...
    const double ld = ref_loss(p.A, d), lf = ref_loss(p.A, f);
    EXPECT_LE(rel_diff(ld, lf), 1e-4) << "double " << ld << " float " << lf;
    // ... and the reported ones, within their accuracy (loss_abs_tol).
    EXPECT_NEAR(d.res.loss, ld, loss_abs_tol<double>(p.A, ld));
    EXPECT_NEAR(f.res.loss, lf, loss_abs_tol<float>(p.A, lf));
  }
}

// With the default stopping rule (tol = 1e-5 on the relative decrease of the
// reported loss) a float fit of well-fitting data (rel_error ~ 1%) gets as
// far as a double fit: the float iterate can represent the optimum to ~1e-7,
// so only a stopping decision made on rounding noise would stop it early.
TEST_P(FloatVsDouble, DefaultTolReachesSameLoss) {
  Planted p = planted(200, 150, 5, 21, 0.3, 0.01, false);
  nmf_options o = test_options();
  o.maxit = 5000;
  auto d = fit_any<double>(GetParam(), p.A, 5, o);
  auto f = fit_any<float>(GetParam(), p.A, 5, o);
  ASSERT_EQ(d.status, NMF_OK) << d.msg;
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_EQ(d.res.stop_reason, NMF_STOP_TOL);
  const double ld = ref_loss(p.A, d), lf = ref_loss(p.A, f);
  EXPECT_LE(lf, ld * (1 + 1e-3)) << "float stopped after " << f.res.iterations
                                 << " iterations (double " << d.res.iterations
                                 << "); its reported loss " << f.res.loss << " vs recomputed " << lf;
}

// An all-zero row and an all-zero column are valid input.  The fit assigns
// them zero: W's row and H's column are (numerically) zero, since any
// positive entry there only adds to the loss.
class ZeroRowsCols : public ::testing::TestWithParam<Path> {};
INSTANTIATE_TEST_SUITE_P(Paths, ZeroRowsCols,
                         ::testing::Values(Path::dense, Path::csc32, Path::csc64),
                         [](const auto &info) { return std::string(path_name(info.param)); });
TEST_P(ZeroRowsCols, Work) {
  Dense A = uniform(40, 30, 461);
  for (int64_t j = 0; j < A.n; ++j) A(5, j) = 0;
  for (int64_t i = 0; i < A.m; ++i) A(i, 7) = 0;
  nmf_options o = fixed_run(100);
  auto f = fit_any<double>(GetParam(), A, 3, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  EXPECT_LE(rel_diff(f.res.rel_error, ref_rel_error(A, f)), 1e-8);
  double wmax = *std::max_element(f.W.begin(), f.W.end());
  double hmax = *std::max_element(f.H.begin(), f.H.end());
  for (int64_t l = 0; l < 3; ++l) {
    EXPECT_LE(f.W[5 + l * A.m], 1e-12 * wmax) << "W row of the zero row, component " << l;
    EXPECT_LE(f.H[l + 7 * 3], 1e-12 * hmax) << "H column of the zero column, component " << l;
  }
}

// NNDSVD on a matrix with zero rows/columns must not divide by zero.
TEST(ZeroRowsCols, NndsvdWorks) {
  Dense A = uniform(40, 30, 471);
  for (int64_t j = 0; j < A.n; ++j) A(0, j) = 0;
  for (int64_t i = 0; i < A.m; ++i) A(i, 0) = 0;
  for (int32_t init : {NMF_INIT_NNDSVD, NMF_INIT_NNDSVDA, NMF_INIT_NNDSVDAR}) {
    SCOPED_TRACE("init " + std::to_string(init));
    nmf_options o = fixed_run(20);
    o.init = init;
    auto f = fit_dense<double>(A, 4, o);
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    expect_canonical(f);
  }
}

// Shapes at the edges: k = min(m, n) for wide and tall matrices, and a
// single row with k = 1 (exactly factorable: W = 1, d = sum(A), H = A / d).
TEST(Shapes, RankEqualsMinDimension) {
  for (auto mn : {std::pair<int64_t, int64_t>{8, 50}, {50, 8}}) {
    Dense A = uniform(mn.first, mn.second, 481);
    nmf_options o = fixed_run(200);
    for (Path p : {Path::dense, Path::csc64}) {
      SCOPED_TRACE(std::string(path_name(p)) + " " + std::to_string(mn.first) + "x" +
                   std::to_string(mn.second));
      auto f = fit_any<double>(p, A, 8, o);
      ASSERT_EQ(f.status, NMF_OK) << f.msg;
      expect_canonical(f);
      EXPECT_LE(rel_diff(f.res.loss, ref_loss(A, f)), 1e-6);
    }
  }
}

TEST(Shapes, SingleRowRankOne) {
  Dense A = uniform(1, 30, 491);
  auto f = fit_dense<double>(A, 1, fixed_run(10));
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  double s = std::accumulate(A.a.begin(), A.a.end(), 0.0);
  EXPECT_NEAR(f.W[0], 1.0, 1e-15);
  EXPECT_LE(rel_diff(f.d[0], s), 1e-12);
  std::vector<double> h(A.a);
  for (auto &x : h) x /= s;
  EXPECT_LE(max_rel_diff(f.H, h), 1e-12);
  EXPECT_LE(f.res.rel_error, 1e-7);
}

// The zero matrix: nmf.h does not say whether it is an error.  Either the fit
// succeeds with a zero reconstruction (components zero with d = 0) and finite
// numbers, or it fails with a documented code and a message; never NaN.
TEST(Shapes, ZeroMatrix) {
  Dense A(20, 10, 0.0);
  for (Path p : {Path::dense, Path::csc32}) {
    for (int32_t init : {NMF_INIT_RANDOM, NMF_INIT_NNDSVD}) {
      SCOPED_TRACE(std::string(path_name(p)) + " init " + std::to_string(init));
      nmf_options o = fixed_run(10);
      o.init = init;
      auto f = fit_any<double>(p, A, 2, o);
      std::cout << "[note] zero matrix, " << path_name(p) << ", init " << init << ": status "
                << f.status << " (" << nmf_strerror(f.status) << ") message \"" << f.msg
                << "\" rel_error " << f.res.rel_error << " loss " << f.res.loss << "\n";
      if (f.status == NMF_OK) {
        expect_canonical(f);
        EXPECT_EQ(ref_loss(A, f), 0.0) << "the best fit of 0 is 0";
        EXPECT_TRUE(std::isfinite(f.res.loss));
        EXPECT_FALSE(std::isnan(f.res.rel_error));
      } else {
        EXPECT_LT(f.status, 0);
        EXPECT_FALSE(f.msg.empty());
      }
    }
  }
}

}  // namespace
