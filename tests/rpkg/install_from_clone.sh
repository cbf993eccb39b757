#!/usr/bin/env bash
# The R package installs the way R users install it: from a fresh clone of
# the committed tree with plain `R CMD INSTALL rpkg` (configure copies the
# core), into a temporary library, stripped of debug information; it then
# loads and fits.  `R CMD build rpkg` from the clone gives a tarball that
# carries the core and configures outside the repository.
#   install_from_clone.sh <repository>
set -euo pipefail
repo="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git clone -q "$repo" "$tmp/clone"
test ! -e "$tmp/clone/rpkg/src/nmfcore" || {
  echo "FAIL: rpkg/src/nmfcore is committed; it must be generated"; exit 1; }

mkdir "$tmp/lib"
if ! MAKEFLAGS="-j${NMF_TEST_JOBS:-2}" R CMD INSTALL -l "$tmp/lib" \
    "$tmp/clone/rpkg" > "$tmp/install.log" 2>&1; then
  tail -n 40 "$tmp/install.log"
  echo "FAIL: R CMD INSTALL rpkg failed in a fresh clone"; exit 1
fi
so="$tmp/lib/nmfkit/libs/nmfkit.so"
if readelf -S "$so" | grep -q '\.debug_'; then
  echo "FAIL: the installed $so keeps debug sections ($(du -h "$so" | cut -f1))"
  exit 1
fi

# It loads from the temporary library and fits an exactly rank-3 matrix.
R_LIBS="$tmp/lib" Rscript -e '
  lib <- Sys.getenv("R_LIBS")
  stopifnot(startsWith(normalizePath(find.package("nmfkit")), normalizePath(lib)))
  set.seed(2)
  x <- matrix(runif(40 * 3), 40) %*% matrix(runif(3 * 25), 3)
  suppressPackageStartupMessages(library(nmfkit))
  fit <- nmf(x, 3, seed = 1, threads = 1)
  stopifnot(fit@rel_error < 1e-4,
            max(abs(fitted(fit) - x)) < 1e-3 * max(x))
  cat("installed from the clone and fitted: relative error",
      format(fit@rel_error, digits = 3), "\n")'

# The source tarball of the clone is self-contained.
(cd "$tmp" && R CMD build --no-build-vignettes clone/rpkg > build.log 2>&1) || {
  cat "$tmp/build.log"; echo "FAIL: R CMD build rpkg"; exit 1; }
tarball="$(ls "$tmp"/nmfkit_*.tar.gz)"
mkdir "$tmp/elsewhere"
tar -xzf "$tarball" -C "$tmp/elsewhere"
pkg="$tmp/elsewhere/nmfkit"
test ! -e "$pkg/src/nmfcore" || { echo "FAIL: the tarball carries a stale src/nmfcore"; exit 1; }
(cd "$pkg" && sh ./configure > /dev/null)
# Every object Makevars names has its source after configure.
for o in $(sed -n '/^OBJECTS/,/^# END/p' "$pkg/src/Makevars" | grep -o '[A-Za-z0-9_/]*\.o'); do
  test -f "$pkg/src/${o%.o}.cpp" || { echo "FAIL: $o has no source in the tarball"; exit 1; }
done
for f in "$repo"/libnmf/src/*.cpp "$repo"/capi/src/*.cpp; do
  grep -q "nmfcore/src/$(basename "${f%.cpp}").o" "$pkg/src/Makevars" || {
    echo "FAIL: Makevars does not build $(basename "$f") (run scripts/rpkg-sync.sh)"; exit 1; }
done
echo "PASS: R CMD INSTALL rpkg from a clone, stripped ($(du -h "$so" | cut -f1)); R CMD build tarball self-contained"
