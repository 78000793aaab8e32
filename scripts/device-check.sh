#!/usr/bin/env bash
# The check of btpow on a machine with an NVIDIA GPU, run by that machine's operator from the
# repository root:
#   scripts/device-check.sh            build (Release, sm_90 only), ctest (all tests, [cuda] included),
#                                      the CUDA benchmark with measured / bound per kernel variant and
#                                      the baseline ratios (scripts/gpu_report.py, SM clock sampled
#                                      during the run), SASS of the production kernel with the
#                                      instruction count of its hot loop (scripts/sass_loop.py),
#                                      Nsight Compute counters of one launch per kernel (pipe
#                                      utilization, occupancy, stall reasons: scripts/ncu_digest.py),
#                                      compute-sanitizer memcheck, racecheck and initcheck on the
#                                      short [cuda] tests.
#   scripts/device-check.sh --bench-only
#                                      the same without ctest and compute-sanitizer: a quick timing
#                                      of a build option (see BTPOW_DEVICE_CMAKE_ARGS below).
#   scripts/device-check.sh --static   no GPU needed: ptxas resource usage of each kernel variant
#                                      for every default architecture, and the sm_90 instruction
#                                      mix read from the cubins (scripts/sass_mix.py; also as JSON in
#                                      $OUT/mix_sm90.json).
# Results go to $OUT (default ./out): summary.txt plus logs and the files the report reads.
#
# What the machine needs: an NVIDIA driver, the CUDA Toolkit (nvcc and cuobjdump; Nsight Compute's
# ncu, whose step is skipped when it is missing; compute-sanitizer for the full run), Python 3,
# and the Debian build dependencies that scripts/deps.sh lists. A machine without network access
# cannot install those itself: its operator makes them available beforehand, for instance with a
# script at .device/setup.sh in the repository root (not tracked; .device/ is ignored), which is
# sourced before the build when it exists and may install local packages or set PATH.
#
# Every step has its own time limit, so the whole run stays under 10 minutes on a 16-core machine,
# and the summary is written as steps finish.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
out=${OUT:-$root/out}
mkdir -p "$out"
summary=$out/summary.txt
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }

for dir in /usr/local/cuda/bin /usr/local/cuda/compute-sanitizer; do
  [ -d "$dir" ] && case ":$PATH:" in *":$dir:"*) ;; *) PATH="$dir:$PATH" ;; esac
done
export PATH
jobs=$(nproc)
status=0

