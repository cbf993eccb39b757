"""nmfkit — non-negative matrix factorization from Python, through libnmf's C ABI.

A small ctypes binding (no compiled extension) of ``libnmf.so``::

    import numpy as np, nmfkit
    A = np.random.default_rng(0).random((100, 40))
    fit = nmfkit.fit(A, k=5)
    fit.W, fit.d, fit.H          # A ≈ W @ np.diag(d) @ H
    fit.rel_error                # ||A - W diag(d) H||_F / ||A||_F

The gene-expression workflow of Brunet et al. (PNAS 2004), samples being
the columns of A:

* :func:`fit` — one factorization (every nmf_options field is a keyword);
* :func:`consensus` — nrun fits from nmf.h's per-run seeds
  (:func:`run_seed`), the consensus matrix, consensus clusters, silhouette
  widths, the average-linkage tree (R's hclust form), cophenetic
  correlation, dispersion and the best fit (a :class:`ConsensusResult`);
* :func:`rank_survey` — a consensus at each rank of a list, optionally with
  the row-permuted null baseline, plus a table of the measures;
* :func:`bicv` — held-out error per rank by bi-cross-validation, with the
  suggested rank;
* :func:`feature_scores`, :func:`select_features` — metagene markers of a
  basis W (Kim & Park 2007, or max contribution).
* :class:`NMF` — a scikit-learn estimator (``fit``, ``transform``,
  ``components_``, ...) with scikit-learn's parameters and objective,
  samples being the rows of X there as scikit-learn has them; imported on
  first use, it needs scikit-learn.

Networks: :func:`symnmf` — symmetric NMF A ≈ H Hᵀ of an adjacency or
similarity matrix (numpy or scipy.sparse), with ``communities`` and
``score(pairs)`` (module nmfkit_symnmf.py, imported here).

The library is found, in this order, at the path in the environment variable
``NMFKIT_LIBRARY``, next to this module (``libnmf.so``: a copy bundled by
``NMFKIT_BUNDLE_LIBRARY=/abs/path/libnmf.so pip install ./python``, or the
link ``cmake --install`` puts there), or by
``ctypes.util.find_library("nmf")``.

The library factors A itself, whatever its memory layout, so the same
matrix gives the same factors, bit for bit, for the same seed whether it is
a column-major or row-major array or a CSC, CSR, COO (or any other)
``scipy.sparse`` matrix, and errors name rows and columns as A has them:

* a Fortran-ordered (column-major) ``numpy.ndarray`` is passed as it is,
  without a copy, also a column-major slice with a leading dimension larger
  than its row count;
* a ``scipy.sparse`` CSC matrix is passed as it is (only ``indptr`` is
  converted to int64 if needed);
* anything else is copied once into the form the library reads: a C-ordered
  (row-major) array into a column-major one, a CSR, COO or other sparse
  matrix into CSC.  A row-major m × n array is, in memory, the column-major
  n × m matrix Aᵀ, and factoring Aᵀ instead would be a different computation
  (the library alternates its updates of W and H in a fixed order and
  normalises W's columns), whose iterates agree with those on A only to
  rounding and only at a unique optimum; the copy is the price of one
  answer per matrix.  Pass ``np.asfortranarray(A)`` or a CSC matrix to
  avoid it;
* float32 inputs use the library's single-precision entry points and give
  float32 factors; any other real dtype is converted to float64.

A labelled input (a pandas DataFrame, or anything with ``index`` and
``columns``) is read through ``numpy.asarray``; duplicate row or column
names in it give a ``UserWarning`` naming the first duplicate and both
positions (they make W and H ambiguous downstream), or with
``strict_names=True`` a ``ValueError``.

Errors are raised as :class:`NmfError` with the library's status code, its
description (``nmf_strerror``) and the detail (``nmf_last_error_message``).
The handles nmf.h returns for consensus and surveys are copied into numpy
arrays and freed before the call returns, whatever happens.

A progress callback ``progress(iteration, maxit, loss, rel_error)`` may return
a true value to stop the fit (the result then has ``stop_reason ==
"cancelled"`` and holds the last complete iterate).  An exception raised in
the callback (including ``KeyboardInterrupt``) stops the fit and is re-raised
from :func:`fit`.  The binding always installs its own callback, so Ctrl-C
interrupts a long fit within one iteration.  consensus() and rank_survey()
take the same kind of callback, ``progress(runs_done, runs_total,
best_loss, best_rel_error)``, with the same Ctrl-C and exception handling.

ctypes releases the GIL during the call, so fits in several Python threads run
in parallel.

The library's notices (``nmf_take_notice``) are emitted as
:class:`RuntimeWarning`.  The one notice today: in a process forked after
threads were started (``multiprocessing`` with the fork start method), fits
run on one thread, since a forked OpenMP runtime cannot start threads; the
results are the same, and each worker process warns once (pass
``threads=1`` in forked workers to avoid it).
"""

import ctypes
import ctypes.util
import os
import signal
import threading
import warnings

import numpy as np

__all__ = ["fit", "FitResult", "NmfError", "library_path", "library_version",
           "constant", "consensus", "ConsensusResult", "rank_survey",
           "SurveyResult", "bicv", "BicvResult", "feature_scores",
           "select_features", "run_seed", "NMF"]

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
        # const nmf_collective * (distributed runs); always NULL here.
        ("collective", ctypes.c_void_p),
        ("sketch", ctypes.c_int32),
        ("sketch_rank", ctypes.c_int64),
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
        ("sketch_rank", ctypes.c_int64),
        ("sketch_iterations", ctypes.c_int64),
    ]


