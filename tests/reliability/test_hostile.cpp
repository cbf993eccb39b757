// Hostile inputs and the library's guarantees under them, through the C ABI:
// extreme magnitudes give finite canonical factors (or a clear error), tiny
// shapes work, sizes beyond the memory of the process are refused before
// anything is allocated, cancellation at any iteration returns a valid last
// iterate, results do not depend on the thread count (a race would show as a
// difference), concurrent host threads keep their own error messages, and
// the library writes nothing to stdout or stderr on any of these paths.
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define NMF_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NMF_TEST_ASAN 1
#endif
#endif

using namespace nt;

namespace {

template <class V>
class Hostile : public ::testing::Test {};
TYPED_TEST_SUITE(Hostile, AllVariants);

nmf_options fixed_iterations(int32_t maxit) {
  nmf_options o = test_options();
  o.maxit = maxit;
  o.tol = 0;
  return o;
}

Dense scaled(const Dense &A, double c) {
  Dense B = A;
  for (double &v : B.a) v *= c;
  return B;
}

// ||A - W diag(d / c) H||_F / ||A||_F in double, for factors of c * A: the
// caller's-units check of the reported rel_error without squaring 1e300.
template <class T>
double rel_error_unscaled(const Dense &A, const Fit<T> &f, double c) {
  std::vector<double> W = to_double(f.W), H = to_double(f.H), d = to_double(f.d);
  for (double &x : d) x /= c;
  return std::sqrt(sq_residual(A, W, d, H, f.k)) / frob(A.a);
}

// ------------------------------------------------------ extreme magnitudes

// Fitting c A gives the factors of A with d multiplied by c (the library
// scales A to max 1 internally): the same canonical W and H, finite, for c
// at the ends of the type's range.
template <class T>
void expect_scale_invariant(Path p, double c, double tol) {
  SCOPED_TRACE(std::string(path_name(p)) + ", c = " + std::to_string(c));
  Planted pl = planted(30, 40, 3, 901, 0.2, 0.2, false);
  const nmf_options o = fixed_iterations(20);
  auto base = fit_any<T>(p, pl.A, 3, o);
  ASSERT_EQ(base.status, NMF_OK) << base.msg;
  auto f = fit_any<T>(p, scaled(pl.A, c), 3, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  EXPECT_LE(max_rel_diff(f.W, base.W), tol);
  EXPECT_LE(max_rel_diff(f.H, base.H), tol);
  std::vector<double> d = to_double(f.d);
  for (double &x : d) x /= c;
  EXPECT_LE(max_rel_diff(d, base.d), tol);
  EXPECT_TRUE(std::isfinite(f.res.rel_error));
  EXPECT_NEAR(f.res.rel_error, rel_error_unscaled(pl.A, f, c), 100 * tol);
  EXPECT_NEAR(f.res.rel_error, base.res.rel_error, 100 * tol);
}

TYPED_TEST(Hostile, ExtremeMagnitudesGiveFiniteScaledFactors) {
  using T = typename TypeParam::Scalar;
  if (std::is_same<T, double>::value) {
    for (double c : {1e-300, 1e300}) expect_scale_invariant<T>(TypeParam::path, c, 1e-7);
  } else {
    // 1e-38: most entries are subnormal floats (fewer significant bits).
    expect_scale_invariant<T>(TypeParam::path, 1e-38, 1e-2);
    expect_scale_invariant<T>(TypeParam::path, 1e35, 1e-3);
  }
}

// Entries near the largest finite value: the scales d (sums over a whole
// component) exceed the type's range.  The library must not hand back an
// infinite d or H as a success: either every output is finite, or the
// status is NMF_ERR_NUMERICAL with a message that says what overflowed.
TYPED_TEST(Hostile, EntriesNearTheLargestValueNeverGiveInfiniteOutputs) {
  using T = typename TypeParam::Scalar;
  const double c = std::is_same<T, double>::value ? 1e307 : 1e38;
  Planted pl = planted(30, 40, 3, 902, 0.2, 0.2, false);
  for (bool with_d : {true, false}) {
    SCOPED_TRACE(with_d ? "with d" : "d = NULL");
    Dense A = scaled(pl.A, c / *std::max_element(pl.A.a.begin(), pl.A.a.end()));
    nmf_options o = fixed_iterations(10);
    Fit<T> f;
    f.m = A.m, f.n = A.n, f.k = 3;
    f.W.assign(size_t(A.m * 3), 0);
    f.H.assign(size_t(3 * A.n), 0);
    f.d.assign(3, 1);
    std::vector<T> a = cast<T>(A.a);
    nmf_result_init(&f.res, sizeof f.res);
    if (TypeParam::path == Path::dense) {
      f.status = call_dense(a.data(), A.m, A.n, A.m, 3, f.W.data(), with_d ? f.d.data() : nullptr,
                            f.H.data(), &o, &f.res);
    } else {
      Csc<int64_t> C = to_csc<int64_t>(A);
      std::vector<T> v = cast<T>(C.val);
      f.status = call_csc(C.m, C.n, C.col_ptr.data(), C.row_ind.data(), v.data(), 3, f.W.data(),
                          with_d ? f.d.data() : nullptr, f.H.data(), &o, &f.res);
    }
    f.msg = nmf_last_error_message();
    // The total of A is about 600 c, beyond the largest value: d cannot hold it.
    EXPECT_EQ(f.status, NMF_ERR_NUMERICAL) << f.msg;
    const std::string l = lower(f.msg);
    EXPECT_TRUE(l.find("overflow") != std::string::npos ||
                l.find("range") != std::string::npos)
        << f.msg;
    if (f.status == NMF_OK) {
      EXPECT_TRUE(all_finite_nonneg(f.W) && all_finite_nonneg(f.H) && all_finite_nonneg(f.d));
    }
  }
}

// NNDSVDa fills the zeros of NNDSVD with mean(A) in the caller's units,
// which for entries near 1e300 is about 1e150 times the scale of the
// factors: the products overflow.  That must come back as NMF_ERR_NUMERICAL,
// not as all-zero factors with NMF_OK (an overflow turned NaN, and the NaN
// clamped to a zero residual, did exactly that).  And a loss beyond the
// double range (entries above about 1e154) is reported as +Inf, never NaN.
TYPED_TEST(Hostile, OverflowingStartIsAnErrorNotZeroFactors) {
  using T = typename TypeParam::Scalar;
  if (!std::is_same<T, double>::value) return;  // float: refused at 1e38 above
  Planted pl = planted(60, 40, 3, 5, 0.3, 0.3, false);
  for (int32_t maxit : {0, 1, 5}) {
    SCOPED_TRACE("maxit " + std::to_string(maxit));
    nmf_options o = fixed_iterations(maxit);
    o.init = NMF_INIT_NNDSVDA;
    auto f = fit_any<T>(TypeParam::path, scaled(pl.A, 1e300), 3, o);
    if (f.status == NMF_OK) {
      // The sparse products accumulate in double with the scale applied per
      // entry and may come through: then the result must be a real fit.
      expect_canonical(f);
      EXPECT_GT(f.d[0], 0);
      EXPECT_LE(std::fabs(f.res.rel_error - rel_error_unscaled(pl.A, f, 1e300)), 1e-6);
      EXPECT_LT(f.res.rel_error, 1.0);
    } else {
      EXPECT_EQ(f.status, NMF_ERR_NUMERICAL) << f.msg;
      EXPECT_NE(f.msg.find("non-finite"), std::string::npos) << f.msg;
    }
    // The dense products are BLAS calls on A as given: they overflow.
    if (TypeParam::path == Path::dense) {
      EXPECT_EQ(f.status, NMF_ERR_NUMERICAL);
    }
  }
  nmf_options o = fixed_iterations(5);
  o.init = NMF_INIT_NNDSVD;
  FitIn<T> in;
  in.hist_capacity = 5;
  auto f = fit_any<T>(TypeParam::path, scaled(pl.A, 1e200), 3, o, in);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  expect_canonical(f);
  EXPECT_FALSE(std::isnan(f.res.loss));
  for (double h : f.hist) EXPECT_FALSE(std::isnan(h));
  EXPECT_LE(std::fabs(f.res.rel_error - rel_error_unscaled(pl.A, f, 1e200)), 1e-6);
}

// ------------------------------------------------------------ tiny shapes

// 1 x 1, 1 x n and m x 1 with k = 1 are exactly rank one: the fit is exact,
// W diag(d) H reproduces A.
TYPED_TEST(Hostile, SingleRowColumnOrEntryIsExactRankOne) {
  using T = typename TypeParam::Scalar;
  const double tol = std::is_same<T, double>::value ? 1e-10 : 1e-5;
  for (auto mn : {std::pair<int64_t, int64_t>{1, 1}, {1, 37}, {41, 1}}) {
    SCOPED_TRACE(std::to_string(mn.first) + " x " + std::to_string(mn.second));
    Dense A = uniform(mn.first, mn.second, 903);
    A.a[0] = 0;  // an explicit zero entry too (dropped in the CSC)
    if (A.a.size() == 1) A.a[0] = 2.5;
    auto f = fit_any<T>(TypeParam::path, A, 1, fixed_iterations(5));
    ASSERT_EQ(f.status, NMF_OK) << f.msg;
    expect_canonical(f);
    EXPECT_LE(std::sqrt(sq_residual(A, f.W, f.d, f.H, 1)) / frob(A.a),
              tol);
    // The reported error comes from the trace identity (WH is never
    // formed), whose cancellation leaves about sqrt(eps) of ||A||.
    EXPECT_LE(f.res.rel_error, std::sqrt(std::numeric_limits<T>::epsilon()) * 4);
  }
}

// ------------------------------------------------------------ memory limit

// A CSC matrix of 2^28 rows and 4 columns, k = 2, needs gigabytes of working
// memory (W alone is 4 GiB in double).  Under an address-space limit of about
// 1 GiB more than the process maps, the library must refuse with
// NMF_ERR_OUT_OF_MEMORY and the figures, before allocating (an allocation
// attempt would end as a generic "out of memory" from std::bad_alloc, or as
// an OOM kill without the limit).  In a child process: the limit is for
// good.  AddressSanitizer reserves terabytes of address space, so this test
// is compiled out of the sanitizer build.
#ifndef NMF_TEST_ASAN
[[noreturn]] void fit_beyond_address_limit() {
  long kib = -1;
  if (FILE *f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "VmSize: %ld", &kib) == 1) break;
    std::fclose(f);
  }
  if (kib < 0) std::_Exit(20);
  struct rlimit lim;
  lim.rlim_cur = lim.rlim_max = rlim_t(kib) * 1024 + (rlim_t(1) << 30);
  if (setrlimit(RLIMIT_AS, &lim) != 0) std::_Exit(21);
  const int64_t m = int64_t(1) << 28, n = 4, k = 2;
  std::vector<int64_t> cp = {0, 1, 2, 2, 3};
  std::vector<int32_t> ri = {5, 7, int32_t(m - 1)};
  std::vector<double> v = {1.0, 2.0, 3.0}, W(4), H(8), d(2);
  // W is too small on purpose: the call must fail before touching it.
  const int32_t s = nmf_fit_csc_d_i32(m, n, cp.data(), ri.data(), v.data(), k, W.data(), d.data(),
                                      H.data(), nullptr, nullptr);
  const std::string msg = nmf_last_error_message();
  if (s != NMF_ERR_OUT_OF_MEMORY) std::_Exit(30 + (s < 0 ? -s : s));
  if (msg.find("MiB") == std::string::npos || msg.find("available") == std::string::npos)
    std::_Exit(22);
  std::_Exit(0);
}
TEST(MemoryLimit, RefusedWithFiguresBeforeAllocating) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(fit_beyond_address_limit(), ::testing::ExitedWithCode(0), "");
}
#endif

