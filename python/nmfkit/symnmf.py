"""Symmetric NMF for networks (nmf.h, "symmetric NMF"): A ≈ H Hᵀ.

Imported by nmfkit and exposed there as ``nmfkit.symnmf`` and
``nmfkit.SymNMFResult``; this module holds only that part of the binding.
"""

import ctypes

import numpy as np

from ._library import ERR_DIMENSION, NmfError, _Matrix, _Options, _STOP_REASONS, _load
from .fit import _ProgressHook, _SOLVER_NAMES, _int_in, _options_for
from ._inputs import _is_sparse, _prepare_dense, _prepare_sparse


class _SymResult(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32),
                ("stop_reason", ctypes.c_int32),
                ("iterations", ctypes.c_int64),
                ("loss", ctypes.c_double),
                ("rel_error", ctypes.c_double),
                ("solver", ctypes.c_int32),
                ("reserved", ctypes.c_int32),
                ("isolated", ctypes.c_int64),
                ("gap", ctypes.c_double),
                ("alpha", ctypes.c_double),
                ("seconds", ctypes.c_double),
                ("loss_history", ctypes.POINTER(ctypes.c_double)),
                ("loss_history_capacity", ctypes.c_int64),
                ("history_length", ctypes.c_int64)]


_declared = []


def _lib():
    lib = _load()
    if not _declared:
        vp, i64 = ctypes.c_void_p, ctypes.c_int64
        opts, res = ctypes.POINTER(_Options), ctypes.POINTER(_SymResult)
        lib.nmf_symfit_result_init.restype = ctypes.c_int32
        lib.nmf_symfit_result_init.argtypes = [res, ctypes.c_size_t]
        lib.nmf_symfit.restype = ctypes.c_int32
        lib.nmf_symfit.argtypes = [ctypes.POINTER(_Matrix), i64, vp, opts, res]
        _declared.append(True)
    return lib


class SymNMFResult:
    """The result of symnmf().

    H: n × k array (A ≈ H Hᵀ), components ordered by squared norm, largest
       first.  communities: argmax of each row of H (int64, 0-based); -1
       for an isolated node (a zero row).  isolated: how many nodes have no
       edge.  iterations, loss (||A - HHᵀ||_F²), rel_error
       (||A - HHᵀ||_F / ||A||_F), gap (||W - H|| / ||H|| of the penalised
       problem at the end), stop_reason, solver, loss_history (the
       penalised objective per iteration), seconds.
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)
        rows = self.H.max(axis=1) if self.H.shape[1] else np.zeros(0)
        self.communities = np.where(rows > 0, np.argmax(self.H, axis=1), -1)

    def score(self, pairs):
        """Link scores (H Hᵀ)_ij for pairs: an (p, 2) array of 0-based node
        indices.  Returns a length-p float64 array."""
        pairs = np.asarray(pairs)
        if pairs.ndim != 2 or pairs.shape[1] != 2:
            raise ValueError("nmfkit: pairs must be a (p, 2) array of node "
                             "indices, got shape %s" % (pairs.shape,))
        if pairs.size and (pairs.dtype.kind not in "iu"):
            raise TypeError("nmfkit: pairs must hold integer node indices")
        n = self.H.shape[0]
        if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
            raise IndexError("nmfkit: pair indices must be in [0, %d)" % n)
        H = self.H.astype(np.float64)
        return np.einsum("ij,ij->i", H[pairs[:, 0]], H[pairs[:, 1]])

    def __repr__(self):
        return ("SymNMFResult(n=%d, k=%d, iterations=%d, rel_error=%.4g, "
                "isolated=%d)" % (self.H.shape[0], self.H.shape[1],
                                  self.iterations, self.rel_error,
                                  self.isolated))


def symnmf(A, k, *, solver="auto", seed=42, maxit=500, tol=1e-5, threads=0,
           progress=None):
    """Symmetric NMF of a network: A ≈ H Hᵀ with H ≥ 0 (n × k).

    A: a symmetric non-negative n × n numpy array or scipy.sparse matrix
       (an adjacency or similarity matrix; self-loops allowed).  Refused
       with NmfError: a non-square or asymmetric A (|A_ij - A_ji| above
       1e-6 max|A|; the message names the first pair), negative or
       non-finite entries, k < 1 or k > n.
    solver: "auto" (= "hals") or "anls"; seed, maxit, tol, threads as in
       nmfkit.fit (the same seed gives the same H for any thread count).
    progress: optional progress(iteration, maxit, objective, rel) called
       after each iteration; a true return value stops the fit.

    Returns a SymNMFResult: ``H``, ``communities`` and ``score(pairs)``.
    Method: Kuang, Ding & Park (SDM 2012), see nmf.h.
    """
    lib = _lib()
    if _is_sparse(A):
        shape = A.shape
        prep = _prepare_sparse(A)
    else:
        arr = np.asarray(A)
        shape = arr.shape
        if arr.ndim != 2:
            raise ValueError("nmfkit: A must be 2-dimensional, got shape %s"
                             % (shape,))
        prep = _prepare_dense(arr)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise NmfError(ERR_DIMENSION, "A has shape %s: symmetric NMF "
                           "needs a square matrix" % (shape,))
    n = shape[0]
    k = _int_in("k", k, -2 ** 63, 2 ** 63 - 1)
    opts, keep = _options_for(prep, "symnmf", dict(
        solver=solver, seed=seed, maxit=maxit, tol=tol, threads=threads))
    k_alloc = k if 1 <= k <= n else 1
    H = np.zeros((n, k_alloc), dtype=prep.dtype, order="F")
    history = np.zeros(min(max(opts.maxit, 1), 100000), dtype=np.float64)
    res = _SymResult()
    lib.nmf_symfit_result_init(ctypes.byref(res), ctypes.sizeof(res))
    res.loss_history = history.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    res.loss_history_capacity = history.shape[0]
    hook = _ProgressHook(progress)
    opts.progress = hook.callback
    matrix = prep.matrix()
    with hook:
        rc = lib.nmf_symfit(ctypes.byref(matrix), k, H.ctypes.data,
                            ctypes.byref(opts), ctypes.byref(res))
        detail = lib.nmf_last_error_message().decode("utf-8", "replace")
    del prep, keep
    hook.reraise()
    if rc < 0:
        raise NmfError(rc, detail)
    return SymNMFResult(
        H=H, iterations=int(res.iterations), loss=float(res.loss),
        rel_error=float(res.rel_error), gap=float(res.gap),
        isolated=int(res.isolated), alpha=float(res.alpha),
        stop_reason=_STOP_REASONS.get(res.stop_reason,
                                          str(res.stop_reason)),
        solver=_SOLVER_NAMES.get(res.solver, str(res.solver)),
        loss_history=history[:res.history_length].copy(),
        seconds=float(res.seconds))
