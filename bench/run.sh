#!/usr/bin/env bash
# The benchmark in one command: this project against RcppML, NMF (R) and
# scikit-learn, side by side, same data, same threads, same BLAS settings.
#
#   bash bench/run.sh [--quick] [--threads N] [--datasets dense,sparse,golub]
#                     [--only NAMES] [--rerun NAMES]
#
# Installs what is missing from Debian (apt-get, as root or through sudo),
# builds the project (build/), generates the data with fixed seeds
# (bench/data/, several GB for the full sizes), runs every contender in its
# own process and writes bench/results/results.md, results.png and
# summary.json (--quick: bench/results-quick/).  Results of each contender
# are cached under the results folder's work/ and reused; --rerun NAMES
# (comma-separated, e.g. nmfkit,nmfkit-float32) discards them.  The full run
# takes about an hour on 2 cores; see bench/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"

# RcppPlanc is not packaged in Debian: it is not among the contenders.
PACKAGES=(build-essential cmake libopenblas-dev liblapack-dev r-base-dev
          r-cran-rcppml r-cran-nmf r-cran-matrix
          python3 python3-numpy python3-scipy python3-sklearn
          python3-matplotlib)
bash "$ROOT/scripts/apt-install.sh" "${PACKAGES[@]}"

# Debian's interpreter, which has numpy, scipy and sklearn.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"

QUICK=""
for a in "$@"; do [ "$a" = "--quick" ] && QUICK=1; done
BUILD_DIR="${NMF_BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DPython3_EXECUTABLE="$PYTHON" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target nmf_shared nmf_bench >/dev/null

if [ -n "$QUICK" ]; then
  DATA="$BENCH/data/quick"; RESULTS="$BENCH/results-quick"
  "$PYTHON" "$BENCH/gen_data.py" "$DATA" --quick
else
  DATA="$BENCH/data/full"; RESULTS="$BENCH/results"
  "$PYTHON" "$BENCH/gen_data.py" "$DATA"
fi
mkdir -p "$RESULTS"
exec "$PYTHON" "$BENCH/harness.py" --data "$DATA" --results "$RESULTS" \
  --build "$BUILD_DIR" "$@"
