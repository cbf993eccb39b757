"""Tests of the nmfkit ctypes binding against the real libnmf.

Run with CTest (which sets NMFKIT_LIBRARY and PYTHONPATH), or by hand:

    NMFKIT_LIBRARY=build/capi/libnmf.so python3 -m unittest discover -s tests/python -v
"""
import ctypes
import itertools
import os
import signal
import sys
import threading
import unittest

try:
    import numpy as np
except ImportError:  # pragma: no cover - the CTest run reports a skip
    if __name__ == "__main__":
        print("skip: numpy is not installed for", sys.executable)
        sys.exit(77)
    raise unittest.SkipTest("numpy is not installed")

try:
    import scipy.sparse as sp
except ImportError:  # pragma: no cover
    sp = None

HERE = os.path.dirname(os.path.abspath(__file__))
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
             O.ns_theta.offset, ctypes.sizeof(O)],
            [24, 32, 40, 72, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160,
             168, 176, 184, 192, 200, 208, 216, 224])
        self.assertEqual(
            [R.iterations.offset, R.loss.offset, R.rel_error.offset,
             R.solver.offset, R.seconds.offset, R.loss_history.offset,
             R.history_length.offset, R.extrapolation.offset,
             R.restarts.offset, ctypes.sizeof(R)],
            [8, 16, 24, 32, 40, 48, 64, 72, 80, 88])
        # nmf_options_init accepts our size and fills the documented defaults.
        o = O()
        self.assertEqual(nmfkit._load().nmf_options_init(ctypes.byref(o),
                                                         ctypes.sizeof(o)), 0)
        self.assertEqual((o.struct_size, o.maxit, o.tol, o.seed),
                         (224, 200, 1e-5, 42))
        self.assertEqual((o.missing, o.beta, o.mu_eps, bool(o.weights)),
                         (0, 1.0, 2.220446049250313e-16, False))
        self.assertEqual((o.extrapolation, o.extrap_beta0, o.extrap_eta,
                          o.extrap_gamma, o.extrap_gamma_bar, o.sparse_w,
                          o.sparse_h, o.ns_theta),
                         (-1, 0.5, 1.5, 1.05, 1.01, 0.0, 0.0, 0.0))


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
        self.assertEqual((p.m, p.n, p.ld, p.transposed, p.copied),
                         (30, 24, 30, False, False))

    def test_c_order_is_passed_in_place_as_the_transpose(self):
        A = np.ascontiguousarray(self.A)
        p = nmfkit._prepare(A)
        self.assertEqual(p.data_ptr, A.ctypes.data)
        self.assertEqual((p.m, p.n, p.ld, p.transposed, p.copied),
                         (24, 30, 24, True, False))

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
        self.assertEqual((p.data_ptr, p.ld, p.copied, p.transposed),
                         (A.ctypes.data, 35, False, False))
        assert_identical(self, nmfkit.fit(A, 3),
                         nmfkit.fit(np.asfortranarray(A), 3))

    def test_row_major_slice_uses_the_leading_dimension(self):
        big = np.ascontiguousarray(np.hstack([self.A, -np.ones((30, 4))]))
        A = big[:, :24]  # row-major with row stride 28
        p = nmfkit._prepare(A)
        self.assertEqual((p.data_ptr, p.ld, p.copied, p.transposed),
                         (A.ctypes.data, 28, False, True))
        assert_identical(self, nmfkit.fit(A, 3),
                         nmfkit.fit(np.ascontiguousarray(A), 3))

    def test_non_contiguous_input_is_copied_to_fortran_order(self):
        big = np.asfortranarray(np.kron(self.A, np.ones((2, 2))))
        A = big[::2, ::2]
        p = nmfkit._prepare(A)
        self.assertTrue(p.copied)
        self.assertFalse(p.transposed)
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

    def test_penalties_follow_W_and_H_through_the_transpose(self):
        # Projection with an L1 penalty on H has a unique solution; on the
        # row-major path the binding must move l1_h to the library's W side.
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
        self.assertTrue(p.transposed and not p.copied)
        f = nmfkit.fit(A, 3, maxit=300)
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
        self.assertEqual((p.kind, p.m, p.n, p.transposed, p.copied),
                         ("csc", 40, 30, False, False))
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

    def test_csr_is_the_csc_of_the_transpose(self):
        S = sp.csr_matrix(self.A)
        p = nmfkit._prepare(S)
        self.assertEqual((p.kind, p.m, p.n, p.transposed, p.copied),
                         ("csc", 30, 40, True, False))
        self.assertEqual((p.data_ptr, p.indices_ptr),
                         (S.data.ctypes.data, S.indices.ctypes.data))

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
        assert_canonical(self, csr)
        # Same orientation: the same computation up to summation order.
        self.assertLess(factors_diff(csc, fF), 1e-10)
        self.assertLess(factors_diff(f64, fF), 1e-10)
        self.assertLess(factors_diff(csr, fC), 1e-10)
        # Transposed orientation: the same unique optimum.
        self.assertLess(factors_diff(csr, fF), 1e-8)

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

    def test_transposed_error_says_so(self):
        A = np.ascontiguousarray(self.A)
        A[0, 0] = -1
        e = self.assertNmfError(nmfkit.ERR_NEGATIVE, "negative", A, 2)
        self.assertIn("transpose", e.detail)

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
