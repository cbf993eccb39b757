// The core's inner kernels against straightforward references written here:
// the panel HALS sweep (hals.hpp, kernels.hpp) must give bitwise the numbers
// of sweeping each column on its own, and the sparse products (products.hpp)
// must match a dense product in double and not depend on the thread count.
// These reach below the C ABI, so this program links the static archive and
// the core's internal headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "nmf/hals.hpp"
#include "nmf/products.hpp"
#include "nmf/sketch.hpp"
#include "nmf/solver_choice.hpp"
#include "nmf/svd.hpp"

namespace {

// One column, sweep by sweep: x_j <- max(0, x_j + (b_j - l1 - (Gx)_j - l2
// x_j) / (G_jj + l2)), tiny values flushed, rounded to T; stop after a first
// sweep that changes nothing or once a sweep's squared change is at most
// delta^2 times the first's.
template <class T>
void reference_column(T* x, const T* b, const std::vector<double>& g,
                      int64_t k, double l1, double l2, int max_sweeps,
                      double delta) {
  double first = 0;
  for (int s = 0; s < max_sweeps; ++s) {
    double change = 0;
    for (int64_t j = 0; j < k; ++j) {
      double gx = 0;
      for (int64_t l = 0; l < k; ++l) gx += g[size_t(l + j * k)] * double(x[l]);
      const double old = double(x[j]);
      const double den = g[size_t(j + j * k)] + l2;
      double nv = den > 0 ? old + (double(b[j]) - l1 - gx - l2 * old) / den : 0;
      if (!(nv > 0) || nv < nmf::kFlushBelow<T>) nv = 0;
      x[j] = T(nv);
      change += (double(x[j]) - old) * (double(x[j]) - old);
    }
    if (s == 0) {
      first = change;
      if (change == 0) break;
    } else if (change <= delta * delta * first) {
      break;
    }
  }
}

template <class T>
void check_panel_sweep(int64_t k, int64_t len, int max_sweeps, double delta,
                       double l1, double l2, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  // G = Z Z^T (k x k, symmetric positive semidefinite), B = Z A-like.
  std::vector<double> z(size_t(k * 3 * k)), g(size_t(k * k), 0.0);
  for (auto& v : z) v = u(rng);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      for (int64_t t = 0; t < 3 * k; ++t)
        g[size_t(i + j * k)] += z[size_t(i + t * k)] * z[size_t(j + t * k)];
  std::vector<T> x(size_t(k * len)), b(size_t(k * len));
  for (auto& v : x) v = u(rng) < 0.3 ? T(0) : T(u(rng));
  for (auto& v : b) v = T(u(rng) * double(k));
  std::vector<T> want = x;
  for (int64_t c = 0; c < len; ++c)
    reference_column(want.data() + c * k, b.data() + c * k, g, k, l1, l2,
                     max_sweeps, delta);
  for (int threads : {1, 3}) {
    std::vector<T> got = x;
    nmf::hals_update(got.data(), b.data(), g.data(), k, len, l1, l2,
                     max_sweeps, delta, threads);
    ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(T)))
        << "k=" << k << " len=" << len << " sweeps=" << max_sweeps
        << " delta=" << delta << " threads=" << threads;
  }
}

TEST(Kernels, PanelSweepIsBitwiseTheColumnSweep) {
  // Lengths around the panel width, ranks from 1 to past a vector register,
  // one sweep, the inner-stopping rule active or not, penalties.
  uint64_t seed = 1;
  for (int64_t k : {1, 3, 20, 33})
    for (int64_t len : {1, 15, 16, 17, 70})
      for (int sweeps : {1, 4, 60})
        for (double delta : {0.0, 0.1, 0.6}) {
          check_panel_sweep<double>(k, len, sweeps, delta, 0.0, 0.0, ++seed);
          check_panel_sweep<float>(k, len, sweeps, delta, 0.0, 0.0, ++seed);
        }
  check_panel_sweep<double>(20, 50, 10, 0.1, 0.3, 0.2, 99);
  check_panel_sweep<float>(20, 50, 10, 0.1, 0.3, 0.2, 100);
  // Large enough for the parallel region (kernels::worth_threads).
  ASSERT_TRUE(nmf::kernels::worth_threads(2.0 * 20 * 20 * 2000 * 10));
  check_panel_sweep<double>(20, 2000, 10, 0.1, 0.0, 0.0, 101);
  check_panel_sweep<float>(20, 2000, 10, 0.1, 0.0, 0.0, 102);
}

