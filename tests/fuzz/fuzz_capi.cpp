// libFuzzer harness: the C ABI's argument validation and the fits behind
// it, with fuzzer-chosen dimensions (tiny, or beyond int32/int64), leading
// dimension, rank, options (any value of every field, any struct_size),
// result struct, CSC structure (well-formed or arbitrary pointers and
// indices), entries (special values: negative, NaN, Inf, subnormal, near the
// largest), user-supplied W/H, the sketch warm start, NULL pointers and
// cancellation.  Buffers are
// always as large as the declared sizes require, except when a size cannot
// exist (beyond int32 rows or columns), where the library must refuse before
// reading.  Checked: the status is a documented one (never
// NMF_ERR_INTERNAL), an error comes with a message and success without one,
// and a success returns finite, non-negative, canonical factors.
#include <cmath>
#include <limits>
#include <vector>

#include "fuzz_util.hpp"
#include "nmf.h"

namespace {

const double kValues[16] = {0.0, 1.0, 0.5, 2.0, 1e-300, 1e300, 1e-38, 1e38,
                            -1.0, NAN, INFINITY, -INFINITY, 5e-324, 1.7976931348623157e308,
                            3.4028234663852886e38, 3.0};
const double kOptionValues[10] = {0.0, 0.0, 0.0, 1e-5, 0.1, 1.0, -0.5, NAN, INFINITY, 1e300};

double value(fuzz::Bytes &in) {
  const uint8_t b = in.u8();
  // Mostly ordinary values, every special one reachable.
  return b < 128 ? double(b % 7) * 0.25 : kValues[b % 16];
}

struct Cancel {
  int64_t at;
};
const Cancel *g_cancel = nullptr;  // the progress_data of the current call

// progress_data is the caller's pointer, or NULL when struct_size leaves it
// out (the library then uses the default); never anything else (a
// struct_size ending inside the field once spliced half a pointer).
int32_t cancel_cb(int64_t it, int64_t, double loss, double rel, void *data) {
  FUZZ_CHECK(std::isfinite(rel) && rel >= 0, "rel_error " + std::to_string(rel));
  FUZZ_CHECK(!std::isnan(loss), "loss NaN");
  FUZZ_CHECK(data == nullptr || data == g_cancel, "progress_data is a wild pointer");
  const auto *c = static_cast<const Cancel *>(data);
  return c && c->at > 0 && it >= c->at;
}

template <class T>
void check_finite_nonneg(const std::vector<T> &x, const char *name) {
  for (T v : x) FUZZ_CHECK(std::isfinite(double(v)) && v >= 0, name);
}

template <class T, class I>
void run(fuzz::Bytes &in, uint8_t mode) {
  const int path = mode % 3;  // 0 dense, 1 CSC
  const bool huge = mode & 0x40;
  const bool null_one = mode & 0x80;
  int64_t m = int64_t(in.u8() % 10) - 1, n = int64_t(in.u8() % 10) - 1;
  int64_t k = int64_t(in.u8() % 12) - 2;
  int64_t lda = m + int64_t(in.u8() % 4) - 1;
  const int64_t big[4] = {int64_t(1) << 31, (int64_t(1) << 33) + 7, int64_t(1) << 62,
                          std::numeric_limits<int64_t>::max()};
  // Sizes as allocated (before any impossible size is declared).
  const int64_t am = std::max<int64_t>(m, 1), an = std::max<int64_t>(n, 1),
                ak = std::max<int64_t>(k, 1), alda = std::max<int64_t>(lda, am);
  if (huge) {
    const uint8_t which = in.u8();
    const int64_t b = big[which % 4];
    if (path == 0) {
      ((which >> 2) % 3 == 0 ? m : (which >> 2) % 3 == 1 ? n : lda) = b;
      if (m == b && lda < m) lda = b;
    } else {
      m = b;  // CSC: n + 1 column pointers must exist, so only m is huge
    }
  }

  nmf_options o;
  nmf_options_init(&o, sizeof o);
  const uint8_t f = in.u8();
  o.loss = int32_t(in.u8() % 8 == 0 ? in.u8() % 3 : 0);
  o.solver = int32_t(in.u8() % 4) - 1;
  o.init = int32_t(in.u8() % 6) - 1;
  o.n_threads = int32_t(in.u8() % 4) - (f & 1);
  o.maxit = int32_t(in.u8() % 6) - ((f >> 1) & 1);
  o.tol = kOptionValues[in.u8() % 10];
  o.seed = in.u32();
  if (f & 4) {
    o.l1_w = kOptionValues[in.u8() % 10];
    o.l1_h = kOptionValues[in.u8() % 10];
    o.l2_w = kOptionValues[in.u8() % 10];
    o.l2_h = kOptionValues[in.u8() % 10];
  }
  const uint8_t factors = in.u8();
  o.user_w = factors & 1;
  o.user_h = (factors >> 1) & 1;
  o.fix_w = (factors >> 2) & 1 && (factors & 0x30) == 0;
  o.fix_h = (factors >> 3) & 1 && (factors & 0x30) == 0;
  if (f & 8) {
    o.hals_alpha = kOptionValues[in.u8() % 10];
    o.hals_delta = kOptionValues[in.u8() % 10];
  }

  Cancel cancel{int64_t(in.u8() % 8)};
  g_cancel = &cancel;
  if (cancel.at) {
    o.progress = cancel_cb;
    o.progress_data = &cancel;
  }
  if (f & 16) o.struct_size = in.u8() % 2 ? uint32_t(in.u8()) : in.u32();

  nmf_result res;
  nmf_result_init(&res, sizeof res);
  std::vector<double> history(in.u8() % 4);
  res.loss_history = history.empty() ? nullptr : history.data();
  res.loss_history_capacity = int64_t(history.size());
  if (f & 32) res.struct_size = uint32_t(in.u8());

  std::vector<T> W(static_cast<size_t>(am * ak)), H(static_cast<size_t>(ak * an)), d(static_cast<size_t>(ak));
  if (o.user_w || o.fix_w)
    for (T &x : W) x = T(value(in));
  if (o.user_h || o.fix_h)
    for (T &x : H) x = T(value(in));

  std::vector<T> A;
  std::vector<int64_t> col_ptr;
  std::vector<I> row_ind;
  std::vector<T> values;
  if (path == 0) {
    A.resize(size_t(alda * (an - 1) + am));
    for (T &x : A) x = T(value(in));
  } else {
    const bool raw = in.u8() & 1;
    col_ptr.resize(size_t(an) + 1);
    int64_t top = 0;
    for (int64_t j = 1; j <= an; ++j) {
      col_ptr[j] = raw ? int64_t(in.u8() % 14) - 1 : col_ptr[j - 1] + in.u8() % 4;
      top = std::max(top, col_ptr[j]);
    }
    if (raw && in.u8() % 4 == 0) col_ptr[0] = int64_t(in.u8() % 3) - 1;
    row_ind.resize(size_t(top) + 1);
    values.resize(size_t(top) + 1);
    for (int64_t j = 0; j < an; ++j) {
      int64_t r = -1;
      for (int64_t q = std::max<int64_t>(col_ptr[j], 0); q < col_ptr[j + 1]; ++q) {
        // Increasing rows unless the fuzzer says otherwise.
        const uint8_t b = in.u8();
        r = raw || (b & 0x80) ? int64_t(b % 12) - 1 : r + 1 + b % 2;
        row_ind[size_t(q)] = I(r);
      }
    }
    for (T &x : values) x = T(value(in));
  }

  const T *a_ptr = A.data();
  const int64_t *cp = col_ptr.data();
  const I *ri = row_ind.data();
  const T *vp = values.data();
  T *w = W.data(), *h = H.data(), *dp = (mode & 8) ? nullptr : d.data();
  const nmf_options *op = (mode & 16) ? nullptr : &o;
  nmf_result *rp = (mode & 32) ? nullptr : &res;
  if (null_one) {
    switch (in.u8() % 5) {
      case 0: a_ptr = nullptr, cp = nullptr; break;
      case 1: ri = nullptr; break;
      case 2: vp = nullptr; break;
      case 3: w = nullptr; break;
      default: h = nullptr; break;
    }
  }

  // The sketch warm start, from the last bytes (an input that ends earlier
  // keeps the defaults, as inputs written before these options did): any
  // mode (2 is invalid), any rank (-1 is invalid).
  {
    const uint8_t sk = in.u8(), rank = in.u8();
    o.sketch = int32_t(sk % 4) - 1;
    o.sketch_rank = rank % 14 == 13 ? -1 : int64_t(rank % 14);
  }

  int32_t s;
  if (path == 0) {
    if constexpr (sizeof(T) == sizeof(double))
      s = nmf_fit_dense_d(a_ptr, m, n, lda, k, w, dp, h, op, rp);
    else
      s = nmf_fit_dense_f(a_ptr, m, n, lda, k, w, dp, h, op, rp);
  } else if constexpr (sizeof(T) == sizeof(double) && sizeof(I) == 4) {
    s = nmf_fit_csc_d_i32(m, n, cp, ri, vp, k, w, dp, h, op, rp);
  } else if constexpr (sizeof(T) == sizeof(double)) {
    s = nmf_fit_csc_d_i64(m, n, cp, ri, vp, k, w, dp, h, op, rp);
  } else if constexpr (sizeof(I) == 4) {
    s = nmf_fit_csc_f_i32(m, n, cp, ri, vp, k, w, dp, h, op, rp);
  } else {
    s = nmf_fit_csc_f_i64(m, n, cp, ri, vp, k, w, dp, h, op, rp);
  }

  const std::string msg = nmf_last_error_message();
  FUZZ_CHECK(s >= NMF_ERR_NUMERICAL && s <= NMF_CANCELLED, std::to_string(s) + " " + msg);
  FUZZ_CHECK(std::string(nmf_strerror(s)) != "unknown status code", std::to_string(s));
  if (s < 0) {
    FUZZ_CHECK(!msg.empty(), "no message for status " + std::to_string(s));
    return;
  }
  FUZZ_CHECK(msg.empty(), "a message after success: " + msg);
  FUZZ_CHECK(!huge, "a fit of an impossible size succeeded");
  W.resize(size_t(m * k));
  H.resize(size_t(k * n));
  check_finite_nonneg(W, "W");
  check_finite_nonneg(H, "H");
  if (dp) check_finite_nonneg(d, "d");
  if (rp && rp->struct_size >= sizeof res) {
    FUZZ_CHECK(std::isfinite(res.rel_error) && res.rel_error >= 0, "rel_error");
    FUZZ_CHECK(res.history_length <= res.loss_history_capacity, "history length");
  }
  // Canonical unless a factor is fixed: each column of W sums to 1 or is 0.
  if (!o.fix_w && !o.fix_h && op)
    for (int64_t l = 0; l < k; ++l) {
      double sw = 0;
      for (int64_t i = 0; i < m; ++i) sw += double(W[size_t(i + l * m)]);
      FUZZ_CHECK(sw == 0 || std::fabs(sw - 1) < 1e-3, "column sum " + std::to_string(sw));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::Bytes in(data, size);
  const uint8_t mode = in.u8();
  const bool single = mode & 4;
  const bool wide = (mode % 3 == 2);
  if (single) {
    wide ? run<float, int64_t>(in, mode) : run<float, int32_t>(in, mode);
  } else {
    wide ? run<double, int64_t>(in, mode) : run<double, int32_t>(in, mode);
  }
  return 0;
}
