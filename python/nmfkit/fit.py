"""nmfkit.fit: one factorization, its options and progress callback."""

import ctypes
import signal
import threading

import numpy as np

from ._inputs import _check_names, _prepare
from ._options import options_doc, options_struct, set_options
from ._library import (_show_notice, ERR_DIMENSION, OK, _INT32_MAX, _INT32_MIN,
                       _MAX_HISTORY, _Options, _PROGRESS_FN, _Result,
                       _STOP_REASONS, NmfError, _load, _raise_invalid,
                       constant, library_version)

# ------------------------------------------------------------------ result

class FitResult:
    """The factorization A ≈ W @ diag(d) @ H and how it was reached.

    W (m × k), d (k,), H (k × n): numpy arrays of A's float type, canonical
    unless a factor was fixed (columns of W and rows of H sum to 1,
    components ordered by d, largest first).  iterations, loss (the penalised
    objective 1/2 ||A - WH||² + penalties), rel_error (||A - WH|| / ||A||),
    stop_reason ("none", "maxit", "tol", "cancelled", "exact" or "stable":
    the samples' assignment was stable, option stable_checks),
    loss_history (the loss after each iteration), solver, init and
    extrapolation ("on" or "off": what the library actually used),
    restarts (extrapolation steps undone), sketch_rank and
    sketch_iterations (the warm start on a sketch of A: its rank, 0 when
    none was used, and its iterations, not counted in iterations), seconds
    (wall-clock time of the fit).
    """

    __slots__ = ("W", "d", "H", "iterations", "loss", "rel_error",
                 "stop_reason", "loss_history", "solver", "init",
                 "extrapolation", "restarts", "sketch_rank",
                 "sketch_iterations", "seconds")

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


def _user_factor(name, X, shape, dtype):
    """A fresh, writable column-major copy of the user's factor X (the
    caller's array is never modified)."""
    X = np.asarray(X)
    if X.shape != shape:
        raise NmfError(ERR_DIMENSION, "%s has shape %s, expected %s"
                       % (name, X.shape, shape))
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


def _weights(weights, prep, shape):
    """Entry weights (nmf_options.weights) in the layout the library reads:
    (array, leading dimension).  Dense A: an m × n array like A.  Sparse A:
    one weight per stored entry, aligned with ``A.data`` (put in the order
    of the CSC the library reads)."""
    if prep.kind == "dense":
        w = np.asarray(weights)
        if w.shape != shape:
            raise NmfError(ERR_DIMENSION, "weights have shape %s, expected %s "
                           "(the shape of A)" % (w.shape, shape))
        return np.asfortranarray(w, dtype=np.float64), max(1, prep.m)
    if prep.entry_order is None:
        _raise_invalid(
            "weights of a sparse A are one per stored entry, aligned with "
            "A.data: A must then be a CSC or CSR matrix in "
            "canonical format (sorted indices, no duplicates)")
    w = np.ascontiguousarray(np.asarray(weights, dtype=np.float64).ravel())
    nnz = prep.keep[1].shape[0]
    if w.shape[0] != nnz:
        raise NmfError(ERR_DIMENSION, "weights have %d values, expected one "
                       "per stored entry of A (%d)" % (w.shape[0], nnz))
    return np.ascontiguousarray(w[prep.entry_order]), 0


def _fit_options(prep, func, options):
    """An nmf_options for the prepared input and the fit options (keyword
    arguments: any option of the library's table, see _options, and
    weights), and the arrays it points to, which must be kept alive for the
    call.  func names the calling function in errors."""
    options = dict(options)
    weights = options.pop("weights", None)
    opts = options_struct()
    set_options(opts, func, options)
    keep = []
    if weights is not None:
        w, ld = _weights(weights, prep, (prep.m, prep.n))
        keep.append(w)
        opts.weights = w.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
        opts.weights_ld = ld
    return opts, keep


def _options_for(prep, func, options):
    """_fit_options(prep, func, options): the options' struct for func."""
    return _fit_options(prep, func, options)


class _ProgressHook:
    """The callback the binding always installs (nmf_options.progress).

    It runs the user's progress function and lets Ctrl-C stop the call.
    Nothing may propagate out of a ctypes callback (ctypes prints and drops
    it), so an exception is kept and re-raised after the call (reraise()).
    Use as a context manager around the library call (Ctrl-C -> flag).
    """

    def __init__(self, progress):
        self.progress = progress
        self.raised = []
        self.interrupted = []
        self.callback = _PROGRESS_FN(self._call)
        self._sigint = _SigintToFlag(self.interrupted)

    def _call(self, done, total, loss, rel_error, _data):
        if self.raised or self.interrupted:
            return 1
        try:
            stop = self.progress is not None and self.progress(
                int(done), int(total), float(loss), float(rel_error))
        except BaseException as exc:  # re-raised after the call
            self.raised.append(exc)
            return 1
        return 1 if (stop or self.interrupted) else 0

    def __enter__(self):
        self._sigint.__enter__()
        return self

    def __exit__(self, *exc):
        return self._sigint.__exit__(*exc)

    def reraise(self):
        if self.raised:
            raise self.raised[0]
        if self.interrupted:
            raise KeyboardInterrupt


