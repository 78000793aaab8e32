#!/usr/bin/env python3
"""Per CPU path: instructions per seal from the disassembly, the port-rate bound they imply, and
the measured cycles per seal (btpow_bench_cpu --cycles), so a change to a path is judged the same
way every time. Several --build directories are measured alternately in one run (placement).
Usage and the model: docs/cpu-bounds.md."""

import argparse
import atexit
import glob
import json
import os
import re
import statistics
import shutil
import subprocess
import sys
import tempfile

# Port rates on the machine the bounds were set on (Zen 5 VM; microbenchmarks in issue 24):
# per cycle, vector logic/add 4, of them shifts/rotates/shuffles 2; 2 loads and 2 stores;
# sha256rnds2 one per 2 cycles. Scalar ALU and dispatch widths are Zen 5's documented ones.
RATES = {"valu": 4.0, "shift": 2.0, "load": 2.0, "store": 2.0, "scalar": 6.0, "dispatch": 8.0}
SHA_CYCLES = {"sha256rnds2": 2.0, "sha256msg1": 1.0, "sha256msg2": 1.0}
REFERENCE_GHZ = 3.15  # the conversion to seals/s
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SHIFT_RE = re.compile(
    r"^v?p(sll|srl|sra|rol|ror|shuf|unpck|alignr|erm|broadcast|insr|extr|blendw)|^v(perm|shuf|insert|extract|"
    r"broadcast|pbroadcast|alignr|pmovzx|pmovsx|pcompress|pexpand)|^(psrldq|pslldq|vpsrldq|vpslldq)")
VECTOR_RE = re.compile(r"^v|^p[a-z]|^movdq|^movq$|^movd$")
MOVE_RE = re.compile(r"^v?mov(dq[au]|dqa64|dqu64|dqa32|dqu32|dqu8|aps|ups|apd|upd|q|d)$|^mov$|^movabs$")

SEALS = {  # seal name -> (PlanKind value, TopIsLe)
    "le": (0, "true"),
    "be": (0, "false"),
    "v1": (1, "true"),
    "v1-nonce-order": (2, "true"),
}


def hot_functions(path, seal):
    """(object file stem, demangled-name regex, nonces per pass, loop trips) of a path's hot code.

    Loop trips: how many times each loop the disassembly shows runs per call, in address order
    (a loop not listed runs once); 'body' counts only the first loop's body (a scan function
    whose loop handles `nonces` per pass)."""
    kind, le = SEALS[seal]
    pk = rf"\(btpow::core::PlanKind\){kind}"
    if path == "scalar" or (path == "sha" and seal == "v1-nonce-order"):
        return [("scalar", rf"::seal_input_lanes<{pk}>\(", 1, {}), ("scalar", rf"::seal_top<{le}>\(", 1, KECCAK_LOOP)]
    if path == "sha":
        return [("sha_ni", rf"::scan<{pk}, {le}>\(", 2, {"body": True}),
                ("sha_ni", rf"::seal_top<{le}>\(", 1, KECCAK_LOOP)]
    if path == "avx2" or (path == "avx2+sha" and seal == "v1-nonce-order"):
        return [("avx2", rf"tops_and_next_lanes<[^<>]*Avx2Path, {pk}, {le}>\((?!.*lambda)", 8, INTERLEAVED_LOOPS),
                ("avx2", rf"tops_and_next_lanes<[^<>]*Avx2Path, {pk}, {le}>\(.*lambda", 8, SLICE_CALLS)]
    if path == "avx2+sha":
        return [("avx2", rf"scan_with_sha_ni<{pk}, {le}>\(", 4, {"body": True}),
                ("avx2", rf"Avx2Path::seal_top<{le}>\(", 4, KECCAK_LOOP)]
    if path == "avx512":
        return [("avx512", rf"tops_and_next_lanes<[^<>]*Avx512Path, {pk}, {le}>\((?!.*lambda)", 16,
                 dict(INTERLEAVED_LOOPS, slices=True))]
    raise SystemExit(f"cpu_bounds.py: unknown path '{path}'")


