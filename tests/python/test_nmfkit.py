"""Tests of the nmfkit ctypes binding against the real libnmf.

Run with CTest (which sets NMFKIT_LIBRARY and PYTHONPATH), or by hand:

    NMFKIT_LIBRARY=build/capi/libnmf.so python3 -m unittest discover -s tests/python -v
"""
import ctypes
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import require_all  # noqa: E402

try:
    import numpy as np
except ImportError:  # pragma: no cover - the CTest run reports a skip
    if __name__ == "__main__":
        print("skip: numpy is not installed for", sys.executable)
        sys.exit(1 if require_all.required() else 77)
    raise unittest.SkipTest("numpy is not installed")

try:
    import scipy.sparse as sp
except ImportError:  # pragma: no cover
    sp = None

try:
    import nmfkit
except ImportError:
    sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
    import nmfkit


def setUpModule():
    # One clear error (not one per test) when libnmf cannot be found.
    nmfkit.library_version()


# ------------------------------------------------------------------ helpers

def planted(m, n, k, seed=0, zero_fraction=0.3):
    """A = W0 @ H0, exactly rank k and non-negative, with anchor rows in W0
    and anchor columns in H0 (an identity block each) so that the NMF is
    unique up to permutation and scaling.  Returned column-major."""
    rng = np.random.default_rng(seed)
    W0 = rng.random((m, k)) * (rng.random((m, k)) > zero_fraction)
    H0 = rng.random((k, n)) * (rng.random((k, n)) > zero_fraction)
    W0[:k] = np.eye(k)
    H0[:, :k] = np.eye(k)
    return np.asfortranarray(W0 @ H0), W0, H0


def noisy(m, n, k, seed=0, noise=0.05):
    """A planted matrix plus non-negative noise: its best rank-k loss > 0."""
    A, _, _ = planted(m, n, k, seed)
    rng = np.random.default_rng(seed + 1000)
    return np.asfortranarray(A + noise * rng.random((m, n)))


def match_columns(X, Y):
    """max |X - Y P| over the best column permutation P (small k)."""
    k = X.shape[1]
    return min(np.abs(X - Y[:, list(p)]).max()
               for p in itertools.permutations(range(k)))


def assert_canonical(tc, fit, tol=1e-10):
    tc.assertTrue(np.all(np.isfinite(fit.W)) and np.all(np.isfinite(fit.H)))
    tc.assertTrue((fit.W >= 0).all() and (fit.H >= 0).all()
                  and (fit.d >= 0).all())
    np.testing.assert_allclose(fit.W.sum(axis=0), 1.0, rtol=0, atol=tol)
    np.testing.assert_allclose(fit.H.sum(axis=1), 1.0, rtol=0, atol=tol)
    tc.assertTrue(np.all(np.diff(fit.d) <= 0), "d not descending: %s" % fit.d)


def factors_diff(f, g):
    """Largest difference between two fits' W, d (relative) and H."""
    return max(np.abs(f.W - g.W).max(), np.abs(f.H - g.H).max(),
               (np.abs(f.d - g.d) / np.abs(g.d).max()).max())


def assert_identical(tc, f, g):
    tc.assertTrue(np.array_equal(f.W, g.W) and np.array_equal(f.d, g.d)
                  and np.array_equal(f.H, g.H), "fits differ by %.3g"
                  % factors_diff(f, g))


class Progress:
    """Records the progress callback's arguments; stops at `stop_at`."""

    def __init__(self, stop_at=None, raise_at=None, exc=None):
        self.calls = []
        self.stop_at, self.raise_at, self.exc = stop_at, raise_at, exc

    def __call__(self, iteration, maxit, loss, rel_error):
        self.calls.append((iteration, maxit, loss, rel_error))
        if self.raise_at is not None and iteration >= self.raise_at:
            raise self.exc
        return self.stop_at is not None and iteration >= self.stop_at


# -------------------------------------------------------------------- tests

class TestLibrary(unittest.TestCase):

    def test_library_comes_from_NMFKIT_LIBRARY(self):
        nmfkit.library_version()  # loads the library
        if os.environ.get("NMFKIT_LIBRARY"):
            self.assertEqual(nmfkit.library_path,
                             os.environ["NMFKIT_LIBRARY"])

    def test_version_is_major_minor_patch(self):
        v = nmfkit.library_version()
        self.assertRegex(v, r"^\d+\.\d+\.\d+$")
        major, minor, patch = map(int, v.split("."))
        self.assertEqual(nmfkit._load().nmf_version_number(),
                         major * 10000 + minor * 100 + patch)

    def test_module_constants_match_the_library(self):
        for code, name in nmfkit._CODE_NAMES.items():
            self.assertEqual(nmfkit.constant(name), code, name)
            self.assertEqual(getattr(nmfkit, name[4:]), code)
        for value, reason in nmfkit._STOP_REASONS.items():
            self.assertEqual(nmfkit.constant("NMF_STOP_" + reason.upper()),
                             value)
        self.assertIsNone(nmfkit.constant("NMF_NO_SUCH_CONSTANT"))

    def test_struct_layout_matches_nmf_h(self):
        # Pinned LP64 offsets, the same table as tests/c99/consumer.c.
        if ctypes.sizeof(ctypes.c_void_p) != 8:
            self.skipTest("layout pinned for LP64 only")
        O, R = nmfkit._Options, nmfkit._Result
        self.assertEqual(
            [O.tol.offset, O.seed.offset, O.l1_w.offset, O.user_w.offset,
             O.progress.offset, O.progress_data.offset, O.hals_alpha.offset,
             O.hals_delta.offset, O.missing.offset, O.weights.offset,
             O.weights_ld.offset, O.beta.offset, O.mu_eps.offset,
             O.extrapolation.offset, O.extrap_beta0.offset,
             O.extrap_eta.offset, O.extrap_gamma.offset,
             O.extrap_gamma_bar.offset, O.sparse_w.offset, O.sparse_h.offset,
             O.ns_theta.offset, O.collective.offset, O.sketch.offset,
             O.sketch_rank.offset, O.stable_checks.offset, ctypes.sizeof(O)],
            [24, 32, 40, 72, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160,
             168, 176, 184, 192, 200, 208, 216, 224, 232, 240, 248, 256])
        self.assertEqual(
            [R.iterations.offset, R.loss.offset, R.rel_error.offset,
             R.solver.offset, R.seconds.offset, R.loss_history.offset,
             R.history_length.offset, R.extrapolation.offset,
             R.restarts.offset, R.sketch_rank.offset,
             R.sketch_iterations.offset, ctypes.sizeof(R)],
            [8, 16, 24, 32, 40, 48, 64, 72, 80, 88, 96, 104])
        # nmf_options_init accepts our size and fills the documented defaults.
        o = O()
        self.assertEqual(nmfkit._load().nmf_options_init(ctypes.byref(o),
                                                         ctypes.sizeof(o)), 0)
        self.assertEqual((o.struct_size, o.maxit, o.tol, o.seed),
                         (256, 200, 1e-5, 42))
        self.assertEqual((o.missing, o.beta, o.mu_eps, bool(o.weights)),
                         (0, 1.0, 2.220446049250313e-16, False))
        self.assertEqual((o.extrapolation, o.extrap_beta0, o.extrap_eta,
                          o.extrap_gamma, o.extrap_gamma_bar, o.sparse_w,
                          o.sparse_h, o.ns_theta),
                         (-1, 0.5, 1.5, 1.05, 1.01, 0.0, 0.0, 0.0))

    def test_structs_have_the_librarys_size_and_defaults(self):
        # The library fills min(size, its sizeof) bytes and stores that size
        # in struct_size: handed a larger buffer, it tells its own sizeof,
        # which must be the ctypes structure's.  Every field, read at the
        # ctypes offset from a buffer prefilled with 0xAB, holds the
        # documented default (a wrong offset reads another field or 0xAB).
        lib = nmfkit._load()

        def probe(struct, init):
            buf = (ctypes.c_ubyte * 1024)(*([0xAB] * 1024))
            self.assertEqual(init(ctypes.cast(buf, ctypes.POINTER(struct)),
                                  1024), 0)
            value = struct.from_buffer_copy(bytes(buf)[:ctypes.sizeof(struct)])
            self.assertEqual(value.struct_size, ctypes.sizeof(struct),
                             struct.__name__)
            return value

        o = probe(nmfkit._Options, lib.nmf_options_init)
        expected = dict(
            loss=0, solver=0, init=0, n_threads=0, maxit=200, tol=1e-5,
            seed=42, l1_w=0.0, l1_h=0.0, l2_w=0.0, l2_h=0.0, user_w=0,
            user_h=0, fix_w=0, fix_h=0, progress_data=None, hals_alpha=0.5,
            hals_delta=0.1, missing=0, weights_ld=0, beta=1.0,
            mu_eps=2.220446049250313e-16, extrapolation=-1, extrap_beta0=0.5,
            extrap_eta=1.5, extrap_gamma=1.05, extrap_gamma_bar=1.01,
            sparse_w=0.0, sparse_h=0.0, ns_theta=0.0, collective=None,
            sketch=-1, sketch_rank=0, stable_checks=0)
        self.assertEqual(
            sorted(list(expected) + ["progress", "struct_size", "weights"]),
            sorted(f[0] for f in nmfkit._Options._fields_))
        for name, value in expected.items():
            self.assertEqual(getattr(o, name), value, name)
        self.assertFalse(o.progress)
        self.assertFalse(o.weights)
        so = probe(nmfkit._SurveyOptions, lib.nmf_survey_options_init)
        self.assertEqual((so.randomized, so.nrun, so.random_seed), (0, 30, 1))
        bo = probe(nmfkit._BicvOptions, lib.nmf_bicv_options_init)
        self.assertEqual((bo.row_groups, bo.col_groups, bo.reps, bo.seed),
                         (2, 2, 1, 1))

    def test_consensus_info_layout_matches_nmf_h(self):
        if ctypes.sizeof(ctypes.c_void_p) != 8:
            self.skipTest("layout pinned for LP64 only")
        I = nmfkit._ConsensusInfo
        self.assertEqual(
            [getattr(I, f[0]).offset for f in I._fields_] + [ctypes.sizeof(I)],
            [0, 4, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112,
             120, 128])

    def test_matrix_layout_matches_nmf_h(self):
        # Pinned LP64 offsets, the same as tests/c99/matrix_c.c.
        if ctypes.sizeof(ctypes.c_void_p) != 8:
            self.skipTest("layout pinned for LP64 only")
        from nmfkit._library import _Matrix
        self.assertEqual(
            [getattr(_Matrix, f[0]).offset for f in _Matrix._fields_]
            + [ctypes.sizeof(_Matrix)],
            [0, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72])
        # The library's constructors write where ctypes reads.
        lib = nmfkit._load()
        lib.nmf_matrix_csc.restype = ctypes.c_int32
        lib.nmf_matrix_csc.argtypes = [
            ctypes.POINTER(_Matrix), ctypes.c_size_t, ctypes.c_int32,
            ctypes.c_int32, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p,
            ctypes.c_void_p, ctypes.c_void_p]
        a = _Matrix()
        rc = lib.nmf_matrix_csc(ctypes.byref(a), ctypes.sizeof(a),
                                nmfkit.constant("NMF_SCALAR_FLOAT"),
                                nmfkit.constant("NMF_INDEX_I64"), 7, 5,
                                0x1000, 0x2000, 0x3000)
        self.assertEqual(rc, 0)
        self.assertEqual(
            (a.struct_size, a.layout, a.scalar_type, a.index_type, a.m, a.n,
             a.lda, a.data, a.col_ptr, a.row_ind, a.values),
            (ctypes.sizeof(a), nmfkit.constant("NMF_LAYOUT_CSC"),
             nmfkit.constant("NMF_SCALAR_FLOAT"),
             nmfkit.constant("NMF_INDEX_I64"), 7, 5, 0, None, 0x1000, 0x2000,
             0x3000))
        from nmfkit import _library as L
        for name in ("LAYOUT_DENSE", "LAYOUT_CSC", "SCALAR_DOUBLE",
                     "SCALAR_FLOAT", "INDEX_I32", "INDEX_I64"):
            self.assertEqual(getattr(L, name), nmfkit.constant("NMF_" + name))


