#!/usr/bin/env bash
# Runs the Golub rank-survey benchmark (see README.md): nmfkit, then the NMF
# package, in two R processes with the same environment.  Needs the R
# package installed in build/rlib and the Debian packages r-cran-nmf and
# r-cran-doparallel; installs what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/scripts/apt-install.sh" r-cran-nmf r-cran-doparallel
[ -d "$ROOT/build/rlib/nmfkit" ] || bash "$ROOT/scripts/setup.sh"
# Each package parallelises over runs itself (BENCH_THREADS, default 2), so
# the BLAS is held at one thread for both.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
Rscript "$ROOT/bench/golub-survey/run.R" nmfkit
echo
Rscript "$ROOT/bench/golub-survey/run.R" NMF
