"""Tests of nmfkit.NMF, the scikit-learn estimator, against scikit-learn's
own estimator checks and its NMF on the same data.

Run with CTest (which sets NMFKIT_LIBRARY and PYTHONPATH); needs
scikit-learn (Debian's python3-sklearn), else it reports a skip.
"""
import os
import sys
import unittest
import warnings

try:
    import numpy as np
    import scipy.sparse as sp
    import sklearn
    from sklearn.decomposition import NMF as SkNMF
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.estimator_checks import check_estimator
except ImportError as e:  # pragma: no cover - the CTest run reports a skip
    if __name__ == "__main__":
        print("skip:", e, "for", sys.executable)
        sys.exit(77)
    raise unittest.SkipTest(str(e))

HERE = os.path.dirname(os.path.abspath(__file__))
try:
    import nmfkit
except ImportError:
    sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
    import nmfkit


def data(n_samples=60, n_features=25, k=4, seed=0, noise=0.05):
    """A non-negative n_samples × n_features matrix of rank k plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.random((n_samples, k)) @ rng.random((k, n_features))
    return X + noise * rng.random((n_samples, n_features))


def objective(X, W, H, beta, alpha_W=0.0, alpha_H=0.0, l1_ratio=0.0):
    """scikit-learn's NMF objective (its documentation), in double, from a
    plain dense loop-free formula: D_beta(X, WH) plus the penalties scaled
    by n_features (W) and n_samples (H)."""
    n_samples, n_features = X.shape
    Y = W @ H
    if beta == 2:
        fit = 0.5 * np.sum((X - Y) ** 2)
    else:  # beta == 1: generalized KL
        pos = X > 0
        fit = np.sum(X[pos] * np.log(X[pos] / Y[pos])) - X.sum() + Y.sum()
    return (fit
            + alpha_W * l1_ratio * n_features * W.sum()
            + alpha_H * l1_ratio * n_samples * H.sum()
            + 0.5 * alpha_W * (1 - l1_ratio) * n_features * np.sum(W ** 2)
            + 0.5 * alpha_H * (1 - l1_ratio) * n_samples * np.sum(H ** 2))


class TestScikitLearnChecks(unittest.TestCase):
    """scikit-learn's own test suite for estimators."""

    def run_checks(self, estimator):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check_estimator(estimator)

    def test_check_estimator_default(self):
        self.run_checks(nmfkit.NMF())

    def test_check_estimator_kl_with_penalties(self):
        self.run_checks(nmfkit.NMF(beta_loss="kullback-leibler",
                                   alpha_W=0.01, l1_ratio=0.5))


class TestAgainstScikitLearn(unittest.TestCase):

    def test_penalties_map_exactly_onto_the_library(self):
        # With components_ fixed, W minimises a strictly convex objective
        # (l2 > 0): scikit-learn's transform (CD run to a tight tol) and
        # ours (the exact projection) must find the same W if alpha_W and
        # l1_ratio, scaled by n_features, mean the same penalties.
        X = data(50, 20, 3)
        Xnew = data(30, 20, 3, seed=1)
        for alpha, ratio in ((0.0, 0.0), (0.02, 0.0), (0.02, 1.0),
                             (0.01, 0.4)):
            sk = SkNMF(3, init="nndsvda", alpha_W=alpha, l1_ratio=ratio,
                       tol=1e-12, max_iter=5000, random_state=0).fit(X)
            ours = nmfkit.NMF(3, alpha_W=alpha, l1_ratio=ratio).fit(X)
            ours.components_ = sk.components_.copy()
            np.testing.assert_allclose(ours.transform(Xnew),
                                       sk.transform(Xnew), rtol=0, atol=1e-6,
                                       err_msg="alpha=%g l1_ratio=%g"
                                       % (alpha, ratio))
        plain = ours.set_params(alpha_W=0.0).transform(Xnew)
        self.assertGreater(np.abs(plain - sk.transform(Xnew)).max(), 1e-3)

    def test_reaches_scikit_learns_objective_or_lower(self):
        # Same data, same start (init="custom"), same iteration budget: the
        # factors nmfkit returns have scikit-learn's objective (computed
        # here) at most scikit-learn's own, with and without penalties, for
        # Frobenius (CD = HALS) and KL (scikit-learn's MU vs libnmf's CD).
        X = data(80, 30, 5, noise=0.2)
        rng = np.random.default_rng(3)
        W0, H0 = rng.random((80, 5)), rng.random((5, 30))
        cases = (("frobenius", 2, "cd", {}),
                 ("frobenius", 2, "cd", {"alpha_W": 0.005, "l1_ratio": 0.5}),
                 ("kullback-leibler", 1, "mu", {}),
                 ("kullback-leibler", 1, "mu",
                  {"alpha_W": 0.002, "alpha_H": 0.001, "l1_ratio": 1.0}))
        for loss, beta, sk_solver, pen in cases:
            kw = dict(n_components=5, init="custom", beta_loss=loss, tol=0,
                      max_iter=100, **pen)
            sk = SkNMF(solver=sk_solver, **kw)
            W_sk = sk.fit_transform(X, W=W0.copy(), H=H0.copy())
            ours = nmfkit.NMF(**kw)
            W_us = ours.fit_transform(X, W=W0, H=H0)
            pen_args = dict(alpha_W=pen.get("alpha_W", 0.0),
                            alpha_H=pen.get("alpha_H",
                                            pen.get("alpha_W", 0.0)),
                            l1_ratio=pen.get("l1_ratio", 0.0))
            f_sk = objective(X, W_sk, sk.components_, beta, **pen_args)
            f_us = objective(X, W_us, ours.components_, beta, **pen_args)
            self.assertLessEqual(f_us, f_sk * (1 + 1e-9),
                                 "%s %s: %g > %g" % (loss, pen, f_us, f_sk))
            self.assertEqual(ours.n_iter_, 100)
            if not pen:
                # reconstruction_err_ is scikit-learn's: sqrt(2 D_beta).
                self.assertAlmostEqual(
                    ours.reconstruction_err_,
                    np.sqrt(2 * objective(X, W_us, ours.components_, beta)),
                    delta=1e-8 * ours.reconstruction_err_)

    def test_beta_loss_as_a_number_is_the_named_loss(self):
        X = data(40, 20, 3)
        for name, value in (("frobenius", 2), ("kullback-leibler", 1.0)):
            a = nmfkit.NMF(3, beta_loss=name, random_state=1).fit(X)
            b = nmfkit.NMF(3, beta_loss=value, random_state=1).fit(X)
            np.testing.assert_array_equal(a.components_, b.components_)
        kl = nmfkit.NMF(3, beta_loss=1, random_state=1).fit(X)
        fro = nmfkit.NMF(3, beta_loss=2, random_state=1).fit(X)
        self.assertGreater(np.abs(kl.components_ - fro.components_).max(),
                           1e-4)
        half = nmfkit.NMF(3, beta_loss=0.5, max_iter=30).fit(X)
        self.assertEqual(half.n_iter_ <= 30, True)
        self.assertTrue(np.isfinite(half.reconstruction_err_))