class TestRecovery(unittest.TestCase):

    def test_planted_rank3_is_recovered(self):
        A, W0, H0 = planted(50, 40, 3, seed=1)
        fit = nmfkit.fit(A, 3, tol=0, maxit=1000, seed=7)
        assert_canonical(self, fit)
        self.assertLess(fit.rel_error, 1e-6)
        self.assertEqual(fit.iterations, 1000)
        self.assertEqual(fit.stop_reason, "maxit")
        # rel_error and loss describe the returned factors.
        ref = np.linalg.norm(A - fit.fitted()) / np.linalg.norm(A)
        self.assertLess(abs(fit.rel_error ** 2 - ref ** 2), 1e-12)
        self.assertAlmostEqual(fit.loss, 0.5 * (ref * np.linalg.norm(A)) ** 2,
                               delta=1e-12 * np.linalg.norm(A) ** 2)
        # Factors equal the planted ones up to permutation and scaling.
        self.assertLess(match_columns(fit.W, W0 / W0.sum(axis=0)), 1e-5)
        Hn = H0 / H0.sum(axis=1, keepdims=True)
        self.assertLess(match_columns(fit.H.T, Hn.T), 1e-5)

    def test_loss_history(self):
        A = noisy(40, 30, 3)
        fit = nmfkit.fit(A, 3, tol=0, maxit=150)
        self.assertEqual(len(fit.loss_history), fit.iterations)
        self.assertEqual(fit.loss_history[-1], fit.loss)
        # HALS is exact block-coordinate descent: the loss never increases.
        self.assertTrue(np.all(np.diff(fit.loss_history)
                               <= 1e-12 * fit.loss_history[0]))

    def test_default_tol_stops_early(self):
        fit = nmfkit.fit(noisy(40, 30, 3), 3)
        self.assertEqual(fit.stop_reason, "tol")
        self.assertLess(fit.iterations, 200)
        rel = np.diff(fit.loss_history)[-1] / fit.loss_history[-2]
        self.assertLess(-rel, 1e-5)

    def test_same_seed_same_factors_for_any_thread_count(self):
        A = noisy(60, 45, 4)
        f1 = nmfkit.fit(A, 4, threads=1, seed=3)
        f2 = nmfkit.fit(A, 4, threads=2, seed=3)
        assert_identical(self, f1, f2)
        f3 = nmfkit.fit(A, 4, threads=1, seed=4)
        self.assertFalse(np.array_equal(f1.W, f3.W))

    def test_init_methods(self):
        A = noisy(40, 30, 3)
        for init in ("random", "nndsvd", "nndsvda", "nndsvdar"):
            fit = nmfkit.fit(A, 3, init=init, maxit=300)
            self.assertEqual(fit.init, init)
            assert_canonical(self, fit)
            self.assertLess(fit.rel_error, 0.05, init)


class TestDivergence(unittest.TestCase):
    """loss="kl"/"beta", solver="mu"/"cd", beta, missing, mu_eps."""

    @staticmethod
    def kl(A, Y):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(A > 0, A * np.log(np.where(A > 0, A, 1) / Y), 0.0)
        return (t - A + Y).sum()

    def test_kl_loss_is_the_divergence_of_the_output(self):
        rng = np.random.default_rng(3)
        A = rng.poisson(3.0, size=(30, 20)).astype(float) + 0.0
        A[0] += 1
        for solver in ("mu", "cd"):
            for layout in (np.asfortranarray, np.ascontiguousarray):
                fit = nmfkit.fit(layout(A), 3, loss="kl", solver=solver,
                                 maxit=30, tol=0, threads=1)
                self.assertEqual(fit.solver, solver)
                self.assertLess(abs(fit.loss - self.kl(A, fit.fitted()))
                                / fit.loss, 1e-9)
                self.assertTrue(np.all(np.diff(fit.loss_history)
                                       <= 1e-12 * fit.loss_history[1:]))

    def test_beta_one_is_kl_and_nan_is_missing(self):
        rng = np.random.default_rng(4)
        A = rng.poisson(3.0, size=(30, 20)).astype(float) + 1.0
        a = nmfkit.fit(A, 3, loss="kl", solver="mu", maxit=10)
        b = nmfkit.fit(A, 3, loss="beta", beta=1.0, solver="mu", maxit=10)
        np.testing.assert_allclose(a.W, b.W, rtol=1e-13)
        B = A.copy()
        B[2, 3] = np.nan
        with self.assertRaises(nmfkit.NmfError):
            nmfkit.fit(B, 3, loss="kl")
        f1 = nmfkit.fit(B, 3, loss="kl", missing="nan", maxit=20, mu_eps=1e-9)
        B[2, 3] = 1e6  # any value: the entry is missing
        B2 = B.copy()
        B2[2, 3] = np.nan
        f2 = nmfkit.fit(B2.copy(order="C"), 3, loss="kl", missing="nan",
                        maxit=20, mu_eps=1e-9)
        self.assertTrue(np.all(np.isfinite(f1.W)))
        np.testing.assert_allclose(f1.fitted(), f2.fitted(), rtol=1e-10)


