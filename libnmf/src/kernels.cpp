// Inner loops compiled per instruction set (see kernels.hpp).
#include "nmf/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__GNUC__) && !defined(__clang__)
// The vector helpers below are always inlined: no vector crosses a call, so
// the note that AVX-512 vector arguments change the calling convention does
// not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
#if defined(__clang__)
// No a*b+c fused into one rounding: every variant must give the same bits.
#pragma STDC FP_CONTRACT OFF
#endif

// Function multiversioning: one copy per instruction set, chosen once by the
// dynamic loader (ifunc).  Only where the toolchain and the loader support
// it; elsewhere the portable copy alone.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && \
    !defined(NMF_NO_MULTIVERSIONING)
#define NMF_HAVE_MULTIVERSION 1
#if defined(__clang__)
#define NMF_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NMF_MULTIVERSION                                         \
  __attribute__((target_clones("avx512f", "avx2", "default"), \
                 optimize("fp-contract=off")))
#endif
#else
#define NMF_MULTIVERSION
#endif

#define NMF_INLINE inline __attribute__((always_inline))

namespace nmf {
namespace kernels {

namespace {

// Generic vectors (GCC/Clang vector extensions): 8 doubles, lowered to
// whatever the variant's instruction set has (one AVX-512 register, two AVX2
// or four SSE2 ones).  Lane-wise IEEE arithmetic: the same bits as scalar.
typedef double vd __attribute__((vector_size(64)));
typedef float vf __attribute__((vector_size(32)));
constexpr int64_t kLanes = 8;
constexpr int64_t kVecs = kPanel / kLanes;
static_assert(kPanel % kLanes == 0, "the panel is a whole number of vectors");

NMF_INLINE vd load(const double* p) {
  vd v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
NMF_INLINE void store(double* p, const vd& v) { __builtin_memcpy(p, &v, sizeof v); }

template <bool kSingle>
NMF_INLINE void hals_panel_impl(double* xt, const double* bt, const double* g,
                                int64_t k, double l1, double l2, double flush,
                                int max_sweeps, double d2, double* active) {
  constexpr int64_t P = kPanel;
  const vd zero = {0, 0, 0, 0, 0, 0, 0, 0};
  double first[P];
  for (int64_t c = 0; c < P; ++c) first[c] = 0;
  for (int s = 0; s < std::max(max_sweeps, 1); ++s) {
    vd change[kVecs], live[kVecs];
    for (int64_t v = 0; v < kVecs; ++v) {
      change[v] = zero;
      live[v] = load(active + v * kLanes);
    }
    for (int64_t j = 0; j < k; ++j) {
      const double* gj = g + j * k;  // G is symmetric: column j is row j
      // (G x_c)_j for the panel's columns, summed over l = 0..k-1 in order.
      vd gx[kVecs];
      for (int64_t v = 0; v < kVecs; ++v) gx[v] = zero;
      for (int64_t l = 0; l < k; ++l) {
        const double glj = gj[l];
        const double* xl = xt + l * P;
        for (int64_t v = 0; v < kVecs; ++v) gx[v] += glj * load(xl + v * kLanes);
      }
      const double den = gj[j] + l2;
      double* xj = xt + j * P;
      const double* bj = bt + j * P;
      for (int64_t v = 0; v < kVecs; ++v) {
        const vd old = load(xj + v * kLanes);
        vd nv = den > 0 ? (load(bj + v * kLanes) - l1 - gx[v] - l2 * old) / den + old
                        : zero;
        nv = nv > 0 ? nv : zero;       // also maps NaN to 0
        nv = nv < flush ? zero : nv;
        if (kSingle) nv = __builtin_convertvector(__builtin_convertvector(nv, vf), vd);
        const vd diff = nv - old;
        change[v] += diff * diff;
        store(xj + v * kLanes, live[v] != 0 ? nv : old);
      }
    }
    bool any = false;
    for (int64_t v = 0; v < kVecs; ++v)
      for (int64_t c = 0; c < kLanes; ++c) {
        const int64_t cc = v * kLanes + c;
        if (active[cc] == 0) continue;
        if (s == 0) {
          first[cc] = change[v][c];
          if (change[v][c] == 0) active[cc] = 0;
        } else if (change[v][c] <= d2 * first[cc]) {
          active[cc] = 0;
        }
        any = any || active[cc] != 0;
      }
    if (!any) break;
  }
}

// Lanes r < k of the row of k values at w as NV vectors.  With `whole`, the
// values after the row may be read (they exist: it is not the last row of
// its array); they are set to zero when kZeroTail, else left as they are
// (finite values the caller ignores).  Without `whole`, the row is copied
// lane by lane, zeros beyond k.
template <int NV, bool kZeroTail, class T>
NMF_INLINE void load_row(const T* w, int64_t k, bool whole, vd* out) {
  const vd zero = {0, 0, 0, 0, 0, 0, 0, 0};
  if (whole) {
    for (int v = 0; v < NV; ++v) {
      vd r;
      if (sizeof(T) == sizeof(double)) {
        __builtin_memcpy(&r, w + v * kLanes, sizeof r);
      } else {
        vf f;
        __builtin_memcpy(&f, w + v * kLanes, sizeof f);
        r = __builtin_convertvector(f, vd);
      }
      out[v] = r;
    }
    if (kZeroTail) {
      const int64_t last = k - (NV - 1) * kLanes;  // lanes used in the last
      for (int64_t c = last; c < kLanes; ++c) out[NV - 1][c] = 0;
    }
    return;
  }
  for (int v = 0; v < NV; ++v) out[v] = zero;
  for (int64_t r = 0; r < k; ++r) out[r / kLanes][r % kLanes] = double(w[r]);
}

// Sparse W^T A for ranks k <= 8 NV: the column's sums stay in NV vector
// registers (lane r of vector v is row 8 v + r of the output), each entry
// adding alpha x[q] * wt(:, i) lane by lane, in the order of the entries:
// the same arithmetic as the scalar loop.  Lanes past k pick up values of
// the next row of wt and are never written out.
template <int NV, class T, class I>
NMF_INLINE void left_vec(const int64_t* p, const I* ri, const T* x,
                         const T* wt, int64_t k, int64_t m, double alpha,
                         int64_t j0, int64_t j1, T* out) {
  const vd zero = {0, 0, 0, 0, 0, 0, 0, 0};
  // Whole vectors from row i stay inside wt (m k values) while
  // i k + 8 NV <= m k.
  const int64_t size = m * k;
  for (int64_t j = j0; j < j1; ++j) {
    vd a[NV];
    for (int v = 0; v < NV; ++v) a[v] = zero;
    for (int64_t q = p[j]; q < p[j + 1]; ++q) {
      const int64_t i = int64_t(ri[q]);
      const double s = alpha * double(x[q]);
      vd w[NV];
      load_row<NV, false>(wt + i * k, k, i * k + NV * kLanes <= size, w);
      for (int v = 0; v < NV; ++v) a[v] += s * w[v];
    }
    T* o = out + j * k;
    for (int64_t r = 0; r < k; ++r) o[r] = T(a[r / kLanes][r % kLanes]);
  }
}

template <class T, class I>
NMF_INLINE void left_impl(const int64_t* p, const I* ri, const T* x,
                          const T* wt, int64_t k, int64_t m, double alpha,
                          int64_t j0, int64_t j1, T* out, double* acc) {
  switch ((k + kLanes - 1) / kLanes) {
    case 1: return left_vec<1>(p, ri, x, wt, k, m, alpha, j0, j1, out);
    case 2: return left_vec<2>(p, ri, x, wt, k, m, alpha, j0, j1, out);
    case 3: return left_vec<3>(p, ri, x, wt, k, m, alpha, j0, j1, out);
    case 4: return left_vec<4>(p, ri, x, wt, k, m, alpha, j0, j1, out);
    default: break;
  }
  for (int64_t j = j0; j < j1; ++j) {
    for (int64_t r = 0; r < k; ++r) acc[r] = 0;
    for (int64_t q = p[j]; q < p[j + 1]; ++q) {
      const T* w = wt + int64_t(ri[q]) * k;
      const double v = alpha * double(x[q]);
      for (int64_t r = 0; r < k; ++r) acc[r] += v * double(w[r]);
    }
    T* o = out + j * k;
    for (int64_t r = 0; r < k; ++r) o[r] = T(acc[r]);
  }
}

// Sparse H A^T for ranks k <= 8 NV: column j's h(:, j) is held in NV vector
// registers with zeros past k, and every entry of the column adds
// alpha x * h(:, j) to its accumulator row with whole vectors; the lanes past
// k of a row fall on the next row (or the padding) and add +0, which changes
// nothing.  Each output entry is summed over j in order, as in the scalar
// loop.
template <int NV, class T, class I>
NMF_INLINE void right_vec(const I* ri, const T* x, const T* h, int64_t k,
                          double alpha, int64_t n, int64_t r0,
                          const int64_t* begin, const int64_t* end,
                          double* acc) {
  for (int64_t j = 0; j < n; ++j) {
    const int64_t q0 = begin[j], q1 = end[j];
    if (q0 == q1) continue;
    vd hv[NV];
    load_row<NV, true>(h + j * k, k, j * k + NV * kLanes <= n * k, hv);
    for (int64_t q = q0; q < q1; ++q) {
      const double s = alpha * double(x[q]);
      double* o = acc + (int64_t(ri[q]) - r0) * k;
      for (int v = 0; v < NV; ++v)
        store(o + v * kLanes, load(o + v * kLanes) + s * hv[v]);
    }
  }
}

template <class T, class I>
NMF_INLINE void right_impl(const I* ri, const T* x, const T* h, int64_t k,
                           double alpha, int64_t n, int64_t r0, int64_t r1,
                           const int64_t* begin, const int64_t* end,
                           double* acc, T* out) {
  const int64_t cnt = (r1 - r0) * k;
  for (int64_t t = 0; t < cnt + kRightPad; ++t) acc[t] = 0;
  switch ((k + kLanes - 1) / kLanes) {
    case 1: right_vec<1>(ri, x, h, k, alpha, n, r0, begin, end, acc); break;
    case 2: right_vec<2>(ri, x, h, k, alpha, n, r0, begin, end, acc); break;
    case 3: right_vec<3>(ri, x, h, k, alpha, n, r0, begin, end, acc); break;
    case 4: right_vec<4>(ri, x, h, k, alpha, n, r0, begin, end, acc); break;
    default:
      for (int64_t j = 0; j < n; ++j) {
        const int64_t q0 = begin[j], q1 = end[j];
        if (q0 == q1) continue;
        const T* hj = h + j * k;
        for (int64_t q = q0; q < q1; ++q) {
          const double v = alpha * double(x[q]);
          double* o = acc + (int64_t(ri[q]) - r0) * k;
          for (int64_t r = 0; r < k; ++r) o[r] += v * double(hj[r]);
        }
      }
  }
  T* o = out + r0 * k;
  for (int64_t t = 0; t < cnt; ++t) o[t] = T(acc[t]);
}


// ------------------------------------------------------------------ KL

typedef int64_t vi __attribute__((vector_size(64)));

// Eight values of a (double or float) as doubles times scale.
template <class T>
NMF_INLINE vd load_scaled(const T* a, double scale) {
  vd r;
  if (sizeof(T) == sizeof(double)) {
    __builtin_memcpy(&r, a, sizeof r);
  } else {
    vf f;
    __builtin_memcpy(&f, a, sizeof f);
    r = __builtin_convertvector(f, vd);
  }
  return scale * r;
}

// The natural logarithm of eight positive normal doubles: x = 2^e u with u
// in [sqrt(1/2), sqrt(2)), log x = e log 2 + log u and, with
// s = (u - 1) / (u + 1) (|s| < 0.172), log u = 2 atanh(s) =
// 2 s (1 + s^2/3 + s^4/5 + ...), the series to s^22 (truncation below
// 1e-17 relative).  Lane-wise IEEE arithmetic without contraction: the
// same bits in every variant.
NMF_INLINE vd log_fixed(vd x) {
  vi bits;
  __builtin_memcpy(&bits, &x, sizeof bits);
  // The biased exponent as a double without an integer conversion (AVX-512F
  // and AVX2 have none for 64-bit integers): 2^52 + b has b in its low
  // mantissa bits, so (2^52 + b) - (2^52 + 1023) = b - 1023 exactly.
  const vi eb = ((bits >> 52) & 0x7ff) | 0x4330000000000000LL;
  vd ed;
  __builtin_memcpy(&ed, &eb, sizeof ed);
  ed = ed - (4503599627370496.0 + 1023.0);
  const vi mb = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
  vd u;
  __builtin_memcpy(&u, &mb, sizeof u);
  const vi big = u > 1.4142135623730951;
  u = big ? u * 0.5 : u;
  ed = big ? ed + 1.0 : ed;
  const vd f = u - 1.0;
  const vd s = f / (2.0 + f);
  const vd z = s * s;
  vd p = z * (1.0 / 23) + 1.0 / 21;
  p = p * z + 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  // log 2 split: the high part has trailing zeros, so e * hi is exact.
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  return ed * ln2_hi + (ed * ln2_lo + (2.0 * s + 2.0 * s * (z * p)));
}

// log_fixed over the whole range of doubles: subnormals scaled by 2^54
// first; log 0 = -inf, log inf = inf, NaN for NaN and negatives (the
// values of std::log).  Only selects on single comparisons, which every
// variant keeps in vector registers.
NMF_INLINE vd log_any(const vd& x) {
  const double tiny = 2.2250738585072014e-308, two54 = 18014398509481984.0;
  const vd scaled = x < tiny ? x * two54 : x;
  vd lg = log_fixed(scaled);
  lg = x < tiny ? lg - 54.0 * 6.93147180559945286227e-01 : lg;
  const vd zero = {0, 0, 0, 0, 0, 0, 0, 0};
  const vd inf = zero + std::numeric_limits<double>::infinity();
  const vd nan = zero + std::numeric_limits<double>::quiet_NaN();
  lg = x > 0 ? lg : (x == 0 ? -inf : nan);
  return x == inf ? inf : lg;
}

template <class T>
NMF_INLINE void kl_ratio_impl(const T* a, double scale, int64_t len, double* y) {
  const vd zero = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + kLanes <= len; i += kLanes) {
    const vd av = load_scaled(a + i, scale);
    const vd yv = load(y + i);
    store(y + i, av > 0 ? av / yv : zero);
  }
  for (; i < len; ++i) {
    const double av = scale * double(a[i]);
    y[i] = av > 0 ? av / y[i] : 0.0;
  }
}

// kStore: y also receives the ratio of kl_ratio (a_i > 0 ? a_i / y_i : 0),
// from the same division the logarithm takes.
template <bool kStore, class T>
NMF_INLINE void kl_loss_impl(const T* a, double scale, double* y,
                             int64_t len, double* loss, double* resid2) {
  const vd zero = {0, 0, 0, 0, 0, 0, 0, 0};
  const vd one = zero + 1.0;
  vd l = zero, q = zero;
  double at[kLanes], yt[kLanes];
  for (int64_t i = 0; i < len; i += kLanes) {
    vd av, yv;
    if (i + kLanes <= len) {
      av = load_scaled(a + i, scale);
      yv = load(y + i);
    } else {
      // The tail, padded with a = y = 0 (adding nothing).
      for (int64_t c = 0; c < kLanes; ++c) {
        at[c] = i + c < len ? scale * double(a[i + c]) : 0.0;
        yt[c] = i + c < len ? y[i + c] : 0.0;
      }
      av = load(at);
      yv = load(yt);
    }
    const vi pos = av > 0;
    const vd ratio = pos ? av / yv : one;
    vd lg;
    lg = log_any(ratio);
    l += pos ? av * lg - av + yv : yv;
    const vd dv = av - yv;
    q += dv * dv;
    if (kStore) {
      const vd stored = pos ? ratio : zero;
      if (i + kLanes <= len) {
        store(y + i, stored);
      } else {
        for (int64_t c = 0; i + c < len; ++c) y[i + c] = stored[c];
      }
    }
  }
  double ls = 0, qs = 0;
  for (int64_t c = 0; c < kLanes; ++c) {
    ls += l[c];
    qs += q[c];
  }
  *loss = ls;
  *resid2 = qs;
}

}  // namespace

NMF_MULTIVERSION
void kl_ratio(const double* a, double scale, int64_t len, double* y) {
  kl_ratio_impl(a, scale, len, y);
}
NMF_MULTIVERSION
void kl_ratio(const float* a, double scale, int64_t len, double* y) {
  kl_ratio_impl(a, scale, len, y);
}
NMF_MULTIVERSION
void kl_loss(const double* a, double scale, const double* y, int64_t len,
             double* loss, double* resid2) {
  kl_loss_impl<false>(a, scale, const_cast<double*>(y), len, loss, resid2);
}
NMF_MULTIVERSION
void kl_loss(const float* a, double scale, const double* y, int64_t len,
             double* loss, double* resid2) {
  kl_loss_impl<false>(a, scale, const_cast<double*>(y), len, loss, resid2);
}
NMF_MULTIVERSION
void kl_ratio_loss(const double* a, double scale, double* y, int64_t len,
                   double* loss, double* resid2) {
  kl_loss_impl<true>(a, scale, y, len, loss, resid2);
}
NMF_MULTIVERSION
void kl_ratio_loss(const float* a, double scale, double* y, int64_t len,
                   double* loss, double* resid2) {
  kl_loss_impl<true>(a, scale, y, len, loss, resid2);
}

NMF_MULTIVERSION
void hals_panel(double* xt, const double* bt, const double* g, int64_t k,
                double l1, double l2, double flush, bool single,
                int max_sweeps, double d2, double* active) {
  if (single)
    hals_panel_impl<true>(xt, bt, g, k, l1, l2, flush, max_sweeps, d2, active);
  else
    hals_panel_impl<false>(xt, bt, g, k, l1, l2, flush, max_sweeps, d2, active);
}

#define NMF_LEFT(T, I)                                                        \
  NMF_MULTIVERSION void csc_left(const int64_t* p, const I* ri, const T* x,   \
                                 const T* wt, int64_t k, int64_t m,           \
                                 double alpha, int64_t j0, int64_t j1, T* out, \
                                 double* acc) {                               \
    left_impl(p, ri, x, wt, k, m, alpha, j0, j1, out, acc);                   \
  }
NMF_LEFT(double, int32_t)
NMF_LEFT(double, int64_t)
NMF_LEFT(float, int32_t)
NMF_LEFT(float, int64_t)
#undef NMF_LEFT

#define NMF_RIGHT(T, I)                                                       \
  NMF_MULTIVERSION void csc_right(const I* ri, const T* x, const T* h,        \
                                  int64_t k, double alpha, int64_t n,         \
                                  int64_t r0, int64_t r1,                     \
                                  const int64_t* begin, const int64_t* end,   \
                                  double* acc, T* out) {                      \
    right_impl(ri, x, h, k, alpha, n, r0, r1, begin, end, acc, out);          \
  }
NMF_RIGHT(double, int32_t)
NMF_RIGHT(double, int64_t)
NMF_RIGHT(float, int32_t)
NMF_RIGHT(float, int64_t)
#undef NMF_RIGHT

// The variant the loader's resolver picks: it takes the first of the
// target_clones list ("avx512f", "avx2", "default") the CPU supports, which
// is the test made here.
const char* simd_path() {
#if defined(NMF_HAVE_MULTIVERSION)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
  return "default";
}

}  // namespace kernels
}  // namespace nmf
