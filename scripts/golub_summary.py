#!/usr/bin/env python3
"""Summarise an `nmf fit` of the Golub data: the fit, and each sample's
cluster (its largest entry of H) against the known ALL-B / ALL-T / AML
labels.  Standard library only."""
import csv
import json
import sys
from collections import Counter


def main(prefix, labels_path):
    with open(prefix + "_summary.json") as f:
        summary = json.load(f)
    with open(prefix + "_H.tsv") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    samples = rows[0][1:]
    comps = [r[0] for r in rows[1:]]
    h = [[float(x) for x in r[1:]] for r in rows[1:]]
    cluster = {s: comps[max(range(len(comps)), key=lambda j: h[j][c])]
               for c, s in enumerate(samples)}
    with open(labels_path) as f:
        reader = csv.DictReader(f, delimiter="\t")
        label = {}
        for r in reader:
            kind = r["ALL.AML"]
            if kind == "ALL":
                kind += "-" + r["Cell"].replace("-cell", "")
            label[r["sample"]] = kind
    counts = Counter((label[s], cluster[s]) for s in samples)
    kinds = sorted(set(label[s] for s in samples))

    print("nmfkit %s: Golub leukemia data, %d genes x %d samples, k = %d"
          % (summary.get("version", "?"), summary["m"], summary["n"],
             summary["k"]))
    print("  %d iterations (%s), relative error %.4f, %.2f s"
          % (summary["iterations"], summary["stop_reason"],
             summary["rel_error"], summary["seconds"]))
    print()
    print("samples by known type (rows) and NMF cluster (columns):")
    width = max(len(k) for k in kinds) + 2
    print(" " * width + "".join("%7s" % c for c in comps))
    agree = 0
    for kind in kinds:
        row = [counts[(kind, c)] for c in comps]
        agree += max(row)
        print(kind.ljust(width) + "".join("%7d" % x for x in row))
    print()
    print("%d of %d samples fall in their type's majority cluster"
          % (agree, len(samples)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