class TestLayouts(unittest.TestCase):
    """Column-major, row-major and strided inputs: which are copied, and that
    every path computes the same factorization."""

    def setUp(self):
        self.A, self.W0, self.H0 = planted(30, 24, 3, seed=2)

    def test_fortran_order_is_passed_in_place(self):
        A = np.asfortranarray(self.A)
        p = nmfkit._prepare(A)
        self.assertEqual(p.data_ptr, A.ctypes.data)
        self.assertEqual((p.m, p.n, p.ld, p.copied), (30, 24, 30, False))

    def test_c_order_is_copied_to_column_major_not_transposed(self):
        A = np.ascontiguousarray(self.A)
        p = nmfkit._prepare(A)
        self.assertNotEqual(p.data_ptr, A.ctypes.data)
        self.assertEqual((p.m, p.n, p.ld, p.copied), (30, 24, 30, True))

    def test_solver_names_round_trip(self):
        # The result names the solver used; auto resolves to HALS (nmf.h).
        for asked, used in (("auto", "hals"), ("hals", "hals"), ("anls", "anls"),
                            ("mu", "mu")):
            f = nmfkit.fit(np.asfortranarray(self.A), 3, solver=asked, maxit=20)
            self.assertEqual(f.solver, used)
            self.assertTrue((f.W >= 0).all() and (f.H >= 0).all())

    def test_row_and_column_major_give_the_same_factors(self):
        F = np.asfortranarray(self.A)
        C = np.ascontiguousarray(self.A)
        fF = nmfkit.fit(F, 3, tol=0, maxit=2000)
        fC = nmfkit.fit(C, 3, tol=0, maxit=2000)
        self.assertEqual(fC.W.shape, (30, 3))
        self.assertEqual(fC.H.shape, (3, 24))
        assert_canonical(self, fC)
        self.assertLess(fC.rel_error, 1e-6)
        self.assertLess(factors_diff(fF, fC), 1e-10)

    def test_column_major_slice_uses_the_leading_dimension(self):
        big = np.asfortranarray(np.vstack([self.A, -np.ones((5, 24))]))
        A = big[:30]  # column-major with lda = 35; the padding is negative
        p = nmfkit._prepare(A)
        self.assertEqual((p.data_ptr, p.ld, p.copied),
                         (A.ctypes.data, 35, False))
        assert_identical(self, nmfkit.fit(A, 3),
                         nmfkit.fit(np.asfortranarray(A), 3))

    def test_row_major_slice_is_copied(self):
        big = np.ascontiguousarray(np.hstack([self.A, -np.ones((30, 4))]))
        A = big[:, :24]  # row-major with row stride 28; the padding is negative
        p = nmfkit._prepare(A)
        self.assertEqual((p.ld, p.copied), (30, True))
        assert_identical(self, nmfkit.fit(A, 3),
                         nmfkit.fit(np.asfortranarray(A), 3))

    def test_non_contiguous_input_is_copied_to_fortran_order(self):
        big = np.asfortranarray(np.kron(self.A, np.ones((2, 2))))
        A = big[::2, ::2]
        p = nmfkit._prepare(A)
        self.assertTrue(p.copied)
        assert_identical(self, nmfkit.fit(A, 3),
                         nmfkit.fit(np.asfortranarray(A), 3))

    def test_other_dtypes_are_converted_to_float64(self):
        A = np.round(self.A * 100).astype(np.int64)
        p = nmfkit._prepare(A)
        self.assertEqual((p.dtype, p.copied), (np.float64, True))
        f = nmfkit.fit(A, 3)
        self.assertEqual(f.W.dtype, np.float64)
        assert_identical(self, f, nmfkit.fit(np.asfortranarray(A, float), 3))
        big_endian = np.asfortranarray(self.A).astype(">f8")
        assert_identical(self, nmfkit.fit(big_endian, 3),
                         nmfkit.fit(np.asfortranarray(self.A), 3))

    def test_fixed_factor_projection_is_the_same_in_both_layouts(self):
        F, C = np.asfortranarray(self.A), np.ascontiguousarray(self.A)
        W0 = self.W0.copy()
        for A in (F, C):
            fit = nmfkit.fit(A, 3, W=W0, fix_w=True)
            self.assertEqual(fit.stop_reason, "exact")
            self.assertTrue(np.array_equal(fit.W, self.W0))
            self.assertTrue(np.array_equal(fit.d, np.ones(3)))
            np.testing.assert_allclose(fit.H, self.H0, rtol=0, atol=1e-10)
            fit = nmfkit.fit(A, 3, H=self.H0, fix_h=True)
            self.assertTrue(np.array_equal(fit.H, self.H0))
            np.testing.assert_allclose(fit.W, self.W0, rtol=0, atol=1e-10)
        self.assertTrue(np.array_equal(W0, self.W0), "caller's W modified")

    def test_penalties_stay_on_their_factor_in_both_layouts(self):
        # Projection with an L1 penalty on H has a unique solution, the same
        # for a row-major A.
        A = noisy(30, 24, 3)
        F, C = np.asfortranarray(A), np.ascontiguousarray(A)
        W = self.W0 / self.W0.sum(axis=0)
        plain = nmfkit.fit(F, 3, W=W, fix_w=True)
        fF = nmfkit.fit(F, 3, W=W, fix_w=True, l1_h=0.5)
        fC = nmfkit.fit(C, 3, W=W, fix_w=True, l1_h=0.5)
        self.assertGreater(np.abs(fF.H - plain.H).max(), 1e-3)
        self.assertLess(fF.H.sum(), plain.H.sum())
        np.testing.assert_allclose(fC.H, fF.H, rtol=0, atol=1e-10)
        self.assertAlmostEqual(fC.loss, fF.loss, delta=1e-10 * fF.loss)

    def test_user_starting_values(self):
        # Starting at the planted solution, HALS stays there.
        for A in (np.asfortranarray(self.A), np.ascontiguousarray(self.A)):
            fit = nmfkit.fit(A, 3, W=self.W0, H=self.H0, maxit=5)
            self.assertEqual(fit.init, "user")
            # (The reported rel_error comes from Gram matrices and cannot
            # resolve much below 1e-8; measure the residual directly.)
            self.assertLess(np.linalg.norm(A - fit.fitted())
                            / np.linalg.norm(A), 1e-12)
            self.assertLess(match_columns(fit.W, self.W0 / self.W0.sum(0)),
                            1e-10)


class TestFloat32(unittest.TestCase):

    def test_float32_uses_single_precision_and_agrees(self):
        A64 = noisy(60, 40, 4)
        A32 = A64.astype(np.float32, order="F")
        p = nmfkit._prepare(A32)
        self.assertEqual((p.dtype, p.copied, p.data_ptr),
                         (np.float32, False, A32.ctypes.data))
        f64 = nmfkit.fit(A64, 4, tol=0, maxit=300)
        f32 = nmfkit.fit(A32, 4, tol=0, maxit=300)
        self.assertEqual((f32.W.dtype, f32.d.dtype, f32.H.dtype),
                         (np.float32,) * 3)
        assert_canonical(self, f32, tol=1e-5)
        self.assertLess(abs(f32.loss - f64.loss) / f64.loss, 1e-4)

    def test_float32_row_major(self):
        A = np.ascontiguousarray(noisy(40, 30, 3), dtype=np.float32)
        p = nmfkit._prepare(A)
        self.assertEqual((p.dtype, p.copied), (np.float32, True))
        f = nmfkit.fit(A, 3, maxit=300)
        assert_identical(self, f, nmfkit.fit(np.asfortranarray(A), 3,
                                             maxit=300))
        self.assertEqual(f.W.shape, (40, 3))
        assert_canonical(self, f, tol=1e-5)
        self.assertLess(f.rel_error, 0.05)


@unittest.skipIf(sp is None, "scipy is not installed")
class TestSparse(unittest.TestCase):

    def setUp(self):
        # Planted with many zeros so that the sparse paths matter.
        self.A, _, _ = planted(40, 30, 3, seed=5, zero_fraction=0.6)
        self.assertGreater((self.A == 0).mean(), 0.2)

    def fit(self, A, **kw):
        return nmfkit.fit(A, 3, tol=0, maxit=1500, **kw)

    def test_csc_is_passed_in_place(self):
        S = sp.csc_matrix(self.A)
        S.indices = S.indices.astype(np.int64)
        S.indptr = S.indptr.astype(np.int64)
        p = nmfkit._prepare(S)
        self.assertEqual((p.kind, p.m, p.n, p.copied),
                         ("csc", 40, 30, False))
        self.assertEqual((p.data_ptr, p.indices_ptr, p.indptr_ptr),
                         (S.data.ctypes.data, S.indices.ctypes.data,
                          S.indptr.ctypes.data))
        self.assertEqual(p.index_dtype, np.int64)

    def test_csc_int32_indices_are_kept_and_indptr_widened(self):
        S = sp.csc_matrix(self.A)
        self.assertEqual(S.indices.dtype, np.int32)
        p = nmfkit._prepare(S)
        self.assertEqual((p.data_ptr, p.indices_ptr, p.index_dtype),
                         (S.data.ctypes.data, S.indices.ctypes.data,
                          np.int32))
        self.assertNotEqual(p.indptr_ptr, S.indptr.ctypes.data)

    def test_csr_is_converted_to_csc_not_transposed(self):
        S = sp.csr_matrix(self.A)
        p = nmfkit._prepare(S)
        self.assertEqual((p.kind, p.m, p.n, p.copied), ("csc", 40, 30, True))

    def test_sparse_and_dense_give_the_same_factors(self):
        F = np.asfortranarray(self.A)
        C = np.ascontiguousarray(self.A)
        fF, fC = self.fit(F), self.fit(C)
        csc, csr = self.fit(sp.csc_matrix(self.A)), self.fit(sp.csr_matrix(self.A))
        csc64 = sp.csc_matrix(self.A)
        csc64.indices = csc64.indices.astype(np.int64)
        f64 = self.fit(csc64)
        self.assertLess(fF.rel_error, 1e-6)
        assert_canonical(self, csc)
        # The same computation up to summation order.
        self.assertLess(factors_diff(csc, fF), 1e-10)
        self.assertLess(factors_diff(f64, fF), 1e-10)
        # The same matrix in another layout: the same computation.
        assert_identical(self, fC, fF)
        assert_identical(self, csr, csc)

    def test_five_layouts_give_identical_factors_for_each_loss(self):
        # The same matrix and seed give the same W, d and H, bit for bit,
        # whether it is dense column- or row-major, CSC, CSR or COO, for
        # the Frobenius loss and for KL (whose sparse and dense paths share
        # an update rule); the fits must have iterated for this to mean
        # anything.
        A = noisy(40, 30, 3, seed=9)
        A[A < 0.25] = 0
        layouts = (np.asfortranarray(A), np.ascontiguousarray(A),
                   sp.csc_matrix(A), sp.csr_matrix(A), sp.coo_matrix(A))
        for loss in ("frobenius", "kl"):
            fits = [nmfkit.fit(X, 3, loss=loss, seed=11, maxit=60, tol=0)
                    for X in layouts]
            self.assertEqual(fits[0].iterations, 60)
            # dense and sparse: the same computation, summation order aside
            self.assertLess(factors_diff(fits[2], fits[0]), 1e-10, loss)
            assert_identical(self, fits[1], fits[0])
            assert_identical(self, fits[3], fits[2])
            assert_identical(self, fits[4], fits[2])

    def test_other_formats_are_converted(self):
        ref = nmfkit.fit(sp.csc_matrix(self.A), 3)
        for S in (sp.coo_matrix(self.A), sp.lil_matrix(self.A),
                  sp.csc_array(self.A) if hasattr(sp, "csc_array") else None):
            if S is not None:
                assert_identical(self, nmfkit.fit(S, 3), ref)

    def test_non_canonical_csc_is_fixed_on_a_copy(self):
        S = sp.csc_matrix(self.A)
        # Reverse the row order within each column: unsorted indices.
        U = S.copy()
        for j in range(U.shape[1]):
            a, b = U.indptr[j], U.indptr[j + 1]
            U.indices[a:b] = U.indices[a:b][::-1].copy()
            U.data[a:b] = U.data[a:b][::-1].copy()
        U.has_sorted_indices = False
        before = U.indices.copy()
        assert_identical(self, nmfkit.fit(U, 3), nmfkit.fit(S, 3))
        self.assertTrue(np.array_equal(U.indices, before))
        # Duplicate entries mean their sum: every entry stored twice, halved.
        indptr = 2 * S.indptr
        indices = np.repeat(S.indices, 2)
        data = np.repeat(S.data / 2, 2)
        D = sp.csc_matrix((data, indices, indptr), shape=S.shape)
        self.assertFalse(D.has_canonical_format)
        f = nmfkit.fit(D, 3)
        self.assertEqual(len(D.data), 2 * S.nnz)  # caller's matrix untouched
        self.assertLess(factors_diff(f, nmfkit.fit(S, 3)), 1e-12)

    def test_float32_sparse(self):
        S = sp.csc_matrix(self.A.astype(np.float32))
        p = nmfkit._prepare(S)
        self.assertEqual((p.dtype, p.copied), (np.float32, False))
        f = nmfkit.fit(S, 3, maxit=500)
        self.assertEqual(f.W.dtype, np.float32)
        self.assertLess(f.rel_error, 1e-3)

    def test_negative_sparse_value_raises(self):
        S = sp.csc_matrix(self.A)
        S.data[3] = -1.0
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(S, 3)
        self.assertEqual(cm.exception.code, nmfkit.ERR_NEGATIVE)
        self.assertIn("negative", cm.exception.detail.lower())
        S.data[3] = np.nan
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(S.tocsr(), 3)
        self.assertEqual(cm.exception.code, nmfkit.ERR_NOT_FINITE)


