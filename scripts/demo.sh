#!/usr/bin/env bash
# The main job: sets up what is missing, builds, installs the R package, and
# runs the Brunet et al. (2004) consensus workflow on the bundled Golub et
# al. (1999) leukemia data (5000 genes x 38 samples) in R: a rank survey over
# k = 2..5 with 50 runs each and a randomized baseline, the clusters against
# the known ALL/AML and ALL-B/ALL-T/AML labels at k = 2 and 3, and the
# consensus heatmaps and survey plot as PNG files in out/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" >/dev/null
OUT="${NMF_DEMO_OUT:-$ROOT/out}"
mkdir -p "$OUT"
NMF_RLIB="${NMF_RLIB:-${NMF_BUILD_DIR:-$ROOT/build}/rlib}" \
  Rscript "$ROOT/scripts/rpkg-demo.R" "$OUT"
