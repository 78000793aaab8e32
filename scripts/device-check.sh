#!/usr/bin/env bash
# The one command a GPU session runs on the device machine (from the repository root):
#   scripts/device-check.sh            build (Release, sm_90 only), ctest (all tests, [cuda] included),
#                                      the CUDA benchmark, SASS of the production kernel with the
#                                      instruction count of its hot loop, compute-sanitizer memcheck,
#                                      racecheck and initcheck on the short [cuda] tests.
#   scripts/device-check.sh --static   no GPU needed: ptxas resource usage for every default
#                                      architecture and the PTX instruction count per seal.
# Results go to $OUT (default ./out): summary.txt plus at most 6 logs. Dependencies: when
# .device/setup.sh exists (staged by /work/shared/device/stage-deps.sh, carried along), it is
# sourced first. Every step has its own time limit so the whole run stays under 10 minutes on a
# 16-core machine, and the summary is written as steps finish.
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

# Instructions per seal in PTX: the body of each kernel's nonce loop (one nonce per iteration).
count_ptx() {
  python3 - "$1" <<'PY'
import collections, re, sys
text = open(sys.argv[1]).read()
# Data movement that SASS mostly folds into register naming (64-bit halves split and joined).
moves = {'mov', 'cvt', 'bfi', 'ld'}
for m in re.finditer(r'\.entry (\S+)\((.*?)\n\}', text, re.S):
    name, body = m.group(1), m.group(2)
    if 'seal_scan_kernel' not in name or 'RecordCandidates' not in name:
        continue
    loop = re.search(r'^(\$L__BB\d+_\d+):\n(.*?)^\s*@%p\d+ bra\s+\1;', body, re.S | re.M)
    if not loop:
        continue
    ops = collections.Counter()
    for line in loop.group(2).splitlines():
        s = line.strip()
        if not s or s.startswith(('//', '$L', '.pragma', '{', '}')):
            continue
        ops[re.sub(r'^@\S+\s+', '', s).split()[0]] += 1
    total = sum(ops.values())
    alu = sum(n for op, n in ops.items() if op.split('.')[0] not in moves and not op.startswith('shr.u64'))
    alu32 = sum(n * (2 if ('.b64' in op or '.u64' in op or '.s64' in op) else 1)
                for op, n in ops.items() if op.split('.')[0] not in moves and not op.startswith('shr.u64'))
    rule = 'le' if 'ILb1E' in name else 'be/sdk'
    print(f'PTX hot loop, rule {rule}: {total} instructions per nonce; {alu} without data movement '
          f'(cvt/mov/bfi/ld, shr.u64 used to split halves); {alu32} with 64-bit ops counted as two 32-bit ops')
    print('  ' + ', '.join(f'{op} {n}' for op, n in ops.most_common()))
PY
}

# Instructions per seal in SASS: the largest backward branch of the kernel is the nonce loop.
count_sass() {
  python3 - "$1" <<'PY'
import collections, re, sys
functions, labels, current, pending = {}, {}, None, []
for line in open(sys.argv[1]):
    m = re.search(r'Function : (\S+)', line)
    if m:
        current = m.group(1); functions[current] = []; labels[current] = {}; continue
    m = re.match(r'\s*(\.L_x_\d+):', line)
    if m:
        pending.append(m.group(1)); continue
    m = re.match(r'\s*/\*([0-9a-f]{4,})\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)([^;]*);', line)
    if m and current:
        address = int(m.group(1), 16)
        for label in pending: labels[current][label] = address
        pending = []
        functions[current].append((address, m.group(2), m.group(3)))
for name, code in functions.items():
    if 'seal_scan_kernel' not in name or 'RecordCandidates' not in name:
        continue
    loops = []
    for address, op, args in code:
        if not op.startswith('BRA'):
            continue
        t = re.search(r'0x([0-9a-f]+)', args)
        l = re.search(r'(\.L_x_\d+)', args)
        target = int(t.group(1), 16) if t else labels[name].get(l.group(1)) if l else None
        if target is not None and target < address:
            loops.append((address - target, target, address))
    if not loops:
        print(f'{name}: no loop found'); continue
    _, first, last = max(loops)
    body = [op.split('.')[0] for address, op, _ in code if first <= address <= last]
    ops = collections.Counter(body)
    local = sum(n for op, n in ops.items() if op in ('LDL', 'STL'))
    rule = 'le' if 'ILb1E' in name else 'be/sdk'
    print(f'SASS hot loop, rule {rule}: {len(body)} instructions per nonce (local memory LDL/STL: {local})')
    print('  ' + ', '.join(f'{op} {n}' for op, n in ops.most_common()))
PY
}