# The seal's Keccak as a loop: 11 passes of two rounds (keccak_seal_rounds with RoundLoop).
KECCAK_LOOP = {"trips": [11]}
# group_scan.hpp's tops_and_next_lanes: a loop over the two Keccak vectors around the round loop.
# Only conditional backward branches, and unconditional ones around such a loop, are loops here.
# Its SHA-256 slices run once per call: inlined (avx512), from a slice mark (below) to the next
# unconditional jump, wherever the compiler placed them; out of line (avx2, kSlicesInline), in
# the function the round loop calls at each of its 22 passes, where the rest runs 22 times.
INTERLEAVED_LOOPS = {"trips": [2, 11], "nested": True}
SLICE_CALLS = {"calls": 22, "slices": True}
# BTPOW_SHA_SLICE_MARK, the no-op at the start of each slice.
SLICE_MARK_RE = re.compile(r"\[rax\+0x5eed\]")
SLICE_MARK = "slice-mark"


def find_object(build, stem):
    hits = sorted(glob.glob(os.path.join(build, "**", "cpu", f"{stem}.cpp.o"), recursive=True))
    if not hits:
        raise SystemExit(f"cpu_bounds.py: no {stem}.cpp.o under {build} (build it first)")
    return hits[0]


def disassemble(obj):
    """{demangled function name: [(address, mnemonic, operands)]}"""
    out = subprocess.run(["objdump", "-d", "-C", "-M", "intel", "--no-show-raw-insn", obj],
                         check=True, capture_output=True, text=True).stdout
    functions, current = {}, None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if m:
            current = functions.setdefault(m.group(1), [])
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if m and current is not None:
            mnemonic, operands = m.group(2), m.group(3)
            if SLICE_MARK_RE.search(operands):
                mnemonic = SLICE_MARK
            elif mnemonic in ("nop", "nopw", "nopl", "xchg", "cs", "data16") or mnemonic.startswith("nop"):
                continue
            current.append((int(m.group(1), 16), mnemonic, operands))
    return functions


def loops_of(code, nested=False):
    """[(first index, last index)] of each backward branch's body, in address order. nested: only
    conditional backward branches, and unconditional ones whose body holds such a loop."""
    index = {addr: i for i, (addr, _, _) in enumerate(code)}
    loops = []
    for i, (addr, mnemonic, operands) in enumerate(code):
        if mnemonic.startswith("j"):
            m = re.match(r"^([0-9a-f]+)\s", operands + " ")
            if m and int(m.group(1), 16) < addr and int(m.group(1), 16) in index:
                loops.append((index[int(m.group(1), 16)], i, mnemonic == "jmp"))
    if nested:
        inner = [(f, l) for f, l, jump in loops if not jump]
        loops = [(f, l, jump) for f, l, jump in loops
                 if not jump or any(f < fi and li < l for fi, li in inner)]
    return sorted((f, l) for f, l, _ in loops)


def classify(mnemonic, operands):
    """Counts one instruction into the model's classes."""
    classes = {"total": 1}
    memory = "PTR [" in operands or "[r" in operands
    dest_memory = memory and operands.split(",")[0].find("[") >= 0
    if mnemonic in SHA_CYCLES:
        classes["sha"] = SHA_CYCLES[mnemonic]
    elif MOVE_RE.match(mnemonic):
        pass  # a register move is eliminated; a memory move is only a load or a store
    elif SHIFT_RE.match(mnemonic):
        classes["shift"] = 1
        classes["valu"] = 1
    elif VECTOR_RE.match(mnemonic) and not mnemonic.startswith("pop") and not mnemonic.startswith("push"):
        classes["valu"] = 1
    elif not mnemonic.startswith("j") and mnemonic not in ("ret", "call", "vzeroupper"):
        classes["scalar"] = 1
    if memory and not mnemonic.startswith("lea"):
        if dest_memory:
            classes["store"] = 1
        else:
            classes["load"] = 1
        if "rsp" in operands or "rbp" in operands:
            classes["stack"] = 1
    return classes