class _ConsensusInfo(ctypes.Structure):
    """nmf_consensus_info (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("best_stop_reason", ctypes.c_int32),
        ("m", ctypes.c_int64),
        ("n", ctypes.c_int64),
        ("k", ctypes.c_int64),
        ("nrun", ctypes.c_int64),
        ("runs_done", ctypes.c_int64),
        ("best_run", ctypes.c_int64),
        ("best_iterations", ctypes.c_int64),
        ("best_loss", ctypes.c_double),
        ("rel_error", ctypes.c_double),
        ("rss", ctypes.c_double),
        ("evar", ctypes.c_double),
        ("cophenetic", ctypes.c_double),
        ("dispersion", ctypes.c_double),
        ("silhouette", ctypes.c_double),
        ("seconds", ctypes.c_double),
    ]


class _SurveyOptions(ctypes.Structure):
    """nmf_survey_options (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("randomized", ctypes.c_int32),
        ("nrun", ctypes.c_int64),
        ("random_seed", ctypes.c_uint64),
    ]


class _BicvOptions(ctypes.Structure):
    """nmf_bicv_options (nmf.h)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("row_groups", ctypes.c_int32),
        ("col_groups", ctypes.c_int32),
        ("reps", ctypes.c_int32),
        ("seed", ctypes.c_uint64),
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
    lib.nmf_take_notice.restype = ctypes.c_char_p
    lib.nmf_take_notice.argtypes = []
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
    _declare_consensus(lib)
    _lib = lib
    library_path = path
    return lib


def _declare_consensus(lib):
    """Prototypes of nmf.h's consensus, survey, bicv and marker functions.
    Handles (nmf_consensus *, nmf_survey *) are opaque c_void_p values."""
    c_i32, c_i64, vp = ctypes.c_int32, ctypes.c_int64, ctypes.c_void_p
    opts_p, out_p = ctypes.POINTER(_Options), ctypes.POINTER(ctypes.c_void_p)
    sopts_p, bopts_p = (ctypes.POINTER(_SurveyOptions),
                        ctypes.POINTER(_BicvOptions))
    protos = {
        "nmf_consensus_free": (None, [vp]),
        "nmf_consensus_get_info": (c_i32, [vp, ctypes.POINTER(_ConsensusInfo)]),
        "nmf_consensus_matrix": (c_i32, [vp, vp, c_i64]),
        "nmf_consensus_labels": (c_i32, [vp, vp, vp]),
        "nmf_consensus_silhouette": (c_i32, [vp, vp]),
        "nmf_consensus_tree": (c_i32, [vp, vp, vp, vp]),
        "nmf_consensus_best_fit": (c_i32, [vp, vp, vp, vp]),
        "nmf_consensus_runs": (c_i32, [vp, vp, vp]),
        "nmf_survey_options_init": (c_i32, [sopts_p, ctypes.c_size_t]),
        "nmf_survey_free": (None, [vp]),
        "nmf_survey_size": (c_i64, [vp]),
        "nmf_survey_get": (vp, [vp, c_i64, c_i32]),
        "nmf_bicv_options_init": (c_i32, [bopts_p, ctypes.c_size_t]),
        "nmf_feature_scores": (c_i32, [vp, c_i64, c_i64, c_i64, c_i32, vp]),
        "nmf_select_features": (c_i32, [vp, c_i64, c_i64, c_i64, c_i32, vp,
                                        vp]),
    }
    for s in ("d", "f"):
        protos["nmf_consensus_dense_" + s] = (
            c_i32, [vp, c_i64, c_i64, c_i64, c_i64, c_i64, opts_p, out_p])
        protos["nmf_survey_dense_" + s] = (
            c_i32, [vp, c_i64, c_i64, c_i64, vp, c_i64, sopts_p, opts_p,
                    out_p])
        protos["nmf_bicv_dense_" + s] = (
            c_i32, [vp, c_i64, c_i64, c_i64, vp, c_i64, bopts_p, opts_p, vp,
                    vp, vp])
        for i in ("i32", "i64"):
            protos["nmf_consensus_csc_%s_%s" % (s, i)] = (
                c_i32, [c_i64, c_i64, vp, vp, vp, c_i64, c_i64, opts_p,
                        out_p])
            protos["nmf_survey_csc_%s_%s" % (s, i)] = (
                c_i32, [c_i64, c_i64, vp, vp, vp, vp, c_i64, sopts_p, opts_p,
                        out_p])
            protos["nmf_bicv_csc_%s_%s" % (s, i)] = (
                c_i32, [c_i64, c_i64, vp, vp, vp, vp, c_i64, bopts_p, opts_p,
                        vp, vp, vp])
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


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

    kind: "dense" or "csc".  m, n: the shape of A (the library always
    factors A itself, never its transpose).  ld: leading dimension (dense).
    dtype: float64 or float32.  data_ptr / indptr_ptr / indices_ptr: the
    addresses passed; ``keep`` holds the arrays that own them.  index_dtype:
    int32 or int64 (csc).  copied: whether the data values were copied.
    entry_order (csc): None when the caller's sparse matrix cannot carry
    per-entry weights (not canonical CSC or CSR); otherwise the index into
    the caller's ``A.data`` of each value passed (a slice when the order is
    kept), so weights aligned with ``A.data`` can follow the values.
    """

    __slots__ = ("kind", "m", "n", "ld", "dtype", "data_ptr", "indptr_ptr",
                 "indices_ptr", "index_dtype", "copied", "keep",
                 "entry_order")

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


