#!/usr/bin/env bash
# This project's solvers against each other: time per iteration (and its
# ratio to the two-product floor) and time to within 0.1 % of the best loss
# any of them reached, on dense 5000 x 500 and sparse 20000 x 5000 (5 %
# non-zero) data at k = 10 and 30.
#
#   bash bench/solvers.sh [--threads N] [--ks 10,30] SOLVER [SOLVER ...]
#   e.g. bash bench/solvers.sh hals auto
#
# SOLVER is any value of `nmf fit --solver` (looked up as NMF_SOLVER_<NAME>
# through nmf_constant(), so new solvers need no change here).  Writes
# bench/results-solvers/results.md, results.png and summary.json; every run
# is redone (nothing cached).  Needs the project's build dependencies and
# python3-numpy/scipy/matplotlib (bench/run.sh installs them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"

opts=(); solvers=()
while (($#)); do
  case "$1" in
    --threads|--ks) opts+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "solvers.sh: unknown option $1" >&2; exit 2 ;;
    *) solvers+=("$1"); shift ;;
  esac
done
((${#solvers[@]})) || { sed -n '2,14p' "$0"; exit 2; }
list=$(IFS=,; echo "${solvers[*]}")

BUILD_DIR="${NMF_BUILD_DIR:-$ROOT/build}"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DPython3_EXECUTABLE="$PYTHON" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target nmf_shared nmf_bench >/dev/null

DATA="$BENCH/data/solvers"
RESULTS="$BENCH/results-solvers"
"$PYTHON" "$BENCH/gen_data.py" "$DATA" --solvers --only dense sparse
rm -rf "$RESULTS/work"
mkdir -p "$RESULTS"
exec "$PYTHON" "$BENCH/harness.py" --data "$DATA" --results "$RESULTS" \
  --build "$BUILD_DIR" --solvers "$list" "${opts[@]}"
