#!/usr/bin/env python3
"""Measured seals/s of the CUDA kernels beside the instruction bound, and the baseline ratios.

    python3 scripts/gpu_report.py BENCH_JSON MIX_JSON [CLOCKS]

BENCH_JSON  the output of btpow_bench_cuda --benchmark_out=FILE --benchmark_out_format=json
MIX_JSON    the output of scripts/sass_mix.py --json FILE for the sm_90 cubins of the kernels
CLOCKS      optional: SM clock samples in MHz taken while the benchmark ran, one per line (as
            `nvidia-smi --query-gpu=clocks.sm --format=csv,noheader,nounits -lms 200` prints them)

The variants are the benchmark's rotations_<variant> entries, in its order. The bound of a
variant is SMs x SM clock x its seals per SM and GHz (sass_mix.py's cost model, for the kernel the
benchmark times: rule le, candidate scan); a variant whose Keccak rounds are a loop (rounds_loop
in MIX_JSON) is held to the bound of its straight-line form, the variant with the same rotations
(the same instructions per seal plus the loop's own). The clock is the
median of the samples; without samples it is the device's maximum clock, and the report says so. Every
figure printed is computed from the files given; nothing is assumed about the device."""
import json
import re
import statistics
import sys

PINNED = 'rotations_'


def load_bench(path):
    """{device ordinal: {entry: benchmark object}} from Google Benchmark's JSON output."""
    devices = {}
    for bench in json.load(open(path)).get('benchmarks', []):
        m = re.match(r'cuda:(\d+)/([a-z_-]+)', bench.get('name', ''))
        if m:
            devices.setdefault(int(m.group(1)), {})[m.group(2)] = bench
    return devices


def bound_rows(mix_rows):
    """{variant: (row whose bound applies, name of that row's variant if it is another)}, for rule
    le and the candidate scan: a variant whose rounds loop takes the row of its straight-line form."""
    rows = [row for row in mix_rows
            if row['rule'] == 'le' and row['sink'] == 'scan' and row.get('seal', 'old') == 'old']
    straight = {row['rotations']: row for row in rows if not row.get('rounds_loop')}
    bounds = {}
    for row in rows:
        if not row.get('rounds_loop'):
            bounds[row['variant']] = (row, None)
        elif row['rotations'] in straight:
            other = straight[row['rotations']]
            bounds[row['variant']] = (other, other['variant'])
    return bounds


def load_clocks(path):
    samples = []
    for line in open(path):
        try:
            samples.append(float(line.strip().split()[0]))
        except (ValueError, IndexError):
            pass
    return samples


def rate(entry):
    """seals/s, or None when the entry failed (Google Benchmark marks it error_occurred)."""
    if entry is None or entry.get('error_occurred') or not entry.get('seals_per_s'):
        return None
    return float(entry['seals_per_s'])


def mega(x):
    return 'failed' if x is None else f'{x / 1e6:,.1f}'


def report(bench_path, mix_path, clocks_path=None):
    devices = load_bench(bench_path)
    if not devices:
        print('no CUDA benchmark results in', bench_path, '(no device, or the benchmark did not run)')
        return 1
    bounds = bound_rows(json.load(open(mix_path)))
    samples = load_clocks(clocks_path) if clocks_path else []
    for ordinal, entries in sorted(devices.items()):
        first = next(iter(entries.values()))
        sms = int(first.get('multiprocessors', 0))
        if samples:
            clock = statistics.median(samples)
            clock_note = (f'median of {len(samples)} samples taken during the benchmark '
                          f'(min {min(samples):.0f}, max {max(samples):.0f} MHz)')
        else:
            clock = float(first.get('max_sm_clock_mhz', 0))
            clock_note = 'the device\'s maximum clock (no samples taken during the benchmark)'
        print(f'cuda:{ordinal} {first.get("label", "?")}: {sms} SMs, SM clock {clock:.0f} MHz, {clock_note}')
        print(f'  {"kernel":22s} {"measured M/s":>12s} {"bound M/s":>10s} {"(IMAD.HI half rate)":>20s} '
              f'{"measured/bound":>15s}')
        for variant in [name[len(PINNED):] for name in entries if name.startswith(PINNED)]:
            measured = rate(entries.get(PINNED + variant))
            row, other = bounds.get(variant, (None, None))
            if row is None:
                print(f'  rotations_{variant:12s} {mega(measured):>12s}  (no instruction mix for this variant)')
                continue
            bound = sms * clock / 1000 * row['seals_per_sm_ghz']
            bound_half = sms * clock / 1000 * row['seals_per_sm_ghz_imad_hi_half_rate']
            ratio = '-' if measured is None or bound <= 0 else f'{100 * measured / bound:.1f} %'
            half = f'({mega(bound_half)})'
            note = f'  (bound of {other})' if other else ''
            print(f'  rotations_{variant:12s} {mega(measured):>12s} {mega(bound):>10s} {half:>20s} {ratio:>15s}{note}')
        production = rate(entries.get('production'))
        print(f'  {"production":22s} {mega(production):>12s}   (the variant calibration picks)')
        for baseline in ('cubit_full_grid', 'cubit_single_block'):
            measured = rate(entries.get(baseline))
            speedup = ('-' if measured is None or production is None
                       else f'production is {production / measured:,.1f} x this')
            print(f'  {baseline:22s} {mega(measured):>12s}   {speedup}')
    return 0


if __name__ == '__main__':
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(report(*sys.argv[1:]))