// A random CSC with empty columns and rows, as dense reference and CSC.
struct Sparse {
  int64_t m, n;
  std::vector<double> dense;  // column-major m x n
  std::vector<int64_t> col_ptr{0};
  std::vector<int64_t> row_ind;
  std::vector<double> values;
  std::vector<int64_t> row_nnz;
};

Sparse random_sparse(int64_t m, int64_t n, double density, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Sparse s{m, n, std::vector<double>(size_t(m * n), 0.0), {0}, {}, {},
           std::vector<int64_t>(size_t(m), 0)};
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < m; ++i)
      if (j % 7 != 3 && i % 5 != 2 && u(rng) < density) {
        const double v = 0.5 + u(rng);
        s.dense[size_t(i + j * m)] = v;
        s.row_ind.push_back(i);
        s.values.push_back(v);
        ++s.row_nnz[size_t(i)];
      }
    s.col_ptr.push_back(int64_t(s.row_ind.size()));
  }
  return s;
}

template <class T, class I>
void check_sparse_products(const Sparse& s, int64_t k, double tol) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<T> wt(size_t(k * s.m)), h(size_t(k * s.n));
  for (auto& v : wt) v = T(u(rng));
  for (auto& v : h) v = T(u(rng));
  std::vector<I> ri(s.row_ind.begin(), s.row_ind.end());
  std::vector<T> vals(s.values.begin(), s.values.end());
  nmf::CscView<T, I> view{s.m, s.n, s.col_ptr.data(), ri.data(), vals.data()};
  const double alpha = 0.75;
  // References in double: alpha Wt A (k x n) and alpha H A^T (k x m).
  std::vector<double> left_ref(size_t(k * s.n), 0.0), right_ref(size_t(k * s.m), 0.0);
  for (int64_t j = 0; j < s.n; ++j)
    for (int64_t i = 0; i < s.m; ++i) {
      const double a = alpha * double(T(s.dense[size_t(i + j * s.m)]));
      if (a == 0) continue;
      for (int64_t r = 0; r < k; ++r) {
        left_ref[size_t(r + j * k)] += double(wt[size_t(r + i * k)]) * a;
        right_ref[size_t(r + i * k)] += double(h[size_t(r + j * k)]) * a;
      }
    }
  std::vector<T> left1, right1;
  for (int threads : {1, 2, 3, 8}) {
    nmf::CscOps<T, I> ops(view, s.row_nnz, threads);
    std::vector<T> left(size_t(k * s.n)), right(size_t(k * s.m));
    ops.left(wt.data(), k, left.data(), threads, alpha);
    ops.right(h.data(), k, right.data(), threads, alpha);
    for (size_t t = 0; t < left.size(); ++t)
      ASSERT_NEAR(double(left[t]), left_ref[t], tol * (1 + std::fabs(left_ref[t])));
    for (size_t t = 0; t < right.size(); ++t)
      ASSERT_NEAR(double(right[t]), right_ref[t], tol * (1 + std::fabs(right_ref[t])));
    if (threads == 1) {
      left1 = left;
      right1 = right;
    } else {
      EXPECT_EQ(0, std::memcmp(left.data(), left1.data(), left.size() * sizeof(T)));
      EXPECT_EQ(0, std::memcmp(right.data(), right1.data(), right.size() * sizeof(T)));
    }
  }
}

