#!/usr/bin/env bash
# Syncs the core, builds the R source package and installs it into a private
# library (build/rlib, or $NMF_RLIB).  Run by scripts/setup.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="${NMF_RLIB:-$ROOT/build/rlib}"
tarball="$(bash "$ROOT/scripts/rpkg-build.sh" | tail -n 1)"
mkdir -p "$LIB"
R CMD INSTALL --strip -l "$LIB" "$tarball" > "$LIB/install.log" 2>&1 || {
  cat "$LIB/install.log" >&2
  echo "rpkg-install: R CMD INSTALL failed" >&2
  exit 1
}
echo "rpkg-install: nmfkit installed into $LIB"
