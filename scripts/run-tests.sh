#!/usr/bin/env bash
# The test command: installs what is missing, builds everything (with CUDA when nvcc is there),
# and runs the whole suite through ctest. GPU tests skip, saying so, when no device exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_deps
build=${BTPOW_BUILD_DIR:-$here/../build}
btpow_build "$build" -DBTPOW_BUILD_TESTS=ON -DBTPOW_BUILD_BENCH=ON -DBTPOW_BUILD_EXAMPLES=ON
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
