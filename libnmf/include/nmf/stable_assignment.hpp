// The consensus stopping rule of Brunet, Tamayo, Golub & Mesirov (PNAS
// 2004): a run of a multi-start is over once the samples' assignment has
// stopped changing, whatever the loss still does.  Every kStableCheckEvery
// iterations the driver (iterate.hpp) assigns each sample j to the
// component argmax_l d_l H_lj (the label consensus.cpp gives the finished
// run) and compares the partition with the previous check's; the run stops
// when `checks` consecutive checks found it unchanged.  The first check has
// nothing to compare with, so the earliest stop is at iteration
// kStableCheckEvery * (checks + 1).
//
// The labels are compared, where Brunet et al. compare connectivity
// matrices: the same except that two components trading all their members
// counts as a change here.  Components keep their place during a fit, so
// that needs every member of both to move at once; comparing labels keeps
// the test local to each process's columns in a distributed fit.
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/collective.hpp"

namespace nmf {

constexpr int64_t kStableCheckEvery = 10;

class StableAssignment {
 public:
  explicit StableAssignment(int32_t checks) : checks_(checks) {}

  // Whether the iteration `it` is one at which to check.
  bool due(int64_t it) const {
    return checks_ > 0 && it % kStableCheckEvery == 0;
  }

  // Checks the assignment of the factors wt (k x m, W transposed) and h
  // (k x n, this process's columns) with nsNMF smoothing theta; true when
  // it has now been unchanged for `checks` consecutive checks (on every
  // process of a distributed fit: one changed column anywhere is a change).
  template <class T>
  bool stable(const T* wt, const T* h, int64_t k, int64_t m, int64_t n,
              double theta, const Across& across) {
    // d_l H_lj up to a common factor: the canonical d_l H_lj is
    // colsum(W)_l H_lj / scale (canonical.hpp); nsNMF's H is S H.
    colsum_.assign(size_t(k), 0.0);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t l = 0; l < k; ++l) colsum_[size_t(l)] += double(wt[l + i * k]);
    labels_.resize(size_t(n));
    for (int64_t j = 0; j < n; ++j) {
      const T* col = h + j * k;
      double mean = 0;
      if (theta > 0) {
        for (int64_t l = 0; l < k; ++l) mean += double(col[l]);
        mean /= double(k);
      }
      int64_t best = 0;
      double bv = 0;
      for (int64_t l = 0; l < k; ++l) {
        const double hv = (1.0 - theta) * double(col[l]) + theta * mean;
        const double v = colsum_[size_t(l)] * hv;
        if (l == 0 || v > bv) {
          bv = v;
          best = l;
        }
      }
      labels_[size_t(j)] = int32_t(best);
    }
    const bool changed = !have_ || labels_ != previous_;
    have_ = true;
    if (across.any(changed)) {
      previous_.swap(labels_);
      unchanged_ = 0;
      return false;
    }
    return ++unchanged_ >= checks_;
  }

 private:
  int32_t checks_;
  bool have_ = false;
  int32_t unchanged_ = 0;
  std::vector<double> colsum_;
  std::vector<int32_t> labels_, previous_;
};

}  // namespace nmf
