// Input validation (see validate.hpp).
#include "nmf/validate.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "nmf/blas.hpp"

namespace nmf {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Message for a bad entry of matrix `name` at 0-based (i, j).
template <class T>
Status bad_entry(char name, int64_t i, int64_t j, T v) {
  const double d = double(v);
  std::ostringstream msg;
  msg << name << " has ";
  int32_t code;
  if (std::isnan(d)) {
    msg << "a NaN entry";
    code = kErrNotFinite;
  } else if (std::isinf(d)) {
    msg << "an infinite entry (" << (d > 0 ? "Inf" : "-Inf") << ")";
    code = kErrNotFinite;
  } else {
    msg << "a negative entry (" << num(d) << ")";
    code = kErrNegative;
  }
  msg << " at row " << (i + 1) << ", column " << (j + 1)
      << " (1-based); NMF needs finite, non-negative values";
  return Status::at(code, msg.str(), name, i, j);
}

template <class T>
inline bool is_bad(T v) {
  // True for negative, NaN and infinite values.
  return !(v >= T(0)) || !(v <= std::numeric_limits<T>::max());
}

// Finds the first bad entry among `count` columns, in column order; returns
// the column index or -1.  Each column is scanned independently, so the
// parallel result is the serial one.
template <class F>
int64_t first_bad_column(int64_t count, int threads, F column_is_bad) {
  int64_t first = std::numeric_limits<int64_t>::max();
#pragma omp parallel for num_threads(threads) schedule(static) reduction(min : first)
  for (int64_t j = 0; j < count; ++j) {
    if (j < first && column_is_bad(j)) first = j;
  }
  return first == std::numeric_limits<int64_t>::max() ? -1 : first;
}

}  // namespace

namespace {

// The first integer after `key` in a /proc-style "key value" file, or -1.
int64_t read_keyed(const char* path, const std::string& wanted) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, wanted.size(), wanted) != 0) continue;
    std::istringstream fields(line.substr(wanted.size()));
    int64_t value;
    if (fields >> value) return value;
    return -1;
  }
  return -1;
}

// The single integer in a file such as memory.max, or -1 ("max", missing).
int64_t read_number(const char* path) {
  std::ifstream in(path);
  int64_t value;
  if (in >> value) return value;
  return -1;
}

void take_min(int64_t& avail, int64_t candidate) {
  if (candidate >= 0 && (avail < 0 || candidate < avail)) avail = candidate;
}

}  // namespace

int64_t available_memory_bytes() {
  int64_t avail = -1;
  const int64_t meminfo = read_keyed("/proc/meminfo", "MemAvailable:");
  if (meminfo >= 0) {
    avail = meminfo * 1024;
  } else {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page > 0) avail = int64_t(pages) * int64_t(page);
  }
  // A container's memory limit (cgroup v2, then v1): MemAvailable shows the
  // host's memory, and exceeding the limit gets the process killed.
  const int64_t v2_max = read_number("/sys/fs/cgroup/memory.max");
  if (v2_max > 0) {
    const int64_t used = read_number("/sys/fs/cgroup/memory.current");
    take_min(avail, v2_max - std::max<int64_t>(used, 0));
  }
  const int64_t v1_max = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  if (v1_max > 0 && v1_max < (int64_t(1) << 60)) {
    const int64_t used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
    take_min(avail, v1_max - std::max<int64_t>(used, 0));
  }
  // The address-space limit (ulimit -v) of this process, less what it maps.
  struct rlimit lim;
  if (getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    const int64_t mapped_kib = read_keyed("/proc/self/status", "VmSize:");
    if (mapped_kib >= 0)
      take_min(avail, std::max<int64_t>(0, int64_t(lim.rlim_cur) - mapped_kib * 1024));
  }
  return avail;
}

