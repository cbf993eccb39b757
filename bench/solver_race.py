#!/usr/bin/env python3
"""Race the Frobenius solvers of `nmf fit` on one input: time per iteration
and time to reach within a relative gap of the best loss any run reached.

usage: solver_race.py NMF_BINARY INPUT K [MAXIT] [extra nmf fit args...]
Time to target is estimated as seconds * (first iteration within the gap) /
iterations of that run (the loss history has one value per iteration).
The table is headed by the machine it ran on (machine.py), with the SIMD
path and OpenBLAS core of the libnmf.so next to the binary's build folder
(or $NMFKIT_LIBRARY).
"""
import json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402

nmf, inp, k = sys.argv[1], sys.argv[2], sys.argv[3]
maxit = sys.argv[4] if len(sys.argv) > 4 else "300"
extra = sys.argv[5:]
configs = [("hals", "off"), ("hals", "on"), ("anls", "off"), ("anls", "on")]
threads = next((int(extra[i + 1]) for i, a in enumerate(extra[:-1])
                if a in ("-t", "--threads")), os.cpu_count() or 1)
host = machine.start(threads, machine.find_library(nmf), dict(os.environ))
runs = {}
with tempfile.TemporaryDirectory() as tmp:
    for solver, ex in configs:
        out = os.path.join(tmp, f"{solver}_{ex}")
        subprocess.run([nmf, "fit", inp, "-k", k, "--solver", solver,
                        "--extrapolation", ex, "--maxit", maxit, "--tol", "0",
                        "-q", "-o", out] + extra, check=True,
                       stdout=subprocess.DEVNULL)
        runs[(solver, ex)] = json.load(open(out + "_summary.json"))
machine.finish(host)
best = min(min(r["loss_history"]) for r in runs.values())
print(machine.header(host))
print(f"best loss {best:.10g}")
print("solver extrap  s/iter   " + "  ".join(f"t({g:g})" for g in (1e-3, 1e-4, 1e-5, 1e-6)))
for (solver, ex), r in runs.items():
    h, it, sec = r["loss_history"], r["iterations"], r["seconds"]
    cells = []
    for gap in (1e-3, 1e-4, 1e-5, 1e-6):
        hit = next((i + 1 for i, v in enumerate(h) if v <= best * (1 + gap)), None)
        cells.append(f"{sec * hit / it:7.3f}" if hit else "      -")
    print(f"{solver:6s} {ex:6s} {sec / it:8.5f} " + " ".join(cells))
