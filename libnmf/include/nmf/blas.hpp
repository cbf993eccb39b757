// Thin typed wrappers over the Fortran BLAS/LAPACK routines the core uses,
// and control of the BLAS thread count (OpenBLAS found at run time).
#pragma once
#include <cstdint>
#include <string>

namespace nmf {
namespace blas {

// C := alpha * op(A) * op(B) + beta * C, column-major.
void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, double alpha,
          const double* a, int64_t lda, const double* b, int64_t ldb,
          double beta, double* c, int64_t ldc);
void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta,
          float* c, int64_t ldc);

// G := X * X^T (k x k, full symmetric) for X k x len with leading dim k,
// accumulated in double whatever the type of X.
void gram(const double* x, int64_t k, int64_t len, double* g);
void gram(const float* x, int64_t k, int64_t len, double* g);

// Thin SVD A = U diag(s) V^T of an m x n column-major matrix (destroyed).
// u: m x min(m,n), vt: min(m,n) x n.  Returns LAPACK's info.
int gesdd(int64_t m, int64_t n, double* a, int64_t lda, double* s, double* u,
          int64_t ldu, double* vt, int64_t ldvt);
int gesdd(int64_t m, int64_t n, float* a, int64_t lda, float* s, float* u,
          int64_t ldu, float* vt, int64_t ldvt);

// Overwrite the m x n (m >= n) matrix a with the Q of its QR factorisation.
int orthonormalize(int64_t m, int64_t n, double* a, int64_t lda);
int orthonormalize(int64_t m, int64_t n, float* a, int64_t lda);

// Solve the symmetric positive definite system G x = b in place (G n x n,
// destroyed).  Returns LAPACK's info (> 0: not positive definite).
int posv(int64_t n, double* g, int64_t ldg, double* b);

// Largest sizes the Fortran integer interface accepts.
bool fits_blas_int(int64_t v);

// Scope guard: holds OpenBLAS at one thread while any fit of the process
// runs and restores the host's setting when the last one ends (counted
// under a lock: concurrent fits never restore it under each other).  The
// core parallelises the products itself (products.hpp), so OpenMP threads x
// BLAS threads never exceed what the caller asked for and the two pools
// never spin against each other.
class ThreadScope {
 public:
  ThreadScope();
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  bool counted_ = false;
};

// fork() handlers of the scope's lock (threads.cpp registers them): held
// across fork() so that no child inherits it locked.
void scope_fork_prepare();
void scope_fork_parent();
void scope_fork_child();

// True when the BLAS is OpenBLAS's OpenMP build allowed more than one
// thread: its parallel regions may have started OpenMP workers.
bool openmp_threads_possible();

// OpenBLAS's core name ("Haswell", "Prescott", ...) or "" for another BLAS.
std::string core_name();
// Non-empty advice when the BLAS runs generic kernels on a better CPU.
std::string slow_kernel_advice();

}  // namespace blas
}  // namespace nmf
