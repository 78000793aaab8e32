#!/usr/bin/env bash
# Soak test of `btpow solve --jobs -`, the way a miner runs it: a new job every 12 s (one per
# block) for MINUTES (default 60), on the CPU backend. Every solution is re-verified by an
# independent Keccak/SHA-256 in Python (not the library), every job must get its solutions, the
# exact hash counts must add up, and the resident memory must stay flat. A refused line is mixed
# in every 50 jobs, and must be reported and skipped. Ends with one verdict line; exit 0 on PASS.
#
#   scripts/soak.sh [MINUTES]      environment: BTPOW (the binary, default build/examples/btpow),
#                                  SOAK_THREADS (1), SOAK_DIFFICULTY (2000000), SOAK_COUNT (2),
#                                  SOAK_INTERVAL (12 s), SOAK_BAD_EVERY (50), SOAK_SEED,
#                                  SOAK_LOG (a directory for the raw output)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SOAK_MINUTES=${1:-60}
export BTPOW=${BTPOW:-$here/../build/examples/btpow}
[ -x "$BTPOW" ] || { echo "soak: no btpow binary at $BTPOW (build first, or set BTPOW)" >&2; exit 2; }
exec python3 - <<'PYTHON'
import hashlib, json, os, random, re, subprocess, sys, tempfile, threading, time

MINUTES = float(os.environ["SOAK_MINUTES"])
BTPOW = os.environ["BTPOW"]
THREADS = os.environ.get("SOAK_THREADS", "1")
DIFFICULTY = int(os.environ.get("SOAK_DIFFICULTY", "2000000"))
COUNT = int(os.environ.get("SOAK_COUNT", "2"))
INTERVAL = float(os.environ.get("SOAK_INTERVAL", "12"))
BAD_EVERY = int(os.environ.get("SOAK_BAD_EVERY", "50"))
LOG = os.environ.get("SOAK_LOG") or tempfile.mkdtemp(prefix="btpow-soak-")
M = 2**256 - 1

# ---- an independent reference: legacy Keccak-256 (padding 0x01, docs/protocol.md §1) and hashlib's SHA-256
def _round_constants():
    r, out = 1, []
    for _ in range(24):
        rc = 0
        for j in range(7):
            r = ((r << 1) ^ ((r >> 7) * 0x71)) % 256
            if r & 2:
                rc ^= 1 << ((1 << j) - 1)
        out.append(rc)
    return out
