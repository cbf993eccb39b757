#!/usr/bin/env bash
# Runs the R package's testthat suite against the package installed in
# build/rlib (scripts/rpkg-install.sh, run by scripts/setup.sh; pass
# --install to install first).  Ends with testthat's results and the line
# "testthat: N passed, N failed, N skipped"; exits non-zero on any failure.
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
  skipped <- sum(res$skipped & !(res$failed > 0 | res$error))
  passed <- nrow(res) - failed - skipped
  cat(sprintf("testthat: %d passed, %d failed, %d skipped\n", passed, failed, skipped))
  quit(status = if (failed > 0) 1 else 0)
'