def fit(A, k, *, W=None, H=None, fix_w=False, fix_h=False, progress=None,
        strict_names=False, **options):
    """Factor a non-negative matrix A ≈ W @ diag(d) @ H with rank k.

    A: a 2-d numpy array (float64 or float32; other real dtypes become
       float64) or a scipy.sparse matrix.  Column-major arrays and CSC
       matrices are read in place, other layouts copied once; every layout
       gives the same factors (see the module docstring).
    k: the factorization rank, 1 <= k <= min(A.shape).
    W, H: optional starting values (m × k, k × n); with fix_w / fix_h the
       factor is held fixed and the other one solved exactly (projection).
    progress: optional callable progress(iteration, maxit, loss, rel_error)
       called after each iteration; a true return value stops the fit.
    strict_names: for a labelled A (a pandas DataFrame), duplicate row or
       column names raise ValueError instead of a UserWarning (the same for
       consensus(), rank_survey() and bicv()).

    Fit options (keyword arguments, the same for consensus(), rank_survey()
    and bicv()): every option of libnmf's option table, listed at the end
    of this text with its default, the values it allows and its help line,
    as the library reports them (nmfkit.options() gives the same as data).
    A new option of the library is a keyword here as it is.  None keeps
    the library's default.  Python's own spellings: threads for n_threads;
    choice names in any case; True, False, None for "on", "off", "auto";
    missing="nan" for "na".  The objective with penalties is
    1/2 ||A - WH||² + l1_w sum(W) + l2_w/2 ||W||² + l1_h sum(H)
    + l2_h/2 ||H||² (+ the sparse_w, sparse_h terms); the same seed gives
    the same factors whatever ``threads`` is.
    weights=None: non-negative entry weights, the loss becoming
       sum w_ij D(a_ij, (WH)_ij): for a dense A an array of A's shape, for
       a sparse A one weight per stored entry aligned with ``A.data`` (A in
       canonical CSC or CSR format).

    Returns a FitResult.  Raises NmfError for anything libnmf rejects
    (negative or non-finite entries, bad rank or options, ...), re-raises an
    exception raised by ``progress`` after stopping the fit.
    """
    _check_names(A, strict_names)
    lib = _load()
    prep = _prepare(A)
    k = _int_in("k", k, -2 ** 63, 2 ** 63 - 1)
    opts, keep = _options_for(prep, "fit", options)
    if fix_w and W is None:
        _raise_invalid("fix_w=True needs a W to hold fixed")
    if fix_h and H is None:
        _raise_invalid("fix_h=True needs an H to hold fixed")

    # Output buffers, column-major: Wl (m × k), Hl (k × n).
    ml, nl, dtype = prep.m, prep.n, prep.dtype
    if not 1 <= k <= max(1, min(ml, nl)) or ml <= 0 or nl <= 0:
        k_alloc = 1  # the library reports the error; keep buffers tiny
    else:
        k_alloc = k
    if W is not None:
        Wl = _user_factor("W", W, (ml, k), dtype)
    else:
        Wl = np.zeros((ml, k_alloc), dtype=dtype, order="F")
    if H is not None:
        Hl = _user_factor("H", H, (k, nl), dtype)
    else:
        Hl = np.zeros((k_alloc, nl), dtype=dtype, order="F")
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

    hook = _ProgressHook(progress)
    opts.progress = hook.callback

    matrix = prep.matrix()
    with hook:
        rc = lib.nmf_fit(ctypes.byref(matrix), k, Wl.ctypes.data, d.ctypes.data,
                         Hl.ctypes.data, ctypes.byref(opts), ctypes.byref(res))
        detail = lib.nmf_last_error_message().decode("utf-8", "replace")
    del prep, keep  # the input arrays were needed until here
    _show_notice(lib)
    hook.reraise()
    if rc < 0:
        raise NmfError(rc, detail)

    return FitResult(
        W=Wl, d=d, H=Hl, iterations=int(res.iterations),
        loss=float(res.loss), rel_error=float(res.rel_error),
        stop_reason=_STOP_REASONS.get(res.stop_reason, str(res.stop_reason)),
        loss_history=history[:res.history_length].copy(),
        solver=_SOLVER_NAMES.get(res.solver, str(res.solver)),
        init={-1: "user", 0: "random", 1: "nndsvd", 2: "nndsvda",
              3: "nndsvdar"}.get(res.init, str(res.init)),
        extrapolation="on" if res.extrapolation == 1 else "off",
        restarts=int(res.restarts), sketch_rank=int(res.sketch_rank),
        sketch_iterations=int(res.sketch_iterations),
        seconds=float(res.seconds))


def _append_options_doc(func):
    """Appends the library's option list to func's docstring (left as it
    is when the library cannot be loaded at import)."""
    try:
        func.__doc__ += "\n    The options, from libnmf's table:\n" + \
            options_doc() + "\n"
    except (OSError, NmfError):
        pass


_append_options_doc(fit)

_SOLVER_NAMES = {0: "auto", 1: "hals", 2: "mu", 3: "cd", 4: "anls"}
