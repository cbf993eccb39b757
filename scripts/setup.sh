#!/usr/bin/env bash
# Installs what is missing on a Debian machine (system packages through
# apt-get), then configures and builds the project into build/ and installs
# the R package nmfkit into build/rlib.
# Sourced or run by scripts/demo.sh and scripts/test.sh; safe to re-run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${NMF_BUILD_DIR:-$ROOT/build}"

# Debian packages the build, every test stage and the demo need (clang's
# OpenMP for the fuzzing build of scripts/fuzz.sh).
PACKAGES=(
  build-essential cmake pkg-config git
  libopenblas-dev liblapack-dev zlib1g-dev
  libgtest-dev
  python3 python3-numpy python3-scipy python3-sklearn
  python3-setuptools python3-wheel python3-pip python3-venv
  r-base-dev r-cran-rcpp r-cran-testthat r-cran-matrix r-cran-igraph
  r-bioc-biobase r-bioc-summarizedexperiment
  r-cran-cluster r-cran-nmf r-cran-rcpparmadillo r-bioc-singlecellexperiment
  valgrind clang libclang-rt-14-dev libomp-14-dev
  libopenmpi-dev openmpi-bin
)

bash "$ROOT/scripts/apt-install.sh" "${PACKAGES[@]}"

# Debian's interpreter, which has numpy and scipy (another python3 may come
# first on PATH).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"

# NMF_REQUIRE_ALL_TESTS: every test suite is defined (a missing MPI, Python,
# numpy, Rscript or valgrind is a configure error, not a suite left out).
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DNMF_REQUIRE_ALL_TESTS=ON -DPython3_EXECUTABLE="$PYTHON" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

# The R package, from a source tarball of rpkg/ (as a user would install it).
bash "$ROOT/scripts/rpkg-install.sh"
