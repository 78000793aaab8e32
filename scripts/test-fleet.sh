#!/usr/bin/env bash
# The fleet suite: btpow.fleet on a local Dask fleet (dask-scheduler and two dask-worker processes
# on 127.0.0.1), `btpow solve --metrics` and the fleet driver scraped by a real Prometheus, and the
# fleet's overhead and job broadcast figures (printed). Installs the package into a fresh virtual
# environment from the CMake build directory $1, as scripts/test-python.sh does, and runs
# tests/python/test_fleet*.py with BTPOW_CLI pointing at that build's btpow. Tests skip, saying
# so, when dask or prometheus is missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/deps.sh"
btpow_install_deps
build=$(cd "${1:-$root/build}" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

btpow_python_venv "$work" "$build"

cd "$work"  # away from python/, so that only the installed copy can be imported
BTPOW_CLI="$build/examples/btpow" BTPOW_TEST_DATA="$root/tests/data" \
    "$work/venv/bin/python" -m pytest -q -s -p no:cacheprovider -W ignore::DeprecationWarning \
    "$root"/tests/python/test_fleet*.py
echo "btpow: fleet suite passed" >&2
