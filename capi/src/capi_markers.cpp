// The C ABI of metagene marker selection (nmf.h, "Metagene markers") over
// the core's scores.
#include "capi_internal.hpp"
#include "nmf.h"
#include "nmf/markers.hpp"

using namespace nmf_capi;

extern "C" {

int32_t nmf_feature_scores(const double* W, int64_t m, int64_t k, int64_t ldw,
                           int32_t method, double* score) {
  return guarded([&]() -> int32_t {
    const nmf::Status st = nmf::feature_scores(W, m, k, ldw, method, score);
    return st.ok() ? NMF_OK : set_error(st);
  });
}

int32_t nmf_select_features(const double* W, int64_t m, int64_t k, int64_t ldw,
                            int32_t method, int32_t* component,
                            int64_t* n_selected) {
  return guarded([&]() -> int32_t {
    const nmf::Status st =
        nmf::select_features(W, m, k, ldw, method, component, n_selected);
    return st.ok() ? NMF_OK : set_error(st);
  });
}

}  // extern "C"
