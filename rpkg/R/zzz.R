# Tell the user once per session if the BLAS runs generic kernels on a CPU
# that has faster ones (the library detects it and gives the advice; the
# package never changes BLAS settings itself): when the package is attached,
# or else at the first fit (nmfkit::nmf() without library(nmfkit)).
.nmf_session <- new.env(parent = emptyenv())

blas_advice <- function() {
  tryCatch(.nmf_library_info()$blas_advice, error = function(e) "")
}

# Emits `advice` through `emit` the first time a non-empty advice is seen in
# this session; returns TRUE when it did.
blas_notice <- function(advice = blas_advice(), emit = message) {
  if (isTRUE(.nmf_session$blas_told) || !nzchar(advice)) return(invisible(FALSE))
  .nmf_session$blas_told <- TRUE
  emit("nmfkit: ", advice)
  invisible(TRUE)
}

# Shows the library's pending notice through `emit` after a call into it
# (one today: fits held to one thread in a process forked after threads had
# started, as parallel::mclapply's workers are); returns TRUE when it did.
library_notice <- function(notice = .nmf_take_notice(), emit = message) {
  if (!nzchar(notice)) return(invisible(FALSE))
  emit("nmfkit: ", notice)
  invisible(TRUE)
}

.onAttach <- function(libname, pkgname) {
  blas_notice(emit = packageStartupMessage)
}

.onLoad <- function(libname, pkgname) {
  load_option_table()
  nmf_package_hooks()
}
