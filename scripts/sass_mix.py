#!/usr/bin/env python3
"""Instruction mix of the seal kernels in a cubin, without cuobjdump (which only the GPU machine has).

    python3 scripts/sass_mix.py [--json FILE] kernels.cubin [more.cubin ...]

--json FILE also writes the table as a JSON list, one object per kernel, with its variant's name
and its two halves (rotations, rounds_loop); scripts/gpu_report.py reads it to put the bound
beside the measured rate.

Each kernel is the ELF section .text.<mangled name>; on sm_70 and later every instruction is 16
bytes and its opcode is the low 9 bits of the first 64-bit word (bits 9..11 say whether an operand
is a register, an immediate or a constant). The classes below are the opcodes the seal kernels
use; on the GPU machine `cuobjdump -sass` confirms the names (scripts/device-check.sh).

The cost model (Volta to Hopper): per SM sub-partition one warp instruction issues per clock;
the integer ALU pipe (LOP3, SHF, IADD3, LEA, PRMT, ISETP, SEL, MOV) and the IMAD pipe each take a
warp instruction every 2 clocks (16 lanes). A warp therefore needs at least
max(all instructions, 2 x ALU, 2 x IMAD) clocks per pass of the nonce loop, and the bound is
    SMs x 4 sub-partitions x 32 nonces x clock / that,
printed per SM and GHz (multiply by the device's SMs and SM clock; an H100 SXM has 132 SMs at up
to 1.98 GHz). IMAD.HI is assumed to run at the IMAD rate; if it runs at half rate, the multiply
variants are bound lower (the last column). Both are estimates until the GPU measures them."""
import collections
import json
import re
import struct
import sys

ALU = {0x12: 'LOP3', 0x19: 'SHF', 0x10: 'IADD3', 0x11: 'LEA', 0x16: 'PRMT', 0x0c: 'ISETP', 0x07: 'SEL',
       0x02: 'MOV'}
IMAD = {0x24: 'IMAD', 0x25: 'IMAD.WIDE', 0x27: 'IMAD.HI'}
NOP = 0x918


def sections(path):
    data = open(path, 'rb').read()
    if data[:4] != b'\x7fELF':
        sys.exit(f'{path}: not an ELF file (give a .cubin from nvcc -cubin)')
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    headers = [struct.unpack_from('<IIQQQQ', data, shoff + i * shentsize) for i in range(shnum)]
    names_at = headers[shstrndx][4]
    for name, _type, _flags, _addr, offset, size in headers:
        end = data.index(b'\0', names_at + name)
        yield data[names_at + name:end].decode(), data[offset:offset + size]


def variant_name(rotations, rounds_loop):
    """The user-visible name of a kernel variant, as cuda/variants.hpp writes it."""
    return rotations + ('-loop' if rounds_loop else '')


def kernel_kind(mangled):
    """(variant, rule, sink) of a seal_scan_kernel<MulRotations<Sha, Keccak, Loop>, TopIsLe, Sink>.

    Which pipe does the rotations is read from the policy's masks (cuda/variant_policy.hpp: bit N
    sends rotations by N through the multiplier): none (funnel), Keccak's only (split), or also
    SHA-256's (multiply). A mix that is no kernel variant is named by its masks."""
    info = kernel_info(mangled)
    if info is None:
        return '?', '?', '?'
    return variant_name(info['rotations'], info['rounds_loop']), info['rule'], info['sink']


def kernel_info(mangled):
    """The fields of kernel_kind, and the two halves of the variant, as a dict (None if no match)."""
    m = re.search(r'MulRotationsILj(\d+)EL[my](\d+)ELb([01])EEE(?:L\w*?PlanKindE(\d)E)?Lb([01])E', mangled)
    if not m:
        return None
    # core::PlanKind (include/btpow/core/plan.hpp): 0 the old seal, 1 and 2 the v1 seal's orders.
    seal = {None: 'old', '0': 'old', '1': 'v1', '2': 'v1-nonce-order'}[m.group(4)]
    sha, keccak = int(m.group(1)), int(m.group(2))
    if sha == 0 and keccak == 0:
        rotations = 'funnel'
    elif sha == 0 and keccak == (1 << 64) - 1:
        rotations = 'split'
    elif sha != 0 and keccak == (1 << 64) - 1:
        rotations = 'multiply'
    else:
        rotations = f'mul{sha}/{keccak}'
    return {'rotations': rotations, 'rounds_loop': m.group(3) == '1', 'seal': seal,
            'rule': 'le' if m.group(5) == '1' else 'be/sdk',
            'sink': 'checksum' if 'SumTops' in mangled else 'scan'}


def short_name(mangled):
    variant, rule, sink = kernel_kind(mangled)
    info = kernel_info(mangled)
    seal = info['seal'] if info else '?'
    return f'{variant:11s} {seal:14s} {rule:6s} {sink}'


def mix(code):
    counts = collections.Counter()
    for i in range(0, len(code), 16):
        word, = struct.unpack_from('<Q', code, i)
        op = word & 0xfff
        if op == NOP:
            continue
        counts[op & 0x1ff] += 1
    return counts


def main(paths, json_path=None):
    rows = []
    print('kernel (variant seal rule sink)                instr    ALU   IMAD (.HI)  other  clk/warp  '
          'bound M/s per SM-GHz  (IMAD.HI half rate)')
    for path in paths:
        for name, code in sections(path):
            if not name.startswith('.text.') or 'seal_scan_kernel' not in name:
                continue
            c = mix(code)
            total = sum(c.values())
            alu = sum(n for op, n in c.items() if op in ALU)
            imad = sum(n for op, n in c.items() if op in IMAD)
            hi = c[0x27]
            clocks = max(total, 2 * alu, 2 * imad)
            clocks_half = max(total, 2 * alu, 2 * imad + 2 * hi)
            per_ghz = 4 * 32 / clocks * 1000
            per_ghz_half = 4 * 32 / clocks_half * 1000
            variant, rule, sink = kernel_kind(name)
            info = kernel_info(name) or {'rotations': '?', 'rounds_loop': False}
            # A variant whose Keccak rounds loop (11 passes) has a static count that is not per seal.
            looped = info['rounds_loop']
            bound = ('  (static: the round loop runs 11 times)' if looped else
                     f'{per_ghz:20.2f}  ({per_ghz_half:.2f})')
            print(f'{short_name(name):46s} {total:5d}  {alu:5d}  {imad:5d} ({hi:4d})  {total - alu - imad:5d}  '
                  f'{clocks:8d}  {bound}')
            rows.append({'variant': variant, 'seal': info.get('seal', '?'), 'rotations': info['rotations'],
                         'rounds_loop': looped,
                         'rule': rule, 'sink': sink, 'per_seal': not looped,
                         'instructions': total, 'alu': alu,
                         'imad': imad, 'imad_hi': hi, 'clocks_per_warp': clocks, 'seals_per_sm_ghz': per_ghz * 1e6,
                         'seals_per_sm_ghz_imad_hi_half_rate': per_ghz_half * 1e6})
            detail = ', '.join(f'{ALU.get(op) or IMAD.get(op) or hex(op)} {n}' for op, n in c.most_common(8))
            print(f'    {detail}')
    if json_path:
        with open(json_path, 'w') as out:
            json.dump(rows, out, indent=1)


if __name__ == '__main__':
    args = sys.argv[1:]
    json_path = None
    if args[:1] == ['--json'] and len(args) >= 2:
        json_path, args = args[1], args[2:]
    if not args or args[0].startswith('-'):
        sys.exit(__doc__)
    main(args, json_path)