class TestErrors(unittest.TestCase):

    def setUp(self):
        self.A = noisy(20, 15, 2)

    def assertNmfError(self, code, needle, *args, **kw):
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(*args, **kw)
        e = cm.exception
        self.assertEqual(e.code, code, str(e))
        self.assertEqual(e.name, nmfkit._CODE_NAMES[code])
        self.assertTrue(e.detail, "empty detail")
        if needle is not None:
            self.assertIn(needle.lower(), e.detail.lower())
        strerror = nmfkit._load().nmf_strerror(code).decode()
        self.assertEqual(e.description, strerror)
        self.assertIn(strerror, str(e))
        self.assertIn(e.detail, str(e))
        return e

    def test_invalid_entries(self):
        for layout in (np.asfortranarray, np.ascontiguousarray):
            A = layout(self.A.copy())
            A[3, 4] = -1e-3
            self.assertNmfError(nmfkit.ERR_NEGATIVE, "negative", A, 2)
            A[3, 4] = np.nan
            self.assertNmfError(nmfkit.ERR_NOT_FINITE, None, A, 2)
            A[3, 4] = np.inf
            self.assertNmfError(nmfkit.ERR_NOT_FINITE, None, A, 2)

    def test_errors_name_the_users_rows_and_columns_in_every_layout(self):
        # B[7, 3] < 0 is the entry at row 8, column 4 (the library counts
        # from 1) whatever the layout, and no message speaks of a transpose.
        B = np.ascontiguousarray(self.A)
        B[7, 3] = -1
        layouts = [B, np.asfortranarray(B)]
        if sp is not None:
            layouts += [sp.csr_matrix(B), sp.csc_matrix(B), sp.coo_matrix(B)]
        details = set()
        for X in layouts:
            e = self.assertNmfError(nmfkit.ERR_NEGATIVE, "negative", X, 2)
            self.assertNotIn("transpose", e.detail)
            details.add(e.detail)
        self.assertEqual(len(details), 1, details)
        self.assertIn("row 8", e.detail)
        self.assertIn("column 4", e.detail)
        C = np.ascontiguousarray(self.A)
        for kw in ({"k": 0}, {"k": 2, "maxit": -1}, {"k": 16}):
            with self.assertRaises(nmfkit.NmfError) as cm:
                nmfkit.fit(C, **kw)
            self.assertNotIn("transpose", cm.exception.detail)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(C, 16)
        self.assertIn("min(m, n) = 15", cm.exception.detail)

    def test_rank(self):
        self.assertNmfError(nmfkit.ERR_RANK, None, self.A, 0)
        self.assertNmfError(nmfkit.ERR_RANK, None, self.A, -1)
        self.assertNmfError(nmfkit.ERR_RANK, None, self.A, 16)
        self.assertNmfError(nmfkit.ERR_RANK, None,
                            np.ascontiguousarray(self.A), 16)

    def test_dimensions(self):
        self.assertNmfError(nmfkit.ERR_DIMENSION, None, np.zeros((0, 5)), 1)
        self.assertNmfError(nmfkit.ERR_DIMENSION, "W", self.A, 2,
                            W=np.ones((20, 3)))
        with self.assertRaises(ValueError):
            nmfkit.fit(np.ones(5), 1)
        with self.assertRaises(TypeError):
            nmfkit.fit(self.A.astype(complex), 2)

    def test_options(self):
        A = self.A
        self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, "tol", A, 2, tol=-1)
        self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, "maxit", A, 2,
                            maxit=-1)
        for name in ("l1_w", "l1_h", "l2_w", "l2_h"):
            self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, None, A, 2,
                                **{name: -0.5})
        for name in ("loss", "solver", "init"):
            self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, name, A, 2,
                                **{name: "bogus"})
        self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, "maxit", A, 2,
                            maxit=2 ** 40)
        self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, "seed", A, 2,
                            seed=-1)
        W, H = np.ones((20, 2)), np.ones((2, 15))
        self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, "fix", A, 2, W=W,
                            H=H, fix_w=True, fix_h=True)
        self.assertNmfError(nmfkit.ERR_INVALID_ARGUMENT, "fix_w", A, 2,
                            fix_w=True)

    def test_invalid_user_factors(self):
        W = np.ones((20, 2))
        W[1, 1] = -1
        for layout in (np.asfortranarray, np.ascontiguousarray):
            self.assertNmfError(nmfkit.ERR_NEGATIVE, "negative",
                                layout(self.A), 2, W=W)
            self.assertNmfError(nmfkit.ERR_NEGATIVE, "negative",
                                layout(self.A), 2, W=W, fix_w=True)

    def test_message_is_per_thread(self):
        # An error in another Python thread does not change what this one
        # reports next (the library's message is thread-local).
        A = self.A.copy()
        A[0, 0] = -1
        errors = []

        def worker():
            try:
                nmfkit.fit(self.A, 0)
            except nmfkit.NmfError as e:
                errors.append(e)

        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(A, 2)
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        self.assertEqual(errors[0].code, nmfkit.ERR_RANK)
        mine = nmfkit._load().nmf_last_error_message().decode()
        self.assertIn("negative", mine)
        self.assertTrue(cm.exception.detail.startswith(mine))


class TestProgress(unittest.TestCase):

    def setUp(self):
        self.A = noisy(40, 30, 3)

    def test_callback_sees_every_iteration(self):
        p = Progress()
        fit = nmfkit.fit(self.A, 3, tol=0, maxit=20, progress=p)
        self.assertEqual([c[0] for c in p.calls], list(range(1, 21)))
        self.assertTrue(all(c[1] == 20 for c in p.calls))
        np.testing.assert_array_equal([c[2] for c in p.calls],
                                      fit.loss_history)
        self.assertEqual(p.calls[-1][3], fit.rel_error)

    def test_cancel_at_iteration_3(self):
        p = Progress(stop_at=3)
        fit = nmfkit.fit(self.A, 3, tol=0, maxit=100, progress=p)
        self.assertEqual(fit.stop_reason, "cancelled")
        self.assertEqual(fit.iterations, 3)
        self.assertEqual(len(p.calls), 3)
        self.assertEqual(fit.loss, p.calls[-1][2])
        assert_canonical(self, fit)
        ref = np.linalg.norm(self.A - fit.fitted()) / np.linalg.norm(self.A)
        self.assertAlmostEqual(fit.rel_error, ref, delta=1e-10)

    def test_exception_in_callback_cancels_and_is_reraised(self):
        class Boom(Exception):
            pass

        p = Progress(raise_at=2, exc=Boom("stop here"))
        with self.assertRaises(Boom):
            nmfkit.fit(self.A, 3, tol=0, maxit=100, progress=p)
        self.assertEqual(len(p.calls), 2)  # the fit stopped at once
        p = Progress(raise_at=1, exc=KeyboardInterrupt())
        with self.assertRaises(KeyboardInterrupt):
            nmfkit.fit(self.A, 3, tol=0, maxit=100, progress=p)
        self.assertEqual(len(p.calls), 1)
        # The library is healthy afterwards.
        self.assertEqual(nmfkit.fit(self.A, 3, maxit=10).iterations, 10)


    @unittest.skipUnless(hasattr(os, "kill") and os.name == "posix",
                         "needs POSIX signals")
    def test_ctrl_c_stops_a_running_fit(self):
        # SIGINT arrives from another thread while the main thread is inside
        # libnmf; the fit must stop within an iteration and raise
        # KeyboardInterrupt (not be swallowed by the ctypes callback).
        seen = []

        def progress(iteration, maxit, loss, rel_error):
            seen.append(iteration)
            if iteration == 1:
                threading.Timer(0.1, os.kill,
                                (os.getpid(), signal.SIGINT)).start()

        with self.assertRaises(KeyboardInterrupt):
            nmfkit.fit(self.A, 3, tol=0, maxit=10 ** 7, threads=1,
                       progress=progress)
        self.assertLess(seen[-1], 10 ** 7)
        self.assertIs(signal.getsignal(signal.SIGINT),
                      signal.default_int_handler)


