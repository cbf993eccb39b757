#!/usr/bin/env bash
# Symmetric NMF benchmark (bench/README.md, "Symmetric NMF"): builds
# bench_symnmf.cpp against the libnmf.so of build/ and runs it on a planted
# graph of 1,000,000 nodes and 10,000,000 edges with k = 20, for 1 and 2
# threads, between two lines naming the machine (bench/machine.py).
# Usage: bench/symnmf/run.sh [ITERATIONS]   (default 10)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${NMF_BUILD_DIR:-$ROOT/build}"
OUT="$BUILD/bench-symnmf"
ITERATIONS="${1:-10}"
mkdir -p "$OUT"
cmake --build "$BUILD" --target nmf_shared >/dev/null
c++ -O2 -std=c++17 -I"$ROOT/capi/include" "$ROOT/bench/symnmf/bench_symnmf.cpp" \
  -L"$BUILD/capi" -lnmf -Wl,-rpath,"$BUILD/capi" -o "$OUT/bench_symnmf"
# The machine (bench/machine.py): before the runs, and with the load at the
# end after them.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
LOAD0="$(cut -d' ' -f1 /proc/loadavg)"
"$PYTHON" "$ROOT/bench/machine.py" --threads 2 --lib "$BUILD/capi/libnmf.so" --at-start
for threads in 1 2; do
  "$OUT/bench_symnmf" 1000000 10000000 20 "$threads" "$ITERATIONS"
done
"$PYTHON" "$ROOT/bench/machine.py" --threads 2 --lib "$BUILD/capi/libnmf.so" \
  --load-start "$LOAD0"
