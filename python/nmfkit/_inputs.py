"""Input preparation: a matrix as the arguments libnmf reads (column-major
dense or CSC, in place when it already is one)."""

import warnings

import ctypes

import numpy as np

from ._library import (INDEX_I32, INDEX_I64, LAYOUT_CSC, LAYOUT_DENSE,
                       SCALAR_DOUBLE, SCALAR_FLOAT, _Matrix)

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

    def matrix(self):
        """The nmf_matrix describing these arguments (valid while ``keep``
        lives)."""
        a = _Matrix()
        a.struct_size = ctypes.sizeof(_Matrix)
        a.scalar_type = (SCALAR_DOUBLE if self.dtype == np.float64
                         else SCALAR_FLOAT)
        a.m, a.n = self.m, self.n
        if self.kind == "dense":
            a.layout = LAYOUT_DENSE
            a.lda = self.ld
            a.data = self.data_ptr
        else:
            a.layout = LAYOUT_CSC
            a.index_type = (INDEX_I32 if self.index_dtype == np.int32
                            else INDEX_I64)
            a.col_ptr = self.indptr_ptr
            a.row_ind = self.indices_ptr
            a.values = self.data_ptr
        return a


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
