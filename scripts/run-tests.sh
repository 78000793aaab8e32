#!/usr/bin/env bash
# The test command: installs what is missing, checks the sources' format, builds everything (with
# CUDA when nvcc is there), runs the whole C++ suite through ctest, then each further suite whose
# script is present (scripts/test-*.sh, each given the build directory): Python, chain, fleet,
# sanitizers, fuzzing. The chain client's npm packages install while the build compiles. GPU
# tests skip, saying so, when no device exists; chain tests skip when the chain specs are absent.
# Each step's time is printed. docs/testing.md describes each step and how to run one alone.
#
# Under CI (CI set and not "false", as CI services and .ci/run set it) the CUDA backend is built
# for one architecture, $BTPOW_CI_CUDA_ARCHITECTURES (default 90: sm_90 code and compute_90 PTX),
# which proves that it compiles; elsewhere the build has every architecture of
# BTPOW_CUDA_ARCHITECTURES' default.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_deps
# Everything from apt now, before the chain client's install runs beside the build.
btpow_install_packages "${btpow_sanitizer_packages[@]}"
btpow_install_node
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

# The chain client's npm packages download while the build compiles (the chain suite waits for
# them); their log is shown when the chain suite starts.
chain_install_log=$(mktemp)
chain_install=
trap 'if [ -n "$chain_install" ]; then kill "$chain_install" 2>/dev/null || true; fi; rm -f "$chain_install_log"' EXIT
if [ -f "$here/test-chain.sh" ]; then
    bash "$here/test-chain.sh" --install-only >"$chain_install_log" 2>&1 &
    chain_install=$!
fi

timed "format check" bash "$here/check-format.sh"
# The test sources at -O1: they only drive the library, which keeps -O3, and compile in half the
# time (tests/test_cuda.cpp's host copies of the kernels most of all).
timed "build" btpow_build "$build" -DBTPOW_BUILD_TESTS=ON -DBTPOW_BUILD_BENCH=ON -DBTPOW_BUILD_EXAMPLES=ON \
    -DBTPOW_TESTS_COMPILE_OPTIONS=-O1 "${cuda_architectures[@]}"
timed "ctest" ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
suite() {
    if [ -f "$here/test-$1.sh" ]; then timed "$1 tests" bash "$here/test-$1.sh" "$build"; fi
}
suite python
if [ -n "$chain_install" ]; then
    chain_installed=0
    wait "$chain_install" || chain_installed=$?
    chain_install=
    cat "$chain_install_log" >&2
    if ((chain_installed != 0)); then
        echo "btpow: installing the chain client's packages failed (exit $chain_installed)" >&2
        exit 1
    fi
fi
# One suite at a time: run side by side, the chain suite and the sanitizer builds each took about
# twice as long, for no gain in the total (BENCHMARKS.md, the test command).
for name in chain fleet sanitizers fuzz; do suite "$name"; done
echo "btpow: every suite passed in $SECONDS s" >&2
