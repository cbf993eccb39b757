#!/usr/bin/env bash
# Syncs the core into rpkg/ and builds the R source package:
# build/rpkg/nmfkit_<version>.tar.gz, self-contained (it carries the core),
# installable on a fresh Debian machine with `R CMD INSTALL <tarball>`.
# Prints the tarball's path as the last line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${NMF_RPKG_OUT:-$ROOT/build/rpkg}"
bash "$ROOT/scripts/rpkg-sync.sh"
mkdir -p "$OUT"
version="$(sed -n 's/^Version: *//p' "$ROOT/rpkg/DESCRIPTION")"
rm -f "$OUT/nmfkit_$version.tar.gz"
(cd "$OUT" && R CMD build --no-build-vignettes "$ROOT/rpkg" >&2)
echo "$OUT/nmfkit_$version.tar.gz"
