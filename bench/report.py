"""The benchmark's outputs: the markdown table and the plot, from the
harness's summary (see harness.py)."""
import math
import os

import machine

TARGET = 1e-3  # "within 0.1 % of the best loss any contender reached"


def machine_record(summary):
    """The summary's machine record; summaries written before it existed
    name only the CPU and the OpenBLAS core."""
    if "machine" in summary:
        return summary["machine"]
    return {"cpu": summary.get("cpu", "unrecorded"), "simd_path": "unrecorded",
            "blas_core": summary["blas"]["core"], "threads": summary["threads"],
            "cores": None, "load_start": None, "load_end": None, "idle": None}


def _runs(rep):
    return [r for r in rep.get("runs", []) if "loss" in r]


def best_loss(ds):
    losses = [r["loss"] for rep in ds["reports"] for r in _runs(rep)]
    return min(losses) if losses else float("nan")


def metrics(rep, best, a_norm2):
    """Per-contender figures (None where not available)."""
    runs = sorted(_runs(rep), key=lambda r: r["iterations"])
    out = {"name": rep["name"], "error": rep.get("error")}
    if not runs:
        return out
    first, last = runs[0], runs[-1]
    if last["iterations"] > first["iterations"]:
        out["per_iter"] = (last["seconds"] - first["seconds"]) / (
            last["iterations"] - first["iterations"])
    else:
        out["per_iter"] = last["seconds"] / max(last["iterations"], 1)
    if "cpu_seconds" in first and "cpu_seconds" in last:
        span = max(last["iterations"] - first["iterations"], 0)
        out["cpu_per_iter"] = ((last["cpu_seconds"] - first["cpu_seconds"]) / span
                               if span else last["cpu_seconds"] / max(last["iterations"], 1))
    out["iterations"] = last["iterations"]
    out["seconds"] = max(r["seconds"] for r in runs)
    lmin = min(r["loss"] for r in runs)
    out["rel_error"] = math.sqrt(lmin / a_norm2)
    out["excess"] = lmin / best - 1.0
    hit = [r["seconds"] for r in runs if r["loss"] <= best * (1.0 + TARGET)]
    out["to_target"] = min(hit) if hit else None
    hit_cpu = [r["cpu_seconds"] for r in runs
               if r["loss"] <= best * (1.0 + TARGET) and "cpu_seconds" in r]
    out["to_target_cpu"] = min(hit_cpu) if hit_cpu else None
    out["peak_mib"] = rep.get("peak_rss_fit_mib")
    out["loadavg"] = rep.get("loadavg")
    out["input_mib"] = rep.get("input_mib")
    out["factors_mib"] = rep.get("factors_mib")
    if rep.get("floor_s"):
        out["floor"] = rep["floor_s"]
        out["floor_ratio"] = out["per_iter"] / rep["floor_s"]
    if rep.get("floor_cpu_s") and out.get("cpu_per_iter"):
        out["floor_cpu_ratio"] = out["cpu_per_iter"] / rep["floor_cpu_s"]
    return out


def _fmt_time(s):
    if s is None:
        return "–"
    if s < 1:
        return "%.1f ms" % (1e3 * s) if s < 0.1 else "%.3f s" % s
    return "%.2f s" % s if s < 100 else "%.0f s" % s


