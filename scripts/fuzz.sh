#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang (-DNMF_FUZZ=ON:
# ASan + UBSan + coverage) into build-fuzz/ and runs each for
# NMF_FUZZ_SECONDS seconds (default 60) from its seed corpus.  A crash or a
# broken property fails the run and leaves the input in
# build-fuzz/tests/fuzz/crash_<harness>_*; copy it into
# tests/fuzz/regressions/<harness>/ once fixed, where every build replays it.
# Prints one line per harness: runs, seconds, new coverage units.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ_DIR="${NMF_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${NMF_FUZZ_SECONDS:-60}"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$FUZZ_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNMF_FUZZ=ON -DNMF_FUZZ_SECONDS="$SECONDS_EACH" -DPython3_EXECUTABLE="$PYTHON" >/dev/null
cmake --build "$FUZZ_DIR" -j "$(nproc)" --target fuzz_capi fuzz_table fuzz_mtx fuzz_gz >/dev/null
cd "$FUZZ_DIR"
# One harness at a time: each uses one core, the fits inside use threads.
status=0
rm -f tests/fuzz/crash_* tests/fuzz/timeout_* tests/fuzz/oom_* tests/fuzz/leak_*
ctest -V -R '^fuzz\.run\.' > fuzz-ctest.log 2>&1 || status=1
if [ "$status" -ne 0 ]; then
  # What broke, and the input that broke it (hex), for a log that is all
  # one gets from a CI machine.
  grep -E 'fuzz property broken|ERROR: |SUMMARY|Test #|Failed|Test command' fuzz-ctest.log | head -50 || true
  for f in tests/fuzz/crash_* tests/fuzz/timeout_* tests/fuzz/oom_* tests/fuzz/leak_*; do
    [ -f "$f" ] || continue
    echo "artifact $f:"; od -An -tx1 -v "$f" | head -40
  done
fi
# A harness that crashed prints no "Done" line: report it as such, do not stop.
for h in capi table mtx gz; do
  num=$(ctest -N -R "^fuzz\.run\.$h\$" | sed -n 's/.*Test *#\([0-9]*\): fuzz[.]run[.].*/\1/p' | head -1 || true)
  runs=$(grep -E "^$num: Done [0-9]+ runs" fuzz-ctest.log | tail -1 | sed "s/^$num: //" || true)
  units=$(grep -E "^$num: stat::new_units_added" fuzz-ctest.log | tail -1 | grep -o '[0-9]*$' || true)
  echo "fuzz $h: ${runs:-no result (crashed or failed to start)}, ${units:-?} new inputs"
done
exit $status