template <class T>
Status validate_dense(const DenseView<T>& a, int threads, bool nan_missing) {
  if (a.m < 1 || a.n < 1)
    return Status::error(kErrDimension,
                         "A is empty (m = " + std::to_string(a.m) +
                             ", n = " + std::to_string(a.n) +
                             "); both dimensions must be at least 1");
  if (a.ld < a.m)
    return Status::error(kErrDimension,
                         "leading dimension lda = " + std::to_string(a.ld) +
                             " is smaller than m = " + std::to_string(a.m));
  if (!blas::fits_blas_int(a.m) || !blas::fits_blas_int(a.n) ||
      !blas::fits_blas_int(a.ld))
    return Status::error(kErrTooLarge,
                         "dense A of " + std::to_string(a.m) + " x " +
                             std::to_string(a.n) + " (lda " +
                             std::to_string(a.ld) +
                             ") exceeds the 32-bit BLAS interface; use a "
                             "sparse input or split the matrix");
  if (a.n > 1 && a.ld > std::numeric_limits<int64_t>::max() / a.n)
    return Status::error(kErrTooLarge, "lda * n overflows int64");
  if (!a.data) return Status::error(kErrNullPointer, "A is NULL");
  // Under NMF_MISSING_NAN a NaN marks a missing entry.
  auto bad_value = [nan_missing](T v) { return is_bad(v) && !(nan_missing && v != v); };
  const int64_t j = first_bad_column(a.n, threads, [&](int64_t c) {
    const T* col = a.data + c * a.ld;
    bool bad = false;
    for (int64_t i = 0; i < a.m; ++i) bad |= bad_value(col[i]);
    return bad;
  });
  if (j >= 0) {
    const T* col = a.data + j * a.ld;
    for (int64_t i = 0; i < a.m; ++i)
      if (bad_value(col[i])) return bad_entry('A', i, j, col[i]);
  }
  // The dense products W^T A and A H^T are BLAS calls on A as given (the
  // scale 1 / max(A) is their alpha, applied to the sums), so each sum of up
  // to max(m, n) terms must stay within the type: refuse what would
  // overflow rather than return factors computed from Inf.
  double amax = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(max : amax)
  for (int64_t c = 0; c < a.n; ++c)
    for (int64_t i = 0; i < a.m; ++i) amax = std::max(amax, double(a.data[i + c * a.ld]));
  const double terms = double(std::max(a.m, a.n));
  if (amax * terms * 16.0 > double(std::numeric_limits<T>::max()))
    return Status::error(
        kErrNumerical,
        "A's largest entry " + num(amax) + " summed over " +
            std::to_string(std::max(a.m, a.n)) + " terms would overflow the " +
            "range of " + (sizeof(T) == sizeof(float) ? "float" : "double") +
            " in the products W^T A and A H^T: divide A by a constant (the " +
            "factors scale with it)" +
            (sizeof(T) == sizeof(float) ? ", or use a double or sparse input" : ""));
  return Status();
}

