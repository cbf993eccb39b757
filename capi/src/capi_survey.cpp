// The C ABI of the rank survey (nmf.h, "Rank survey"): its options, the
// entry point over an nmf_matrix, its typed wrappers and the handle.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "capi_internal.hpp"
#include "host_collective.hpp"
#include "nmf.h"
#include "nmf/survey.hpp"

struct nmf_survey {
  std::vector<nmf_consensus> fits, randomized;
};

using namespace nmf_capi;

namespace {

int32_t read_survey_options(const nmf_survey_options* in, nmf::SurveyOptions& so) {
  nmf_survey_options o;
  nmf_survey_options_init(&o, sizeof o);
  if (int32_t rc = copy_caller_struct(in, o, offsetof(nmf_survey_options, nrun) + sizeof(int64_t),
                                      "nmf_survey_options",
                                      "initialise it with nmf_survey_options_init"))
    return rc;
  so.nrun = o.nrun;
  so.randomized = o.randomized != 0;
  so.random_seed = o.random_seed;
  return NMF_OK;
}

template <class View>
int32_t survey_view(const View& view, const int64_t* ranks, int64_t n_ranks,
                    const nmf_survey_options* sopts, const nmf_options* opts,
                    nmf_survey** out) {
  if (check_input(view) != NMF_OK)
    return refuse(opts, out, [&] { return check_input(view); });
  return guarded([&]() -> int32_t {
    if (out) *out = nullptr;
    nmf::SurveyOptions so;
    nmf::Options o;
    const int32_t rc0 = [&]() -> int32_t {
      if (!out) return null_error("out");
      if (n_ranks < 1)
        return set_error(NMF_ERR_INVALID_ARGUMENT,
                         "n_ranks = " + std::to_string(n_ranks) +
                             ": the list of ranks is empty");
      if (!ranks) return null_error("ranks");
      const int32_t r = read_survey_options(sopts, so);
      return r != NMF_OK ? r : read_options(opts, o);
    }();
    std::unique_ptr<HostCollective> host;
    const int32_t rc = runs_collective(opts, rc0, host);
    if (rc != NMF_OK) return rc;
    nmf::Survey s;
    const nmf::Status st = nmf::rank_survey(
        view, std::vector<int64_t>(ranks, ranks + n_ranks), so, o, s, host.get());
    if (st.code == NMF_CANCELLED) return NMF_CANCELLED;
    if (!st.ok()) return set_error(st);
    auto h = std::make_unique<nmf_survey>();
    for (auto& c : s.fits) h->fits.push_back(nmf_consensus{std::move(c)});
    for (auto& c : s.randomized) h->randomized.push_back(nmf_consensus{std::move(c)});
    *out = h.release();
    return NMF_OK;
  });
}

}  // namespace

extern "C" {

int32_t nmf_survey_options_init(nmf_survey_options* o, size_t size) {
  nmf_survey_options d;
  std::memset(&d, 0, sizeof d);
  const nmf::SurveyOptions def;
  d.nrun = def.nrun;
  d.randomized = def.randomized ? 1 : 0;
  d.random_seed = def.random_seed;
  return init_struct(o, size, offsetof(nmf_survey_options, nrun) + sizeof(int64_t),
                     "opts", "nmf_survey_options", d);
}

int32_t nmf_survey_fit(const nmf_matrix* A, const int64_t* ranks, int64_t n_ranks,
                   const nmf_survey_options* sopts, const nmf_options* opts,
                   nmf_survey** out) {
  if (guarded([&] { return check_matrix(A); }) != NMF_OK)
    return refuse(opts, out, [&] { return check_matrix(A); });
  return visit_matrix(*A, [&](const auto& view) {
    return survey_view(view, ranks, n_ranks, sopts, opts, out);
  });
}

// The typed entry points of earlier releases (deprecated).
#define NMF_SURVEY_PARAMS(T)                                     \
  const int64_t* ranks, int64_t n_ranks, const nmf_survey_options* sopts, \
      const nmf_options* opts, nmf_survey** out
NMF_CAPI_TYPED_ENTRY_POINTS(survey, nmf_survey_fit, NMF_SURVEY_PARAMS,
                            (ranks, n_ranks, sopts, opts, out))
#undef NMF_SURVEY_PARAMS

void nmf_survey_free(nmf_survey* s) { delete s; }

int64_t nmf_survey_size(const nmf_survey* s) {
  return s ? int64_t(s->fits.size()) : 0;
}

const nmf_consensus* nmf_survey_get(const nmf_survey* s, int64_t index,
                                    int32_t randomized) {
  if (!s || index < 0) return nullptr;
  const auto& v = randomized ? s->randomized : s->fits;
  return index < int64_t(v.size()) ? &v[size_t(index)] : nullptr;
}

}  // extern "C"
