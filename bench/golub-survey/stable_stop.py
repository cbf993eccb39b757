#!/usr/bin/env python3
"""Brunet et al.'s stop on a stable assignment (stable_checks) against the
tol-based stop, on the Golub rank survey with the KL loss.

For each setting and each master seed, `nmf rank` surveys k = 2..5 with
NRUN runs per rank (KL loss, solver auto, the CLI's defaults otherwise);
the script reports the wall time (the CLI does not report the runs'
iterations), the cophenetic correlation at every rank, and the samples the consensus clusters misplace against the
ALL/AML labels at k = 2 and the ALL-B/ALL-T/AML labels at k = 3.  The
spread over master seeds of the tol-based survey is the run-to-run noise
the stable-assignment surveys are compared with.

    python3 bench/golub-survey/stable_stop.py [--nmf build/cli/nmf] \\
        [--nrun 50] [--seeds 1,2,3] [--settings "tol,stable=5,stable=10"]

A setting is "tol" (the defaults: tol 1e-5, maxit 200) or "stable=S"
(--stable-checks S, with tol and maxit as given by --stable-tol and
--stable-maxit, default 1e-5 and 200: the rule then only ends runs earlier).
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def labels():
    with open(os.path.join(ROOT, "data", "golub_samples.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    allaml = {r["sample"]: r["ALL.AML"] for r in rows}
    btaml = {r["sample"]: (r["ALL.AML"] if r["ALL.AML"] == "AML" else "ALL-" + r["Cell"][0])
             for r in rows}
    return allaml, btaml


def misplaced(clusters, truth):
    """Samples outside their cluster's majority class."""
    by = {}
    for s, c in clusters.items():
        by.setdefault(c, Counter())[truth[s]] += 1
    return sum(sum(cnt.values()) - max(cnt.values()) for cnt in by.values())


def survey(nmf, seed, nrun, extra, threads):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "g")
        cmd = [nmf, "rank", os.path.join(ROOT, "data", "golub_expression.tsv.gz"),
               "-k", "2:5", "--nrun", str(nrun), "--loss", "kl", "--seed", str(seed),
               "-t", str(threads), "-o", out, "-q"] + extra
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        secs = time.perf_counter() - t0
        with open(out + "_rank.tsv") as f:
            rank = {int(r["k"]): r for r in csv.DictReader(f, delimiter="\t")}
        with open(out + "_membership.tsv") as f:
            memb = list(csv.DictReader(f, delimiter="\t"))
    return secs, rank, memb


def column(memb, k):
    for key in memb[0]:
        if key.strip() in ("k%d" % k, "k=%d" % k, str(k)):
            return {r[next(iter(r))]: r[key] for r in memb}
    raise KeyError("no membership column for k = %d in %s" % (k, list(memb[0])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nmf", default=os.path.join(ROOT, "build", "cli", "nmf"))
    ap.add_argument("--nrun", type=int, default=50)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--settings", default="tol,stable=5,stable=10")
    ap.add_argument("--stable-tol", default="1e-5")
    ap.add_argument("--stable-maxit", default="200")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    allaml, btaml = labels()
    print("setting\tseed\tseconds\tcophenetic k=2..5\tmisplaced k=2\tmisplaced k=3")
    for setting in args.settings.split(","):
        extra = []
        if setting.startswith("stable="):
            extra = ["--stable-checks", setting.split("=")[1], "--tol", args.stable_tol,
                     "--maxit", args.stable_maxit]
        elif setting != "tol":
            sys.exit("unknown setting " + setting)
        for seed in (int(s) for s in args.seeds.split(",")):
            secs, rank, memb = survey(args.nmf, seed, args.nrun, extra, args.threads)
            coph = ", ".join("%.4f" % float(rank[k]["cophenetic"]) for k in (2, 3, 4, 5))
            m2 = misplaced(column(memb, 2), allaml)
            m3 = misplaced(column(memb, 3), btaml)
            print("%s\t%d\t%.2f\t%s\t%d\t%d" % (setting, seed, secs, coph, m2, m3), flush=True)


if __name__ == "__main__":
    main()