template <class T, class I>
Status validate_csc(const CscView<T, I>& a, std::vector<int64_t>& row_nnz,
                    int threads) {
  if (a.m < 1 || a.n < 1)
    return Status::error(kErrDimension,
                         "A is empty (m = " + std::to_string(a.m) +
                             ", n = " + std::to_string(a.n) +
                             "); both dimensions must be at least 1");
  if (!a.col_ptr) return Status::error(kErrNullPointer, "col_ptr is NULL");
  if (a.col_ptr[0] != 0)
    return Status::error(kErrSparseStructure,
                         "col_ptr[0] = " + std::to_string(a.col_ptr[0]) +
                             " must be 0");
  for (int64_t j = 0; j < a.n; ++j) {
    if (a.col_ptr[j + 1] < a.col_ptr[j])
      return Status::at(kErrSparseStructure,
                        "col_ptr is decreasing at column " +
                            std::to_string(j + 1) + " (1-based): col_ptr[" +
                            std::to_string(j + 1) + "] = " +
                            std::to_string(a.col_ptr[j + 1]) + " < col_ptr[" +
                            std::to_string(j) + "] = " +
                            std::to_string(a.col_ptr[j]),
                        'A', -1, j);
  }
  const int64_t nnz = a.col_ptr[a.n];
  if (nnz > 0 && (!a.row_ind || !a.values))
    return Status::error(kErrNullPointer,
                         a.row_ind ? "values is NULL" : "row_ind is NULL");
  if (!blas::fits_blas_int(a.m) || !blas::fits_blas_int(a.n))
    return Status::error(kErrTooLarge,
                         "sparse A of " + std::to_string(a.m) + " x " +
                             std::to_string(a.n) +
                             " exceeds 2^31 - 1 rows or columns");
  // Structure: per column, indices in range and strictly increasing.
  const int64_t bad_struct = first_bad_column(a.n, threads, [&](int64_t j) {
    int64_t prev = -1;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q) {
      const int64_t r = int64_t(a.row_ind[q]);
      if (r < 0 || r >= a.m || r <= prev) return true;
      prev = r;
    }
    return false;
  });
  if (bad_struct >= 0) {
    const int64_t j = bad_struct;
    int64_t prev = -1;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q) {
      const int64_t r = int64_t(a.row_ind[q]);
      std::string where = "in column " + std::to_string(j + 1) +
                          " (1-based) at position " + std::to_string(q) +
                          " of row_ind";
      if (r < 0 || r >= a.m)
        return Status::at(kErrSparseStructure,
                          "row index " + std::to_string(r) + " " + where +
                              " is out of range [0, " + std::to_string(a.m) +
                              ")",
                          'A', -1, j);
      if (r == prev)
        return Status::at(kErrSparseStructure,
                          "duplicate row index " + std::to_string(r) + " " +
                              where,
                          'A', r, j);
      if (r < prev)
        return Status::at(kErrSparseStructure,
                          "row indices are not sorted " + where + " (" +
                              std::to_string(r) + " after " +
                              std::to_string(prev) + ")",
                          'A', r, j);
      prev = r;
    }
  }
  const int64_t bad_val = first_bad_column(a.n, threads, [&](int64_t j) {
    bool bad = false;
    for (int64_t q = a.col_ptr[j]; q < a.col_ptr[j + 1]; ++q)
      bad |= is_bad(a.values[q]);
    return bad;
  });
  if (bad_val >= 0) {
    for (int64_t q = a.col_ptr[bad_val]; q < a.col_ptr[bad_val + 1]; ++q)
      if (is_bad(a.values[q]))
        return bad_entry('A', int64_t(a.row_ind[q]), bad_val, a.values[q]);
  }
  // The per-row counts are the first allocation proportional to m: refuse
  // it, with the figures, rather than be killed for it.
  const int64_t avail = available_memory_bytes();
  if (avail >= 0 && a.m > avail / int64_t(sizeof(int64_t)))
    return Status::error(
        kErrOutOfMemory,
        "A has " + std::to_string(a.m) + " rows: the fit needs more than " +
            std::to_string(a.m / (1048576 / int64_t(sizeof(int64_t)))) +
            " MiB of working memory but only " +
            std::to_string(avail / 1048576) + " MiB are available");
  row_nnz.assign(size_t(a.m), 0);
  for (int64_t q = 0; q < nnz; ++q) ++row_nnz[size_t(a.row_ind[q])];
  return Status();
}

