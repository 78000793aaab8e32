#!/usr/bin/env bash
# The test command: installs what is missing, checks the sources' format, builds everything (with
# CUDA when nvcc is there), runs the whole C++ suite through ctest, then each further suite whose
# script is present (scripts/test-*.sh, each given the build directory). GPU tests skip, saying so,
# when no device exists; chain tests skip when the chain specs are absent. Each step's time is
# printed. docs/testing.md describes each step and how to run one alone.
#
# Under CI (CI set and not "false", as CI services and .ci/run set it) the CUDA backend is built
# for one architecture, $BTPOW_CI_CUDA_ARCHITECTURES (default 90: sm_90 code and compute_90 PTX),
# which proves that it compiles; elsewhere the build has every architecture of
# BTPOW_CUDA_ARCHITECTURES' default.
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

cuda_architectures=(-UBTPOW_CUDA_ARCHITECTURES)  # the default, also where a CI run left one in the cache
if [ -n "${CI:-}" ] && [ "$CI" != false ]; then
    cuda_architectures=("-DBTPOW_CUDA_ARCHITECTURES=${BTPOW_CI_CUDA_ARCHITECTURES:-90}")
fi

timed "format check" bash "$here/check-format.sh"
timed "build" btpow_build "$build" -DBTPOW_BUILD_TESTS=ON -DBTPOW_BUILD_BENCH=ON -DBTPOW_BUILD_EXAMPLES=ON \
    "${cuda_architectures[@]}"
timed "ctest" ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
for suite in python chain fleet sanitizers fuzz; do
    if [ -f "$here/test-$suite.sh" ]; then
        timed "$suite tests" bash "$here/test-$suite.sh" "$build"
    fi
done
echo "btpow: every suite passed in $SECONDS s" >&2