// ------------------------------------------------------------ cancellation

struct CancelAt {
  int64_t at;
  int64_t calls = 0;
};
int32_t cancel_at(int64_t iteration, int64_t, double, double, void *data) {
  auto *c = static_cast<CancelAt *>(data);
  ++c->calls;
  return iteration >= c->at ? 1 : 0;
}

// Cancelling at every iteration j = 1..12 returns NMF_CANCELLED after
// exactly j iterations with the canonical j-th iterate: bitwise the output of
// a run with maxit = j, finite and non-negative, its reported loss that of
// the returned factors.
TYPED_TEST(Hostile, CancelAtEveryIterationReturnsThatIterate) {
  using T = typename TypeParam::Scalar;
  Dense A = sparse_random(40, 30, 0.5, 904);
  const int64_t N = 12;
  for (int64_t j = 1; j <= N; ++j) {
    SCOPED_TRACE("cancel at " + std::to_string(j));
    nmf_options o = fixed_iterations(int32_t(N));
    CancelAt c{j};
    o.progress = cancel_at;
    o.progress_data = &c;
    auto f = fit_any<T>(TypeParam::path, A, 3, o);
    ASSERT_EQ(f.status, NMF_CANCELLED) << f.msg;
    EXPECT_EQ(f.res.iterations, j);
    EXPECT_EQ(f.res.stop_reason, NMF_STOP_CANCELLED);
    EXPECT_EQ(c.calls, j);
    expect_canonical(f);
    EXPECT_LE(std::fabs(f.res.loss - ref_loss(A, f)), loss_abs_tol<T>(A, ref_loss(A, f)));
    auto g = fit_any<T>(TypeParam::path, A, 3, fixed_iterations(int32_t(j)));
    ASSERT_EQ(g.status, NMF_OK) << g.msg;
    EXPECT_TRUE(bitwise_equal(f.W, g.W) && bitwise_equal(f.d, g.d) && bitwise_equal(f.H, g.H));
  }
}

