"""Shared by the Python side of the benchmark: the data loader for the raw
files of gen_data.py, peak-RSS bookkeeping and snapshot files."""
import os

import numpy as np


def read_meta(folder):
    meta = {}
    with open(os.path.join(folder, "meta.txt")) as f:
        for line in f:
            key, value = line.split()
            meta[key] = value
    for key in ("m", "n", "nnz", "k"):
        meta[key] = int(meta[key])
    return meta


def load(folder, sparse_format="csc"):
    """The matrix: a Fortran-ordered float64 array, or a scipy CSC (or CSR,
    converted once) matrix whose arrays are the files' contents."""
    meta = read_meta(folder)
    m, n = meta["m"], meta["n"]
    if meta["kind"] == "dense":
        a = np.fromfile(os.path.join(folder, "dense.f64"), dtype=np.float64)
        return a.reshape((m, n), order="F")
    import scipy.sparse as sp
    indptr = np.fromfile(os.path.join(folder, "indptr.i64"), dtype=np.int64)
    indices = np.fromfile(os.path.join(folder, "indices.i32"), dtype=np.int32)
    data = np.fromfile(os.path.join(folder, "data.f64"), dtype=np.float64)
    if meta["nnz"] < 2 ** 31:
        indptr = indptr.astype(np.int32)
    a = sp.csc_matrix((data, indices, indptr), shape=(m, n), copy=False)
    a.has_sorted_indices = True
    if sparse_format == "csr":
        a = a.tocsr()
    return a


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def status_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def write_snapshot(out, maxit, w, h):
    if not out:
        return ""
    name = "it%06d" % maxit
    np.asarray(w, dtype=np.float64).ravel(order="F").tofile(
        os.path.join(out, name + ".W"))
    np.asarray(h, dtype=np.float64).ravel(order="F").tofile(
        os.path.join(out, name + ".H"))
    return name


def read_snapshot(out, name, m, n, k):
    w = np.fromfile(os.path.join(out, name + ".W")).reshape((m, k), order="F")
    h = np.fromfile(os.path.join(out, name + ".H")).reshape((k, n), order="F")
    return w, h
