#!/usr/bin/env bash
# The main job: sets up what is missing, builds, and factors the bundled
# Golub et al. (1999) leukemia data (5000 genes x 38 samples) with k = 3,
# then shows how the samples' clusters line up with the known labels.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" >/dev/null
OUT="${NMF_DEMO_OUT:-$ROOT/out}"
mkdir -p "$OUT"
"$ROOT/build/cli/nmf" fit "$ROOT/data/golub_expression.tsv.gz" -k 3 \
  --init nndsvda --seed 1 --out "$OUT/golub" --quiet
/usr/bin/python3 "$ROOT/scripts/golub_summary.py" "$OUT/golub" \
  "$ROOT/data/golub_samples.tsv"
