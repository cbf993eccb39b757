// Leading k singular triplets of A, for the NNDSVD initialisations.
// Small dense inputs: LAPACK's thin SVD (gesdd).  Large or sparse inputs: a
// randomized range finder with power iterations (Halko, Martinsson & Tropp
// 2011, Algorithms 4.3/4.4 and 5.1) using only the two products the solvers
// use, so no transposed or dense copy of A is ever made.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "nmf/blas.hpp"
#include "nmf/products.hpp"
#include "nmf/rng.hpp"
#include "nmf/status.hpp"

namespace nmf {

template <class T>
struct TopSvd {
  std::vector<T> u;  // m x k, column-major
  std::vector<T> s;  // k
  std::vector<T> v;  // n x k, column-major
};

namespace detail {
// out (cols x rows) = transpose of in (rows x cols), both column-major.
template <class T>
void transpose(const T* in, int64_t rows, int64_t cols, T* out) {
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) out[j + i * cols] = in[i + j * rows];
}

// The status of LAPACK gesdd's `info`, for both SVDs of NNDSVD.
inline Status gesdd_status(int info) {
  if (info == 0) return Status();
  return Status::error(kErrNumerical, "the SVD for NNDSVD failed (LAPACK gesdd info = " +
                                          std::to_string(info) + ")");
}

// out.s and out.v (n x k, column-major) from the leading k singular values s
// and the first k rows of vt (ldvt x n, column-major).
template <class T>
void keep_top(const std::vector<T>& s, const std::vector<T>& vt, int64_t ldvt, int64_t n,
              int64_t k, TopSvd<T>& out) {
  out.s.assign(s.begin(), s.begin() + k);
  out.v.assign(size_t(n * k), T(0));
  for (int64_t j = 0; j < k; ++j)
    for (int64_t c = 0; c < n; ++c) out.v[size_t(c + j * n)] = vt[size_t(j + c * ldvt)];
}
}  // namespace detail

// Exact thin SVD from a dense copy of A (only for small inputs).
template <class Ops, class T>
Status svd_exact(const Ops& ops, int64_t k, double scale, TopSvd<T>& out) {
  const int64_t m = ops.m(), n = ops.n(), r = std::min(m, n);
  std::vector<T> copy(static_cast<size_t>(m * n));
  ops.densify(scale, copy.data());
  std::vector<T> s(static_cast<size_t>(r)), u(static_cast<size_t>(m * r)), vt(static_cast<size_t>(r * n));
  const Status st = detail::gesdd_status(
      blas::gesdd(m, n, copy.data(), m, s.data(), u.data(), m, vt.data(), r));
  if (!st.ok()) return st;
  out.u.assign(u.begin(), u.begin() + m * k);
  detail::keep_top(s, vt, r, n, k, out);
  return Status();
}

// A randomized range finder through the products left/right of any Ops
// (Halko, Martinsson & Tropp 2011, Algorithm 4.4): q (m x l, orthonormal
// columns) spanning about the leading l-dimensional range of scale * A, from
// a seeded Gaussian test matrix and `power_iterations` subspace iterations;
// then b (l x n) = q^T (scale * A).
template <class Ops, class T>
Status range_sketch(const Ops& ops, int64_t l, int power_iterations, double scale,
                    uint64_t seed, int threads, std::vector<T>& q,
                    std::vector<T>& b) {
  const int64_t m = ops.m(), n = ops.n();
  Rng rng(seed ^ 0x5bd1e995a5a5a5a5ULL);
  std::vector<T> omega_t(static_cast<size_t>(l * n));  // l x n
  for (auto& v : omega_t) v = T(rng.normal());
  std::vector<T> yt(static_cast<size_t>(l * m)), zt(static_cast<size_t>(l * n)),
      z(size_t(n * l));
  std::vector<T>& y = q;
  y.assign(size_t(m * l), T(0));
  auto fail = [](int info) {
    return Status::error(kErrNumerical,
                         "QR in the randomized range finder failed (LAPACK info = " +
                             std::to_string(info) + ")");
  };
  // Y = A * Omega, orthonormalised.
  ops.right(omega_t.data(), l, yt.data(), threads, scale);
  detail::transpose(yt.data(), l, m, y.data());
  int info = blas::orthonormalize(m, l, y.data(), m);
  if (info != 0) return fail(info);
  for (int it = 0; it < power_iterations; ++it) {
    // Z = A^T Q, orthonormalised; then Y = A Z, orthonormalised.
    detail::transpose(y.data(), m, l, yt.data());
    ops.left(yt.data(), l, zt.data(), threads, scale);
    detail::transpose(zt.data(), l, n, z.data());
    info = blas::orthonormalize(n, l, z.data(), n);
    if (info != 0) return fail(info);
    detail::transpose(z.data(), n, l, zt.data());
    ops.right(zt.data(), l, yt.data(), threads, scale);
    detail::transpose(yt.data(), l, m, y.data());
    info = blas::orthonormalize(m, l, y.data(), m);
    if (info != 0) return fail(info);
  }
  detail::transpose(y.data(), m, l, yt.data());
  b.assign(size_t(l * n), T(0));
  ops.left(yt.data(), l, b.data(), threads, scale);
  return Status();
}

// Randomized truncated SVD: the SVD of the sketch b = U_b S V^T; U = Q U_b.
template <class Ops, class T>
Status svd_randomized(const Ops& ops, int64_t k, double scale, uint64_t seed,
                      int threads, TopSvd<T>& out) {
  const int64_t m = ops.m(), n = ops.n();
  const int64_t l = std::min<int64_t>(k + 10, std::min(m, n));
  std::vector<T> y, b;
  Status st = range_sketch(ops, l, 3, scale, seed, threads, y, b);
  if (!st.ok()) return st;
  std::vector<T> s(static_cast<size_t>(l)), ub(static_cast<size_t>(l * l)), vt(static_cast<size_t>(l * n));
  st = detail::gesdd_status(
      blas::gesdd(l, n, b.data(), l, s.data(), ub.data(), l, vt.data(), l));
  if (!st.ok()) return st;
  out.u.assign(size_t(m * k), T(0));
  blas::gemm('N', 'N', m, k, l, T(1), y.data(), m, ub.data(), l, T(0),
             out.u.data(), m);
  detail::keep_top(s, vt, l, n, k, out);
  return Status();
}

// Dispatch: exact for small inputs (at most 4e6 entries: a dense copy of
// at most 32 MB, also for a sparse input), randomized otherwise.  The choice
// depends on the dimensions only, so a dense and a CSC copy of one matrix
// get the same start.
template <class Ops, class T>
Status svd_top(const Ops& ops, int64_t k, double scale, uint64_t seed,
               int threads, TopSvd<T>& out) {
  if (std::min(ops.m(), ops.n()) <= 1000 &&
      double(ops.m()) * double(ops.n()) <= 4e6)
    return svd_exact(ops, k, scale, out);
  return svd_randomized(ops, k, scale, seed, threads, out);
}

}  // namespace nmf