def markdown(summary):
    lines = []
    b = summary["blas"]
    lines.append(machine.header(machine_record(summary)))
    lines.append("")
    lines.append("%d threads for every contender; OpenBLAS detected **%s** "
                 "(generic kernels: %s); `OPENBLAS_CORETYPE=%s` set for every "
                 "contender. %s. Mode: %s." % (
                     summary["threads"], b["core"], "yes" if b["slow"] else "no",
                     b["coretype_set"], summary["date"], summary["mode"]))
    lines.append("")
    for name, ds in summary["datasets"].items():
        meta = ds["meta"]
        best = best_loss(ds)
        desc = "%s: %d × %d, %s, k = %d" % (
            name, meta["m"], meta["n"],
            "%.1f %% non-zero (%d)" % (100.0 * meta["nnz"] / meta["m"] / meta["n"],
                                      meta["nnz"]) if meta["kind"] == "sparse"
            else "dense", meta["k"])
        lines.append("### " + desc)
        lines.append("")
        lines.append("Best loss ‖A − WH‖² reached by any contender: %.6g "
                     "(relative error %.5f); time limit %d s and at most %d "
                     "iterations per contender." % (
                         best, math.sqrt(best / ds["a_norm2"]), ds["budget"],
                         ds["limit"]))
        lines.append("")
        lines.append("| contender | time to within 0.1 % of best "
                     "| time / iteration | CPU time to 0.1 % "
                     "| CPU time / iteration | × two-product floor "
                     "| iterations run "
                     "| rel. error reached | peak RSS (MiB) | load avg |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        ms = [metrics(rep, best, ds["a_norm2"]) for rep in ds["reports"]]
        for mt in ms:
            if mt.get("error") and "per_iter" not in mt:
                lines.append("| %s | skipped: %s | | | | | | | | |" % (
                    mt["name"], mt["error"][:120].replace("|", "/")))
                continue
            floor = ("%.2f (floor %s)" % (mt["floor_ratio"], _fmt_time(mt["floor"]))
                     if "floor_ratio" in mt else "")
            if "floor_cpu_ratio" in mt:
                floor += "; CPU %.2f" % mt["floor_cpu_ratio"]
            hit = (_fmt_time(mt["to_target"]) if mt["to_target"] is not None
                   else "not reached in %s" % _fmt_time(mt["seconds"]))
            lines.append("| %s | %s | %s | %s | %s | %s | %d | %.5f | %s | %s |" % (
                mt["name"], hit, _fmt_time(mt["per_iter"]),
                _fmt_time(mt.get("to_target_cpu")),
                _fmt_time(mt.get("cpu_per_iter")), floor,
                mt["iterations"], mt["rel_error"],
                "%.0f" % mt["peak_mib"] if mt.get("peak_mib") else "–",
                "%.1f–%.1f" % tuple(mt["loadavg"]) if mt.get("loadavg") else "–"))
        ours = [m for m in ms if m["name"] == "nmfkit" and m.get("to_target")]
        peers = [m for m in ms if not m["name"].startswith("nmfkit")
                 and m.get("to_target")]
        notes = []
        if ours and peers:
            fastest = min(peers, key=lambda m: m["to_target"])
            notes.append("time to 0.1 %%: nmfkit %.1f× shorter than the fastest "
                         "peer (%s)" % (fastest["to_target"] / ours[0]["to_target"],
                                         fastest["name"]))
            cpu_peers = [m for m in peers if m.get("to_target_cpu")]
            if ours[0].get("to_target_cpu") and cpu_peers:
                f2 = min(cpu_peers, key=lambda m: m["to_target_cpu"])
                notes.append("CPU time to 0.1 %%: nmfkit %.1f× less than the "
                             "most frugal peer (%s)" % (
                                 f2["to_target_cpu"] / ours[0]["to_target_cpu"],
                                 f2["name"]))
        o = next((m for m in ms if m["name"] == "nmfkit" and "per_iter" in m), None)
        one = next((m for m in ms if m["name"] == "nmfkit-1thread"
                    and "per_iter" in m), None)
        if o and one:
            notes.append("%d threads vs 1 thread per iteration: %.2f×" % (
                summary["threads"], one["per_iter"] / o["per_iter"]))
        rc = next((m for m in ms if m["name"] == "RcppML" and "per_iter" in m), None)
        if o and rc:
            notes.append("time per iteration vs RcppML: %.1f× shorter" % (
                rc["per_iter"] / o["per_iter"]))
        if o and o.get("input_mib") and o.get("peak_mib"):
            notes.append("nmfkit peak RSS %.0f MiB = input %.0f MiB + factors "
                         "%.0f MiB + %.0f MiB (process and work space)" % (
                             o["peak_mib"], o["input_mib"], o["factors_mib"],
                             o["peak_mib"] - o["input_mib"] - o["factors_mib"]))
        if notes:
            lines.append("")
            lines.extend("- " + n for n in notes)
        lines.append("")
    lines.append("Time to within 0.1 % (the headline): wall time of the "
                 "first snapshot whose loss, computed by the harness in "
                 "float64 from the returned W and H, is at most 1.001 × the "
                 "best loss. Time per iteration: the slope between the "
                 "shortest and the longest run (initialisation excluded). "
                 "CPU time: user + system time of the "
                 "contender's process (all its threads), less sensitive than "
                 "wall time to other load on the machine. Peak RSS: the "
                 "contender's process during its fits, input included. Load "
                 "avg: the machine's 1-minute load average before and after "
                 "the contender ran (above the thread count, other processes "
                 "were competing for the cores).")
    return "\n".join(lines) + "\n"


def plot(summary, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = list(summary["datasets"])
    fig, axes = plt.subplots(2, len(names), figsize=(5.2 * len(names), 8),
                             squeeze=False)
    colors = {}
    for col, name in enumerate(names):
        ds = summary["datasets"][name]
        best = best_loss(ds)
        for rep in ds["reports"]:
            runs = sorted(_runs(rep), key=lambda r: r["iterations"])
            if not runs:
                continue
            c = colors.setdefault(rep["name"], "C%d" % len(colors))
            t = [r["seconds"] for r in runs]
            rel = [math.sqrt(r["loss"] / ds["a_norm2"]) for r in runs]
            exc = [max(r["loss"] / best - 1.0, 1e-7) for r in runs]
            style = "--" if rep["name"].startswith("nmfkit-") else "-"
            axes[0][col].plot(t, rel, style, marker=".", color=c, label=rep["name"])
            axes[1][col].plot(t, exc, style, marker=".", color=c, label=rep["name"])
        meta = ds["meta"]
        axes[0][col].set_title("%s %d×%d, k=%d" % (name, meta["m"], meta["n"],
                                                   meta["k"]))
        axes[0][col].set_ylabel("relative error ‖A−WH‖/‖A‖")
        axes[1][col].set_ylabel("loss / best loss − 1")
        axes[1][col].axhline(TARGET, color="grey", lw=0.8, ls=":")
        for r in (0, 1):
            axes[r][col].set_xscale("log")
            axes[r][col].set_xlabel("seconds")
            axes[r][col].grid(True, which="both", alpha=0.3)
        axes[1][col].set_yscale("log")
        lo = [math.sqrt(best / ds["a_norm2"])]
        axes[0][col].set_ylim(lo[0] * 0.995, lo[0] * 1.25)
        axes[0][col].legend(fontsize=8)
    rec = machine_record(summary)
    fig.suptitle("%s, SIMD %s, OpenBLAS %s, %d threads" % (
        rec["cpu"], rec["simd_path"], summary["blas"]["coretype_set"],
        summary["threads"]))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.path.abspath(path)


# bench/README.md keeps the latest table of each CPU kind between
#   <!-- results: KIND -->  and  <!-- /results: KIND -->
# under the headings "### KIND" and "#### The full run"; a CPU kind seen for the first time gets its
# section just above NEW_CPU.
NEW_CPU = "<!-- results: a new CPU kind's section goes above this line -->"


def update_readme(readme, md, kind, command):
    """Puts the latest table (and the command that made it) in the section
    of its CPU kind (machine.cpu_kind()), leaving every other CPU's table
    and the rest of the file as they are.  False when the README has no
    place for it."""
    with open(readme) as f:
        text = f.read()
    begin, end = "<!-- results: %s -->" % kind, "<!-- /results: %s -->" % kind
    # Data set headings sit below "### KIND" and "#### The full run".
    md = "\n".join("##" + ln if ln.startswith("### ") else ln
                    for ln in md.split("\n"))
    block = "%s\n\n`%s`\n\n%s\n%s" % (begin, command, md, end)
    if begin in text and end in text.split(begin, 1)[1]:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    elif NEW_CPU in text:
        head, rest = text.split(NEW_CPU, 1)
        text = (head + "### " + kind + "\n\n#### The full run\n\n" + block +
                "\n\n" + NEW_CPU + rest)
    else:
        return False
    with open(readme, "w") as f:
        f.write(text)
    return True
