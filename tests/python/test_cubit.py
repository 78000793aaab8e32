"""btpow.cubit against cubit's contract: the strict big-endian bound, the smallest nonce of the
range, no state between calls, and the bittensor SDK's own call sequence."""

import binascii
import math
import os
import subprocess
import sys

import pytest

import btpow
import btpow.cubit
from conftest import ALICE, M


def bahh_hex_of(block_hash, account):
    return binascii.hexlify(btpow.block_and_hotkey_hash(block_hash, account))[:64]


def le32(value):
    return value.to_bytes(32, "little")


def x_be(h_hex, nonce):
    return int.from_bytes(btpow.seal_from_hash(h_hex.decode(), nonce), "big")


H = bahh_hex_of(bytes(32), ALICE)
XS = [x_be(H, n) for n in range(64)]


def smallest_below(upper, start=0, count=64):
    for n in range(start, start + count):
        if XS[n] < upper:
            return n
    return -1


def test_bound_is_strict():
    k = min(range(64), key=XS.__getitem__)
    assert btpow.cubit.solve_cuda(8, 0, 8, le32(XS[k]), H, 0) == -1  # x == upper fails
    assert btpow.cubit.solve_cuda(8, 0, 8, le32(XS[k] + 1), H, 0) == k  # x == upper - 1 passes


def test_smallest_nonce_of_the_range():
    order = sorted(range(64), key=XS.__getitem__)
    for rank in range(1, 12):
        upper = XS[order[rank]] + 1  # rank + 1 nonces pass
        assert btpow.cubit.solve_cuda(4, 0, 16, le32(upper), H, 0) == min(order[: rank + 1])
        assert btpow.cubit.solve_cuda(16, 0, 4, le32(upper), H, 0) == min(order[: rank + 1])


@pytest.mark.parametrize("upper", [0, 1, 2, 3, M, M - 1, 1 << 255, (1 << 255) - 1, (1 << 250) + 12345])
def test_edge_uppers_match_brute_force(upper):
    assert btpow.cubit.solve_cuda(64, 0, 1, le32(upper), H, 0) == smallest_below(upper)


def test_random_uppers_match_brute_force():
    for x in sorted(XS)[:20]:
        for upper in (x - 1, x, x + 1, x + 2):
            assert btpow.cubit.solve_cuda(8, 0, 8, le32(upper), H, 0) == smallest_below(upper)


def test_range_start_and_size_are_exact():
    k = min(range(64), key=XS.__getitem__)
    upper = XS[k] + 1
    assert btpow.cubit.solve_cuda(1, k, 1, le32(upper), H, 0) == k
    assert btpow.cubit.solve_cuda(1, k + 1, 63 - k, le32(upper), H, 0) == -1
    assert btpow.cubit.solve_cuda(0, 0, 64, le32(upper), H, 0) == -1
    assert btpow.cubit.solve_cuda(64, 0, 0, le32(upper), H, 0) == -1


