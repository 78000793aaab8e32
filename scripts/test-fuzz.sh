#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer and UBSan in their own build
# directory and runs each for BTPOW_FUZZ_SECONDS (default 30) from the seed corpus in
# fuzz/corpus/<target>. A crash, a sanitizer report, a timeout or an out-of-memory fails the run;
# the input that did it is left in <dir>/artifacts (add it to the corpus and to a regression test).
#   scripts/test-fuzz.sh [MAIN_BUILD_DIR]   (the argument is only used to place the new dir)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_deps
btpow_install_packages "${btpow_sanitizer_packages[@]}"
root=$(cd "$here/.." && pwd)
parent=$(dirname "$(realpath -m "${1:-$root/build}")")
dir=${BTPOW_FUZZ_DIR:-$parent/build-fuzz}
seconds=${BTPOW_FUZZ_SECONDS:-30}
targets=(hex account integers job_line arguments)

flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBTPOW_ENABLE_CUDA=OFF \
    -DBTPOW_BUILD_TESTS=OFF -DBTPOW_BUILD_BENCH=OFF -DBTPOW_BUILD_EXAMPLES=ON -DBTPOW_INSTALL=OFF \
    -DBTPOW_BUILD_FUZZ=ON "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >&2
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >&2

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
mkdir -p "$dir/artifacts"
for target in "${targets[@]}"; do
    # New inputs go to a scratch corpus; the committed seeds are only read.
    mkdir -p "$dir/corpus/$target"
    echo "btpow: fuzzing $target for $seconds s" >&2
    "$dir/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="$dir/artifacts/$target-" -print_final_stats=1 \
        "$dir/corpus/$target" "$root/fuzz/corpus/$target" 2>"$dir/$target.log" || {
        tail -n 60 "$dir/$target.log" >&2
        echo "btpow: fuzz target $target failed; the input is in $dir/artifacts" >&2
        exit 1
    }
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$dir/$target.log" | tr '\n' ' ' >&2
    echo >&2
done
