#!/usr/bin/env bash
# The R package's compiled code under AddressSanitizer + UndefinedBehavior-
# Sanitizer: installs nmfkit from source into build-asan/rlib (or
# $NMF_ASAN_BUILD_DIR/rlib) with a private R_MAKEVARS_USER that adds
# -fsanitize=address,undefined -fno-sanitize-recover=undefined, checks that
# the package's shared object links libasan and libubsan, and runs the
# testthat suite (scripts/rpkg-test.sh) with gcc's libasan.so preloaded:
# Debian's R is not built with ASan, and the ASan runtime must be the first
# library of the process.  Leak checking is off (R's own allocations live
# until exit and are not ours).  Child processes the tests start (the
# Ctrl-C test runs Rscript) inherit LD_PRELOAD, which they need: they load
# the same instrumented package.
# Ends with the line "R package ASan+UBSan: testthat: N passed, N failed,
# N skipped"; exits non-zero if the build or any test fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASAN_DIR="${NMF_ASAN_BUILD_DIR:-$ROOT/build-asan}"
LIB="$ASAN_DIR/rlib"
mkdir -p "$LIB"

# The flags, for this install only (never the user's ~/.R/Makevars).  -O1
# and frame pointers: the usual ASan setting, readable stacks.
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
makevars="$ASAN_DIR/rpkg-sanitize.Makevars"
cat > "$makevars" <<MAKEVARS
CFLAGS = $flags
CXXFLAGS = $flags
CXX17FLAGS = $flags
LDFLAGS = -fsanitize=address,undefined
MAKEVARS

tarball="$(NMF_RPKG_OUT="$ASAN_DIR/rpkg" bash "$ROOT/scripts/rpkg-build.sh" | tail -n 1)"
# --no-test-load: loading the instrumented package into the installing R
# (without the runtime preloaded) would fail.  No --strip: keep the symbols
# for the reports.
R_MAKEVARS_USER="$makevars" MAKEFLAGS="-j$(nproc)" R CMD INSTALL --no-test-load -l "$LIB" "$tarball" \
  > "$LIB/install.log" 2>&1 || {
  cat "$LIB/install.log" >&2
  echo "rpkg-sanitize: R CMD INSTALL failed" >&2
  exit 1
}
so="$LIB/nmfkit/libs/nmfkit.so"
libraries="$(ldd "$so")"  # whole, before grep: no SIGPIPE under pipefail
for runtime in libasan libubsan; do
  if ! grep -q "$runtime" <<< "$libraries"; then
    echo "rpkg-sanitize: $so does not link $runtime: the flags did not take" >&2
    exit 1
  fi
done
grep -q -- "-fsanitize=address,undefined" "$LIB/install.log" || {
  echo "rpkg-sanitize: the compile lines in $LIB/install.log lack -fsanitize" >&2
  exit 1
}

asan_runtime="$(gcc -print-file-name=libasan.so)"
[ -e "$asan_runtime" ] || { echo "rpkg-sanitize: no $asan_runtime" >&2; exit 1; }
echo "rpkg-sanitize: nmfkit with ASan+UBSan in $LIB; testthat with $asan_runtime preloaded"
status=0
LD_PRELOAD="$asan_runtime" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
NMF_RLIB="$LIB" bash "$ROOT/scripts/rpkg-test.sh" > "$ASAN_DIR/rpkg-sanitize.log" 2>&1 || status=1
cat "$ASAN_DIR/rpkg-sanitize.log"
summary="$(grep -E '^testthat: ' "$ASAN_DIR/rpkg-sanitize.log" | tail -n 1 || true)"
echo "R package ASan+UBSan: ${summary:-no summary (see $ASAN_DIR/rpkg-sanitize.log)}"
exit "$status"
