"""bench/machine.py (what every benchmark table records about its machine)
and report.update_readme (one results section per CPU kind in
bench/README.md), against files written by the test and the libnmf.so of
NMFKIT_LIBRARY."""
import ctypes
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
sys.path.insert(0, os.path.join(HERE, ".."))
import machine  # noqa: E402
import report  # noqa: E402
import require_all  # noqa: E402

LIB = os.environ.get("NMFKIT_LIBRARY")


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def read(self, path):
        with open(path) as f:
            return f.read()


class ProcFiles(Files):
    def test_cpu_model_is_the_first_model_name(self):
        path = self.write("cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                          "model name\t: AMD EPYC 9R14 96-Core Processor\n\n"
                          "processor\t: 1\nmodel name\t: Other\n")
        self.assertEqual(machine.cpu_model(path), "AMD EPYC 9R14 96-Core Processor")
        self.assertEqual(machine.cpu_model(self.write("c2", "processor : 0\n")),
                         "unrecorded")
        self.assertEqual(machine.cpu_model(os.path.join(self.dir.name, "none")),
                         "unrecorded")

    def test_load_is_the_first_field(self):
        path = self.write("loadavg", "3.17 2.50 1.00 3/812 4242\n")
        self.assertEqual(machine.load1(path), 3.17)
        self.assertIsNone(machine.load1(self.write("bad", "")))

    def test_idle_when_no_load_beyond_the_run_threads(self):
        rec = {"threads": 2, "load_start": 0.3, "load_end": 2.5}
        self.assertTrue(machine.idle(rec))
        rec["load_end"] = 2.51
        self.assertFalse(machine.idle(rec))
        rec = {"threads": 1, "load_start": 1.6, "load_end": 0.9}
        self.assertFalse(machine.idle(rec))
        rec["load_start"] = None
        self.assertIsNone(machine.idle(rec))

    def test_start_finish_and_header(self):
        cpu = self.write("cpuinfo", "model name\t: Test CPU 3000\n")
        rec = machine.start(2, lib=None, cpuinfo=cpu,
                            loadavg=self.write("l0", "0.40 0 0 1/1 1\n"))
        self.assertEqual(rec["load_start"], 0.4)
        line = machine.header(rec)
        self.assertIn("**Test CPU 3000**", line)
        self.assertIn("0.40 at start (the end follows", line)
        machine.finish(rec, loadavg=self.write("l1", "7.25 0 0 1/1 1\n"))
        self.assertFalse(rec["idle"])
        line = machine.header(rec)
        self.assertIn("0.40 at start, 7.25 at end (busy", line)
        self.assertIn("2 threads", line)
        self.assertIn("SIMD path (`nmf_simd_path()`): **unrecorded**", line)
        self.assertEqual(machine.cpu_kind(rec),
                         "Test CPU 3000 · SIMD unrecorded · OpenBLAS unrecorded")

    def test_find_library(self):
        old = os.environ.pop("NMFKIT_LIBRARY", None)
        try:
            build = os.path.join(self.dir.name, "build")
            os.makedirs(os.path.join(build, "cli"))
            want = os.path.join(build, "capi", "libnmf.so")
            self.assertEqual(machine.find_library(build), want)
            self.assertEqual(machine.find_library(os.path.join(build, "cli", "nmf")),
                             want)
            os.environ["NMFKIT_LIBRARY"] = "/x/libnmf.so"
            self.assertEqual(machine.find_library(build), "/x/libnmf.so")
        finally:
            if old is None:
                os.environ.pop("NMFKIT_LIBRARY", None)
            else:
                os.environ["NMFKIT_LIBRARY"] = old


@unittest.skipUnless(LIB, "NMFKIT_LIBRARY is not set")
class Library(unittest.TestCase):
    def test_reports_what_the_library_says(self):
        env = dict(os.environ)
        env.pop("OPENBLAS_CORETYPE", None)
        info = machine.library_info(LIB, env)
        self.assertIn(info["simd_path"], ("avx512f", "avx2", "default"))
        lib = ctypes.CDLL(LIB)
        lib.nmf_simd_path.restype = ctypes.c_char_p
        self.assertEqual(info["simd_path"], lib.nmf_simd_path().decode())
        if info["blas_core"] and os.uname().machine == "x86_64":
            # The probe runs under the environment given: OpenBLAS obeys
            # OPENBLAS_CORETYPE there, whatever this process has.
            env["OPENBLAS_CORETYPE"] = "Prescott"
            self.assertEqual(machine.library_info(LIB, env)["blas_core"],
                             "Prescott")

    def test_missing_library_is_unrecorded(self):
        info = machine.library_info("/nonexistent/libnmf.so", dict(os.environ))
        self.assertEqual(info["simd_path"], "unrecorded")
        self.assertEqual(info["blas_core"], "unrecorded")


class Readme(Files):
    TEXT = ("# Benchmarks\n\nintro\n\n## Results by CPU\n\n"
            "### CPU A · SIMD avx2 · OpenBLAS Zen\n\nnotes on A\n\n"
            "<!-- results: CPU A · SIMD avx2 · OpenBLAS Zen -->\n\nold A table\n\n"
            "<!-- /results: CPU A · SIMD avx2 · OpenBLAS Zen -->\n\n"
            "#### an older rerun on A\n\nkept\n\n" + report.NEW_CPU +
            "\n\n## KL\n\nother section\n")

    def test_replaces_only_its_own_cpu_table(self):
        path = self.write("README.md", self.TEXT)
        self.assertTrue(report.update_readme(
            path, "new A table\n", "CPU A · SIMD avx2 · OpenBLAS Zen", "bash run"))
        text = self.read(path)
        self.assertNotIn("old A table", text)
        self.assertEqual(text.count("new A table"), 1)
        self.assertEqual(text.replace("`bash run`\n\nnew A table\n", "old A table\n"),
                         self.TEXT)

    def test_a_new_cpu_gets_its_own_section(self):
        path = self.write("README.md", self.TEXT)
        kind = "CPU B · SIMD avx512f · OpenBLAS SkylakeX"
        self.assertTrue(report.update_readme(path, "B table 1\n", kind, "cmd"))
        self.assertTrue(report.update_readme(path, "B table 2\n", kind, "cmd"))
        text = self.read(path)
        self.assertEqual(text.count("### " + kind), 1)
        self.assertNotIn("B table 1", text)
        self.assertIn("old A table", text)
        self.assertLess(text.index("old A table"), text.index("B table 2"))
        self.assertLess(text.index("B table 2"), text.index(report.NEW_CPU))
        self.assertTrue(text.endswith(report.NEW_CPU + "\n\n## KL\n\nother section\n"))

    def test_no_place_leaves_the_file_alone(self):
        path = self.write("README.md", "# Benchmarks\n")
        self.assertFalse(report.update_readme(path, "t\n", "CPU C", "cmd"))
        self.assertEqual(self.read(path), "# Benchmarks\n")


if __name__ == "__main__":
    require_all.main()
