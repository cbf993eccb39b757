"""nmfkit — non-negative matrix factorization from Python, through libnmf's C ABI.

A small ctypes binding (no compiled extension) of ``libnmf.so``::

    import numpy as np, nmfkit
    A = np.random.default_rng(0).random((100, 40))
    fit = nmfkit.fit(A, k=5)
    fit.W, fit.d, fit.H          # A ≈ W @ np.diag(d) @ H
    fit.rel_error                # ||A - W diag(d) H||_F / ||A||_F

The library is found, in this order, at the path in the environment variable
``NMFKIT_LIBRARY``, next to this module (``libnmf.so``), or by
``ctypes.util.find_library("nmf")``.

Inputs are factored in place, without copying the data:

* a Fortran-ordered (column-major) ``numpy.ndarray`` is passed as it is, also
  a column-major slice with a leading dimension larger than its row count;
* a C-ordered (row-major) m × n array is, in memory, the column-major n × m
  matrix Aᵀ: that is factored, Aᵀ ≈ W' diag(d) H', and the roles are swapped
  back, W = H'ᵀ and H = W'ᵀ.  The result is in the same canonical form (the
  columns of W are the rows of H', which sum to 1; the rows of H are the
  columns of W', which sum to 1), but the computation is a different one, so
  it agrees with the column-major fit to rounding only where the fit has
  converged to a unique optimum;
* a ``scipy.sparse`` CSC matrix is passed as it is (only ``indptr`` is
  converted to int64 if needed), a CSR matrix is the CSC of its transpose
  (same trick), any other sparse format is converted to CSC;
* float32 inputs use the library's single-precision entry points and give
  float32 factors; any other real dtype is converted to float64.

Anything else (non-contiguous arrays, non-native byte order, sparse matrices
with unsorted or duplicate indices) is copied once into a form the library
reads.

Errors are raised as :class:`NmfError` with the library's status code, its
description (``nmf_strerror``) and the detail (``nmf_last_error_message``).

A progress callback ``progress(iteration, maxit, loss, rel_error)`` may return
a true value to stop the fit (the result then has ``stop_reason ==
"cancelled"`` and holds the last complete iterate).  An exception raised in
the callback (including ``KeyboardInterrupt``) stops the fit and is re-raised
from :func:`fit`.  The binding always installs its own callback, so Ctrl-C
interrupts a long fit within one iteration.

ctypes releases the GIL during the call, so fits in several Python threads run
in parallel.
"""

import ctypes
import ctypes.util
import os
import signal
import threading

import numpy as np

__all__ = ["fit", "FitResult", "NmfError", "library_path", "library_version",
           "constant"]

# --------------------------------------------------------------- constants
# Pinned by the ABI (nmf.h); the test suite checks them against
# nmf_constant().

OK = 0
CANCELLED = 1
ERR_NULL_POINTER = -1
ERR_INVALID_ARGUMENT = -2
ERR_DIMENSION = -3
ERR_RANK = -4
ERR_NEGATIVE = -5
ERR_NOT_FINITE = -6
ERR_SPARSE_STRUCTURE = -7
ERR_STRUCT_SIZE = -8
ERR_OUT_OF_MEMORY = -9
ERR_TOO_LARGE = -10
ERR_NUMERICAL = -11
ERR_INTERNAL = -12

_CODE_NAMES = {
    OK: "NMF_OK", CANCELLED: "NMF_CANCELLED",
    ERR_NULL_POINTER: "NMF_ERR_NULL_POINTER",
    ERR_INVALID_ARGUMENT: "NMF_ERR_INVALID_ARGUMENT",
    ERR_DIMENSION: "NMF_ERR_DIMENSION", ERR_RANK: "NMF_ERR_RANK",
    ERR_NEGATIVE: "NMF_ERR_NEGATIVE", ERR_NOT_FINITE: "NMF_ERR_NOT_FINITE",
    ERR_SPARSE_STRUCTURE: "NMF_ERR_SPARSE_STRUCTURE",
    ERR_STRUCT_SIZE: "NMF_ERR_STRUCT_SIZE",
    ERR_OUT_OF_MEMORY: "NMF_ERR_OUT_OF_MEMORY",
    ERR_TOO_LARGE: "NMF_ERR_TOO_LARGE", ERR_NUMERICAL: "NMF_ERR_NUMERICAL",
    ERR_INTERNAL: "NMF_ERR_INTERNAL",
}

