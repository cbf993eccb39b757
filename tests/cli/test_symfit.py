#!/usr/bin/env python3
"""Tests of `nmf symfit` (symmetric NMF of a network).

NMF_CLI names the nmf executable (CTest sets it).  Every graph is generated
here from planted blocks, so the right communities are known; the loss in
the summary is recomputed from the H written.
"""

import gzip
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np

NMF = os.environ.get("NMF_CLI", "nmf")


def planted(n=60, blocks=3, pin=0.6, pout=0.02, seed=3):
    rng = np.random.default_rng(seed)
    label = np.arange(n) * blocks // n
    p = np.where(label[:, None] == label[None, :], pin, pout)
    upper = np.triu(rng.random((n, n)) < p, 1)
    a = (upper | upper.T).astype(float)
    return a, label


def names_for(n):
    return ["node_%s" % chr(ord("a") + i % 26) + str(i) for i in range(n)]


def edge_text(a, names, both=False, weights=False, comment=True):
    lines = ["# an undirected graph"] if comment else []
    n = a.shape[0]
    for j in range(n):
        for i in range(j):
            if a[i, j]:
                w = "\t%r" % a[i, j] if weights else ""
                lines.append("%s\t%s%s" % (names[j], names[i], w))
                if both:
                    lines.append("%s %s%s" % (names[i], names[j], w.replace("\t", " ")))
    return "\n".join(lines) + "\n"


def mtx_text(a, symmetric):
    entries = [(i + 1, j + 1, a[i, j]) for j in range(a.shape[1])
               for i in range(a.shape[0])
               if a[i, j] and (not symmetric or i >= j)]
    head = "%%%%MatrixMarket matrix coordinate real %s\n%d %d %d\n" % (
        "symmetric" if symmetric else "general", a.shape[0], a.shape[1], len(entries))
    return head + "".join("%d %d %r\n" % e for e in entries)


def run(*args):
    return subprocess.run([NMF, "symfit", *args], capture_output=True, text=True)


def read_tsv(path):
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    return rows[0], rows[1:]


def same_partition(a, b):
    """Whether two labelings are equal up to renaming the labels."""
    pairs = set(zip(a, b))
    return len(pairs) == len(set(a)) == len(set(b))