def count_function(code, spec):
    """Instruction classes of one call, and which of them are SHA-256 slices (spec: see
    hot_functions)."""
    loops = loops_of(code, spec.get("nested", False))
    if spec.get("nested") and len(loops) != len(spec["trips"]):
        raise SystemExit(f"cpu_bounds.py: expected {len(spec['trips'])} loops in an interleaved function, found "
                         f"{len(loops)}: its layout changed; update INTERLEAVED_LOOPS")
    weights = [float(spec.get("calls", 1))] * len(code)
    if spec.get("body"):
        if not loops:
            raise SystemExit("cpu_bounds.py: expected a loop in a scan function")
        first, last = max(loops, key=lambda l: l[1] - l[0])
        weights = [1.0 if first <= i <= last else 0.0 for i in range(len(code))]
    for trips, (first, last) in zip(spec.get("trips", []), loops):
        for i in range(first, last + 1):
            weights[i] *= trips
    sliced = [False] * len(code)
    if spec.get("slices"):
        in_slice = False
        for i, (_, mnemonic, _) in enumerate(code):
            in_slice = in_slice or mnemonic == SLICE_MARK
            if in_slice:
                weights[i], sliced[i] = 1.0, True
                in_slice = mnemonic not in ("jmp", "ret")
        if not any(sliced):
            raise SystemExit("cpu_bounds.py: no SHA-256 slice marks where slices were expected")
    totals = {}
    for w, is_slice, (_, mnemonic, operands) in zip(weights, sliced, code):
        if mnemonic == SLICE_MARK:
            continue
        for k, v in classify(mnemonic, operands).items():
            totals[k] = totals.get(k, 0.0) + w * v
            if is_slice and k == "total":
                totals["slices"] = totals.get("slices", 0.0) + w * v
    return totals, len(loops)


def static_counts(build, path, seal, cache):
    per_seal, parts = {}, []
    for stem, pattern, nonces, spec in hot_functions(path, seal):
        obj = find_object(build, stem)
        if obj not in cache:
            cache[obj] = disassemble(obj)
        matches = [name for name in cache[obj] if re.search(pattern, name)]
        if len(matches) != 1:
            raise SystemExit(f"cpu_bounds.py: {len(matches)} functions match {pattern} in {obj}: {matches[:4]}")
        totals, loops = count_function(cache[obj][matches[0]], spec)
        if not spec.get("nested") and not spec.get("slices"):
            parts.append(f"{round(totals['total'] / nonces)}" + (f" (loop x{spec['trips'][-1]})" if loops and spec.get("trips") else ""))
        for k, v in totals.items():
            per_seal[k] = per_seal.get(k, 0.0) + v / nonces
    if "slices" in per_seal:  # interleaved: the SHA-256 slices, then everything else
        sha = per_seal.pop("slices")
        parts = [f"{round(sha)}", f"{round(per_seal['total'] - sha)} (loop x{INTERLEAVED_LOOPS['trips'][-1]})"]
    return per_seal, parts


def bound(per_seal):
    terms = {
        "vector ALU (4/cycle)": per_seal.get("valu", 0) / RATES["valu"],
        "shifts/shuffles (2/cycle)": per_seal.get("shift", 0) / RATES["shift"],
        "loads (2/cycle)": per_seal.get("load", 0) / RATES["load"],
        "stores (2/cycle)": per_seal.get("store", 0) / RATES["store"],
        "scalar ALU (6/cycle)": per_seal.get("scalar", 0) / RATES["scalar"],
        "sha256rnds2 (1 per 2 cycles)": per_seal.get("sha", 0),
        "dispatch (8/cycle)": per_seal.get("total", 0) / RATES["dispatch"],
    }
    name = max(terms, key=terms.get)
    return terms[name], name, terms


