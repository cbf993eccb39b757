#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DNMF_SANITIZE=ON, gcc) into build-asan/ and runs the whole CTest suite
# there.  Any invalid access, leak (LeakSanitizer) or undefined behaviour
# aborts the process under test, so its test fails.
#   - The Python tests load the instrumented libnmf.so through ctypes: CTest
#     preloads libasan for them and turns leak checking off (the
#     interpreter's own allocations are not ours) - tests/python.
#   - abi.install_and_consume is left out: its consumer is built without
#     -fsanitize and cannot link the instrumented static archive.
#   - valgrind tests are not defined in this build; the R package is not
#     rebuilt with sanitizers (its testthat suite runs against the normal
#     build only).
# Prints the CTest summary line last.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASAN_DIR="${NMF_ASAN_BUILD_DIR:-$ROOT/build-asan}"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
cmake -S "$ROOT" -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNMF_SANITIZE=ON \
  -DPython3_EXECUTABLE="$PYTHON" >/dev/null
cmake --build "$ASAN_DIR" -j "$(nproc)" >/dev/null
# halt_on_error: the first report fails the test; abort_on_error for a core
# dump-like stop; UBSan prints a stack for every report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$ASAN_DIR"
ctest --output-on-failure -j "$(nproc)"
