#!/usr/bin/env python3
"""nmfkit.symnmf: symmetric NMF of networks through the ctypes binding.

Graphs are planted partitions generated here (numpy, fixed seeds); the
normalised mutual information, the AUC and the common-neighbours baseline
are computed here from their definitions.
"""

import os
import sys
import unittest

try:
    import numpy as np
    import scipy.sparse as sp
except ImportError:
    print("numpy/scipy not available: skipped")
    sys.exit(77)

import nmfkit


def planted(n, blocks, pin, pout, seed):
    rng = np.random.default_rng(seed)
    label = np.arange(n) * blocks // n
    p = np.where(label[:, None] == label[None, :], pin, pout)
    upper = np.triu(rng.random((n, n)) < p, 1)
    return (upper | upper.T).astype(float), label


def nmi(a, b):
    """Normalised mutual information (geometric mean normalisation)."""
    a = np.unique(a, return_inverse=True)[1]
    b = np.unique(b, return_inverse=True)[1]
    c = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(c, (a, b), 1)
    p = c / len(a)
    pa, pb = p.sum(1), p.sum(0)
    nz = p > 0
    mi = (p[nz] * np.log(p[nz] / np.outer(pa, pb)[nz])).sum()
    ha = -(pa * np.log(pa)).sum()
    hb = -(pb * np.log(pb)).sum()
    return mi / np.sqrt(ha * hb)


def auc(pos, neg):
    """P(score of a held-out edge > score of a non-edge), ties count 1/2."""
    scores = np.concatenate([pos, neg])
    ranks = np.empty(len(scores))
    order = np.argsort(scores, kind="mergesort")
    ranks[order] = np.arange(1, len(scores) + 1)
    for v in np.unique(scores):  # average ranks of ties
        sel = scores == v
        ranks[sel] = ranks[sel].mean()
    return (ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


class TestSymNMF(unittest.TestCase):
    def test_planted_partition_recovered_identically_for_any_threads(self):
        a, label = planted(1000, 5, 0.1, 0.01, 1)
        A = sp.csc_matrix(a)
        f1 = nmfkit.symnmf(A, 5, threads=1)
        f2 = nmfkit.symnmf(A, 5, threads=2)
        self.assertGreaterEqual(nmi(label, f1.communities), 0.95)
        self.assertTrue(np.array_equal(f1.H, f2.H))
        self.assertEqual(f1.H.shape, (1000, 5))
        self.assertTrue((f1.H >= 0).all())
        # The reported error is ||A - HH^T|| / ||A||, computed here.
        ref = np.linalg.norm(a - f1.H @ f1.H.T) / np.linalg.norm(a)
        self.assertAlmostEqual(f1.rel_error, ref, places=8)
        # Dense input, row-major or column-major, and CSR: the same fit.
        fd = nmfkit.symnmf(a, 5)
        np.testing.assert_allclose(fd.H, f1.H, rtol=0, atol=1e-8 * f1.H.max())
        fr = nmfkit.symnmf(sp.csr_matrix(a), 5)
        self.assertTrue(np.array_equal(fr.H, f1.H))
        f32 = nmfkit.symnmf(a.astype(np.float32), 5)
        self.assertEqual(f32.H.dtype, np.float32)
        self.assertGreaterEqual(nmi(label, f32.communities), 0.95)

    def test_link_prediction_beats_common_neighbours(self):
        a, _ = planted(1000, 5, 0.1, 0.01, 2)
        rng = np.random.default_rng(3)
        i, j = np.nonzero(np.triu(a, 1))
        held = rng.random(len(i)) < 0.1
        train = a.copy()
        train[i[held], j[held]] = train[j[held], i[held]] = 0
        pos = np.stack([i[held], j[held]], 1)
        # As many random non-edges of the full graph.
        neg = []
        while len(neg) < len(pos):
            u, v = rng.integers(0, 1000, 2)
            if u != v and a[u, v] == 0:
                neg.append((u, v))
        neg = np.array(neg)
        fit = nmfkit.symnmf(sp.csc_matrix(train), 5)
        s_pos, s_neg = fit.score(pos), fit.score(neg)
        hh = fit.H @ fit.H.T
        np.testing.assert_allclose(s_pos, hh[pos[:, 0], pos[:, 1]], rtol=1e-12)
        cn = train @ train
        auc_nmf = auc(s_pos, s_neg)
        auc_cn = auc(cn[pos[:, 0], pos[:, 1]], cn[neg[:, 0], neg[:, 1]])
        print("link prediction AUC: symnmf %.4f, common neighbours %.4f"
              % (auc_nmf, auc_cn))
        self.assertGreaterEqual(auc_nmf, auc_cn)

    def test_isolated_nodes(self):
        a, _ = planted(60, 3, 0.6, 0.02, 4)
        a[7, :] = a[:, 7] = 0
        f = nmfkit.symnmf(a, 3)
        self.assertEqual(f.isolated, 1)
        self.assertEqual(f.communities[7], -1)
        self.assertTrue((f.H[7] == 0).all())

    def test_bad_inputs(self):
        a, _ = planted(30, 3, 0.6, 0.05, 5)
        b = a.copy()
        b[2, 7], b[7, 2] = 1, 0
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.symnmf(np.asfortranarray(b), 3)
        self.assertIn("not symmetric: A[3, 8] = 1 but A[8, 3] = 0", str(cm.exception))
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.symnmf(sp.csc_matrix(b), 3)
        self.assertEqual(cm.exception.code, nmfkit.ERR_INVALID_ARGUMENT)
        n = a.copy()
        n[0, 1] = n[1, 0] = -1
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.symnmf(n, 3)
        self.assertEqual(cm.exception.code, nmfkit.ERR_NEGATIVE)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.symnmf(a, 31)
        self.assertEqual(cm.exception.code, nmfkit.ERR_RANK)
        with self.assertRaises(nmfkit.NmfError) as cm:
            nmfkit.symnmf(a[:, :20], 3)
        self.assertEqual(cm.exception.code, nmfkit.ERR_DIMENSION)
        f = nmfkit.symnmf(a, 3)
        with self.assertRaises(IndexError):
            f.score([[0, 30]])
        with self.assertRaises(ValueError):
            f.score([0, 1, 2])


if __name__ == "__main__":
    unittest.main()
