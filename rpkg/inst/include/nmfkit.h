/* nmfkit.h: nmfkit's C ABI for other R packages' C and C++ code.
 *
 * A package that declares `LinkingTo: nmfkit` (and `Imports: nmfkit`, so
 * that nmfkit is loaded first) includes this header and calls
 * nmfkit_<name> for every function nmf_<name> of the C ABI (nmf.h, in
 * nmfkit/nmf.h here, with its types, constants and documentation):
 *
 *   #include <nmfkit.h>
 *   nmf_options o;
 *   nmfkit_options_init(&o, sizeof o);
 *   int32_t status = nmfkit_fit_dense_d(A, m, n, m, k, W, d, H, &o, NULL);
 *   if (status < 0) Rf_error("%s", nmfkit_last_error_message());
 *
 * Each call goes to the code compiled into nmfkit itself, found once
 * through R_GetCCallable("nmfkit", "nmf_<name>") (the package registers
 * them with R_RegisterCCallable when it loads), so the client does not
 * compile or link the library.  The functions never call R's API, never
 * longjmp and never print; a progress callback in the options runs on the
 * calling thread.  The C++ layer over Armadillo matrices is
 * nmfkit/armadillo.hpp. */
#ifndef NMFKIT_H
#define NMFKIT_H

#include <R_ext/Rdynload.h>

#include "nmfkit/nmf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NMFKIT_CALLABLE(ret, name, params, args)                      \
  static inline ret nmfkit_##name params {                             \
    typedef ret(*nmfkit_fn) params;                                    \
    static nmfkit_fn fn = NULL;                                        \
    if (fn == NULL)                                                    \
      fn = (nmfkit_fn)(void (*)(void))R_GetCCallable("nmfkit", "nmf_" #name); \
    return fn args;                                                    \
  }
#define NMFKIT_CALLABLE_VOID(name, params, args)                      \
  static inline void nmfkit_##name params {                            \
    typedef void(*nmfkit_fn) params;                                   \
    static nmfkit_fn fn = NULL;                                        \
    if (fn == NULL)                                                    \
      fn = (nmfkit_fn)(void (*)(void))R_GetCCallable("nmfkit", "nmf_" #name); \
    fn args;                                                           \
  }
#include "nmfkit/callables.h"
#undef NMFKIT_CALLABLE
#undef NMFKIT_CALLABLE_VOID

#ifdef __cplusplus
}
#endif

#endif /* NMFKIT_H */
