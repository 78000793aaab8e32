"""What the Python layer costs: btpow.scan against the C++ scan (the CLI's `btpow scan --json`,
whose seconds + setup_seconds time scan() alone) over the same range, run back to back and
repeated; and btpow.cubit.solve_cuda with the SDK's defaults (256 x 50 000 nonces a call) against
`btpow bench`.

    python3 python/bench/overhead.py --cli build/examples/btpow [--backend cpu|cuda] [--count N]
"""

import argparse
import json
import resource
import statistics
import subprocess
import time

import btpow
import btpow.cubit

ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
ZERO = "0x" + "00" * 32
M = (1 << 256) - 1


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_scan(cli, backend, start, count, difficulty):
    cpu = children_cpu()
    out = subprocess.run([cli, "scan", "--block-hash", ZERO, "--account", ALICE, "--difficulty", str(difficulty),
                          "--start", str(start), "--count", str(count), "--backend", backend, "--json"],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["seconds"] + result["setup_seconds"], children_cpu() - cpu, [int(h) for h in result["hits"]]


def py_scan(backend, start, count, difficulty):
    job = btpow.Job(block_hash=ZERO, account=ALICE, difficulty=difficulty)
    began, cpu = time.perf_counter(), time.process_time()
    result = btpow.scan(job, start, count, backend=backend)
    return time.perf_counter() - began, time.process_time() - cpu, result.hits


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--count", type=int, default=20_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cubit-calls", type=int, default=10)
    parser.add_argument("--bench-seconds", type=int, default=10)
    args = parser.parse_args()
    d = 1_000_000

    cpp, py, wall_ratios, cpu_ratios = [], [], [], []
    for i in range(args.repeats):
        start = i * args.count
        # Alternate which side goes first, so that a drift in the machine's load hits both.
        if i % 2 == 0:
            t_cpp, c_cpp, hits_cpp = cli_scan(args.cli, args.backend, start, args.count, d)
            t_py, c_py, hits_py = py_scan(args.backend, start, args.count, d)
        else:
            t_py, c_py, hits_py = py_scan(args.backend, start, args.count, d)
            t_cpp, c_cpp, hits_cpp = cli_scan(args.cli, args.backend, start, args.count, d)
        assert hits_cpp == hits_py, "the two scans disagree"
        cpp.append(t_cpp)
        py.append(t_py)
        wall_ratios.append(t_py / t_cpp)
        cpu_ratios.append(c_py / c_cpp)
        print(f"run {i}: C++ {args.count / t_cpp / 1e6:.2f} M/s ({c_cpp:.2f} s CPU), "
              f"Python {args.count / t_py / 1e6:.2f} M/s ({c_py:.2f} s CPU)", flush=True)
    m_cpp, m_py = statistics.median(cpp), statistics.median(py)
    print(f"scan of {args.count:,} nonces on {args.backend}, median of {args.repeats}: C++ {m_cpp:.3f} s "
          f"({args.count / m_cpp / 1e6:.2f} M/s), Python {m_py:.3f} s ({args.count / m_py / 1e6:.2f} M/s); "
          f"Python / C++ per pair, median: wall {statistics.median(wall_ratios):.3f}, "
          f"CPU time {statistics.median(cpu_ratios):.3f}")

    # cubit with the SDK's defaults at a difficulty where calls rarely succeed, so each covers its
    # whole range (12.8 M nonces).
    h = btpow.block_and_hotkey_hash(ZERO, ALICE).hex().encode()
    upper = (M // (1 << 40)).to_bytes(32, "little")
    tpb, interval = 256, 50_000
    btpow.cubit.solve_cuda(tpb, 0, 1, upper, h, 0)  # the one-time device listing, not timed
    began, cpu = time.perf_counter(), time.process_time()
    for call in range(args.cubit_calls):
        btpow.cubit.solve_cuda(tpb, (call + 1) * tpb * interval, interval, upper, h, 0)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    seals = args.cubit_calls * tpb * interval
    bench_cpu = children_cpu()
    bench = json.loads(subprocess.run([args.cli, "bench", "--backend", args.backend, "--seconds",
                                       str(args.bench_seconds), "--json"], check=True, capture_output=True,
                                      text=True).stdout)
    bench_cpu = children_cpu() - bench_cpu
    bench_rate = sum(entry["seals_per_second"] for entry in bench)
    bench_seals = sum(int(entry["nonces"]) for entry in bench)
    print(f"cubit.solve_cuda(256, _, 50000, ...) x {args.cubit_calls}: {seals / wall / 1e6:.2f} M seals/s "
          f"({wall / args.cubit_calls * 1000:.0f} ms a call), {seals / cpu / 1e6:.2f} M seals per CPU second; "
          f"btpow bench: {bench_rate / 1e6:.2f} M seals/s, {bench_seals / bench_cpu / 1e6:.2f} M seals per CPU "
          f"second; cubit / bench: wall {seals / wall / bench_rate:.3f}, CPU {seals / cpu / (bench_seals / bench_cpu):.3f}")
    print("bench json:", json.dumps(bench))


if __name__ == "__main__":
    main()
