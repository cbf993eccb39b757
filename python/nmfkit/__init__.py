"""nmfkit — non-negative matrix factorization from Python, through libnmf's C ABI.

A small ctypes binding (no compiled extension) of ``libnmf.so``::

    import numpy as np, nmfkit
    A = np.random.default_rng(0).random((100, 40))
    fit = nmfkit.fit(A, k=5)
    fit.W, fit.d, fit.H          # A ≈ W @ np.diag(d) @ H
    fit.rel_error                # ||A - W diag(d) H||_F / ||A||_F

The gene-expression workflow of Brunet et al. (PNAS 2004), samples being
the columns of A:

* :func:`fit` — one factorization (every option of the library's table is
  a keyword; :func:`options` lists them with their defaults, bounds and
  help, as the library reports them);
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
``score(pairs)``.

The library is found, in this order, at the path in the environment variable
``NMFKIT_LIBRARY``, in this package's directory (``libnmf.so``: a copy
bundled by ``NMFKIT_BUNDLE_LIBRARY=/abs/path/libnmf.so pip install
./python``, or the link ``cmake --install`` puts there), or by
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

from ._inputs import _prepare
from ._library import (
    OK, CANCELLED, ERR_NULL_POINTER, ERR_INVALID_ARGUMENT, ERR_DIMENSION,
    ERR_RANK, ERR_NEGATIVE, ERR_NOT_FINITE, ERR_SPARSE_STRUCTURE,
    ERR_STRUCT_SIZE, ERR_OUT_OF_MEMORY, ERR_TOO_LARGE, ERR_NUMERICAL,
    ERR_INTERNAL, _CODE_NAMES, _STOP_REASONS, _Options, _Result,
    _ConsensusInfo, _SurveyOptions, _BicvOptions, NmfError, _load,
    constant, library_version)
from .fit import FitResult, fit
from ._options import Option, options
from .consensus import (ConsensusResult, SurveyResult, BicvResult, bicv,
                        consensus, feature_scores, rank_survey, run_seed,
                        select_features)
from .symnmf import SymNMFResult, symnmf

__all__ = ["fit", "FitResult", "NmfError", "library_path", "library_version",
           "constant", "consensus", "ConsensusResult", "rank_survey",
           "SurveyResult", "bicv", "BicvResult", "feature_scores",
           "select_features", "run_seed", "symnmf", "SymNMFResult", "NMF",
           "options", "Option"]



def __getattr__(name):
    """library_path: the path of the libnmf loaded (None before the first
    call).  NMF, the scikit-learn estimator, is imported on first use so
    that ``import nmfkit`` needs neither scikit-learn nor its import time."""
    if name == "library_path":
        from . import _library
        return _library.library_path
    if name == "NMF":
        from .estimator import NMF
        globals()["NMF"] = NMF
        return NMF
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
