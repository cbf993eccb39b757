// Metagene markers: how specific each feature (gene) is to one component
// of the basis W (m x k), and the features selected as markers of each
// component.
#pragma once
#include <cstdint>
#include <vector>

#include "nmf/status.hpp"

namespace nmf {

enum FeatureMethod : int32_t {
  // Kim & Park (2007), Bioinformatics 23(12): score
  //   S_i = 1 + 1/log2(k) sum_q p_iq log2 p_iq,  p_iq = W_iq / sum_r W_ir,
  // in [0, 1] (1: the feature loads on one component only; 0 for a row of
  // zeros).  Selected: S_i > median(S) + 3 MAD(S) (MAD scaled by 1.4826,
  // a consistent estimate of the standard deviation) and
  // max_q W_iq > median of all entries of W; a selected feature marks the
  // component of its largest W_iq.  Needs k >= 2.
  kFeaturesKim = 0,
  // Carmona-Saez et al. (2006), BMC Bioinformatics 7:78: score
  // S_i = max_q W_iq.  Selected for component q: the features sorted by
  // decreasing W_iq, taken from the top while their largest entry is in
  // column q (the run stops at the first feature that belongs to another
  // component).
  kFeaturesMax = 1,
};

// score: m values.  w is m x k column-major with leading dimension ldw.
Status feature_scores(const double* w, int64_t m, int64_t k, int64_t ldw,
                      int32_t method, double* score);

// component: m values, the 0-based component a selected feature marks, or
// -1.  *selected: how many features were selected.
Status select_features(const double* w, int64_t m, int64_t k, int64_t ldw,
                       int32_t method, int32_t* component, int64_t* selected);

}  // namespace nmf
