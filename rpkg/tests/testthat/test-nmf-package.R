# nmfkit beside the NMF package: both loaded, in either order, each
# package's fits and accessors keep working (the two once defined an S4
# class of the same name, and each one's generics masked the other's).
# Every case runs in a fresh R process, since the order of loading is what
# is tested.

run_fresh <- function(code) {
  script <- tempfile(fileext = ".R")
  on.exit(unlink(script))
  writeLines(code, script)
  out <- suppressWarnings(system2(
    file.path(R.home("bin"), "Rscript"), c("--vanilla", shQuote(script)),
    stdout = TRUE, stderr = TRUE,
    env = paste0("R_LIBS=", paste(.libPaths(), collapse = .Platform$path.sep))))
  status <- attr(out, "status")
  list(status = if (is.null(status)) 0L else status, output = out)
}

# The NMF package must be attached for its nmf() to run (it looks itself
# up on the search path); nmfkit is attached or only loaded.
both_packages_script <- function(first, second, attach_nmfkit) {
  load <- function(pkg)
    if (pkg == "NMF" || attach_nmfkit)
      sprintf("suppressPackageStartupMessages(library(%s))", pkg)
    else sprintf("invisible(loadNamespace(\"%s\"))", pkg)
  c(load(first), load(second), 'set.seed(3)
x <- matrix(runif(30 * 12), 30, 12)
n <- NMF::nmf(x, 2, seed = 1)
k <- nmfkit::nmf(x, 2, seed = 1)
stopifnot(is(n, "NMFfit"), is(k, "nmfkitFit"))
# NMF\'s fit: its own accessors, through either package\'s generics
# (coef, fitted, predict: the S4 generics both packages make of stats\' functions)
stopifnot(identical(dim(NMF::basis(n)), c(30L, 2L)),
          identical(dim(NMF::coef(n)), c(2L, 12L)),
          identical(nmfkit::basis(n), NMF::basis(n)),
          identical(coef(n), NMF::coef(n)),
          max(abs(NMF::fitted(n) - NMF::basis(n) %*% NMF::coef(n))) < 1e-12)
# nmfkit\'s fit, through either package\'s generics
stopifnot(identical(nmfkit::basis(k), k@w), identical(NMF::basis(k), k@w),
          max(abs(coef(k) - k@d * k@h)) < 1e-12,
          identical(NMF::coef(k), coef(k)),
          max(abs(NMF::fitted(k) - k@w %*% (k@d * k@h))) < 1e-12,
          length(NMF::predict(k)) == 12L,
          identical(nmfkit::featureScore(n), NMF::featureScore(n)),
          identical(NMF::featureScore(k), nmfkit::featureScore(k)))
grDevices::pdf(NULL)
NMF::basismap(n); NMF::coefmap(n)
nmfkit::basismap(k); nmfkit::coefmap(k)
NMF::basismap(k); NMF::coefmap(k)
s <- NMF::nmf(x, 2, nrun = 3, seed = 1)
NMF::consensusmap(s); nmfkit::consensusmap(s)
c3 <- nmfkit::nmf(x, 2, nrun = 3, seed = 1)
NMF::consensusmap(c3); nmfkit::consensusmap(c3)
stopifnot(identical(NMF::consensus(c3), c3@consensus),
          identical(nmfkit::consensus(s), NMF::consensus(s)),
          identical(NMF::cophcor(c3), nmfkit::cophcor(c3)),
          identical(nmfkit::cophcor(s), NMF::cophcor(s)))
grDevices::dev.off()
if (', attach_nmfkit, ') {
  # unqualified calls reach the right method whichever package came last
  stopifnot(identical(basis(k), k@w), identical(basis(n), NMF::basis(n)),
            identical(coef(k), NMF::coef(k)), identical(fitted(n), NMF::fitted(n)),
            identical(featureScore(k), nmfkit::featureScore(k)),
            identical(featureScore(n), NMF::featureScore(n)))
}
cat("BOTH-OK\n")')
}

for (attach in c(FALSE, TRUE)) {
  for (order in list(c("NMF", "nmfkit"), c("nmfkit", "NMF"))) {
    test_that(paste0("NMF and nmfkit work together: ", order[1], " then ",
                     order[2], if (attach) ", both attached"
                               else ", nmfkit only loaded"), {
      skip_if_not_installed("NMF")
      res <- run_fresh(both_packages_script(order[1], order[2], attach))
      expect_identical(res$status, 0L, info = paste(res$output, collapse = "\n"))
      expect_true("BOTH-OK" %in% res$output,
                  info = paste(res$output, collapse = "\n"))
    })
  }
}

test_that("without the NMF package, nmfkit's generics name the class they cannot handle", {
  res <- run_fresh(c('invisible(loadNamespace("nmfkit"))',
                     'tryCatch(nmfkit::basismap(1:3), error = function(e)',
                     '  cat(conditionMessage(e), "\\n"))',
                     'cat(isNamespaceLoaded("NMF"), "\\n")'))
  expect_identical(res$output[1],
                   "basismap() has no method for an object of class 'integer' ")
  expect_identical(res$output[2], "FALSE ")
})
