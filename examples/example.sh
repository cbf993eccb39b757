#!/bin/sh
# example.sh — factor a gene-expression table with the nmf command-line tool.
#   sh examples/example.sh [path/to/nmf]
set -e
NMF="${1:-nmf}"
OUT="${TMPDIR:-/tmp}/nmf-example"
mkdir -p "$OUT"
# Genes x samples, with names; gzip is read directly.  Writes golub_W.tsv
# (genes x 3), golub_H.tsv (3 x samples) and golub_summary.json.
"$NMF" fit data/golub_expression.tsv.gz -k 3 --init nndsvda --seed 1 \
  --out "$OUT/golub" --quiet
test -s "$OUT/golub_W.tsv" && test -s "$OUT/golub_summary.json"
head -n 3 "$OUT/golub_H.tsv" | cut -c 1-60
# Bad input is one line on stderr and a non-zero exit status.
if "$NMF" fit data/golub_expression.tsv.gz -k 100 --out "$OUT/bad" 2>"$OUT/err"; then
  exit 1
fi
cat "$OUT/err"
