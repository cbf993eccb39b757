#!/usr/bin/env python3
"""Writes the generated problems of bench/README.md's solver race.

usage: make_problems.py OUTDIR
  dense.tsv  : 2000 x 300, W (30 % zeros) H (30 % zeros) rank 10, + U(0, 0.1)
  sparse.mtx : 5000 x 2000, 5 % of the entries of a rank-10 product (50 %
               zeros in each factor) + U(0, 0.1), Matrix Market
Pure Python (no numpy), seeded: the same files on every machine.
"""
import os, random, sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rnd = random.Random(1)


def factor(rows, cols, zero):
    return [[rnd.random() if rnd.random() > zero else 0.0 for _ in range(cols)]
            for _ in range(rows)]


m, n, k = 2000, 300, 10
W, H = factor(m, k, 0.3), factor(k, n, 0.3)
with open(os.path.join(out, "dense.tsv"), "w") as f:
    f.write("gene\t" + "\t".join("s%d" % j for j in range(n)) + "\n")
    for i in range(m):
        row = [sum(W[i][r] * H[r][j] for r in range(k)) + 0.1 * rnd.random()
               for j in range(n)]
        f.write("g%d\t" % i + "\t".join("%.6g" % v for v in row) + "\n")

m, n = 5000, 2000
W, H = factor(m, k, 0.5), factor(k, n, 0.5)
entries = []
for j in range(n):
    for i in sorted(rnd.sample(range(m), m // 20)):
        v = sum(W[i][r] * H[r][j] for r in range(k)) + 0.1 * rnd.random()
        entries.append((i + 1, j + 1, v))
with open(os.path.join(out, "sparse.mtx"), "w") as f:
    f.write("%%MatrixMarket matrix coordinate real general\n")
    f.write("%d %d %d\n" % (m, n, len(entries)))
    for e in entries:
        f.write("%d %d %.6g\n" % e)