TEST(Kernels, SparseProductsMatchDenseAndIgnoreThreadCount) {
  const Sparse s = random_sparse(61, 83, 0.15, 3);
  for (int64_t k : {1, 7, 20}) {
    check_sparse_products<double, int32_t>(s, k, 1e-12);
    check_sparse_products<double, int64_t>(s, k, 1e-12);
    check_sparse_products<float, int32_t>(s, k, 1e-5);
    check_sparse_products<float, int64_t>(s, k, 1e-5);
  }
  // Large enough for the parallel regions (kernels::worth_threads).
  const Sparse big = random_sparse(600, 1000, 0.3, 6);
  ASSERT_TRUE(nmf::kernels::worth_threads(2.0 * double(big.values.size()) * 20));
  for (int64_t k : {20, 33}) {
    check_sparse_products<double, int32_t>(big, k, 1e-12);
    check_sparse_products<float, int64_t>(big, k, 1e-5);
  }
  // More row blocks than non-empty rows, and a single row.
  check_sparse_products<double, int32_t>(random_sparse(3, 40, 0.5, 4), 4, 1e-12);
  check_sparse_products<double, int32_t>(random_sparse(1, 40, 0.5, 5), 2, 1e-12);
}

// The dense products: fixed blocks of one BLAS call each, so the same bits
// for any thread count, and the products they stand for.
TEST(Kernels, DenseProductsMatchReferenceAndIgnoreThreadCount) {
  const int64_t m = 700, n = 530, k = 8;
  ASSERT_TRUE(nmf::kernels::worth_threads(2.0 * m * n * k));
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> a(size_t(m * n)), wt(size_t(k * m)), h(size_t(k * n));
  for (auto* v : {&a, &wt, &h})
    for (auto& x : *v) x = u(rng);
  std::vector<double> left_ref(size_t(k * n), 0.0), right_ref(size_t(k * m), 0.0);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t r = 0; r < k; ++r) {
        left_ref[size_t(r + j * k)] += wt[size_t(r + i * k)] * a[size_t(i + j * m)];
        right_ref[size_t(r + i * k)] += h[size_t(r + j * k)] * a[size_t(i + j * m)];
      }
  nmf::DenseOps<double> ops(nmf::DenseView<double>{a.data(), m, n, m});
  std::vector<double> left1, right1;
  for (int threads : {1, 2, 3}) {
    std::vector<double> left(left_ref.size()), right(right_ref.size());
    ops.left(wt.data(), k, left.data(), threads);
    ops.right(h.data(), k, right.data(), threads);
    for (size_t t = 0; t < left.size(); ++t)
      ASSERT_NEAR(left[t], left_ref[t], 1e-12 * left_ref[t]);
    for (size_t t = 0; t < right.size(); ++t)
      ASSERT_NEAR(right[t], right_ref[t], 1e-12 * right_ref[t]);
    if (threads == 1) {
      left1 = left;
      right1 = right;
    } else {
      EXPECT_EQ(0, std::memcmp(left.data(), left1.data(), left.size() * 8));
      EXPECT_EQ(0, std::memcmp(right.data(), right1.data(), right.size() * 8));
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- sketch
// The compressed products (sketch.hpp) are the exact products of P A with
// P = Q Q^T: checked against P A formed here in double.  For an A of rank
// r <= l the range finder captures its whole range, so P A = A and the
// compressed products equal A's own.
namespace {

struct Sketched {
  std::vector<double> q, b;  // m x l, l x n
};

Sketched sketch_of(const std::vector<double>& a, int64_t m, int64_t n, int64_t l,
                   int power, int threads) {
  nmf::DenseOps<double> ops(nmf::DenseView<double>{a.data(), m, n, m});
  Sketched s;
  const nmf::Status st = nmf::range_sketch(ops, l, power, 1.0, 7, threads, s.q, s.b);
  EXPECT_TRUE(st.ok()) << st.message;
  return s;
}

std::vector<double> random_matrix(int64_t rows, int64_t cols, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(static_cast<size_t>(rows * cols));
  for (double& v : x) v = u(rng);
  return x;
}

}  // namespace

TEST(Sketch, ProductsAreThoseOfTheProjectedMatrix) {
  const int64_t m = 70, n = 45, l = 9, k = 4;
  const std::vector<double> a = random_matrix(m, n, 3);
  const Sketched s = sketch_of(a, m, n, l, 1, 1);
  // Q has orthonormal columns, and B = Q^T A.
  for (int64_t i = 0; i < l; ++i)
    for (int64_t j = 0; j < l; ++j) {
      double d = 0;
      for (int64_t r = 0; r < m; ++r) d += s.q[r + i * m] * s.q[r + j * m];
      EXPECT_NEAR(d, i == j ? 1.0 : 0.0, 1e-12);
    }
  // P A = Q (Q^T A), formed directly.
  std::vector<double> pa(static_cast<size_t>(m * n), 0.0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t t = 0; t < l; ++t) {
      double bt = 0;
      for (int64_t r = 0; r < m; ++r) bt += s.q[r + t * m] * a[r + c * m];
      EXPECT_NEAR(bt, s.b[t + c * l], 1e-12);
      for (int64_t r = 0; r < m; ++r) pa[r + c * m] += s.q[r + t * m] * bt;
    }
  nmf::SketchOps<double> ops(m, n, l, s.q, s.b);
  nmf::DenseOps<double> exact(nmf::DenseView<double>{pa.data(), m, n, m});
  const std::vector<double> wt = random_matrix(k, m, 11), h = random_matrix(k, n, 12);
  std::vector<double> got(static_cast<size_t>(k * std::max(m, n))),
      want(static_cast<size_t>(k * std::max(m, n)));
  ops.left(wt.data(), k, got.data(), 1);
  exact.left(wt.data(), k, want.data(), 1);
  for (int64_t t = 0; t < k * n; ++t) EXPECT_NEAR(got[t], want[t], 1e-10) << t;
  ops.right(h.data(), k, got.data(), 1);
  exact.right(h.data(), k, want.data(), 1);
  for (int64_t t = 0; t < k * m; ++t) EXPECT_NEAR(got[t], want[t], 1e-10) << t;
  EXPECT_NEAR(ops.cross_exact(wt.data(), h.data(), k, 1.0, 1),
              exact.cross_exact(wt.data(), h.data(), k, 1.0, 1), 1e-9);
}

TEST(Sketch, CapturesAMatrixOfLowRankExactly) {
  const int64_t m = 300, n = 200, r = 5, l = 8, k = 3;
  const std::vector<double> u = random_matrix(m, r, 21), v = random_matrix(r, n, 22);
  std::vector<double> a(static_cast<size_t>(m * n), 0.0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t t = 0; t < r; ++t)
      for (int64_t i = 0; i < m; ++i) a[i + c * m] += u[i + t * m] * v[t + c * r];
  const Sketched s = sketch_of(a, m, n, l, 0, 2);
  nmf::SketchOps<double> ops(m, n, l, s.q, s.b);
  nmf::DenseOps<double> exact(nmf::DenseView<double>{a.data(), m, n, m});
  const std::vector<double> wt = random_matrix(k, m, 23);
  std::vector<double> got(static_cast<size_t>(k * n)), want(static_cast<size_t>(k * n));
  ops.left(wt.data(), k, got.data(), 2);
  exact.left(wt.data(), k, want.data(), 1);
  for (int64_t t = 0; t < k * n; ++t) EXPECT_NEAR(got[t], want[t], 1e-9 * std::fabs(want[t]));
}

TEST(Sketch, ProductsDoNotDependOnTheThreadCount) {
  const int64_t m = 1500, n = 1100, l = 12, k = 5;  // several column blocks
  const std::vector<double> a = random_matrix(m, n, 31);
  const Sketched s1 = sketch_of(a, m, n, l, 1, 1), s2 = sketch_of(a, m, n, l, 1, 2);
  EXPECT_EQ(s1.q, s2.q);
  EXPECT_EQ(s1.b, s2.b);
  nmf::SketchOps<double> ops(m, n, l, s1.q, s1.b);
  const std::vector<double> wt = random_matrix(k, m, 32), h = random_matrix(k, n, 33);
  std::vector<double> x1(static_cast<size_t>(k * m)), x2(static_cast<size_t>(k * m));
  ops.right(h.data(), k, x1.data(), 1);
  ops.right(h.data(), k, x2.data(), 2);
  EXPECT_EQ(x1, x2);
  x1.resize(static_cast<size_t>(k * n));
  x2.resize(static_cast<size_t>(k * n));
  ops.left(wt.data(), k, x1.data(), 1);
  ops.left(wt.data(), k, x2.data(), 2);
  EXPECT_EQ(x1, x2);
}

// NMF_SKETCH_AUTO: dense inputs that are large against the sketch only;
// ON: any plain HALS/ANLS fit from an init method; never with weights,
// given factors, a divergence solver or maxit = 0.
TEST(Sketch, WhenTheRuleUsesIt) {
  using nmf::choose_sketch_rank;
  nmf::Options o;
  EXPECT_EQ(choose_sketch_rank(o, 20000, 1000, 20, true), 30);
  EXPECT_EQ(choose_sketch_rank(o, 20000, 1000, 20, false), 0) << "auto: dense only";
  EXPECT_EQ(choose_sketch_rank(o, 5000, 38, 3, true), 0) << "n < 4 l";
  EXPECT_EQ(choose_sketch_rank(o, 1000, 1000, 5, true), 0) << "fewer than 4e6 entries";
  EXPECT_EQ(choose_sketch_rank(o, 2000, 2000, 5, true), 15);
  o.sketch_rank = 50;
  EXPECT_EQ(choose_sketch_rank(o, 2000, 2000, 5, true), 50);
  o.sketch_rank = 0;
  o.sketch = nmf::kSketchOn;
  EXPECT_EQ(choose_sketch_rank(o, 40, 30, 3, false), 13);
  EXPECT_EQ(choose_sketch_rank(o, 40, 12, 3, true), 11) << "at most min(m, n) - 1";
  nmf::Options off = o;
  off.sketch = nmf::kSketchOff;
  EXPECT_EQ(choose_sketch_rank(off, 20000, 1000, 20, true), 0);
  nmf::Options given = o;
  given.user_h = true;
  EXPECT_EQ(choose_sketch_rank(given, 20000, 1000, 20, true), 0);
  nmf::Options mu = o;
  mu.solver = nmf::kSolverMu;
  EXPECT_EQ(choose_sketch_rank(mu, 20000, 1000, 20, true), 0);
  nmf::Options none = o;
  none.maxit = 0;
  EXPECT_EQ(choose_sketch_rank(none, 20000, 1000, 20, true), 0);
  nmf::Options anls = o;
  anls.solver = nmf::kSolverAnls;
  EXPECT_EQ(choose_sketch_rank(anls, 20000, 1000, 20, true), 30);
}

// KL's element-wise kernels of the blocked dense updates (mu_dense.hpp):
// the ratio is IEEE division (the same bits as the scalar loop), and the
// loss with its own vectorised logarithm matches the sum with std::log,
// over ratios from 1e-300 to 1e300, zeros of A, and lengths that leave a
// tail of every size.
namespace {

template <class T>
void check_kl_kernels() {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  for (int64_t len : {1, 5, 8, 13, 64, 101}) {
    for (double spread : {1.0, 30.0, 300.0}) {
      std::vector<T> a(static_cast<size_t>(len));
      std::vector<double> y(static_cast<size_t>(len));
      for (int64_t i = 0; i < len; ++i) {
        a[size_t(i)] = u(rng) < 0.25 ? T(0) : T(std::pow(10.0, (u(rng) - 0.5) * (spread < 100 ? spread : 30)));
        y[size_t(i)] = std::pow(10.0, (u(rng) - 0.5) * spread);
      }
      const double scale = 0.75;
      double ref_l = 0, ref_q = 0, ref_abs = 0;
      std::vector<double> ratio = y;
      for (int64_t i = 0; i < len; ++i) {
        const double av = scale * double(a[size_t(i)]), yv = y[size_t(i)];
        const double term = av > 0 ? av * std::log(av / yv) - av + yv : yv;
        ref_l += term;
        ref_abs += std::fabs(av * std::log(av > 0 ? av / yv : 1.0)) + av + yv;
        ref_q += (av - yv) * (av - yv);
        ratio[size_t(i)] = av > 0 ? av / yv : 0.0;
      }
      double l, q;
      nmf::kernels::kl_loss(a.data(), scale, y.data(), len, &l, &q);
      EXPECT_LE(std::fabs(l - ref_l), 1e-14 * ref_abs) << "len " << len << " spread " << spread;
      EXPECT_LE(std::fabs(q - ref_q), 1e-14 * ref_q) << "len " << len << " spread " << spread;
      std::vector<double> r = y;
      nmf::kernels::kl_ratio(a.data(), scale, len, r.data());
      EXPECT_EQ(0, std::memcmp(r.data(), ratio.data(), sizeof(double) * size_t(len)))
          << "len " << len;
      // Both in one pass: kl_loss's bits and kl_ratio's ratios.
      double fl, fq;
      std::vector<double> f = y;
      nmf::kernels::kl_ratio_loss(a.data(), scale, f.data(), len, &fl, &fq);
      EXPECT_EQ(0, std::memcmp(f.data(), ratio.data(), sizeof(double) * size_t(len)))
          << "len " << len;
      EXPECT_EQ(0, std::memcmp(&fl, &l, sizeof l)) << "len " << len;
      EXPECT_EQ(0, std::memcmp(&fq, &q, sizeof q)) << "len " << len;
    }
  }
}

// One entry's loss term at the edges of the range of doubles: a ratio a / y
// that is subnormal, zero (a model value overflowing to infinity), infinite
// (a zero model value) or normal in a lane next to those.
void check_kl_term(double a, double y) {
  std::vector<double> av(9, 0.5), yv(9, 0.25);
  av[3] = a;
  yv[3] = y;
  double ref = 0;
  for (size_t i = 0; i < av.size(); ++i)
    ref += av[i] > 0 ? av[i] * std::log(av[i] / yv[i]) - av[i] + yv[i] : yv[i];
  double l, q;
  nmf::kernels::kl_loss(av.data(), 1.0, yv.data(), 9, &l, &q);
  if (std::isfinite(ref))
    EXPECT_LE(std::fabs(l - ref), 1e-14 * std::fabs(ref) + 1e-300) << "a " << a << " y " << y;
  else
    EXPECT_TRUE(std::isnan(ref) ? std::isnan(l) : l == ref) << "a " << a << " y " << y << ": " << l;
}

}  // namespace

TEST(KlKernels, LogarithmCoversTheWholeRange) {
  check_kl_term(1e-300, 1e+20);   // ratio 1e-320, subnormal
  check_kl_term(4e-310, 1.0);     // subnormal a
  check_kl_term(1e-200, 1e+200);  // ratio 0 after underflow: a log 0 = -inf
  check_kl_term(1.0, 0.0);        // ratio inf
  check_kl_term(1.0, 1e-300);     // ratio 1e300, normal
  check_kl_term(1e+300, 1e-300);  // ratio overflows to inf
  check_kl_term(0.0, 3.0);        // a zero: y alone
}

namespace {

}  // namespace

TEST(KlKernels, MatchScalarReferencesDouble) { check_kl_kernels<double>(); }
TEST(KlKernels, MatchScalarReferencesFloat) { check_kl_kernels<float>(); }
