#!/usr/bin/env python3
"""Tests of the `nmf` command-line tool.

Run as `test_cli.py [unittest arguments]` with the environment variable
NMF_CLI naming the nmf executable (CTest sets it).  Every input is generated
here, in a temporary directory, from planted low-rank data, so each test
states what the right answer is: the factors reconstruct the matrix, every
input format of the same matrix gives the same factors, and every malformed
file is rejected with "FILE:LINE: reason".
"""

import gzip
import json
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import require_all  # noqa: E402

NMF = os.environ.get("NMF_CLI", "nmf")

# The planted problem: A = W0 H0, exactly rank K, strictly positive factors.
M, N, K = 40, 12, 3


def planted(m=M, n=N, k=K, seed=1):
    rng = np.random.default_rng(seed)
    w0 = rng.uniform(0.1, 1.0, size=(m, k))
    h0 = rng.uniform(0.1, 1.0, size=(k, n))
    return w0, h0, w0 @ h0


def gene_names(m):
    return ["gene%d" % (i + 1) for i in range(m)]


def sample_names(n):
    return ["S%d" % (j + 1) for j in range(n)]


def table_text(a, rows, cols, sep="\t", label="gene"):
    """A table as nmf reads it; repr() writes each double exactly."""
    lines = [sep.join([label] + cols)]
    for name, row in zip(rows, a):
        lines.append(sep.join([name] + [repr(float(v)) for v in row]))
    return "\n".join(lines) + "\n"


def mtx_text(a, order="column", field="real"):
    """Matrix Market coordinate text of the nonzeros of a (1-based)."""
    entries = [(i + 1, j + 1, a[i, j]) for j in range(a.shape[1])
               for i in range(a.shape[0]) if a[i, j] != 0]
    if order == "shuffled":
        rng = np.random.default_rng(7)
        entries = [entries[p] for p in rng.permutation(len(entries))]
    lines = ["%%%%MatrixMarket matrix coordinate %s general" % field,
             "% written by test_cli.py",
             "%d %d %d" % (a.shape[0], a.shape[1], len(entries))]
    value = "%d" if field == "integer" else "%r"
    lines += [("%d %d " + value) % (i, j, v if field == "integer" else float(v))
              for i, j, v in entries]
    return "\n".join(lines) + "\n"


def write(path, text, compress=False):
    data = text.encode() if isinstance(text, str) else text
    if compress:
        data = gzip.compress(data)
    with open(path, "wb") as f:
        f.write(data)
    return path


