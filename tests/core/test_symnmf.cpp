// Symmetric NMF (nmf_symfit_*): recovery, the KKT conditions of
// min ||A - H H^T||^2, the penalised objective, determinism across threads,
// dense vs CSC vs float, isolated nodes, cancellation and every error.
// References are computed here in double.
#include "nmf_test_util.hpp"

namespace {

using nt::Dense;

// A symmetric n x n matrix from planted H0 (n x k, column-major).
Dense gram_of(const std::vector<double> &h0, int64_t n, int64_t k) {
  Dense A(n, n);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (int64_t c = 0; c < k; ++c) s += h0[size_t(i + c * n)] * h0[size_t(j + c * n)];
      A(i, j) = s;
    }
  return A;
}

// A planted-partition graph: `blocks` equal blocks, edge probabilities pin
// within and pout between, no self-loops (std::mt19937_64, fixed seed).
Dense planted_graph(int64_t n, int64_t blocks, double pin, double pout, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Dense A(n, n);
  const int64_t size = n / blocks;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < j; ++i) {
      const bool same = i / size == j / size;
      if (u(rng) < (same ? pin : pout)) A(i, j) = A(j, i) = 1.0;
    }
  return A;
}

struct SymFit {
  int32_t rc = 0;
  std::vector<double> H;  // n x k
  nmf_symfit_result res{};
  std::vector<double> history;
  std::string message;
};

nmf_options options(int32_t threads = 1) {
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.n_threads = threads;
  return o;
}

template <class F>
SymFit run(int64_t n, int64_t k, const nmf_options &o, F call) {
  SymFit f;
  f.H.assign(size_t(n * std::max<int64_t>(k, 1)), -1.0);
  f.history.assign(100000, 0.0);
  nmf_symfit_result_init(&f.res, sizeof f.res);
  f.res.loss_history = f.history.data();
  f.res.loss_history_capacity = int64_t(f.history.size());
  f.rc = call(f.H.data(), &o, &f.res);
  f.message = nmf_last_error_message();
  f.history.resize(size_t(f.res.history_length));
  return f;
}

SymFit fit_dense(const Dense &A, int64_t k, const nmf_options &o) {
  return run(A.n, k, o, [&](double *H, const nmf_options *op, nmf_symfit_result *r) {
    return nmf_symfit_dense_d(A.a.data(), A.n, A.m, k, H, op, r);
  });
}
SymFit fit_csc(const Dense &A, int64_t k, const nmf_options &o) {
  const auto c = nt::to_csc<int32_t>(A);
  return run(A.n, k, o, [&](double *H, const nmf_options *op, nmf_symfit_result *r) {
    return nmf_symfit_csc_d_i32(A.n, c.col_ptr.data(), c.row_ind.data(),
                                c.val.data(), k, H, op, r);
  });
}

// ||A - H H^T||_F / ||A||_F in double.
double rel_error(const Dense &A, const std::vector<double> &H, int64_t k) {
  const Dense R = gram_of(H, A.n, k);
  double num = 0, den = 0;
  for (size_t t = 0; t < A.a.size(); ++t) {
    num += (A.a[t] - R.a[t]) * (A.a[t] - R.a[t]);
    den += A.a[t] * A.a[t];
  }
  return std::sqrt(num / den);
}

TEST(SymNmf, RecoversExactSymmetricLowRank) {
  const int64_t n = 40, k = 3;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> h0(size_t(n * k), 0.0);
  // Disjoint supports with overlap on a few nodes: a unique factorisation
  // up to the order of the columns.
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < k; ++c)
      if (i % k == c || i % 7 == 0) h0[size_t(i + c * n)] = 0.5 + u(rng);
  const Dense A = gram_of(h0, n, k);
  nmf_options o = options();
  o.maxit = 5000;
  o.tol = 1e-12;
  const SymFit f = fit_dense(A, k, o);
  ASSERT_EQ(f.rc, NMF_OK) << f.message;
  EXPECT_LT(f.res.rel_error, 1e-5);
  EXPECT_NEAR(rel_error(A, f.H, k), f.res.rel_error, 1e-6);
  // H H^T reproduces A, and H matches H0 up to a permutation of columns.
  for (int64_t c = 0; c < k; ++c) {
    double best = 1e300;
    for (int64_t d = 0; d < k; ++d) {
      double e = 0;
      for (int64_t i = 0; i < n; ++i)
        e = std::max(e, std::fabs(f.H[size_t(i + c * n)] - h0[size_t(i + d * n)]));
      best = std::min(best, e);
    }
    EXPECT_LT(best, 1e-3) << "column " << c;
  }
  for (double v : f.H) EXPECT_GE(v, 0.0);
}

