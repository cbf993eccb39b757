#!/usr/bin/env bash
# Runs the Golub rank-survey benchmark (see README.md): nmfkit (Frobenius
# default and KL), then the NMF package's brunet, in separate R processes
# with the same environment, and prints the surveys side by side.  Needs the
# R package installed in build/rlib and the Debian packages r-cran-nmf and
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
BENCH_SUMMARY="$(mktemp)"
export BENCH_SUMMARY
trap 'rm -f "$BENCH_SUMMARY"' EXIT
Rscript "$ROOT/bench/golub-survey/run.R" nmfkit
echo
Rscript "$ROOT/bench/golub-survey/run.R" NMF
echo
"$PYTHON" "$ROOT/bench/machine.py" --threads "$THREADS" --load-start "$LOAD0"
# Side by side; the NMF package's time is scaled to nmfkit's runs per rank
# (per-run time x runs) when it ran fewer.
Rscript -e '
s <- utils::read.delim(Sys.getenv("BENCH_SUMMARY"), stringsAsFactors = FALSE)
ref <- s[grepl("^NMF package", s$survey), ]
runs <- max(s$runs)
s$time_at_runs <- s$per_run * runs * 4
if (nrow(ref) == 1) s$x_faster <- round(ref$per_run / s$per_run, 1)
names(s)[names(s) == "time_at_runs"] <- sprintf("seconds_at_%d_runs", runs)
cat("Golub survey, k = 2..5 (cophenetic and dispersion by k; misplaced samples",
    "against ALL/AML at k = 2 and ALL-B/ALL-T/AML at k = 3)\n")
print(s, row.names = FALSE, right = FALSE)'
