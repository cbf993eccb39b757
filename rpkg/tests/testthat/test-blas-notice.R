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

test_that("the advice reported is the library's own", {
  info <- nmfkit:::.nmf_library_info()
  expect_identical(nmfkit:::blas_advice(), info$blas_advice)
  # Generic kernels are exactly the case in which there is advice.
  generic <- tolower(info$blas_core) %in%
    c("prescott", "core2", "katmai", "coppermine", "northwood", "banias",
      "atom", "nehalem", "generic")
  expect_true(generic || identical(info$blas_advice, ""))
})
