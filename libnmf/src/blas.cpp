// BLAS/LAPACK wrappers and OpenBLAS run-time detection.
#include "nmf/blas.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <mutex>
#include <vector>

extern "C" {
void dgemm_(const char*, const char*, const int*, const int*, const int*,
            const double*, const double*, const int*, const double*,
            const int*, const double*, double*, const int*);
void sgemm_(const char*, const char*, const int*, const int*, const int*,
            const float*, const float*, const int*, const float*, const int*,
            const float*, float*, const int*);
void dsyrk_(const char*, const char*, const int*, const int*, const double*,
            const double*, const int*, const double*, double*, const int*);
void dgesdd_(const char*, const int*, const int*, double*, const int*,
             double*, double*, const int*, double*, const int*, double*,
             const int*, int*, int*);
void sgesdd_(const char*, const int*, const int*, float*, const int*, float*,
             float*, const int*, float*, const int*, float*, const int*, int*,
             int*);
void dgeqrf_(const int*, const int*, double*, const int*, double*, double*,
             const int*, int*);
void sgeqrf_(const int*, const int*, float*, const int*, float*, float*,
             const int*, int*);
void dorgqr_(const int*, const int*, const int*, double*, const int*,
             const double*, double*, const int*, int*);
void sorgqr_(const int*, const int*, const int*, float*, const int*,
             const float*, float*, const int*, int*);
void dposv_(const char*, const int*, const int*, double*, const int*,
            double*, const int*, int*);
}

namespace nmf {
namespace blas {

bool fits_blas_int(int64_t v) { return v >= 0 && v <= INT_MAX; }

void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, double alpha,
          const double* a, int64_t lda, const double* b, int64_t ldb,
          double beta, double* c, int64_t ldc) {
  const int im = int(m), in = int(n), ik = int(k), ia = int(lda),
            ib = int(ldb), ic = int(ldc);
  dgemm_(&ta, &tb, &im, &in, &ik, &alpha, a, &ia, b, &ib, &beta, c, &ic);
}

void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta,
          float* c, int64_t ldc) {
  const int im = int(m), in = int(n), ik = int(k), ia = int(lda),
            ib = int(ldb), ic = int(ldc);
  sgemm_(&ta, &tb, &im, &in, &ik, &alpha, a, &ia, b, &ib, &beta, c, &ic);
}

static void symmetrize_upper(double* g, int64_t k) {
  for (int64_t j = 0; j < k; ++j)
    for (int64_t i = j + 1; i < k; ++i) g[i + j * k] = g[j + i * k];
}

void gram(const double* x, int64_t k, int64_t len, double* g) {
  const int ik = int(k), il = int(len);
  const double one = 1.0, zero = 0.0;
  const char up = 'U', no = 'N';
  if (len == 0) {
    std::fill(g, g + k * k, 0.0);
    return;
  }
  dsyrk_(&up, &no, &ik, &il, &one, x, &ik, &zero, g, &ik);
  symmetrize_upper(g, k);
}

void gram(const float* x, int64_t k, int64_t len, double* g) {
  // Accumulate in double: widen in column blocks to bound the extra memory.
  std::fill(g, g + k * k, 0.0);
  const int64_t block = std::max<int64_t>(1, (1 << 20) / std::max<int64_t>(k, 1));
  std::vector<double> buf(static_cast<size_t>(k) * size_t(std::min(block, std::max<int64_t>(len, 1))));
  const int ik = int(k);
  const double one = 1.0;
  const char up = 'U', no = 'N';
  for (int64_t c0 = 0; c0 < len; c0 += block) {
    const int64_t c1 = std::min(len, c0 + block);
    const int64_t cnt = (c1 - c0) * k;
    for (int64_t t = 0; t < cnt; ++t) buf[t] = x[c0 * k + t];
    const int il = int(c1 - c0);
    dsyrk_(&up, &no, &ik, &il, &one, buf.data(), &ik, &one, g, &ik);
  }
  symmetrize_upper(g, k);
}

