#!/usr/bin/env python3
"""Which KL solver reaches a given loss first: MU or CD (the `auto` choice).

Two problems: the Golub data (dense 5000 x 38, data/golub_expression.tsv.gz)
and a sparse count matrix (Poisson counts of a planted rank-10 gamma model,
CSC, about 5 % stored).  For each solver and seed one fit with tol = 0 and
maxit = ITERS on one thread, through the Python binding; its loss history
gives the first iteration within 0.1 % of the best loss any solver reached
on that problem and seed, and the time to it is the fit's wall time times
that fraction of its iterations (the start's cost is spread over the
iterations, which favours neither solver: both start from the same point).

    NMFKIT_LIBRARY=build/capi/libnmf.so /usr/bin/python3 bench/kl_solver_race.py \
        [--k 3] [--sparse-k 10] [--seeds 1,2,3] [--iters 400]
"""
import argparse
import gzip
import os
import sys

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import nmfkit  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")


def golub():
    with gzip.open(os.path.join(ROOT, "data", "golub_expression.tsv.gz"), "rt") as f:
        next(f)
        rows = [line.rstrip("\n").split("\t")[1:] for line in f]
    return np.asfortranarray(np.array(rows, dtype=np.float64))


def counts(m, n, k, density, seed=7):
    """Poisson counts of W0 H0 with W0, H0 sparse gamma, scaled so that
    about `density` of the entries are non-zero."""
    rng = np.random.default_rng(seed)
    w0 = rng.gamma(0.3, 1.0, size=(m, k))
    h0 = rng.gamma(0.3, 1.0, size=(k, n))
    lam = w0 @ h0
    # Scale so that P(count > 0) = 1 - exp(-lam c) averages to density.
    lo, hi = 1e-6, 1e3
    for _ in range(60):
        c = np.sqrt(lo * hi)
        if np.mean(1 - np.exp(-lam * c)) > density:
            hi = c
        else:
            lo = c
    a = rng.poisson(lam * c).astype(np.float64)
    return sp.csc_matrix(a)


def race(name, a, k, seeds, iters, solvers=("mu", "cd")):
    print(f"== {name}: {a.shape[0]} x {a.shape[1]}, k = {k}, "
          f"{'sparse nnz %d' % a.nnz if sp.issparse(a) else 'dense'}", flush=True)
    for seed in seeds:
        runs = {}
        for s in solvers:
            f = nmfkit.fit(a, k, loss="kl", solver=s, maxit=iters, tol=0,
                           seed=seed, threads=1)
            runs[s] = (np.array(f.loss_history), f.seconds)
        best = min(h.min() for h, _ in runs.values())
        for s, (h, secs) in runs.items():
            hit = np.nonzero(h <= best * 1.001)[0]
            per = secs / len(h)
            if len(hit):
                i = hit[0] + 1
                print(f"seed {seed}  {s}: {per * 1e3:7.2f} ms/it, within 0.1 % of "
                      f"{best:.6g} after {i} it = {i * per:.3f} s "
                      f"(final {h[-1] / best:.5f} x best)", flush=True)
            else:
                print(f"seed {seed}  {s}: {per * 1e3:7.2f} ms/it, not within 0.1 % "
                      f"in {len(h)} it (final {h[-1] / best:.5f} x best)", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--sparse-k", type=int, default=10)
    ap.add_argument("--sparse-size", default="5000x2000")
    ap.add_argument("--density", type=float, default=0.05)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--iters", type=int, default=400)
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"library {os.environ.get('NMFKIT_LIBRARY', '(the package default)')}")
    race("Golub", golub(), args.k, seeds, args.iters)
    m, n = (int(x) for x in args.sparse_size.split("x"))
    race("sparse counts", counts(m, n, args.sparse_k, args.density),
         args.sparse_k, seeds, args.iters)


if __name__ == "__main__":
    main()