# Through the library's own front doors: one CPU thread on one path, for the old seal and for v1
# in nonce order (the order btpow.scan and btpow_scan_ex read a range in), timed with the
# process's CPU clock (every thread of it, so the engine's worker counts) and converted to cycles
# by the bench's reference loop, loaded into the same process (btpow_bench_reference) and timed
# on the same clock just before and after the scan.
# Each script defines scan(start, count); FRONT_DOOR_TIMING runs it and prints cycles per nonce.
FRONT_DOOR_SEALS = ("le", "be", "v1-nonce-order")
FRONT_DOOR_TIMING = """
reference = ctypes.CDLL(os.environ["BTPOW_BENCH_REFERENCE"])
reference.btpow_bench_reference_adds.restype = ctypes.c_uint64
reference.btpow_bench_reference_adds.argtypes = [ctypes.c_uint64]
def cycle_seconds(passes=200000):
    begin = time.process_time()
    reference.btpow_bench_reference_adds(passes)
    return (time.process_time() - begin) / (passes * 100)
scan(0, 1 << 14)
cycle_seconds()
before = cycle_seconds()
begin = time.process_time()
scan(1 << 40, nonces)
seconds = time.process_time() - begin
after = cycle_seconds()
print(seconds / ((before + after) / 2) / nonces)
"""
PYTHON_SCAN = """
import ctypes, os, sys, time, btpow
path, seal, nonces = sys.argv[1], sys.argv[2], int(sys.argv[3])
if seal == "v1-nonce-order":
    job = btpow.Job(seal="v1", block_number=1, block_hash=bytes(range(32)), netuid=1, hotkey=bytes([1] * 32),
                    coldkey=bytes([2] * 32), difficulty=1 << 20)
else:
    job = btpow.Job(block_hash=bytes(range(32)), account=bytes(32), difficulty=1 << 20, rule=seal)
def scan(start, count):
    btpow.scan(job, start, count, backend="cpu", threads=1, cpu_isa=path)
""" + FRONT_DOOR_TIMING
C_API_SCAN = """
import ctypes, os, sys, time
class Job(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("seal", ctypes.c_int), ("block_number", ctypes.c_uint64),
                ("block_hash", ctypes.c_ubyte * 32), ("account", ctypes.c_ubyte * 32),
                ("difficulty", ctypes.c_ubyte * 32), ("rule", ctypes.c_int), ("netuid", ctypes.c_uint16),
                ("hotkey", ctypes.c_ubyte * 32), ("coldkey", ctypes.c_ubyte * 32)]
class Options(ctypes.Structure):
    _fields_ = [("backend", ctypes.c_int), ("cpu_threads", ctypes.c_uint), ("cpu_isa", ctypes.c_char_p),
                ("cuda_devices", ctypes.c_void_p), ("cuda_device_count", ctypes.c_size_t),
                ("cuda_batch_ms", ctypes.c_uint), ("has_nonce_start", ctypes.c_int), ("nonce_start", ctypes.c_uint64)]
class Stats(ctypes.Structure):
    _fields_ = [("hashes", ctypes.c_uint64), ("candidates", ctypes.c_uint64), ("compute_errors", ctypes.c_uint64),
                ("seconds", ctypes.c_double), ("setup_seconds", ctypes.c_double)]
lib = ctypes.CDLL(sys.argv[1])
path, seal, nonces = sys.argv[2].encode(), sys.argv[3], int(sys.argv[4])
job = Job()
if lib.btpow_job_ex_init(ctypes.byref(job)) != 0:
    sys.exit("btpow_job_ex_init failed")
job.block_number = 1
job.block_hash[:] = bytes(range(32))
job.difficulty[2] = 0x10  # d = 2^20, little-endian
if seal == "v1-nonce-order":
    job.seal, job.rule, job.netuid = 1, 0, 1
    job.hotkey[:], job.coldkey[:] = bytes([1] * 32), bytes([2] * 32)
else:
    job.seal, job.rule = 0, {"le": 0, "be": 1}[seal]
options = Options(backend=1, cpu_threads=1, cpu_isa=path)
hits, found, stats = (ctypes.c_uint64 * 4096)(), ctypes.c_size_t(), Stats()
def scan(start, count):
    status = lib.btpow_scan_ex(ctypes.byref(job), ctypes.c_uint64(start), ctypes.c_uint64(count), ctypes.byref(options),
                               hits, ctypes.c_size_t(4096), ctypes.byref(found), ctypes.byref(stats))
    if status != 0:
        sys.exit(f"btpow_scan_ex: status {status}")
""" + FRONT_DOOR_TIMING


