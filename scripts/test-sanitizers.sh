#!/usr/bin/env bash
# The CPU build under sanitizers, each in its own build directory beside the main one:
#   AddressSanitizer + UndefinedBehaviorSanitizer (clang, build-asan/, shared with the fuzz targets
#     of scripts/test-fuzz.sh; scripts/deps.sh's btpow_asan_build says what is instrumented how):
#     the whole ctest suite (library, engine, CLI driven as a child process, which is instrumented
#     too);
#   ThreadSanitizer (clang, build-tsan/): the engine and solver tests ([engine]) and the CLI's
#     job feed and signal tests ([feed]), where the threads are; only the test files that hold
#     them are built, at -O0 as the CLI, with the library at -O1 and line tables (clang builds
#     it in half the time gcc took).
# Both leave out tests/test_cuda.cpp (CUDA is off here; its host copies of the kernels take over
# 12 minutes of one core to compile instrumented); the main build's ctest runs it. Each builds
# only what it runs (no benchmarks, Python extension or shared library).
# Any finding fails the run: the first report ends the process (halt_on_error, no recovery), and
# every report is also written under <dir>/sanitizer-logs, which must stay empty, so that a finding
# in a child whose exit code a test does not check still counts.
#   scripts/test-sanitizers.sh [MAIN_BUILD_DIR]   (the argument is only used to place the new dirs)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_deps
btpow_install_packages "${btpow_sanitizer_packages[@]}"
root=$(cd "$here/.." && pwd)
parent=$(dirname "$(realpath -m "${1:-$root/build}")")
jobs=$(nproc)

fresh_logs() {
    rm -rf "$1/sanitizer-logs"
    mkdir -p "$1/sanitizer-logs"
}

no_findings() {
    local dir=$1
    if [ -n "$(ls -A "$dir/sanitizer-logs")" ]; then
        echo "btpow: sanitizer findings in $dir/sanitizer-logs:" >&2
        cat "$dir"/sanitizer-logs/* >&2
        return 1
    fi
}

asan=${BTPOW_ASAN_DIR:-$parent/build-asan}
began=$SECONDS
btpow_asan_build "$asan"
fresh_logs "$asan"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:exitcode=86:log_path=$asan/sanitizer-logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$asan/sanitizer-logs/ubsan"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
ctest --test-dir "$asan" --output-on-failure -j "$jobs" --timeout 900
no_findings "$asan"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
echo "btpow: ASan+UBSan suite took $((SECONDS - began)) s" >&2

tsan=${BTPOW_TSAN_DIR:-$parent/build-tsan}
began=$SECONDS
# The test files that hold [engine] or [feed] tests, by the name after test_.
tsan_files=$(grep -l -E '"[^"]*\[(engine|feed)\]' "$root"/tests/test_*.cpp | sed 's|.*/test_||; s|\.cpp$||' |
    paste -s -d ';')
flags="-fsanitize=thread -fno-omit-frame-pointer -fno-sanitize-recover=all"
CC=clang CXX=clang++ cmake -S "$root" -B "$tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBTPOW_ENABLE_CUDA=OFF \
    -DBTPOW_BUILD_TESTS=ON -DBTPOW_BUILD_EXAMPLES=ON -DBTPOW_BUILD_BENCH=OFF -DBTPOW_BUILD_PYTHON=OFF \
    -DBTPOW_BUILD_SHARED=OFF -DBTPOW_INSTALL=OFF "-DBTPOW_TESTS_ONLY=$tsan_files" -DBTPOW_TESTS_COMPILE_OPTIONS=-O0 -DBTPOW_CLI_COMPILE_OPTIONS=-O0 \
    "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread" >&2
cmake --build "$tsan" -j "$jobs" --target btpow_tests btpow_cli >&2
fresh_logs "$tsan"
# atexit_sleep_ms: ThreadSanitizer's default waits 1 s at every exit for threads still running;
# the CLI joins its threads before it exits, and the [feed] tests start it about forty times
# (the run took 49 s with the default, 14 s with 50 ms).
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:atexit_sleep_ms=50:exitcode=86:log_path=$tsan/sanitizer-logs/tsan"
# ThreadSanitizer maps its shadow memory at fixed addresses; without address randomisation it
# cannot collide with where the kernel put the program.
run=("$tsan/tests/btpow_tests")
if setarch "$(uname -m)" -R true 2>/dev/null; then run=(setarch "$(uname -m)" -R "${run[@]}"); fi
"${run[@]}" "[engine],[feed]"
no_findings "$tsan"
echo "btpow: TSan engine and feed tests took $((SECONDS - began)) s" >&2
