#!/usr/bin/env python3
"""sklearn.decomposition.NMF (solver "cd": coordinate descent, the library's
default and fastest Frobenius solver) on the benchmark data.

The state of the method is (W, H) (shuffle off), so the run is chained: each
call continues from the previous snapshot (init="custom") for the next few
iterations, and the time of a snapshot is the sum of the calls so far.
tol = 0, so no call stops early.  Sparse input is given as CSR, the format
the solver converts to, once, before timing.
Arguments as bench/driver/nmf_bench.cpp: --data DIR -k K --threads T
--schedule L --budget S --out DIR --seed N."""
import argparse
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchdata  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("-k", type=int, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--schedule", required=True)
    ap.add_argument("--budget", type=float, default=1e30)
    ap.add_argument("--out", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--solver", default="cd")
    args = ap.parse_args()
    import sklearn
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    warnings.simplefilter("ignore", ConvergenceWarning)
    a = benchdata.load(args.data, sparse_format="csr")
    schedule = [int(s) for s in args.schedule.split(",") if s]
    runs, spent, prev, w, h, peak = [], 0.0, 0, None, None, 0.0
    cpu_spent = 0.0
    base = benchdata.status_mib("VmRSS:")
    for idx, maxit in enumerate(schedule):
        steps = maxit - prev
        model = NMF(n_components=args.k, solver=args.solver, tol=0.0,
                    max_iter=steps, random_state=args.seed,
                    init="random" if w is None else "custom")
        benchdata.reset_peak()
        t0, c0 = time.perf_counter(), time.process_time()
        if w is None:
            w = model.fit_transform(a)
        else:
            w = model.fit_transform(a, W=w, H=h)
        h = model.components_
        secs = time.perf_counter() - t0
        cpu_spent += time.process_time() - c0
        peak = max(peak, benchdata.status_mib("VmHWM:"))
        spent += secs
        prev = maxit
        snap = benchdata.write_snapshot(args.out, maxit, w, h)
        runs.append({"maxit": maxit, "iterations": maxit, "seconds": spent,
                     "cpu_seconds": cpu_spent, "snapshot": snap})
        if spent > args.budget:
            break
        if idx + 1 < len(schedule):
            cost = secs / max(steps, 1) * (schedule[idx + 1] - maxit)
            if spent + cost > args.budget:
                break
    print(json.dumps({"version": sklearn.__version__, "solver": args.solver,
                      "runs": runs, "rss_before_fit_mib": base,
                      "peak_rss_fit_mib": peak}))


if __name__ == "__main__":
    main()
