#!/usr/bin/env python3
"""What holds a kernel back, from Nsight Compute's hardware counters, one block per profiled kernel.

    python3 scripts/ncu_digest.py NCU_CSV...

NCU_CSV  `ncu --import REPORT --page raw --csv` of a report taken with the sections SpeedOfLight,
         ComputeWorkloadAnalysis, WarpStateStats, Occupancy, LaunchStats and InstructionStats
         (scripts/device-check.sh does this for each rotation variant and the baseline). A file
         named ncu_LABEL.csv is shown as LABEL.

Per kernel it prints the launch (registers, block size, time, SM clock), the instructions it
executed, how full the issue slots were, the utilization of each execution pipe that did any
work (percent of its peak over active cycles), the achieved occupancy, and the largest stall
reasons (warp cycles per issued instruction). A metric the report lacks is left out; nothing is
estimated."""
import csv
import os
import re
import sys

PIPE = re.compile(r'^sm__inst_executed_pipe_([a-z0-9_]+)\.avg\.pct_of_peak_sustained_active$')
STALL = re.compile(r'^smsp__average_warps_issue_stalled_([a-z0-9_]+)_per_issue_active\.ratio$')


def number(text):
    try:
        return float(str(text).replace(',', ''))
    except ValueError:
        return None


def rows_of(path):
    """[(kernel name, {metric: (value, unit)})] of one raw CSV page."""
    rows = list(csv.reader(open(path, newline='')))
    if len(rows) < 3:
        return []
    names, units = rows[0], rows[1]
    kernels = []
    for row in rows[2:]:
        metrics = {name: (value, unit) for name, unit, value in zip(names, units, row)}
        kernels.append((metrics.get('Kernel Name', ('?', ''))[0], metrics))
    return kernels


def digest(label, kernel, metrics):
    def get(*names):  # the first of these names the report has (they differ between versions)
        for name in names:
            if name in metrics:
                return number(metrics[name][0])
        return None

    def unit_of(*names):
        for name in names:
            if name in metrics:
                return metrics[name][1]
        return ''

    def show(value, fmt):
        return 'n/a' if value is None else fmt.format(value)

    lines = [f'== {label}: {kernel[:100]}']
    clocks = ('sm__cycles_elapsed.avg.per_second', 'gpc__cycles_elapsed.avg.per_second')
    clock = get(*clocks)
    unit = unit_of(*clocks).lower()
    if clock is not None:  # to GHz, whichever unit this version of ncu chose
        for suffix, scale in (('/nsecond', 1), ('ghz', 1), ('/usecond', 1e-3), ('mhz', 1e-3), ('khz', 1e-6),
                              ('/msecond', 1e-6), ('/second', 1e-9), ('hz', 1e-9)):
            if unit.endswith(suffix):
                clock *= scale
                break
    duration = get('gpu__time_duration.sum')
    duration_unit = unit_of('gpu__time_duration.sum')
    lines.append(f'  launch: {show(get("launch__registers_per_thread"), "{:.0f}")} registers, '
                 f'blocks of {show(get("launch__block_size"), "{:.0f}")} threads, grid '
                 f'{show(get("launch__grid_size"), "{:.0f}")}; {show(duration, "{:,.2f}")} {duration_unit}; '
                 f'SM clock {show(clock, "{:.3f}")} GHz')
    issue = get('smsp__issue_active.avg.pct_of_peak_sustained_active', 'sm__issue_active.avg.pct_of_peak_sustained_elapsed')
    lines.append(f'  issue slots busy {show(issue, "{:.1f}")} %, '
                 f'IPC {show(get("sm__inst_executed.avg.per_cycle_active"), "{:.2f}")} per SM, achieved occupancy '
                 f'{show(get("sm__warps_active.avg.pct_of_peak_sustained_active"), "{:.1f}")} % '
                 f'(theoretical {show(get("sm__maximum_warps_per_active_cycle_pct"), "{:.1f}")} %)')
    executed = get('smsp__inst_executed.sum')
    threads = (get('launch__grid_size') or 0) * (get('launch__block_size') or 0)
    if executed is not None and threads:
        lines.append(f'  executed {executed:,.0f} warp instructions: {executed * 32 / threads:,.0f} per thread '
                     '(if no warp diverged)')
    def largest(pattern, floor):
        """[(value, name group)] of the metrics matching pattern with a value >= floor, largest first."""
        found = []
        for name in metrics:
            m = pattern.match(name)
            value = get(name)
            if m and value is not None and value >= floor:
                found.append((value, m.group(1)))
        return sorted(found, reverse=True)

    pipes = largest(PIPE, 0.5)
    if pipes:
        lines.append('  pipes (% of peak, active cycles): ' + ', '.join(f'{pipe} {value:.1f}' for value, pipe in pipes))
    stalls = largest(STALL, 0.05)
    if stalls:
        lines.append('  stalls (warp cycles per issued instruction): ' +
                     ', '.join(f'{reason} {value:.2f}' for value, reason in stalls[:6]))
    return lines


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    for path in paths:
        label = re.sub(r'^ncu_|\.csv$', '', os.path.basename(path))
        try:
            kernels = rows_of(path)
        except OSError as e:
            print(f'== {label}: unreadable ({e})')
            continue
        if not kernels:
            print(f'== {label}: no kernel was profiled')
            continue
        for kernel, metrics in kernels:
            print('\n'.join(digest(label, kernel, metrics)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