template <class T, class F>
static int gesdd_impl(F f, int64_t m, int64_t n, T* a, int64_t lda, T* s,
                      T* u, int64_t ldu, T* vt, int64_t ldvt) {
  const char jobz = 'S';
  const int im = int(m), in = int(n), ia = int(lda), iu = int(ldu),
            iv = int(ldvt);
  int info = 0, lwork = -1;
  T wq = 0;
  std::vector<int> iwork(static_cast<size_t>(8) * size_t(std::min(m, n)));
  f(&jobz, &im, &in, a, &ia, s, u, &iu, vt, &iv, &wq, &lwork, iwork.data(),
    &info);
  if (info != 0) return info;
  lwork = int(wq) + 1;
  std::vector<T> work(static_cast<size_t>(lwork));
  f(&jobz, &im, &in, a, &ia, s, u, &iu, vt, &iv, work.data(), &lwork,
    iwork.data(), &info);
  return info;
}

int gesdd(int64_t m, int64_t n, double* a, int64_t lda, double* s, double* u,
          int64_t ldu, double* vt, int64_t ldvt) {
  return gesdd_impl(dgesdd_, m, n, a, lda, s, u, ldu, vt, ldvt);
}
int gesdd(int64_t m, int64_t n, float* a, int64_t lda, float* s, float* u,
          int64_t ldu, float* vt, int64_t ldvt) {
  return gesdd_impl(sgesdd_, m, n, a, lda, s, u, ldu, vt, ldvt);
}

template <class T, class Fq, class Fo>
static int orth_impl(Fq geqrf, Fo orgqr, int64_t m, int64_t n, T* a,
                     int64_t lda) {
  const int im = int(m), in = int(n), ia = int(lda);
  int info = 0, lwork = -1;
  std::vector<T> tau(static_cast<size_t>(std::max<int64_t>(n, 1)));
  T wq1 = 0, wq2 = 0;
  geqrf(&im, &in, a, &ia, tau.data(), &wq1, &lwork, &info);
  if (info != 0) return info;
  orgqr(&im, &in, &in, a, &ia, tau.data(), &wq2, &lwork, &info);
  if (info != 0) return info;
  lwork = int(std::max(wq1, wq2)) + 1;
  std::vector<T> work(static_cast<size_t>(lwork));
  geqrf(&im, &in, a, &ia, tau.data(), work.data(), &lwork, &info);
  if (info != 0) return info;
  orgqr(&im, &in, &in, a, &ia, tau.data(), work.data(), &lwork, &info);
  return info;
}

int orthonormalize(int64_t m, int64_t n, double* a, int64_t lda) {
  return orth_impl<double>(dgeqrf_, dorgqr_, m, n, a, lda);
}
int orthonormalize(int64_t m, int64_t n, float* a, int64_t lda) {
  return orth_impl<float>(sgeqrf_, sorgqr_, m, n, a, lda);
}

int posv(int64_t n, double* g, int64_t ldg, double* b) {
  const char up = 'U';
  const int in = int(n), ig = int(ldg), one = 1;
  int info = 0;
  dposv_(&up, &in, &one, g, &ig, b, &in, &info);
  return info;
}

// ---- OpenBLAS, found at run time in whatever library provides dgemm_ (so
// the same code works with reference BLAS, OpenBLAS pthread or OpenMP).
namespace {
struct OpenBlas {
  int (*get_threads)() = nullptr;
  void (*set_threads)(int) = nullptr;
  char* (*corename)() = nullptr;
  int (*parallel)() = nullptr;  // 0 sequential, 1 pthreads, 2 OpenMP
};

const OpenBlas& openblas() {
  static OpenBlas ob;
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info info;
    void* handle = nullptr;
    if (dladdr(reinterpret_cast<void*>(&dgemm_), &info) && info.dli_fname)
      handle = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    void* scope = handle ? handle : RTLD_DEFAULT;
    ob.get_threads =
        reinterpret_cast<int (*)()>(dlsym(scope, "openblas_get_num_threads"));
    ob.set_threads =
        reinterpret_cast<void (*)(int)>(dlsym(scope, "openblas_set_num_threads"));
    ob.corename =
        reinterpret_cast<char* (*)()>(dlsym(scope, "openblas_get_corename"));
    ob.parallel =
        reinterpret_cast<int (*)()>(dlsym(scope, "openblas_get_parallel"));
    // The handle is kept: the library stays loaded while we are.
  });
  return ob;
}

