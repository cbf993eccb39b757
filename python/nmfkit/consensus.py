"""Consensus clustering, rank surveys, bi-cross-validation and metagene
markers (nmf.h; Brunet, Tamayo, Golub & Mesirov, PNAS 2004)."""

import ctypes

import numpy as np

from ._inputs import _check_names, _prepare
from ._library import (_show_notice, CANCELLED, _BicvOptions, _ConsensusInfo, _INT32_MAX,
                       _INT32_MIN, _STOP_REASONS, _SurveyOptions, NmfError,
                       _load, _raise_invalid)
from .fit import _choice, _int_in, _options_for, _ProgressHook

# ---------------------------------------------------- consensus clustering
# nmf.h, "Consensus clustering, rank selection and metagene markers"
# (Brunet, Tamayo, Golub & Mesirov, PNAS 2004).  Every handle the library
# returns is copied out into numpy arrays and freed before the function
# returns, also when copying fails or an exception is re-raised.

def run_seed(seed, run):
    """The seed nmf.h gives run ``run`` (0-based) of a consensus with master
    seed ``seed`` (nmf_run_seed), so that run can be repeated alone with
    fit(A, k, seed=run_seed(seed, run))."""
    return int(_load().nmf_run_seed(_int_in("seed", seed, 0, 2 ** 64 - 1),
                                    _int_in("run", run, -2 ** 63, 2 ** 63 - 1)))


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


def consensus(A, k, nrun=30, *, seed=None, progress=None, strict_names=False,
              **options):
    """Consensus clustering of the columns (samples) of A at rank k
    (Brunet et al. 2004): nrun fits from the random starts of nmf.h's
    per-run seeds (run r uses run_seed(seed, r)), their connectivity
    averaged into the consensus matrix, with the measures of nmf.h.

    A: as for fit(); the columns are the samples, so a row-major array is
    copied to column-major and a CSR matrix converted to CSC.  k: the rank.
    nrun: runs (>= 1).  seed: the master seed (None: the library's
    default seed, nmfkit.options()).  progress: optional callable
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
    matrix = prep.matrix()
    with hook:
        rc = lib.nmf_consensus_fit(ctypes.byref(matrix), k, nrun,
                                   ctypes.byref(opts), ctypes.byref(handle))
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
                seed=None, progress=None, strict_names=False, **options):
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
    matrix = prep.matrix()
    with hook:
        rc = lib.nmf_survey_fit(ctypes.byref(matrix), r.ctypes.data, r.shape[0],
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
    nmf_bicv): rows and columns are split at random (seed) into
    row_groups × col_groups blocks, each block held out in turn and
    predicted from the fit of the rest, over reps random splits.

    A: as for fit() (columns kept as columns: a row-major array is copied,
    a sparse A is passed as CSC, never densified).  ``seed`` seeds the splits; ``fit_seed`` (default:
    the library's default seed) seeds the fits.  options: the other fit options of
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
    matrix = prep.matrix()
    rc = lib.nmf_bicv(ctypes.byref(matrix), *tail)
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
