#!/usr/bin/env bash
# Runs the R package's testthat suite against the package installed in
# build/rlib (scripts/rpkg-install.sh, run by scripts/setup.sh; pass
# --install to install first).  Ends with testthat's results and the line
# "testthat: N passed, N failed, N skipped"; exits non-zero on any failure,
# and with NMF_REQUIRE_ALL_TESTS=1 (scripts/test.sh under CI) on any skip.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="${NMF_RLIB:-$ROOT/build/rlib}"
if [ "${1:-}" = "--install" ]; then bash "$ROOT/scripts/rpkg-install.sh"; fi
cd "$ROOT/rpkg/tests/testthat"
NOT_CRAN=true R_LIBS="$LIB${R_LIBS:+:$R_LIBS}" Rscript -e '
  suppressPackageStartupMessages(library(testthat))
  suppressPackageStartupMessages(library(nmfkit))
  res <- as.data.frame(test_dir(".", package = "nmfkit",
                                load_package = "installed",
                                reporter = ProgressReporter$new(show_praise = FALSE,
                                                            update_interval = Inf),
                                stop_on_failure = FALSE))
  failed <- sum(res$failed > 0 | res$error)
  was_skipped <- res$skipped & !(res$failed > 0 | res$error)
  skipped <- sum(was_skipped)
  passed <- nrow(res) - failed - skipped
  # Under CI (NMF_REQUIRE_ALL_TESTS=1) a skip is a failure: every test must run.
  if (skipped > 0 && identical(Sys.getenv("NMF_REQUIRE_ALL_TESTS"), "1")) {
    for (i in which(was_skipped))
      cat(sprintf("testthat: %s: \"%s\" was skipped, and NMF_REQUIRE_ALL_TESTS=1\n",
                  res$file[i], res$test[i]))
    failed <- failed + skipped
  }
  cat(sprintf("testthat: %d passed, %d failed, %d skipped\n", passed, failed, skipped))
  quit(status = if (failed > 0) 1 else 0)
'