_packages = {}
_copies = {}


def placed(path, copy):
    """path itself for copy 0; otherwise a fresh copy of the file, made once per run and removed
    at exit. A new file gets new page-cache pages, so its code sits at new physical addresses,
    which on the development VM moved one path by 15 % (docs/cpu-bounds.md, "Placement")."""
    if copy == 0:
        return path
    key = (os.path.abspath(path), copy)
    if key not in _copies:
        where = tempfile.mkdtemp(prefix="cpu_bounds_copy_")
        atexit.register(shutil.rmtree, where, True)
        _copies[key] = shutil.copy2(path, where)
    return _copies[key]


def python_package(extension):
    """A directory holding the package as pip lays it out (python/btpow's modules beside the
    build's extension), made once per run and removed at exit."""
    if extension not in _packages:
        where = tempfile.mkdtemp(prefix="cpu_bounds_")
        atexit.register(shutil.rmtree, where, True)
        package = os.path.join(where, "btpow")
        shutil.copytree(os.path.join(ROOT, "python", "btpow"), package)
        os.symlink(os.path.abspath(extension), os.path.join(package, os.path.basename(extension)))
        _packages[extension] = where
    return _packages[extension]


def built_files(build, pattern):
    """Files named pattern under build, the shallowest first: the build's own, not the copies
    that tests install deeper down (tests/consumer-work/prefix)."""
    found = glob.glob(os.path.join(build, "**", pattern), recursive=True)
    return sorted(found, key=lambda f: (f.count(os.sep), f))