// The scope is counted: OpenBLAS's thread count is one setting for the
// whole process, and fits on several host threads overlap.  The first scope
// in saves the host's setting and sets 1; the last one out puts the host's
// setting back, unless the host changed it meanwhile (then its new value
// stays).  A host thread's own BLAS calls during a fit run on one thread.
struct ScopeCount {
  std::mutex lock;
  int inside = 0;     // scopes alive in the process
  int restore = -1;   // the host's setting to put back (-1: none)
};
ScopeCount g_scopes;
// Scopes alive on this thread: after fork() only the forking thread's exist.
thread_local int t_inside = 0;
}  // namespace

ThreadScope::ThreadScope() {
  const OpenBlas& ob = openblas();
  if (!ob.get_threads || !ob.set_threads) return;
  std::lock_guard<std::mutex> hold(g_scopes.lock);
  if (g_scopes.inside++ == 0) {
    const int host = ob.get_threads();
    // A child forked while fits ran keeps the restore its parent's scopes
    // owed (blas is then still at their 1).
    if (host != 1) g_scopes.restore = host;
    if (g_scopes.restore > 0) ob.set_threads(1);
  }
  ++t_inside;
  counted_ = true;
}

ThreadScope::~ThreadScope() {
  if (!counted_) return;
  const OpenBlas& ob = openblas();
  std::lock_guard<std::mutex> hold(g_scopes.lock);
  --t_inside;
  if (--g_scopes.inside == 0) {
    if (g_scopes.restore > 0 && ob.get_threads() == 1) ob.set_threads(g_scopes.restore);
    g_scopes.restore = -1;
  }
}

void scope_fork_prepare() { g_scopes.lock.lock(); }
void scope_fork_parent() { g_scopes.lock.unlock(); }
void scope_fork_child() {
  // The other threads' scopes never end in the child; a restore they owed
  // is made by the child's next scope when it ends.
  g_scopes.inside = t_inside;
  g_scopes.lock.unlock();
}

bool openmp_threads_possible() {
  const OpenBlas& ob = openblas();
  return ob.parallel && ob.get_threads && ob.parallel() == 2 && ob.get_threads() > 1;
}

std::string core_name() {
  const OpenBlas& ob = openblas();
  if (!ob.corename) return "";
  const char* c = ob.corename();
  return c ? std::string(c) : std::string();
}

std::string slow_kernel_advice() {
  std::string core = core_name();
  if (core.empty()) return "";
  std::string lower = core;
  for (auto& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  const bool generic = lower == "prescott" || lower == "core2" ||
                       lower == "katmai" || lower == "coppermine" ||
                       lower == "northwood" || lower == "banias" ||
                       lower == "atom" || lower == "nehalem" ||
                       lower == "generic";
  if (!generic) return "";
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  std::string better;
  if (__builtin_cpu_supports("avx512f")) better = "SkylakeX";
  else if (__builtin_cpu_supports("avx2")) better = "Haswell";
  else if (__builtin_cpu_supports("avx") && lower != "sandybridge") better = "Sandybridge";
  if (better.empty()) return "";
  return "OpenBLAS is running its generic '" + core +
         "' kernels on a CPU that supports faster ones; set the environment "
         "variable OPENBLAS_CORETYPE=" + better +
         " before starting the program (e.g. export OPENBLAS_CORETYPE=" +
         better + ") for several times faster matrix products";
#else
  return "";
#endif
}

}  // namespace blas
}  // namespace nmf