class TestEstimator(unittest.TestCase):

    def setUp(self):
        self.X = data()

    def test_defaults_are_the_librarys(self):
        # The parameters that are library options default to the library's
        # table (nmfkit.options()); init=None and random_state=None are
        # scikit-learn's conventions (tests/interfaces lists them).
        import inspect
        table = {o["name"]: o["default"] for o in nmfkit.options()}
        params = inspect.signature(nmfkit.NMF.__init__).parameters
        option_of = {"solver": "solver", "beta_loss": "loss", "tol": "tol",
                     "max_iter": "maxit", "threads": "n_threads",
                     "missing": "missing", "sketch": "sketch",
                     "extrapolation": "extrapolation"}
        for param, option in option_of.items():
            self.assertEqual(params[param].default, table[option], param)
        self.assertIsNone(params["init"].default)
        self.assertIsNone(params["random_state"].default)

    def test_every_layout_gives_the_same_model(self):
        X = self.X.copy()
        X[X < 0.6] = 0
        layouts = (np.asfortranarray(X), np.ascontiguousarray(X),
                   sp.csr_matrix(X), sp.csc_matrix(X), sp.coo_matrix(X),
                   sp.lil_matrix(X), sp.dok_matrix(X), sp.bsr_matrix(X),
                   sp.dia_matrix(X), sp.csr_array(X))
        for loss in ("frobenius", "kullback-leibler"):
            fits = [nmfkit.NMF(4, beta_loss=loss, random_state=0, tol=0,
                               max_iter=40) for _ in layouts]
            Ws = [f.fit_transform(L) for f, L in zip(fits, layouts)]
            dense = fits[0]
            # Dense and sparse kernels sum in different orders.
            np.testing.assert_allclose(fits[3].components_, dense.components_,
                                       rtol=1e-8, atol=1e-12)
            np.testing.assert_array_equal(fits[1].components_,
                                          dense.components_)
            np.testing.assert_array_equal(Ws[1], Ws[0])
            for f, W in zip(fits[2:], Ws[2:]):
                np.testing.assert_array_equal(f.components_,
                                              fits[3].components_)
                np.testing.assert_array_equal(W, Ws[3])
                self.assertAlmostEqual(f.reconstruction_err_,
                                       dense.reconstruction_err_,
                                       delta=1e-8 * dense.reconstruction_err_)

    def test_shapes_attributes_and_round_trip(self):
        A = data(60, 25, 4, noise=0.0)  # exactly rank 4
        est = nmfkit.NMF(4, init="nndsvd", tol=0, max_iter=2000)
        W = est.fit_transform(A)
        self.assertEqual(W.shape, (60, 4))
        self.assertEqual(est.components_.shape, (4, 25))
        self.assertEqual((est.n_components_, est.n_features_in_), (4, 25))
        self.assertFalse(hasattr(est, "feature_names_in_"))
        self.assertLess(np.linalg.norm(A - est.inverse_transform(W))
                        / np.linalg.norm(A), 1e-6)
        self.assertAlmostEqual(est.reconstruction_err_,
                               np.linalg.norm(A - W @ est.components_),
                               delta=1e-7)
        # transform is the projection onto components_: on the training data
        # it gives back the fitted W; on new data the best W for it.
        np.testing.assert_allclose(est.transform(A), W, rtol=0, atol=1e-6)
        np.testing.assert_allclose(est.transform(A[:2]), W[:2], rtol=0,
                                   atol=1e-6)  # fewer samples than k
        self.assertEqual(list(est.get_feature_names_out()),
                         ["nmf0", "nmf1", "nmf2", "nmf3"])
        self.assertEqual(nmfkit.NMF().fit(A).n_components_, 25)

    def test_float32_stays_float32(self):
        X32 = self.X.astype(np.float32)
        est = nmfkit.NMF(3, random_state=0)
        W = est.fit_transform(X32)
        self.assertEqual((W.dtype, est.transform(X32).dtype),
                         (np.float32, np.float32))

    def test_init_methods_and_random_state(self):
        X = self.X
        for init in ("random", "nndsvd", "nndsvda", "nndsvdar", None):
            a = nmfkit.NMF(4, init=init, random_state=7, max_iter=20).fit(X)
            b = nmfkit.NMF(4, init=init, random_state=7, max_iter=20).fit(X)
            np.testing.assert_array_equal(a.components_, b.components_)
        r1 = nmfkit.NMF(4, init="random", random_state=1, max_iter=5).fit(X)
        r2 = nmfkit.NMF(4, init="random", random_state=2, max_iter=5).fit(X)
        self.assertGreater(np.abs(r1.components_ - r2.components_).max(),
                           1e-6)
        rng = np.random.default_rng(0)
        W0, H0 = rng.random((60, 4)), rng.random((4, 25))
        c = nmfkit.NMF(4, init="custom", max_iter=0)
        W = c.fit_transform(X, W=W0, H=H0)
        np.testing.assert_allclose(W @ c.components_, W0 @ H0, rtol=1e-12)

    def test_missing_entries_are_left_out(self):
        X = self.X.copy()
        X[3, 4] = np.nan
        with self.assertRaises(ValueError):
            nmfkit.NMF(3).fit(X)
        est = nmfkit.NMF(3, missing="na", random_state=0).fit(X)
        self.assertTrue(np.isfinite(est.components_).all())

    def test_verbose_prints_the_objective(self):
        import contextlib
        import io
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            nmfkit.NMF(3, verbose=2, max_iter=3, tol=0).fit(self.X)
        self.assertEqual(out.getvalue().count("objective"), 3)


