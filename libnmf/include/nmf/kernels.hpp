// The inner loops of the HALS sweep and of the sparse products, compiled
// once per instruction set (AVX-512, AVX2, baseline) and picked at run time
// on x86-64 Linux (GCC/Clang function multiversioning), so that a portable
// build still runs them at the width of the machine.  Every variant does the
// same arithmetic in the same order (no fused multiply-add contraction), so
// the results do not depend on the variant chosen; each call covers a fixed
// piece of work (a panel of columns, a range of columns, a block of rows),
// never a per-thread share, so they do not depend on the thread count.
#pragma once
#include <cstdint>

namespace nmf {
namespace kernels {

// Which variant of the kernels below runs on this CPU: "avx512f", "avx2"
// or "default" (the portable copy, also the only one where multiversioning
// is not built in).  A static string.
const char* simd_path();

// Whether work of about `flops` floating-point operations is worth a
// parallel region: below about 4 million, starting and joining the threads
// costs more than it saves (and, on a busy machine, waiting for a descheduled
// thread costs milliseconds).  The split of the work into pieces is fixed
// whatever the answer, so results do not depend on it.
inline bool worth_threads(double flops) { return flops >= 4.0e6; }

// Columns swept together by hals_panel (see hals.hpp).
constexpr int64_t kPanel = 16;

// Up to max_sweeps HALS sweeps over a panel of kPanel columns held
// transposed: xt[l * kPanel + c] is entry l of column c (k x kPanel), bt the
// same for the numerator B, g the k x k Gram matrix (symmetric).  For each
// row j in order, every active column c gets
//   x_jc <- max(0, x_jc + (b_jc - l1 - (G x_c)_j - l2 x_jc) / (G_jj + l2)),
// values below `flush` set to zero and, when `single`, rounded to float
// before use.  A column stops (stays unchanged from then on) after its first
// sweep if that changed nothing, or after the first sweep whose squared
// change is at most d2 times that of its first sweep.  `active[c]` (1 or
// 0 on entry: columns to sweep) is cleared as columns stop.
void hals_panel(double* xt, const double* bt, const double* g, int64_t k,
                double l1, double l2, double flush, bool single,
                int max_sweeps, double d2, double* active);

// out(:, j) = alpha * sum_q x[q] * wt(:, row_ind[q]) for the columns
// j0 <= j < j1 of a CSC matrix (q over column j's entries, in order),
// accumulated in double (in registers up to k = 32, else in `acc`, k
// entries).  wt is k x m.
void csc_left(const int64_t* col_ptr, const int32_t* row_ind, const double* x,
              const double* wt, int64_t k, int64_t m, double alpha, int64_t j0,
              int64_t j1, double* out, double* acc);
void csc_left(const int64_t* col_ptr, const int64_t* row_ind, const double* x,
              const double* wt, int64_t k, int64_t m, double alpha, int64_t j0,
              int64_t j1, double* out, double* acc);
void csc_left(const int64_t* col_ptr, const int32_t* row_ind, const float* x,
              const float* wt, int64_t k, int64_t m, double alpha, int64_t j0,
              int64_t j1, float* out, double* acc);
void csc_left(const int64_t* col_ptr, const int64_t* row_ind, const float* x,
              const float* wt, int64_t k, int64_t m, double alpha, int64_t j0,
              int64_t j1, float* out, double* acc);

// The rows r0 <= i < r1 of H A^T for a CSC matrix A (n columns), without a
// transposed copy: acc ((r1 - r0) x k, zeroed here) receives, for each
// column j = 0..n-1 in order, alpha * x[q] * h(:, j) in row row_ind[q] for
// q in [begin[j], end[j]) -- the entries of column j whose rows lie in the
// block, found once per fit (CscOps) -- then out(:, r0..r1) = acc.  acc
// must hold (r1 - r0) * k + kRightPad doubles.
constexpr int64_t kRightPad = 8;
void csc_right(const int32_t* row_ind, const double* x, const double* h,
               int64_t k, double alpha, int64_t n, int64_t r0, int64_t r1,
               const int64_t* begin, const int64_t* end, double* acc,
               double* out);
void csc_right(const int64_t* row_ind, const double* x, const double* h,
               int64_t k, double alpha, int64_t n, int64_t r0, int64_t r1,
               const int64_t* begin, const int64_t* end, double* acc,
               double* out);
void csc_right(const int32_t* row_ind, const float* x, const float* h,
               int64_t k, double alpha, int64_t n, int64_t r0, int64_t r1,
               const int64_t* begin, const int64_t* end, double* acc,
               float* out);
void csc_right(const int64_t* row_ind, const float* x, const float* h,
               int64_t k, double alpha, int64_t n, int64_t r0, int64_t r1,
               const int64_t* begin, const int64_t* end, double* acc,
               float* out);

// KL's element-wise step of the blocked dense updates (mu_dense.hpp): for
// i < len, y[i] <- (a_i > 0 ? a_i / y[i] : 0) with a_i = scale * a[i].
void kl_ratio(const double* a, double scale, int64_t len, double* y);
void kl_ratio(const float* a, double scale, int64_t len, double* y);

// KL's loss over one column: *loss = sum_i (a_i > 0 ? a_i log(a_i / y_i)
// - a_i + y_i : y_i) and *resid2 = sum_i (a_i - y_i)^2, a_i = scale * a[i].
// Eight running sums (entry i in sum i mod 8) added in order at the end, and
// the logarithm by a fixed polynomial (log_fixed), so that every variant
// gives the same bits.
void kl_loss(const double* a, double scale, const double* y, int64_t len,
             double* loss, double* resid2);
void kl_loss(const float* a, double scale, const double* y, int64_t len,
             double* loss, double* resid2);

// kl_loss and kl_ratio in one pass over y (the same loss bits as kl_loss,
// the same ratios as kl_ratio, which then replace y): the loss at (W, H)
// and the ratio of W's next update come from one product W H.
void kl_ratio_loss(const double* a, double scale, double* y, int64_t len,
                   double* loss, double* resid2);
void kl_ratio_loss(const float* a, double scale, double* y, int64_t len,
                   double* loss, double* resid2);

}  // namespace kernels
}  // namespace nmf
