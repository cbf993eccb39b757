# The BLAS advice is given once per session, whoever asks first (attach or
# the first fit), and never when there is nothing to advise.
test_that("the BLAS advice is emitted once per session and only if non-empty", {
  session <- nmfkit:::.nmf_session
  old <- session$blas_told
  on.exit(session$blas_told <- old)
  session$blas_told <- NULL
  seen <- character()
  emit <- function(...) seen <<- c(seen, paste0(...))
  expect_false(nmfkit:::blas_notice("", emit))
  expect_length(seen, 0)
  expect_true(nmfkit:::blas_notice("set OPENBLAS_CORETYPE=SkylakeX", emit))
  expect_identical(seen, "nmfkit: set OPENBLAS_CORETYPE=SkylakeX")
  expect_false(nmfkit:::blas_notice("set OPENBLAS_CORETYPE=SkylakeX", emit))
  expect_length(seen, 1)
})

test_that("the advice reported is the library's own, given exactly when it applies", {
  info <- nmfkit:::.nmf_library_info()
  # What the package tells the user, by default, is the library's advice.
  session <- nmfkit:::.nmf_session
  old <- session$blas_told
  on.exit(session$blas_told <- old)
  session$blas_told <- NULL
  seen <- character()
  told <- nmfkit:::blas_notice(emit = function(...) seen <<- c(seen, paste0(...)))
  expect_identical(told, nzchar(info$blas_advice))
  expect_identical(seen, if (nzchar(info$blas_advice))
    paste0("nmfkit: ", info$blas_advice) else character())
  # An independent reference for when there is advice: OpenBLAS on generic
  # kernels (its core name) on a CPU with faster ones (the CPU's flags as
  # /proc/cpuinfo lists them, where there is one).
  generic <- tolower(info$blas_core) %in%
    c("prescott", "core2", "katmai", "coppermine", "northwood", "banias",
      "atom", "nehalem", "generic")
  if (!generic) expect_identical(info$blas_advice, "")
  if (file.exists("/proc/cpuinfo")) {
    flags <- grep("^flags", readLines("/proc/cpuinfo"), value = TRUE)
    flags <- if (length(flags)) strsplit(sub("^flags\\s*:\\s*", "", flags[1L]), "\\s+")[[1L]]
    better <- if ("avx512f" %in% flags) "SkylakeX" else if ("avx2" %in% flags)
      "Haswell" else if ("avx" %in% flags) "Sandybridge" else ""
    expect_identical(nzchar(info$blas_advice), generic && nzchar(better))
    if (nzchar(info$blas_advice))
      expect_match(info$blas_advice, paste0("OPENBLAS_CORETYPE=", better), fixed = TRUE)
  }
})
