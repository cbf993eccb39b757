#!/usr/bin/env python3
"""Hostile inputs for the `nmf` tool, beyond tests/cli/test_cli.py's
malformed files: sizes declared beyond memory (refused before allocating,
not an OOM kill), extreme magnitudes, degenerate shapes, binary garbage and
corrupt gzip streams, and matrices the library refuses (exit status 3).
Every failure must be one "nmf: error: ..." line with the documented exit
status; every success must give factors that reproduce the input.

Run with NMF_CLI naming the nmf executable (CTest sets it; under valgrind
it names a wrapper script).
"""
import gzip
import os
import random
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from test_cli import (CliTestCase, gene_names, planted, sample_names,  # noqa: E402
                      table_text, write)
import require_all  # noqa: E402  (tests/, put on the path by test_cli)

BANNER = "%%MatrixMarket matrix coordinate real general\n"


class TestBeyondMemory(CliTestCase):
    """Sizes whose arrays cannot fit: exit 1 with the figures, quickly."""

    def test_mtx_declaring_billions_of_columns(self):
        path = write(self.path("wide.mtx"), BANNER + "3 4000000000 2\n1 1 1\n2 2 2\n")
        self.assert_fails(["fit", path, "-k", "1"], 1, "wide.mtx:2:",
                          "not enough memory", "MiB")

    def test_mtx_declaring_trillions_of_entries(self):
        path = write(self.path("dense.mtx"),
                     BANNER + "2000000 2000000 3000000000000\n1 1 1\n")
        self.assert_fails(["fit", path, "-k", "1"], 1, "dense.mtx:2:",
                          "not enough memory")

    def test_mtx_declaring_billions_of_rows(self):
        # The row names alone ("row1", ...) would take about 96 GB.
        path = write(self.path("tall.mtx"), BANNER + "3000000000 2 2\n1 1 1\n2 2 2\n")
        self.assert_fails(["fit", path, "-k", "1"], 1, "not enough memory", "row names")

    def test_mtx_rows_beyond_int64(self):
        path = write(self.path("huge.mtx"), BANNER + "99999999999999999999 2 1\n1 1 1\n")
        self.assert_fails(["fit", path, "-k", "1"], 1, "huge.mtx:2:", "size line")


class TestMagnitudes(CliTestCase):
    """Entries near the ends of the double and float ranges."""

    def check_scaled(self, scale, *args):
        w0, h0, a = planted(m=30, n=10)
        path = write(self.path("s.tsv"), table_text(a * scale, gene_names(30),
                                                     sample_names(10)))
        fit = self.fit(path, "-k", "3", "--maxit", "300", *args)
        for x in (fit.W, fit.H, fit.d):
            self.assertTrue(np.all(np.isfinite(x)) and np.all(x >= 0))
        # Exactly rank 3: recovered, in the caller's units.
        tol = 1e-2 if "--float" in args else 1e-3
        self.assertLess(np.linalg.norm(a - fit.reconstruction() / scale) / np.linalg.norm(a),
                        tol)

    def test_tiny_and_huge_doubles(self):
        for scale in (1e-300, 1e300):
            with self.subTest(scale=scale):
                self.check_scaled(scale)

    def test_tiny_and_large_floats(self):
        for scale in (1e-36, 1e34):
            with self.subTest(scale=scale):
                self.check_scaled(scale, "--float")

    def test_float_products_that_would_overflow(self):
        # Entries of 1e38 summed over 40 rows exceed the float range: the
        # library refuses (exit 3) rather than return factors computed from Inf.
        a = np.full((40, 6), 1e38)
        path = write(self.path("big.tsv"), table_text(a, gene_names(40), sample_names(6)))
        self.assert_fails(["fit", path, "-k", "1", "--float", "-q"], 3, "overflow", "float")

    def test_value_beyond_float(self):
        path = write(self.path("f.tsv"), "gene\tS1\tS2\ng1\t1\t1e39\ng2\t2\t3\n")
        self.assert_fails(["fit", path, "-k", "1", "--float"], 1, "f.tsv:2:", "float")