TEST(SymNmf, KktOfTheSymmetricProblemHoldAtConvergence) {
  const int64_t n = 120, k = 4;
  const Dense A = planted_graph(n, 4, 0.4, 0.05, 11);
  nmf_options o = options();
  o.maxit = 20000;
  o.tol = 1e-12;
  o.solver = NMF_SOLVER_ANLS;
  const SymFit f = fit_dense(A, k, o);
  ASSERT_EQ(f.rc, NMF_OK) << f.message;
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_TOL);
  EXPECT_LT(f.res.gap, 1e-5);
  // Gradient of ||A - HH^T||^2: 4 (H H^T H - A H).  KKT: H >= 0, grad >= 0
  // where H = 0, grad = 0 where H > 0: |min(H, grad)| small.
  std::vector<double> hth(size_t(k * k), 0.0), ah(size_t(n * k), 0.0);
  for (int64_t a = 0; a < k; ++a)
    for (int64_t b = 0; b < k; ++b)
      for (int64_t i = 0; i < n; ++i)
        hth[size_t(a + b * k)] += f.H[size_t(i + a * n)] * f.H[size_t(i + b * n)];
  for (int64_t c = 0; c < k; ++c)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < n; ++i) ah[size_t(i + c * n)] += A(i, j) * f.H[size_t(j + c * n)];
  double worst = 0, scale = 0;
  for (int64_t c = 0; c < k; ++c)
    for (int64_t i = 0; i < n; ++i) {
      double hhh = 0;
      for (int64_t b = 0; b < k; ++b) hhh += f.H[size_t(i + b * n)] * hth[size_t(b + c * k)];
      const double g = 4 * (hhh - ah[size_t(i + c * n)]);
      scale = std::max(scale, 4 * std::fabs(ah[size_t(i + c * n)]));
      worst = std::max(worst, std::fabs(std::min(f.H[size_t(i + c * n)], g)));
    }
  EXPECT_LT(worst, 1e-4 * scale) << "worst " << worst << " scale " << scale;
}

TEST(SymNmf, PenalisedObjectiveNeverIncreases) {
  const Dense A = planted_graph(200, 5, 0.3, 0.03, 3);
  for (int32_t solver : {NMF_SOLVER_HALS, NMF_SOLVER_ANLS}) {
    nmf_options o = options();
    o.solver = solver;
    // tol = 0: alpha grows only after a step that did not decrease the
    // objective at all, so every recorded step is at one alpha (or the
    // run stopped there, converged).
    o.tol = 0;
    o.maxit = 60;
    const SymFit f = fit_dense(A, 5, o);
    ASSERT_EQ(f.rc, NMF_OK) << f.message;
    ASSERT_EQ(int64_t(f.history.size()), f.res.iterations);
    ASSERT_GE(f.history.size(), 20u);
    for (size_t t = 1; t < f.history.size(); ++t)
      EXPECT_LE(f.history[t], f.history[t - 1] * (1 + 1e-12)) << "iteration " << t + 1;
    EXPECT_LT(f.history.back(), 0.99 * f.history.front());
  }
}

TEST(SymNmf, BitwiseIdenticalForAnyThreadCount) {
  // Big enough that the products and the sweeps run in parallel.
  const Dense dense = planted_graph(1500, 6, 0.2, 0.02, 5);
  const Dense sparse = planted_graph(5000, 10, 0.07, 0.002, 9);
  for (int32_t solver : {NMF_SOLVER_HALS, NMF_SOLVER_ANLS}) {
    std::vector<double> ref_d, ref_s;
    for (int32_t threads : {1, 2, 4}) {
      nmf_options o = options(threads);
      o.solver = solver;
      o.maxit = 15;
      const SymFit d = fit_dense(dense, 10, o);
      const SymFit s = fit_csc(sparse, 16, o);
      ASSERT_EQ(d.rc, NMF_OK) << d.message;
      ASSERT_EQ(s.rc, NMF_OK) << s.message;
      if (threads == 1) {
        ref_d = d.H;
        ref_s = s.H;
        continue;
      }
      EXPECT_EQ(0, std::memcmp(ref_d.data(), d.H.data(), ref_d.size() * sizeof(double)))
          << "dense, solver " << solver << ", threads " << threads;
      EXPECT_EQ(0, std::memcmp(ref_s.data(), s.H.data(), ref_s.size() * sizeof(double)))
          << "CSC, solver " << solver << ", threads " << threads;
    }
  }
}

