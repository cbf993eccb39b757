"""`nmf rank --distributed` and `nmf consensus --distributed` under mpiexec
against the same commands in one process: the runs are spread over the
processes, the outputs must be the same.  Usage:
test_cli_rank_distributed.py NMF MPIEXEC"""
import os
import tempfile

import numpy as np

from mpi_cli_common import check, finish, run


def read(path):
    with open(path) as f:
        return f.read()


def without_seconds(text):
    """A measures table without its last column (wall-clock seconds)."""
    return "\n".join(line.rsplit("\t", 1)[0] for line in text.splitlines())


rng = np.random.default_rng(11)
# Three groups of samples with their own gene programs, plus noise.
w = rng.random((50, 3)) ** 4
h = np.kron(np.eye(3), np.ones((1, 8))) + 0.05 * rng.random((3, 24))
a = w @ h + 0.01 * rng.random((50, 24))
with tempfile.TemporaryDirectory() as tmp:
    tsv = os.path.join(tmp, "a.tsv")
    with open(tsv, "w") as f:
        f.write("gene\t" + "\t".join(f"s{j}" for j in range(a.shape[1])) + "\n")
        for i, row in enumerate(a):
            f.write(f"g{i}\t" + "\t".join(repr(x) for x in row) + "\n")

    rank = ["rank", tsv, "-k", "2:4", "--nrun", "5", "--randomize", "--cv", "--seed", "3",
            "--maxit", "80", "-q"]
    serial = run(rank + ["--out", os.path.join(tmp, "s")])
    check(serial.returncode == 0, "serial rank: " + serial.stderr)
    files = ["_rank_cv.tsv", "_membership.tsv"] + [f"_consensus_k{k}.tsv" for k in (2, 3, 4)]
    for p in (1, 2, 3):
        out = os.path.join(tmp, f"d{p}")
        r = run(rank + ["--out", out, "--distributed"], p)
        check(r.returncode == 0, f"rank np {p}: exit {r.returncode}: {r.stderr}")
        if r.returncode != 0 or serial.returncode != 0:
            continue
        check(without_seconds(read(out + "_rank.tsv")) ==
              without_seconds(read(os.path.join(tmp, "s_rank.tsv"))),
              f"rank np {p}: the survey table differs from one process's")
        for suffix in files:
            check(read(out + suffix) == read(os.path.join(tmp, "s" + suffix)),
                  f"rank np {p}: {suffix} differs from one process's")
    # The planted three groups are found at k = 3.
    if serial.returncode == 0:
        with open(os.path.join(tmp, "s_membership.tsv")) as f:
            header = f.readline().rstrip("\n").split("\t")
            k3 = [line.rstrip("\n").split("\t")[header.index("k3")] for line in f]
        groups = [k3[8 * g:8 * g + 8] for g in range(3)]
        check(all(len(set(g)) == 1 for g in groups) and len({g[0] for g in groups}) == 3,
              f"rank: k = 3 memberships do not recover the planted groups: {k3}")

    cons = ["consensus", tsv, "-k", "3", "--nrun", "7", "--seed", "4", "--maxit", "80",
            "--solver", "hals", "-q"]
    serial = run(cons + ["--out", os.path.join(tmp, "c")])
    check(serial.returncode == 0, "serial consensus: " + serial.stderr)
    for p in (2, 3):
        out = os.path.join(tmp, f"e{p}")
        r = run(cons + ["--out", out, "--distributed"], p)
        check(r.returncode == 0, f"consensus np {p}: exit {r.returncode}: {r.stderr}")
        if r.returncode != 0 or serial.returncode != 0:
            continue
        for suffix in ["_consensus.tsv", "_membership.tsv", "_W.tsv", "_H.tsv"]:
            check(read(out + suffix) == read(os.path.join(tmp, "c" + suffix)),
                  f"consensus np {p}: {suffix} differs from one process's")
        check(without_seconds(read(out + "_measures.tsv")) ==
              without_seconds(read(os.path.join(tmp, "c_measures.tsv"))),
              f"consensus np {p}: the measures differ from one process's")

    # Only process 0 writes: nothing else appears in the folder.
    left = sorted(f for f in os.listdir(tmp) if ".tmp." in f)
    check(not left, f"temporary files left behind: {left}")

    # Errors end every process with the same clear message, no hang.
    r = run(["rank", os.path.join(tmp, "missing.tsv"), "-k", "2:3", "--distributed",
             "--out", os.path.join(tmp, "x")], 2)
    check(r.returncode == 1 and "missing.tsv" in r.stderr,
          f"missing input: exit {r.returncode}: {r.stderr}")
    r = run(["rank", tsv, "-k", "2:30", "--distributed", "--out", os.path.join(tmp, "x")], 2)
    check(r.returncode == 2 and "exceeds min" in r.stderr,
          f"rank too large: exit {r.returncode}: {r.stderr}")
    # Itakura-Saito (beta = 0) is infinite at a zero of A: refused by the library.
    zero = os.path.join(tmp, "zero.tsv")
    with open(zero, "w") as f:
        f.write("gene\ts1\ts2\ts3\ng1\t1\t2\t0\ng2\t3\t4\t5\ng3\t1\t1\t2\n")
    r = run(["consensus", zero, "-k", "2", "--nrun", "4", "--loss", "beta", "--beta", "0",
             "--distributed", "--out", os.path.join(tmp, "x")], 2)
    check(r.returncode == 3 and "libnmf" in r.stderr,
          f"library error: exit {r.returncode}: {r.stderr}")

finish("distributed rank survey CLI")