// ------------------------------------------------------ threads and races

// A struct_size that ends inside a field (corrupt or uninitialised: no
// header has one) makes the library ignore that field, not splice the first
// bytes of the caller's value onto the default.  Found by the C ABI fuzzer:
// half of progress_data read as a pointer, dereferenced by the callback.
int32_t expect_null_data(int64_t, int64_t, double, double, void *data) {
  EXPECT_EQ(data, nullptr) << "progress_data was read from a partial field";
  return 0;
}
TEST(StructSize, FieldCutByStructSizeIsNotRead) {
  Dense A = uniform(20, 15, 909);
  int marker = 0;
  for (size_t cut : {size_t(1), size_t(4), sizeof(void *) - 1}) {
    SCOPED_TRACE("struct_size ends " + std::to_string(cut) + " bytes into progress_data");
    nmf_options o = fixed_iterations(2);
    o.progress = expect_null_data;
    o.progress_data = &marker;
    o.struct_size = uint32_t(offsetof(nmf_options, progress_data) + cut);
    auto f = fit_dense<double>(A, 2, o);
    EXPECT_EQ(f.status, NMF_OK) << f.msg;
    EXPECT_EQ(f.res.iterations, 2);
  }
}

// An uneven problem (odd sizes, empty rows and columns, a few dense rows)
// gives bitwise the same factors with 1, 2, 3 and 4 threads and on repeated
// runs: a data race or a thread-count-dependent reduction would show.  Every
// parallel path runs: validation, products, HALS, NNDSVD (random start) and
// the NNLS of a user-supplied W and of a fixed W.
TYPED_TEST(Hostile, SameBitsForOneToFourThreadsAndRepeatedRuns) {
  using T = typename TypeParam::Scalar;
  Dense A = sparse_random(97, 83, 0.3, 905);
  for (int64_t j = 0; j < A.n; j += 7) A(5, j) = 3.0;
  for (int64_t i = 0; i < A.m; ++i) A(i, 11) = 0, A(i, 12) = 1.0 + double(i % 3);
  Dense W0 = uniform(97, 4, 906);
  for (int mode = 0; mode < 4; ++mode) {
    SCOPED_TRACE("mode " + std::to_string(mode));
    nmf_options o = fixed_iterations(8);
    FitIn<T> in;
    if (mode == 1) o.init = NMF_INIT_NNDSVDAR;
    if (mode >= 2) {
      in.W0 = cast<T>(W0.a);
      (mode == 2 ? o.user_w : o.fix_w) = 1;
    }
    o.n_threads = 1;
    auto ref = fit_any<T>(TypeParam::path, A, 4, o, in);
    ASSERT_EQ(ref.status, NMF_OK) << ref.msg;
    for (int32_t t : {2, 3, 4, 3, 2, 4}) {
      o.n_threads = t;
      auto f = fit_any<T>(TypeParam::path, A, 4, o, in);
      ASSERT_EQ(f.status, NMF_OK) << f.msg;
      EXPECT_TRUE(bitwise_equal(f.W, ref.W) && bitwise_equal(f.d, ref.d) &&
                  bitwise_equal(f.H, ref.H))
          << t << " threads differ from 1 thread: max rel " << max_rel_diff(f.H, ref.H);
      EXPECT_EQ(f.res.loss, ref.res.loss) << t << " threads";
    }
  }
}