RC = _round_constants()
ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14]
MASK = 2**64 - 1
def rol(v, n): return ((v << n) | (v >> (64 - n))) & MASK if n else v
def keccak_f(a):
    for rc in RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [a[i] ^ d[i % 5] for i in range(25)]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rol(a[x + 5 * y], ROT[x + 5 * y])
        a = [b[i] ^ (~b[(i % 5 + 1) % 5 + 5 * (i // 5)] & b[(i % 5 + 2) % 5 + 5 * (i // 5)]) for i in range(25)]
        a[0] ^= rc
    return a
def keccak256(data):
    rate = 136
    padded = bytearray(data) + b"\x01" + bytes((-len(data) - 1) % rate)
    padded[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(padded), rate):
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(padded[off + 8 * i: off + 8 * i + 8], "little")
        state = keccak_f(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))
def seal_of(block_hash, account, nonce):
    h = keccak256(block_hash + account)
    return keccak256(hashlib.sha256(nonce.to_bytes(8, "little") + h).digest())
def passes_le(seal, d):
    return d == 0 or int.from_bytes(seal, "little") <= M // d
ALICE = bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
assert seal_of(bytes(32), ALICE, 0).hex() == "8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f"
def faucet_call(block_number, nonce, seal):
    return "0x073c" + block_number.to_bytes(8, "little").hex() + nonce.to_bytes(8, "little").hex() + "80" + seal.hex()

# ---- the run
def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

stderr_file = open(os.path.join(LOG, "stderr.log"), "w")
proc = subprocess.Popen([BTPOW, "solve", "--jobs", "-", "--json", "--backend", "cpu", "--threads", THREADS],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr_file, text=True, bufsize=1)
lines = []
def read_stdout():
    for line in proc.stdout:
        lines.append(line)
reader = threading.Thread(target=read_stdout, daemon=True)
reader.start()

rng = random.Random(int(os.environ.get("SOAK_SEED", str(int(time.time())))))
jobs = {}             # block_number -> (block_hash, account)
bad_lines = []        # line numbers of the lines meant to be refused
rss = []              # (seconds, KiB)
started = time.monotonic()
deadline = started + MINUTES * 60
line_number = 0
block_number = 1000
while time.monotonic() < deadline:
    line_number += 1
    if line_number % BAD_EVERY == 0:
        proc.stdin.write('{"block_number":1,"block_hash":"0x00","rule":"le","rulez":"le"}\n')
        bad_lines.append(line_number)
    else:
        block_number += 1
        block_hash, account = rng.randbytes(32), rng.randbytes(32)
        jobs[block_number] = (block_hash, account)
        proc.stdin.write(json.dumps({"block_number": block_number, "block_hash": "0x" + block_hash.hex(),
                                     "account": "0x" + account.hex(), "difficulty": str(DIFFICULTY),
                                     "rule": "le", "count": COUNT}) + "\n")
    proc.stdin.flush()
    time.sleep(INTERVAL)
    rss.append((time.monotonic() - started, rss_kib(proc.pid)))
proc.stdin.close()
code = proc.wait(timeout=600)
reader.join(timeout=10)
elapsed = time.monotonic() - started
stderr_file.close()
with open(os.path.join(LOG, "stdout.jsonl"), "w") as f:
    f.writelines(lines)

# ---- the checks
problems = []
solutions = {}        # block_number -> [solution]
errors = []
for line in lines:
    obj = json.loads(line)
    if "error" in obj:
        errors.append(obj)
        continue
    solutions.setdefault(obj["block_number"], []).append(obj)
verified = 0
for number, found in solutions.items():
    if number not in jobs:
        problems.append(f"a solution for block {number}, which was never sent")
        continue
    block_hash, account = jobs[number]
    last_hashes = 0
    for s in found:
        nonce = int(s["nonce"])
        seal = seal_of(block_hash, account, nonce)
        if s["seal"] != "0x" + seal.hex() or not passes_le(seal, DIFFICULTY):
            problems.append(f"block {number} nonce {nonce}: the seal does not verify")
        elif s["faucet_call"] != faucet_call(number, nonce, seal) or s["block_hash"] != "0x" + block_hash.hex():
            problems.append(f"block {number} nonce {nonce}: the faucet call or block hash is wrong")
        else:
            verified += 1
        if int(s["hashes"]) < last_hashes:
            problems.append(f"block {number}: hash counts go backwards")
        last_hashes = int(s["hashes"])
    if len({s["nonce"] for s in found}) != len(found):
        problems.append(f"block {number}: a nonce printed twice")
short = [n for n in jobs if len(solutions.get(n, [])) != COUNT]
if short:
    problems.append(f"{len(short)} job(s) without exactly {COUNT} solutions (first: block {short[0]})")
if sorted(e.get("line") for e in errors) != bad_lines:
    problems.append(f"error objects for lines {sorted(e.get('line') for e in errors)}, expected {bad_lines}")
summary = [l for l in open(os.path.join(LOG, "stderr.log")) if "summary:" in l]
total = None
if not summary:
    problems.append("no summary on stderr")
else:
    m = re.search(r"summary: (\d+) job\(s\), (\d+) solution\(s\), (\d+) line\(s\) refused, (\d+) seals hashed "
                  r"in .*? \((.*)\)\s*$", summary[-1])
    if not m:
        problems.append("the summary line does not parse: " + summary[-1].strip())
        m_jobs = m_solutions = m_refused = total = per_device = 0
    else:
        m_jobs, m_solutions, m_refused, total = (int(m.group(i)) for i in range(1, 5))
        per_device = sum(int(part.split()[-1]) for part in m.group(5).split(", "))
    if per_device != total:
        problems.append(f"per-device hashes add up to {per_device}, the total says {total}")
    if m_jobs != len(jobs):
        problems.append(f"the summary counts {m_jobs} jobs, {len(jobs)} were sent")
    if m_solutions != sum(len(v) for v in solutions.values()):
        problems.append(f"the summary counts {m_solutions} solutions, stdout holds another number")
    if m_refused != len(bad_lines):
        problems.append(f"the summary counts {m_refused} refused lines, {len(bad_lines)} were bad")
    job_hashes = sum(int(found[-1]["hashes"]) for found in solutions.values())
    if job_hashes > total:
        problems.append(f"solutions claim {job_hashes} hashes, more than the {total} hashed")
if code != 0:
    problems.append(f"exit code {code}")
# Flat memory: the last samples against those after the first minute (start-up allocations).
warm = [k for t, k in rss if t >= 60] or [k for _, k in rss]
rss_start, rss_end, rss_max = warm[0], rss[-1][1] if rss else 0, max(k for _, k in rss) if rss else 0
if rss_end > rss_start * 1.10 + 4096:
    problems.append(f"RSS grew from {rss_start} KiB to {rss_end} KiB")

n_solutions = sum(len(v) for v in solutions.values())
rate = f", {total / elapsed / 1e6:.2f} MH/s" if total else ""
print(f"soak: {'PASS' if not problems else 'FAIL'}: {elapsed / 60:.1f} min, {len(jobs)} jobs, {n_solutions} solutions "
      f"({verified} re-verified), {len(errors)} error lines ({len(bad_lines)} injected), exit {code}, "
      f"{total} seals hashed{rate}, RSS {rss_start} KiB after 1 min -> {rss_end} KiB at end (max {rss_max}); "
      f"threads {THREADS}, d {DIFFICULTY}, {COUNT} per job; logs in {LOG}")
for p in problems[:20]:
    print("soak:   " + p)
sys.exit(0 if not problems else 1)
PYTHON
