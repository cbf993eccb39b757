#!/usr/bin/env python3
"""What every benchmark table records about the machine it ran on: the CPU
model, the SIMD variant of the library's kernels (nmf_simd_path()), the
OpenBLAS core (nmf_blas_core()), the thread count, and the 1-minute load
average at the start and at the end (was the machine idle?).  A figure
means something only beside these: bench/README.md keeps one table per CPU.

From Python:

    import machine
    rec = machine.start(threads, lib=machine.find_library(build))
    ... run ...
    machine.finish(rec)
    print(machine.header(rec))      # one markdown line, above the table

From a shell script (prints the same line; --json for the record):

    python3 bench/machine.py --threads 2 [--lib build/capi/libnmf.so] \\
        --at-start                  # before the runs: the load at start
    python3 bench/machine.py --threads 2 --load-start 1.23   # after them
"""
import argparse
import json
import os
import subprocess
import sys

# The library is queried in a child process: loading it here would start
# OpenBLAS's threads inside the caller (the harness, which also uses numpy).
_PROBE = ("import ctypes,json,sys; l=ctypes.CDLL(sys.argv[1]);"
          "[setattr(getattr(l,f),'restype',ctypes.c_char_p) for f in"
          " ('nmf_blas_core','nmf_blas_advice','nmf_simd_path')];"
          "print(json.dumps({'blas_core': l.nmf_blas_core().decode(),"
          " 'blas_slow': l.nmf_blas_is_slow(),"
          " 'blas_advice': l.nmf_blas_advice().decode(),"
          " 'simd_path': l.nmf_simd_path().decode()}))")

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def cpu_model(cpuinfo="/proc/cpuinfo"):
    """The first 'model name' of /proc/cpuinfo, or 'unrecorded'."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unrecorded"


def load1(loadavg="/proc/loadavg"):
    """The machine's 1-minute load average, or None."""
    try:
        with open(loadavg) as f:
            return round(float(f.read().split()[0]), 2)
    except (OSError, ValueError, IndexError):
        return None


def find_library(hint=None):
    """libnmf.so: $NMFKIT_LIBRARY, else under a build folder, else next to a
    binary of one (build/cli/nmf -> build/capi/libnmf.so)."""
    if os.environ.get("NMFKIT_LIBRARY"):
        return os.environ["NMFKIT_LIBRARY"]
    if hint is None:
        hint = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), "build")
    base = hint if os.path.isdir(hint) else os.path.dirname(os.path.dirname(
        os.path.abspath(hint)))
    return os.path.join(base, "capi", "libnmf.so")


def library_info(lib, env=None):
    """The SIMD path and the OpenBLAS core the library reports (run in a
    child process with the given environment, so OPENBLAS_CORETYPE there
    is what counts); 'unrecorded' where the library cannot be asked."""
    try:
        out = subprocess.check_output([PYTHON, "-c", _PROBE, lib], env=env,
                                      stderr=subprocess.DEVNULL)
        return json.loads(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return {"blas_core": "unrecorded", "blas_slow": 0, "blas_advice": "",
                "simd_path": "unrecorded"}


def start(threads, lib=None, env=None, load_start=None, cpuinfo="/proc/cpuinfo",
          loadavg="/proc/loadavg"):
    """The record at the start of a run (load_start: a load taken earlier,
    e.g. by a shell script before it built anything)."""
    rec = {"cpu": cpu_model(cpuinfo), "threads": int(threads),
           "cores": os.cpu_count() or 1,
           "load_start": load_start if load_start is not None else load1(loadavg),
           "load_end": None}
    info = library_info(lib, env) if lib else {
        "blas_core": "unrecorded", "simd_path": "unrecorded"}
    rec["simd_path"] = info["simd_path"]
    rec["blas_core"] = info["blas_core"]
    if env is not None and env.get("OPENBLAS_CORETYPE"):
        rec["openblas_coretype"] = env["OPENBLAS_CORETYPE"]
    return rec


def idle(rec):
    """Whether nothing else competed for the cores: both loads at most the
    run's own threads plus half a core (the run's threads count toward the
    load at the end, and toward the start when runs follow each other).
    None when a load is unknown."""
    loads = [rec.get("load_start"), rec.get("load_end")]
    if any(v is None for v in loads):
        return None
    return max(loads) <= rec["threads"] + 0.5


def finish(rec, loadavg="/proc/loadavg"):
    rec["load_end"] = load1(loadavg)
    rec["idle"] = idle(rec)
    return rec


def cpu_kind(rec):
    """The key of a CPU's table in bench/README.md."""
    return "%s · SIMD %s · OpenBLAS %s" % (rec.get("cpu", "unrecorded"),
                                         rec.get("simd_path", "unrecorded"),
                                         rec.get("blas_core", "unrecorded"))


def _load(v):
    return "?" if v is None else "%.2f" % v


def header(rec):
    """One markdown line naming the machine of the table below it."""
    verdict = {True: "idle", False: "busy: other processes competed, "
               "timings inflated", None: "idle unknown"}[rec.get("idle", idle(rec))]
    if rec.get("load_end") is None and "idle" not in rec:
        load = "load %s at start (the end follows the runs)" % _load(
            rec.get("load_start"))
    else:
        load = "load %s at start, %s at end (%s)" % (
            _load(rec.get("load_start")), _load(rec.get("load_end")), verdict)
    coretype = (", `OPENBLAS_CORETYPE=%s`" % rec["openblas_coretype"]
                if rec.get("openblas_coretype") else "")
    return ("CPU: **%s**; SIMD path (`nmf_simd_path()`): **%s**; OpenBLAS core "
            "(`nmf_blas_core()`): **%s**%s; %d thread%s on %s cores; 1-minute "
            "%s." % (
                rec.get("cpu", "unrecorded"), rec.get("simd_path", "unrecorded"),
                rec.get("blas_core", "unrecorded"), coretype, rec["threads"],
                "" if rec["threads"] == 1 else "s", rec.get("cores") or "?", load))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--lib", default=None, help="libnmf.so (default: find_library())")
    ap.add_argument("--load-start", type=float, default=None,
                    help="1-minute load taken at the start of the run "
                    "(default: now)")
    ap.add_argument("--at-start", action="store_true",
                    help="the line before the runs (no load at the end yet)")
    ap.add_argument("--json", action="store_true", help="print the record")
    args = ap.parse_args()
    rec = start(args.threads, lib=args.lib or find_library(),
                env=dict(os.environ), load_start=args.load_start)
    if not args.at_start:
        finish(rec)
    print(json.dumps(rec) if args.json else header(rec))


if __name__ == "__main__":
    main()