def read_table(path):
    """(header, row names, values) of a TSV nmf wrote."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = lines[0].split("\t")
    rows, values = [], []
    for line in lines[1:]:
        cells = line.split("\t")
        rows.append(cells[0])
        values.append([float(c) for c in cells[1:]])
    return header, rows, np.array(values)


class Fit:
    """The outputs of one run: W, d, H, names and the summary."""

    def __init__(self, prefix):
        self.w_header, self.genes, self.W = read_table(prefix + "_W.tsv")
        self.h_header, self.factors, self.H = read_table(prefix + "_H.tsv")
        with open(prefix + "_summary.json", encoding="utf-8") as f:
            self.summary = json.load(f)
        self.d = np.array(self.summary["d"])
        self.samples = self.h_header[1:]
        # By default H.tsv holds diag(d) H; with --unscaled, H itself.
        self.scaled = self.summary["H_scaled_by_d"]

    def reconstruction(self):
        if self.scaled:
            return self.W @ self.H
        return self.W @ np.diag(self.d) @ self.H

    def unit_h(self):
        """H with rows summing to 1 (the canonical form)."""
        return self.H / self.d[:, None] if self.scaled else self.H


def rel_error(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(a)


class CliTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="nmf-cli-test-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def run_nmf(self, *args, cwd=None):
        return subprocess.run([NMF] + [str(a) for a in args], cwd=cwd or self.dir,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, errors="replace", timeout=120)

    def fit(self, input_path, *args, prefix="out"):
        """Runs nmf fit, asserts success, returns the outputs."""
        out = self.path(prefix)
        p = self.run_nmf("fit", input_path, "--out", out, "--quiet", *args)
        self.assertEqual(p.returncode, 0, "nmf failed: " + p.stderr)
        return Fit(out)

    def assert_fails(self, args, status, *fragments):
        """Runs nmf; asserts the exit status and one error line with fragments."""
        p = self.run_nmf(*args)
        self.assertEqual(p.returncode, status,
                         "args %r: expected status %d, got %d, stderr %r"
                         % (args, status, p.returncode, p.stderr))
        self.assertTrue(p.stderr.startswith("nmf: error: "), p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, "one line: %r" % p.stderr)
        for fragment in fragments:
            self.assertIn(fragment, p.stderr)
        return p


class TestUsage(CliTestCase):
    def test_help_exits_zero(self):
        for args in (["--help"], ["-h"], ["fit", "--help"],
                     ["fit", "data.tsv", "-k", "3", "--bogus", "--help"]):
            p = self.run_nmf(*args)
            self.assertEqual(p.returncode, 0, args)
            self.assertIn("Usage: nmf", p.stdout)
        p = self.run_nmf("fit", "--help")
        for option in ("--loss", "--solver", "--init", "--threads", "--maxit",
                       "--tol", "--seed", "--l1-w", "--l1-h", "--l2-w", "--l2-h",
                       "--w-init", "--h-init", "--fix-w", "--fix-h", "--float",
                       "--out", "--quiet", "--progress", "--no-progress",
                       "--transpose", "--hals-alpha", "--hals-delta", "--beta",
                       "--mu-eps", "--missing", "kl", "beta", "mu", "cd",
                       "anls", "unstored", "--extrapolation", "--extrap-beta0",
                       "--extrap-eta", "--extrap-gamma", "--extrap-gamma-bar",
                       "--sparse-w", "--sparse-h", "--ns-theta", "--sketch",
                       "--sketch-rank", "--stable-checks", "--strict-names",
                       "NMF_MAX_LINE_LENGTH",
                       "NMF_MAX_FIELD_LENGTH"):
            self.assertIn(option, p.stdout)

    def test_version(self):
        p = self.run_nmf("--version")
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^nmf \d+\.\d+\.\d+\n$")

    def test_no_arguments_is_a_usage_error(self):
        p = self.run_nmf()
        self.assertEqual(p.returncode, 2)
        self.assertIn("Usage: nmf", p.stderr)

    def test_bad_option_values_exit_2(self):
        good = write(self.path("a.tsv"), table_text(planted()[2], gene_names(M),
                                                    sample_names(N)))
        cases = [
            (["fit"], "missing INPUT"),
            (["fit", good], "missing -k"),
            (["fit", good, "-k", "0"], "-k"),
            (["fit", good, "-k", "three"], "-k"),
            (["fit", good, "-k", "2.5"], "-k"),
            (["fit", good, "-k"], "needs a value"),
            (["fit", good, "-k", "3", "--maxit", "-1"], "--maxit"),
            (["fit", good, "-k", "3", "--maxit", "99999999999"], "--maxit"),
            (["fit", good, "-k", "3", "--tol", "-1e-3"], "--tol"),
            (["fit", good, "-k", "3", "--tol", "nan"], "--tol"),
            (["fit", good, "-k", "3", "--seed", "-5"], "--seed"),
            (["fit", good, "-k", "3", "--threads", "x"], "--threads"),
            (["fit", good, "-k", "3", "--init", "svd"], "--init"),
            (["fit", good, "-k", "3", "--solver", "newton"], "--solver"),
            (["fit", good, "-k", "3", "--loss", "poisson"], "--loss"),
            (["fit", good, "-k", "3", "--beta", "nan"], "--beta"),
            (["fit", good, "-k", "3", "--beta", "x"], "--beta"),
            (["fit", good, "-k", "3", "--mu-eps", "-1"], "--mu-eps"),
            (["fit", good, "-k", "3", "--missing", "nan"], "--missing"),
            (["fit", good, "-k", "3", "--missing", "zero"], "--missing"),
            (["fit", good, "-k", "3", "--extrapolation", "maybe"], "--extrapolation"),
            (["fit", good, "-k", "3", "--extrap-eta", "-1"], "--extrap-eta"),
            (["fit", good, "-k", "3", "--sketch", "yes"], "--sketch"),
            (["fit", good, "-k", "3", "--sketch-rank", "-2"], "--sketch-rank"),
            (["fit", good, "-k", "3", "--sparse-h", "x"], "--sparse-h"),
            (["fit", good, "-k", "3", "--ns-theta", "-0.1"], "--ns-theta"),
            (["fit", good, "-k", "3", "--l1-w", "-1"], "--l1-w"),
            (["fit", good, "-k", "3", "--l2-h", "abc"], "--l2-h"),
            (["fit", good, "-k", "3", "--frobnicate"], "unknown option"),
            (["fit", good, "-k", "3", "--float=yes"], "takes no value"),
            (["fit", good, good, "-k", "3"], "unexpected argument"),
            (["fit", good, "-k", "3", "--fix-w", "w.tsv", "--w-init", "w.tsv"],
             "--fix-w"),
            (["fit", good, "-k", "3", "--out", ""], "--out"),
            (["fit", good, "-k", "13"], "k = 13 exceeds min(m, n) = 12"),
            (["frobnicate"], "unknown command"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                self.assert_fails(args, 2, fragment)


class TestFit(CliTestCase):
    def setUp(self):
        super().setUp()
        self.w0, self.h0, self.a = planted()
        self.input = write(self.path("planted.tsv"),
                           table_text(self.a, gene_names(M), sample_names(N)))

    def test_planted_low_rank_is_recovered(self):
        fit = self.fit(self.input, "-k", K, "--maxit", 2000, "--tol", 1e-12)
        # Shapes and names.
        self.assertEqual(fit.w_header, ["gene", "NMF1", "NMF2", "NMF3"])
        self.assertEqual(fit.genes, gene_names(M))
        self.assertEqual(fit.W.shape, (M, K))
        self.assertEqual(fit.h_header, ["factor"] + sample_names(N))
        self.assertEqual(fit.factors, ["NMF1", "NMF2", "NMF3"])
        self.assertEqual(fit.H.shape, (K, N))
        # Non-negative, canonical: columns of W and rows of H sum to 1,
        # components ordered by d.
        self.assertTrue((fit.W >= 0).all() and (fit.H >= 0).all())
        np.testing.assert_allclose(fit.W.sum(axis=0), 1, rtol=1e-9)
        np.testing.assert_allclose(fit.unit_h().sum(axis=1), 1, rtol=1e-9)
        self.assertTrue((np.diff(fit.d) <= 0).all(), fit.d)
        # An exactly rank-3 matrix is reconstructed.
        err = rel_error(self.a, fit.reconstruction())
        self.assertLess(err, 1e-3)
        s = fit.summary
        self.assertAlmostEqual(s["rel_error"], err, delta=1e-6)
        self.assertEqual((s["m"], s["n"], s["k"]), (M, N, K))
        self.assertEqual(s["input"], self.input)
        self.assertEqual(s["format"], "tsv")
        self.assertEqual(s["solver"], "hals")  # what auto picks (nmf.h)
        self.assertEqual(s["init"], "random")
        self.assertEqual((s["seed"], s["maxit"], s["tol"]), (42, 2000, 1e-12))
        self.assertIn(s["stop_reason"], ("tol", "maxit"))
        self.assertEqual(len(s["loss_history"]), s["iterations"])
        self.assertEqual(s["loss_history"][-1], s["loss"])
        # HALS is exact block coordinate descent: the loss never increases
        # (beyond the round-off of evaluating it from ||A||^2, which the
        # tolerance allows; the loss falls to ~1e-12 here).
        hist = np.array(s["loss_history"])
        self.assertTrue((np.diff(hist) <= 1e-13 * np.linalg.norm(self.a) ** 2).all())
        # The objective is 1/2 ||A - W diag(d) H||^2.
        self.assertAlmostEqual(
            s["loss"], 0.5 * np.linalg.norm(self.a - fit.reconstruction()) ** 2,
            delta=1e-6 * np.linalg.norm(self.a) ** 2)

    def test_written_w_and_h_multiply_to_the_fit(self):
        # A user loading the two TSVs gets the fit without reading d: the
        # plain product W H has the summary's relative error (not 1, which
        # is what W times a row-normalised H gives on unscaled data).
        a = self.a * 250.0
        path = write(self.path("scaled.tsv"),
                     table_text(a, gene_names(M), sample_names(N)))
        fit = self.fit(path, "-k", 2, "--maxit", 50, prefix="scaled")
        _, _, w = read_table(self.path("scaled_W.tsv"))
        _, _, h = read_table(self.path("scaled_H.tsv"))
        self.assertTrue(fit.summary["H_scaled_by_d"])
        self.assertAlmostEqual(rel_error(a, w @ h), fit.summary["rel_error"],
                               delta=1e-9)
        self.assertLess(fit.summary["rel_error"], 0.5)
        np.testing.assert_allclose(h.sum(axis=1), fit.d, rtol=1e-9)
        # --unscaled: the same fit, H with rows summing to 1 and d apart.
        raw = self.fit(path, "-k", 2, "--maxit", 50, "--unscaled", prefix="raw")
        self.assertFalse(raw.summary["H_scaled_by_d"])
        np.testing.assert_allclose(raw.H.sum(axis=1), 1, rtol=1e-9)
        np.testing.assert_array_equal(raw.W, fit.W)
        np.testing.assert_array_equal(raw.d, fit.d)
        np.testing.assert_allclose(raw.d[:, None] * raw.H, h, rtol=1e-12)
        self.assertAlmostEqual(rel_error(a, raw.reconstruction()),
                               fit.summary["rel_error"], delta=1e-9)

    def test_options_reach_the_summary(self):
        fit = self.fit(self.input, "-k", 2, "--maxit", 7, "--tol", 0,
                       "--init", "nndsvda", "--seed", 123, "--threads", 1,
                       "--l1-w", 0.5, "--l2-h", 0.25, "--hals-alpha", 0,
                       "--hals-delta", 0.2)
        s = fit.summary
        self.assertEqual(s["k"], 2)
        self.assertEqual(s["iterations"], 7)
        self.assertEqual(s["stop_reason"], "maxit")
        self.assertEqual(len(s["loss_history"]), 7)
        self.assertEqual(s["init"], "nndsvda")
        self.assertEqual((s["seed"], s["threads"]), (123, 1))
        self.assertEqual((s["l1_w"], s["l1_h"], s["l2_w"], s["l2_h"]),
                         (0.5, 0, 0, 0.25))
        self.assertEqual((s["hals_alpha"], s["hals_delta"]), (0, 0.2))
        self.assertEqual(s["stable_checks"], 0)

    def test_stable_checks_stops_on_a_stable_assignment(self):
        # Brunet et al.'s rule: a check every 10 iterations, the first with
        # nothing to compare to, so a stop after 3 unchanged checks comes at
        # iteration 40 at the earliest and always at a multiple of 10.
        s = self.fit(self.input, "-k", 2, "--maxit", 5000, "--tol", 0,
                     "--stable-checks", 3, "--threads", 1).summary
        self.assertEqual(s["stable_checks"], 3)
        self.assertEqual(s["stop_reason"], "stable")
        self.assertLess(s["iterations"], 5000)
        self.assertGreaterEqual(s["iterations"], 40)
        self.assertEqual(s["iterations"] % 10, 0)
        for cmd in ("rank", "consensus"):
            self.assertIn("--stable-checks", self.run_nmf(cmd, "--help").stdout)

    def test_maxit_zero_runs_no_iteration(self):
        s = self.fit(self.input, "-k", 2, "--maxit", 0).summary
        self.assertEqual((s["iterations"], s["stop_reason"]), (0, "none"))
        self.assertEqual(s["loss_history"], [])

    def test_same_seed_same_factors_any_thread_count(self):
        one = self.fit(self.input, "-k", K, "--threads", 1, "--seed", 9, prefix="t1")
        two = self.fit(self.input, "-k", K, "--threads", 2, "--seed", 9, prefix="t2")
        for suffix in ("_W.tsv", "_H.tsv"):
            with open(self.path("t1" + suffix)) as f1, open(self.path("t2" + suffix)) as f2:
                self.assertEqual(f1.read(), f2.read())
        self.assertEqual(one.summary["d"], two.summary["d"])
        other = self.fit(self.input, "-k", K, "--seed", 10, "--maxit", 3, prefix="t3")
        self.assertFalse(np.array_equal(one.W[:, 0], other.W[:, 0]))

    def test_float(self):
        fit = self.fit(self.input, "-k", K, "--float", "--maxit", 1000, "--tol", 0)
        self.assertEqual(fit.summary["precision"], "float")
        self.assertEqual(fit.W.shape, (M, K))
        self.assertTrue((fit.W >= 0).all() and (fit.H >= 0).all())
        self.assertLess(rel_error(self.a, fit.reconstruction()), 1e-3)
        # Written as floats: the shortest text that reads back as the float.
        with open(self.path("out_W.tsv")) as f:
            cells = [c for line in f.read().splitlines()[1:] for c in line.split("\t")[1:]]
        self.assertEqual([float(str(np.float32(c))) for c in cells],
                         [float(c) for c in cells])

    def test_default_prefix_is_the_input_name(self):
        gz = write(self.path("my.counts.tsv.gz"),
                   table_text(self.a, gene_names(M), sample_names(N)), compress=True)
        os.mkdir(self.path("work"))
        p = self.run_nmf("fit", gz, "-k", 2, cwd=self.path("work"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(self.path("work"))),
                         ["my.counts_H.tsv", "my.counts_W.tsv",
                          "my.counts_summary.json"])
        # Not a terminal: no progress bar, one summary line on stderr.
        self.assertNotIn("\r", p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1)
        self.assertIn("my.counts_W.tsv", p.stderr)
        self.assertEqual(p.stdout, "")

    def test_quiet_is_silent_and_progress_logs(self):
        p = self.run_nmf("fit", self.input, "-k", 2, "-q", "-o", self.path("q"))
        self.assertEqual((p.returncode, p.stderr, p.stdout), (0, "", ""))
        p = self.run_nmf("fit", self.input, "-k", 2, "--progress", "-o", self.path("p"))
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stderr, r"nmf: iteration \d+/200  loss \S+  rel. error \S+\n")

    def test_progress_bar_on_a_terminal(self):
        try:
            master, slave = pty.openpty()
        except OSError as e:  # e.g. a container without /dev/pts
            self.skipTest("no pseudo-terminal available: %s" % e)
        proc = subprocess.Popen([NMF, "fit", self.input, "-k", "2", "-o", self.path("b")],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=slave)
        os.close(slave)
        output = b""
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the pty closes when nmf exits
                break
            if not chunk:
                break
            output += chunk
        os.close(master)
        self.assertEqual(proc.wait(timeout=30), 0)
        self.assertIn(b"\r[", output)        # the bar ...
        self.assertIn(b"\r\x1b[K", output)   # ... is cleared at the end

    def test_unwritable_output_fails_before_fitting(self):
        self.assert_fails(["fit", self.input, "-k", 2, "-o", self.path("no/such/dir/x")],
                          1, "cannot write outputs")

    def test_missing_input(self):
        self.assert_fails(["fit", self.path("nope.tsv"), "-k", 2], 1,
                          "cannot open", "nope.tsv", "No such file")


class TestFormats(CliTestCase):
    """The same matrix in every input format gives the same factors."""

    def setUp(self):
        super().setUp()
        _, _, self.a = planted()
        self.a[self.a < 0.5] = 0  # some zeros, so the sparse files are sparse
        self.genes, self.samples = gene_names(M), sample_names(N)
        # Plain HALS (--hals-alpha 0): accelerated HALS budgets its inner
        # sweeps by the cost of the products, which depends on nnz, so a
        # sparse and a dense copy take different (equally valid) paths.
        # One thread keeps these many small fits quick on a loaded machine.
        # Extrapolation is on by default in double and off in float; off
        # here, so that the float fits run the same algorithm as the double
        # reference.
        self.args = ("-k", K, "--maxit", 50, "--tol", 0, "--init", "nndsvd",
                     "--hals-alpha", 0, "--extrapolation", "off", "--threads", 1)

    def reference(self):
        return self.fit(write(self.path("ref.tsv"),
                              table_text(self.a, self.genes, self.samples)),
                        *self.args, prefix="ref")

    def assert_same_files(self, prefix):
        for suffix in ("_W.tsv", "_H.tsv"):
            with open(self.path("ref" + suffix)) as f1, open(self.path(prefix + suffix)) as f2:
                self.assertEqual(f1.read(), f2.read(), prefix + suffix)

    def test_tables_give_identical_factors(self):
        ref = self.reference()
        text = table_text(self.a, self.genes, self.samples)
        variants = {
            "gz": write(self.path("x.tsv.gz"), text, compress=True),
            "txt": write(self.path("x.txt"), text),
            "crlf": write(self.path("crlf.tsv"), text.replace("\n", "\r\n")),
            "bom": write(self.path("bom.tsv"), "\ufeff" + text),
            "csv": write(self.path("x.csv"), table_text(self.a, self.genes,
                                                        self.samples, sep=",")),
            "csvgz": write(self.path("x.csv.gz"), table_text(
                self.a, self.genes, self.samples, sep=","), compress=True),
            # R's write.csv: quoted names, an empty first header cell.
            "rcsv": write(self.path("r.csv"), "\n".join(
                [",".join(['""'] + ['"%s"' % s for s in self.samples])] +
                [",".join(['"%s"' % g] + [repr(float(v)) for v in row])
                 for g, row in zip(self.genes, self.a)]) + "\n"),
            # R's write.table default: no cell above the gene names.
            "nolabel": write(self.path("nolabel.tsv"),
                             table_text(self.a, self.genes, self.samples)
                             .replace("gene\t", "", 1)),
        }
        for name, path in variants.items():
            with self.subTest(variant=name):
                fit = self.fit(path, *self.args, prefix=name)
                self.assert_same_files(name)
                self.assertEqual(fit.summary["d"], ref.summary["d"])
        self.assertEqual(Fit(self.path("csv")).summary["format"], "csv")

    def test_stdin(self):
        self.reference()
        with open(self.path("ref.tsv")) as f:
            p = subprocess.run([NMF, "fit", "-", "-q", "-o", self.path("stdin")] +
                               [str(x) for x in self.args], stdin=f,
                               stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_same_files("stdin")

    def test_matrix_market_gives_the_same_factors(self):
        ref = self.reference()
        variants = {
            "mtx": write(self.path("a.mtx"), mtx_text(self.a)),
            "shuffled": write(self.path("s.mtx"), mtx_text(self.a, "shuffled")),
            "mtxgz": write(self.path("a.mtx.gz"), mtx_text(self.a), compress=True),
        }
        for name, path in variants.items():
            for extra in ([], ["--float"]):
                with self.subTest(variant=name, extra=extra):
                    fit = self.fit(path, *self.args, *extra, prefix=name)
                    self.assertEqual(fit.summary["format"], "mtx")
                    self.assertTrue(fit.summary["sparse"])
                    self.assertEqual(fit.summary["nnz"], int((self.a != 0).sum()))
                    # No name files: rows and columns are numbered.
                    self.assertEqual(fit.genes, ["row%d" % (i + 1) for i in range(M)])
                    self.assertEqual(fit.samples, ["col%d" % (j + 1) for j in range(N)])
                    tol = 1e-4 if extra else 1e-8
                    np.testing.assert_allclose(fit.W, ref.W, rtol=tol, atol=tol * 1e-2)
                    np.testing.assert_allclose(fit.H, ref.H, rtol=tol, atol=tol * 1e-2)
                    np.testing.assert_allclose(fit.d, ref.d, rtol=tol)

    def test_transpose(self):
        path = write(self.path("t.tsv"), table_text(self.a, self.genes, self.samples))
        for source in (path, write(self.path("t.mtx"), mtx_text(self.a))):
            with self.subTest(source=source):
                fit = self.fit(source, "-k", K, "--transpose", "--maxit", 500)
                self.assertEqual(fit.W.shape, (N, K))
                self.assertEqual(fit.H.shape, (K, M))
                self.assertEqual(fit.w_header[0], "sample")
                if source == path:
                    self.assertEqual(fit.genes, self.samples)
                    self.assertEqual(fit.samples, self.genes)
                self.assertTrue(fit.summary["transpose"])
                self.assertEqual((fit.summary["m"], fit.summary["n"]), (N, M))
                self.assertLess(rel_error(self.a.T, fit.reconstruction()), 0.2)


class Test10x(CliTestCase):
    def setUp(self):
        super().setUp()
        _, _, a = planted(m=30, n=15, seed=3)
        a[a < 0.6] = 0
        self.a = np.round(a * 10)  # counts
        self.ids = ["ENSG%05d" % i for i in range(30)]
        self.symbols = ["SYM%d" % i for i in range(30)]
        self.barcodes = ["AAAC%02d-1" % j for j in range(15)]

    def make_dir(self, name, features_name="features.tsv.gz", symbols=True):
        d = self.path(name)
        os.mkdir(d)
        write(os.path.join(d, "matrix.mtx.gz"), mtx_text(self.a, field="integer"),
              compress=True)
        rows = ["%s\t%s\tGene Expression" % (i, s) if symbols else i
                for i, s in zip(self.ids, self.symbols)]
        write(os.path.join(d, features_name), "\n".join(rows) + "\n",
              compress=features_name.endswith(".gz"))
        write(os.path.join(d, "barcodes.tsv.gz"), "\n".join(self.barcodes) + "\n",
              compress=True)
        return d

    def test_directory_names_rows_and_columns(self):
        d = self.make_dir("filtered_feature_bc_matrix")
        fit = self.fit(d, "-k", 3)
        self.assertEqual(fit.genes, self.symbols)
        self.assertEqual(fit.samples, self.barcodes)
        self.assertEqual(fit.summary["format"], "10x")
        self.assertEqual(fit.summary["nnz"], int((self.a != 0).sum()))
        self.assertLess(rel_error(self.a, fit.reconstruction()), 0.5)
        # The matrix file itself finds its name files too.
        fit = self.fit(os.path.join(d, "matrix.mtx.gz"), "-k", 3, prefix="m")
        self.assertEqual(fit.genes, self.symbols)
        # Default prefix: the directory's name.
        p = self.run_nmf("fit", d + "/", "-k", 2, "-q")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(self.path("filtered_feature_bc_matrix_W.tsv")))

    def test_cells_by_genes_with_transpose(self):
        d = self.make_dir("tenx")
        fit = self.fit(d, "-k", 3, "--transpose")
        self.assertEqual(fit.genes, self.barcodes)
        self.assertEqual(fit.samples, self.symbols)

    def test_cellranger2_genes_file_without_symbols(self):
        d = self.make_dir("v2", features_name="genes.tsv", symbols=False)
        self.assertEqual(self.fit(d, "-k", 2).genes, self.ids)

    def test_name_count_mismatch(self):
        d = self.make_dir("bad")
        write(os.path.join(d, "barcodes.tsv.gz"), "\n".join(self.barcodes[:-1]) + "\n",
              compress=True)
        self.assert_fails(["fit", d, "-k", 2], 1, "barcodes.tsv.gz", "has 14 names",
                          "15 columns")

    def test_directory_without_matrix(self):
        os.mkdir(self.path("empty"))
        self.assert_fails(["fit", self.path("empty"), "-k", 2], 1, "matrix.mtx")


class TestFactorFiles(CliTestCase):
    def setUp(self):
        super().setUp()
        self.w0, self.h0, self.a = planted()
        self.genes, self.samples = gene_names(M), sample_names(N)
        self.input = write(self.path("a.tsv"), table_text(self.a, self.genes, self.samples))
        factors = ["NMF%d" % (r + 1) for r in range(K)]
        # W0 with its genes in another order: matched by name.
        perm = np.random.default_rng(5).permutation(M)
        self.w_file = write(self.path("w0.tsv"), table_text(
            self.w0[perm], [self.genes[i] for i in perm], factors))
        self.h_file = write(self.path("h0.tsv"), table_text(
            self.h0, factors, self.samples, label="factor"))

    def test_fix_w_projects_onto_known_metagenes(self):
        fit = self.fit(self.input, "--fix-w", self.w_file)
        # A = W0 H0 exactly and W0 has full column rank: H = H0.
        np.testing.assert_allclose(fit.H, self.h0, rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(fit.W, self.w0)  # unchanged, input order
        np.testing.assert_array_equal(fit.d, np.ones(K))
        self.assertEqual(fit.summary["k"], K)  # taken from the file
        self.assertEqual(fit.summary["stop_reason"], "exact")
        self.assertEqual(fit.summary["fix_w"], self.w_file)

    def test_fix_h_solves_for_w(self):
        fit = self.fit(self.input, "--fix-h", self.h_file)
        np.testing.assert_allclose(fit.W, self.w0, rtol=1e-6, atol=1e-9)

    def test_user_starting_values(self):
        fit = self.fit(self.input, "--w-init", self.w_file, "--h-init", self.h_file,
                       "--maxit", 5)
        self.assertEqual(fit.summary["init"], "user")
        # Starting at the exact solution, the fit stays there.
        self.assertLess(rel_error(self.a, fit.reconstruction()), 1e-8)
        fit = self.fit(self.input, "-k", K, "--w-init", self.w_file, prefix="w")
        self.assertEqual(fit.summary["init"], "user")

    def test_rank_disagreement_is_a_usage_error(self):
        self.assert_fails(["fit", self.input, "-k", 2, "--fix-w", self.w_file], 2,
                          "has 3 factors", "rank is 2")

    def test_missing_gene(self):
        w = write(self.path("w_short.tsv"), table_text(
            self.w0[1:], self.genes[1:], ["NMF1", "NMF2", "NMF3"]))
        self.assert_fails(["fit", self.input, "--fix-w", w], 1, "w_short.tsv",
                          "'gene1'")

    def test_malformed_factor_file_names_its_line(self):
        w = write(self.path("w_bad.tsv"), "gene\tNMF1\ngene1\t0.5\ngene2\t-1\n")
        self.assert_fails(["fit", self.input, "--w-init", w], 1, "w_bad.tsv:3:",
                          "negative")


class TestMalformed(CliTestCase):
    """Every malformed input: exit status 1 and "FILE:LINE: reason"."""

    def check(self, name, content, fragments, compress=False, status=1):
        path = write(self.path(name), content, compress=compress)
        return self.assert_fails(["fit", path, "-k", 1], status, *fragments)

    def test_tables(self):
        ok = "gene\tS1\tS2\tS3\ng1\t1\t2\t3\ng2\t4\t5\t6\n"
        cases = [
            ("ragged.tsv", ok + "g3\t1\t2\n", ["ragged.tsv:4:", "expected 4 fields",
                                              "found 3"]),
            ("long_row.tsv", ok + "g3\t1\t2\t3\t4\n", ["long_row.tsv:4:", "found 5"]),
            ("first_row.tsv", "gene\tS1\tS2\ng1\t1\n", ["first_row.tsv:2:",
                                                       "expected 3 fields"]),
            ("text.tsv", ok + "g3\t1\tabc\t3\n", ["text.tsv:4:", "column 3",
                                                  "'S2'", "not a number", "'abc'"]),
            ("na.tsv", ok + "g3\t1\tNA\t3\n", ["na.tsv:4:", "column 3", "missing value",
                                               "--missing na"]),
            ("empty_cell.tsv", ok + "g3\t1\t\t3\n", ["empty_cell.tsv:4:", "empty cell"]),
            ("negative.tsv", ok + "g3\t1\t2\t-3.5\n", ["negative.tsv:4:", "column 4",
                                                       "negative value '-3.5'", "'g3'"]),
            ("nan.tsv", "gene\tS1\tS2\ng1\tnan\t1\n", ["nan.tsv:2:", "not finite"]),
            ("inf.tsv", "gene\tS1\tS2\ng1\t1\tInf\n", ["inf.tsv:2:", "not finite"]),
            ("huge.tsv", "gene\tS1\tS2\ng1\t1\t1e999\n", ["huge.tsv:2:", "too large"]),
            ("empty.tsv", "", ["empty.tsv: empty file"]),
            ("blank.tsv", "\n  \n", ["blank.tsv: empty file"]),
            ("header_only.tsv", "gene\tS1\tS2\n", ["header_only.tsv: no data rows"]),
            ("no_header.tsv", "g1\t1\t2\ng2\t3\t4\n", ["no_header.tsv:1:",
                                                      "missing header"]),
            ("one_column.tsv", "gene\ng1\n", ["one_column.tsv:1:", "no sample columns"]),
            ("latin1.tsv", b"gene\tS1\ng\xe9ne\t1\n", ["latin1.tsv:2:", "invalid UTF-8",
                                                     "0xE9"]),
            ("latin1_header.tsv", b"gene\tS\xff1\ng1\t1\n", ["latin1_header.tsv:1:",
                                                            "invalid UTF-8"]),
            ("nul.tsv", b"gene\tS1\ng\x001\t1\n", ["nul.tsv:2:", "control character"]),
            ("quote.csv", 'gene,S1\n"g1,1\n', ["quote.csv:2:", "unterminated quoted"]),
            ("no_name.tsv", "gene\tS1\n\t1\n", ["no_name.tsv:2:", "empty row name"]),
        ]
        for name, content, fragments in cases:
            with self.subTest(file=name):
                self.check(name, content, fragments)

    def test_truncated_gzip(self):
        w0, h0, a = planted(m=2000, n=20)
        data = gzip.compress(table_text(a, gene_names(2000), sample_names(20)).encode())
        self.check("cut.tsv.gz", data[: len(data) // 2], ["cut.tsv.gz", "truncated"])

    def test_very_long_lines(self):
        # A 60 kB gene name (within the 64 KiB field limit) and a 60k-column
        # row: no fixed-size line buffers.
        long_name = "g" * 60000
        text = "gene\tS1\tS2\n%s\t1\t2\ng2\t3\t5\n" % long_name
        fit = self.fit(write(self.path("longname.tsv"), text), "-k", 1)
        self.assertEqual(fit.genes[0], long_name)
        wide = 60000
        row = "\t".join(["1"] * wide)
        text = "gene\t" + "\t".join("c%d" % j for j in range(wide)) + "\n"
        text += "g1\t" + row + "\ng2\t" + row + "\ng3\t" + row[:-2] + "\n"
        self.check("wide.tsv", text, ["wide.tsv:4:", "expected 60001 fields",
                                      "found 60000"])

    def test_matrix_market(self):
        banner = "%%MatrixMarket matrix coordinate real general\n"
        cases = [
            ("nobanner.mtx", "3 3 1\n1 1 1\n", ["nobanner.mtx:1:",
                                                "not a Matrix Market file"]),
            ("pattern.mtx", "%%MatrixMarket matrix coordinate pattern general\n"
                            "2 2 1\n1 1\n", ["pattern.mtx:1:", "pattern"]),
            ("array.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n",
             ["array.mtx:1:", "array"]),
            ("symmetric.mtx", "%%MatrixMarket matrix coordinate real symmetric\n"
                              "2 2 1\n1 1 1\n", ["symmetric.mtx:1:", "symmetric"]),
            ("complex.mtx", "%%MatrixMarket matrix coordinate complex general\n"
                            "2 2 1\n1 1 1 0\n", ["complex.mtx:1:", "complex"]),
            ("short_banner.mtx", "%%MatrixMarket matrix coordinate\n2 2 1\n1 1 1\n",
             ["short_banner.mtx:1:", "malformed Matrix Market banner"]),
            ("size.mtx", banner + "% c\n2 two 1\n1 1 1\n", ["size.mtx:3:",
                                                           "malformed size line"]),
            ("nosize.mtx", banner + "% only comments\n", ["nosize.mtx: no size line"]),
            ("toomany.mtx", banner + "2 2 5\n", ["toomany.mtx:2:", "declares 5 entries"]),
            ("row.mtx", banner + "2 3 2\n1 1 1\n3 1 1\n", ["row.mtx:4:",
                                                          "row index 3 out of range 1..2"]),
            ("col.mtx", banner + "2 3 2\n1 1 1\n1 0 1\n", ["col.mtx:4:",
                                                          "column index 0 out of range"]),
            ("fewer.mtx", banner + "2 2 3\n1 1 1\n2 2 1\n", ["fewer.mtx: expected 3 entries",
                                                            "found 2"]),
            ("more.mtx", banner + "2 2 1\n1 1 1\n2 2 1\n", ["more.mtx:4:",
                                                           "more entries than the 1"]),
            ("dup.mtx", banner + "3 3 3\n1 1 1\n2 2 2\n1 1 3\n",
             ["dup.mtx:5:", "duplicate entry (1, 1)", "first given on line 3"]),
            ("neg.mtx", banner + "2 2 2\n1 1 1\n2 1 -2\n", ["neg.mtx:4:", "entry (2, 1)",
                                                           "negative value '-2'"]),
            ("nanv.mtx", banner + "2 2 1\n1 1 nan\n", ["nanv.mtx:3:", "not finite"]),
            ("fields.mtx", banner + "2 2 1\n1 1\n", ["fields.mtx:3:",
                                                    "expected 'ROW COLUMN VALUE'"]),
            ("index.mtx", banner + "2 2 1\n1.5 1 1\n", ["index.mtx:3:", "integers"]),
            ("empty.mtx", "", ["empty.mtx: empty file"]),
        ]
        for name, content, fragments in cases:
            with self.subTest(file=name):
                self.check(name, content, fragments)

    def test_duplicate_in_unsorted_gzip_mtx(self):
        text = ("%%MatrixMarket matrix coordinate integer general\n3 2 4\n"
                "3 2 1\n1 1 5\n2 2 1\n3 2 7\n")
        self.check("dup.mtx.gz", text, ["dup.mtx.gz:6:", "duplicate entry (3, 2)",
                                        "line 3"], compress=True)


def beta_divergence(a, y, beta):
    """Elementwise d_beta(a | y) (Fevotte & Idier 2011), reference in numpy."""
    if beta == 2:
        return 0.5 * (a - y) ** 2
    if beta == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / y), 0.0)
        return t - a + y
    if beta == 0:
        return a / y - np.log(a / y) - 1
    return (a ** beta + (beta - 1) * y ** beta - beta * a * y ** (beta - 1)) / (
        beta * (beta - 1))


class TestDivergence(CliTestCase):
    """--loss kl/beta, --solver mu/cd, --beta, --mu-eps, --missing."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(5)
        self.a = rng.poisson(2.0, size=(M, N)).astype(float)
        self.a[0, :] += 1
        self.input = write(self.path("counts.tsv"),
                           table_text(self.a, gene_names(M), sample_names(N)))

    def check_loss(self, fit, a, beta, mask=None):
        y = fit.reconstruction()
        mask = np.ones_like(a, dtype=bool) if mask is None else mask
        ref = beta_divergence(a[mask], y[mask], beta).sum()
        self.assertLess(abs(fit.summary["loss"] - ref) / ref, 1e-8)
        hist = fit.summary["loss_history"]
        for t in range(1, len(hist)):
            self.assertLessEqual(hist[t], hist[t - 1] * (1 + 1e-12))

    def test_kl_and_beta_losses(self):
        for args, beta, solver in (
                (["--loss", "kl", "--solver", "mu"], 1, "mu"),
                (["--loss", "kl"], 1, "mu"),
                (["--loss", "beta", "--beta", "0.5"], 0.5, "mu"),
                (["--loss", "beta", "--beta", "1.5", "--mu-eps", "1e-6"], 1.5, "mu")):
            with self.subTest(args=args):
                fit = self.fit(self.input, "-k", 3, "--maxit", 30, "--tol", 0,
                               "--threads", 1, *args)
                s = fit.summary
                self.assertEqual(s["loss_function"], args[1])
                self.assertEqual(s["solver"], solver)
                if args[1] == "beta":
                    self.assertEqual(s["beta"], beta)
                self.check_loss(fit, self.a, beta)
        s = self.fit(self.input, "-k", 2, "--maxit", 2, "--loss", "kl",
                     "--mu-eps", "1e-9").summary
        self.assertEqual(s["mu_eps"], 1e-9)

    def test_missing_cells_of_a_table(self):
        text = table_text(self.a, gene_names(M), sample_names(N)).splitlines()
        missing = np.zeros_like(self.a, dtype=bool)
        for i, j, token in ((2, 3, "NA"), (5, 0, ""), (7, 7, "NaN")):
            cells = text[i + 1].split("\t")
            cells[j + 1] = token
            text[i + 1] = "\t".join(cells)
            missing[i, j] = True
        path = write(self.path("holes.tsv"), "\n".join(text) + "\n")
        self.assert_fails(["fit", path, "-k", "2"], 1, "--missing na")
        fit = self.fit(path, "-k", 3, "--loss", "kl", "--missing", "na",
                       "--maxit", 30, "--tol", 0, "--threads", 1)
        self.assertEqual(fit.summary["missing"], "na")
        self.check_loss(fit, np.where(missing, 0.0, self.a), 1, ~missing)

    def test_unstored_entries_of_matrix_market(self):
        path = write(self.path("counts.mtx"), mtx_text(self.a))
        fit = self.fit(path, "-k", 3, "--loss", "kl", "--solver", "mu",
                       "--missing", "unstored", "--maxit", 30, "--tol", 0)
        self.check_loss(fit, self.a, 1, self.a != 0)
        full = self.fit(path, "-k", 3, "--loss", "kl", "--solver", "mu",
                        "--maxit", 30, "--tol", 0, prefix="full")
        self.check_loss(full, self.a, 1)

    def test_library_rejects_bad_pairings(self):
        mtx = write(self.path("counts.mtx"), mtx_text(self.a))
        for args, fragment in (
                ([self.input, "--loss", "kl", "--solver", "hals"], "solver hals"),
                ([self.input, "--solver", "cd"], "solver cd"),
                ([self.input, "--loss", "beta", "--beta", "0"], "positive"),
                ([mtx, "--missing", "na"], "NMF_MISSING_NAN"),
                ([self.input, "--missing", "unstored"], "NMF_MISSING_UNSTORED"),
                ([self.input, "--loss", "kl", "--extrapolation", "on"],
                 "extrapolation is not available with solver mu (auto"),
                ([self.input, "--loss", "beta", "--beta", "1.5", "--sparse-h", "0.1"],
                 "sparse_h (sparse NMF) is not available with solver mu")):
            with self.subTest(args=args):
                self.assert_fails(["fit"] + args + ["-k", "2", "--out",
                                                    self.path("x")], 3, fragment)


