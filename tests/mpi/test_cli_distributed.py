"""`nmf fit --distributed` under mpiexec against the serial `nmf fit` of the
same Matrix Market file.  Usage: test_cli_distributed.py NMF MPIEXEC"""
import json
import os
import tempfile

import numpy as np

from mpi_cli_common import check, finish, run


def write_mtx(path, a):
    rows, cols = np.nonzero(a.T)  # column-major order, as 10x writes it
    with open(path, "w") as f:
        f.write("%%MatrixMarket matrix coordinate real general\n")
        f.write(f"{a.shape[0]} {a.shape[1]} {len(rows)}\n")
        for j, i in zip(rows, cols):
            f.write(f"{i + 1} {j + 1} {a[i, j]!r}\n")


def read_table(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")[1:]
        names, values = [], []
        for line in f:
            parts = line.rstrip("\n").split("\t")
            names.append(parts[0])
            values.append([float(x) for x in parts[1:]])
    return header, names, np.array(values)


def same_as_serial(out, ref_w, ref_h, label):
    """The factors written under prefix `out` equal the serial ones (to
    1e-9 relative) with the same memberships; returns H's table."""
    dw = read_table(out + "_W.tsv")
    dh = read_table(out + "_H.tsv")
    dev_w = np.abs(dw[2] - ref_w[2]).max() / np.abs(ref_w[2]).max()
    dev_h = np.abs(dh[2] - ref_h[2]).max() / np.abs(ref_h[2]).max()
    check(dev_w < 1e-9 and dev_h < 1e-9,
          f"{label}: factors differ from serial ({dev_w:.2e}, {dev_h:.2e})")
    check((dh[2].argmax(0) == ref_h[2].argmax(0)).all(), f"{label}: memberships differ")
    return dw, dh


rng = np.random.default_rng(5)
a = rng.random((120, 4)) @ rng.random((4, 53))
a[rng.random(a.shape) < 0.5] = 0
with tempfile.TemporaryDirectory() as tmp:
    mtx = os.path.join(tmp, "m.mtx")
    write_mtx(mtx, a)
    with open(os.path.join(tmp, "features.tsv"), "w") as f:
        f.writelines(f"ENSG{i}\tgene{i}\n" for i in range(a.shape[0]))
    with open(os.path.join(tmp, "barcodes.tsv"), "w") as f:
        f.writelines(f"cell{j}\n" for j in range(a.shape[1]))
    common = ["fit", mtx, "-k", "4", "--seed", "9", "--tol", "0", "--maxit", "150", "-q"]
    serial = run(common + ["--out", os.path.join(tmp, "serial")])
    check(serial.returncode == 0, "serial fit: " + serial.stderr)
    sw = read_table(os.path.join(tmp, "serial_W.tsv"))
    sh = read_table(os.path.join(tmp, "serial_H.tsv"))
    for p in (1, 2, 3):
        out = os.path.join(tmp, f"dist{p}")
        r = run(common + ["--out", out, "--distributed"], p)
        check(r.returncode == 0, f"np {p}: exit {r.returncode}: {r.stderr}")
        if r.returncode != 0:
            continue
        dw, dh = same_as_serial(out, sw, sh, f"np {p}")
        check(dw[1] == sw[1] and dh[0] == sh[0], f"np {p}: gene or cell names differ")
        check(dh[0] == [f"cell{j}" for j in range(a.shape[1])], f"np {p}: H columns out of order")
    # KL: a distributed fit takes the multiplicative updates (auto picks
    # them; coordinate descent, the serial auto, is refused with a clear
    # error), and matches the serial fit by the same solver.
    kl_common = common + ["--loss", "kl"]
    serial_kl = run(kl_common + ["--solver", "mu", "--out", os.path.join(tmp, "serial_kl")])
    check(serial_kl.returncode == 0, "serial KL fit: " + serial_kl.stderr)
    skw = read_table(os.path.join(tmp, "serial_kl_W.tsv"))
    skh = read_table(os.path.join(tmp, "serial_kl_H.tsv"))
    for p in (2, 3):
        out = os.path.join(tmp, f"dist_kl{p}")
        r = run(kl_common + ["--out", out, "--distributed"], p)
        check(r.returncode == 0, f"KL np {p}: exit {r.returncode}: {r.stderr}")
        if r.returncode != 0:
            continue
        same_as_serial(out, skw, skh, f"KL np {p}")
        with open(out + "_summary.json") as f:
            summary = json.load(f)
        check(summary["solver"] == "mu" and summary["solver_requested"] == "auto",
              f"KL np {p}: summary reports solver {summary['solver']}")
    r = run(kl_common + ["--solver", "cd", "--distributed", "--out", os.path.join(tmp, "b")], 2)
    check(r.returncode != 0 and "solver cd" in r.stderr and "use solver mu" in r.stderr,
          f"KL cd distributed: exit {r.returncode}: {r.stderr}")
    # Errors: every process ends with the same clear error, no hang.
    bad = os.path.join(tmp, "bad.mtx")
    with open(mtx) as f:
        lines = f.readlines()
    lines[7] = "3 x 1.0\n"
    with open(bad, "w") as f:
        f.writelines(lines)
    r = run(["fit", bad, "-k", "2", "--distributed", "--out", os.path.join(tmp, "b")], 2)
    check(r.returncode == 1 and "bad.mtx:8:" in r.stderr, f"malformed line: exit {r.returncode}: {r.stderr}")
    r = run(["fit", mtx, "-k", "60", "--distributed", "--out", os.path.join(tmp, "b")], 2)
    check(r.returncode == 2 and "exceeds min" in r.stderr, f"k too large: exit {r.returncode}: {r.stderr}")
    tsv = os.path.join(tmp, "t.tsv")
    with open(tsv, "w") as f:
        f.write("gene\ts1\ts2\ng1\t1\t2\ng2\t3\t4\n")
    r = run(["fit", tsv, "-k", "1", "--distributed", "--out", os.path.join(tmp, "b")], 2)
    check(r.returncode == 2 and "Matrix Market" in r.stderr, f"table input: exit {r.returncode}: {r.stderr}")

finish("distributed CLI")
