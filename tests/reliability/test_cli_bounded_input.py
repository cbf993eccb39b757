#!/usr/bin/env python3
"""Bounded text input for the `nmf` tool: a file that is small on disk but
decompresses to gigabytes, a line or a name far beyond any real one.  Each
must fail with one "nmf: error: FILE:LINE: ..." line that names the limit
and the environment variable raising it, exit status 1, nothing written,
in bounded memory (peak RSS of the child from wait4) and under a time limit
(a hang fails the test).  Raised limits must then read the same files.

Run with NMF_CLI naming the nmf executable (CTest sets it).
"""
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from test_cli import (NMF, gene_names, planted, read_table, sample_names,  # noqa: E402
                      table_text, write)

TIME_LIMIT = 120         # seconds; a hang fails the test
RSS_LIMIT = 500 << 20    # bytes; the bomb decompresses to 3 GiB
BOMB_BYTES = 3 << 30     # zero bytes: one "line" without a line break


def write_bomb(path):
    """3 GiB of zero bytes as gzip (about 14 MB), compressed in a stream."""
    chunk = bytes(1 << 24)
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: gzip format
    with open(path, "wb") as f:
        for _ in range(BOMB_BYTES // len(chunk)):
            f.write(compressor.compress(chunk))
        f.write(compressor.flush())


def is_sanitized():
    """ASan reserves terabytes of address space: ulimit -v cannot apply."""
    with open(shutil.which(NMF) or NMF, "rb") as f:
        return b"__asan_init" in f.read()


class Run:
    def __init__(self, status, stderr, max_rss):
        self.returncode = status
        self.stderr = stderr
        self.max_rss = max_rss  # bytes


def run_nmf(args, cwd, env=None, address_space=None):
    """Runs nmf, returns its status, stderr and peak RSS (its own wait4
    usage, so other children of this process do not count); kills it and
    fails after TIME_LIMIT seconds."""
    full_env = dict(os.environ)
    full_env.update(env or {})

    def limit():
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([NMF] + [str(a) for a in args], cwd=cwd, env=full_env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=err, preexec_fn=limit)
        deadline = time.monotonic() + TIME_LIMIT
        while True:
            pid, wstatus, usage = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                p.returncode = -9  # reaped here; keep Popen from waiting again
                raise AssertionError("nmf %r did not finish in %d s" % (args, TIME_LIMIT))
            time.sleep(0.02)
        p.returncode = os.waitstatus_to_exitcode(wstatus)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(p.returncode, stderr, usage.ru_maxrss * 1024)


class BoundedTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="nmf-bounded-test-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def out_dir(self):
        out = self.path("out")
        os.makedirs(out, exist_ok=True)
        return out

    def assert_refused(self, args, *fragments, env=None, rss_limit=RSS_LIMIT,
                       address_space=None):
        """nmf exits 1 with one error line holding fragments, writes nothing
        under out/ and stays under rss_limit."""
        out = self.out_dir()
        r = run_nmf(list(args) + ["-o", os.path.join(out, "res")], self.dir, env,
                    address_space)
        self.assertEqual(r.returncode, 1, "args %r: %r" % (args, r.stderr))
        self.assertTrue(r.stderr.startswith("nmf: error: "), r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, "one line: %r" % r.stderr)
        for fragment in fragments:
            self.assertIn(fragment, r.stderr)
        self.assertEqual(os.listdir(out), [], "nothing written")
        self.assertLess(r.max_rss, rss_limit, "peak RSS of nmf %r" % (args,))
        return r


class TestBoundedInput(BoundedTestCase):
    @classmethod
    def setUpClass(cls):
        cls._bomb_dir = tempfile.TemporaryDirectory(prefix="nmf-bomb-")
        cls.bomb = os.path.join(cls._bomb_dir.name, "bomb.tsv.gz")
        write_bomb(cls.bomb)

    @classmethod
    def tearDownClass(cls):
        cls._bomb_dir.cleanup()

    def bomb_as(self, name):
        path = self.path(name)
        os.symlink(self.bomb, path)
        return path

    def test_gzip_bomb_is_refused_quickly(self):
        # The table, sniffed (no format extension) and Matrix Market readers
        # all stop at the line limit: 16 MiB read of the 3 GiB.
        for name in ("bomb.tsv.gz", "bomb.gz", "bomb.mtx.gz"):
            path = self.bomb_as(name)
            for command in (["fit", path, "-k", "2"], ["rank", path, "-k", "2:3"]):
                with self.subTest(file=name, command=command[0]):
                    self.assert_refused(command, name + ":1:", "limit of 16 MiB",
                                        "NMF_MAX_LINE_LENGTH")
            os.unlink(path)

    def test_raised_line_limit_is_still_bounded_by_memory(self):
        # With the limit raised past the bomb, the line buffer grows only
        # while memory is left (here: ulimit -v), then the same clear error.
        if is_sanitized():
            self.skipTest("ASan's shadow memory cannot run under ulimit -v")
        path = self.bomb_as("bomb.tsv.gz")
        env = {"NMF_MAX_LINE_LENGTH": "8G", "OMP_NUM_THREADS": "1",
               "OPENBLAS_NUM_THREADS": "1"}
        space = 1 << 30
        self.assert_refused(["fit", path, "-k", "2"], "not enough memory for line 1 of",
                            "bomb.tsv.gz", "MiB available", env=env, rss_limit=space,
                            address_space=space)


class TestLongLinesAndNames(BoundedTestCase):
    def test_30_mb_header_line(self):
        cols = ["sample_%07d" % j for j in range(2200000)]  # about 30 MB
        header = "\t".join(["gene"] + cols) + "\n"
        self.assertGreater(len(header), 30 << 20)
        path = write(self.path("wide.tsv"), header + "g1\t" + "\t".join(["1"] * 3) + "\n")
        self.assert_refused(["fit", path, "-k", "1"], "wide.tsv:1:", "limit of 16 MiB",
                            "NMF_MAX_LINE_LENGTH=")
        # Raised (with a suffix), the line is read and the next problem found;
        # its 2.2 million names legitimately take memory (about 150 MB, more
        # under ASan), so the bound here is looser.
        self.assert_refused(["fit", path, "-k", "1"], "wide.tsv:2:", "expected 2200001 fields",
                            env={"NMF_MAX_LINE_LENGTH": "64M"}, rss_limit=1 << 30)

    def test_line_limit_applies_to_every_line_and_suffixes(self):
        w0, h0, a = planted(m=20, n=6)
        rows = gene_names(20)
        rows[7] = "g" * 3000  # line 9 is the long one
        path = write(self.path("t.tsv"), table_text(a, rows, sample_names(6)))
        self.assert_refused(["fit", path, "-k", "2"], "t.tsv:9:", "limit of 2 KiB",
                            env={"NMF_MAX_LINE_LENGTH": "2K"})
        for raised in ("4K", "4KiB", "4096", "1M"):
            with self.subTest(limit=raised):
                r = run_nmf(["fit", path, "-k", "2", "-q", "-o", self.path("ok")], self.dir,
                            {"NMF_MAX_LINE_LENGTH": raised})
                self.assertEqual(r.returncode, 0, r.stderr)
                _, genes, _ = read_table(self.path("ok_W.tsv"))
                self.assertEqual(genes, rows)

    def test_100_kb_row_name(self):
        w0, h0, a = planted(m=10, n=4)
        rows = gene_names(10)
        rows[2] = "x" * 100000
        for compress in (False, True):
            name = "long.tsv.gz" if compress else "long.tsv"
            path = write(self.path(name), table_text(a, rows, sample_names(4)), compress)
            with self.subTest(file=name):
                self.assert_refused(["fit", path, "-k", "1"], name + ":4:",
                                    "field 1 is 100000 bytes", "limit of 64 KiB",
                                    "NMF_MAX_FIELD_LENGTH")
        # Raised, the name is read and written back whole.
        r = run_nmf(["fit", self.path("long.tsv"), "-k", "2", "-q", "-o", self.path("ok")],
                    self.dir, {"NMF_MAX_FIELD_LENGTH": "128K"})
        self.assertEqual(r.returncode, 0, r.stderr)
        _, genes, W = read_table(self.path("ok_W.tsv"))
        self.assertEqual(genes, rows)
        self.assertEqual(W.shape, (10, 2))

    def test_100_kb_column_name_and_quoted_field(self):
        w0, h0, a = planted(m=10, n=4)
        cols = sample_names(4)
        cols[3] = "s" * 100000
        path = write(self.path("c.tsv"), table_text(a, gene_names(10), cols))
        self.assert_refused(["fit", path, "-k", "1"], "c.tsv:1:", "field 5 is 100000 bytes",
                            "NMF_MAX_FIELD_LENGTH")
        # A quoted CSV field is measured after unescaping.
        text = 'gene,S1\n"%s",1\ng2,2\n' % ('a""' * 30000)
        path = write(self.path("q.csv"), text)
        self.assert_refused(["fit", path, "-k", "1"], "q.csv:2:", "field 1 is 60000 bytes",
                            "limit of 32 KiB", env={"NMF_MAX_FIELD_LENGTH": "32K"})

    def test_100_kb_name_in_a_10x_barcodes_file(self):
        d = self.path("tenx")
        os.makedirs(d)
        a = planted(m=6, n=5)[2]
        lines = ["%%MatrixMarket matrix coordinate real general", "6 5 30"]
        lines += ["%d %d %r" % (i + 1, j + 1, float(a[i, j]))
                  for j in range(5) for i in range(6)]
        write(os.path.join(d, "matrix.mtx.gz"), "\n".join(lines) + "\n", compress=True)
        write(os.path.join(d, "features.tsv.gz"),
              "".join("ENSG%d\tgene%d\tGene Expression\n" % (i, i) for i in range(6)),
              compress=True)
        barcodes = ["AAAC-%d" % j for j in range(5)]
        barcodes[4] = "B" * 100000
        write(os.path.join(d, "barcodes.tsv.gz"), "\n".join(barcodes) + "\n", compress=True)
        self.assert_refused(["fit", d, "-k", "1"], "barcodes.tsv.gz:5:",
                            "field 1 is 100000 bytes", "NMF_MAX_FIELD_LENGTH")

    def test_bad_limit_values_are_usage_errors(self):
        path = write(self.path("a.tsv"), table_text(planted(m=8, n=4)[2], gene_names(8),
                                                    sample_names(4)))
        for variable in ("NMF_MAX_LINE_LENGTH", "NMF_MAX_FIELD_LENGTH"):
            for value in ("abc", "0", "-5", "12X", "99999999999999999999"):
                with self.subTest(variable=variable, value=value):
                    r = run_nmf(["fit", path, "-k", "1", "-o", self.path("x")], self.dir,
                                {variable: value})
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn(variable + "='" + value + "' is not a size", r.stderr)
                    self.assertFalse(os.path.exists(self.path("x_W.tsv")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
