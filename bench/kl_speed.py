#!/usr/bin/env python3
"""Time per iteration of the divergence fits against the Frobenius one.

Dense 20000 x 1000, k = 20 (gen_data.py's dense generator and seed, in
memory), through the Python binding: fresh fits from the same random start
at maxit = LO and HI with tol = 0, time per iteration = the difference over
HI - LO (the start and the output excluded).  The configurations are run in
turn, REPS rounds (so that a change of the machine's load hits them alike),
and the fastest of each kept; the output is headed by the machine it ran on
(machine.py: CPU, SIMD path, OpenBLAS core, threads, load at start and end).  The product floor is the time of the two
products of a Frobenius iteration, A^T W and A H^T, through NumPy's BLAS.

    NMFKIT_LIBRARY=build/capi/libnmf.so python3 bench/kl_speed.py \
        [--threads 1,2] [--size 20000x1000] [--k 20] [--dtype float64] \
        [--configs 'frobenius auto,kl mu,...']

With --sparse MxN the matrix is gen_data.py's sparse generator at that size
(5 % stored, seed as there; --data DIR reads it from a folder gen_data.py
wrote) and the floor is the two products through SciPy; with --fit CONFIG the script only runs one fit of that configuration
(for /usr/bin/time -v: peak memory) and prints the CSC's size.
"""
import argparse
import os
import sys
import time

import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nmfkit  # noqa: E402
import gen_data  # noqa: E402
import machine  # noqa: E402


def read_sparse(d, m, n):
    import scipy.sparse as sp
    indptr = np.fromfile(os.path.join(d, "indptr.i64"), dtype=np.int64)
    indices = np.fromfile(os.path.join(d, "indices.i32"), dtype=np.int32)
    data = np.fromfile(os.path.join(d, "data.f64"), dtype=np.float64)
    a = sp.csc_matrix((data, indices, indptr), shape=(m, n))
    a.sum_duplicates()  # canonical here (sorted, no duplicates), not in the fit
    return a


def sparse_planted(m, n, k, folder=None):
    """gen_data.py's sparse matrix; read from `folder` when it holds one
    (written by gen_data.py), else generated in a temporary folder."""
    if folder and os.path.exists(os.path.join(folder, "meta.txt")):
        return read_sparse(folder, m, n)
    with tempfile.TemporaryDirectory() as d:
        gen_data.gen_sparse(d, m, n, k)
        return read_sparse(d, m, n)


def per_iteration(a, k, threads, lo, hi, **opt):
    t = []
    for it in (lo, hi):
        t0 = time.perf_counter()
        nmfkit.fit(a, k, maxit=it, tol=0, seed=1, threads=threads, **opt)
        t.append(time.perf_counter() - t0)
    return (t[1] - t[0]) / (hi - lo)


def product_floor(a, k):
    rng = np.random.default_rng(1)
    w = rng.random((a.shape[0], k)).astype(a.dtype)
    h = rng.random((k, a.shape[1])).astype(a.dtype)
    t0 = time.perf_counter()
    a.T @ w
    a @ h.T
    return time.perf_counter() - t0


def csc_bytes(a):
    return a.data.nbytes + a.indices.nbytes + a.indptr.nbytes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--size", default="20000x1000")
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--lo", type=int, default=2)
    ap.add_argument("--hi", type=int, default=12)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--sparse", default=None, help="MxN: the sparse problem instead")
    ap.add_argument("--data", default=None,
                    help="folder of gen_data.py's sparse matrix of that size")
    ap.add_argument("--fit", default=None, help="run one fit of this configuration only")
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument("--configs", default="frobenius auto,frobenius hals,kl mu,kl cd,beta 1.5 mu",
                    help="comma-separated names of the configurations to run")
    args = ap.parse_args()
    if args.sparse:
        m, n = (int(x) for x in args.sparse.split("x"))
        a = sparse_planted(m, n, args.k, args.data)
        if a.dtype != np.dtype(args.dtype):
            a.data = a.data.astype(args.dtype)
        kind = f"sparse ({a.nnz} stored, CSC {csc_bytes(a) / 2**20:.0f} MiB)"
    else:
        m, n = (int(x) for x in args.size.split("x"))
        a = np.asfortranarray(gen_data.dense_planted(m, n).astype(args.dtype))
        kind = "dense"
    configs = [
        ("frobenius auto", dict()),
        ("frobenius hals", dict(loss="frobenius", solver="hals", sketch="off")),
        ("frobenius mu", dict(loss="frobenius", solver="mu")),
        ("kl mu", dict(loss="kl", solver="mu")),
        ("kl cd", dict(loss="kl", solver="cd")),
        ("beta 1.5 mu", dict(loss="beta", beta=1.5, solver="mu")),
    ]
    nmfkit._load()
    if args.fit:
        opt = dict(configs)[args.fit]
        threads = int(args.threads.split(",")[0])
        nmfkit.fit(a, args.k, maxit=args.hi, tol=0, seed=1, threads=threads, **opt)
        print(f"{kind}; one fit of {args.fit}, {args.hi} iterations")
        return
    thread_counts = [int(t) for t in args.threads.split(",")]
    host = machine.start(max(thread_counts), nmfkit.library_path,
                         dict(os.environ))
    wanted = args.configs.split(",")
    runs = [(t, name, opt) for t in thread_counts
            for name, opt in configs if name in wanted]
    best = {}
    floor = None
    for _ in range(args.reps):
        f = product_floor(a, args.k)
        floor = f if floor is None else min(floor, f)
        for threads, name, opt in runs:
            v = per_iteration(a, args.k, threads, args.lo, args.hi, **opt)
            key = (threads, name)
            best[key] = v if key not in best else min(best[key], v)
    machine.finish(host)
    print(machine.header(host))
    print(f"{kind} {m} x {n} {args.dtype}, k = {args.k}; library {nmfkit.library_path}")
    print(f"product floor (A^T W + A H^T, NumPy's BLAS) {floor * 1e3:9.1f} ms")
    for threads, name, _ in runs:
        v = best[(threads, name)]
        print(f"threads {threads}  {name:16s} {v * 1e3:9.1f} ms/iteration "
              f"({v / floor:4.2f} x floor)", flush=True)


if __name__ == "__main__":
    main()
