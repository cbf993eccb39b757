#!/usr/bin/env python3
"""Time to a given KL loss: nmfkit against scikit-learn's multiplicative
updates (NMF(solver="mu", beta_loss="kullback-leibler")).

The dense planted matrix of kl_speed.py (default 5000 x 500, k = 10).  Each
contender runs fresh fits from its own default start with tol = 0 and
maxit/max_iter along a schedule; every output is scored with the same KL
formula here, sum(a log(a / y) - a + y), y = the fitted W H.  The target is
0.1 % above the best loss any run reached; a contender's time is the
shortest run that reached it (the runs of each schedule are interleaved
with the other contender's, so that a change of load hits both).

    NMFKIT_LIBRARY=build/capi/libnmf.so python3 bench/kl_sklearn.py \\
        [--size 5000x500] [--k 10] [--threads 2] [--solvers mu,cd]
"""
import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
sys.path.insert(0, os.path.dirname(__file__))
import nmfkit  # noqa: E402
from gen_data import dense_planted as planted  # noqa: E402


def kl(a, y):
    pos = a > 0
    return float(np.sum(a[pos] * np.log(a[pos] / y[pos])) - a.sum() + y.sum())


def run_nmfkit(a, k, it, threads, solver):
    t0 = time.perf_counter()
    r = nmfkit.fit(a, k, loss="kl", solver=solver, maxit=it, tol=0, seed=1,
                   threads=threads)
    t = time.perf_counter() - t0
    return t, kl(a, (r.W * r.d) @ r.H)


def run_sklearn(a, k, it):
    from sklearn.decomposition import NMF
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NMF(n_components=k, solver="mu", beta_loss="kullback-leibler",
                    max_iter=it, tol=0, init="nndsvda", random_state=0)
        w = model.fit_transform(a)
    t = time.perf_counter() - t0
    return t, kl(a, w @ model.components_)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="5000x500")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--solvers", default="mu", help="nmfkit's KL solvers: mu,cd,auto")
    ap.add_argument("--ours", default="10,20,40,80,160,320,640")
    ap.add_argument("--theirs", default="10,20,40,80,160,320,640,1280")
    args = ap.parse_args()
    m, n = (int(x) for x in args.size.split("x"))
    a = planted(m, n)
    ours = [int(x) for x in args.ours.split(",")]
    theirs = [int(x) for x in args.theirs.split(",")]
    solvers = args.solvers.split(",")
    runs = {"nmfkit " + s: [] for s in solvers}
    runs["sklearn mu"] = []
    for i in range(max(len(ours), len(theirs))):
        if i < len(ours):
            for solver in solvers:
                t, f = run_nmfkit(a, args.k, ours[i], args.threads, solver)
                runs["nmfkit " + solver].append((ours[i], t, f))
        if i < len(theirs):
            t, f = run_sklearn(a, args.k, theirs[i])
            runs["sklearn mu"].append((theirs[i], t, f))
    best = min(f for r in runs.values() for _, _, f in r)
    target = best * 1.001
    print(f"dense {m} x {n}, k = {args.k}, threads {args.threads}; best KL {best:.6g}, "
          f"target {target:.6g}")
    reached = {}
    for name, r in runs.items():
        for it, t, f in r:
            print(f"  {name:12s} maxit {it:5d}  {t:8.3f} s  KL {f:.6g}", flush=True)
        hit = [t for _, t, f in r if f <= target]
        reached[name] = min(hit) if hit else None
    for name, t in reached.items():
        print(f"{name:12s} time to target: " + (f"{t:.3f} s" if t else "not reached"))
    if reached["sklearn mu"]:
        for name in ("nmfkit " + s for s in solvers):
            if reached[name]:
                print(f"sklearn / {name}: {reached['sklearn mu'] / reached[name]:.1f} x")


if __name__ == "__main__":
    main()