# The kernel variants, in the order of their one list (the rows X(rotations, rounds_loop) of
# BTPOW_CUDA_VARIANTS in cuda/variants.hpp, read by cuda/variants.cmake), named as users write
# them (funnel, funnel-loop, ...).
mapfile -t variants < <(cmake -P cuda/variants.cmake)
if [ ${#variants[@]} -eq 0 ]; then
  echo "device-check: no kernel variants found in cuda/variants.hpp" >&2
  exit 1
fi

# ptxas resource usage of each kernel variant of the production kernel for the given
# architectures, and the instruction mix of the sm_90 code read straight from the cubins
# (scripts/sass_mix.py: no cuobjdump needed), on standard output. The compiles run in parallel;
# variant i is cuda/kernel_variant.cu with BTPOW_CUDA_VARIANT_INDEX=i, as the build makes it.

static_check() {
  local nvcc=${CUDACXX:-nvcc} archs=("$@") work
  work=$(mktemp -d)
  echo "== ptxas resource usage of the production kernel ($($nvcc --version | tail -n 1))"
  local index
  for index in "${!variants[@]}"; do
    local variant=${variants[$index]}
    for arch in "${archs[@]}"; do
      $nvcc -std=c++17 -O3 -arch=sm_$arch -I include -I . -Xptxas -v -cubin -DBTPOW_CUDA_VARIANT_INDEX="$index" \
        cuda/kernel_variant.cu -o "$work/${variant}_sm$arch.cubin" >"$work/${variant}_sm$arch.log" 2>&1 &
    done
  done
  wait
  for variant in "${variants[@]}"; do
    for arch in "${archs[@]}"; do
      awk -v tag="$variant sm_$arch" '/Compiling entry/ { split($0, a, "seal_scan_kernel"); \
             kind = index(a[2], "EEELb1E") ? "le" : "be/sdk"; \
             kind = kind (index($0, "SumTops") ? "/checksum" : "/scan") } \
           /bytes stack frame/ { stack = $0 } \
           /Used [0-9]+ registers/ { print tag " " kind ": " $5 " registers; " stack }' \
        "$work/${variant}_sm$arch.log" | sed 's/  */ /g'
    done
  done
  echo "== instruction mix of each kernel, sm_90 (scripts/sass_mix.py; the nonce loop is all but ~1% of it)"
  python3 scripts/sass_mix.py --json "$out/mix_sm90.json" "$work"/*_sm90.cubin
  rm -rf "$work"
}

mode=${1:-full}
case "$mode" in
  full | --bench-only | --static) ;;
  *) echo "usage: scripts/device-check.sh [--bench-only | --static]" >&2; exit 2 ;;
esac
if [ "$mode" = "--static" ]; then
  static_check 75 80 86 89 90 | tee -a "$summary"
  exit 0
fi

[ -f .device/setup.sh ] && source .device/setup.sh
# The sm_90 instruction mix needs only the CPU: it compiles beside the build and the GPU steps,
# and its output joins the summary before the report that reads it.
static_check 90 >"$out/static.txt" 2>&1 &
static_pid=$!
note "== device"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader 2>&1 | tee -a "$summary"
build=${BTPOW_DEVICE_BUILD_DIR:-$root/build-device}
generator=()
[ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null && generator=(-G Ninja)

note "== build (Release, CUDA architecture 90)"
start=$(date +%s)
# BTPOW_DEVICE_CMAKE_ARGS: extra configure arguments, e.g. -DBTPOW_CUDA_MIN_BLOCKS=4 (with a build
# directory of its own, BTPOW_DEVICE_BUILD_DIR) to time a register-capped kernel.
read -r -a extra_cmake_args <<<"${BTPOW_DEVICE_CMAKE_ARGS:-}"
{ timeout 60 cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DBTPOW_ENABLE_CUDA=ON \
    -DBTPOW_CUDA_ARCHITECTURES=90 -DBTPOW_CUDA_PTXAS_VERBOSE=ON "${extra_cmake_args[@]}" &&
  timeout 220 cmake --build "$build" -j "$jobs"; } >"$out/build.log" 2>&1
build_rc=$?
note "build: exit $build_rc after $(($(date +%s) - start)) s"
grep -A3 "Compiling entry function.*seal_scan_kernel" "$out/build.log" | grep -E "registers|stack" |
  sed 's/^ *//' | sort | uniq -c | tee -a "$summary"
[ $build_rc -eq 0 ] || { note "build failed: see build.log"; wait "$static_pid"; exit 1; }

note "== SASS of the production kernel, each variant, and of the baseline (sm_90, cuobjdump; scripts/sass_loop.py)"
: >"$out/sass.txt"
for object in $(find "$build" \( -name 'kernels_*.cu.o' -o -name 'baseline.cu.o' \) | sort); do
  cuobjdump -sass "$object" >>"$out/sass.txt" 2>&1
done
python3 scripts/sass_loop.py "$out/sass.txt" | tee -a "$summary"

note "== CUDA benchmark (GPU time from CUDA events; SM clock sampled every 200 ms meanwhile)"
nvidia-smi --query-gpu=clocks.sm --format=csv,noheader,nounits -lms 200 >"$out/sm_clock_mhz.txt" 2>&1 &
sampler=$!
timeout 60 "$build/bench/btpow_bench_cuda" --benchmark_out="$out/bench_cuda.json" \
  --benchmark_out_format=json >"$out/bench_cuda.txt" 2>&1
note "bench: exit $?"
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
grep -E "^cuda" "$out/bench_cuda.txt" | tee -a "$summary"
wait "$static_pid"
tee -a "$summary" <"$out/static.txt"
note "== measured / bound (scripts/gpu_report.py)"
python3 scripts/gpu_report.py "$out/bench_cuda.json" "$out/mix_sm90.json" "$out/sm_clock_mhz.txt" \
  >"$out/report.txt" 2>&1
tee -a "$summary" <"$out/report.txt"

# Hardware counters of one full-size launch per kernel (the second launch of its bench entry: the
# first is a one-nonce-per-thread warm-up). Clocks are left alone (--clock-control none).
note "== Nsight Compute: pipes, occupancy and stalls of one launch per kernel (scripts/ncu_digest.py)"
if command -v ncu >/dev/null; then
  csvs=()
  : >"$out/ncu.log"
  for entry in "${variants[@]}" cubit_full_grid; do
    case $entry in
      cubit_*) bench=$entry kernel=cubit_style_kernel ;;
      *) bench=rotations_$entry kernel=seal_scan_kernel ;;
    esac
    timeout 40 ncu --clock-control none --section SpeedOfLight --section ComputeWorkloadAnalysis \
      --section WarpStateStats --section Occupancy --section LaunchStats --section InstructionStats \
      -k "regex:$kernel" --launch-skip 1 --launch-count 1 -f -o "$out/ncu_$entry" \
      "$build/bench/btpow_bench_cuda" --benchmark_filter="/$bench/" >>"$out/ncu.log" 2>&1
    ncu --import "$out/ncu_$entry.ncu-rep" --page raw --csv >"$out/ncu_$entry.csv" 2>>"$out/ncu.log" &&
      csvs+=("$out/ncu_$entry.csv")
    rm -f "$out/ncu_$entry.ncu-rep"
  done
  if grep -qE "LibraryNotLoaded|ERR_NVGPUCTRPERM" "$out/ncu.log"; then
    note "ncu: hardware counters unavailable on this machine's runtime (see ncu.log)"
  elif [ ${#csvs[@]} -gt 0 ]; then
    python3 scripts/ncu_digest.py "${csvs[@]}" >"$out/ncu_digest.txt" 2>&1
    tee -a "$summary" <"$out/ncu_digest.txt"
  else
    note "ncu: no kernel profiled (see ncu.log)"
  fi
else
  note "ncu: not installed"
fi

if [ "$mode" = "full" ]; then
  note "== ctest (every test; the [cuda] ones need this GPU)"
  start=$(date +%s)
  (cd "$build" && timeout 150 ctest -j 4 --output-on-failure --timeout 140) >"$out/ctest.log" 2>&1
  rc=$?
  [ $rc -eq 0 ] || status=1
  note "ctest: exit $rc after $(($(date +%s) - start)) s"
  grep -E "tests passed|tests failed|\(Skipped\)|\(Failed\)|\(Timeout\)|Not Run" "$out/ctest.log" | tee -a "$summary"

  note "== compute-sanitizer on the short [cuda] tests"
  : >"$out/sanitizer.log"
  # Some runtimes (gVisor) refuse the sanitizer outright ("Device not supported"): that is said as
  # such, not counted as a finding against the code.
  for tool in memcheck racecheck initcheck; do
    timeout 45 compute-sanitizer --tool "$tool" --error-exitcode 99 "$build/tests/btpow_tests" "[cuda][short]" \
      >"$out/sanitizer-$tool.log" 2>&1
    rc=$?
    { echo "---- $tool (exit $rc)"; cat "$out/sanitizer-$tool.log"; } >>"$out/sanitizer.log"
    if [ $rc -ne 0 ] && grep -q "Device not supported" "$out/sanitizer-$tool.log"; then
      note "$tool: unavailable here (compute-sanitizer: Device not supported on this machine's runtime)"
    else
      [ $rc -eq 0 ] || status=1
      note "$tool: exit $rc ($(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" "$out/sanitizer-$tool.log" | tail -n 1))"
    fi
    rm -f "$out/sanitizer-$tool.log"
  done
fi
# The end of the output is what a caller sees first: the report and the verdicts once more.
note "== recap"
{ cat "$out/report.txt" "$out/ncu_digest.txt" 2>/dev/null; grep -E "^(ctest|memcheck|racecheck|initcheck):|tests passed|tests failed" "$summary"; } \
  >"$out/recap.txt"
tee -a "$summary" <"$out/recap.txt"
note "done: logs in $out (overall exit $status)"
exit $status
