#!/usr/bin/env python3
"""The benchmark harness: runs every contender on every data set, each in its
own process with the same threads and BLAS settings, scores the returned
factors in double, and writes the table and the plot.

    harness.py --data DIR --results DIR [--quick] [--threads T]
               [--datasets dense,sparse,golub] [--only NAME,...] [--rerun]
    harness.py --data DIR --results DIR --solvers hals,auto --ks 10,30
               (solvers.sh: this project's solvers against each other)

Every contender reports snapshots (W, diag(d) H) at increasing iteration
counts with the wall time at which each was reached; the harness computes
the loss ||A - WH||_F^2 of each snapshot itself (float64: the exact residual
for dense data, ||A||^2 - 2<A, WH> + <W^T W, HH^T> for sparse data, whose
product WH would not fit in memory), so no self-reported number enters the
comparison.  Results of each contender are kept in DIR/work/ and reused
unless --rerun, so that a long run can be resumed or extended.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import benchdata  # noqa: E402
import machine  # noqa: E402
import report  # noqa: E402

PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def schedule(limit, ratio=1.5):
    """1, 2, 3, 5, 8, 12, ... up to limit (and limit itself)."""
    out, x = [], 1.0
    while int(round(x)) < limit:
        v = int(round(x))
        if not out or v > out[-1]:
            out.append(v)
        x *= ratio
    out.append(limit)
    return out


# Per data set: iteration limit and time budget (seconds) per contender.
PLAN = {
    "full": {"dense": (500, 240), "sparse": (200, 720), "golub": (2000, 60)},
    "quick": {"dense": (300, 30), "sparse": (150, 60), "golub": (1000, 20)},
    "solvers": {"dense": (300, 45), "sparse": (200, 60)},
}


def contenders(dataset, kind, threads, build):
    """(name, argv, chained) per contender for one data set."""
    drv = os.path.join(build, "bench", "nmf_bench")
    peers = os.path.join(HERE, "peers")
    out = [("nmfkit", [drv, "--floor", "5"], False)]
    if kind == "sparse":
        out.append(("nmfkit-float32", [drv, "--floor", "5", "--float"], False))
    if dataset == "dense" and threads > 1:
        out.append(("nmfkit-1thread", [drv, "--floor", "5", "--threads1"], False))
    out.append(("RcppML", ["Rscript", os.path.join(peers, "rcppml_worker.R")], False))
    if kind == "dense":
        out.append(("NMF-lee", ["Rscript", os.path.join(peers, "nmfpkg_worker.R")], False))
    else:
        out.append(("NMF-lee", None, True))  # skipped, see run_contender
    out.append(("sklearn-cd", [PY, os.path.join(peers, "sklearn_worker.py")], True))
    return out


def blas_settings(build, threads):
    """Environment shared by every contender, and what the library says."""
    lib = os.path.join(build, "capi", "libnmf.so")
    probed = machine.library_info(lib, dict(os.environ))
    info = {"core": probed["blas_core"], "slow": probed["blas_slow"],
            "advice": probed["blas_advice"]}
    env = dict(os.environ)
    core = os.environ.get("OPENBLAS_CORETYPE")
    if not core:
        core = info["core"]
        if info["slow"] and "OPENBLAS_CORETYPE=" in info["advice"]:
            core = info["advice"].split("OPENBLAS_CORETYPE=")[1].split()[0]
    env.update({"OPENBLAS_CORETYPE": core, "OMP_NUM_THREADS": str(threads),
                "OPENBLAS_NUM_THREADS": str(threads),
                "MKL_NUM_THREADS": str(threads), "OMP_PROC_BIND": "false"})
    info["coretype_set"] = core
    return env, info


def run_contender(name, argv, data_dir, k, threads, sched, budget, work, env):
    """Runs one contender (cached in work/report.json); returns its report."""
    if argv is None:
        meta = benchdata.read_meta(data_dir)
        return {"name": name, "error": "dense input only; the dense copy "
                "would need %.0f GB" % (8e-9 * meta["m"] * meta["n"])}
    rep_path = os.path.join(work, "report.json")
    if os.path.exists(rep_path):
        with open(rep_path) as f:
            return json.load(f)
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    t = threads
    argv = list(argv)
    if "--threads1" in argv:
        argv.remove("--threads1")
        t = 1
    cmd = argv + ["--data", data_dir, "-k", str(k), "--threads", str(t),
                  "--schedule", ",".join(map(str, sched)),
                  "--budget", str(budget), "--out", work]
    print("harness: %s ..." % name, file=sys.stderr, flush=True)
    t0 = time.time()
    load0 = os.getloadavg()[0]
    try:
        # The budget is checked between runs; a run may overshoot it by its
        # own length, hence the generous hard limit.
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                              timeout=3 * budget + 120)
        ok = proc.returncode == 0
        err = proc.stderr[-2000:]
        out = proc.stdout
    except subprocess.TimeoutExpired as e:
        ok, err, out = False, "timed out after %.0f s" % (3 * budget + 120), ""
        del e
    # The machine's load around the run: other processes competing for the
    # cores make every timing longer.
    rep = {"name": name, "threads": t, "command": " ".join(cmd),
           "wall": time.time() - t0,
           "loadavg": [round(load0, 2), round(os.getloadavg()[0], 2)]}
    if ok:
        try:
            rep.update(json.loads(out.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            ok, err = False, "unreadable output: " + out[-500:] + err
    if not ok:
        rep["error"] = err.strip().splitlines()[-1] if err.strip() else "failed"
        print("harness: %s failed: %s" % (name, rep["error"]), file=sys.stderr)
    with open(rep_path, "w") as f:
        json.dump(rep, f, indent=1)
    return rep


def loss_of(a, w, h, a_norm2):
    """||A - WH||_F^2 in float64."""
    if isinstance(a, np.ndarray):
        total = 0.0
        step = max(1, (1 << 24) // max(a.shape[0], 1))
        for c0 in range(0, a.shape[1], step):
            r = a[:, c0:c0 + step] - w @ h[:, c0:c0 + step]
            total += float(np.einsum("ij,ij->", r, r))
        return total
    cross = float(np.einsum("ij,ji->", a.T @ w, h))      # <A, WH>
    quad = float(np.einsum("ij,ij->", w.T @ w, h @ h.T))  # <W^T W, HH^T>
    return max(0.0, a_norm2 - 2.0 * cross + quad)


def score(rep, a, a_norm2, work, meta, k):
    """Adds the harness's loss to every snapshot (cached in the report)."""
    if "error" in rep:
        return rep
    changed = False
    for run in rep.get("runs", []):
        if "loss" in run or not run.get("snapshot"):
            continue
        w, h = benchdata.read_snapshot(work, run["snapshot"], meta["m"],
                                       meta["n"], k)
        run["loss"] = loss_of(a, w, h, a_norm2)
        changed = True
    if changed:
        with open(os.path.join(work, "report.json"), "w") as f:
            json.dump(rep, f, indent=1)
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--datasets", default="dense,sparse,golub")
    ap.add_argument("--only", default="", help="contenders to run (default all)")
    ap.add_argument("--rerun", default="",
                    help="contenders whose cached results are discarded")
    ap.add_argument("--budget", type=float, default=0,
                    help="time budget per contender in seconds (default: "
                    "per data set, see PLAN)")
    ap.add_argument("--solvers", default="",
                    help="compare these `nmf fit --solver` values instead")
    ap.add_argument("--ks", default="10,30", help="ranks for --solvers")
    args = ap.parse_args()
    mode = "quick" if args.quick else "full"
    if args.solvers:
        mode = "solvers"
        if args.datasets == "dense,sparse,golub":
            args.datasets = "dense,sparse"
    env, blas = blas_settings(args.build, args.threads)
    # The machine as the contenders see it (their OPENBLAS_CORETYPE).
    host = machine.start(args.threads, os.path.join(args.build, "capi",
                                                    "libnmf.so"), env)
    print("harness: " + machine.header(host), file=sys.stderr)
    print("harness: OpenBLAS core %r (slow: %d); OPENBLAS_CORETYPE=%s for all"
          % (blas["core"], blas["slow"], blas["coretype_set"]), file=sys.stderr)
    only = [s for s in args.only.split(",") if s]
    rerun = [s for s in args.rerun.split(",") if s]
    tables = {}
    drv = os.path.join(args.build, "bench", "nmf_bench")
    for ds in [s for s in args.datasets.split(",") if s]:
        data_dir = os.path.join(args.data, ds)
        meta = benchdata.read_meta(data_dir)
        limit, budget = PLAN[mode][ds]
        budget = args.budget or budget
        sched = schedule(limit)
        if args.solvers:
            cases = [("%s k=%d" % (ds, int(k)), int(k),
                      [(s, [drv, "--floor", "3", "--solver", s], False)
                       for s in args.solvers.split(",") if s])
                     for k in args.ks.split(",") if k]
        else:
            cases = [(ds, meta["k"], contenders(ds, meta["kind"], args.threads,
                                                args.build))]
        a = None
        for label, k, cands in cases:
            reports = []
            for name, argv, chained in cands:
                work = os.path.join(args.results, "work", label.replace(" ", "-"),
                                    name)
                if name in rerun and os.path.exists(work):
                    shutil.rmtree(work)
                if only and name not in only and not os.path.exists(
                        os.path.join(work, "report.json")):
                    continue
                rep = run_contender(name, argv, data_dir, k, args.threads,
                                    sched, budget, work, env)
                rep["chained"] = chained
                reports.append((rep, work))
            if a is None:
                a = benchdata.load(data_dir)
                a_norm2 = float(np.dot(a.data, a.data)) \
                    if meta["kind"] == "sparse" \
                    else float(np.einsum("ij,ij->", a, a))
            scored = [score(rep, a, a_norm2, work, meta, k)
                      for rep, work in reports]
            tables[label] = {"meta": dict(meta, k=k), "a_norm2": a_norm2,
                             "budget": budget, "limit": limit,
                             "reports": scored}
        del a
    summary = {"blas": blas, "threads": args.threads, "mode": mode,
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "cpu": host["cpu"], "machine": machine.finish(host),
               "datasets": tables}
    with open(os.path.join(args.results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    md = report.markdown(summary)
    with open(os.path.join(args.results, "results.md"), "w") as f:
        f.write(md)
    report.plot(summary, os.path.join(args.results, "results.png"))
    if mode == "full" and os.path.abspath(args.results) == os.path.join(HERE, "results"):
        report.update_readme(os.path.join(HERE, "README.md"), md,
                             machine.cpu_kind(host),
                             "bash bench/run.sh" + (
                                 " --threads %d" % args.threads
                                 if args.threads != (os.cpu_count() or 1) else ""))
    print(md)


if __name__ == "__main__":
    main()
