#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test suite: CTest (core,
# C ABI, C99 consumer, Python binding, CLI, reliability, valgrind), the R
# package's testthat suite, the whole CTest suite again under AddressSanitizer
# + UndefinedBehaviorSanitizer and the R package's testthat suite with its
# compiled code under the same sanitizers (scripts/sanitize.sh), and each libFuzzer
# harness for NMF_FUZZ_SECONDS seconds (scripts/fuzz.sh, default 60).
# NMF_SANITIZE_TESTS=0 or NMF_FUZZ_SECONDS=0 skip the last two.  Tests that
# need what the machine lacks (a terminal, MPI, R, Python) skip with their
# reason, except under CI (CI=true), where that is a failure.  Ends with
# the runners' summary lines; exits non-zero if any fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Under CI every test must run: a test that would skip for want of a
# terminal, scipy, fork or OpenBLAS fails instead (NMF_REQUIRE_ALL_TESTS=1).
if [ "${CI:-}" = true ]; then export NMF_REQUIRE_ALL_TESTS=1; fi
bash "$ROOT/scripts/setup.sh"
BUILD_DIR="${NMF_BUILD_DIR:-$ROOT/build}"
export NMF_RLIB="${NMF_RLIB:-$BUILD_DIR/rlib}"
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)") > "$BUILD_DIR/ctest.log" 2>&1 || status=1
r_status=0
bash "$ROOT/scripts/rpkg-test.sh" > "$BUILD_DIR/testthat.log" 2>&1 || r_status=1
asan_status=0
asan_summary="skipped (NMF_SANITIZE_TESTS=0)"
r_asan_summary="$asan_summary"
if [ "${NMF_SANITIZE_TESTS:-1}" != 0 ]; then
  bash "$ROOT/scripts/sanitize.sh" > "$BUILD_DIR/sanitize.log" 2>&1 || asan_status=1
  asan_summary="$(grep -E 'tests passed' "$BUILD_DIR/sanitize.log" || echo 'no summary (see build/sanitize.log)')"
  r_asan_summary="$(grep -E '^R package ASan\+UBSan: ' "$BUILD_DIR/sanitize.log" | sed -e 's/^R package ASan+UBSan: //' -e 's/^testthat: //' || true)"
fi
fuzz_status=0
fuzz_summary="skipped (NMF_FUZZ_SECONDS=0)"
if [ "${NMF_FUZZ_SECONDS:-60}" != 0 ]; then
  bash "$ROOT/scripts/fuzz.sh" > "$BUILD_DIR/fuzz.log" 2>&1 || fuzz_status=1
  fuzz_summary="$(grep -E '^fuzz [a-z]+:' "$BUILD_DIR/fuzz.log" | sed 's/^fuzz //' | paste -sd ';' - || true)"
  [ "$fuzz_status" -eq 0 ] || fuzz_summary="FAILED (see build/fuzz.log): $fuzz_summary"
fi
# Details of failures first, then the summaries last.  (|| true: head
# closing a pipe early must not end the script under pipefail before the
# summary lines.)
if [ "$status" -ne 0 ]; then sed -n '/The following tests FAILED/,$p;/\*\*\*Failed/,/^ *Start/p' "$BUILD_DIR/ctest.log" | head -200 || true; fi
if [ "$r_status" -ne 0 ]; then grep -B2 -A12 -E '^(Failure|Error) ' "$BUILD_DIR/testthat.log" | head -200 || true; fi
if [ "$asan_status" -ne 0 ]; then
  sed -n '/The following tests FAILED/,/^Errors while running CTest/p' "$BUILD_DIR/sanitize.log" | head -50 || true
  grep -B2 -A20 -E '^(Failure|Error) |ERROR: AddressSanitizer|runtime error:' "$BUILD_DIR/sanitize.log" | head -100 || true
fi
if [ "$fuzz_status" -ne 0 ]; then grep -v -E '^fuzz [a-z]+:' "$BUILD_DIR/fuzz.log" | tail -120 || true; fi
echo "libFuzzer: ${fuzz_summary}"
echo "CTest ASan+UBSan: ${asan_summary}"
echo "testthat ASan+UBSan: ${r_asan_summary:-no summary (see build/sanitize.log)}"
echo "CTest:    $(grep -E 'tests passed' "$BUILD_DIR/ctest.log" || echo 'no summary (see build/ctest.log)')"
echo "testthat: $(grep -E '^\[ FAIL' "$BUILD_DIR/testthat.log" | tail -n 1 || echo 'no summary (see build/testthat.log)')"
exit $(( status | r_status | asan_status | fuzz_status ))