_STOP_REASONS = {0: "none", 1: "maxit", 2: "tol", 3: "cancelled", 4: "exact"}

_INT32_MIN = -(2 ** 31)
_MAX_HISTORY = 1000000  # loss_history keeps at most the first million losses
_INT32_MAX = 2 ** 31 - 1


# ------------------------------------------------------------ C structures

_PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_int64, ctypes.c_int64,
                                ctypes.c_double, ctypes.c_double,
                                ctypes.c_void_p)


class _Options(ctypes.Structure):
    """nmf_options (nmf.h); fields are only ever appended."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("loss", ctypes.c_int32),
        ("solver", ctypes.c_int32),
        ("init", ctypes.c_int32),
        ("n_threads", ctypes.c_int32),
        ("maxit", ctypes.c_int32),
        ("tol", ctypes.c_double),
        ("seed", ctypes.c_uint64),
        ("l1_w", ctypes.c_double),
        ("l1_h", ctypes.c_double),
        ("l2_w", ctypes.c_double),
        ("l2_h", ctypes.c_double),
        ("user_w", ctypes.c_int32),
        ("user_h", ctypes.c_int32),
        ("fix_w", ctypes.c_int32),
        ("fix_h", ctypes.c_int32),
        ("progress", _PROGRESS_FN),
        ("progress_data", ctypes.c_void_p),
        ("hals_alpha", ctypes.c_double),
        ("hals_delta", ctypes.c_double),
        ("missing", ctypes.c_int32),
        ("weights", ctypes.POINTER(ctypes.c_double)),
        ("weights_ld", ctypes.c_int64),
        ("beta", ctypes.c_double),
        ("mu_eps", ctypes.c_double),
        ("extrapolation", ctypes.c_int32),
        ("extrap_beta0", ctypes.c_double),
        ("extrap_eta", ctypes.c_double),
        ("extrap_gamma", ctypes.c_double),
        ("extrap_gamma_bar", ctypes.c_double),
        ("sparse_w", ctypes.c_double),
        ("sparse_h", ctypes.c_double),
        ("ns_theta", ctypes.c_double),
    ]


class _Result(ctypes.Structure):
    """nmf_result (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("stop_reason", ctypes.c_int32),
        ("iterations", ctypes.c_int64),
        ("loss", ctypes.c_double),
        ("rel_error", ctypes.c_double),
        ("solver", ctypes.c_int32),
        ("init", ctypes.c_int32),
        ("seconds", ctypes.c_double),
        ("loss_history", ctypes.POINTER(ctypes.c_double)),
        ("loss_history_capacity", ctypes.c_int64),
        ("history_length", ctypes.c_int64),
        ("extrapolation", ctypes.c_int32),
        ("restarts", ctypes.c_int64),
    ]


# ----------------------------------------------------------------- library

def _find_library():
    env = os.environ.get("NMFKIT_LIBRARY")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("libnmf.so", "libnmf.dylib", "nmf.dll"):
        candidate = os.path.join(here, name)
        if os.path.exists(candidate):
            return candidate
    found = ctypes.util.find_library("nmf")
    if found:
        return found
    raise OSError(
        "nmfkit: cannot find libnmf; set NMFKIT_LIBRARY to the path of "
        "libnmf.so, put libnmf.so next to nmfkit.py, or install it where "
        "the dynamic linker finds it")


_lib = None
library_path = None


