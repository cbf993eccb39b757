// Registers the C ABI (nmf.h) with R_RegisterCCallable, so that other
// packages reach nmfkit's own copy of the library through
// inst/include/nmfkit.h (R_GetCCallable("nmfkit", "nmf_<name>")).
#include <R_ext/Rdynload.h>

#include "nmf.h"

// [[Rcpp::init]]
void nmfkit_register_callables(DllInfo* /*dll*/) {
#define NMFKIT_CALLABLE(ret, name, params, args) \
  R_RegisterCCallable("nmfkit", "nmf_" #name, reinterpret_cast<DL_FUNC>(&nmf_##name));
#define NMFKIT_CALLABLE_VOID(name, params, args) \
  NMFKIT_CALLABLE(void, name, params, args)
#include "../inst/include/nmfkit/callables.h"
#undef NMFKIT_CALLABLE
#undef NMFKIT_CALLABLE_VOID
}
