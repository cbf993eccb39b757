// Determinism (nmf.h: nmf_fit_dense_d): the same inputs and seed give
// bitwise-identical factors for any n_threads, on repeated runs, and when
// several host threads fit at once.
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace nt;

namespace {

template <class V>
class Determinism : public ::testing::Test {};
TYPED_TEST_SUITE(Determinism, AllVariants);

// A medium problem (dense 1000 x 800, sparse 2000 x 1000 with ~20% of the
// entries, k = 5): large enough for the products to be shared among threads
// (kernels::worth_threads), which nmf_result.threads_used confirms below;
// dense data is planted + noise.
const Dense &medium(Path p) {
  static const Dense dense = planted(1000, 800, 5, 501, 0.3, 0.3, false).A;
  static const Dense sparse = sparse_random(2000, 1000, 0.2, 502);
  return p == Path::dense ? dense : sparse;
}

template <class T>
void expect_bitwise(const Fit<T> &a, const Fit<T> &b, const char *what) {
  ASSERT_EQ(a.status, NMF_OK) << a.msg;
  ASSERT_EQ(b.status, NMF_OK) << b.msg;
  EXPECT_TRUE(bitwise_equal(a.W, b.W)) << what << ": W differs, max rel " << max_rel_diff(a.W, b.W);
  EXPECT_TRUE(bitwise_equal(a.d, b.d)) << what << ": d differs, max rel " << max_rel_diff(a.d, b.d);
  EXPECT_TRUE(bitwise_equal(a.H, b.H)) << what << ": H differs, max rel " << max_rel_diff(a.H, b.H);
  EXPECT_EQ(a.res.loss, b.res.loss) << what;
  EXPECT_EQ(a.res.iterations, b.res.iterations) << what;
}

TYPED_TEST(Determinism, ThreadCountDoesNotChangeBits) {
  using T = typename TypeParam::Scalar;
  const Dense &A = medium(TypeParam::path);
  for (int32_t init : {NMF_INIT_RANDOM, NMF_INIT_NNDSVDA}) {
    SCOPED_TRACE("init " + std::to_string(init));
    nmf_options o = default_options();
    o.maxit = 10;
    o.tol = 0;
    o.init = init;
    o.seed = 99;
    o.n_threads = 1;
    auto t1 = fit_any<T>(TypeParam::path, A, 5, o);
    o.n_threads = 2;
    auto t2 = fit_any<T>(TypeParam::path, A, 5, o);
    auto t2b = fit_any<T>(TypeParam::path, A, 5, o);
    expect_bitwise(t1, t2, "n_threads 1 vs 2");
    // The comparison means something only if two threads really ran.
    EXPECT_EQ(t1.res.threads_used, 1);
    EXPECT_EQ(t2.res.threads_used, 2);
    expect_bitwise(t2, t2b, "n_threads 2, repeated");
    if (init == NMF_INIT_RANDOM) {
      o.n_threads = 0;  // all cores
      auto t0 = fit_any<T>(TypeParam::path, A, 5, o);
      expect_bitwise(t1, t0, "n_threads 1 vs 0");
    }
  }
}

// Several host threads fitting at once (nmf.h: "every function may be called
// concurrently ... on different outputs") get exactly the serial results.
TEST(Concurrency, HostThreadsGetSerialResults) {
  std::vector<Dense> inputs;
  for (uint64_t s = 0; s < 4; ++s) inputs.push_back(planted(80, 60, 4, 510 + s, 0.3, 0.3, false).A);
  nmf_options o = default_options();
  o.maxit = 30;
  o.tol = 0;
  o.n_threads = 1;
  auto run = [&](size_t i) {
    return i % 2 ? fit_dense<double>(inputs[i], 4, o)
                 : fit_csc<double>(to_csc<int32_t>(inputs[i]), 4, o);
  };
  std::vector<Fit<double>> serial, parallel(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) serial.push_back(run(i));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < inputs.size(); ++i) threads.emplace_back([&, i] { parallel[i] = run(i); });
  for (auto &t : threads) t.join();
  for (size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE("input " + std::to_string(i));
    expect_bitwise(serial[i], parallel[i], "concurrent vs serial");
  }
}

}  // namespace
