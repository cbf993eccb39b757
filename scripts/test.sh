#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test suite (CTest: core,
# C ABI, C99 consumer, Python binding, CLI), ending with the runners'
# summary lines.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
BUILD_DIR="${NMF_BUILD_DIR:-$ROOT/build}"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)"
