#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/<target>.cpp) with clang, AddressSanitizer and UBSan, in the
# build directory the ASan+UBSan suite shares with them (scripts/deps.sh's btpow_asan_build;
# nothing is compiled twice when scripts/test-sanitizers.sh ran first), runs each target over its
# whole committed corpus (fuzz/corpus/<target>, every input once: the regression run), then fuzzes
# each for BTPOW_FUZZ_SECONDS (default 10) from that corpus, BTPOW_FUZZ_JOBS targets at a time
# (default: one per core). A crash, a sanitizer report, a timeout or an out-of-memory fails the
# run; the input that did it is left in <dir>/artifacts (add it to the corpus and to a regression
# test).
#   scripts/test-fuzz.sh [MAIN_BUILD_DIR]   (the argument is only used to place the new dir)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_deps
root=$(cd "$here/.." && pwd)
parent=$(dirname "$(realpath -m "${1:-$root/build}")")
dir=${BTPOW_FUZZ_DIR:-${BTPOW_ASAN_DIR:-$parent/build-asan}}
seconds=${BTPOW_FUZZ_SECONDS:-10}
jobs=${BTPOW_FUZZ_JOBS:-$(nproc)}
targets=()
for source in "$root"/fuzz/*.cpp; do targets+=("$(basename "$source" .cpp)"); done

btpow_asan_build "$dir"

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
mkdir -p "$dir/artifacts"
options=(-timeout=10 -rss_limit_mb=2048 -max_len=8192)

# Every committed input once, so that what fuzzing found before is checked on every run, however
# short the fuzzing below.
for target in "${targets[@]}"; do
    inputs=("$root/fuzz/corpus/$target"/*)
    "$dir/fuzz/fuzz_$target" "${options[@]}" -artifact_prefix="$dir/artifacts/$target-" "${inputs[@]}" \
        2>"$dir/$target-corpus.log" || {
        tail -n 60 "$dir/$target-corpus.log" >&2
        echo "btpow: fuzz target $target failed on its committed corpus; see $dir/artifacts" >&2
        exit 1
    }
    echo "btpow: $target: ${#inputs[@]} committed inputs pass" >&2
done

fuzz() {
    local target=$1
    # New inputs go to a scratch corpus; the committed seeds are only read.
    mkdir -p "$dir/corpus/$target"
    "$dir/fuzz/fuzz_$target" "${options[@]}" -max_total_time="$seconds" \
        -artifact_prefix="$dir/artifacts/$target-" -print_final_stats=1 \
        "$dir/corpus/$target" "$root/fuzz/corpus/$target" 2>"$dir/$target.log"
}

# One libFuzzer process is one thread: run as many targets at once as there are cores.
echo "btpow: fuzzing ${targets[*]} for $seconds s each, $jobs at a time" >&2
declare -A running=()
failed=()
finish_one() {
    local pid target
    wait -n -p pid "${!running[@]}" && status=0 || status=$?
    target=${running[$pid]}
    unset "running[$pid]"
    if ((status != 0)); then
        tail -n 60 "$dir/$target.log" >&2
        echo "btpow: fuzz target $target failed; the input is in $dir/artifacts" >&2
        failed+=("$target")
    else
        echo "btpow: $target: $(grep -E "stat::number_of_executed_units|stat::new_units_added" "$dir/$target.log" |
            tr '\n' ' ')" >&2
    fi
}
for target in "${targets[@]}"; do
    while ((${#running[@]} >= jobs)); do finish_one; done
    fuzz "$target" &
    running[$!]=$target
done
while ((${#running[@]} > 0)); do finish_one; done
if ((${#failed[@]})); then
    echo "btpow: fuzzing failed: ${failed[*]}" >&2
    exit 1
fi
