"""btpow.bittensor_core.pow_mine_cpu on one core against what the SDK falls back to, a plain Python
loop of hashlib.sha256 + Keccak-256 (pycryptodome) per nonce, over the same v1 job; and, when a
GPU is there, PowGpuMiner.mine at the SDK's 100 000 attempts a call (seals/s and the per-call
overhead against one long scan on the same device).

    taskset -c 0 python3 python/bench/bittensor_core.py [--calls 20] [--loop-nonces 100000]

Both CPU sides run on the calling thread's core (pin the process with taskset so they share one).
A difficulty no seal of the range meets makes every call hash all of its attempts.
"""

import argparse
import hashlib
import statistics
import time

from Cryptodome.Hash import keccak

import btpow
import btpow.bittensor_core as bc

TAG = b"subtensor-pow-register-v1"
PREFIX = TAG + b"\x07\x00" + bytes(range(32)) + bytes(range(32, 64)) + bytes(range(64, 96))
UNREACHABLE = 1 << 250  # about one seal in 2^250 passes: every attempt is hashed
ATTEMPTS = 100_000      # what the SDK asks per call


def python_loop(prefix, difficulty, start, attempts):
    """The SDK's fallback: one sha256 and one keccak per nonce, in Python."""
    bound = ((1 << 256) - 1) // difficulty
    for offset in range(attempts):
        nonce = (start + offset) % (1 << 64)
        digest = hashlib.sha256(prefix + nonce.to_bytes(8, "little")).digest()
        seal = keccak.new(digest_bits=256, data=digest).digest()
        if int.from_bytes(seal, "little") <= bound:
            return nonce, seal
    return None


def rate_of(fn, nonces_per_call, calls):
    """Median seals/s over calls, by wall time and by this process's CPU time (which a busy,
    shared machine distorts far less)."""
    wall, cpu = [], []
    for i in range(calls):
        began, cpu_began = time.perf_counter(), time.process_time()
        assert fn(i) is None
        wall.append(nonces_per_call / (time.perf_counter() - began))
        cpu.append(nonces_per_call / max(time.process_time() - cpu_began, 1e-9))
    return statistics.median(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--loop-nonces", type=int, default=100_000)
    args = parser.parse_args()

    loop = rate_of(lambda i: python_loop(PREFIX, UNREACHABLE, i * args.loop_nonces, args.loop_nonces),
                   args.loop_nonces, 3)
    mine = rate_of(lambda i: bc.pow_mine_cpu(PREFIX, UNREACHABLE, i * ATTEMPTS, ATTEMPTS), ATTEMPTS, args.calls)
    job = btpow.Job(seal="v1", netuid=7, block_hash=PREFIX[27:59], hotkey=PREFIX[59:91], coldkey=PREFIX[91:123],
                    difficulty=UNREACHABLE)
    long = rate_of(lambda i: btpow.scan(job, i * 20 * ATTEMPTS, 20 * ATTEMPTS, threads=1).hits or None,
                   20 * ATTEMPTS, 3)
    print(f"python loop (hashlib + pycryptodome): {loop[0]:,.0f} seals/s wall, {loop[1]:,.0f} per CPU second")
    print(f"pow_mine_cpu, {ATTEMPTS} attempts a call, 1 thread: {mine[0]:,.0f} seals/s wall, "
          f"{mine[1]:,.0f} per CPU second (median of {args.calls} calls)")
    print(f"btpow.scan of {20 * ATTEMPTS} nonces, 1 thread: {long[0]:,.0f} seals/s wall, {long[1]:,.0f} per CPU second")
    print(f"pow_mine_cpu / python loop: {mine[0] / loop[0]:.1f}x wall, {mine[1] / loop[1]:.1f}x CPU time")

    devices = bc.pow_gpu_devices()
    if not devices:
        print("PowGpuMiner: no CUDA device in this build or on this machine, not measured")
        return
    miner = bc.PowGpuMiner(devices[:1])
    gpu = rate_of(lambda i: miner.mine(PREFIX, UNREACHABLE, i * ATTEMPTS, ATTEMPTS), ATTEMPTS, args.calls)[0]
    count = 1 << 34
    long = btpow.scan(job, 0, count, backend="cuda", devices=devices[:1])
    own = long.hashes / long.seconds
    print(f"PowGpuMiner.mine, {ATTEMPTS} attempts a call, cuda:{devices[0]}: {gpu:,.0f} seals/s")
    print(f"btpow.scan of {count} nonces on cuda:{devices[0]}: {own:,.0f} seals/s "
          f"(set-up {long.setup_seconds:.3f} s); per-call overhead {ATTEMPTS / gpu - ATTEMPTS / own:.4f} s")


if __name__ == "__main__":
    main()
