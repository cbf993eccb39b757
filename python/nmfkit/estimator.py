"""nmfkit.NMF: a scikit-learn estimator over nmfkit.fit (imported on first
use of ``nmfkit.NMF``, so ``import nmfkit`` does not need scikit-learn)."""

import numbers
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.base import (BaseEstimator, ClassNamePrefixFeaturesOutMixin,
                          TransformerMixin)
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._library import NmfError
from .fit import fit

_BETA_NAMES = {"frobenius": 2.0, "kullback-leibler": 1.0,
               "itakura-saito": 0.0}
_INITS = (None, "random", "nndsvd", "nndsvda", "nndsvdar", "custom")
_SOLVERS = ("auto", "cd", "mu", "hals", "anls")


def _beta_value(beta_loss):
    """beta_loss (a name or a number) as the beta of the beta-divergence."""
    if isinstance(beta_loss, str):
        if beta_loss not in _BETA_NAMES:
            raise ValueError(
                "Invalid beta_loss parameter: got %r, expected one of %s or "
                "a float" % (beta_loss, ", ".join(map(repr, _BETA_NAMES))))
        return _BETA_NAMES[beta_loss]
    if isinstance(beta_loss, numbers.Real) and not isinstance(beta_loss, bool) \
            and np.isfinite(beta_loss):
        return float(beta_loss)
    raise ValueError("Invalid beta_loss parameter: got %r, expected one of "
                     "%s or a float" % (beta_loss,
                                        ", ".join(map(repr, _BETA_NAMES))))


def _beta_divergence(X, W, H, beta):
    """sum_ij D_beta(X_ij, (WH)_ij) as nmf.h defines it (1/2 (x - y)^2 for
    beta = 2), for a dense or sparse X; WH is formed only at X's stored
    entries when X is sparse and beta is 1 or 2."""
    if sp.issparse(X):
        coo = X.tocoo()
        x = coo.data.astype(np.float64)
        y = np.einsum("ij,ji->i", W[coo.row], H[:, coo.col])
        if beta == 2:
            # ||X||^2 - 2 <X, WH> + ||WH||^2, ||WH||^2 from the Gram matrices
            gram = np.sum((W.T @ W) * (H @ H.T))
            return 0.5 * max(0.0, x @ x - 2 * x @ y + gram)
        if beta == 1:
            pos = x > 0
            return float(np.sum(x[pos] * np.log(x[pos] / y[pos])) - x.sum()
                         + W.sum(axis=0) @ H.sum(axis=1))
        X = X.toarray()
    X = np.asarray(X, dtype=np.float64)
    Y = W @ H
    if beta == 2:
        return 0.5 * float(np.sum((X - Y) ** 2))
    if beta == 1:
        pos = X > 0
        return float(np.sum(X[pos] * np.log(X[pos] / Y[pos])) - X.sum()
                     + Y.sum())
    if beta == 0:
        return float(np.sum(X / Y - np.log(X / Y) - 1))
    return float(np.sum((X ** beta + (beta - 1) * Y ** beta
                         - beta * X * Y ** (beta - 1)) / (beta * (beta - 1))))


def _balance(W, H, l1_w, l1_h, l2_w, l2_h):
    """Rescale each component (W[:, j] s, H[j] / s) to the s > 0 that
    minimises the penalties: WH is unchanged and the penalised objective can
    only decrease (at a minimiser it is already balanced).  The library
    returns a canonical form (columns of W summing to 1) that ignores the
    penalties; scikit-learn's objective is not scale-invariant."""
    if not (l1_w or l1_h or l2_w or l2_h):
        return W, H
    W, H = W.copy(), H.copy()
    for j in range(W.shape[1]):
        a = l1_w * W[:, j].sum()
        b = 0.5 * l2_w * float(W[:, j] @ W[:, j])
        c = l1_h * H[j].sum()
        e = 0.5 * l2_h * float(H[j] @ H[j])
        if a + b == 0 or c + e == 0:
            continue
        # d/ds (a s + b s^2 + c/s + e/s^2) = 0  <=>
        # 2b s^4 + a s^3 - c s - 2e = 0, one positive root (one sign change).
        roots = np.roots([2 * b, a, 0.0, -c, -2 * e])
        real = roots[(np.abs(roots.imag) < 1e-9 * np.abs(roots)) &
                     (roots.real > 0)].real
        if real.size:
            s = real.max()
            W[:, j] *= s
            H[j] /= s
    return W, H


