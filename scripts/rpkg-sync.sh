#!/usr/bin/env bash
# Copies the core (libnmf/) and the C ABI (capi/) into the R package as
# rpkg/src/nmfcore/ (rpkg/configure does the copying, as it does for
# `R CMD INSTALL rpkg` from a clone).  The copy is generated (listed in
# .gitignore): edit the originals.
# Also keeps the OBJECTS list of rpkg/src/Makevars in step with the copied
# sources and regenerates the Rcpp glue (RcppExports) from the attributes.
set -euo pipefail
export LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/rpkg"
DEST="$PKG/src/nmfcore"

rm -rf "$DEST"
(cd "$PKG" && sh ./configure >/dev/null)

# The C ABI's functions that the package registers for other packages
# (inst/include/nmfkit/callables.h), from nmf.h.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
"$PYTHON" "$ROOT/scripts/rpkg-callables.py"

# RcppExports.cpp / R/RcppExports.R from the // [[Rcpp::export]] attributes.
Rscript -e 'invisible(Rcpp::compileAttributes(commandArgs(TRUE)[1]))' "$PKG" >/dev/null

# The object list: the package's own sources plus every copied core source.
# R's make has no portable wildcard, so Makevars names each object; rewrite
# the block between the markers when the set of sources changed.
objects=""
for f in "$PKG"/src/*.cpp "$DEST"/src/*.cpp; do
  rel="${f#"$PKG/src/"}"
  objects+=" ${rel%.cpp}.o"
done
MAKEVARS="$PKG/src/Makevars"
block="$(printf '# BEGIN OBJECTS (kept in step by scripts/rpkg-sync.sh)\nOBJECTS =%s\n# END OBJECTS' "$objects" | sed 's/ \([^ ]*\.o\)/ \\\n  \1/g')"
current="$(sed -n '/^# BEGIN OBJECTS/,/^# END OBJECTS/p' "$MAKEVARS")"
if [ "$current" != "$block" ]; then
  awk -v block="$block" '
    /^# BEGIN OBJECTS/ { print block; skip = 1; next }
    /^# END OBJECTS/   { skip = 0; next }
    !skip { print }' "$MAKEVARS" > "$MAKEVARS.tmp"
  mv "$MAKEVARS.tmp" "$MAKEVARS"
  echo "rpkg-sync: updated the OBJECTS list in rpkg/src/Makevars (commit it)"
fi

echo "rpkg-sync: copied $(ls "$DEST/src" | wc -l) core sources into rpkg/src/nmfcore"