def front_door_cycles(kind, build, path, seal, nonces, copy):
    reference = os.path.join(build, "bench", "btpow_bench_reference.so")
    if not os.path.exists(reference):
        raise SystemExit(f"cpu_bounds.py: no {reference} (a build with -DBTPOW_BUILD_BENCH=ON makes it)")
    env = dict(os.environ, BTPOW_BENCH_REFERENCE=os.path.abspath(reference))
    if kind == "python":
        modules = built_files(build, "_btpow*.so")
        if not modules:
            raise SystemExit(f"cpu_bounds.py: no Python extension (_btpow*.so) under {build}")
        env["PYTHONPATH"] = python_package(placed(modules[0], copy))
        cmd = [sys.executable, "-c", PYTHON_SCAN, path, seal, str(nonces)]
    else:
        libs = built_files(build, "libbtpow.so")
        if not libs:
            raise SystemExit(f"cpu_bounds.py: no libbtpow.so under {build}")
        cmd = [sys.executable, "-c", C_API_SCAN, placed(libs[0], copy), path, seal, str(nonces)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return float(out.split()[-1])


def measure(builds, paths, seals, rounds, nonces, front_doors, copies):
    """{(build, path, seal): [cycles per seal]}, builds (and each build's copies) alternated round
    by round; front doors ('python', 'capi') of the first build measured right after its bench run."""
    results = {}
    for r in range(rounds):
        for build in builds:
            for copy in range(copies):
                binary = placed(os.path.join(build, "bench", "btpow_bench_cpu"), copy)
                cmd = [binary, "--cycles", f"--paths={','.join(paths)}", f"--seals={','.join(seals)}",
                       "--rounds=1", f"--nonces={nonces}"]
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                for line in out.splitlines():
                    row = json.loads(line)
                    results.setdefault((build, row["path"], row["seal"]), []).append(row["cycles_median"])
                for kind in front_doors if build == builds[0] else []:
                    for path in paths:
                        for seal in (s for s in seals if s in FRONT_DOOR_SEALS):
                            cycles = front_door_cycles(kind, build, path, seal, nonces, copy)
                            results.setdefault((f"{kind}:{build}", path, seal), []).append(cycles)
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="append", help="build directory (repeat to compare builds); default build")
    parser.add_argument("--paths", default="avx512,avx2+sha,avx2,sha,scalar")
    parser.add_argument("--seals", default="le,be,v1,v1-nonce-order")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median reported)")
    parser.add_argument("--nonces", type=int, default=1 << 20, help="nonces per timed run")
    parser.add_argument("--static", action="store_true", help="disassembly only, measure nothing")
    parser.add_argument("--front-doors", default="",
                        help="also time the first build's 'python' extension and/or 'capi' (libbtpow.so), "
                             "comma-separated (seals le, be and v1-nonce-order)")
    parser.add_argument("--copies", type=int, default=1,
                        help="run each build's binaries from this many copies of their files, pooled per build "
                             "(see docs/cpu-bounds.md, \"Placement\")")
    parser.add_argument("--cpu", type=int, help="run every timed process on this CPU only (see docs/cpu-bounds.md)")
    args = parser.parse_args()
    if args.cpu is not None:
        try:
            os.sched_setaffinity(0, {args.cpu})  # inherited by the benchmark processes
        except (OSError, ValueError) as e:
            raise SystemExit(f"cpu_bounds.py: --cpu {args.cpu}: {e}")
    if args.copies < 1:
        raise SystemExit(f"cpu_bounds.py: --copies: expected a positive number, got {args.copies}")
    builds = args.build or ["build"]
    paths, seals = args.paths.split(","), args.seals.split(",")
    for s in seals:
        if s not in SEALS:
            raise SystemExit(f"cpu_bounds.py: --seals: unknown seal '{s}' (expected {', '.join(SEALS)})")

    cache, rows = {}, []
    for path in paths:
        for seal in seals:
            per_seal, parts = static_counts(builds[0], path, seal, cache)
            cycles, what, _ = bound(per_seal)
            rows.append((path, seal, per_seal, parts, cycles, what))
    front_doors = [d for d in args.front_doors.split(",") if d]
    for d in front_doors:
        if d not in ("python", "capi"):
            raise SystemExit(f"cpu_bounds.py: --front-doors: unknown '{d}' (expected python, capi)")
    measured = {} if args.static else measure(builds, paths, seals, args.rounds, args.nonces, front_doors,
                                                 args.copies)
    columns = [] if args.static else builds + [f"{d}:{builds[0]}" for d in front_doors]

    print(f"{'path':9} {'seal':15} {'insn/seal':>9} {'(sha + keccak)':>20} {'stack':>6} {'bound':>6}  "
          f"{'bound is':28}", end="")
    for b in columns:
        print(f" | {os.path.basename(os.path.normpath(b))[:22]:>22}: cyc  M/s  of-bound", end="")
    print()
    for path, seal, per_seal, parts, cycles, what in rows:
        print(f"{path:9} {seal:15} {per_seal['total']:9.0f} {' + '.join(parts):>20} {per_seal.get('stack', 0):6.0f} "
              f"{cycles:6.0f}  {what:28}", end="")
        for b in columns:
            values = measured.get((b, path, seal), [])
            if not values:
                print(f" | {'':>36}", end="")
            else:
                med = statistics.median(values)
                spread = f"({min(values):.0f}-{max(values):.0f})"
                print(f" | {med:6.0f} {spread:>13} {REFERENCE_GHZ * 1e3 / med:5.1f} {cycles / med:5.2f}   ", end="")
        print()


if __name__ == "__main__":
    main()