def test_min_nonce_vectors(vectors):
    for v in vectors["min_nonce_vectors"]:
        d = int(v["difficulty"])
        want = int(v["smallest_nonce"]["cubit"]["nonce"])
        h = v["block_and_hotkey_hash"].encode()
        assert btpow.cubit.solve_cuda(1, 0, want + 1, le32(M // d), h, 0) == want
        assert btpow.cubit.solve_cuda(1, 0, want, le32(M // d), h, 0) == -1


def test_no_state_between_calls():
    k = min(range(64), key=XS.__getitem__)
    for _ in range(3):
        assert btpow.cubit.solve_cuda(8, 0, 8, le32(XS[k] + 1), H, 0) == k
        assert btpow.cubit.solve_cuda(8, 0, 8, le32(XS[k]), H, 0) == -1
    assert btpow.cubit.reset_cuda() is None


def test_nonce_2_64_minus_1_is_tried():
    x = x_be(H, 2**64 - 1)
    assert btpow.cubit.solve_cuda(1, 2**64 - 1, 1, le32(x + 1), H, 0) == 2**64 - 1


@pytest.mark.parametrize(
    "args, field",
    [
        ((256, 0, 10, b"\x00" * 31, H, 0), "upper"),
        ((256, 0, 10, "not bytes", H, 0), "upper"),
        ((256, 0, 10, le32(5), b"zz" * 32, 0), "bahh_hex"),
        ((256, 0, 10, le32(5), H[:60], 0), "bahh_hex"),
        ((-1, 0, 10, le32(5), H, 0), "tpb"),
        ((256, -1, 10, le32(5), H, 0), "nonce_start"),
        ((256, 2**64, 10, le32(5), H, 0), "nonce_start"),
        ((256, 0, 2**60, le32(5), H, 0), "update_interval"),
        ((256, 0, 10, le32(5), H, -1), "dev_id"),
    ],
)
def test_bad_arguments_raise(args, field):
    with pytest.raises(btpow.InputError) as e:
        btpow.cubit.solve_cuda(*args)
    assert e.value.field == field


def test_log_cuda_errors_returns_text():
    assert isinstance(btpow.cubit.log_cuda_errors(), str)


# The bittensor SDK's registration path, re-created: it computes upper = limit // difficulty with
# limit = int(math.pow(2, 256)) - 1, passes it as 32 little-endian bytes with the hexlified H,
# calls cubit positionally (256 threads x 50 000 nonces), then re-checks the seal big-endian with
# seal * difficulty < limit.
SDK_SNIPPET = r"""
import binascii, hashlib, math, sys
import btpow.cubit
btpow.cubit.install()
import cubit

def create_seal_hash(block_and_hotkey_hash_hex, nonce):
    nonce_bytes = binascii.hexlify(nonce.to_bytes(8, "little"))
    pre_seal = bytes.fromhex((nonce_bytes + block_and_hotkey_hash_hex).decode())
    return btpow.seal_from_hash(pre_seal[8:], int.from_bytes(pre_seal[:8], "little"))

def seal_meets_difficulty(seal, difficulty, limit):
    return int.from_bytes(seal, "big") * difficulty < limit

def solve(nonce_start, update_interval, tpb, block_and_hotkey_hash_bytes, difficulty, limit, dev_id=0):
    upper = int(limit // difficulty)
    upper_bytes = upper.to_bytes(32, byteorder="little", signed=False)
    bahh_hex = binascii.hexlify(block_and_hotkey_hash_bytes)[:64]
    solution = cubit.solve_cuda(tpb, nonce_start, update_interval, upper_bytes, bahh_hex, dev_id)
    if solution == -1:
        return -1, None
    seal = create_seal_hash(bahh_hex, solution)
    return (solution, seal) if seal_meets_difficulty(seal, difficulty, limit) else (-1, b"\0" * 32)

limit = int(math.pow(2, 256)) - 1
block_and_hotkey_hash_bytes = btpow.block_and_hotkey_hash(bytes(32), sys.argv[1])
difficulty = int(sys.argv[2])
found = []
nonce_start = 0
for _ in range(int(sys.argv[3])):
    solution, seal = solve(nonce_start, 50_000, 256, block_and_hotkey_hash_bytes, difficulty, limit)
    if solution != -1:
        found.append(solution)
    nonce_start += 256 * 50_000
print(" ".join(map(str, found)))
"""


def test_sdk_call_sequence_through_sys_modules():
    out = subprocess.run([sys.executable, "-c", SDK_SNIPPET, ALICE, str(10**6), "2"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    found = [int(n) for n in out.stdout.split()]
    assert found and found[0] == 528366  # the smallest cubit nonce from 0 (vectors.json)
    if not btpow.system_info()["cuda_devices"]:
        assert out.stderr.count("solving on the CPU") == 1  # said once, not per call
    for n in found:
        seal = btpow.seal(bytes(32), ALICE, n)
        assert int.from_bytes(seal, "big") * 10**6 < M


def test_sdk_difficulty_that_divides_M():
    # d = 3 divides 2^256 - 1: cubit's x < upper is stricter than sdk's x * d < M only at x = upper - 1.
    upper = int(int(math.pow(2, 256)) - 1) // 3
    n = btpow.cubit.solve_cuda(256, 0, 50, le32(upper), H, 0)
    assert n == smallest_below(upper, 0, 64)
    assert x_be(H, n) * 3 < M


def test_sdk_call_sequence_through_a_shim_module(tmp_path):
    (tmp_path / "cubit.py").write_text("from btpow.cubit import *\n")
    snippet = SDK_SNIPPET.replace("import btpow.cubit\nbtpow.cubit.install()\n", "import btpow\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", snippet, ALICE, str(10**6), "1"], capture_output=True, text=True,
                         timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    assert [int(n) for n in out.stdout.split()] == [528366]