def _duplicate_name(labels, kind):
    """'row name 'g1' appears twice (rows 1 and 3)' for the first repeated
    label (the earliest second occurrence; positions 1-based), or None."""
    first = {}
    labels = list(labels)
    for i, label in enumerate(labels):
        j = first.setdefault(label, i)
        if j != i:
            count = sum(1 for x in labels if x == label)
            where = "%ss %d and %d" % (kind, j + 1, i + 1)
            if count == 2:
                return "%s name %r appears twice (%s)" % (kind, label, where)
            return "%s name %r appears %d times (first %s)" % (kind, label, count, where)
    return None


def _check_names(A, strict_names):
    """Warns (UserWarning), or with strict_names raises ValueError, about
    the first duplicate row and column name of a labelled input."""
    for attribute, kind in (("index", "row"), ("columns", "column")):
        labels = getattr(A, attribute, None)
        if labels is None or callable(labels) or isinstance(A, np.ndarray):
            continue
        message = _duplicate_name(labels, kind)
        if message is None:
            continue
        if strict_names:
            raise ValueError("nmfkit: " + message + "; strict_names=True requires "
                             "unique names")
        warnings.warn("nmfkit: " + message + " (strict_names=True makes this an "
                      "error)", UserWarning, stacklevel=3)


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
                             data_ptr=A.ctypes.data, copied=False, keep=(A,))
    # Row-major or strided: one column-major copy (see the module docstring
    # for why a row-major array is not factored as its transpose).
    copy = np.asfortranarray(A, dtype=want)
    if not copy.dtype.isnative:
        copy = copy.astype(copy.dtype.newbyteorder("="), order="F")
    return _Prepared(kind="dense", m=m, n=n, ld=max(1, m), dtype=want,
                     data_ptr=copy.ctypes.data, copied=True, keep=(copy,))


def _native(x, dtype=None):
    """x as a contiguous, aligned, native-endian array (a view if it is one)."""
    dtype = np.dtype(dtype if dtype is not None else x.dtype).newbyteorder("=")
    return np.require(x, dtype=dtype, requirements=["C", "A"])


def _prepare_sparse(A):
    fmt = A.format
    canonical = fmt in ("csc", "csr") and bool(A.has_canonical_format)
    entry_order = slice(None) if canonical else None
    copied = False
    if fmt != "csc":
        if canonical:
            # Where each of the caller's entries lands in the CSC (for
            # weights aligned with A.data): convert their positions alike.
            import scipy.sparse as sp
            nnz = A.data.shape[0]
            positions = sp.csr_matrix(
                (np.arange(1, nnz + 1, dtype=np.int64), A.indices, A.indptr),
                shape=A.shape).tocsc()
            entry_order = positions.data - 1
        A = A.tocsc()
        copied = True
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
    return _Prepared(kind="csc", m=m, n=n, ld=None, dtype=want,
                     data_ptr=data.ctypes.data,
                     indptr_ptr=indptr.ctypes.data,
                     indices_ptr=indices.ctypes.data,
                     index_dtype=indices.dtype, copied=copied,
                     keep=(A, data, indptr, indices), entry_order=entry_order)


