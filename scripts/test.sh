#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test suite: CTest (core,
# C ABI, C99 consumer, Python binding, CLI) and the R package's testthat
# suite, ending with the two runners' summary lines.  Exits non-zero if
# either fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
BUILD_DIR="${NMF_BUILD_DIR:-$ROOT/build}"
export NMF_RLIB="${NMF_RLIB:-$BUILD_DIR/rlib}"
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)") > "$BUILD_DIR/ctest.log" 2>&1 || status=1
r_status=0
bash "$ROOT/scripts/rpkg-test.sh" > "$BUILD_DIR/testthat.log" 2>&1 || r_status=1
# Details of failures first, then the summaries last.
if [ "$status" -ne 0 ]; then sed -n '/The following tests FAILED/,$p;/\*\*\*Failed/,/^ *Start/p' "$BUILD_DIR/ctest.log" | head -200; fi
if [ "$r_status" -ne 0 ]; then grep -B2 -A12 -E '^(Failure|Error) ' "$BUILD_DIR/testthat.log" | head -200; fi
echo "CTest:    $(grep -E 'tests passed' "$BUILD_DIR/ctest.log" || echo 'no summary (see build/ctest.log)')"
echo "testthat: $(grep -E '^\[ FAIL' "$BUILD_DIR/testthat.log" | tail -n 1 || echo 'no summary (see build/testthat.log)')"
exit $(( status | r_status ))
