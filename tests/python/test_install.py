"""pip installs the nmfkit package from python/ offline into a scratch
directory (--target, Debian's setuptools, no build isolation), bundling the
libnmf.so given in NMFKIT_LIBRARY; a fresh interpreter then imports nmfkit
from there, without NMFKIT_LIBRARY, and fits a matrix with the bundled
library.  Usage: test_install.py SOURCE_DIR WORK_DIR"""
import os
import shutil
import subprocess
import sys

source, work = sys.argv[1], sys.argv[2]
library = os.environ["NMFKIT_LIBRARY"]
shutil.rmtree(work, ignore_errors=True)
# Build from a copy: setuptools writes build/ and *.egg-info beside the
# sources.
src = os.path.join(work, "src")
shutil.copytree(source, src, ignore=shutil.ignore_patterns(
    "build", "*.egg-info", "__pycache__"))
site = os.path.join(work, "site")
env = dict(os.environ, NMFKIT_BUNDLE_LIBRARY=os.path.abspath(library),
           PIP_DISABLE_PIP_VERSION_CHECK="1")
subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                "--no-index", "--no-deps", "--target", site, src],
               env=env, check=True)
bundled = os.path.join(site, "nmfkit", "libnmf.so")
assert os.path.isfile(bundled) and not os.path.islink(bundled), bundled

check = r"""
import os, sys, numpy as np, nmfkit
package = os.path.join(os.path.realpath(sys.argv[1]), "nmfkit")
assert os.path.dirname(os.path.realpath(nmfkit.__file__)) == package, nmfkit.__file__
rng = np.random.default_rng(0)
A = rng.random((40, 3)) @ rng.random((3, 25)) + 0.05 * rng.random((40, 25))
fit = nmfkit.fit(A, 3, tol=0, maxit=500)
assert os.path.realpath(nmfkit.library_path) == os.path.join(package, "libnmf.so")
err = np.linalg.norm(A - fit.fitted()) / np.linalg.norm(A)
assert abs(err - fit.rel_error) < 1e-9 and 0 < err < 0.1, (err, fit.rel_error)
print("installed nmfkit", nmfkit.library_version(), "rel_error", err)
"""
clean = {k: v for k, v in os.environ.items()
         if k not in ("NMFKIT_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH")}
clean["PYTHONPATH"] = site
subprocess.run([sys.executable, "-c", check, site], env=clean, check=True,
               cwd=work)
print("1 passed, 0 failed")
