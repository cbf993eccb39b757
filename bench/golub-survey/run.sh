#!/usr/bin/env bash
# Runs the Golub rank-survey benchmark (see README.md): nmfkit, then the NMF
# package, in two R processes with the same environment.  Needs the R
# package installed in build/rlib (bash scripts/setup.sh) and the Debian
# packages r-cran-nmf and r-cran-doparallel.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Each package parallelises over runs itself (BENCH_THREADS, default 2), so
# the BLAS is held at one thread for both.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
Rscript "$ROOT/bench/golub-survey/run.R" nmfkit
echo
Rscript "$ROOT/bench/golub-survey/run.R" NMF