// Host threads calling at once, each with its own kind of error or a
// success, 30 times: each sees its own status and its own message after
// every call (the message is thread-local), and the successful fits are
// bitwise the serial one.
TEST(Concurrency, ErrorMessagesStayWithTheirThread) {
  Dense A = uniform(30, 20, 907);
  Dense neg = A;
  neg(6, 9) = -2.0;
  Csc<int32_t> bad = to_csc<int32_t>(A);
  bad.row_ind[size_t(bad.col_ptr[13] + 4)] = 77;  // column 13, row 77 of 30
  const nmf_options o = fixed_iterations(6);
  auto serial = fit_dense<double>(A, 3, o);
  ASSERT_EQ(serial.status, NMF_OK);

  std::atomic<int> failures{0};
  auto worker = [&](int kind) {
    for (int rep = 0; rep < 30; ++rep) {
      std::string want;
      int32_t want_status;
      Fit<double> f;
      if (kind == 0) {
        f = fit_dense<double>(neg, 3, o);
        want_status = NMF_ERR_NEGATIVE, want = "row 7, column 10";
      } else if (kind == 1) {
        f = fit_dense<double>(A, 25, o);
        want_status = NMF_ERR_RANK, want = "k = 25";
      } else if (kind == 2) {
        f = fit_csc<double>(bad, 3, o);
        want_status = NMF_ERR_SPARSE_STRUCTURE, want = "77";
      } else {
        f = fit_dense<double>(A, 3, o);
        want_status = NMF_OK;
        if (!bitwise_equal(f.W, serial.W) || !bitwise_equal(f.H, serial.H)) ++failures;
      }
      const std::string now = nmf_last_error_message();
      if (f.status != want_status) ++failures;
      if (want.empty() ? !now.empty() : now.find(want) == std::string::npos) ++failures;
      std::this_thread::yield();
      // Still ours after the other threads' calls.
      if (std::string(nmf_last_error_message()) != now) ++failures;
    }
  };
  std::vector<std::thread> threads;
  for (int kind = 0; kind < 4; ++kind) threads.emplace_back(worker, kind);
  for (auto &t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// ------------------------------------------------------------- no output

// Runs f with file descriptors 1 and 2 redirected to a pipe and returns what
// was written there.
std::string captured_output(const std::function<void()> &f) {
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  if (pipe(fds) != 0) return "(pipe failed)";
  const int out = dup(1), err = dup(2);
  dup2(fds[1], 1);
  dup2(fds[1], 2);
  close(fds[1]);
  f();
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(out, 1);
  dup2(err, 2);
  close(out);
  close(err);
  std::string text;
  char buf[4096];
  ssize_t got;
  while ((got = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, size_t(got));
  close(fds[0]);
  return text;
}

// Success, cancellation, numerical overflow and validation errors, dense and
// sparse, float and double, from the calling thread and another one: the
// library prints nothing.  (The pipe holds 64 KiB, far more than any stray
// message.)
TEST(NoOutput, NothingOnStdoutOrStderrOnAnyPath) {
  Dense A = sparse_random(40, 30, 0.5, 908);
  std::vector<int32_t> st;
  auto calls = [&] {
    nmf_options o = fixed_iterations(5);
    o.init = NMF_INIT_NNDSVD;
    st.push_back(fit_dense<float>(A, 3, o).status);
    CancelAt c{2};
    o.progress = cancel_at;
    o.progress_data = &c;
    st.push_back(fit_csc<double>(to_csc<int64_t>(A), 3, o).status);
    st.push_back(fit_dense<float>(scaled(A, 1e38), 3, fixed_iterations(3)).status);
    Dense nan = A;
    nan(3, 3) = std::nan("");
    st.push_back(fit_csc<float>(to_csc<int32_t>(nan), 3, fixed_iterations(3)).status);
    st.push_back(fit_dense<double>(A, 35, fixed_iterations(3)).status);
    nmf_options small = fixed_iterations(3);
    small.struct_size = 4;
    st.push_back(fit_dense<double>(A, 3, small).status);
    std::thread([&] { st.push_back(fit_dense<double>(A, 31, fixed_iterations(3)).status); }).join();
  };
  const std::string text = captured_output(calls);
  EXPECT_EQ(st, (std::vector<int32_t>{NMF_OK, NMF_CANCELLED, NMF_ERR_NUMERICAL, NMF_ERR_NOT_FINITE,
                                      NMF_ERR_RANK, NMF_ERR_STRUCT_SIZE, NMF_ERR_RANK}));
  EXPECT_EQ(text, "") << "the library printed " << text.size() << " bytes";
}

}  // namespace