def _load():
    """Load libnmf once and declare the prototypes used here."""
    global _lib, library_path
    if _lib is not None:
        return _lib
    path = _find_library()
    lib = ctypes.CDLL(path)
    c_i32, c_i64 = ctypes.c_int32, ctypes.c_int64
    vp = ctypes.c_void_p
    lib.nmf_version.restype = ctypes.c_char_p
    lib.nmf_version.argtypes = []
    lib.nmf_version_number.restype = c_i32
    lib.nmf_version_number.argtypes = []
    lib.nmf_strerror.restype = ctypes.c_char_p
    lib.nmf_strerror.argtypes = [c_i32]
    lib.nmf_last_error_message.restype = ctypes.c_char_p
    lib.nmf_last_error_message.argtypes = []
    lib.nmf_constant.restype = c_i32
    lib.nmf_constant.argtypes = [ctypes.c_char_p]
    lib.nmf_options_init.restype = c_i32
    lib.nmf_options_init.argtypes = [ctypes.POINTER(_Options), ctypes.c_size_t]
    lib.nmf_result_init.restype = c_i32
    lib.nmf_result_init.argtypes = [ctypes.POINTER(_Result), ctypes.c_size_t]
    # Array arguments are passed as raw addresses (c_void_p): numpy owns the
    # memory and the prepared arguments keep it alive for the call.
    for name in ("nmf_fit_dense_d", "nmf_fit_dense_f"):
        fn = getattr(lib, name)
        fn.restype = c_i32
        fn.argtypes = [vp, c_i64, c_i64, c_i64, c_i64, vp, vp, vp,
                       ctypes.POINTER(_Options), ctypes.POINTER(_Result)]
    for name in ("nmf_fit_csc_d_i32", "nmf_fit_csc_d_i64",
                 "nmf_fit_csc_f_i32", "nmf_fit_csc_f_i64"):
        fn = getattr(lib, name)
        fn.restype = c_i32
        fn.argtypes = [c_i64, c_i64, vp, vp, vp, c_i64, vp, vp, vp,
                       ctypes.POINTER(_Options), ctypes.POINTER(_Result)]
    _lib = lib
    library_path = path
    return lib


def library_version():
    """The version string of the libnmf actually loaded ("MAJOR.MINOR.PATCH")."""
    return _load().nmf_version().decode()


def constant(name):
    """The value of an nmf.h constant by name (e.g. "NMF_ERR_RANK"), or None."""
    value = _load().nmf_constant(name.encode())
    return None if value == _INT32_MIN else value


# ------------------------------------------------------------------ errors

class NmfError(Exception):
    """A libnmf status code with the library's description and detail.

    Attributes: ``code`` (the negative status, e.g. ``nmfkit.ERR_RANK``),
    ``name`` ("NMF_ERR_RANK"), ``description`` (``nmf_strerror(code)``) and
    ``detail`` (``nmf_last_error_message()``, naming the problem).
    """

    def __init__(self, code, detail, description=None):
        self.code = int(code)
        self.name = _CODE_NAMES.get(self.code, "NMF status %d" % self.code)
        if description is None:
            description = _load().nmf_strerror(self.code).decode(
                "utf-8", "replace")
        self.description = description
        self.detail = detail
        super().__init__(self.code, detail)

    def __str__(self):
        text = "%s (%d): %s" % (self.name, self.code, self.description)
        return text + (": " + self.detail if self.detail else "")


def _raise_invalid(detail):
    raise NmfError(ERR_INVALID_ARGUMENT, detail)


# -------------------------------------------------------- input preparation

class _Prepared:
    """The arguments handed to the library for one input matrix.

    kind: "dense" or "csc".  m, n: the shape the library sees (n × m of the
    user's matrix when ``transposed``).  ld: leading dimension (dense).
    dtype: float64 or float32.  data_ptr / indptr_ptr / indices_ptr: the
    addresses passed; ``keep`` holds the arrays that own them.  index_dtype:
    int32 or int64 (csc).  copied: whether the data values were copied.
    """

    __slots__ = ("kind", "m", "n", "ld", "dtype", "transposed", "data_ptr",
                 "indptr_ptr", "indices_ptr", "index_dtype", "copied", "keep")

    def __init__(self, **kw):
        for slot in self.__slots__:
            setattr(self, slot, kw.get(slot))


