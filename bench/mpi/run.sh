#!/usr/bin/env bash
# Builds bench_mpi against the project's build (build/, with libnmf_mpi) and
# runs it with 1 and 2 processes (one thread each) on this machine.
#   bash bench/mpi/run.sh [M N DENSITY K ITERATIONS]
# NMF_BENCH_LOSS=kl: the KL loss (multiplicative updates) instead of the
# Frobenius loss.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${NMF_BUILD_DIR:-$ROOT/build}"
[ -f "$BUILD/mpi/libnmf_mpi.so" ] || bash "$ROOT/scripts/setup.sh"
OUT="$BUILD/bench-mpi"
mkdir -p "$OUT"
mpicxx -O2 -std=c++17 -DOMPI_SKIP_MPICXX -I"$ROOT/capi/include" -I"$ROOT/mpi/include" \
  "$ROOT/bench/mpi/bench_mpi.cpp" -L"$BUILD/capi" -L"$BUILD/mpi" -lnmf_mpi -lnmf \
  -Wl,-rpath,"$BUILD/capi:$BUILD/mpi" -o "$OUT/bench_mpi"
args=("$@")
[ $# -gt 0 ] || args=(30000 20000 0.05 20 10)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
loss=()
[ "${NMF_BENCH_LOSS:-frobenius}" = kl ] && loss=(kl)
# The machine (bench/machine.py) before and after the table: 2 processes of
# one thread each at most.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
LOAD0="$(cut -d' ' -f1 /proc/loadavg)"
"$PYTHON" "$ROOT/bench/machine.py" --threads 2 --lib "$BUILD/capi/libnmf.so" --at-start
echo
echo "| processes | loss | matrix | nonzeros | k | precision | s / iteration | MiB reduced / iteration / process |"
echo "|---|---|---|---|---|---|---|---|"
for p in 1 2; do
  mpiexec -np "$p" --bind-to core "$OUT/bench_mpi" "${args[@]}" double "${loss[@]}"
  mpiexec -np "$p" --bind-to core "$OUT/bench_mpi" "${args[@]}" float "${loss[@]}"
done
echo
"$PYTHON" "$ROOT/bench/machine.py" --threads 2 --lib "$BUILD/capi/libnmf.so" \
  --load-start "$LOAD0"
