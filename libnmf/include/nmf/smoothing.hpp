// Model terms folded into the products and Gram matrices before an update
// rule sees them (update_rule.hpp):
//
// nsNMF (Pascual-Montano et al. 2006, IEEE TPAMI 28(3)): A ≈ W S H with the
// smoothing matrix S = (1 - theta) I + (theta / k) 1 1^T.  Updating H sees
// the basis W S, so B = S W^T A and G = S W^T W S; updating W sees the
// coefficients S H, so B = S H A^T and G = S H H^T S.  S is symmetric and
// S x = (1 - theta) x + theta mean(x) 1.
//
// Sparse NMF (Kim & Park 2007, Bioinformatics 23(12)): the penalty
// 1/2 beta sum_j (sum_i H_ij)^2 = 1/2 beta sum_j (1^T h_j)^2 adds beta 1 1^T
// to the Gram matrix of every column's NNLS problem (their augmented row
// sqrt(beta) 1^T under W); the same on W's side for snmf/l.
#pragma once
#include <cstdint>
#include <vector>

namespace nmf {

// x (length k) <- S x.
template <class T>
inline void smooth_column(T* x, int64_t k, double theta) {
  double mean = 0;
  for (int64_t i = 0; i < k; ++i) mean += double(x[i]);
  mean /= double(k);
  for (int64_t i = 0; i < k; ++i)
    x[i] = T((1.0 - theta) * double(x[i]) + theta * mean);
}

// Every column of X (k x len) <- S X.
template <class T>
inline void smooth_columns(T* x, int64_t k, int64_t len, double theta,
                           int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t c = 0; c < len; ++c) smooth_column(x + c * k, k, theta);
}

// out = S g S (k x k, symmetric).
inline void smooth_gram(const double* g, int64_t k, double theta,
                        double* out) {
  std::vector<double> t(g, g + k * k);
  for (int64_t c = 0; c < k; ++c) smooth_column(t.data() + c * k, k, theta);
  // (S G) S = (S (S G)^T)^T and S G S is symmetric: smooth the rows.
  for (int64_t r = 0; r < k; ++r) {
    double mean = 0;
    for (int64_t c = 0; c < k; ++c) mean += t[size_t(r + c * k)];
    mean /= double(k);
    for (int64_t c = 0; c < k; ++c)
      out[r + c * k] = (1.0 - theta) * t[size_t(r + c * k)] + theta * mean;
  }
}

// The Gram matrix an update rule sees: S g S (when theta > 0) plus
// beta 1 1^T.  Returns g itself when neither term is active.
inline const double* effective_gram(const std::vector<double>& g, int64_t k,
                                    double theta, double beta,
                                    std::vector<double>& out) {
  if (theta == 0 && beta == 0) return g.data();
  out.resize(size_t(k * k));
  if (theta > 0)
    smooth_gram(g.data(), k, theta, out.data());
  else
    std::copy(g.begin(), g.end(), out.begin());
  if (beta > 0)
    for (auto& v : out) v += beta;
  return out.data();
}

}  // namespace nmf