class TestDegenerate(CliTestCase):
    """Shapes and contents at the edges."""

    def test_zero_matrix_is_a_library_error(self):
        path = write(self.path("z.tsv"), "gene\tS1\tS2\ng1\t0\t0\ng2\t0\t0\n")
        self.assert_fails(["fit", path, "-k", "1"], 3, "zero")

    def test_zero_rows_and_columns_work(self):
        w0, h0, a = planted(m=20, n=8)
        a[4, :] = 0
        a[:, 2] = 0
        path = write(self.path("zr.tsv"), table_text(a, gene_names(20), sample_names(8)))
        fit = self.fit(path, "-k", "3", "--maxit", "300")
        self.assertTrue(np.all(fit.W[4, :] == 0), "W row of an all-zero gene")
        self.assertTrue(np.all(fit.H[:, 2] == 0), "H column of an all-zero sample")
        self.assertLess(np.linalg.norm(a - fit.reconstruction()) / np.linalg.norm(a), 1e-3)

    def test_single_row_and_single_column(self):
        for shape in ((1, 7), (9, 1), (1, 1)):
            with self.subTest(shape=shape):
                a = np.random.default_rng(3).uniform(0.5, 2.0, size=shape)
                path = write(self.path("one.tsv"), table_text(a, gene_names(shape[0]),
                                                              sample_names(shape[1])))
                fit = self.fit(path, "-k", "1")
                self.assertLess(np.linalg.norm(a - fit.reconstruction()) / np.linalg.norm(a),
                                1e-6)

    def test_rank_beyond_a_single_row(self):
        path = write(self.path("row.tsv"), "gene\tS1\tS2\tS3\ng1\t1\t2\t3\n")
        self.assert_fails(["fit", path, "-k", "2"], 2, "k = 2 exceeds min(m, n) = 1")

    def test_empty_stdin(self):
        p = self.run_nmf("fit", "-", "-k", "1", "-o", self.path("x"))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertTrue(p.stderr.startswith("nmf: error: ") and p.stderr.count("\n") == 1,
                        p.stderr)
        self.assertIn("empty", p.stderr)


class TestGarbage(CliTestCase):
    """Bytes that are no table at all: one error line, exit 1, never a crash."""

    def check_garbage(self, name, data):
        path = write(self.path(name), data)
        p = self.run_nmf("fit", path, "-k", "1", "-o", self.path("g"))
        self.assertEqual(p.returncode, 1, "%s: %r" % (name, p.stderr))
        self.assertTrue(p.stderr.startswith("nmf: error: "), p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertIn(name, p.stderr)

    def test_random_bytes(self):
        rng = random.Random(11)
        for i in range(6):
            data = bytes(rng.randrange(256) for _ in range(rng.choice([1, 50, 5000])))
            with self.subTest(i=i):
                self.check_garbage("rand%d.tsv" % i, data)

    def test_corrupt_gzip(self):
        good = gzip.compress(table_text(planted()[2], gene_names(40), sample_names(12)).encode())
        cases = {
            "magic_only.tsv.gz": good[:4],
            "flipped.tsv.gz": good[:40] + bytes([good[40] ^ 0xFF]) + good[41:],
            "bad_crc.tsv.gz": good[:-8] + bytes(8),
            "garbage_after_magic.tsv.gz": b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4,
        }
        for name, data in cases.items():
            with self.subTest(file=name):
                self.check_garbage(name, data)

    def test_non_utf8_mtx_banner(self):
        self.check_garbage("latin.mtx", b"%%MatrixMarket matrix coordinate r\xe9al general\n"
                                        b"2 2 1\n1 1 1\n")

    def test_carriage_returns_only(self):
        # Old Mac line endings: one line holding everything, no data rows.
        self.check_garbage("cr.tsv", b"gene\tS1\rg1\t1\rg2\t2\r")


if __name__ == "__main__":
    require_all.main()