TEST(SymNmf, DenseCscAndFloatAgree) {
  const int64_t n = 300, k = 5;
  const Dense A = planted_graph(n, 5, 0.3, 0.02, 21);
  nmf_options o = options(2);
  o.maxit = 300;
  const SymFit d = fit_dense(A, k, o);
  const SymFit s = fit_csc(A, k, o);
  ASSERT_EQ(d.rc, NMF_OK) << d.message;
  ASSERT_EQ(s.rc, NMF_OK) << s.message;
  EXPECT_EQ(d.res.iterations, s.res.iterations);
  double hmax = 0, diff = 0;
  for (size_t t = 0; t < d.H.size(); ++t) {
    hmax = std::max(hmax, d.H[t]);
    diff = std::max(diff, std::fabs(d.H[t] - s.H[t]));
  }
  EXPECT_LT(diff, 1e-8 * hmax);

  // float: the same communities and nearly the same error.
  std::vector<float> af(A.a.begin(), A.a.end()), hf(size_t(n * k));
  nmf_symfit_result rf;
  nmf_symfit_result_init(&rf, sizeof rf);
  ASSERT_EQ(nmf_symfit_dense_f(af.data(), n, n, k, hf.data(), &o, &rf), NMF_OK);
  EXPECT_NEAR(rf.rel_error, d.res.rel_error, 1e-4);
  int agree = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = 0, b = 0;
    for (int64_t c = 1; c < k; ++c) {
      if (d.H[size_t(i + c * n)] > d.H[size_t(i + a * n)]) a = c;
      if (hf[size_t(i + c * n)] > hf[size_t(i + b * n)]) b = c;
    }
    agree += a == b;
  }
  EXPECT_GE(agree, n - 2);
}

TEST(SymNmf, ScalingAScalesH) {
  // A -> 4A: the internal problem is the same (A is scaled to max 1, by a
  // power of two here, so without rounding) and H doubles, bit for bit.
  Dense A = planted_graph(120, 3, 0.4, 0.05, 6);
  for (auto &v : A.a) v *= 0.75;
  Dense B = A;
  for (auto &v : B.a) v *= 4.0;
  const SymFit a = fit_dense(A, 3, options());
  const SymFit b = fit_dense(B, 3, options());
  ASSERT_EQ(a.rc, NMF_OK) << a.message;
  ASSERT_EQ(b.rc, NMF_OK) << b.message;
  EXPECT_EQ(a.res.iterations, b.res.iterations);
  for (size_t t = 0; t < a.H.size(); ++t) ASSERT_EQ(2.0 * a.H[t], b.H[t]) << t;
  EXPECT_DOUBLE_EQ(b.res.loss, 16.0 * a.res.loss);
  EXPECT_DOUBLE_EQ(b.res.alpha, 4.0 * a.res.alpha);
  EXPECT_DOUBLE_EQ(a.res.rel_error, b.res.rel_error);
}

TEST(SymNmf, IsolatedNodesKeepZeroRows) {
  Dense A = planted_graph(90, 3, 0.5, 0.05, 4);
  const std::vector<int64_t> lonely = {0, 17, 89};
  for (int64_t v : lonely)
    for (int64_t i = 0; i < A.n; ++i) A(i, v) = A(v, i) = 0.0;
  A(5, 5) = 1.0;  // a self-loop is an ordinary entry
  for (int path = 0; path < 2; ++path) {
    const SymFit f = path ? fit_csc(A, 3, options()) : fit_dense(A, 3, options());
    ASSERT_EQ(f.rc, NMF_OK) << f.message;
    EXPECT_EQ(f.res.isolated, 3);
    for (int64_t v : lonely)
      for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(f.H[size_t(v + c * A.n)], 0.0);
    double row5 = 0;
    for (int64_t c = 0; c < 3; ++c) row5 += f.H[size_t(5 + c * A.n)];
    EXPECT_GT(row5, 0.0);
  }
}

int32_t cancel_at_three(int64_t it, int64_t, double, double, void *calls) {
  ++*static_cast<int *>(calls);
  return it == 3;
}

TEST(SymNmf, CancellationStopsWithTheLastIterate) {
  const Dense A = planted_graph(200, 4, 0.3, 0.03, 8);
  nmf_options o = options();
  int calls = 0;
  o.progress = cancel_at_three;
  o.progress_data = &calls;
  const SymFit c = fit_dense(A, 4, o);
  EXPECT_EQ(c.rc, NMF_CANCELLED);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(c.res.iterations, 3);
  EXPECT_EQ(c.res.stop_reason, NMF_STOP_CANCELLED);
  nmf_options three = options();
  three.maxit = 3;
  const SymFit m = fit_dense(A, 4, three);
  ASSERT_EQ(m.rc, NMF_OK);
  EXPECT_EQ(m.res.stop_reason, NMF_STOP_MAXIT);
  EXPECT_EQ(0, std::memcmp(c.H.data(), m.H.data(), c.H.size() * sizeof(double)));
}