class TestBadInput(unittest.TestCase):

    def setUp(self):
        self.X = data(20, 10, 2)

    def test_negative_entry_is_named_where_the_user_has_it(self):
        B = self.X.copy()
        B[7, 3] = -1
        for X in (B, np.asfortranarray(B), sp.csr_matrix(B),
                  sp.csc_matrix(B), sp.coo_matrix(B)):
            with self.assertRaises(ValueError) as cm:
                nmfkit.NMF(2).fit(X)
            msg = str(cm.exception)
            self.assertIn("Negative values in data passed to", msg)
            self.assertIn("X[7, 3] = -1", msg)
        est = nmfkit.NMF(2).fit(self.X)
        with self.assertRaises(ValueError) as cm:
            est.transform(B)
        self.assertIn("X[7, 3]", str(cm.exception))

    def test_bad_parameters_raise_value_error(self):
        for bad in ({"n_components": 0}, {"n_components": 2.5},
                    {"init": "pca"}, {"solver": "lbfgs"},
                    {"beta_loss": "l1"}, {"beta_loss": float("nan")},
                    {"solver": "cd", "beta_loss": "itakura-saito"},
                    {"tol": -1}, {"max_iter": -1}, {"alpha_W": -0.1},
                    {"alpha_H": "other"}, {"l1_ratio": 1.5},
                    {"missing": "sometimes"}, {"sketch": "maybe"},
                    {"n_components": 11}):
            with self.assertRaises(ValueError, msg=str(bad)):
                nmfkit.NMF(**dict({"n_components": 2}, **bad)).fit(self.X)
        with self.assertRaises(ValueError):
            nmfkit.NMF(2, init="custom").fit(self.X)  # no W, H
        with self.assertRaises(ValueError):
            nmfkit.NMF(2, init="custom").fit(self.X, W=np.ones((20, 3)),
                                             H=np.ones((2, 10)))

    def test_not_fitted(self):
        with self.assertRaises(NotFittedError):
            nmfkit.NMF(2).transform(self.X)
        with self.assertRaises(NotFittedError):
            nmfkit.NMF(2).inverse_transform(np.ones((3, 2)))

    def test_wrong_number_of_features(self):
        est = nmfkit.NMF(2).fit(self.X)
        with self.assertRaises(ValueError) as cm:
            est.transform(self.X[:, :5])
        self.assertIn("10 features", str(cm.exception))


if __name__ == "__main__":
    print("scikit-learn", sklearn.__version__, "libnmf",
          nmfkit.library_version())
    unittest.main(verbosity=2)
