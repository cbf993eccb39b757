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
#   - valgrind tests are not defined in this build.
# Then the R package: scripts/rpkg-sanitize.sh installs it with the same
# sanitizers into build-asan/rlib and runs its testthat suite with libasan
# preloaded (NMF_SANITIZE_R=0 skips it).
# Prints the CTest summary line, then the R package's line; exits non-zero
# if either fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASAN_DIR="${NMF_ASAN_BUILD_DIR:-$ROOT/build-asan}"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
cmake -S "$ROOT" -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNMF_SANITIZE=ON \
  -DNMF_REQUIRE_ALL_TESTS=ON -DPython3_EXECUTABLE="$PYTHON" >/dev/null
cmake --build "$ASAN_DIR" -j "$(nproc)" >/dev/null
# halt_on_error: the first report fails the test; abort_on_error for a core
# dump-like stop; UBSan prints a stack for every report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest_status=0
(cd "$ASAN_DIR" && ctest --output-on-failure -j "$(nproc)") || ctest_status=1
r_status=0
if [ "${NMF_SANITIZE_R:-1}" = 0 ]; then
  echo "R package ASan+UBSan: skipped (NMF_SANITIZE_R=0)"
else
  NMF_ASAN_BUILD_DIR="$ASAN_DIR" bash "$ROOT/scripts/rpkg-sanitize.sh" || r_status=1
fi
exit $(( ctest_status | r_status ))
