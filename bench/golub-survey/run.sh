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
# The machine (bench/machine.py) before and after the runs.  The SIMD path
# and OpenBLAS core are those of build/capi/libnmf.so (same sources and
# dispatch as the R package's copy; run.R prints the core R's BLAS chose).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
THREADS="${BENCH_THREADS:-2}"
LOAD0="$(cut -d' ' -f1 /proc/loadavg)"
"$PYTHON" "$ROOT/bench/machine.py" --threads "$THREADS" --at-start
Rscript "$ROOT/bench/golub-survey/run.R" nmfkit
echo
Rscript "$ROOT/bench/golub-survey/run.R" NMF
echo
"$PYTHON" "$ROOT/bench/machine.py" --threads "$THREADS" --load-start "$LOAD0"