class TestSolvers(CliTestCase):
    """--solver, --extrapolation, sparse NMF, nsNMF and --missing."""

    def setUp(self):
        super().setUp()
        self.w0, self.h0, self.a = planted()
        self.input = write(self.path("planted.tsv"),
                           table_text(self.a, gene_names(M), sample_names(N)))

    def test_solvers_recover_the_planted_matrix(self):
        for solver in ("hals", "anls"):
            for ex in ("off", "on"):
                with self.subTest(solver=solver, extrapolation=ex):
                    fit = self.fit(self.input, "-k", K, "--solver", solver,
                                   "--extrapolation", ex, "--maxit", 2000,
                                   "--tol", 1e-12, prefix=solver + ex)
                    s = fit.summary
                    self.assertEqual(s["solver"], solver)
                    self.assertEqual(s["extrapolation"], ex)
                    self.assertLess(rel_error(self.a, fit.reconstruction()), 1e-3)
                    h = s["loss_history"]
                    self.assertTrue(all(b <= a * (1 + 1e-9) + 1e-12
                                        for a, b in zip(h, h[1:])))

    def test_sketch_warm_start(self):
        # On: the sketch's rank and iterations reach the summary and the fit
        # still recovers A; off: none.  A sketch with KL is refused.
        fit = self.fit(self.input, "-k", K, "--sketch", "on", "--sketch-rank",
                       7, "--maxit", 2000, "--tol", 1e-12, prefix="sk")
        s = fit.summary
        self.assertEqual((s["sketch_requested"], s["sketch_rank"]), ("on", 7))
        self.assertGreater(s["sketch_iterations"], 0)
        self.assertEqual(len(s["loss_history"]), s["iterations"])
        self.assertLess(rel_error(self.a, fit.reconstruction()), 1e-3)
        off = self.fit(self.input, "-k", K, "--sketch", "off", "--maxit", 5,
                       prefix="skoff").summary
        self.assertEqual((off["sketch_rank"], off["sketch_iterations"]), (0, 0))
        self.assert_fails(["fit", self.input, "-k", K, "--loss", "kl",
                           "--sketch", "on"], 3, "sketch is not available")

    def test_sparse_and_smoothing_options_reach_the_summary(self):
        fit = self.fit(self.input, "-k", K, "--sparse-h", 0.01, "--l2-w", 1,
                       "--ns-theta", 0.2, "--extrap-beta0", 0.3,
                       "--extrap-eta", 2, "--extrap-gamma", 1.1,
                       "--extrap-gamma-bar", 1.02, "--maxit", 20)
        # The summary's option values are those the library read
        # (nmf_result.options_used), not the parsed arguments: a value
        # lost on the way to the library shows here as its default.
        s = fit.summary
        self.assertEqual((s["sparse_h"], s["sparse_w"], s["ns_theta"], s["l2_w"]),
                         (0.01, 0, 0.2, 1))
        self.assertEqual((s["extrap_beta0"], s["extrap_eta"], s["extrap_gamma"],
                          s["extrap_gamma_bar"]), (0.3, 2, 1.1, 1.02))
        self.assertEqual(s["maxit"], 20)
        self.assertTrue((fit.W >= 0).all() and (fit.H >= 0).all())
        # And they took effect: the same start without them ends elsewhere.
        plain = self.fit(self.input, "-k", K, "--maxit", 20, prefix="plain")
        self.assertEqual((plain.summary["sparse_h"], plain.summary["ns_theta"]), (0, 0))
        self.assertFalse(np.allclose(fit.W, plain.W))

    def test_na_cells_are_missing_values(self):
        a = self.a.copy()
        text = table_text(a, gene_names(M), sample_names(N)).splitlines()
        # Blank out a few cells as NA (row r, sample c) and fit without them.
        holes = [(2, 1), (5, 7), (17, 3), (30, 11)]
        rows = [line.split("\t") for line in text]
        for r, c in holes:
            rows[r + 1][c + 1] = "NA"
        path = write(self.path("holes.tsv"), "\n".join("\t".join(x) for x in rows) + "\n")
        self.assert_fails(["fit", path, "-k", K], 1, "missing value")
        fit = self.fit(path, "-k", K, "--missing", "na", "--maxit", 3000, "--tol", 1e-13)
        self.assertEqual(fit.summary["missing"], "na")
        self.assertEqual(fit.summary["solver"], "anls")
        # The planted matrix is exactly rank K: the missing cells are
        # predicted from the rest.
        rec = fit.reconstruction()
        for r, c in holes:
            self.assertAlmostEqual(rec[r, c], a[r, c], delta=1e-3 * a.max())

    def test_unstored_entries_are_missing(self):
        a = self.a.copy()
        rng = np.random.default_rng(3)
        hidden = rng.uniform(size=a.shape) < 0.2
        b = np.where(hidden, 0.0, a)
        path = write(self.path("obs.mtx"), mtx_text(b))
        fit = self.fit(path, "-k", K, "--missing", "unstored", "--maxit", 3000,
                       "--tol", 1e-13)
        self.assertEqual(fit.summary["missing"], "unstored")
        rec = fit.reconstruction()
        # The hidden entries are predicted (not fitted as zeros).
        self.assertLess(np.abs(rec - a)[hidden].max(), 1e-2 * a.max())

    def test_invalid_combinations_are_library_errors(self):
        self.assert_fails(["fit", self.input, "-k", K, "--missing", "unstored"], 3,
                          "NMF_MISSING_UNSTORED")

    def test_option_bounds_are_the_librarys(self):
        # Values outside the bounds the library describes are usage errors
        # (exit 2) that state those bounds, before any input is read.
        self.assert_fails(["fit", self.input, "-k", K, "--extrap-eta", "0.5"], 2,
                          "--extrap-eta: must be > 1")
        self.assert_fails(["fit", self.input, "-k", K, "--ns-theta", "2"], 2,
                          "--ns-theta: must be in [0, 1]")
        self.assert_fails(["fit", self.input, "-k", K, "--hals-delta", "1"], 2,
                          "--hals-delta: must be in [0, 1)")
        self.assert_fails(["fit", self.input, "-k", K, "--beta", "inf"], 2,
                          "--beta: expected a finite number")


