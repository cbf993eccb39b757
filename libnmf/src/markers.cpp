// Feature scores and marker selection (see markers.hpp).
#include "nmf/markers.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace nmf {

namespace {

double median(std::vector<double> x) {
  if (x.empty()) return 0;
  const size_t h = x.size() / 2;
  std::nth_element(x.begin(), x.begin() + long(h), x.end());
  const double hi = x[h];
  if (x.size() % 2) return hi;
  const double lo = *std::max_element(x.begin(), x.begin() + long(h));
  return (lo + hi) / 2;
}

int64_t argmax_row(const double* w, int64_t i, int64_t k, int64_t ldw) {
  int64_t b = 0;
  for (int64_t q = 1; q < k; ++q)
    if (w[i + q * ldw] > w[i + b * ldw]) b = q;
  return b;
}

Status check(const double* w, int64_t m, int64_t k, int64_t ldw, int32_t method,
             const void* out) {
  if (!w) return Status::error(kErrNullPointer, "W is NULL");
  if (!out) return Status::error(kErrNullPointer, "the output buffer is NULL");
  if (m < 1 || k < 1)
    return Status::error(kErrDimension, "W is " + std::to_string(m) + " x " +
                                            std::to_string(k) +
                                            "; both dimensions must be at least 1");
  if (ldw < m)
    return Status::error(kErrDimension, "ldw = " + std::to_string(ldw) +
                                            " is smaller than m = " + std::to_string(m));
  if (method != kFeaturesKim && method != kFeaturesMax)
    return Status::error(kErrInvalidArgument,
                         "unknown feature method " + std::to_string(method) +
                             " (NMF_FEATURES_KIM = 0, NMF_FEATURES_MAX = 1)");
  if (method == kFeaturesKim && k < 2)
    return Status::error(kErrRank, "the Kim & Park score needs k >= 2 components");
  for (int64_t q = 0; q < k; ++q)
    for (int64_t i = 0; i < m; ++i) {
      const double v = w[i + q * ldw];
      if (!std::isfinite(v))
        return Status::at(kErrNotFinite, "W has a NaN or infinite entry at (" +
                                             std::to_string(i + 1) + ", " +
                                             std::to_string(q + 1) + ")",
                          'W', i, q);
      if (v < 0)
        return Status::at(kErrNegative, "W has a negative entry at (" +
                                            std::to_string(i + 1) + ", " +
                                            std::to_string(q + 1) + ")",
                          'W', i, q);
    }
  return Status();
}

void scores(const double* w, int64_t m, int64_t k, int64_t ldw, int32_t method,
            double* s) {
  for (int64_t i = 0; i < m; ++i) {
    if (method == kFeaturesMax) {
      s[i] = w[i + argmax_row(w, i, k, ldw) * ldw];
      continue;
    }
    double total = 0;
    for (int64_t q = 0; q < k; ++q) total += w[i + q * ldw];
    if (!(total > 0)) {
      s[i] = 0;
      continue;
    }
    double ent = 0;
    for (int64_t q = 0; q < k; ++q) {
      const double p = w[i + q * ldw] / total;
      if (p > 0) ent += p * std::log2(p);
    }
    s[i] = 1.0 + ent / std::log2(double(k));
  }
}

}  // namespace

Status feature_scores(const double* w, int64_t m, int64_t k, int64_t ldw,
                      int32_t method, double* score) {
  Status st = check(w, m, k, ldw, method, score);
  if (!st.ok()) return st;
  scores(w, m, k, ldw, method, score);
  return Status();
}

Status select_features(const double* w, int64_t m, int64_t k, int64_t ldw,
                       int32_t method, int32_t* component, int64_t* selected) {
  Status st = check(w, m, k, ldw, method, component);
  if (!st.ok()) return st;
  std::fill(component, component + m, -1);
  int64_t count = 0;
  if (method == kFeaturesKim) {
    std::vector<double> s(static_cast<size_t>(m));
    scores(w, m, k, ldw, method, s.data());
    const double med = median(s);
    std::vector<double> dev(static_cast<size_t>(m));
    for (int64_t i = 0; i < m; ++i) dev[size_t(i)] = std::fabs(s[size_t(i)] - med);
    const double mad = 1.4826 * median(dev);
    std::vector<double> all;
    all.reserve(size_t(m * k));
    for (int64_t q = 0; q < k; ++q)
      for (int64_t i = 0; i < m; ++i) all.push_back(w[i + q * ldw]);
    const double wmed = median(all);
    for (int64_t i = 0; i < m; ++i) {
      const int64_t q = argmax_row(w, i, k, ldw);
      if (s[size_t(i)] > med + 3 * mad && w[i + q * ldw] > wmed) {
        component[i] = int32_t(q);
        ++count;
      }
    }
  } else {
    std::vector<int64_t> order(static_cast<size_t>(m));
    for (int64_t q = 0; q < k; ++q) {
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) {
        return w[x + q * ldw] > w[y + q * ldw];
      });
      for (int64_t i : order) {
        if (argmax_row(w, i, k, ldw) != q || !(w[i + q * ldw] > 0)) break;
        component[i] = int32_t(q);
        ++count;
      }
    }
  }
  if (selected) *selected = count;
  return Status();
}

}  // namespace nmf