class TestThreads(unittest.TestCase):

    def test_concurrent_fits_match_sequential_ones(self):
        inputs = [noisy(80, 60, 4, seed=s) for s in range(4)]
        expected = [nmfkit.fit(A, 4, threads=1, maxit=100) for A in inputs]
        got = [None] * len(inputs)

        def worker(i):
            got[i] = nmfkit.fit(inputs[i], 4, threads=1, maxit=100)

        threads = [threading.Thread(target=worker, args=(i,))
                   for i in range(len(inputs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for f, g in zip(got, expected):
            assert_identical(self, f, g)


# The matrix of TestFork, set before the pool forks (the workers inherit it).
_FORK_A = None


def _fit_in_forked_worker(job):
    seed, threads = job
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = nmfkit.fit(_FORK_A, 10, threads=threads, seed=seed, maxit=20,
                       tol=0)
    notices = [str(w.message) for w in caught
               if issubclass(w.category, RuntimeWarning)]
    return os.getpid(), seed, f.W, f.d, f.H, notices


@unittest.skipUnless("fork" in multiprocessing.get_all_start_methods(),
                     "this platform has no fork start method")
class TestFork(unittest.TestCase):
    """multiprocessing with the fork start method after a threaded fit in
    the parent: a forked OpenMP runtime cannot start threads, so the
    workers' fits run on one thread, finish with the serial factors, and each
    worker process warns once."""

    def test_forked_workers_finish_with_the_serial_factors(self):
        global _FORK_A
        # Large enough for the products to run on several threads
        # (2 m n k = 8e6 flops, kernels::worth_threads).
        _FORK_A = np.asfortranarray(np.random.default_rng(3).random((800, 500)))
        serial = {s: nmfkit.fit(_FORK_A, 10, threads=1, seed=s, maxit=20, tol=0)
                  for s in (1, 2)}
        nmfkit.fit(_FORK_A, 10, threads=2, maxit=5)  # this process starts threads
        jobs = [(s, t) for s in (1, 2) for t in (2, 0)]
        with multiprocessing.get_context("fork").Pool(2) as pool:
            try:
                results = pool.map_async(_fit_in_forked_worker, jobs,
                                         chunksize=1).get(timeout=120)
            except multiprocessing.TimeoutError:
                # Leaving the block terminates the hung workers.
                self.fail("the forked workers gave no result within 120 s")
        self.assertEqual(len(results), len(jobs))
        per_process = {}
        for (pid, seed, W, d, H, notices), (_, threads) in zip(results, jobs):
            ref = serial[seed]
            self.assertTrue(W.tobytes() == ref.W.tobytes()
                            and d.tobytes() == ref.d.tobytes()
                            and H.tobytes() == ref.H.tobytes(),
                            "seed %d, threads = %d: not the serial factors"
                            % (seed, threads))
            per_process.setdefault(pid, []).extend(notices)
        for pid, notices in per_process.items():
            self.assertEqual(len(notices), 1, "worker %d: %r" % (pid, notices))
            self.assertIn("fork", notices[0])
        # The parent itself keeps its threads and has nothing to say.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            again = nmfkit.fit(_FORK_A, 10, threads=2, seed=1, maxit=20, tol=0)
        assert_identical(self, again, serial[1])
        self.assertEqual([str(w.message) for w in caught], [])


class TestFitOptions(unittest.TestCase):
    """The nmf_options fields beyond the basic ones reach the library, on
    both layouts."""

    def test_every_option_of_the_library_is_a_keyword(self):
        # For each option the library lists, a value other than its default
        # (a whole number or real inside its bounds, another choice) given
        # as a keyword lands in the field at the offset the library reports,
        # read back here as raw bytes.
        from nmfkit.fit import _fit_options
        prep = nmfkit._prepare(np.ones((4, 3), order="F"))
        kinds = {"int": ctypes.c_int32, "choice": ctypes.c_int32,
                 "int64": ctypes.c_int64, "uint64": ctypes.c_uint64,
                 "real": ctypes.c_double}
        table = nmfkit.options()
        self.assertEqual(len(table), nmfkit._options._load().nmf_option_count())
        for o in table:
            if o["type"] == "choice":
                value = next(n for n in o["choices"] if n != o["default"])
                stored = o["choices"][value]
            else:
                lo = o["min"] if np.isfinite(o["min"]) else 0.0
                hi = o["max"] if np.isfinite(o["max"]) else lo + 10
                value = (lo + hi) / 2 if o["type"] == "real" else int(lo) + 1
                if value == o["default"]:
                    value = (value + lo) / 2 if o["type"] == "real" else value + 1
                stored = value
            opts, _ = _fit_options(prep, "fit", {o["keyword"]: value})
            field = kinds[o["type"]].from_address(
                ctypes.addressof(opts) + o["offset"]).value
            self.assertEqual(field, stored, o["name"])
            self.assertNotEqual(field, o["default"] if o["type"] != "choice"
                                else o["choices"][o["default"]], o["name"])
        # Out of bounds: the error names the keyword and the library's range.
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(np.ones((4, 3)), 2, hals_delta=1.0)
        self.assertIn("hals_delta = 1.0 must be in [0, 1)", cm.exception.detail)
        with self.assertRaises(TypeError) as cm:
            nmfkit.fit(np.ones((4, 3)), 2, no_such_option=1)
        self.assertIn("hals_delta", str(cm.exception))
        self.assertIn("threads", str(cm.exception))

    def test_missing_is_named_na_and_nan_is_an_alias(self):
        A = noisy(30, 20, 3)
        A[4, 7] = A[11, 2] = np.nan
        fits = [nmfkit.fit(A, 3, missing=name, maxit=30)
                for name in ("na", "NA", "nan")]
        for f in fits[1:]:
            assert_identical(self, f, fits[0])
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(A, 3, missing="bogus")
        self.assertIn("'na'", cm.exception.detail)

    def test_zero_weights_are_missing_entries_in_both_layouts(self):
        # nmf.h: weight 0 = missing.  The column-major fit with weights is
        # the fit with those entries missing, whatever their values; the
        # projection onto a fixed W (a unique solution) is the same for a
        # row-major A and row-major weights.
        A = noisy(30, 20, 3)
        rng = np.random.default_rng(7)
        mask = rng.random(A.shape) > 0.15
        B = A.copy()
        B[~mask] = np.nan
        A2 = A.copy()
        A2[~mask] = 1e3
        ref = nmfkit.fit(B, 3, missing="na", maxit=40, tol=0)
        f = nmfkit.fit(A2, 3, weights=mask.astype(float), maxit=40, tol=0)
        assert_identical(self, f, ref)
        W = planted(30, 20, 3)[1]
        W = W / W.sum(axis=0)
        proj = nmfkit.fit(B, 3, missing="na", W=W, fix_w=True)
        plain = nmfkit.fit(A2, 3, W=W, fix_w=True)
        self.assertGreater(np.abs(proj.H - plain.H).max(), 1e-3)
        for layout in (np.asfortranarray, np.ascontiguousarray):
            g = nmfkit.fit(layout(A2), 3, weights=layout(mask * 1.0), W=W,
                           fix_w=True)
            np.testing.assert_allclose(g.H, proj.H, rtol=0, atol=1e-10)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(A, 3, weights=np.ones((20, 30)))
        self.assertEqual(cm.exception.code, nmfkit.ERR_DIMENSION)

    @unittest.skipIf(sp is None, "scipy is not installed")
    def test_sparse_weights_follow_the_stored_entries(self):
        # One weight per stored entry, aligned with A.data: a zero weight
        # makes that stored entry missing.  The projection onto a fixed W
        # is then the dense one with NaN there, for CSC and for CSR (whose
        # data are in row-major order: the weights must follow them into
        # the CSC the library reads).
        A = noisy(30, 20, 3)
        A[A < 0.3] = 0
        S = sp.csc_matrix(A)
        w = np.ones(S.nnz)
        w[::7] = 0
        Wm = sp.csc_matrix((w, S.indices, S.indptr), shape=A.shape).toarray()
        B = A.copy()
        B[(A > 0) & (Wm == 0)] = np.nan
        W = planted(30, 20, 3)[1]
        W = W / W.sum(axis=0)
        ref = nmfkit.fit(B, 3, missing="na", W=W, fix_w=True)
        plain = nmfkit.fit(S, 3, W=W, fix_w=True)
        self.assertGreater(np.abs(ref.H - plain.H).max(), 1e-3)
        f = nmfkit.fit(S, 3, weights=w, W=W, fix_w=True)
        np.testing.assert_allclose(f.H, ref.H, rtol=0, atol=1e-10)
        R = S.tocsr()
        wr = Wm[A > 0]  # row-major order of the stored entries = CSR order
        g = nmfkit.fit(R, 3, weights=wr, W=W, fix_w=True)
        np.testing.assert_allclose(g.H, ref.H, rtol=0, atol=1e-10)
        with self.assertRaises(nmfkit.NmfError):
            nmfkit.fit(S.tocoo(), 3, weights=w)  # order not A.data's
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(S, 3, weights=w[:-1])
        self.assertEqual(cm.exception.code, nmfkit.ERR_DIMENSION)

    def test_extrapolation_and_its_parameters(self):
        A = noisy(50, 30, 4)
        on = nmfkit.fit(A, 4, extrapolation="on", maxit=100)
        off = nmfkit.fit(A, 4, extrapolation="off", maxit=100)
        self.assertEqual((on.extrapolation, off.extrapolation), ("on", "off"))
        self.assertEqual(off.restarts, 0)
        self.assertEqual(nmfkit.fit(A, 4, maxit=5).extrapolation, "on")
        self.assertEqual(nmfkit.fit(A, 4, extrapolation=False,
                                    maxit=5).extrapolation, "off")
        self.assertGreater(factors_diff(on, off), 1e-8)
        # beta0 = 0 extrapolates by nothing: the plain iterates.
        zero = nmfkit.fit(A, 4, extrapolation="on", extrap_beta0=0.0,
                          maxit=100)
        np.testing.assert_allclose(zero.loss_history, off.loss_history,
                                   rtol=1e-12)
        for name, bad in (("extrap_beta0", 2.0), ("extrap_eta", 0.5),
                          ("extrap_gamma", 0.5), ("extrap_gamma_bar", 0.5)):
            with self.assertRaises(nmfkit.NmfError) as cm:
                nmfkit.fit(A, 4, **{name: bad})
            self.assertIn(name, cm.exception.detail)
        with self.assertRaises(nmfkit.NmfError):
            nmfkit.fit(A, 4, extrapolation="sometimes")
        with self.assertRaises(TypeError) as cm:
            nmfkit.fit(A, 4, extrapolate=True)
        self.assertIn("extrapolate", str(cm.exception))

    def test_sparse_h_stays_on_H_in_both_layouts(self):
        # Projection onto a fixed W with Kim & Park's sparse_h penalty has a
        # unique solution: both layouts must give it, and it is not the
        # plain one.
        A = noisy(30, 24, 3)
        W = planted(30, 24, 3)[1]
        W = W / W.sum(axis=0)
        F, C = np.asfortranarray(A), np.ascontiguousarray(A)
        plain = nmfkit.fit(F, 3, W=W, fix_w=True)
        fF = nmfkit.fit(F, 3, W=W, fix_w=True, sparse_h=2.0)
        fC = nmfkit.fit(C, 3, W=W, fix_w=True, sparse_h=2.0)
        self.assertGreater(np.abs(fF.H - plain.H).max(), 1e-3)
        np.testing.assert_allclose(fC.H, fF.H, rtol=0, atol=1e-10)
        # The same through sparse_w on the transposed matrix.
        gT = nmfkit.fit(F.T, 3, H=W.T, fix_h=True, sparse_w=2.0)
        np.testing.assert_allclose(gT.W, fF.H.T, rtol=0, atol=1e-10)

    def test_ns_theta_keeps_the_smoothing_on_H_in_both_layouts(self):
        # nsNMF returns the sparse basis W and S H: a row-major A gives the
        # same fit (a transposed problem would smooth W instead).
        A = noisy(40, 25, 3)
        fF = nmfkit.fit(np.asfortranarray(A), 3, ns_theta=0.5, maxit=50)
        fC = nmfkit.fit(np.ascontiguousarray(A), 3, ns_theta=0.5, maxit=50)
        assert_identical(self, fC, fF)
        plain = nmfkit.fit(np.asfortranarray(A), 3, maxit=50)
        self.assertGreater(factors_diff(fF, plain), 1e-6)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(A, 3, ns_theta=1.5)
        self.assertIn("ns_theta", cm.exception.detail)

    def test_hals_parameters_reach_the_library(self):
        A = noisy(40, 25, 3)
        a = nmfkit.fit(A, 3, solver="hals", maxit=20, tol=0)
        b = nmfkit.fit(A, 3, solver="hals", hals_alpha=0.0, maxit=20, tol=0)
        self.assertGreater(factors_diff(a, b), 1e-10)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(A, 3, solver="hals", hals_delta=-1)
        self.assertIn("hals_delta", cm.exception.detail)

    def test_sketch_reaches_the_library_and_is_reported(self):
        A = noisy(60, 40, 3)
        on = nmfkit.fit(A, 3, sketch="on", sketch_rank=6, maxit=5, tol=0)
        self.assertEqual(on.sketch_rank, 6)
        self.assertGreater(on.sketch_iterations, 0)
        self.assertEqual(on.iterations, 5)
        off = nmfkit.fit(A, 3, sketch=False, maxit=5, tol=0)
        self.assertEqual((off.sketch_rank, off.sketch_iterations), (0, 0))
        # A C-order array is the same problem: the sketch is used all the same.
        t = nmfkit.fit(np.ascontiguousarray(A), 3, sketch="on", maxit=5)
        self.assertEqual(t.sketch_rank, 13)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(A, 3, sketch="maybe")
        self.assertIn("sketch", cm.exception.detail)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.fit(A, 3, loss="kl", sketch="on")
        self.assertIn("sketch is not available", cm.exception.detail)


# ------------------------------------------------ consensus and rank survey

def splitmix64_run_seed(seed, run):
    """nmf.h's per-run seed, written out here from the header's formula."""
    M = (1 << 64) - 1
    z = (seed + (run + 1) * 0x9E3779B97F4A7C15) & M
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & M
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def grouped(m=60, per=8, k=3, seed=0, noise=0.02):
    """Samples (columns) in k planted groups, each dominated by one
    component of a random basis, plus small zero-mean noise (clipped)."""
    rng = np.random.default_rng(seed)
    W = rng.random((m, k)) * (rng.random((m, k)) > 0.5) + 0.05
    groups = np.repeat(np.arange(k), per)
    H = 0.1 * rng.random((k, k * per))
    H[groups, np.arange(k * per)] += 1
    A = np.maximum(W @ H + noise * rng.standard_normal((m, k * per)), 0)
    return np.asfortranarray(A), groups


def same_partition(a, b):
    """Two labelings define the same partition (up to renaming)."""
    a, b = np.asarray(a), np.asarray(b)
    return np.array_equal(a[:, None] == a[None, :], b[:, None] == b[None, :])


def tree_clusters(merge, n):
    """The members of the cluster formed at every step of an hclust merge."""
    clusters = []
    for a, b in merge:
        members = []
        for x in (a, b):
            members += [-x - 1] if x < 0 else clusters[x - 1]
        clusters.append(sorted(members))
    return clusters


class TestConsensus(unittest.TestCase):

    def setUp(self):
        # Random data: the runs disagree, so the consensus is not 0/1.
        rng = np.random.default_rng(3)
        self.A = np.asfortranarray(rng.random((30, 20)))
        self.kw = dict(maxit=40, threads=1)

    def test_run_seed_is_nmf_h_splitmix64(self):
        for seed in (0, 1, 42, 2 ** 64 - 1):
            for run in (0, 1, 7, 1000):
                self.assertEqual(nmfkit.run_seed(seed, run),
                                 splitmix64_run_seed(seed, run))

    def test_consensus_is_the_average_connectivity_of_independent_fits(self):
        A, k, nrun, seed = self.A, 4, 6, 11
        c = nmfkit.consensus(A, k, nrun, seed=seed, **self.kw)
        n = A.shape[1]
        conn = np.zeros((n, n))
        fits, labels = [], []
        for r in range(nrun):
            f = nmfkit.fit(A, k, seed=splitmix64_run_seed(seed, r), **self.kw)
            lab = np.argmax(f.d[:, None] * f.H, axis=0)
            conn += lab[:, None] == lab[None, :]
            fits.append(f)
            labels.append(lab)
        conn /= nrun
        np.testing.assert_allclose(c.consensus, conn, rtol=0, atol=1e-15)
        self.assertTrue(0 < np.mean((conn > 0) & (conn < 1)))  # not trivial
        np.testing.assert_array_equal(c.consensus, c.consensus.T)
        np.testing.assert_array_equal(np.diag(c.consensus), 1.0)
        self.assertEqual(c.run_labels.shape, (n, nrun))
        np.testing.assert_array_equal(c.run_labels, np.array(labels).T)
        np.testing.assert_allclose(c.run_loss, [f.loss for f in fits],
                                   rtol=1e-14)
        best = int(np.argmin([f.loss for f in fits]))
        self.assertEqual(c.best_run, best)
        self.assertEqual(c.best_loss, fits[best].loss)
        for name in ("W", "d", "H"):
            np.testing.assert_array_equal(getattr(c, name),
                                          getattr(fits[best], name))
        np.testing.assert_array_equal(c.best_labels, labels[best])
        self.assertEqual((c.k, c.m, c.n, c.nrun, c.runs_done, c.cancelled),
                         (k, 30, n, nrun, nrun, False))
        self.assertEqual(c.best_iterations, fits[best].iterations)
        self.assertEqual(c.best_stop_reason, fits[best].stop_reason)

    def test_measures_and_tree_match_direct_references(self):
        A, k = self.A, 4
        c = nmfkit.consensus(A, k, 10, seed=5, **self.kw)
        self.assertGreater(np.mean((c.consensus > 0) & (c.consensus < 1)),
                           0.1)
        C, n = c.consensus, A.shape[1]
        D = 1 - C
        # Dispersion (Kim & Park 2007).
        self.assertAlmostEqual(c.dispersion, np.mean(4 * (C - 0.5) ** 2),
                               places=12)
        # The tree is average linkage on D: each join's height is the mean
        # dissimilarity between the two clusters joined, and the smallest
        # such mean among the clusters present at that step (tie-robust).
        self.assertEqual(c.merge.shape, (n - 1, 2))
        clusters = tree_clusters(c.merge, n)
        current = [[j] for j in range(n)]
        for s, (a, b) in enumerate(c.merge):
            left = [-a - 1] if a < 0 else clusters[a - 1]
            right = [-b - 1] if b < 0 else clusters[b - 1]
            self.assertAlmostEqual(c.height[s], D[np.ix_(left, right)].mean(),
                                   places=12)
            best = min(D[np.ix_(p, q)].mean()
                       for i, p in enumerate(current)
                       for q in current[i + 1:])
            self.assertAlmostEqual(c.height[s], best, places=12)
            current = [x for x in current
                       if x != sorted(left) and x != sorted(right)]
            current = [sorted(x) for x in current] + [sorted(left + right)]
        # order: a permutation in which every cluster is contiguous.
        self.assertEqual(sorted(c.order), list(range(n)))
        pos = np.empty(n, dtype=int)
        pos[c.order] = np.arange(n)
        for members in clusters:
            p = pos[members]
            self.assertEqual(p.max() - p.min() + 1, len(members))
        # Cophenetic correlation: Pearson correlation of D with the tree's
        # cophenetic distances (the height at which i and j first join).
        coph = np.zeros((n, n))
        for s, members in enumerate(clusters):
            for i in members:
                for j in members:
                    if i != j and coph[i, j] == 0:
                        coph[i, j] = c.height[s] if c.height[s] > 0 else -1
        coph[coph < 0] = 0
        iu = np.triu_indices(n, 1)
        self.assertAlmostEqual(c.cophenetic,
                               np.corrcoef(D[iu], coph[iu])[0, 1], places=10)
        # Consensus clusters: the tree cut into k clusters (the state after
        # n - k joins), numbered in the order of their first sample.
        cut = np.empty(n, dtype=int)
        state = [[j] for j in range(n)]
        for a, b in c.merge[:n - k]:
            left = [-a - 1] if a < 0 else clusters[a - 1]
            right = [-b - 1] if b < 0 else clusters[b - 1]
            state = [x for x in state if x != left and x != right]
            state.append(sorted(left + right))
        for members in state:
            cut[members] = min(members)
        first = {v: i for i, v in enumerate(sorted(set(cut)))}
        np.testing.assert_array_equal(c.membership,
                                      [first[v] for v in cut])
        # Silhouette widths (Rousseeuw 1987) on D with those clusters.
        widths = np.zeros(n)
        for i in range(n):
            own = (c.membership == c.membership[i])
            if own.sum() == 1:
                continue
            a = D[i, own & (np.arange(n) != i)].mean()
            b = min(D[i, c.membership == q].mean()
                    for q in set(c.membership) if q != c.membership[i])
            widths[i] = (b - a) / max(a, b)
        np.testing.assert_allclose(c.silhouette_widths, widths, atol=1e-12)
        self.assertAlmostEqual(c.silhouette, widths.mean(), places=12)
        # rss, evar and rel_error of the best fit.
        rss = np.sum((A - c.fitted()) ** 2)
        self.assertAlmostEqual(c.rss / rss, 1.0, places=8)
        self.assertAlmostEqual(c.evar, 1 - rss / np.sum(A ** 2), places=8)
        self.assertAlmostEqual(c.rel_error, np.sqrt(rss / np.sum(A ** 2)),
                               places=8)
        m = c.measures()
        self.assertEqual((m["k"], m["cophenetic"], m["best_run"]),
                         (k, c.cophenetic, c.best_run))

    def test_layouts_give_the_same_consensus(self):
        # The columns are the samples whatever the layout.
        A, groups = grouped()
        ref = nmfkit.consensus(A, 3, 5, seed=2, **self.kw)
        self.assertTrue(same_partition(ref.membership, groups))
        inputs = [np.ascontiguousarray(A)]
        if sp is not None:
            wide = sp.csc_matrix(A)
            wide.indices = wide.indices.astype(np.int64)
            self.assertEqual(nmfkit._prepare(wide).index_dtype, np.int64)
            inputs += [sp.csc_matrix(A), sp.csr_matrix(A), wide]
        for X in inputs:
            c = nmfkit.consensus(X, 3, 5, seed=2, **self.kw)
            np.testing.assert_array_equal(c.consensus, ref.consensus)
            np.testing.assert_array_equal(c.membership, ref.membership)
            np.testing.assert_array_equal(c.run_labels, ref.run_labels)
            np.testing.assert_allclose(c.W, ref.W, atol=1e-8)
        c32 = nmfkit.consensus(A.astype(np.float32), 3, 5, seed=2, **self.kw)
        self.assertTrue(same_partition(c32.membership, groups))
        if sp is not None:
            s32 = nmfkit.consensus(sp.csc_matrix(A.astype(np.float32)), 3, 5,
                                   seed=2, **self.kw)
            self.assertTrue(same_partition(s32.membership, groups))

    def test_consensus_is_independent_of_the_thread_count(self):
        kw = dict(maxit=20)
        one = nmfkit.consensus(self.A, 4, 6, seed=1, threads=1, **kw)
        two = nmfkit.consensus(self.A, 4, 6, seed=1, threads=2, **kw)
        for name in ("consensus", "run_labels", "run_loss", "W", "H",
                     "merge", "height"):
            np.testing.assert_array_equal(getattr(one, name),
                                          getattr(two, name))

    def test_consensus_errors_carry_the_library_message(self):
        A = self.A.copy()
        A[2, 3] = -1
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.consensus(A, 2, 3)
        self.assertEqual(cm.exception.code, nmfkit.ERR_NEGATIVE)
        self.assertIn("negative", cm.exception.detail)
        for args, kw, code, needle in (
                ((self.A, 2, 0), {}, nmfkit.ERR_INVALID_ARGUMENT, "nrun"),
                ((self.A, 21, 3), {}, nmfkit.ERR_RANK, None),
                ((self.A, 2, 3), {"init": "nndsvd"},
                 nmfkit.ERR_INVALID_ARGUMENT, "deterministic"),
                ((self.A, 2, 3), {"tol": -1}, nmfkit.ERR_INVALID_ARGUMENT,
                 "tol")):
            with self.assertRaises(nmfkit.NmfError) as cm:
                nmfkit.consensus(*args, **kw)
            self.assertEqual(cm.exception.code, code)
            self.assertTrue(cm.exception.detail)
            if needle:
                self.assertIn(needle, cm.exception.detail)
        with self.assertRaises(TypeError):
            nmfkit.consensus(self.A, 2, 3, W=np.ones((40, 2)))


class FreeSpy:
    """Replaces lib.<name> (a *_free function) by a recorder that still
    frees; counts the non-NULL handles freed."""

    def __init__(self, name):
        self.lib, self.name = nmfkit._load(), name
        self.freed = []

    def __enter__(self):
        self.original = getattr(self.lib, self.name)

        def spy(handle):
            value = handle.value if isinstance(handle, ctypes.c_void_p) \
                else handle
            if value:
                self.freed.append(value)
            self.original(handle)
        setattr(self.lib, self.name, spy)
        return self

    def __exit__(self, *exc):
        setattr(self.lib, self.name, self.original)
        return False


class TestMultiStartProgress(unittest.TestCase):

    def setUp(self):
        rng = np.random.default_rng(9)
        self.A = np.asfortranarray(rng.random((30, 12)))

    def test_progress_counts_runs_and_can_stop_them(self):
        seen = []

        def progress(done, total, loss, rel_error):
            seen.append((done, total))
            return done >= 2

        with FreeSpy("nmf_consensus_free") as spy:
            c = nmfkit.consensus(self.A, 2, 50, threads=1, maxit=20,
                                 progress=progress)
        self.assertEqual(len(spy.freed), 1)
        self.assertTrue(c.cancelled)
        self.assertTrue(2 <= c.runs_done < 50)
        self.assertTrue(all(t == 50 for _, t in seen))
        self.assertEqual(c.run_labels.shape, (12, c.runs_done))
        lab = c.run_labels
        conn = np.mean([lab[:, r][:, None] == lab[:, r][None, :]
                        for r in range(c.runs_done)], axis=0)
        np.testing.assert_allclose(c.consensus, conn, atol=1e-15)

    def test_exception_in_progress_is_reraised_and_the_handle_freed(self):
        class Boom(Exception):
            pass

        def progress(done, total, loss, rel_error):
            if done >= 1:
                raise Boom()

        with FreeSpy("nmf_consensus_free") as spy:
            with self.assertRaises(Boom):
                nmfkit.consensus(self.A, 2, 50, threads=1, maxit=20,
                                 progress=progress)
        self.assertEqual(len(spy.freed), 1)  # the runs done were released
        with FreeSpy("nmf_survey_free") as spy:
            with self.assertRaises(Boom):
                nmfkit.rank_survey(self.A, [2, 3], 20, threads=1, maxit=20,
                                   progress=progress)
        self.assertEqual(spy.freed, [])  # nmf.h: no survey on cancel
        with FreeSpy("nmf_survey_free") as spy:
            s = nmfkit.rank_survey(self.A, [2, 3], 2, threads=1, maxit=10)
        self.assertEqual(len(spy.freed), 1)
        self.assertEqual(len(s.fits), 2)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.rank_survey(self.A, [2, 3], 20, threads=1, maxit=20,
                               progress=lambda *a: True)
        self.assertEqual(cm.exception.code, nmfkit.CANCELLED)

    def test_ctrl_c_stops_the_runs(self):
        started = []

        def progress(done, total, loss, rel_error):
            if not started:
                started.append(done)
                threading.Timer(0.1, os.kill,
                                (os.getpid(), signal.SIGINT)).start()

        with FreeSpy("nmf_consensus_free") as spy:
            with self.assertRaises(KeyboardInterrupt):
                nmfkit.consensus(self.A, 2, 10 ** 6, threads=1, maxit=50,
                                 tol=0, progress=progress)
        self.assertEqual(len(spy.freed), 1)
        self.assertIs(signal.getsignal(signal.SIGINT),
                      signal.default_int_handler)


class TestRankSurvey(unittest.TestCase):

    def test_survey_finds_the_planted_rank(self):
        A, groups = grouped(seed=1)
        ranks = [2, 3, 4, 5]
        s = nmfkit.rank_survey(A, ranks, 8, randomized=True, seed=3,
                               threads=1, maxit=100)
        self.assertEqual(s.ranks, ranks)
        t, rt = s.table, s.random_table
        np.testing.assert_array_equal(t["k"], ranks)
        # The explained variance jumps up to the planted rank and barely
        # moves after it; the consensus at that rank is clean and recovers
        # the planted groups.
        gain = np.diff(t["evar"])
        self.assertEqual(ranks[1 + int(np.argmax(gain))], 3)
        self.assertLess(gain[1:].max(), 0.01 * gain[0])
        self.assertGreater(s[3].cophenetic, 0.99)
        self.assertGreater(s[3].dispersion, 0.99)
        self.assertTrue(same_partition(s[3].membership, groups))
        # The row-permuted null baseline explains less at every rank.
        self.assertTrue(np.all(rt["evar"] < t["evar"] - 0.1))
        self.assertEqual(len(s.randomized), len(ranks))
        # The table is the per-rank results.
        for i, f in enumerate(s.fits):
            self.assertEqual(f.k, ranks[i])
            self.assertIs(s[ranks[i]], f)
            for name in ("cophenetic", "dispersion", "silhouette", "rss",
                         "evar"):
                self.assertEqual(t[name][i], getattr(f, name))
                self.assertEqual(s.rows()[i][name], getattr(f, name))
                self.assertEqual(rt[name][i], getattr(s.randomized[i], name))
            self.assertEqual(f.runs_done, 8)
        with self.assertRaises(KeyError):
            s[7]

    def test_survey_rank_equals_the_consensus_at_that_rank(self):
        # A survey's rank is the consensus of the same runs (nmf.h: the
        # same per-run seeds), on every layout.
        A, _ = grouped(seed=4, per=5)
        s = nmfkit.rank_survey(np.ascontiguousarray(A), [2, 3], 4, seed=8,
                               threads=1, maxit=30)
        self.assertIsNone(s.randomized)
        self.assertIsNone(s.random_table)
        for k in (2, 3):
            c = nmfkit.consensus(A, k, 4, seed=8, threads=1, maxit=30)
            np.testing.assert_array_equal(s[k].consensus, c.consensus)
            np.testing.assert_array_equal(s[k].run_loss, c.run_loss)

    def test_survey_errors(self):
        A, _ = grouped(per=4)
        for ranks, needle in (([], "empty"), ([2, 40], None)):
            with self.assertRaises(nmfkit.NmfError) as cm:
                nmfkit.rank_survey(A, ranks, 2)
            self.assertTrue(cm.exception.detail)
            if needle:
                self.assertIn(needle, cm.exception.detail)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.rank_survey(A, [2], 0)
        self.assertIn("nrun", cm.exception.detail)
        with self.assertRaises(TypeError):
            nmfkit.rank_survey(A, [2.5], 2)


class TestBicv(unittest.TestCase):

    def setUp(self):
        # Rank 3 plus small noise, with factors holding zeros (and an
        # identity block) so that the rank-3 NMF is essentially unique:
        # strictly positive factors admit a continuum of exact
        # factorizations, and the held-out prediction would depend on which
        # one a solver lands on.
        rng = np.random.default_rng(13)
        W = rng.random((40, 3)) * (rng.random((40, 3)) < 0.5)
        W[:3] += np.eye(3)
        H = rng.random((3, 30)) * (rng.random((3, 30)) < 0.5)
        H[:, :3] += np.eye(3)
        self.A = np.asfortranarray(
            np.abs(W @ H + 0.01 * rng.standard_normal((40, 30))))

    def test_error_is_smallest_at_the_planted_rank(self):
        ranks = [1, 2, 3, 4, 5, 6]
        b = nmfkit.bicv(self.A, ranks, reps=2, seed=3, maxit=300)
        self.assertEqual(b.ranks, ranks)
        self.assertEqual(int(np.argmin(b.error)), 2)
        self.assertEqual(b.suggested_k, 3)
        self.assertEqual(b.fold_error.shape, (6, 2 * 2 * 2))
        # nmf.h: the error of a rank is the sum over the blocks averaged
        # over the reps.
        np.testing.assert_allclose(b.fold_error.sum(axis=1) / 2, b.error,
                                   rtol=1e-12)
        self.assertLess(b.error[2], 0.1 * b.error[1])

    def test_layouts_and_small_sparse_inputs_agree(self):
        ranks = [2, 3]
        ref = nmfkit.bicv(self.A, ranks, row_groups=3, col_groups=2, seed=5,
                          maxit=50)
        c = nmfkit.bicv(np.ascontiguousarray(self.A), ranks, row_groups=3,
                        col_groups=2, seed=5, maxit=50)
        np.testing.assert_array_equal(c.error, ref.error)
        np.testing.assert_array_equal(c.fold_error, ref.fold_error)
        other = nmfkit.bicv(self.A, ranks, row_groups=3, col_groups=2,
                            seed=6, maxit=50)
        self.assertFalse(np.array_equal(other.fold_error, ref.fold_error))
        # fit_seed seeds the fits (seed, the splits): the default is 42.
        same = nmfkit.bicv(self.A, ranks, row_groups=3, col_groups=2, seed=5,
                           maxit=50, fit_seed=42)
        np.testing.assert_array_equal(same.fold_error, ref.fold_error)
        refit = nmfkit.bicv(self.A, ranks, row_groups=3, col_groups=2,
                            seed=5, maxit=50, fit_seed=7)
        self.assertFalse(np.array_equal(refit.fold_error, ref.fold_error))
        if sp is None:
            return
        # Sparse input goes to nmf_bicv_csc_* (never densified): the same
        # errors as the dense path to rounding, from CSR and CSC alike.
        for conv in (sp.csr_matrix, sp.csc_matrix):
            s = nmfkit.bicv(conv(self.A), ranks, row_groups=3, col_groups=2,
                            seed=5, maxit=50)
            np.testing.assert_allclose(s.error, ref.error, rtol=1e-10)
            self.assertEqual(s.suggested_k, ref.suggested_k)

    def test_bicv_errors(self):
        for kw, needle in (({"row_groups": 1}, "row_groups"),
                           ({"col_groups": 31}, "col_groups"),
                           ({"reps": 0}, "reps")):
            with self.assertRaises(nmfkit.NmfError) as cm:
                nmfkit.bicv(self.A, [2], **kw)
            self.assertEqual(cm.exception.code, nmfkit.ERR_INVALID_ARGUMENT)
            self.assertIn(needle, cm.exception.detail)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.bicv(self.A, [25])
        self.assertTrue(cm.exception.detail)


class TestFeatures(unittest.TestCase):

    def setUp(self):
        rng = np.random.default_rng(21)
        W = 0.5 + rng.random((200, 4))
        W[:20] = 0
        for q in range(4):
            W[5 * q:5 * q + 5, q] = 1 + rng.random(5)  # clear markers
        W[30, 2] = 0  # a zero entry: 0 log 0 = 0
        self.W = W

    def test_kim_scores_are_the_entropy_formula(self):
        W, k = self.W, self.W.shape[1]
        P = W / W.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(P > 0, P * np.log2(P), 0.0)
        expected = 1 + plogp.sum(axis=1) / np.log2(k)
        np.testing.assert_allclose(nmfkit.feature_scores(W, "kim"), expected,
                                   rtol=0, atol=1e-13)
        np.testing.assert_allclose(nmfkit.feature_scores(W, "max"),
                                   W.max(axis=1), rtol=0, atol=0)
        # Any layout or dtype, and a result's W.
        np.testing.assert_allclose(
            nmfkit.feature_scores(np.ascontiguousarray(W).astype(np.float32)),
            expected, atol=1e-6)
        f = nmfkit.fit(np.abs(W @ np.ones((4, 10))) + 0.1, 3, maxit=5)
        np.testing.assert_array_equal(nmfkit.feature_scores(f),
                                      nmfkit.feature_scores(f.W))

    def test_selected_features_follow_the_documented_rules(self):
        W, (m, k) = self.W, self.W.shape
        # max: per component, the top features by W_iq while their largest
        # entry is in that component.
        expected = np.full(m, -1)
        best = W.argmax(axis=1)
        for q in range(k):
            for i in np.argsort(-W[:, q], kind="stable"):
                if best[i] != q:
                    break
                expected[i] = q
        np.testing.assert_array_equal(nmfkit.select_features(W, "max"),
                                      expected)
        # kim: score > median + 3 MAD (scaled as R's mad) and largest entry
        # above the median of W; the component is that of the largest entry.
        s = nmfkit.feature_scores(W, "kim")
        med = np.median(s)
        mad = 1.4826 * np.median(np.abs(s - med))
        keep = (s > med + 3 * mad) & (W.max(axis=1) > np.median(W))
        expected = np.where(keep, best, -1)
        got = nmfkit.select_features(W, "kim")
        np.testing.assert_array_equal(got, expected)
        # The planted markers are found, each for its component.
        np.testing.assert_array_equal(got[:20], np.repeat(np.arange(4), 5))

    def test_feature_errors(self):
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.feature_scores(self.W[:, :1], "kim")
        self.assertIn("k", cm.exception.detail)
        W = self.W.copy()
        W[3, 1] = -1
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.select_features(W, "max")
        self.assertEqual(cm.exception.code, nmfkit.ERR_NEGATIVE)
        with self.assertRaises(nmfkit.NmfError):
            nmfkit.feature_scores(self.W, "bogus")


class LabelledFrame:
    """What nmfkit reads of a pandas DataFrame (pandas is optional): the
    labels ``index`` and ``columns``, and the values through __array__."""

    def __init__(self, values, index, columns):
        self.values, self.index, self.columns = values, list(index), list(columns)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.values, dtype=dtype)


def frame_types():
    """The stand-in, and pandas' DataFrame where pandas is installed."""
    types = [LabelledFrame]
    try:
        import pandas
        types.append(lambda v, index, columns: pandas.DataFrame(v, index=index,
                                                                columns=columns))
    except ImportError:
        pass
    return types


class TestNames(unittest.TestCase):
    """Duplicate row or column names of a labelled input: a UserWarning
    naming the first duplicate and both positions, or with
    strict_names=True a ValueError; the factors are those of the bare
    array either way."""

    def setUp(self):
        self.A = noisy(20, 8, 2, seed=4)
        self.genes = ["g%d" % (i + 1) for i in range(20)]
        self.samples = ["S%d" % (j + 1) for j in range(8)]

    def calls(self, X, **kw):
        return [lambda: nmfkit.fit(X, 2, maxit=30, threads=1, **kw),
                lambda: nmfkit.consensus(X, 2, 2, maxit=10, threads=1, **kw),
                lambda: nmfkit.rank_survey(X, [2], 2, maxit=10, threads=1, **kw),
                lambda: nmfkit.bicv(X, [1, 2], maxit=10, threads=1, **kw)]

    def test_duplicate_row_name_warns_and_changes_nothing(self):
        genes = list(self.genes)
        genes[2] = genes[0]  # g1 at rows 1 and 3
        for make in frame_types():
            X = make(self.A, index=genes, columns=self.samples)
            with self.assertWarns(UserWarning) as caught:
                f = nmfkit.fit(X, 2, maxit=30, threads=1)
            self.assertIn("row name 'g1' appears twice (rows 1 and 3)", str(caught.warning))
            assert_identical(self, f, nmfkit.fit(self.A, 2, maxit=30, threads=1))

    def test_every_entry_point_warns_about_columns(self):
        samples = list(self.samples)
        samples[4] = samples[1]  # S2 at columns 2 and 5
        samples[6] = samples[1]  # and 7
        X = LabelledFrame(self.A, self.genes, samples)
        for i, call in enumerate(self.calls(X)):
            with self.subTest(call=i), self.assertWarns(UserWarning) as caught:
                call()
            self.assertIn("column name 'S2' appears 3 times (first columns 2 and 5)",
                          str(caught.warning))

    def test_strict_names_raise(self):
        genes = list(self.genes)
        genes[19] = genes[10]
        X = LabelledFrame(self.A, genes, self.samples)
        for i, call in enumerate(self.calls(X, strict_names=True)):
            with self.subTest(call=i):
                with self.assertRaisesRegex(ValueError,
                                            r"row name 'g11' appears twice \(rows 11 and 20\)"):
                    call()

    def test_unique_names_and_bare_arrays_do_not_warn(self):
        import warnings
        for X in (LabelledFrame(self.A, self.genes, self.samples), self.A,
                  np.ascontiguousarray(self.A)):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                for call in self.calls(X, strict_names=True):
                    call()


if __name__ == "__main__":
    require_all.main()
