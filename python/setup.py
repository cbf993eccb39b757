"""Build hook of the nmfkit package (the metadata is in pyproject.toml).

NMFKIT_BUNDLE_LIBRARY=/absolute/path/to/libnmf.so copies that library (symlinks
resolved) into the package as nmfkit/libnmf.so, where nmfkit
looks for it after $NMFKIT_LIBRARY; the wheel is then tagged for this
platform, since it holds a compiled library."""
import os

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

BUNDLE = os.environ.get("NMFKIT_BUNDLE_LIBRARY")


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        if BUNDLE:
            source = os.path.realpath(BUNDLE)
            if not os.path.isfile(source):
                raise SystemExit("nmfkit: NMFKIT_BUNDLE_LIBRARY=%s is not a "
                                 "file (give an absolute path: the build "
                                 "runs in %s)" % (BUNDLE, os.getcwd()))
            self.copy_file(source, os.path.join(self.build_lib, "nmfkit",
                                                "libnmf.so"))


class MaybeBinary(Distribution):
    def has_ext_modules(self):
        return bool(BUNDLE)


setup(packages=["nmfkit"],
      cmdclass={"build_py": BuildWithLibrary}, distclass=MaybeBinary)
