#!/usr/bin/env bash
# Installs what btpow needs to build and test, from Debian's packages, when something is missing.
# Sourced by run-demo.sh and run-tests.sh; safe to run again (installs nothing when all is there).
set -euo pipefail

btpow_packages=(build-essential cmake pkg-config libssl-dev libboost-dev catch2 libbenchmark-dev
                libcli11-dev nlohmann-json3-dev libfmt-dev
                python3-dev python3-venv python3-pip python3-setuptools python3-wheel pybind11-dev
                python3-pybind11 python3-pytest python3-pycryptodome
                prometheus-cpp-dev python3-distributed python3-prometheus-client prometheus)
# prometheus-cpp-dev: `btpow solve --metrics` (the CLI builds without it and refuses the flag);
# python3-distributed: the fleet (btpow.fleet, docs/fleet.md); python3-prometheus-client: the
# fleet driver's --metrics; prometheus: the server the fleet suite (scripts/test-fleet.sh) scrapes with.

# The sanitizer and fuzz suites (scripts/test-sanitizers.sh, scripts/test-fuzz.sh) also need these:
# their AddressSanitizer and ThreadSanitizer builds are clang's (libFuzzer and the sanitizer
# runtimes come with clang's runtime library).
btpow_sanitizer_packages=(clang libclang-rt-14-dev)

btpow_install_deps() {
    btpow_install_packages "${btpow_packages[@]}"
    # The CUDA Toolkit is optional: use it when it is installed where NVIDIA puts it.
    if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
        export PATH="/usr/local/cuda/bin:$PATH"
    fi
}

# Node.js and npm for the chain client (chain/), from Debian when either is missing.
btpow_install_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        btpow_install_packages nodejs npm
    fi
}

# Installs those of the given Debian packages that are missing.
btpow_install_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        echo "btpow: installing ${missing[*]}" >&2
        local sudo=()
        [ "$(id -u)" -eq 0 ] || sudo=(sudo)
        "${sudo[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
}

# Configures and builds into $1 (Release); extra arguments go to cmake.
btpow_build() {
    local dir=$1
    shift
    cmake -S "$(dirname "${BASH_SOURCE[0]}")/.." -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >&2
    cmake --build "$dir" -j "$(nproc)" >&2
}

# The clang build that the ASan+UBSan suite (scripts/test-sanitizers.sh) and the fuzz targets
# (scripts/test-fuzz.sh) share, in $1: the library, the CLI, the tests (less tests/test_cuda.cpp)
# and the libFuzzer targets, all with AddressSanitizer and UBSan, no recovery, at -O1 with line
# tables (what the reports need). Everything carries libFuzzer's coverage hooks (fuzzer-no-link),
# which the tests and the CLI only link. The library and the CLI, what the suites test, get every
# check; the test sources, which only drive them, keep AddressSanitizer (their buffers keep their
# red zones) without UBSan, which takes several times longer to compile on the seal's unrolled
# rounds (include/btpow/core/) that the test sources instantiate to compare against. The CLI and
# the test sources are compiled at -O0, in about half the time of -O1 (the library, whose vector
# paths the suite runs at length, keeps -O1). The wide SIMD paths' files (lib/cpu/avx2.cpp,
# avx512.cpp) keep every check but UBSan's pointer-overflow, which tripled their compile time
# (about 50 s more on 2 cores); AddressSanitizer still guards their memory. The second caller
# finds everything built.
btpow_asan_build() {
    local dir=$1 root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    btpow_install_packages "${btpow_sanitizer_packages[@]}"
    local flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
    CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBTPOW_ENABLE_CUDA=OFF \
        -DBTPOW_BUILD_TESTS=ON -DBTPOW_BUILD_EXAMPLES=ON -DBTPOW_BUILD_FUZZ=ON -DBTPOW_BUILD_BENCH=OFF \
        -DBTPOW_BUILD_PYTHON=OFF -DBTPOW_BUILD_SHARED=OFF -DBTPOW_INSTALL=OFF -DBTPOW_TESTS_EXCLUDE=cuda \
        "-DBTPOW_TESTS_COMPILE_OPTIONS=-fno-sanitize=undefined;-O0" -DBTPOW_CLI_COMPILE_OPTIONS=-O0 \
        -DBTPOW_WIDE_PATH_COMPILE_OPTIONS=-fno-sanitize=pointer-overflow \
        "-DCMAKE_CXX_FLAGS=$flags" \
        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
        "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >&2
    cmake --build "$dir" -j "$(nproc)" --target btpow_tests btpow_cli fuzz_all >&2
}

# Installs the Python package from the repository into a fresh virtual environment $1/venv of
# Debian's /usr/bin/python3 with its site packages (pytest, pybind11; dask-worker runs on it, so
# the extension must match it), from the CMake build directory $2, so that nothing compiles twice.
btpow_python_venv() {
    local work=$1 build=$2
    echo "btpow: installing the Python package into a fresh virtual environment" >&2
    /usr/bin/python3 -m venv --system-site-packages "$work/venv"
    BTPOW_CMAKE_BUILD_DIR="$build" "$work/venv/bin/pip" install --quiet --no-build-isolation --no-index \
        --no-cache-dir "$(dirname "${BASH_SOURCE[0]}")/.." >&2
}