class TestSymfit(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, gz=False):
        p = self.path(name)
        with (gzip.open(p, "wt") if gz else open(p, "w")) as f:
            f.write(text)
        return p

    def fit(self, inp, prefix, *extra):
        r = run(inp, "-k", "3", "-o", self.path(prefix), "-q", *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        head, rows = read_tsv(self.path(prefix + "_H.tsv"))
        names = [r[0] for r in rows]
        H = np.array([[float(v) for v in r[1:]] for r in rows])
        _, mem = read_tsv(self.path(prefix + "_memberships.tsv"))
        with open(self.path(prefix + "_summary.json")) as f:
            summary = json.load(f)
        return names, H, mem, summary, head

    def test_planted_communities_names_and_loss(self):
        a, label = planted()
        names = names_for(60)
        inp = self.write("g.tsv", edge_text(a, names))
        got_names, H, mem, s, head = self.fit(inp, "out")
        self.assertEqual(head, ["node", "H1", "H2", "H3"])
        # Nodes in order of first appearance in the file, names kept.
        order = []
        for line in edge_text(a, names).splitlines()[1:]:
            for v in line.split("\t"):
                if v not in order:
                    order.append(v)
        self.assertEqual(got_names, order)
        self.assertEqual([m[0] for m in mem], order)
        idx = [names.index(v) for v in order]
        self.assertTrue((H >= 0).all())
        community = [int(m[1]) for m in mem]
        self.assertEqual(community, list(np.argmax(H, axis=1) + 1))
        self.assertTrue(same_partition(community, list(label[idx])))
        A = a[np.ix_(idx, idx)]
        loss = np.sum((A - H @ H.T) ** 2)
        self.assertAlmostEqual(s["loss"] / loss, 1.0, places=6)
        self.assertAlmostEqual(s["rel_error"], np.sqrt(loss / np.sum(A ** 2)), places=6)
        self.assertEqual(s["nodes"], 60)
        self.assertEqual(s["edges"], int(a.sum() / 2))
        self.assertEqual(s["isolated"], 0)
        self.assertEqual(sorted(s["community_sizes"]), sorted(np.bincount(label).tolist()))

    def test_formats_agree(self):
        a, _ = planted(seed=5)
        names = [str(i + 1) for i in range(60)]
        # Both directions with weights, gzip: the same graph as one direction.
        one = self.fit(self.write("one.tsv", edge_text(a, names)), "one")
        both = self.fit(self.write("both.tsv.gz", edge_text(a, names, both=True, weights=True),
                                   gz=True), "both")
        np.testing.assert_array_equal(one[1], both[1])
        sym = self.fit(self.write("s.mtx", mtx_text(a, True)), "sym")
        gen = self.fit(self.write("g.mtx", mtx_text(a, False)), "gen")
        np.testing.assert_array_equal(sym[1], gen[1])
        self.assertEqual(sym[0], names)
        # The same graph with nodes in another order: the same fit, permuted.
        idx = [int(v) - 1 for v in one[0]]
        self.assertTrue(same_partition([m[1] for m in one[2]],
                                       [sym[2][i][1] for i in idx]))

    def test_threads_give_identical_files(self):
        a, _ = planted(n=400, blocks=4, pin=0.2, pout=0.01)
        inp = self.write("g.tsv", edge_text(a, names_for(400)))
        self.fit(inp, "t1", "--threads", "1")
        self.fit(inp, "t2", "--threads", "2")
        for suffix in ("_H.tsv", "_memberships.tsv"):
            with open(self.path("t1" + suffix)) as f1, open(self.path("t2" + suffix)) as f2:
                self.assertEqual(f1.read(), f2.read())

    def test_isolated_nodes_and_self_loops(self):
        a, _ = planted()
        names = names_for(60)
        text = edge_text(a, names) + "loner1\tloner2\t0\n%s\t%s\t1\n" % (names[0], names[0])
        _, H, mem, s, _ = self.fit(self.write("g.tsv", text), "out")
        rows = {m[0]: m[1] for m in mem}
        self.assertEqual(rows["loner1"], "NA")
        self.assertEqual(rows["loner2"], "NA")
        self.assertEqual(s["isolated"], 2)
        self.assertEqual(s["self_loops"], 1)
        self.assertEqual(s["nodes"], 62)
        self.assertTrue((H[-2:] == 0).all())

    def assert_fails(self, inp, status, *needles, k="3"):
        prefix = self.path("bad")
        r = run(inp, "-k", k, "-o", prefix)
        self.assertEqual(r.returncode, status, r.stderr)
        for needle in needles:
            self.assertIn(needle, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertFalse([f for f in os.listdir(self.dir) if f.startswith("bad")])

    def test_errors_write_nothing(self):
        a, _ = planted()
        names = names_for(60)
        ok = edge_text(a, names, comment=False).splitlines()
        first = ok[0].split("\t")
        conflicting = "\n".join(ok) + "\n%s\t%s\t2\n" % (first[1], first[0])
        self.assert_fails(self.write("w.tsv", conflicting), 1, "has weight 1",
                          "in the other direction", "w.tsv:%d:" % (len(ok) + 1))
        dup = "\n".join(ok + [ok[3]]) + "\n"
        self.assert_fails(self.write("d.tsv", dup), 1, "listed twice")
        self.assert_fails(self.write("n.tsv", "a b -1\n"), 1, "n.tsv:1:", "weight")
        self.assert_fails(self.write("f.tsv", "a b 1 x\n"), 1, "FROM TO [WEIGHT]")
        b = a.copy()
        b[4, 9] = 0.5
        b[9, 4] = 0.0
        self.assert_fails(self.write("asym.mtx", mtx_text(b, False)), 3,
                          "not symmetric", "A[5, 10]")
        self.assert_fails(self.write("g.tsv", edge_text(a, names)), 3,
                          "exceeds the number of nodes", k="61")
        self.assert_fails(self.path("missing.tsv"), 1, "missing.tsv")
        r = run(self.path("g.tsv"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("-k K is required", r.stderr)

    def test_help(self):
        r = subprocess.run([NMF, "symfit", "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        for needle in ("PREFIX_memberships.tsv", "--seed", "--threads", "self-loop",
                       "isolated"):
            self.assertIn(needle, r.stdout)
        r = subprocess.run([NMF, "--help"], capture_output=True, text=True)
        self.assertIn("symfit", r.stdout)


if __name__ == "__main__":
    unittest.main()
