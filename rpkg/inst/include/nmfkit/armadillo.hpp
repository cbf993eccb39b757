// nmfkit/armadillo.hpp: non-negative matrix factorization of Armadillo
// matrices with nmfkit, for packages that declare
//   LinkingTo: nmfkit, RcppArmadillo    Imports: nmfkit
// Header-only, over nmfkit.h (the C ABI reached through R_GetCCallable).
//
//   #include <RcppArmadillo.h>
//   #include <nmfkit/armadillo.hpp>
//   nmfkit::arma_fit<double> f = nmfkit::nmf(A, 5);          // arma::mat
//   nmfkit::Options o; o.opts.seed = 1; o.opts.n_threads = 2;  // nmf.h fields
//   nmfkit::arma_fit<float> g = nmfkit::nmf(A_float, 5, o);   // arma::fmat
//   nmfkit::arma_fit<double> s = nmfkit::nmf(A_sparse, 5, o); // arma::sp_mat
//
// The data is read in place (no copy of A's values or row indices; a
// sparse matrix's n + 1 column pointers are widened to 64 bits).  The
// result is A ~ W diag(d) H in nmfkit's canonical form (columns of W and
// rows of H summing to 1, components ordered by d), the same factors as
// nmfkit::nmf() in R for the same data, options and seed.  A failure
// throws std::runtime_error with the library's message (Rcpp turns it into
// an R error).
#ifndef NMFKIT_ARMADILLO_HPP
#define NMFKIT_ARMADILLO_HPP

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nmfkit.h>

namespace nmfkit {

// nmf.h's options, filled with the library's defaults.
struct Options {
  nmf_options opts;
  Options() { nmfkit_options_init(&opts, sizeof opts); }
};

template <class T>
struct arma_fit {
  arma::Mat<T> W;       // m x k
  arma::Col<T> d;       // k scales, decreasing
  arma::Mat<T> H;       // k x n
  nmf_result result;    // iterations, loss, stop reason, ...
  int32_t status = 0;   // NMF_OK, or NMF_CANCELLED (stopped by the callback)
};

namespace detail {

inline void check(int32_t status) {
  if (status < 0)
    throw std::runtime_error(std::string("nmfkit: ") +
                             nmfkit_last_error_message());
}

template <class T>
arma_fit<T> outputs(arma::uword m, arma::uword n, int64_t k) {
  if (k < 1) throw std::invalid_argument("nmfkit: k must be at least 1");
  arma_fit<T> f;
  f.W.set_size(m, arma::uword(k));
  f.d.set_size(arma::uword(k));
  f.H.set_size(arma::uword(k), n);
  nmfkit_result_init(&f.result, sizeof f.result);
  return f;
}

// The C ABI's functions by argument types.
#define NMFKIT_DENSE(T, suffix)                                              \
  inline int32_t fit_dense(const T* A, int64_t m, int64_t n, int64_t k,      \
                           T* W, T* d, T* H, const nmf_options* o,           \
                           nmf_result* r) {                                  \
    return nmfkit_fit_dense_##suffix(A, m, n, m, k, W, d, H, o, r);          \
  }
NMFKIT_DENSE(double, d)
NMFKIT_DENSE(float, f)
#undef NMFKIT_DENSE
#define NMFKIT_CSC(T, I, suffix)                                             \
  inline int32_t fit_csc(int64_t m, int64_t n, const int64_t* p,             \
                         const I* i, const T* x, int64_t k, T* W, T* d,      \
                         T* H, const nmf_options* o, nmf_result* r) {        \
    return nmfkit_fit_csc_##suffix(m, n, p, i, x, k, W, d, H, o, r);         \
  }
NMFKIT_CSC(double, int32_t, d_i32)
NMFKIT_CSC(double, int64_t, d_i64)
NMFKIT_CSC(float, int32_t, f_i32)
NMFKIT_CSC(float, int64_t, f_i64)
#undef NMFKIT_CSC

}  // namespace detail

// Dense double or float matrix, read in place.
template <class T>
arma_fit<T> nmf(const arma::Mat<T>& A, int64_t k,
                const Options& options = Options()) {
  static_assert(std::is_same<T, double>::value || std::is_same<T, float>::value,
                "nmfkit factors double or float matrices");
  arma_fit<T> f = detail::outputs<T>(A.n_rows, A.n_cols, k);
  f.status = detail::fit_dense(A.memptr(), int64_t(A.n_rows), int64_t(A.n_cols),
                               k, f.W.memptr(), f.d.memptr(), f.H.memptr(),
                               &options.opts, &f.result);
  detail::check(f.status);
  return f;
}

// Sparse (CSC) double or float matrix: values and row indices read in
// place, whichever width arma::uword has (32 or 64 bits).
template <class T>
arma_fit<T> nmf(const arma::SpMat<T>& A, int64_t k,
                const Options& options = Options()) {
  static_assert(std::is_same<T, double>::value || std::is_same<T, float>::value,
                "nmfkit factors double or float matrices");
  static_assert(sizeof(arma::uword) == 4 || sizeof(arma::uword) == 8,
                "arma::uword must have 32 or 64 bits");
  typedef typename std::conditional<sizeof(arma::uword) == 8, int64_t,
                                    int32_t>::type index_t;
  A.sync();  // make the CSC arrays current
  arma_fit<T> f = detail::outputs<T>(A.n_rows, A.n_cols, k);
  std::vector<int64_t> col_ptr(A.col_ptrs, A.col_ptrs + A.n_cols + 1);
  f.status = detail::fit_csc(int64_t(A.n_rows), int64_t(A.n_cols),
                             col_ptr.data(),
                             reinterpret_cast<const index_t*>(A.row_indices),
                             A.values, k, f.W.memptr(), f.d.memptr(),
                             f.H.memptr(), &options.opts, &f.result);
  detail::check(f.status);
  return f;
}

}  // namespace nmfkit

#endif  // NMFKIT_ARMADILLO_HPP
