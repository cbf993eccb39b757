#!/usr/bin/env bash
# Syncs and builds the R source package, then runs R CMD check on the
# tarball in build/rpkg/ (log: build/rpkg/nmfkit.Rcheck/00check.log):
#
#   _R_CHECK_FORCE_SUGGESTS_=false NOT_CRAN=true \
#   R_MAKEVARS_USER=build/rpkg/Makevars.check \
#     R CMD check --no-manual nmfkit_<version>.tar.gz
#
#   --no-manual        the PDF manual needs LaTeX, which is not installed
#   _R_CHECK_FORCE_SUGGESTS_=false
#                      Biobase / SummarizedExperiment may be absent; the
#                      tests that need them are skipped then
#   NOT_CRAN=true      also run the tests skipped on CRAN (the real SIGINT
#                      test)
#   R_MAKEVARS_USER    R's own C++17 flags without -g, plus -Wall -pedantic:
#                      debug information alone takes the library from
#                      0.45 MB to 5.4 MB (over the 5 MB installed-size
#                      note), and the warnings must stay at zero
#
# Exits non-zero unless the status is OK (no ERROR, WARNING or NOTE).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tarball="$(bash "$ROOT/scripts/rpkg-build.sh" | tail -n 1)"
out="$(dirname "$tarball")"
flags="$(R CMD config CXX17FLAGS | sed -e 's/\(^\| \)-g[0-9]*\( \|$\)/ /g')"
printf 'CXX17FLAGS = %s -Wall -pedantic\n' "$flags" > "$out/Makevars.check"
cd "$out"
status=0
_R_CHECK_FORCE_SUGGESTS_=false NOT_CRAN=true \
  R_MAKEVARS_USER="$out/Makevars.check" \
  R CMD check --no-manual "$(basename "$tarball")" || status=$?
log="$out/nmfkit.Rcheck/00check.log"
if [ "$status" -ne 0 ]; then exit "$status"; fi
if ! grep -qE '^Status: OK' "$log"; then
  echo "rpkg-check: R CMD check was not clean (see $log)" >&2
  exit 1
fi
echo "rpkg-check: $(grep '^Status:' "$log")"