def _value_dtype(dtype):
    """float32 stays float32; every other real dtype becomes float64."""
    if dtype.kind == "c":
        raise TypeError("nmfkit: complex matrices cannot be factored")
    if dtype.kind not in "biuf":
        raise TypeError("nmfkit: cannot factor a matrix of dtype %s" % dtype)
    if dtype.kind == "f" and dtype.itemsize == 4:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _is_sparse(A):
    try:
        import scipy.sparse as sp
    except ImportError:
        return False
    return sp.issparse(A)


def _prepare_dense(A):
    A = np.asarray(A)
    if A.ndim != 2:
        raise ValueError("nmfkit: A must be 2-dimensional, got shape %s"
                         % (A.shape,))
    m, n = A.shape
    want = _value_dtype(A.dtype)
    usable = (A.dtype == want and A.dtype.isnative and A.flags.aligned)
    item = want.itemsize
    if usable:
        s0, s1 = A.strides
        # Column-major, possibly with a leading dimension > m.
        if A.flags.f_contiguous or (
                s0 == item and s1 % item == 0 and s1 // item >= max(1, m)):
            ld = m if A.flags.f_contiguous else s1 // item
            return _Prepared(kind="dense", m=m, n=n, ld=max(1, ld), dtype=want,
                             transposed=False, data_ptr=A.ctypes.data,
                             copied=False, keep=(A,))
        # Row-major: the column-major n × m transpose.
        if A.flags.c_contiguous or (
                s1 == item and s0 % item == 0 and s0 // item >= max(1, n)):
            ld = n if A.flags.c_contiguous else s0 // item
            return _Prepared(kind="dense", m=n, n=m, ld=max(1, ld), dtype=want,
                             transposed=True, data_ptr=A.ctypes.data,
                             copied=False, keep=(A,))
    copy = np.asfortranarray(A, dtype=want)
    if not copy.dtype.isnative:
        copy = copy.astype(copy.dtype.newbyteorder("="), order="F")
    return _Prepared(kind="dense", m=m, n=n, ld=max(1, m), dtype=want,
                     transposed=False, data_ptr=copy.ctypes.data, copied=True,
                     keep=(copy,))


def _native(x, dtype=None):
    """x as a contiguous, aligned, native-endian array (a view if it is one)."""
    dtype = np.dtype(dtype if dtype is not None else x.dtype).newbyteorder("=")
    return np.require(x, dtype=dtype, requirements=["C", "A"])


def _prepare_sparse(A):
    fmt = A.format
    if fmt not in ("csc", "csr"):
        A = A.tocsc()
        fmt = "csc"
    copied = False
    if not A.has_canonical_format:
        # Duplicates mean their sum and indices must be sorted for the
        # library: canonicalise a copy, never the caller's matrix.
        A = A.copy()
        A.sum_duplicates()
        copied = True
    want = _value_dtype(A.dtype)
    data = _native(A.data, want)
    copied = copied or data.ctypes.data != A.data.ctypes.data
    indptr = _native(A.indptr, np.int64)  # the one small copy allowed
    if A.indices.dtype.itemsize == 4 and A.indices.dtype.kind == "i":
        indices = _native(A.indices, np.int32)
    else:
        indices = _native(A.indices, np.int64)
    m, n = A.shape
    transposed = fmt == "csr"
    if transposed:  # CSR of A == CSC of A.T
        m, n = n, m
    return _Prepared(kind="csc", m=m, n=n, ld=None, dtype=want,
                     transposed=transposed, data_ptr=data.ctypes.data,
                     indptr_ptr=indptr.ctypes.data,
                     indices_ptr=indices.ctypes.data,
                     index_dtype=indices.dtype, copied=copied,
                     keep=(A, data, indptr, indices))


def _prepare(A):
    """The arguments the library will be given for A (see _Prepared).

    Internal, exposed for tests: it shows which inputs are passed without a
    copy (``data_ptr`` is the caller's buffer) and which are transposed.
    """
    if _is_sparse(A):
        return _prepare_sparse(A)
    return _prepare_dense(A)


# ------------------------------------------------------------------ result

class FitResult:
    """The factorization A ≈ W @ diag(d) @ H and how it was reached.

    W (m × k), d (k,), H (k × n): numpy arrays of A's float type, canonical
    unless a factor was fixed (columns of W and rows of H sum to 1,
    components ordered by d, largest first).  iterations, loss (the penalised
    objective 1/2 ||A - WH||² + penalties), rel_error (||A - WH|| / ||A||),
    stop_reason ("none", "maxit", "tol", "cancelled" or "exact"),
    loss_history (the loss after each iteration), solver and init (what the
    library actually used), seconds (wall-clock time of the fit).
    """

    __slots__ = ("W", "d", "H", "iterations", "loss", "rel_error",
                 "stop_reason", "loss_history", "solver", "init", "seconds")

    def __init__(self, **kw):
        for slot in self.__slots__:
            setattr(self, slot, kw[slot])

    def fitted(self):
        """The low-rank approximation W @ diag(d) @ H (a dense array)."""
        return (self.W * self.d) @ self.H

    def __repr__(self):
        return ("FitResult(k=%d, shape=%s, iterations=%d, rel_error=%.4g, "
                "stop_reason=%r)" % (self.d.shape[0],
                                     (self.W.shape[0], self.H.shape[1]),
                                     self.iterations, self.rel_error,
                                     self.stop_reason))


# --------------------------------------------------------------------- fit

def _choice(kind, value):
    """A loss/solver/init name as its nmf.h constant (NMF_<KIND>_<NAME>)."""
    if not isinstance(value, str):
        raise TypeError("nmfkit: %s must be a string, got %r" % (kind, value))
    code = constant("NMF_%s_%s" % (kind.upper(), value.upper()))
    if code is None:
        _raise_invalid("unknown %s %r (libnmf %s has no NMF_%s_%s)"
                       % (kind, value, library_version(), kind.upper(),
                          value.upper()))
    return code


def _int_in(name, value, lo, hi):
    try:
        value = int(value.__index__())
    except AttributeError:
        raise TypeError("nmfkit: %s must be an integer, got %r"
                        % (name, value)) from None
    if not lo <= value <= hi:
        _raise_invalid("%s = %d is outside [%d, %d]" % (name, value, lo, hi))
    return value


def _user_factor(name, X, shape, dtype, transposed):
    """A fresh, writable column-major buffer holding the user's factor X
    (the caller's array is never modified): X itself, or Xᵀ when the library
    sees the transposed problem (there W' = Hᵀ and H' = Wᵀ)."""
    X = np.asarray(X)
    if X.shape != shape:
        raise NmfError(ERR_DIMENSION, "%s has shape %s, expected %s"
                       % (name, X.shape, shape))
    if transposed:
        # The library sees X.T in column-major order: X in row-major order.
        return np.array(X, dtype=dtype, order="C").T
    return np.array(X, dtype=dtype, order="F")


class _SigintToFlag:
    """During a fit, turn Ctrl-C into a flag the progress callback reads.

    Python runs signal handlers between bytecodes, so with the default
    handler the KeyboardInterrupt would be raised at the entry of the ctypes
    callback, outside any ``try``, and ctypes would print and drop it.  This
    handler only records the signal; the callback then stops the fit and
    fit() raises KeyboardInterrupt.  Only in the main thread and only over
    Python's default handler: a handler the program installed is left alone.
    """

    def __init__(self, flag):
        self.flag = flag
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread():
            return self
        try:
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                self.previous = signal.signal(signal.SIGINT, self._handler)
        except (ValueError, OSError):  # no signals here (embedded Python)
            self.previous = None
        return self

    def _handler(self, signum, frame):
        self.flag.append(signum)

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False


def fit(A, k, *, loss="frobenius", solver="auto", init="random", seed=42,
        maxit=200, tol=1e-5, threads=0, l1_w=0.0, l1_h=0.0, l2_w=0.0,
        l2_h=0.0, W=None, H=None, fix_w=False, fix_h=False, progress=None,
        beta=1.0, missing="none", mu_eps=None):
    """Factor a non-negative matrix A ≈ W @ diag(d) @ H with rank k.

    A: a 2-d numpy array (float64 or float32; other real dtypes become
       float64) or a scipy.sparse matrix.  Column-major arrays, row-major
       arrays and CSC/CSR matrices are read in place (see the module
       docstring).
    k: the factorization rank, 1 <= k <= min(A.shape).
    loss, solver, init: names of nmf.h choices ("frobenius", "kl", "beta";
       "auto", "anls", "hals", "mu", "cd"; "random", "nndsvd", "nndsvda",
       "nndsvdar").  solver="auto" picks hals for frobenius (anls with missing
       entries), cd for kl, mu for any other beta.
    beta: the beta of loss="beta" (2 = frobenius, 1 = kl, 0 = Itakura-Saito).
    missing: "none"; "nan" (NaN entries of a dense A are missing); or
       "unstored" (entries a sparse A does not store are missing).  Missing
       entries are left out of the loss (every solver).  Entry weights
       (nmf_options.weights) are not exposed here.
    mu_eps: multiplicative updates keep every factor entry at least
       mu_eps * sqrt(max A) (None: the library's default).
    seed: seed of the random initialisation (0 <= seed < 2**64); the same
       inputs and seed give the same factors whatever ``threads`` is.
    maxit, tol: stop after maxit iterations or when the relative decrease of
       the loss falls below tol.
    threads: worker threads, 0 for all cores.
    l1_w, l1_h, l2_w, l2_h: penalties, the objective being
       1/2 ||A - WH||² + l1_w sum(W) + l2_w/2 ||W||² + l1_h sum(H) + l2_h/2 ||H||².
    W, H: optional starting values (m × k, k × n); with fix_w / fix_h the
       factor is held fixed and the other one solved exactly (projection).
    progress: optional callable progress(iteration, maxit, loss, rel_error)
       called after each iteration; a true return value stops the fit.

    Returns a FitResult.  Raises NmfError for anything libnmf rejects
    (negative or non-finite entries, bad rank or options, ...), re-raises an
    exception raised by ``progress`` after stopping the fit.
    """
    lib = _load()
    prep = _prepare(A)
    k = _int_in("k", k, -2 ** 63, 2 ** 63 - 1)
    T = prep.transposed

    opts = _Options()
    rc = lib.nmf_options_init(ctypes.byref(opts), ctypes.sizeof(opts))
    if rc != OK:
        raise NmfError(rc, lib.nmf_last_error_message().decode())
    opts.loss = _choice("loss", loss)
    opts.solver = _choice("solver", solver)
    opts.init = _choice("init", init)
    opts.seed = _int_in("seed", seed, 0, 2 ** 64 - 1)
    opts.maxit = _int_in("maxit", maxit, _INT32_MIN, _INT32_MAX)
    opts.n_threads = _int_in("threads", threads, _INT32_MIN, _INT32_MAX)
    opts.tol = float(tol)
    opts.beta = float(beta)
    opts.missing = _choice("missing", missing)
    if mu_eps is not None:
        opts.mu_eps = float(mu_eps)
    # On the transposed problem the roles of W and H are swapped.
    opts.l1_w, opts.l1_h = (float(l1_h), float(l1_w)) if T else (
        float(l1_w), float(l1_h))
    opts.l2_w, opts.l2_h = (float(l2_h), float(l2_w)) if T else (
        float(l2_w), float(l2_h))
    if fix_w and W is None:
        _raise_invalid("fix_w=True needs a W to hold fixed")
    if fix_h and H is None:
        _raise_invalid("fix_h=True needs an H to hold fixed")

    # Output buffers as the library sees them: Wl (ml × k), Hl (k × nl).
    ml, nl, dtype = prep.m, prep.n, prep.dtype
    m, n = (nl, ml) if T else (ml, nl)
    if not 1 <= k <= max(1, min(ml, nl)) or ml <= 0 or nl <= 0:
        k_alloc = 1  # the library reports the error; keep buffers tiny
    else:
        k_alloc = k
    user_w = user_h = None
    if W is not None:
        user_w = _user_factor("W", W, (m, k), dtype, T)
    if H is not None:
        user_h = _user_factor("H", H, (k, n), dtype, T)
    if T:
        # Aᵀ ≈ W' diag(d) H' with W' = Hᵀ (n × k) and H' = Wᵀ (k × m).
        Wl = user_h if user_h is not None else np.zeros(
            (ml, k_alloc), dtype=dtype, order="F")
        Hl = user_w if user_w is not None else np.zeros(
            (k_alloc, nl), dtype=dtype, order="F")
        opts.user_w, opts.user_h = int(H is not None), int(W is not None)
        opts.fix_w, opts.fix_h = int(bool(fix_h)), int(bool(fix_w))
    else:
        Wl = user_w if user_w is not None else np.zeros(
            (ml, k_alloc), dtype=dtype, order="F")
        Hl = user_h if user_h is not None else np.zeros(
            (k_alloc, nl), dtype=dtype, order="F")
        opts.user_w, opts.user_h = int(W is not None), int(H is not None)
        opts.fix_w, opts.fix_h = int(bool(fix_w)), int(bool(fix_h))
    d = np.zeros(k_alloc, dtype=dtype)
    assert Wl.flags.f_contiguous and Hl.flags.f_contiguous

    history = np.zeros(min(max(opts.maxit, 1), _MAX_HISTORY),
                       dtype=np.float64)
    res = _Result()
    lib.nmf_result_init(ctypes.byref(res), ctypes.sizeof(res))
    res.loss_history = history.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    res.loss_history_capacity = history.shape[0]

    # Always install a callback: it runs the user's progress function and
    # lets Ctrl-C stop the fit.  Nothing may propagate out of a ctypes
    # callback (ctypes prints and drops it), so exceptions are kept and
    # re-raised after the fit.
    raised = []
    interrupted = []

    def _on_progress(iteration, maxit_, loss_, rel_error_, _data):
        if raised or interrupted:
            return 1
        try:
            stop = progress is not None and progress(
                int(iteration), int(maxit_), float(loss_), float(rel_error_))
        except BaseException as exc:  # re-raised after the fit
            raised.append(exc)
            return 1
        return 1 if (stop or interrupted) else 0

    callback = _PROGRESS_FN(_on_progress)
    opts.progress = callback

    suffix = "d" if dtype == np.float64 else "f"
    with _SigintToFlag(interrupted):
        if prep.kind == "dense":
            fn = getattr(lib, "nmf_fit_dense_" + suffix)
            rc = fn(prep.data_ptr, ml, nl, prep.ld, k, Wl.ctypes.data,
                    d.ctypes.data, Hl.ctypes.data, ctypes.byref(opts),
                    ctypes.byref(res))
        else:
            isuffix = "i32" if prep.index_dtype == np.int32 else "i64"
            fn = getattr(lib, "nmf_fit_csc_%s_%s" % (suffix, isuffix))
            rc = fn(ml, nl, prep.indptr_ptr, prep.indices_ptr,
                    prep.data_ptr, k, Wl.ctypes.data, d.ctypes.data,
                    Hl.ctypes.data, ctypes.byref(opts), ctypes.byref(res))
        detail = lib.nmf_last_error_message().decode("utf-8", "replace")
    del prep  # the input arrays were needed until here
    if raised:
        raise raised[0]
    if interrupted:
        raise KeyboardInterrupt
    if rc < 0:
        if T and detail:
            detail += (" (A was factored as its transpose, so rows and "
                       "columns, m and n, W and H are swapped in this message)")
        raise NmfError(rc, detail)

    W_out, H_out = (Hl.T, Wl.T) if T else (Wl, Hl)
    return FitResult(
        W=W_out, d=d, H=H_out, iterations=int(res.iterations),
        loss=float(res.loss), rel_error=float(res.rel_error),
        stop_reason=_STOP_REASONS.get(res.stop_reason, str(res.stop_reason)),
        loss_history=history[:res.history_length].copy(),
        solver={0: "auto", 1: "hals", 2: "mu", 3: "cd", 4: "anls"}.get(
            res.solver, str(res.solver)),
        init={-1: "user", 0: "random", 1: "nndsvd", 2: "nndsvda",
              3: "nndsvdar"}.get(res.init, str(res.init)),
        seconds=float(res.seconds))