def _prepare(A):
    """The arguments the library will be given for A (see _Prepared): A
    itself, column-major or CSC, in place when it already is one.

    Internal, exposed for tests: it shows which inputs are passed without a
    copy (``data_ptr`` is the caller's buffer).
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


_MISSING_NAMES = {"none": "NONE", "na": "NAN", "nan": "NAN",
                  "unstored": "UNSTORED"}
_EXTRAPOLATION_NAMES = {"auto": "AUTO", "on": "ON", "off": "OFF",
                        None: "AUTO", True: "ON", False: "OFF"}
_SKETCH_NAMES = _EXTRAPOLATION_NAMES


def _named_choice(kind, value, names):
    """A choice given by one of ``names`` (Python name -> nmf.h suffix)."""
    try:
        suffix = names[value.lower() if isinstance(value, str) else value]
    except (KeyError, TypeError):
        _raise_invalid("unknown %s %r (one of %s)" % (
            kind, value, ", ".join(repr(n) for n in names
                                   if isinstance(n, str))))
    return _choice(kind, suffix)


def _set_float(opts, field, value, name=None):
    """opts.field = float(value) unless value is None (keep the default)."""
    if value is None:
        return
    try:
        setattr(opts, field, float(value))
    except (TypeError, ValueError):
        raise TypeError("nmfkit: %s must be a number, got %r"
                        % (name or field, value)) from None


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


def _fit_options(prep, loss="frobenius", solver="auto", init="random",
                 seed=42, maxit=200, tol=1e-5, threads=0, l1_w=0.0, l1_h=0.0,
                 l2_w=0.0, l2_h=0.0, beta=1.0, missing="none", mu_eps=None,
                 weights=None, extrapolation="auto", extrap_beta0=None,
                 extrap_eta=None, extrap_gamma=None, extrap_gamma_bar=None,
                 sparse_w=0.0, sparse_h=0.0, ns_theta=0.0, hals_alpha=None,
                 hals_delta=None, sketch="auto", sketch_rank=0):
    """An nmf_options for the prepared input and the fit options (the
    keyword arguments documented in fit()), and the arrays it points to,
    which must be kept alive for the call."""
    lib = _load()
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
    _set_float(opts, "tol", tol)
    _set_float(opts, "beta", beta)
    opts.missing = _named_choice("missing", missing, _MISSING_NAMES)
    _set_float(opts, "mu_eps", mu_eps)
    _set_float(opts, "hals_alpha", hals_alpha)
    _set_float(opts, "hals_delta", hals_delta)
    opts.extrapolation = _named_choice("extrapolation", extrapolation,
                                       _EXTRAPOLATION_NAMES)
    for name, value in (("extrap_beta0", extrap_beta0),
                        ("extrap_eta", extrap_eta),
                        ("extrap_gamma", extrap_gamma),
                        ("extrap_gamma_bar", extrap_gamma_bar)):
        _set_float(opts, name, value)
    _set_float(opts, "ns_theta", ns_theta)
    opts.sketch = _named_choice("sketch", sketch, _SKETCH_NAMES)
    opts.sketch_rank = _int_in("sketch_rank", sketch_rank, -2 ** 63, 2 ** 63 - 1)
    for field, value in (("l1_w", l1_w), ("l1_h", l1_h), ("l2_w", l2_w),
                         ("l2_h", l2_h), ("sparse_w", sparse_w),
                         ("sparse_h", sparse_h)):
        _set_float(opts, field, value)
    keep = []
    if weights is not None:
        w, ld = _weights(weights, prep, (prep.m, prep.n))
        keep.append(w)
        opts.weights = w.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
        opts.weights_ld = ld
    return opts, keep


def _options_for(prep, func, options):
    """_fit_options(prep, **options), naming func for an unknown option."""
    try:
        return _fit_options(prep, **options)
    except TypeError as exc:
        if "unexpected keyword" not in str(exc):
            raise
        name = str(exc).rsplit("argument", 1)[-1].strip()
        raise TypeError("nmfkit.%s() got an unknown option %s (see the fit "
                        "options of nmfkit.fit)" % (func, name)) from None


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

    Fit options (keyword arguments; the same for consensus(), rank_survey()
    and bicv(); nmf.h's nmf_options documents each):
    loss="frobenius", solver="auto", init="random": names of nmf.h choices
       ("frobenius", "kl", "beta"; "auto", "anls", "hals", "mu", "cd";
       "random", "nndsvd", "nndsvda", "nndsvdar").  solver="auto" picks
       hals for frobenius (anls with missing entries or weights), cd for
       kl, mu for any other beta.
    beta=1.0: the beta of loss="beta" (2 = frobenius, 1 = kl,
       0 = Itakura-Saito).
    seed=42: seed of the random initialisation (0 <= seed < 2**64); the
       same inputs and seed give the same factors whatever ``threads`` is.
    maxit=200, tol=1e-5: stop after maxit iterations or when the relative
       decrease of the loss falls below tol.
    threads=0: worker threads, 0 for all cores.
    l1_w, l1_h, l2_w, l2_h (0): penalties, the objective being
       1/2 ||A - WH||² + l1_w sum(W) + l2_w/2 ||W||² + l1_h sum(H)
       + l2_h/2 ||H||².
    sparse_w, sparse_h (0): sparse NMF (Kim & Park 2007): adds
       1/2 sparse_h sum_j (sum_i H_ij)² + 1/2 sparse_w sum_i (sum_j W_ij)²
       (SNMF/R is sparse_h = beta, l2_w = eta, solver="anls").
    ns_theta=0: nsNMF (Pascual-Montano et al. 2006), A ≈ W S H with
       S = (1 - ns_theta) I + ns_theta/k 11ᵀ; W is the sparse basis and the
       H returned is S H.
    missing="none": "na" (NaN entries of a dense A are missing; "nan" is
       accepted as an alias) or "unstored" (entries a sparse A does not
       store are missing).  Missing entries are left out of the loss.
    weights=None: non-negative entry weights, the loss becoming
       sum w_ij D(a_ij, (WH)_ij): for a dense A an array of A's shape, for
       a sparse A one weight per stored entry aligned with ``A.data`` (A in
       canonical CSC or CSR format).
    mu_eps=None: multiplicative updates keep every factor entry at least
       mu_eps * sqrt(max A) (None: the library's default).
    extrapolation="auto": "on", "off" or "auto" (also True, False, None):
       extrapolation with restarts (Ang & Gillis 2019) around ANLS and
       HALS; extrap_beta0, extrap_eta, extrap_gamma, extrap_gamma_bar
       (None: the library's defaults 0.5, 1.5, 1.05, 1.01) are its
       parameters.
    hals_alpha, hals_delta (None: 0.5, 0.1): inner sweeps of accelerated
       HALS (Gillis & Glineur 2012).
    sketch="auto": "on", "off" or "auto" (also True, False, None): a warm
       start on a randomized sketch of A of rank sketch_rank (0: k + 10)
       before the iterations on A (nmf.h, NMF_SKETCH_*); auto uses it for
       a dense A of at least 4e6 entries whose smaller side is at least 4
       times the sketch's rank.

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

    suffix = "d" if dtype == np.float64 else "f"
    with hook:
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


_SOLVER_NAMES = {0: "auto", 1: "hals", 2: "mu", 3: "cd", 4: "anls"}


# ---------------------------------------------------- consensus clustering
# nmf.h, "Consensus clustering, rank selection and metagene markers"
# (Brunet, Tamayo, Golub & Mesirov, PNAS 2004).  Every handle the library
# returns is copied out into numpy arrays and freed before the function
# returns, also when copying fails or an exception is re-raised.

def run_seed(seed, run):
    """The seed nmf.h gives run ``run`` (0-based) of a consensus with master
    seed ``seed``: splitmix64(seed + (run + 1) * 0x9e3779b97f4a7c15), so that
    run can be repeated alone with fit(A, k, seed=run_seed(seed, run))."""
    mask = 2 ** 64 - 1
    z = (int(seed) + (int(run) + 1) * 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


class ConsensusResult:
    """The outcome of nrun fits of A at rank k (consensus()).

    consensus: n × n, the fraction of runs in which samples i and j (columns
      of A) share a component (a sample's component: the largest d_l H_lj).
    membership: n consensus clusters (0-based; the average-linkage tree of
      1 - consensus cut into k clusters, numbered in the order of their first
      sample).  best_labels: n components of the samples in the best run.
    silhouette_widths: n silhouette widths of the consensus clusters on
      1 - consensus.
    merge ((n-1) × 2, int64), height (n-1), order (n): the average-linkage
      tree of 1 - consensus in the form of R's hclust: row s of merge joins
      two clusters at height[s], -(j + 1) being sample j and s' + 1 the
      cluster formed at step s'; order is the leaf order (0-based).
    W (m × k), d (k), H (k × n): the best run's canonical factors (float64).
    run_labels (n × runs_done, int32): every run's components of the
      samples (column r: run r); run_loss (runs_done): every run's loss.
    k, m, n, nrun (runs requested), runs_done, cancelled (the progress
      callback stopped the runs: runs_done < nrun), best_run (0-based),
      best_loss, best_iterations, best_stop_reason, rel_error, rss
      (||A - W diag(d) H||²_F of the best run), evar (1 - rss / ||A||²_F),
      cophenetic (NaN when undefined), dispersion, silhouette (mean width),
      seconds.
    """

    __slots__ = ("consensus", "membership", "best_labels",
                 "silhouette_widths", "merge", "height", "order", "W", "d",
                 "H", "run_labels", "run_loss", "k", "m", "n", "nrun",
                 "runs_done", "cancelled", "best_run", "best_loss",
                 "best_iterations", "best_stop_reason", "rel_error", "rss",
                 "evar", "cophenetic", "dispersion", "silhouette", "seconds")

    _MEASURES = ("k", "cophenetic", "dispersion", "silhouette", "rss", "evar",
                 "rel_error", "best_loss", "best_run", "runs_done", "seconds")

    def __init__(self, **kw):
        for slot in self.__slots__:
            setattr(self, slot, kw[slot])

    def measures(self):
        """The summary as a dict (k, cophenetic, dispersion, silhouette,
        rss, evar, rel_error, best_loss, best_run, runs_done, seconds)."""
        return {name: getattr(self, name) for name in self._MEASURES}

    def fitted(self):
        """The best run's approximation W @ diag(d) @ H."""
        return (self.W * self.d) @ self.H

    def __repr__(self):
        return ("ConsensusResult(k=%d, n=%d, runs=%d/%d, cophenetic=%.4g, "
                "dispersion=%.4g, silhouette=%.4g)"
                % (self.k, self.n, self.runs_done, self.nrun, self.cophenetic,
                   self.dispersion, self.silhouette))


def _show_notice(lib):
    """Emit the library's pending notice (nmf_take_notice), if any, as a
    RuntimeWarning pointing at the caller's call."""
    notice = lib.nmf_take_notice()
    if notice:
        warnings.warn("nmfkit: " + notice.decode("utf-8", "replace"),
                      RuntimeWarning, stacklevel=3)


def _check(rc):
    """Raise NmfError for a negative status of a call just made."""
    if rc < 0:
        raise NmfError(rc, _load().nmf_last_error_message().decode(
            "utf-8", "replace"))


def _read_consensus(lib, handle, cancelled=False):
    """Everything a consensus handle holds, copied into numpy arrays (the
    handle is not freed here)."""
    info = _ConsensusInfo()
    info.struct_size = ctypes.sizeof(info)
    _check(lib.nmf_consensus_get_info(handle, ctypes.byref(info)))
    m, n, k, runs = info.m, info.n, info.k, info.runs_done
    C = np.zeros((n, n), dtype=np.float64, order="F")
    _check(lib.nmf_consensus_matrix(handle, C.ctypes.data, max(1, n)))
    membership = np.zeros(n, dtype=np.int32)
    best_labels = np.zeros(n, dtype=np.int32)
    _check(lib.nmf_consensus_labels(handle, membership.ctypes.data,
                                    best_labels.ctypes.data))
    widths = np.zeros(n, dtype=np.float64)
    _check(lib.nmf_consensus_silhouette(handle, widths.ctypes.data))
    steps = max(n - 1, 0)
    merge = np.zeros((steps, 2), dtype=np.int64, order="F")
    height = np.zeros(steps, dtype=np.float64)
    order = np.zeros(n, dtype=np.int64)
    _check(lib.nmf_consensus_tree(handle, merge.ctypes.data,
                                  height.ctypes.data, order.ctypes.data))
    W = np.zeros((m, k), dtype=np.float64, order="F")
    d = np.zeros(k, dtype=np.float64)
    H = np.zeros((k, n), dtype=np.float64, order="F")
    _check(lib.nmf_consensus_best_fit(handle, W.ctypes.data, d.ctypes.data,
                                      H.ctypes.data))
    run_labels = np.zeros((n, runs), dtype=np.int32, order="F")
    run_loss = np.zeros(runs, dtype=np.float64)
    _check(lib.nmf_consensus_runs(handle, run_labels.ctypes.data,
                                  run_loss.ctypes.data))
    return ConsensusResult(
        consensus=C, membership=membership, best_labels=best_labels,
        silhouette_widths=widths, merge=merge, height=height, order=order,
        W=W, d=d, H=H, run_labels=run_labels, run_loss=run_loss, k=int(k),
        m=int(m), n=int(n), nrun=int(info.nrun), runs_done=int(runs),
        cancelled=bool(cancelled), best_run=int(info.best_run),
        best_loss=float(info.best_loss),
        best_iterations=int(info.best_iterations),
        best_stop_reason=_STOP_REASONS.get(info.best_stop_reason,
                                           str(info.best_stop_reason)),
        rel_error=float(info.rel_error), rss=float(info.rss),
        evar=float(info.evar), cophenetic=float(info.cophenetic),
        dispersion=float(info.dispersion), silhouette=float(info.silhouette),
        seconds=float(info.seconds))


def _multistart_options(prep, func, seed, progress, options):
    """nmf_options for consensus() and rank_survey(): random starts (a
    deterministic init would make every run the same, as the R package
    says), the binding's progress hook installed."""
    init = options.get("init", "random")
    if isinstance(init, str) and init.lower() in ("nndsvd", "nndsvda"):
        _raise_invalid("init = %r is deterministic: every run would be the "
                       "same; use \"random\" or \"nndsvdar\" for a consensus"
                       % init)
    opts, keep = _options_for(prep, func, dict(options, seed=seed))
    hook = _ProgressHook(progress)
    opts.progress = hook.callback
    return opts, keep, hook


def _suffixes(prep):
    s = "d" if prep.dtype == np.float64 else "f"
    if prep.kind == "dense":
        return s, None
    return s, "i32" if prep.index_dtype == np.int32 else "i64"


def consensus(A, k, nrun=30, *, seed=42, progress=None, strict_names=False,
              **options):
    """Consensus clustering of the columns (samples) of A at rank k
    (Brunet et al. 2004): nrun fits from the random starts of nmf.h's
    per-run seeds (run r uses run_seed(seed, r)), their connectivity
    averaged into the consensus matrix, with the measures of nmf.h.

    A: as for fit(); the columns are the samples, so a row-major array is
    copied to column-major and a CSR matrix converted to CSC.  k: the rank.
    nrun: runs (>= 1).  seed: the master seed.  progress: optional callable
    progress(runs_done, nrun, best_loss, best_rel_error); a true return
    stops the runs (the result then holds the runs completed, with
    ``cancelled`` set).  options: the fit options of fit() (init must be
    "random" or "nndsvdar").

    Returns a ConsensusResult.  Raises NmfError for anything libnmf rejects;
    re-raises an exception raised by progress (KeyboardInterrupt on Ctrl-C).
    """
    _check_names(A, strict_names)
    lib = _load()
    prep = _prepare(A)
    k = _int_in("k", k, -2 ** 63, 2 ** 63 - 1)
    nrun = _int_in("nrun", nrun, -2 ** 63, 2 ** 63 - 1)
    opts, keep, hook = _multistart_options(prep, "consensus", seed, progress,
                                           options)
    handle = ctypes.c_void_p()
    s, i = _suffixes(prep)
    with hook:
        if i is None:
            rc = getattr(lib, "nmf_consensus_dense_" + s)(
                prep.data_ptr, prep.m, prep.n, prep.ld, k, nrun,
                ctypes.byref(opts), ctypes.byref(handle))
        else:
            rc = getattr(lib, "nmf_consensus_csc_%s_%s" % (s, i))(
                prep.m, prep.n, prep.indptr_ptr, prep.indices_ptr,
                prep.data_ptr, k, nrun, ctypes.byref(opts),
                ctypes.byref(handle))
        detail = lib.nmf_last_error_message().decode("utf-8", "replace")
    del prep, keep
    _show_notice(lib)
    try:
        hook.reraise()
        if rc < 0:
            raise NmfError(rc, detail)
        if not handle.value:
            raise NmfError(CANCELLED, "the consensus was stopped by the "
                           "progress callback before any run completed")
        return _read_consensus(lib, handle, cancelled=(rc == CANCELLED))
    finally:
        lib.nmf_consensus_free(handle)


# ------------------------------------------------------------- rank survey

class SurveyResult:
    """A consensus at every rank of a list (rank_survey()).

    ranks: the ranks, in the order given.  fits: a ConsensusResult per rank.
    randomized: the same on the row-permuted copy of A (the null baseline),
    or None.  table / random_table: the measures as a dict of numpy arrays
    (k, cophenetic, dispersion, silhouette, rss, evar, rel_error,
    best_loss, best_run, runs_done, seconds), one entry per rank (None when
    not randomized).  survey[k] is the ConsensusResult at rank k.
    """

    __slots__ = ("ranks", "fits", "randomized", "table", "random_table",
                 "nrun")

    def __init__(self, **kw):
        for slot in self.__slots__:
            setattr(self, slot, kw[slot])

    def __getitem__(self, k):
        for rank, f in zip(self.ranks, self.fits):
            if rank == k:
                return f
        raise KeyError("no rank %r in this survey (ranks %s)"
                       % (k, ", ".join(str(r) for r in self.ranks)))

    def rows(self, randomized=False):
        """The table as a list of dicts, one per rank."""
        fits = self.randomized if randomized else self.fits
        return [f.measures() for f in fits or []]

    def __repr__(self):
        return "SurveyResult(ranks=%s, nrun=%d, randomized=%s)" % (
            list(self.ranks), self.nrun, self.randomized is not None)


def _table(fits):
    if not fits:
        return None
    names = ConsensusResult._MEASURES
    return {name: np.array([f.measures()[name] for f in fits])
            for name in names}


def _ranks(ranks):
    r = np.atleast_1d(np.asarray(ranks))
    if r.ndim != 1 or (r.size and r.dtype.kind not in "iu"):
        raise TypeError("nmfkit: ranks must be a sequence of integers, got %r"
                        % (ranks,))
    return np.ascontiguousarray(r, dtype=np.int64)


def rank_survey(A, ranks, nrun=30, *, randomized=False, random_seed=1,
                seed=42, progress=None, strict_names=False, **options):
    """A consensus (see consensus()) at every rank of ``ranks``, and with
    randomized=True the same on a copy of A whose entries are permuted
    within each row (seeded by random_seed): the null baseline of the
    survey plots.  progress(runs_done, runs_total, best_loss,
    best_rel_error) counts the runs of the whole survey; a true return
    stops the survey, which then raises NmfError(CANCELLED) (nothing is
    kept).  options: the fit options of fit().

    Returns a SurveyResult.  Raises NmfError for anything libnmf rejects;
    re-raises an exception raised by progress.
    """
    _check_names(A, strict_names)
    lib = _load()
    prep = _prepare(A)
    r = _ranks(ranks)
    sopts = _SurveyOptions()
    _check(lib.nmf_survey_options_init(ctypes.byref(sopts),
                                       ctypes.sizeof(sopts)))
    sopts.nrun = _int_in("nrun", nrun, -2 ** 63, 2 ** 63 - 1)
    sopts.randomized = int(bool(randomized))
    sopts.random_seed = _int_in("random_seed", random_seed, 0, 2 ** 64 - 1)
    opts, keep, hook = _multistart_options(prep, "rank_survey", seed,
                                           progress, options)
    handle = ctypes.c_void_p()
    s, i = _suffixes(prep)
    with hook:
        if i is None:
            rc = getattr(lib, "nmf_survey_dense_" + s)(
                prep.data_ptr, prep.m, prep.n, prep.ld, r.ctypes.data,
                r.shape[0], ctypes.byref(sopts), ctypes.byref(opts),
                ctypes.byref(handle))
        else:
            rc = getattr(lib, "nmf_survey_csc_%s_%s" % (s, i))(
                prep.m, prep.n, prep.indptr_ptr, prep.indices_ptr,
                prep.data_ptr, r.ctypes.data, r.shape[0],
                ctypes.byref(sopts), ctypes.byref(opts),
                ctypes.byref(handle))
        detail = lib.nmf_last_error_message().decode("utf-8", "replace")
    del prep, keep
    _show_notice(lib)
    try:
        hook.reraise()
        if rc < 0:
            raise NmfError(rc, detail)
        if rc == CANCELLED or not handle.value:
            raise NmfError(CANCELLED, "the survey was stopped by the "
                           "progress callback")
        size = lib.nmf_survey_size(handle)
        fits, rnd = [], []
        for index in range(size):
            fits.append(_read_consensus(lib, lib.nmf_survey_get(handle,
                                                                index, 0)))
            h = lib.nmf_survey_get(handle, index, 1)
            if h:
                rnd.append(_read_consensus(lib, h))
        return SurveyResult(ranks=[int(x) for x in r], fits=fits,
                            randomized=rnd or None, table=_table(fits),
                            random_table=_table(rnd), nrun=int(sopts.nrun))
    finally:
        lib.nmf_survey_free(handle)


# -------------------------------------------------- bi-cross-validation

class BicvResult:
    """Rank by bi-cross-validation (bicv()).

    ranks; error (one per rank: the held-out error sum ||A[I,J] -
    W_I H_J||² / ||A||² over the blocks, averaged over reps); fold_error
    (n_ranks × reps·row_groups·col_groups, one value per held-out block);
    suggested_k (the rank with the smallest error, the smaller on ties);
    row_groups, col_groups, reps, seed.
    """

    __slots__ = ("ranks", "error", "fold_error", "suggested_k", "row_groups",
                 "col_groups", "reps", "seed")

    def __init__(self, **kw):
        for slot in self.__slots__:
            setattr(self, slot, kw[slot])

    def __repr__(self):
        return "BicvResult(ranks=%s, suggested_k=%d)" % (list(self.ranks),
                                                          self.suggested_k)


def bicv(A, ranks, *, row_groups=2, col_groups=2, reps=1, seed=1,
         fit_seed=None, strict_names=False, **options):
    """Rank selection by bi-cross-validation (Owen & Perry 2009; nmf.h's
    nmf_bicv_dense_* / nmf_bicv_csc_*): rows and columns are split at random (seed) into
    row_groups × col_groups blocks, each block held out in turn and
    predicted from the fit of the rest, over reps random splits.

    A: as for fit() (columns kept as columns: a row-major array is copied,
    a sparse A is passed as CSC, never densified).  ``seed`` seeds the splits; ``fit_seed`` (default:
    the library's, 42) seeds the fits.  options: the other fit options of
    fit().  No progress callback (nmf.h calls none).

    Returns a BicvResult.
    """
    _check_names(A, strict_names)
    lib = _load()
    prep = _prepare(A)
    r = _ranks(ranks)
    bopts = _BicvOptions()
    _check(lib.nmf_bicv_options_init(ctypes.byref(bopts),
                                     ctypes.sizeof(bopts)))
    bopts.row_groups = _int_in("row_groups", row_groups, _INT32_MIN,
                               _INT32_MAX)
    bopts.col_groups = _int_in("col_groups", col_groups, _INT32_MIN,
                               _INT32_MAX)
    bopts.reps = _int_in("reps", reps, _INT32_MIN, _INT32_MAX)
    bopts.seed = _int_in("seed", seed, 0, 2 ** 64 - 1)
    if fit_seed is not None:
        options["seed"] = fit_seed
    opts, keep = _options_for(prep, "bicv", options)
    error = np.zeros(max(r.shape[0], 1), dtype=np.float64)
    suggested = ctypes.c_int64(0)
    folds = bopts.reps * bopts.row_groups * bopts.col_groups
    sane = (2 <= bopts.row_groups <= prep.m and 2 <= bopts.col_groups <= prep.n
            and bopts.reps >= 1)
    fold_error = np.zeros((r.shape[0], folds if sane else 0),
                          dtype=np.float64)
    tail = (r.ctypes.data, r.shape[0], ctypes.byref(bopts), ctypes.byref(opts),
            error.ctypes.data, fold_error.ctypes.data if sane else None,
            ctypes.byref(suggested))
    sfx, ind = _suffixes(prep)
    if prep.kind == "csc":
        rc = getattr(lib, "nmf_bicv_csc_%s_%s" % (sfx, ind))(
            prep.m, prep.n, prep.indptr_ptr, prep.indices_ptr, prep.data_ptr,
            *tail)
    else:
        rc = getattr(lib, "nmf_bicv_dense_" + sfx)(
            prep.data_ptr, prep.m, prep.n, prep.ld, *tail)
    del prep, keep
    _show_notice(lib)
    _check(rc)
    return BicvResult(ranks=[int(x) for x in r], error=error[:r.shape[0]],
                      fold_error=fold_error, suggested_k=int(suggested.value),
                      row_groups=int(bopts.row_groups),
                      col_groups=int(bopts.col_groups), reps=int(bopts.reps),
                      seed=int(bopts.seed))


# ------------------------------------------------------- metagene markers

def _basis(W):
    """W (m × k) as a column-major float64 array; W may be a result."""
    W = getattr(W, "W", W)
    W = np.asarray(W)
    if W.ndim != 2:
        raise ValueError("nmfkit: W must be 2-dimensional, got shape %s"
                         % (W.shape,))
    if W.dtype.kind not in "biuf":
        raise TypeError("nmfkit: W must be a real matrix, got dtype %s"
                        % W.dtype)
    return np.asfortranarray(W, dtype=np.float64)


def feature_scores(W, method="kim"):
    """Feature (marker) scores of a basis W (m × k, non-negative; or any
    result with a W): method "kim" (Kim & Park 2007, needs k >= 2):
    1 + 1/log2(k) sum_q p_iq log2 p_iq with p_iq = W_iq / sum_r W_ir, in
    [0, 1]; "max" (Carmona-Saez et al. 2006): max_q W_iq.  Returns m
    scores."""
    lib = _load()
    Wd = _basis(W)
    code = _choice("features", method)
    m, k = Wd.shape
    score = np.zeros(m, dtype=np.float64)
    _check(lib.nmf_feature_scores(Wd.ctypes.data, m, k, max(1, m), code,
                                  score.ctypes.data))
    return score


def select_features(W, method="kim"):
    """Marker features of a basis W (m × k): an int32 array of m entries,
    the 0-based component each selected feature marks and -1 for the
    others.  "kim": score > median + 3 MAD of the scores and largest entry
    above the median of W; "max": per component, the top features by W_iq
    while their largest entry is in that component (nmf.h)."""
    lib = _load()
    Wd = _basis(W)
    code = _choice("features", method)
    m, k = Wd.shape
    component = np.zeros(m, dtype=np.int32)
    count = ctypes.c_int64(0)
    _check(lib.nmf_select_features(Wd.ctypes.data, m, k, max(1, m), code,
                                   component.ctypes.data,
                                   ctypes.byref(count)))
    return component


# ---------------------------------------------------- scikit-learn estimator

def __getattr__(name):
    """nmfkit.NMF, the scikit-learn estimator, is imported on first use so
    that ``import nmfkit`` needs neither scikit-learn nor its import time."""
    if name == "NMF":
        from _nmfkit_sklearn import NMF
        globals()["NMF"] = NMF
        return NMF
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


# Symmetric NMF for networks (A ≈ H Hᵀ) lives in its own module.
from nmfkit_symnmf import symnmf, SymNMFResult  # noqa: E402,F401