TEST(SymNmf, BadInputsGiveTheirErrors) {
  Dense A = planted_graph(30, 3, 0.5, 0.1, 2);
  A(4, 9) = A(9, 4) = 1.0;
  A(2, 7) = 1.0;  // (3, 8) 1-based: A[3,8] = 1, A[8,3] = 0 ...
  A(7, 2) = 0.0;
  A(12, 20) = 0.5;  // ... and a later pair
  A(20, 12) = 0.0;
  for (int path = 0; path < 2; ++path) {
    const SymFit f = path ? fit_csc(A, 3, options()) : fit_dense(A, 3, options());
    EXPECT_EQ(f.rc, NMF_ERR_INVALID_ARGUMENT);
    EXPECT_NE(f.message.find("not symmetric: A[3, 8] = 1 but A[8, 3] = 0"), std::string::npos)
        << f.message;
    int64_t r, c;
    EXPECT_EQ(nmf_last_error_location(&r, &c), 1);
    EXPECT_EQ(r, 2);
    EXPECT_EQ(c, 7);
  }
  // Within the tolerance (1e-6 max|A|): accepted.
  A(7, 2) = 1.0 - 1e-9;
  A(20, 12) = 0.5;
  EXPECT_EQ(fit_dense(A, 3, options()).rc, NMF_OK);

  Dense neg = A;
  neg(1, 0) = neg(0, 1) = -1.0;
  SymFit f = fit_dense(neg, 3, options());
  EXPECT_EQ(f.rc, NMF_ERR_NEGATIVE);
  EXPECT_NE(f.message.find("negative entry"), std::string::npos) << f.message;
  EXPECT_EQ(fit_csc(neg, 3, options()).rc, NMF_ERR_NEGATIVE);
  Dense nan = A;
  nan(3, 3) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(fit_dense(nan, 3, options()).rc, NMF_ERR_NOT_FINITE);

  f = fit_dense(A, 31, options());
  EXPECT_EQ(f.rc, NMF_ERR_RANK);
  EXPECT_NE(f.message.find("k = 31 exceeds the number of nodes n = 30"), std::string::npos)
      << f.message;
  EXPECT_EQ(fit_csc(A, 0, options()).rc, NMF_ERR_RANK);

  nmf_options kl = options();
  kl.loss = NMF_LOSS_KL;
  f = fit_dense(A, 3, kl);
  EXPECT_EQ(f.rc, NMF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(f.message.find("Frobenius"), std::string::npos) << f.message;
  nmf_options mu = options();
  mu.solver = NMF_SOLVER_MU;
  EXPECT_EQ(fit_dense(A, 3, mu).rc, NMF_ERR_INVALID_ARGUMENT);

  std::vector<double> H(30 * 3);
  EXPECT_EQ(nmf_symfit_dense_d(A.a.data(), 30, 29, 3, H.data(), nullptr, nullptr),
            NMF_ERR_DIMENSION);
  EXPECT_EQ(nmf_symfit_dense_d(A.a.data(), 30, 30, 3, nullptr, nullptr, nullptr),
            NMF_ERR_NULL_POINTER);
  EXPECT_EQ(nmf_symfit_dense_d(nullptr, 30, 30, 3, H.data(), nullptr, nullptr),
            NMF_ERR_NULL_POINTER);
  nmf_symfit_result small;
  small.struct_size = 4;
  EXPECT_EQ(nmf_symfit_dense_d(A.a.data(), 30, 30, 3, H.data(), nullptr, &small),
            NMF_ERR_STRUCT_SIZE);
  // Malformed CSC: a row index out of range.
  const std::vector<int64_t> cp = {0, 1, 1};
  const std::vector<int32_t> ri = {5};
  const std::vector<double> v = {1.0};
  EXPECT_EQ(nmf_symfit_csc_d_i32(2, cp.data(), ri.data(), v.data(), 1, H.data(),
                                 nullptr, nullptr),
            NMF_ERR_SPARSE_STRUCTURE);
}

TEST(SymNmf, AllZeroMatrixGivesZeroFactor) {
  const Dense A(10, 10);
  const SymFit f = fit_dense(A, 2, options());
  ASSERT_EQ(f.rc, NMF_OK) << f.message;
  EXPECT_EQ(f.res.isolated, 10);
  EXPECT_EQ(f.res.stop_reason, NMF_STOP_EXACT);
  for (double v : f.H) EXPECT_EQ(v, 0.0);
}

}  // namespace
