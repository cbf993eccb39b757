#!/usr/bin/env python3
"""Time per iteration of the divergence fits against the Frobenius one.

Dense 20000 x 1000, k = 20 (gen_data.py's dense generator and seed, in
memory), through the Python binding: fresh fits from the same random start
at maxit = LO and HI with tol = 0, time per iteration = the difference over
HI - LO (the start and the output excluded).  Each configuration is run
REPS times and the fastest kept.

    NMFKIT_LIBRARY=build/capi/libnmf.so python3 bench/kl_speed.py \
        [--threads 1,2] [--size 20000x1000] [--k 20] [--configs 'kl mu,...']
"""
import argparse
import ctypes
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nmfkit  # noqa: E402
from gen_data import dense_planted  # noqa: E402


def per_iteration(a, k, threads, lo, hi, reps, **opt):
    best = None
    for _ in range(reps):
        t = []
        for it in (lo, hi):
            t0 = time.perf_counter()
            nmfkit.fit(a, k, maxit=it, tol=0, seed=1, threads=threads, **opt)
            t.append(time.perf_counter() - t0)
        v = (t[1] - t[0]) / (hi - lo)
        best = v if best is None else min(best, v)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--size", default="20000x1000")
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--lo", type=int, default=2)
    ap.add_argument("--hi", type=int, default=12)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--configs", default="frobenius hals,frobenius mu,kl mu,kl cd,beta 1.5 mu",
                    help="comma-separated names of the configurations to run")
    args = ap.parse_args()
    m, n = (int(x) for x in args.size.split("x"))
    a = dense_planted(m, n)
    configs = [
        ("frobenius hals", dict(loss="frobenius", solver="hals", sketch="off")),
        ("frobenius mu", dict(loss="frobenius", solver="mu")),
        ("kl mu", dict(loss="kl", solver="mu")),
        ("kl cd", dict(loss="kl", solver="cd")),
        ("beta 1.5 mu", dict(loss="beta", beta=1.5, solver="mu")),
    ]
    lib = nmfkit._load()
    lib.nmf_blas_core.restype = ctypes.c_char_p
    print(f"dense {m} x {n}, k = {args.k}; library {nmfkit.library_path}; "
          f"OpenBLAS core {lib.nmf_blas_core().decode()}")
    wanted = args.configs.split(",")
    for threads in (int(t) for t in args.threads.split(",")):
        for name, opt in configs:
            if name not in wanted:
                continue
            s = per_iteration(a, args.k, threads, args.lo, args.hi, args.reps, **opt)
            print(f"threads {threads}  {name:16s} {s * 1e3:9.1f} ms/iteration", flush=True)


if __name__ == "__main__":
    main()