class NMF(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Non-negative matrix factorization X ≈ W H with scikit-learn's
    interface, computed by libnmf.

    X is n_samples × n_features; W = transform(X) is n_samples ×
    n_components and H = components_ is n_components × n_features.  The
    objective is scikit-learn's (sklearn.decomposition.NMF):

        D_beta(X, WH) + alpha_W l1_ratio n_features ||W||_1
        + alpha_H l1_ratio n_samples ||H||_1
        + 1/2 alpha_W (1 - l1_ratio) n_features ||W||_F^2
        + 1/2 alpha_H (1 - l1_ratio) n_samples ||H||_F^2

    (D_beta(X, Y) = 1/2 ||X - Y||_F^2 for "frobenius"), i.e. nmfkit.fit's
    l1_w = alpha_W l1_ratio n_features, l2_w = alpha_W (1 - l1_ratio)
    n_features, and l1_h, l2_h likewise with alpha_H and n_samples.

    Parameters (scikit-learn's names and meanings):
    n_components: the rank; None for n_features.  It must not exceed
      min(n_samples, n_features) at fit (scikit-learn allows more).
    init: None (= "nndsvda", scikit-learn's choice for None; the
      library's default is "random"), "random", "nndsvd", "nndsvda", "nndsvdar"
      (libnmf's implementations of these methods) or "custom" (W and H
      passed to fit / fit_transform).
    solver: "auto" (HALS for frobenius, CD for KL so that transform agrees
      with fit_transform, MU for other betas), "cd"
      (coordinate descent: HALS for frobenius, CD for KL), "mu" (multiplicative updates), or libnmf's "hals", "anls".
    beta_loss: "frobenius", "kullback-leibler", "itakura-saito" or a
      number (the beta of the beta-divergence).
    tol: stop when the relative decrease of the objective over one
      iteration falls below tol (libnmf's criterion and default, 1e-5, as
      in nmfkit.fit; scikit-learn measures it differently and defaults to
      1e-4, so the same tol may stop at a different point).
    max_iter: the maximum number of iterations.
    random_state: None, an int or a RandomState: draws the seed of the
      random and nndsvdar initialisations.
    alpha_W, alpha_H ("same": alpha_W), l1_ratio: the penalties above.
    verbose: print the objective every 10 iterations (1) or every one (2+).
    nmfkit's own: threads (0: all cores; the result is the same for any
    number), missing ("none", "na": NaN entries of X are left out of the
    objective, "unstored": entries a sparse X does not store are), sketch
    and extrapolation ("auto", "on", "off"; see nmfkit.fit).

    Attributes: components_, n_components_, reconstruction_err_
    (sqrt(2 D_beta(X, WH)) at the end of fit, as scikit-learn reports it),
    n_iter_, n_features_in_, feature_names_in_ (when X has column names).

    The library returns A ≈ W diag(d) H with the columns of W summing to
    one; here the scales d go into W, so each row of components_ sums to
    one, and with penalties each component is then rescaled to the
    balance that minimises them (WH is unchanged by either).
    """

    def __init__(self, n_components=None, *, init=None, solver="auto",
                 beta_loss="frobenius", tol=1e-5, max_iter=200,
                 random_state=None, alpha_W=0.0, alpha_H="same",
                 l1_ratio=0.0, verbose=0, threads=0, missing="none",
                 sketch="auto", extrapolation="auto"):
        self.n_components = n_components
        self.init = init
        self.solver = solver
        self.beta_loss = beta_loss
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.verbose = verbose
        self.threads = threads
        self.missing = missing
        self.sketch = sketch
        self.extrapolation = extrapolation

    def _more_tags(self):
        return {"requires_positive_X": True,
                "preserves_dtype": [np.float64, np.float32],
                "allow_nan": self.missing in ("na", "nan")}

    # ------------------------------------------------------------ checks

    def _check_params(self, n_features):
        def nonneg(name, value, integer=False):
            kinds = numbers.Integral if integer else numbers.Real
            if (not isinstance(value, kinds) or isinstance(value, bool)
                    or not value >= 0 or not np.isfinite(value)):
                raise ValueError("%s must be a %s >= 0, got %r" % (
                    name, "an integer" if integer else "a number", value))
        k = self.n_components
        if k is None:
            k = n_features
        elif (not isinstance(k, numbers.Integral) or isinstance(k, bool)
              or k < 1):
            raise ValueError("n_components must be an integer >= 1 or None, "
                             "got %r" % (self.n_components,))
        if self.init not in _INITS:
            raise ValueError("Invalid init parameter: got %r, expected one "
                             "of %s" % (self.init, _INITS))
        if self.solver not in _SOLVERS:
            raise ValueError("Invalid solver parameter: got %r, expected one "
                             "of %s" % (self.solver, _SOLVERS))
        beta = _beta_value(self.beta_loss)
        if self.solver == "cd" and beta not in (1.0, 2.0):
            raise ValueError("Invalid beta_loss parameter: solver 'cd' does "
                             "not handle beta_loss = %r" % (self.beta_loss,))
        nonneg("tol", self.tol)
        nonneg("max_iter", self.max_iter, integer=True)
        nonneg("alpha_W", self.alpha_W)
        if not (isinstance(self.alpha_H, str) and self.alpha_H == "same"):
            nonneg("alpha_H", self.alpha_H)
        nonneg("l1_ratio", self.l1_ratio)
        if self.l1_ratio > 1:
            raise ValueError("l1_ratio must be in [0, 1], got %r"
                             % (self.l1_ratio,))
        nonneg("verbose", self.verbose, integer=True)
        nonneg("threads", self.threads, integer=True)
        return int(k), beta

    def _validate(self, X, reset):
        allow_nan = self.missing in ("na", "nan")
        X = self._validate_data(
            X, accept_sparse=("csc", "csr"), dtype=[np.float64, np.float32],
            force_all_finite="allow-nan" if allow_nan else True, reset=reset)
        where = "NMF.fit" if reset else "NMF.transform"
        if sp.issparse(X):
            neg = np.flatnonzero(X.data < 0)
            if neg.size:
                coo = X.tocoo()
                bad = np.flatnonzero(coo.data < 0)
                first = bad[np.lexsort((coo.col[bad], coo.row[bad]))[0]]
                i, j, v = coo.row[first], coo.col[first], coo.data[first]
            else:
                i = None
        else:
            with np.errstate(invalid="ignore"):
                neg = np.argwhere(X < 0)
            i = None
            if neg.size:
                i, j = neg[0]
                v = X[i, j]
        if i is not None:
            raise ValueError(
                "Negative values in data passed to %s: X[%d, %d] = %g "
                "(sample %d, feature %d, counted from 0)"
                % (where, i, j, v, i, j))
        return X

    def _options(self, X, beta):
        """nmfkit.fit keywords: loss, solver, penalties, threads, ..."""
        n_samples, n_features = X.shape
        alpha_H = self.alpha_W if (isinstance(self.alpha_H, str)
                                   and self.alpha_H == "same") \
            else self.alpha_H
        if beta == 2.0:
            loss = {"loss": "frobenius"}
        elif beta == 1.0:
            loss = {"loss": "kl"}
        else:
            loss = {"loss": "beta", "beta": beta}
        solver = self.solver
        # CD for KL under "auto" too: transform must agree with
        # fit_transform (scikit-learn's estimator checks), which needs each
        # fit's last W subproblem solved to precision, as CD's Newton steps
        # do and MU's fixed-point steps (libnmf's auto for KL) do not.
        if solver == "cd" or (solver == "auto" and beta == 1.0):
            solver = "hals" if beta == 2.0 else "cd"
        return dict(
            loss, solver=solver, tol=float(self.tol),
            maxit=int(self.max_iter), threads=int(self.threads),
            missing=self.missing, sketch=self.sketch,
            extrapolation=self.extrapolation,
            l1_w=n_features * self.alpha_W * self.l1_ratio,
            l2_w=n_features * self.alpha_W * (1.0 - self.l1_ratio),
            l1_h=n_samples * alpha_H * self.l1_ratio,
            l2_h=n_samples * alpha_H * (1.0 - self.l1_ratio))

    def _progress(self):
        if not self.verbose:
            return None
        every = 10 if self.verbose == 1 else 1

        def report(iteration, maxit, loss, rel_error):
            if iteration % every == 0:
                print("Epoch %d reached after %d iterations: objective "
                      "%.6g, relative error %.6g" % (
                          iteration, iteration, loss, rel_error),
                      file=sys.stdout)
            return False
        return report

    @staticmethod
    def _call(X, k, **kw):
        """nmfkit.fit, its errors as ValueError (scikit-learn's type)."""
        try:
            return fit(X, k, **kw)
        except NmfError as e:
            raise ValueError(str(e)) from e
        except TypeError as e:
            raise ValueError(str(e)) from e

    # ------------------------------------------------------------- API

    def fit_transform(self, X, y=None, W=None, H=None):
        """Learn the factorization of X and return W (n_samples ×
        n_components).  W, H: the starting values when init="custom"."""
        X = self._validate(X, reset=True)
        n_samples, n_features = X.shape
        # A rank above min(n_samples, n_features) is the library's
        # NMF_ERR_RANK, a ValueError through _call.
        k, beta = self._check_params(n_features)
        opts = self._options(X, beta)
        if self.init == "custom":
            if W is None or H is None:
                raise ValueError("init='custom' needs W and H passed to fit")
            for name, F, shape in (("W", W, (n_samples, k)),
                                   ("H", H, (k, n_features))):
                F = np.asarray(F)
                if F.shape != shape:
                    raise ValueError("Array with wrong shape passed to NMF "
                                     "(input %s): %s, expected %s"
                                     % (name, F.shape, shape))
                if np.any(~np.isfinite(F)) or np.any(F < 0):
                    raise ValueError("NMF (input %s) must be finite and "
                                     "non-negative" % name)
            start = {"W": np.asarray(W, dtype=X.dtype),
                     "H": np.asarray(H, dtype=X.dtype)}
        else:
            if W is not None or H is not None:
                raise ValueError("W and H are starting values for "
                                 "init='custom' only (init=%r)" % (self.init,))
            seed = check_random_state(self.random_state).randint(
                np.iinfo(np.int32).max)
            start = {"init": self.init or "nndsvda", "seed": int(seed)}
        res = self._call(X, k, progress=self._progress(), **start, **opts)
        W_out, H_out = _balance(res.W * res.d, res.H, opts["l1_w"],
                                opts["l1_h"], opts["l2_w"], opts["l2_h"])
        self.components_ = H_out
        self.n_components_ = k
        self.n_iter_ = int(res.iterations)
        self.reconstruction_err_ = self._error(X, W_out, H_out, beta, res)
        return W_out

    def _error(self, X, W, H, beta, res):
        """sqrt(2 D_beta(X, WH)), scikit-learn's reconstruction_err_."""
        if self.missing not in ("none", None):
            return float("nan")  # not defined on a partly missing X
        if beta == 2.0:
            norm = (sp.linalg.norm(X) if sp.issparse(X)
                    else np.linalg.norm(X))
            return float(res.rel_error * norm)
        return float(np.sqrt(2 * max(0.0, _beta_divergence(X, W, H, beta))))

    def fit(self, X, y=None, **params):
        """Learn the factorization of X (n_samples × n_features); returns
        self.  params: W and H for init="custom"."""
        self.fit_transform(X, **params)
        return self

    def transform(self, X):
        """W for X with components_ held fixed: the exact non-negative
        least-squares projection (Frobenius with HALS/ANLS), or the W
        updates repeated until tol or max_iter (MU, CD), with the same
        penalties on W as in fit."""
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        k, beta = self.n_components_, _beta_value(self.beta_loss)
        opts = self._options(X, beta)
        n_samples = X.shape[0]
        if n_samples < k:
            # The library wants k <= min(m, n); each row of W depends on its
            # row of X alone, and a zero row projects to zero: pad, then cut.
            pad = k - n_samples
            X = (sp.vstack([X, sp.csr_matrix((pad, X.shape[1]),
                                             dtype=X.dtype)], format="csr")
                 if sp.issparse(X) else
                 np.vstack([X, np.zeros((pad, X.shape[1]), dtype=X.dtype)]))
        H = np.asarray(self.components_, dtype=X.dtype)
        res = self._call(X, k, H=H, fix_h=True, progress=self._progress(),
                         **opts)
        return res.W[:n_samples]

    def inverse_transform(self, W):
        """X ≈ W @ components_ (dense, n_samples × n_features)."""
        check_is_fitted(self)
        W = np.asarray(W)
        return W @ self.components_

    @property
    def _n_features_out(self):
        return self.components_.shape[0]
