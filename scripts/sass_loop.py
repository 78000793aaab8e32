#!/usr/bin/env python3
"""Instructions per nonce in the SASS of the seal kernels, as `cuobjdump -sass` lists them.

    python3 scripts/sass_loop.py SASS_TEXT

SASS_TEXT  the output of `cuobjdump -sass` on the kernel objects (scripts/device-check.sh runs it
           on the build's kernels_*.cu.o and baseline.cu.o)

Per production kernel (candidate scan; every variant and rule): the nonce loop is the largest
backward branch of the function, and its instructions are what one nonce costs. In a variant whose
Keccak rounds loop (rounds_loop), the round loop nested in the nonce loop runs 11 times per nonce,
so its body is counted 10 more times. For the cubit-style baseline, whose inner loops hash byte by
byte, only a static count of its nonce loop is printed."""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sass_mix import ALU, kernel_info, variant_name  # noqa: E402

# One pass of the nonce loop holds this many passes of the Keccak round loop.
EXTRA_ROUND_LOOP_PASSES = 10


def read_functions(lines):
    """{function: [(address, opcode, operands)]} and {function: {label: address}}."""
    functions, labels, current, pending = {}, {}, None, []
    for line in lines:
        m = re.search(r'Function : (\S+)', line)
        if m:
            current = m.group(1)
            functions[current] = []
            labels[current] = {}
            continue
        m = re.match(r'\s*(\.L_x_\d+):', line)
        if m:
            pending.append(m.group(1))
            continue
        m = re.match(r'\s*/\*([0-9a-f]{4,})\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)([^;]*);', line)
        if m and current:
            address = int(m.group(1), 16)
            for label in pending:
                labels[current][label] = address
            pending = []
            functions[current].append((address, m.group(2), m.group(3)))
    return functions, labels


def backward_branches(code, labels):
    """[(length, first, last)] of every branch to an earlier address."""
    loops = []
    for address, op, args in code:
        if not op.startswith('BRA'):
            continue
        t = re.search(r'0x([0-9a-f]+)', args)
        l = re.search(r'(\.L_x_\d+)', args)
        target = int(t.group(1), 16) if t else labels.get(l.group(1)) if l else None
        if target is not None and target < address:
            loops.append((address - target, target, address))
    return loops


def ops_between(code, first, last):
    return [op.split('.')[0] for address, op, _ in code if first <= address <= last]


def report(path):
    functions, labels = read_functions(open(path))
    alu_ops, imad_ops = set(ALU.values()), {'IMAD'}
    for name, code in functions.items():
        baseline = 'cubit_style_kernel' in name
        if not baseline and ('seal_scan_kernel' not in name or 'RecordCandidates' not in name):
            continue
        loops = backward_branches(code, labels[name])
        if not loops:
            print(f'{name}: no loop found')
            continue
        _, first, last = max(loops)
        body = ops_between(code, first, last)
        ops = collections.Counter(body)
        if baseline:
            inner = sum(1 for loop in loops if first <= loop[1] and loop[2] < last)
            print(f'SASS of the baseline (cubit_style_kernel): nonce loop of {len(body)} instructions in code with '
                  f'{inner} inner loops; global loads LDG {ops["LDG"]}, local memory LDL {ops["LDL"]} / STL {ops["STL"]}')
            continue
        info = kernel_info(name)
        if info is None:
            print(f'{name}: not a seal kernel this script knows')
            continue
        variant = variant_name(info['rotations'], info['rounds_loop'])
        if info['rounds_loop']:
            inner = [loop for loop in loops if first <= loop[1] and loop[2] < last]
            if not inner:
                print(f'{name}: no round loop found inside the nonce loop')
                continue
            _, inner_first, inner_last = max(inner)
            rounds = ops_between(code, inner_first, inner_last)
            for _ in range(EXTRA_ROUND_LOOP_PASSES):
                ops.update(rounds)
        total = sum(ops.values())
        local = sum(n for op, n in ops.items() if op in ('LDL', 'STL'))
        alu = sum(n for op, n in ops.items() if op in alu_ops)
        imad = sum(n for op, n in ops.items() if op in imad_ops)
        print(f'SASS hot loop, rotations {variant}, seal {info["seal"]}, rule {info["rule"]}: {total} instructions '
              f'per nonce, '
              f'ALU pipe {alu}, IMAD pipe {imad} (local memory LDL/STL: {local})')
        print('  ' + ', '.join(f'{op} {n}' for op, n in ops.most_common()))
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(report(sys.argv[1]))