static_check() {
  local nvcc=${CUDACXX:-nvcc}
  note "== ptxas resource usage of cuda/kernels.cu ($($nvcc --version | tail -n 1))"
  for arch in 75 80 86 89 90; do
    $nvcc -std=c++17 -O3 -arch=sm_$arch -I include -I . -Xptxas -v -c cuda/kernels.cu -o /dev/null 2>&1 |
      awk -v arch=$arch '/Compiling entry/ { split($0, a, "seal_scan_kernelILb"); \
                           kind = substr(a[2], 1, 1) == "1" ? "le" : "be/sdk"; \
                           kind = kind (index($0, "SumTops") ? "/checksum" : "/scan") } \
                         /bytes stack frame/ { stack = $0 } \
                         /Used [0-9]+ registers/ { print "sm_" arch " " kind ": " $5 " registers; " stack }' |
      sed 's/  */ /g' | tee -a "$summary"
  done
  $nvcc -std=c++17 -O3 -arch=sm_90 -I include -I . -ptx cuda/kernels.cu -o "$out/kernels_sm90.ptx"
  note "== PTX per seal (sm_90)"
  count_ptx "$out/kernels_sm90.ptx" | tee -a "$summary"
}

if [ "${1:-}" = "--static" ]; then
  static_check
  exit 0
fi

[ -f .device/setup.sh ] && source .device/setup.sh
note "== device"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader 2>&1 | tee -a "$summary"
build=${BTPOW_DEVICE_BUILD_DIR:-$root/build-device}
generator=()
[ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null && generator=(-G Ninja)

note "== build (Release, CUDA architecture 90)"
start=$(date +%s)
{ timeout 60 cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DBTPOW_ENABLE_CUDA=ON \
    -DBTPOW_CUDA_ARCHITECTURES=90 -DBTPOW_CUDA_PTXAS_VERBOSE=ON &&
  timeout 220 cmake --build "$build" -j "$jobs"; } >"$out/build.log" 2>&1
build_rc=$?
note "build: exit $build_rc after $(($(date +%s) - start)) s"
grep -A3 "Compiling entry function.*seal_scan_kernel" "$out/build.log" | grep -E "registers|stack" |
  sed 's/^ *//' | sort | uniq -c | tee -a "$summary"
[ $build_rc -eq 0 ] || { note "build failed: see build.log"; exit 1; }

note "== SASS of the production kernel (sm_90)"
kernel_object=$(find "$build" -name 'kernels.cu.o' | head -n 1)
cuobjdump -sass "$kernel_object" >"$out/sass.txt" 2>&1
count_sass "$out/sass.txt" | tee -a "$summary"

note "== CUDA benchmark (GPU time from CUDA events)"
timeout 60 "$build/bench/btpow_bench_cuda" --benchmark_out="$out/bench_cuda.json" \
  --benchmark_out_format=json >"$out/bench_cuda.txt" 2>&1
note "bench: exit $?"
grep -E "^cuda" "$out/bench_cuda.txt" | tee -a "$summary"

note "== ctest (every test; the [cuda] ones need this GPU)"
start=$(date +%s)
(cd "$build" && timeout 150 ctest -j 4 --output-on-failure --timeout 140) >"$out/ctest.log" 2>&1
rc=$?
[ $rc -eq 0 ] || status=1
note "ctest: exit $rc after $(($(date +%s) - start)) s"
grep -E "tests passed|tests failed|\(Skipped\)|\(Failed\)|\(Timeout\)|Not Run" "$out/ctest.log" | tee -a "$summary"

note "== compute-sanitizer on the short [cuda] tests"
: >"$out/sanitizer.log"
for tool in memcheck racecheck initcheck; do
  echo "---- $tool" >>"$out/sanitizer.log"
  timeout 45 compute-sanitizer --tool "$tool" --error-exitcode 99 "$build/tests/btpow_tests" "[cuda][short]" \
    >>"$out/sanitizer.log" 2>&1
  rc=$?
  [ $rc -eq 0 ] || status=1
  note "$tool: exit $rc ($(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" "$out/sanitizer.log" | tail -n 1))"
done
note "done: logs in $out (overall exit $status)"
exit $status
