#!/usr/bin/env bash
# The test command: installs what is missing, checks the sources' format, builds everything (with
# CUDA when nvcc is there), runs the whole C++ suite through ctest, then each further suite whose
# script is present (scripts/test-*.sh, each given the build directory). GPU tests skip, saying so, when no device
# exists; chain tests skip when the chain specs are absent. Each suite's time is printed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_deps
build=${BTPOW_BUILD_DIR:-$here/../build}

timed() {
    local name=$1 began=$SECONDS
    shift
    "$@"
    echo "btpow: $name took $((SECONDS - began)) s" >&2
}

timed "format check" bash "$here/check-format.sh"
timed "build" btpow_build "$build" -DBTPOW_BUILD_TESTS=ON -DBTPOW_BUILD_BENCH=ON -DBTPOW_BUILD_EXAMPLES=ON
timed "ctest" ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
for suite in python chain sanitizers fuzz; do
    if [ -f "$here/test-$suite.sh" ]; then
        timed "$suite tests" bash "$here/test-$suite.sh" "$build"
    fi
done
echo "btpow: every suite passed in $SECONDS s" >&2