Status validate_problem(int64_t m, int64_t n, int64_t k, size_t scalar_bytes,
                        const Options& opt) {
  if (k < 1)
    return Status::error(kErrRank,
                         "k = " + std::to_string(k) + " must be at least 1");
  const int64_t mn = std::min(m, n);
  if (k > mn)
    return Status::error(kErrRank, "k = " + std::to_string(k) +
                                       " exceeds min(m, n) = " +
                                       std::to_string(mn));
  auto bad = [](const std::string& what) {
    return Status::error(kErrInvalidArgument, what);
  };
  if (opt.loss < kLossFrobenius || opt.loss > kLossBeta)
    return bad("unknown loss " + std::to_string(opt.loss) +
               " (NMF_LOSS_FROBENIUS = 0, NMF_LOSS_KL = 1, NMF_LOSS_BETA = 2)");
  if (opt.solver < kSolverAuto || opt.solver > kSolverCd)
    return bad("unknown solver " + std::to_string(opt.solver) +
               " (NMF_SOLVER_AUTO = 0, NMF_SOLVER_HALS = 1, NMF_SOLVER_MU = 2, "
               "NMF_SOLVER_CD = 3)");
  if (opt.loss == kLossBeta && !std::isfinite(opt.beta))
    return bad("beta = " + num(opt.beta) + " must be finite");
  if (!(opt.mu_eps >= 0) || !std::isfinite(opt.mu_eps))
    return bad("mu_eps = " + num(opt.mu_eps) + " must be finite and >= 0");
  if (opt.missing < kMissingNone || opt.missing > kMissingUnstored)
    return bad("unknown missing " + std::to_string(opt.missing) +
               " (NMF_MISSING_NONE = 0, NMF_MISSING_NAN = 1, "
               "NMF_MISSING_UNSTORED = 2)");
  {
    const char* loss_names[] = {"frobenius", "kl", "beta"};
    const std::string loss = loss_names[opt.loss];
    const bool weighted = opt.weights != nullptr || opt.missing != kMissingNone;
    if (opt.solver == kSolverHals && opt.loss != kLossFrobenius &&
        !(opt.loss == kLossBeta && opt.beta == 2.0))
      return bad("solver hals minimizes the Frobenius loss only (loss "
                 "frobenius, or beta with beta = 2), not loss " + loss +
                 (opt.loss == kLossBeta ? " with beta = " + num(opt.beta) : "") + " (use solver mu" +
                 (opt.loss == kLossKl ? std::string(" or cd") : std::string()) +
                 ", or auto)");
    if (opt.solver == kSolverHals && weighted)
      return bad(std::string("solver hals does not support ") +
                 (opt.weights ? "weights" : "missing values") +
                 " (use solver mu, or auto)");
    if (opt.solver == kSolverCd &&
        !(opt.loss == kLossKl || (opt.loss == kLossBeta && opt.beta == 1.0)))
      return bad("solver cd minimizes the KL divergence only (loss kl, or beta "
                 "with beta = 1), not loss " + loss +
                 (opt.loss == kLossBeta ? " with beta = " + num(opt.beta) : "") +
                 " (use solver mu, or auto)");
  }
  if (opt.init < kInitRandom || opt.init > kInitNndsvdar)
    return bad("unknown init " + std::to_string(opt.init) +
               " (random 0, nndsvd 1, nndsvda 2, nndsvdar 3)");
  if (opt.n_threads < 0)
    return bad("n_threads = " + std::to_string(opt.n_threads) +
               " must be >= 0 (0 = all cores)");
  if (opt.maxit < 0)
    return bad("maxit = " + std::to_string(opt.maxit) + " must be >= 0");
  auto nonneg = [&](double v, const char* name) -> Status {
    if (!(v >= 0) || !std::isfinite(v))
      return bad(std::string(name) + " = " + num(v) +
                 " must be finite and >= 0");
    return Status();
  };
  for (auto [v, name] : {std::pair<double, const char*>{opt.tol, "tol"},
                         {opt.l1_w, "l1_w"},
                         {opt.l1_h, "l1_h"},
                         {opt.l2_w, "l2_w"},
                         {opt.l2_h, "l2_h"},
                         {opt.hals_alpha, "hals_alpha"}}) {
    Status s = nonneg(v, name);
    if (!s.ok()) return s;
  }
  if (!(opt.hals_delta >= 0 && opt.hals_delta < 1))
    return bad("hals_delta = " + num(opt.hals_delta) + " must be in [0, 1)");
  if (opt.fix_w && opt.fix_h)
    return bad("fix_w and fix_h are both set: at least one factor must be "
               "free");
  // Memory: factors and products, in the worst case (k x m and k x n
  // working copies in the scalar type, plus double accumulators).
  const double factor_elems = double(k) * (double(m) + double(n));
  const double bytes = factor_elems * (3.0 * double(scalar_bytes) + 8.0) +
                       double(k) * double(k) * 64.0;
  if (bytes > double(std::numeric_limits<int64_t>::max()) / 2)
    return Status::error(kErrTooLarge, "k * (m + n) is too large");
  const int64_t avail = available_memory_bytes();
  if (avail > 0 && bytes > double(avail))
    return Status::error(
        kErrOutOfMemory,
        "the fit needs about " + std::to_string(int64_t(bytes / 1048576.0)) +
            " MiB of working memory but only " +
            std::to_string(avail / 1048576) + " MiB are available");
  return Status();
}

template <class T>
Status validate_factor(const T* x, int64_t rows, int64_t cols, char name) {
  if (!x) return Status::error(kErrNullPointer, std::string(1, name) + " is NULL");
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i)
      if (is_bad(x[i + j * rows])) {
        Status s = bad_entry(name, i, j, x[i + j * rows]);
        s.message = "user-supplied " + s.message;
        return s;
      }
  return Status();
}

template Status validate_dense(const DenseView<double>&, int, bool);
template Status validate_dense(const DenseView<float>&, int, bool);
template Status validate_csc(const CscView<double, int32_t>&,
                             std::vector<int64_t>&, int);
template Status validate_csc(const CscView<double, int64_t>&,
                             std::vector<int64_t>&, int);
template Status validate_csc(const CscView<float, int32_t>&,
                             std::vector<int64_t>&, int);
template Status validate_csc(const CscView<float, int64_t>&,
                             std::vector<int64_t>&, int);
template Status validate_factor(const double*, int64_t, int64_t, char);
template Status validate_factor(const float*, int64_t, int64_t, char);

}  // namespace nmf