class TestInterrupt(CliTestCase):
    def test_sigint_writes_last_iterate_and_exits_130(self):
        rng = np.random.default_rng(2)
        a = rng.uniform(0, 1, size=(300, 100))
        path = write(self.path("noise.tsv"), table_text(a, gene_names(300),
                                                        sample_names(100)))
        prefix = self.path("int")
        proc = subprocess.Popen([NMF, "fit", path, "-k", "8", "--tol", "0",
                                 "--maxit", "2000000000", "-o", prefix],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(1.5)  # reading takes milliseconds; then it fits "forever"
        self.assertIsNone(proc.poll(), "the fit ended before the interrupt")
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("interrupted", err)
        fit = Fit(prefix)
        s = fit.summary
        self.assertEqual(s["stop_reason"], "cancelled")
        self.assertGreater(s["iterations"], 0)
        self.assertEqual(len(s["loss_history"]), s["iterations"])
        self.assertEqual(fit.W.shape, (300, 8))
        self.assertTrue((fit.W >= 0).all())
        self.assertAlmostEqual(rel_error(a, fit.reconstruction()), s["rel_error"],
                               delta=1e-9)


def grouped(groups=3, per=6, genes=8, noise=0.2, seed=5):
    """Samples in groups, each expressing its own block of genes."""
    rng = np.random.default_rng(seed)
    n = groups * per
    a = rng.uniform(0, noise, size=(genes * groups, n))
    for j in range(n):
        g = j % groups
        a[g * genes:(g + 1) * genes, j] += rng.uniform(0.5, 1.5, size=genes)
    return a, [j % groups for j in range(n)]


def same_partition(a, b):
    pairs = set(zip(a, b))
    return len(pairs) == len(set(a)) == len(set(b))


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return [line.split("\t") for line in lines]


class TestRank(CliTestCase):
    def setUp(self):
        super().setUp()
        self.a, self.groups = grouped()
        n = self.a.shape[1]
        self.input = write(self.path("x.tsv"),
                           table_text(self.a, gene_names(self.a.shape[0]), sample_names(n)))

    def test_survey_table_consensus_and_membership(self):
        p = self.run_nmf("rank", self.input, "-k", "2:4", "--nrun", "8", "--randomize",
                         "--seed", "3", "--out", self.path("r"), "--quiet")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = read_rows(self.path("r_rank.tsv"))
        self.assertEqual(rows[0][:3], ["data", "k", "nrun"])
        data = [r for r in rows[1:] if r[0] == "data"]
        rand = [r for r in rows[1:] if r[0] == "randomized"]
        self.assertEqual([int(r[1]) for r in data], [2, 3, 4])
        self.assertEqual([int(r[1]) for r in rand], [2, 3, 4])
        col = rows[0].index("evar")
        for d, r in zip(data, rand):
            self.assertEqual(int(d[2]), 8)
            self.assertLess(float(r[col]), float(d[col]))
        n = self.a.shape[1]
        for k in (2, 3, 4):
            header, names, c = read_table(self.path("r_consensus_k%d.tsv" % k))
            self.assertEqual(header[1:], sample_names(n))
            self.assertEqual(c.shape, (n, n))
            self.assertTrue(np.allclose(c, c.T))
            self.assertTrue(np.all(np.diag(c) == 1))
            # Every entry is a fraction of the 8 runs.
            self.assertTrue(np.allclose(c * 8, np.round(c * 8)))
        # Dispersion from its formula on the matrix written.
        _, _, c3 = read_table(self.path("r_consensus_k3.tsv"))
        disp = float(data[1][rows[0].index("dispersion")])
        self.assertAlmostEqual(disp, np.mean(4 * (c3 - 0.5) ** 2), places=12)
        header, names, m = read_table(self.path("r_membership.tsv"))
        self.assertEqual(header, ["sample", "k2", "k3", "k4"])
        self.assertTrue(same_partition(list(m[:, 1]), self.groups))

    def test_consensus_one_rank(self):
        p = self.run_nmf("consensus", self.input, "-k", "3", "--nrun", "6",
                         "--out", self.path("c"), "--quiet", "--threads", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        header, names, m = read_table(self.path("c_membership.tsv"))
        self.assertEqual(header, ["sample", "cluster", "best_run_cluster", "silhouette"])
        self.assertTrue(same_partition(list(m[:, 0]), self.groups))
        _, _, w = read_table(self.path("c_W.tsv"))
        _, _, h = read_table(self.path("c_H.tsv"))
        self.assertLess(rel_error(self.a, w @ h), 0.3)
        # The same with one thread: identical files.
        p = self.run_nmf("consensus", self.input, "-k", "3", "--nrun", "6",
                         "--out", self.path("c1"), "--quiet", "--threads", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        for suffix in ("_consensus.tsv", "_membership.tsv", "_W.tsv"):
            with open(self.path("c" + suffix)) as f1, open(self.path("c1" + suffix)) as f2:
                self.assertEqual(f1.read(), f2.read(), suffix)

    def test_cv_writes_errors_and_suggestion(self):
        p = self.run_nmf("rank", self.input, "-k", "1,2,3", "--nrun", "2", "--cv",
                         "--out", self.path("v"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("bi-cross-validation suggests k = ", p.stderr)
        header, ks, err = read_table(self.path("v_rank_cv.tsv"))
        self.assertEqual(header, ["k", "heldout_error"])
        self.assertEqual(ks, ["1", "2", "3"])
        suggested = int(p.stderr.split("suggests k = ")[1].split()[0])
        self.assertEqual(suggested, int(ks[int(np.argmin(err[:, 0]))]))

    def test_cv_of_matrix_market_matches_the_table(self):
        # Sparse data: the grouped blocks with most of the background zero.
        rng = np.random.default_rng(9)
        a = self.a * (rng.uniform(size=self.a.shape) < 0.15)
        for j in range(a.shape[1]):
            g = self.groups[j]
            a[g * 8:(g + 1) * 8, j] = self.a[g * 8:(g + 1) * 8, j]
        self.assertLess(np.mean(a != 0), 0.5)
        rows, cols = gene_names(a.shape[0]), sample_names(a.shape[1])
        tsv = write(self.path("s.tsv"), table_text(a, rows, cols))
        mtx = write(self.path("s.mtx"), mtx_text(a))
        out = {}
        for name, path, extra in (("tsv", tsv, []), ("mtx", mtx, []),
                                  ("tsv_f", tsv, ["--float"]), ("mtx_f", mtx, ["--float"])):
            # --tol 1e-7: at the default 1e-5 one fold's HALS fit stops on a
            # plateau short of its optimum (held-out error 0.20 instead of
            # 0.036), enough to move the smallest error from k = 3 to 4.
            p = self.run_nmf("rank", path, "-k", "1:4", "--nrun", "1", "--cv", "--cv-reps", "2",
                             "--seed", "4", "--threads", "2", "--tol", "1e-7",
                             "--out", self.path(name), *extra)
            self.assertEqual(p.returncode, 0, p.stderr)
            header, ks, err = read_table(self.path(name + "_rank_cv.tsv"))
            self.assertEqual(ks, ["1", "2", "3", "4"])
            suggested = int(p.stderr.split("suggests k = ")[1].split()[0])
            out[name] = (err[:, 0], suggested)
        # The sparse input is cross-validated as CSC with the same splits and
        # seeds: the same errors as the dense table, to rounding.
        np.testing.assert_allclose(out["mtx"][0], out["tsv"][0], rtol=1e-10, atol=0)
        self.assertEqual(out["mtx"][1], out["tsv"][1])
        # In float the two paths' sums round differently and the fits, which
        # stop on the tolerance, amplify it a little.
        np.testing.assert_allclose(out["mtx_f"][0], out["tsv_f"][0], rtol=1e-3, atol=0)
        # Three groups of samples, three blocks of genes.
        self.assertEqual(out["mtx"][1], 3)

    def test_bad_arguments(self):
        self.assert_fails(["rank", self.input, "-k", "5:2"], 2, "-k", "empty")
        self.assert_fails(["rank", self.input, "--nrun", "3"], 2, "missing -k")
        self.assert_fails(["rank", self.input, "-k", "2:3", "--nrun", "0"], 2, "--nrun")
        self.assert_fails(["rank", self.input, "-k", "2,40"], 2, "k = 40 exceeds min(m, n)")
        self.assert_fails(["consensus", self.input, "-k", "2:3"], 2, "one rank")
        self.assert_fails(["rank", self.input, "-k", "2:3", "--init", "nndsvd"], 2,
                          "deterministic")
        self.assert_fails(["rank", self.input, "-k", "2", "--fix-w", "w.tsv"], 2, "--fix-w")
        self.assert_fails(["rank", self.input, "-k", "10", "--cv"], 3, "rank 10 exceeds")

    def test_help(self):
        for cmd in ("rank", "consensus"):
            p = self.run_nmf(cmd, "--help")
            self.assertEqual(p.returncode, 0)
            self.assertIn("Usage: nmf " + cmd, p.stdout)
        p = self.run_nmf("--help")
        self.assertIn("rank", p.stdout)
        self.assertIn("consensus", p.stdout)


class TestNames(CliTestCase):
    """Duplicate row or column names: a warning naming the first duplicate
    and both positions (in the file's terms), or with --strict-names an
    error with nothing written."""

    def table(self, rows, cols, name="x.tsv"):
        a = planted(m=len(rows), n=len(cols))[2]
        write(self.path(name), table_text(a, rows, cols))
        return name  # relative to the directory nmf runs in, as messages show it

    def warnings(self, stderr):
        return [line for line in stderr.splitlines() if line.startswith("nmf: warning: ")]

    def test_duplicate_row_name_warns_and_fits(self):
        rows = gene_names(M)
        rows[2] = rows[0]  # gene1 at rows 1 and 3
        path = self.table(rows, sample_names(N))
        p = self.run_nmf("fit", path, "-k", "2", "-q", "-o", self.path("o"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.warnings(p.stderr),
                         ["nmf: warning: x.tsv: row name 'gene1' appears twice (rows 1 and 3) "
                          "(--strict-names makes this an error)"])
        _, genes, _ = read_table(self.path("o_W.tsv"))
        self.assertEqual(genes, rows)

    def test_duplicate_column_name_first_repeat_and_count(self):
        cols = sample_names(N)
        cols[5] = cols[3]          # S4 at columns 4, 6 and 9
        cols[8] = cols[3]
        cols[11] = cols[1]         # S2 at columns 2 and 12: a second repeated name
        path = self.table(gene_names(M), cols)
        p = self.run_nmf("fit", path, "-k", "2", "-q", "-o", self.path("o"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.warnings(p.stderr),
                         ["nmf: warning: x.tsv: column name 'S4' appears 3 times (first "
                          "columns 4 and 6), and 1 other name repeats "
                          "(--strict-names makes this an error)"])

    def test_positions_are_the_files_with_transpose(self):
        rows = gene_names(M)
        rows[9] = rows[4]
        path = self.table(rows, sample_names(N))
        p = self.run_nmf("fit", path, "-k", "2", "-q", "--transpose", "-o", self.path("o"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("x.tsv: row name 'gene5' appears twice (rows 5 and 10)", p.stderr)

    def test_unique_names_give_no_warning(self):
        path = self.table(gene_names(M), sample_names(N))
        p = self.run_nmf("fit", path, "-k", "2", "-o", self.path("o"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.warnings(p.stderr), [])

    def test_strict_names_is_an_error_and_writes_nothing(self):
        cols = sample_names(N)
        cols[6] = cols[0]
        path = self.table(gene_names(M), cols)
        for command in (["fit", path, "-k", "2"], ["rank", path, "-k", "2:3", "--nrun", "2"],
                        ["consensus", path, "-k", "2", "--nrun", "2"]):
            with self.subTest(command=command[0]):
                out = os.path.join(self.dir, "out_" + command[0])
                os.makedirs(out)
                self.assert_fails(command + ["--strict-names", "-o", os.path.join(out, "r")],
                                  1, "x.tsv: column name 'S1' appears twice (columns 1 and 7)",
                                  "--strict-names")
                self.assertEqual(os.listdir(out), [])

    def test_rank_warns_too(self):
        rows = gene_names(M)
        rows[5] = rows[1]
        path = self.table(rows, sample_names(N))
        p = self.run_nmf("rank", path, "-k", "2", "--nrun", "2", "-q", "-o", self.path("r"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("x.tsv: row name 'gene2' appears twice (rows 2 and 6)", p.stderr)

    def test_10x_name_files(self):
        d = self.path("tenx")
        os.makedirs(d)
        a = planted(m=6, n=5)[2]
        write(os.path.join(d, "matrix.mtx"), mtx_text(a))
        symbols = ["A", "B", "C", "B", "D", "E"]  # two features, one symbol
        write(os.path.join(d, "features.tsv"),
              "".join("ENSG%d\t%s\tGene Expression\n" % (i, g) for i, g in enumerate(symbols)))
        write(os.path.join(d, "barcodes.tsv"), "".join("C%d\n" % j for j in range(5)))
        p = self.run_nmf("fit", d, "-k", "2", "-q", "-o", self.path("o"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("features.tsv: row name 'B' appears twice (rows 2 and 4)", p.stderr)
        self.assert_fails(["fit", d, "-k", "2", "--strict-names", "-o", self.path("s")], 1,
                          "features.tsv: row name 'B' appears twice")
        self.assertFalse(os.path.exists(self.path("s_W.tsv")))


if __name__ == "__main__":
    require_all.main()
