// The fit driver: validation, initialisation, the alternating updates with
// the shared products, stopping, and the canonical output.
#pragma once
#include <cstdint>

#include "nmf/collective.hpp"
#include "nmf/options.hpp"
#include "nmf/status.hpp"
#include "nmf/views.hpp"

namespace nmf {

// Factor A (m x n) into W (m x k, column-major), d (k, may be null) and
// H (k x n, column-major).  On input W/H hold user values when
// opt.user_w/user_h/fix_w/fix_h say so.  Returns kOk, kCancelled (outputs
// valid) or an error status.
//
// With a Collective the fit is one process's part of a distributed fit
// (collective.hpp): a holds this process's block of columns (possibly
// none), h the matching columns of H, w the whole replicated W; every
// process returns the same status.  Initialisation then is random or
// user-supplied.
template <class T>
Status fit(const DenseView<T>& a, int64_t k, T* w, T* d, T* h,
           const Options& opt, Result& res, const Collective* comm = nullptr);
template <class T, class I>
Status fit(const CscView<T, I>& a, int64_t k, T* w, T* d, T* h,
           const Options& opt, Result& res, const Collective* comm = nullptr);

}  // namespace nmf
