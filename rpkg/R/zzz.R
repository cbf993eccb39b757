# Tell the user once, when the package is attached, if the BLAS runs
# generic kernels on a CPU that has faster ones (the library detects it and
# gives the advice; it never changes BLAS settings itself).
.onAttach <- function(libname, pkgname) {
  advice <- tryCatch(.nmf_library_info()$blas_advice, error = function(e) "")
  if (nzchar(advice)) packageStartupMessage("nmfkit: ", advice)
}
