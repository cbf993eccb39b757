// Every invalid input produces its documented status code (nmf.h) and a
// message that names the problem; nothing is printed; the message is
// thread-local; options of an older, smaller struct are honoured.
#include "nmf_test_util.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <functional>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace nt;

namespace {

const int64_t M = 30, N = 40, K = 3;

struct Outcome {
  int32_t status;
  std::string msg;
};

// Options for calls that are expected to fail (or to succeed quickly).
const nmf_options *quick() {
  static const nmf_options o = [] {
    nmf_options q = test_options();
    q.maxit = 5;
    return q;
  }();
  return &o;
}

// A dense fit of A (M x N, lda = M unless given) with scalar T.
template <class T>
Outcome dense_fit(const std::vector<T> &A, int64_t m, int64_t n, int64_t lda, int64_t k,
                  const nmf_options *o = nullptr, std::vector<T> *Win = nullptr,
                  std::vector<T> *Hin = nullptr) {
  const int64_t kk = std::max<int64_t>(k, 1), mm = std::max<int64_t>(m, 1), nn = std::max<int64_t>(n, 1);
  std::vector<T> W(static_cast<size_t>(mm * kk)), H(static_cast<size_t>(kk * nn)), d(static_cast<size_t>(kk));
  if (Win) W = *Win;
  if (Hin) H = *Hin;
  nmf_result r;
  nmf_result_init(&r, sizeof r);
  int32_t s = call_dense(A.data(), m, n, lda, k, W.data(), d.data(), H.data(), o ? o : quick(), &r);
  return {s, nmf_last_error_message()};
}

template <class T, class I>
Outcome csc_fit(const Csc<I> &C, int64_t k, const nmf_options *o = nullptr) {
  std::vector<T> v = cast<T>(C.val);
  std::vector<T> W(static_cast<size_t>(C.m * std::max<int64_t>(k, 1))),
      H(static_cast<size_t>(std::max<int64_t>(k, 1) * C.n)), d(static_cast<size_t>(std::max<int64_t>(k, 1)));
  nmf_result r;
  nmf_result_init(&r, sizeof r);
  int32_t s = call_csc(C.m, C.n, C.col_ptr.data(), C.row_ind.data(), v.data(), k, W.data(),
                       d.data(), H.data(), o ? o : quick(), &r);
  return {s, nmf_last_error_message()};
}

bool mentions(const std::string &msg, std::initializer_list<const char *> words) {
  std::string l = lower(msg);
  for (const char *w : words)
    if (l.find(lower(w)) != std::string::npos) return true;
  return false;
}

#define EXPECT_STATUS(outcome, code)                                                      \
  do {                                                                                    \
    EXPECT_EQ((outcome).status, code) << "message: \"" << (outcome).msg << "\"";           \
    EXPECT_FALSE((outcome).msg.empty()) << "no error message for status " << (outcome).status; \
  } while (0)

// ------------------------------------------------------------ bad entries

template <class V>
class BadEntries : public ::testing::Test {};
TYPED_TEST_SUITE(BadEntries, AllVariants);

// Position (17, 23) of a fully dense 30 x 40 matrix.
template <class T>
Outcome fit_with_entry(Path p, double value) {
  Dense A = uniform(M, N, 601);
  A(17, 23) = value;
  if (p == Path::dense) return dense_fit<T>(cast<T>(A.a), M, N, M, K);
  if (p == Path::csc32) return csc_fit<T>(to_csc<int32_t>(A), K);
  return csc_fit<T>(to_csc<int64_t>(A), K);
}

TYPED_TEST(BadEntries, NegativeNamesPosition) {
  using T = typename TypeParam::Scalar;
  auto r = fit_with_entry<T>(TypeParam::path, -0.5);
  EXPECT_STATUS(r, NMF_ERR_NEGATIVE);
  EXPECT_TRUE(mentions(r.msg, {"negative"})) << r.msg;
  EXPECT_TRUE(names_position(r.msg, 17, 23)) << r.msg;
}

TYPED_TEST(BadEntries, NanNamesPosition) {
  using T = typename TypeParam::Scalar;
  auto r = fit_with_entry<T>(TypeParam::path, std::nan(""));
  EXPECT_STATUS(r, NMF_ERR_NOT_FINITE);
  EXPECT_TRUE(mentions(r.msg, {"nan", "finite"})) << r.msg;
  EXPECT_TRUE(names_position(r.msg, 17, 23)) << r.msg;
}

TYPED_TEST(BadEntries, InfNamesPosition) {
  using T = typename TypeParam::Scalar;
  auto r = fit_with_entry<T>(TypeParam::path, INFINITY);
  EXPECT_STATUS(r, NMF_ERR_NOT_FINITE);
  EXPECT_TRUE(mentions(r.msg, {"inf", "finite"})) << r.msg;
  EXPECT_TRUE(names_position(r.msg, 17, 23)) << r.msg;
}

// -0.0 compares equal to 0: not a negative entry.
TEST(BadEntries, NegativeZeroIsFine) {
  Dense A = uniform(M, N, 602);
  A(3, 4) = -0.0;  // -0.0 >= 0: not negative
  auto r = dense_fit<double>(A.a, M, N, M, K);
  EXPECT_EQ(r.status, NMF_OK) << r.msg;
}

// A matrix whose largest entry is subnormal cannot be brought to max 1 (the
// reciprocal overflows): refused with a message, for every input and loss,
// where LAPACK's SVD of the NNDSVD start once looped forever on the Inf.
TEST(BadEntries, SubnormalMaximumIsRefused) {
  Dense A(6, 6, 0.0);
  A(1, 0) = 4.9406564584124654e-324;
  A(4, 3) = 1e-310;
  for (int32_t loss : {NMF_LOSS_FROBENIUS, NMF_LOSS_KL}) {
    for (int32_t init : {NMF_INIT_RANDOM, NMF_INIT_NNDSVDA}) {
      SCOPED_TRACE("loss " + std::to_string(loss) + " init " + std::to_string(init));
      nmf_options o = test_options();
      o.loss = loss;
      o.init = init;
      auto d = fit_dense<double>(A, 2, o);
      EXPECT_EQ(d.status, NMF_ERR_NUMERICAL) << d.msg;
      EXPECT_NE(d.msg.find("too small"), std::string::npos) << d.msg;
      auto c = fit_csc<double>(to_csc<int64_t>(A), 2, o);
      EXPECT_EQ(c.status, NMF_ERR_NUMERICAL) << c.msg;
    }
  }
  // A largest entry of 1e-300 is still scaled (and fitted).
  A(2, 2) = 1e-300;
  auto ok = fit_dense<double>(A, 2, test_options());
  EXPECT_EQ(ok.status, NMF_OK) << ok.msg;
}

// ------------------------------------------------------------------- rank

TEST(Rank, KBelowOne) {
  Dense A = uniform(M, N, 611);
  for (int64_t k : {0, -1, -100}) {
    auto r = dense_fit<double>(A.a, M, N, M, k);
    EXPECT_STATUS(r, NMF_ERR_RANK);
    EXPECT_TRUE(has_int(integers_in(r.msg), std::llabs(k)) || mentions(r.msg, {"k "})) << r.msg;
    auto c = csc_fit<double>(to_csc<int32_t>(A), k);
    EXPECT_STATUS(c, NMF_ERR_RANK);
  }
}

TEST(Rank, KAboveMinDimension) {
  Dense A = uniform(M, N, 612);
  auto r = dense_fit<double>(A.a, M, N, M, M + 1);
  EXPECT_STATUS(r, NMF_ERR_RANK);
  auto ints = integers_in(r.msg);
  EXPECT_TRUE(has_int(ints, M + 1) && has_int(ints, M)) << "should say k = 31 > min(m, n) = 30: " << r.msg;
  auto f = dense_fit<float>(cast<float>(A.a), M, N, M, M + 1);
  EXPECT_STATUS(f, NMF_ERR_RANK);
  auto c = csc_fit<double>(to_csc<int64_t>(A), M + 1);
  EXPECT_STATUS(c, NMF_ERR_RANK);
  // The boundary k = min(m, n) is valid.
  nmf_options o = test_options();
  o.maxit = 5;
  EXPECT_EQ(dense_fit<double>(A.a, M, N, M, M, &o).status, NMF_OK);
}

// ------------------------------------------------------- pointers, dimensions

TEST(Pointers, NullRequiredPointers) {
  Dense A = uniform(M, N, 621);
  std::vector<double> W(M * K), H(K * N), d(K);
  const double *a = A.a.data();
  auto check = [](int32_t s, const char *what) {
    std::string msg = nmf_last_error_message();
    EXPECT_EQ(s, NMF_ERR_NULL_POINTER) << what << ": " << msg;
    EXPECT_FALSE(msg.empty()) << what;
  };
  check(nmf_fit_dense_d(nullptr, M, N, M, K, W.data(), d.data(), H.data(), nullptr, nullptr), "A");
  check(nmf_fit_dense_d(a, M, N, M, K, nullptr, d.data(), H.data(), nullptr, nullptr), "W");
  check(nmf_fit_dense_d(a, M, N, M, K, W.data(), d.data(), nullptr, nullptr, nullptr), "H");
  std::vector<float> af(A.a.begin(), A.a.end()), Wf(M * K), Hf(K * N), df(K);
  check(nmf_fit_dense_f(nullptr, M, N, M, K, Wf.data(), df.data(), Hf.data(), nullptr, nullptr), "A float");
  check(nmf_fit_dense_f(af.data(), M, N, M, K, nullptr, df.data(), Hf.data(), nullptr, nullptr), "W float");

  Csc<int32_t> c = to_csc<int32_t>(A);
  Csc<int64_t> c64 = to_csc<int64_t>(A);
  check(nmf_fit_csc_d_i32(M, N, nullptr, c.row_ind.data(), c.val.data(), K, W.data(), d.data(), H.data(), nullptr, nullptr), "col_ptr");
  check(nmf_fit_csc_d_i32(M, N, c.col_ptr.data(), nullptr, c.val.data(), K, W.data(), d.data(), H.data(), nullptr, nullptr), "row_ind");
  check(nmf_fit_csc_d_i32(M, N, c.col_ptr.data(), c.row_ind.data(), nullptr, K, W.data(), d.data(), H.data(), nullptr, nullptr), "values");
  check(nmf_fit_csc_d_i64(M, N, c64.col_ptr.data(), c64.row_ind.data(), c64.val.data(), K, nullptr, d.data(), H.data(), nullptr, nullptr), "W csc");
  check(nmf_fit_csc_f_i64(M, N, c64.col_ptr.data(), c64.row_ind.data(), nullptr, K, Wf.data(), df.data(), Hf.data(), nullptr, nullptr), "values float");
}

TEST(Dimensions, NonPositiveSizes) {
  Dense A = uniform(M, N, 631);
  for (auto mn : {std::pair<int64_t, int64_t>{0, N}, {M, 0}, {-1, N}, {M, -5}}) {
    SCOPED_TRACE(std::to_string(mn.first) + " x " + std::to_string(mn.second));
    auto r = dense_fit<double>(A.a, mn.first, mn.second, M, 1);
    EXPECT_STATUS(r, NMF_ERR_DIMENSION);
  }
  // CSC with n = 0 (col_ptr = {0}) or m = 0.
  Csc<int32_t> c;
  c.m = M, c.n = 0, c.col_ptr = {0};
  c.row_ind = {0};
  c.val = {1.0};
  EXPECT_STATUS(csc_fit<double>(c, 1), NMF_ERR_DIMENSION);
  Csc<int32_t> c2 = to_csc<int32_t>(A);
  c2.m = 0;
  EXPECT_EQ(csc_fit<double>(c2, 1).status, NMF_ERR_DIMENSION);
}

TEST(Dimensions, LeadingDimensionBelowRows) {
  Dense A = uniform(M, N, 641);
  for (int64_t lda : {M - 1, int64_t{1}, int64_t{0}, int64_t{-3}}) {
    SCOPED_TRACE("lda " + std::to_string(lda));
    auto r = dense_fit<double>(A.a, M, N, lda, K);
    EXPECT_STATUS(r, NMF_ERR_DIMENSION);
    EXPECT_TRUE(mentions(r.msg, {"lda", "leading"})) << r.msg;
    auto f = dense_fit<float>(cast<float>(A.a), M, N, lda, K);
    EXPECT_STATUS(f, NMF_ERR_DIMENSION);
  }
}

// Sizes whose products overflow int64 (no such buffer can exist) are refused
// before any entry is touched.  Run in a child process: a library that reads
// first would crash.  The child exits 0 for NMF_ERR_TOO_LARGE or
// NMF_ERR_OUT_OF_MEMORY, 10 + |status| otherwise.
int exit_code_for(int32_t s) {
  return s == NMF_ERR_TOO_LARGE || s == NMF_ERR_OUT_OF_MEMORY ? 0 : 10 + (s < 0 ? -s : s);
}
[[noreturn]] void huge_dense() {
  std::vector<double> A(16), W(16), H(16), d(4);
  const int64_t big = int64_t{1} << 33;  // m * n = 2^66
  std::exit(exit_code_for(
      nmf_fit_dense_d(A.data(), big, big, big, 1, W.data(), d.data(), H.data(), nullptr, nullptr)));
}
[[noreturn]] void huge_csc() {
  std::vector<double> W(16), H(16), d(4), v = {1.0};
  std::vector<int64_t> cp = {0, 1, 1}, ri = {5};
  const int64_t big = int64_t{1} << 62;  // m * k = 2^63 overflows int64
  std::exit(exit_code_for(nmf_fit_csc_d_i64(big, 2, cp.data(), ri.data(), v.data(), 2, W.data(),
                                            d.data(), H.data(), nullptr, nullptr)));
}
TEST(Dimensions, OverflowingSizesRefused) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(huge_dense(), ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(huge_csc(), ::testing::ExitedWithCode(0), "");
}

// -------------------------------------------------------------------- CSC

template <class I>
class CscStructure : public ::testing::Test {
 protected:
  Dense A = uniform(M, N, 651);
  Csc<I> good = to_csc<I>(A);  // fully dense: 30 entries per column
  Outcome run(const Csc<I> &c) { return csc_fit<double>(c, K); }
};
using IndexTypes = ::testing::Types<int32_t, int64_t>;
TYPED_TEST_SUITE(CscStructure, IndexTypes);

// The control: the unmutated CSC fits, and its reported loss describes the
// returned factors.
TYPED_TEST(CscStructure, GoodInputWorks) {
  nmf_options o = test_options();
  o.maxit = 5;
  auto f = fit_csc<double>(this->good, K, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  EXPECT_LE(rel_diff(f.res.loss, ref_loss(this->A, f)), 1e-8);
}

TYPED_TEST(CscStructure, ColPtrNotStartingAtZero) {
  auto c = this->good;
  c.col_ptr[0] = 1;
  EXPECT_STATUS(this->run(c), NMF_ERR_SPARSE_STRUCTURE);
}

TYPED_TEST(CscStructure, ColPtrDecreasing) {
  auto c = this->good;
  c.col_ptr[5] = c.col_ptr[6] + 3;  // col 4 longer, col 5 of negative length
  auto r = this->run(c);
  EXPECT_STATUS(r, NMF_ERR_SPARSE_STRUCTURE);
  EXPECT_TRUE(mentions(r.msg, {"col_ptr", "column", "pointer"})) << r.msg;
}

TYPED_TEST(CscStructure, RowIndexOutOfRange) {
  auto c = this->good;
  c.row_ind[c.col_ptr[7] + M - 1] = static_cast<TypeParam>(M);  // last entry of column 7: row 30 of 30
  auto r = this->run(c);
  EXPECT_STATUS(r, NMF_ERR_SPARSE_STRUCTURE);
  EXPECT_TRUE(has_int(integers_in(r.msg), M)) << "should name the bad index 30: " << r.msg;
  auto c2 = this->good;
  c2.row_ind[c2.col_ptr[2]] = static_cast<TypeParam>(-1);
  EXPECT_STATUS(this->run(c2), NMF_ERR_SPARSE_STRUCTURE);
}

TYPED_TEST(CscStructure, RowIndicesUnsorted) {
  auto c = this->good;
  std::swap(c.row_ind[c.col_ptr[9] + 3], c.row_ind[c.col_ptr[9] + 4]);
  auto r = this->run(c);
  EXPECT_STATUS(r, NMF_ERR_SPARSE_STRUCTURE);
  EXPECT_TRUE(names_position(r.msg, 9, 9) || has_int(integers_in(r.msg), 9) ||
              has_int(integers_in(r.msg), 10))
      << "should name column 9: " << r.msg;
}

TYPED_TEST(CscStructure, DuplicateRowIndex) {
  auto c = this->good;
  // Column 11 with rows 0, 0, 2, 3, ...: sorted but not strictly increasing.
  c.row_ind[c.col_ptr[11] + 1] = c.row_ind[c.col_ptr[11]];
  EXPECT_STATUS(this->run(c), NMF_ERR_SPARSE_STRUCTURE);
}

TYPED_TEST(CscStructure, EmptyColumnsAreFine) {
  auto c = this->good;
  // Drop all of column 3's entries: still a valid CSC.
  Csc<TypeParam> e;
  e.m = c.m, e.n = c.n;
  e.col_ptr.push_back(0);
  for (int64_t j = 0; j < c.n; ++j) {
    if (j != 3)
      for (int64_t p = c.col_ptr[j]; p < c.col_ptr[j + 1]; ++p) {
        e.row_ind.push_back(c.row_ind[p]);
        e.val.push_back(c.val[p]);
      }
    e.col_ptr.push_back(static_cast<int64_t>(e.val.size()));
  }
  nmf_options o = test_options();
  o.maxit = 5;
  auto f = fit_csc<double>(e, K, o);
  ASSERT_EQ(f.status, NMF_OK) << f.msg;
  Dense B = this->A;
  for (int64_t i = 0; i < M; ++i) B(i, 3) = 0;
  EXPECT_LE(rel_diff(f.res.loss, ref_loss(B, f)), 1e-8);
  for (int64_t l = 0; l < K; ++l) EXPECT_EQ(f.H[l + 3 * K], 0.0) << "H column of the empty column";
}

// ---------------------------------------------------------- struct sizes

TEST(StructSize, OptionsInit) {
  nmf_options o;
  EXPECT_EQ(nmf_options_init(nullptr, sizeof o), NMF_ERR_NULL_POINTER);
  EXPECT_EQ(nmf_options_init(&o, 0), NMF_ERR_STRUCT_SIZE);
  EXPECT_EQ(nmf_options_init(&o, offsetof(nmf_options, tol)), NMF_ERR_STRUCT_SIZE);
  EXPECT_EQ(nmf_options_init(&o, offsetof(nmf_options, tol) + sizeof(double)), NMF_OK);
  nmf_result r;
  EXPECT_EQ(nmf_result_init(nullptr, sizeof r), NMF_ERR_NULL_POINTER);
  EXPECT_EQ(nmf_result_init(&r, 2), NMF_ERR_STRUCT_SIZE);
}

// The documented defaults.
TEST(StructSize, Defaults) {
  nmf_options o = default_options();
  EXPECT_EQ(o.struct_size, sizeof(nmf_options));
  EXPECT_EQ(o.loss, NMF_LOSS_FROBENIUS);
  EXPECT_EQ(o.solver, NMF_SOLVER_AUTO);
  EXPECT_EQ(o.init, NMF_INIT_RANDOM);
  EXPECT_EQ(o.n_threads, 0);
  EXPECT_EQ(o.maxit, 200);
  EXPECT_EQ(o.tol, 1e-5);
  EXPECT_EQ(o.seed, 42u);
  EXPECT_EQ(o.l1_w, 0.0);
  EXPECT_EQ(o.l1_h, 0.0);
  EXPECT_EQ(o.l2_w, 0.0);
  EXPECT_EQ(o.l2_h, 0.0);
  EXPECT_EQ(o.user_w, 0);
  EXPECT_EQ(o.user_h, 0);
  EXPECT_EQ(o.fix_w, 0);
  EXPECT_EQ(o.fix_h, 0);
  EXPECT_EQ(o.progress, nullptr);
  EXPECT_EQ(o.progress_data, nullptr);
  EXPECT_EQ(o.hals_alpha, 0.5);
  EXPECT_EQ(o.hals_delta, 0.1);
  nmf_result r;
  std::memset(&r, 0x7f, sizeof r);
  double buf[3];
  r.loss_history = buf;
  r.loss_history_capacity = 3;
  ASSERT_EQ(nmf_result_init(&r, sizeof r), NMF_OK);
  EXPECT_EQ(r.struct_size, sizeof r);
  EXPECT_EQ(r.iterations, 0);
  EXPECT_EQ(r.loss, 0.0);
  EXPECT_EQ(r.loss_history, nullptr) << "nmf_result_init must zero the history buffer fields";
  EXPECT_EQ(r.loss_history_capacity, 0);
  EXPECT_EQ(r.history_length, 0);
}

TEST(StructSize, FitRejectsBadStructSize) {
  Dense A = uniform(M, N, 661);
  nmf_options o = test_options();
  o.struct_size = 0;
  EXPECT_STATUS(dense_fit<double>(A.a, M, N, M, K, &o), NMF_ERR_STRUCT_SIZE);
  o.struct_size = 8;  // only struct_size and loss
  EXPECT_STATUS(dense_fit<double>(A.a, M, N, M, K, &o), NMF_ERR_STRUCT_SIZE);
  // A bad result struct_size.
  std::vector<double> W(M * K), H(K * N), d(K);
  nmf_result r;
  nmf_result_init(&r, sizeof r);
  r.struct_size = 0;
  EXPECT_EQ(nmf_fit_dense_d(A.a.data(), M, N, M, K, W.data(), d.data(), H.data(), nullptr, &r),
            NMF_ERR_STRUCT_SIZE)
      << nmf_last_error_message();
}

// An options struct from an older, smaller header: the library reads only
// struct_size bytes and uses defaults for the rest (here: invalid garbage in
// the unread fields must not matter), and nmf_options_init writes only size
// bytes.
TEST(StructSize, OlderSmallerOptionsStruct) {
  Dense A = uniform(M, N, 671);
  const size_t old_size = offsetof(nmf_options, l1_w);
  nmf_options o;
  std::memset(&o, 0x5A, sizeof o);
  ASSERT_EQ(nmf_options_init(&o, old_size), NMF_OK);
  EXPECT_EQ(o.struct_size, old_size);
  const unsigned char *bytes = reinterpret_cast<const unsigned char *>(&o);
  size_t touched = 0;
  for (size_t i = old_size; i < sizeof o; ++i) touched += bytes[i] != 0x5A;
  EXPECT_EQ(touched, 0u) << "nmf_options_init wrote past size";
  o.maxit = 20;
  o.n_threads = 1;
  o.l1_w = -5;  // invalid, but beyond struct_size: never read
  o.fix_w = 1;
  o.fix_h = 1;
  o.hals_alpha = -1;
  o.progress = nullptr;
  auto r = dense_fit<double>(A.a, M, N, M, K, &o);
  EXPECT_EQ(r.status, NMF_OK) << r.msg;
  nmf_options full = test_options();
  full.maxit = 20;
  full.n_threads = 1;
  auto a = fit_dense<double>(A, K, o), b = fit_dense<double>(A, K, full);
  ASSERT_EQ(a.status, NMF_OK);
  ASSERT_EQ(b.status, NMF_OK);
  EXPECT_TRUE(bitwise_equal(a.W, b.W) && bitwise_equal(a.H, b.H));
}

// --------------------------------------------------------------- options

struct BadOption {
  const char *field;
  std::function<void(nmf_options &)> set;
};

TEST(Options, InvalidValuesRejected) {
  Dense A = uniform(M, N, 681);
  const double nan = std::nan("");
  std::vector<BadOption> cases = {
      {"loss", [](nmf_options &o) { o.loss = 7; }},
      {"loss", [](nmf_options &o) { o.loss = -1; }},
      {"solver", [](nmf_options &o) { o.solver = 9; }},
      {"solver", [](nmf_options &o) { o.solver = -1; }},
      {"init", [](nmf_options &o) { o.init = 4; }},
      {"init", [](nmf_options &o) { o.init = -2; }},
      {"thread", [](nmf_options &o) { o.n_threads = -1; }},
      {"maxit", [](nmf_options &o) { o.maxit = -1; }},
      {"tol", [](nmf_options &o) { o.tol = -1e-3; }},
      {"tol", [nan](nmf_options &o) { o.tol = nan; }},
      {"l1_w", [](nmf_options &o) { o.l1_w = -1; }},
      {"l1_h", [nan](nmf_options &o) { o.l1_h = nan; }},
      {"l2_w", [](nmf_options &o) { o.l2_w = -0.5; }},
      {"l2_h", [](nmf_options &o) { o.l2_h = -INFINITY; }},
      {"alpha", [](nmf_options &o) { o.hals_alpha = -1; }},
      {"alpha", [nan](nmf_options &o) { o.hals_alpha = nan; }},
      {"delta", [](nmf_options &o) { o.hals_delta = -0.1; }},
      {"fix", [](nmf_options &o) { o.fix_w = 1, o.fix_h = 1; }},
  };
  for (auto &c : cases) {
    SCOPED_TRACE(c.field);
    nmf_options o = test_options();
    c.set(o);
    auto r = dense_fit<double>(A.a, M, N, M, K, &o);
    EXPECT_STATUS(r, NMF_ERR_INVALID_ARGUMENT);
    EXPECT_TRUE(mentions(r.msg, {c.field})) << "message should name " << c.field << ": " << r.msg;
    auto s = csc_fit<float>(to_csc<int32_t>(A), K, &o);
    EXPECT_STATUS(s, NMF_ERR_INVALID_ARGUMENT);
  }
}

// ------------------------------------------------------- user-supplied W/H

TEST(UserFactors, NegativeOrNanStartRejected) {
  Dense A = uniform(M, N, 691);
  std::vector<double> W0(M * K, 0.5), H0(K * N, 0.5);
  {
    nmf_options o = test_options();
    o.user_w = 1;
    auto W = W0;
    W[2 + 1 * M] = -1;  // (2, 1)
    auto r = dense_fit<double>(A.a, M, N, M, K, &o, &W, &H0);
    EXPECT_STATUS(r, NMF_ERR_NEGATIVE);
    EXPECT_TRUE(mentions(r.msg, {"negative"})) << r.msg;
    EXPECT_TRUE(mentions(r.msg, {"W"})) << "should say the problem is in W: " << r.msg;
  }
  {
    nmf_options o = test_options();
    o.fix_w = 1;
    auto W = W0;
    W[5] = -2;
    EXPECT_STATUS(dense_fit<double>(A.a, M, N, M, K, &o, &W, &H0), NMF_ERR_NEGATIVE);
  }
  {
    nmf_options o = test_options();
    o.user_w = 1;
    o.user_h = 1;
    auto H = H0;
    H[7] = std::nan("");
    auto r = dense_fit<double>(A.a, M, N, M, K, &o, &W0, &H);
    EXPECT_STATUS(r, NMF_ERR_NOT_FINITE);
    EXPECT_TRUE(mentions(r.msg, {"H"})) << r.msg;
  }
  {
    nmf_options o = test_options();
    o.fix_h = 1;
    auto H = H0;
    H[1] = -0.25;
    EXPECT_STATUS(dense_fit<double>(A.a, M, N, M, K, &o, &W0, &H), NMF_ERR_NEGATIVE);
  }
  {  // garbage in W without user_w is ignored: W is output only
    nmf_options o = test_options();
    o.maxit = 3;
    std::vector<double> W(M * K, -1.0);
    EXPECT_EQ(dense_fit<double>(A.a, M, N, M, K, &o, &W, &H0).status, NMF_OK);
  }
}

// ------------------------------------------------ messages, codes, output

TEST(Messages, ThreadLocal) {
  Dense A = uniform(M, N, 701);
  auto r = dense_fit<double>(A.a, M, N, M, 0);  // NMF_ERR_RANK here
  ASSERT_EQ(r.status, NMF_ERR_RANK);
  std::string other_initial, other_after;
  int32_t other_status = 0;
  std::thread t([&] {
    other_initial = nmf_last_error_message();
    other_status = dense_fit<double>(A.a, M, N, M - 1, K).status;  // lda error there
    other_after = nmf_last_error_message();
  });
  t.join();
  EXPECT_EQ(other_initial, "") << "a fresh thread has no error";
  EXPECT_EQ(other_status, NMF_ERR_DIMENSION);
  EXPECT_FALSE(other_after.empty());
  EXPECT_NE(other_after, r.msg);
  EXPECT_EQ(std::string(nmf_last_error_message()), r.msg) << "another thread's error leaked here";
}

TEST(Messages, StrerrorAndConstants) {
  const int32_t codes[] = {NMF_OK, NMF_CANCELLED, NMF_ERR_NULL_POINTER, NMF_ERR_INVALID_ARGUMENT,
                           NMF_ERR_DIMENSION, NMF_ERR_RANK, NMF_ERR_NEGATIVE, NMF_ERR_NOT_FINITE,
                           NMF_ERR_SPARSE_STRUCTURE, NMF_ERR_STRUCT_SIZE, NMF_ERR_OUT_OF_MEMORY,
                           NMF_ERR_TOO_LARGE, NMF_ERR_NUMERICAL, NMF_ERR_INTERNAL};
  std::vector<std::string> seen;
  for (int32_t c : codes) {
    const char *s = nmf_strerror(c);
    ASSERT_NE(s, nullptr);
    EXPECT_GT(std::strlen(s), 3u) << c;
    EXPECT_EQ(std::find(seen.begin(), seen.end(), s), seen.end()) << "duplicate text for " << c;
    seen.push_back(s);
  }
  EXPECT_NE(nmf_strerror(-999), nullptr);
  EXPECT_NE(nmf_strerror(12345), nullptr);
  EXPECT_EQ(nmf_constant("NMF_ERR_RANK"), NMF_ERR_RANK);
  EXPECT_EQ(nmf_constant("NMF_ERR_SPARSE_STRUCTURE"), NMF_ERR_SPARSE_STRUCTURE);
  EXPECT_EQ(nmf_constant("NMF_INIT_NNDSVDAR"), NMF_INIT_NNDSVDAR);
  EXPECT_EQ(nmf_constant("NMF_STOP_EXACT"), NMF_STOP_EXACT);
  EXPECT_EQ(nmf_constant("NMF_SOLVER_HALS"), NMF_SOLVER_HALS);
  EXPECT_EQ(nmf_constant("NMF_CANCELLED"), NMF_CANCELLED);
  EXPECT_EQ(nmf_constant("NMF_NO_SUCH_THING"), INT32_MIN);
  EXPECT_EQ(nmf_version_number(), NMF_VERSION_NUMBER);
  EXPECT_STREQ(nmf_version(), "0.1.0");
}

// Nothing is written to stdout or stderr, on errors or on success.
TEST(Messages, NothingPrinted) {
  Dense A = uniform(M, N, 711);
  A(1, 1) = -1;
  Dense B = uniform(M, N, 712);
  std::fflush(stdout);
  std::fflush(stderr);
  FILE *cap = std::tmpfile();
  ASSERT_NE(cap, nullptr);
  int out = dup(1), err = dup(2);
  dup2(fileno(cap), 1);
  dup2(fileno(cap), 2);
  std::vector<int32_t> st;
  st.push_back(dense_fit<double>(A.a, M, N, M, K).status);
  st.push_back(dense_fit<double>(B.a, M, N, M, 0).status);
  st.push_back(dense_fit<double>(B.a, M, N, M - 1, K).status);
  nmf_options o = test_options();
  o.maxit = 10;
  o.init = NMF_INIT_NNDSVD;
  st.push_back(dense_fit<double>(B.a, M, N, M, K, &o).status);
  auto bad = to_csc<int32_t>(B);
  bad.row_ind[3] = 1000;
  st.push_back(csc_fit<double>(bad, K).status);
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(out, 1);
  dup2(err, 2);
  close(out);
  close(err);
  std::fseek(cap, 0, SEEK_END);
  long size = std::ftell(cap);
  std::string text;
  if (size > 0) {
    std::rewind(cap);
    text.resize(static_cast<size_t>(size));
    size_t got = std::fread(&text[0], 1, text.size(), cap);
    text.resize(got);
  }
  std::fclose(cap);
  EXPECT_EQ(st, (std::vector<int32_t>{NMF_ERR_NEGATIVE, NMF_ERR_RANK, NMF_ERR_DIMENSION, NMF_OK,
                                      NMF_ERR_SPARSE_STRUCTURE}));
  EXPECT_EQ(size, 0) << "the library printed: " << text;
}

}  // namespace

// nmf_result.options_used: the option table's values as the fit read them,
// the caller's within its struct_size and the defaults beyond it.
TEST(OptionsUsed, EchoesWhatTheFitRead) {
  const int64_t m = 12, n = 9, k = 2;
  std::vector<double> A(size_t(m * n));
  for (size_t t = 0; t < A.size(); ++t) A[t] = 1.0 + double(t % 7);
  std::vector<double> W(size_t(m * k)), d(static_cast<size_t>(k)), H(size_t(k * n));
  nmf_options o;
  nmf_options_init(&o, sizeof o);
  o.maxit = 7;
  o.tol = 0;
  o.sparse_h = 0.25;
  o.ns_theta = 0.5;
  o.extrap_eta = 3;
  nmf_options used;
  nmf_options_init(&used, sizeof used);
  nmf_result r;
  nmf_result_init(&r, sizeof r);
  r.options_used = &used;
  ASSERT_EQ(nmf_fit_dense_d(A.data(), m, n, m, k, W.data(), d.data(), H.data(), &o, &r), NMF_OK)
      << nmf_last_error_message();
  EXPECT_EQ(used.maxit, 7);
  EXPECT_EQ(used.tol, 0.0);
  EXPECT_EQ(used.sparse_h, 0.25);
  EXPECT_EQ(used.ns_theta, 0.5);
  EXPECT_EQ(used.extrap_eta, 3.0);
  EXPECT_EQ(used.struct_size, uint32_t(sizeof used));
  // A caller whose struct ends before sparse_w: what it set beyond its
  // struct_size is not read, so the echo holds the defaults there.
  nmf_options defaults;
  nmf_options_init(&defaults, sizeof defaults);
  o.struct_size = uint32_t(offsetof(nmf_options, sparse_w));
  ASSERT_EQ(nmf_fit_dense_d(A.data(), m, n, m, k, W.data(), d.data(), H.data(), &o, &r), NMF_OK)
      << nmf_last_error_message();
  EXPECT_EQ(used.maxit, 7);
  EXPECT_EQ(used.extrap_eta, 3.0);
  EXPECT_EQ(used.sparse_h, defaults.sparse_h);
  EXPECT_EQ(used.ns_theta, defaults.ns_theta);
  // An options_used without a usable struct_size is refused.
  used.struct_size = 4;
  EXPECT_EQ(nmf_fit_dense_d(A.data(), m, n, m, k, W.data(), d.data(), H.data(), &o, &r),
            NMF_ERR_STRUCT_SIZE);
  EXPECT_NE(std::string(nmf_last_error_message()).find("options_used"), std::string::npos);
}
