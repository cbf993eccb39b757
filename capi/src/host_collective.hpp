// The caller's nmf_collective as the core's Collective, and its checks: for
// a distributed fit (a block of columns per process) and for a multi-start
// spread over processes (the whole matrix on every process, n_global = -1).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "capi_internal.hpp"
#include "nmf.h"
#include "nmf/collective.hpp"
#include "nmf/status.hpp"

namespace nmf_capi {

// The fits read the collective up to its callbacks; process and processes
// were appended for the multi-starts.
constexpr size_t kFitCollectiveSize = offsetof(nmf_collective, process);

class HostCollective final : public nmf::Collective {
 public:
  // Reads only the caller's struct_size bytes (at least up to the
  // callbacks, checked by the caller); an older struct is one process.
  explicit HostCollective(const nmf_collective& c) {
    c_.process = 0;
    c_.processes = 1;
    std::memcpy(&c_, &c, c.struct_size < sizeof c_ ? c.struct_size : sizeof c_);
  }
  int64_t n_global() const override { return c_.n_global; }
  int64_t col_offset() const override { return c_.col_offset; }
  int process() const override { return c_.process; }
  int processes() const override { return c_.processes; }
  void sum(double* x, int64_t len) const override { c_.sum_d(c_.ctx, x, len); }
  void sum(float* x, int64_t len) const override { c_.sum_f(c_.ctx, x, len); }
  double max(double v) const override {
    c_.max_d(c_.ctx, &v);
    return v;
  }
  bool any(bool flag) const override { return max(flag ? 1.0 : 0.0) > 0; }
  nmf::Status agree(const nmf::Status& local) const override {
    std::string text = local.message;
    // Entry locations of a distributed fit are within this process's block:
    // give the global column too.
    if (!local.ok() && local.col >= 0 && c_.n_global >= 0 &&
        (local.matrix == 'A' || local.matrix == 'H'))
      text += " (global column " + std::to_string(local.col + c_.col_offset + 1) + ")";
    char msg[1024];
    std::snprintf(msg, sizeof msg, "%s", text.c_str());
    int32_t code = local.code;
    c_.agree(c_.ctx, &code, msg, int64_t(sizeof msg));
    msg[sizeof msg - 1] = 0;
    if (code == local.code && text == msg) {
      nmf::Status same = local;
      same.message = msg;
      return same;
    }
    return nmf::Status::error(code, msg);
  }

 private:
  nmf_collective c_{};
};

// The collective of the options (only when the caller's struct has it).
inline const nmf_collective* collective_of(const nmf_options* opts) {
  if (!opts || opts->struct_size < offsetof(nmf_options, collective) + sizeof(void*))
    return nullptr;
  return opts->collective;
}

inline int32_t check_callbacks(const nmf_collective& c) {
  if (!c.sum_d || !c.sum_f || !c.max_d || !c.agree)
    return set_error(NMF_ERR_NULL_POINTER,
                     "an nmf_collective callback (sum_d, sum_f, max_d, agree) is NULL");
  return NMF_OK;
}

// The collective of a fit (NULL: a serial fit).
inline int32_t check_collective(const nmf_collective* c) {
  if (!c) return NMF_OK;
  if (c->struct_size < kFitCollectiveSize)
    return struct_size_error("nmf_collective.struct_size", c->struct_size,
                             kFitCollectiveSize, "");
  const int32_t rc = check_callbacks(*c);
  if (rc != NMF_OK) return rc;
  if (c->n_global < 0)
    return set_error(NMF_ERR_INVALID_ARGUMENT,
                     "this nmf_collective spreads the runs of a multi-start "
                     "(n_global = -1); a distributed fit needs one over blocks "
                     "of columns (nmf_mpi_collective_init)");
  return NMF_OK;
}

// This process's block against the collective's global column count.
inline int32_t check_block(const nmf_collective& c, int64_t n) {
  if (n < 0 || c.col_offset < 0 || c.n_global < c.col_offset + n)
    return set_error(NMF_ERR_DIMENSION,
                     "this process's columns [" + std::to_string(c.col_offset) +
                         ", " + std::to_string(c.col_offset + n) +
                         ") do not fit in n_global = " + std::to_string(c.n_global));
  return NMF_OK;
}

// The collective of a multi-start (NULL: every run on this process).
inline int32_t check_runs_collective(const nmf_collective* c) {
  if (!c) return NMF_OK;
  if (c->struct_size < sizeof(nmf_collective))
    return set_error(NMF_ERR_STRUCT_SIZE,
                     "nmf_collective.struct_size = " + std::to_string(c->struct_size) +
                         " is not " + std::to_string(sizeof(nmf_collective)) +
                         " (process and processes are needed to spread runs)");
  const int32_t rc = check_callbacks(*c);
  if (rc != NMF_OK) return rc;
  if (c->n_global != -1)
    return set_error(NMF_ERR_INVALID_ARGUMENT,
                     "a multi-start spreads its runs over processes that each "
                     "hold the whole matrix: its nmf_collective has n_global = "
                     "-1 (nmf_mpi_collective_runs), not n_global = " +
                         std::to_string(c->n_global));
  if (c->processes < 1 || c->process < 0 || c->process >= c->processes)
    return set_error(NMF_ERR_INVALID_ARGUMENT,
                     "nmf_collective: process = " + std::to_string(c->process) +
                         " is not in [0, processes = " + std::to_string(c->processes) +
                         ")");
  return NMF_OK;
}

// The collective that spreads a multi-start's runs (NULL: none), with the
// checks made so far (`rc`) agreed among the processes when the collective
// can carry them: no process may return while the others go on.
inline int32_t runs_collective(const nmf_options* opts, int32_t rc,
                               std::unique_ptr<HostCollective>& host) {
  const nmf_collective* coll = collective_of(opts);
  if (!coll) return rc;
  const int32_t own = check_runs_collective(coll);
  if (rc == NMF_OK) rc = own;
  if (coll->struct_size < kFitCollectiveSize || check_callbacks(*coll) != NMF_OK)
    return rc;  // cannot agree: the error is this process's own
  host = std::make_unique<HostCollective>(*coll);
  const nmf::Status agreed = host->agree(
      rc == NMF_OK ? nmf::Status() : nmf::Status::error(rc, nmf_last_error_message()));
  return agreed.ok() ? NMF_OK : set_error(agreed);
}

// An input refused before the call reaches the core (a bad descriptor, a
// NULL or empty A), agreed among the processes of a spread multi-start.
template <class Out, class F>
int32_t refuse(const nmf_options* opts, Out** out, F&& make_error) {
  return guarded([&]() -> int32_t {
    if (out) *out = nullptr;
    std::unique_ptr<HostCollective> host;
    return runs_collective(opts, make_error(), host);
  });
}

// The checks of A's pointers and dimensions a multi-start makes before the
// core (NMF_OK: none failed; the error is set otherwise).
template <class T>
int32_t check_input(const nmf::DenseView<T>& a) {
  return a.data ? NMF_OK : null_error("nmf_matrix.data (A)");
}
template <class T, class I>
int32_t check_input(const nmf::CscView<T, I>& a) {
  if (!a.col_ptr) return null_error("nmf_matrix.col_ptr");
  return a.m < 1 || a.n < 1 ? dims_error(a.m, a.n) : NMF_OK;
}

}  // namespace nmf_capi
