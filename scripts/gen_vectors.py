#!/usr/bin/env python3
"""Writes tests/data/vectors.json (the old seal, docs/protocol.md §9) and
tests/data/v1_vectors.json (the v1 seal, §10) from scratch, independently of btpow's C++ code:
SHA-256 from hashlib (plus a plain-Python compression function for the v1 midstates, checked
against hashlib), legacy Keccak-256 from pycryptodome (Debian python3-pycryptodome), and SS58,
Base58 and xxHash64 written here.

    scripts/gen_vectors.py             rewrite both files
    scripts/gen_vectors.py --check     recompute both in memory; exit 1 if either file differs
    scripts/gen_vectors.py --cross-check FILE
                                       also recompute every seal and first hit of another v1
                                       vector file (same keys as the shared one) and compare

Deterministic: the "random" inputs of vectors.json are written in below (they were drawn once,
when that file was first made); those of v1_vectors.json come from random.Random(V1_SEED).
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import sys

try:
    from Cryptodome.Hash import keccak as _keccak  # Debian's python3-pycryptodome
except ImportError:  # a Python outside Debian's (pyenv, a venv without system packages)
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from Cryptodome.Hash import keccak as _keccak
    except ImportError:
        sys.exit("gen_vectors.py: needs pycryptodome's Keccak (apt-get install python3-pycryptodome)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OLD_PATH = os.path.join(ROOT, "tests", "data", "vectors.json")
V1_PATH = os.path.join(ROOT, "tests", "data", "v1_vectors.json")

M = (1 << 256) - 1
U64_MAX = (1 << 64) - 1


# --- hashes (§1) -------------------------------------------------------------------------------

def keccak256(data):
    return _keccak.new(digest_bits=256, data=data).digest()


def sha256(data):
    return hashlib.sha256(data).digest()


_SHA256_K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]
_SHA256_IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]


def _rotr(x, n):
    return ((x >> n) | (x << (32 - n))) & 0xFFFFFFFF


def sha256_compress(state, block):
    """One SHA-256 compression (FIPS 180-4 §6.2.2); used only for the v1 per-job midstate."""
    w = [int.from_bytes(block[i:i + 4], "big") for i in range(0, 64, 4)]
    for t in range(16, 64):
        s0 = _rotr(w[t - 15], 7) ^ _rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
        s1 = _rotr(w[t - 2], 17) ^ _rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & 0xFFFFFFFF)
    a, b, c, d, e, f, g, h = state
    for t in range(64):
        t1 = (h + (_rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25)) + ((e & f) ^ (~e & g)) + _SHA256_K[t] + w[t]) & 0xFFFFFFFF
        t2 = ((_rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & 0xFFFFFFFF
        a, b, c, d, e, f, g, h = (t1 + t2) & 0xFFFFFFFF, a, b, c, (d + t1) & 0xFFFFFFFF, e, f, g
    return [(x + y) & 0xFFFFFFFF for x, y in zip(state, [a, b, c, d, e, f, g, h])]


def sha256_blocks(message):
    """The padded message as 64-byte blocks (FIPS 180-4 §5.1.1)."""
    padded = message + b"\x80" + b"\x00" * ((55 - len(message)) % 64) + (8 * len(message)).to_bytes(8, "big")
    return [padded[i:i + 64] for i in range(0, len(padded), 64)]


_XXH_P1, _XXH_P2, _XXH_P3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
_XXH_P4, _XXH_P5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5
_U64 = (1 << 64) - 1


def _rotl64(x, n):
    return ((x << n) | (x >> (64 - n))) & _U64


def _xxh_round(acc, lane):
    return (_rotl64((acc + lane * _XXH_P2) & _U64, 31) * _XXH_P1) & _U64


def _xxh_merge(acc, v):
    return ((acc ^ _xxh_round(0, v)) * _XXH_P1 + _XXH_P4) & _U64


def xxh64(data, seed):
    """xxHash64 (the reference algorithm, written out), for twox128 storage keys (§6)."""
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + _XXH_P1 + _XXH_P2) & _U64, (seed + _XXH_P2) & _U64, seed, (seed - _XXH_P1) & _U64]
        while i + 32 <= n:
            for j in range(4):
                v[j] = _xxh_round(v[j], int.from_bytes(data[i + 8 * j:i + 8 * j + 8], "little"))
            i += 32
        h = (_rotl64(v[0], 1) + _rotl64(v[1], 7) + _rotl64(v[2], 12) + _rotl64(v[3], 18)) & _U64
        for x in v:
            h = _xxh_merge(h, x)
    else:
        h = (seed + _XXH_P5) & _U64
    h = (h + n) & _U64
    while i + 8 <= n:
        h = (_rotl64(h ^ _xxh_round(0, int.from_bytes(data[i:i + 8], "little")), 27) * _XXH_P1 + _XXH_P4) & _U64
        i += 8
    if i + 4 <= n:
        h = (_rotl64(h ^ (int.from_bytes(data[i:i + 4], "little") * _XXH_P1) & _U64, 23) * _XXH_P2 + _XXH_P3) & _U64
        i += 4
    while i < n:
        h = (_rotl64(h ^ (data[i] * _XXH_P5) & _U64, 11) * _XXH_P1) & _U64
        i += 1
    h ^= h >> 33
    h = (h * _XXH_P2) & _U64
    h ^= h >> 29
    h = (h * _XXH_P3) & _U64
    return h ^ (h >> 32)


def twox128(name):
    data = name.encode()
    return xxh64(data, 0).to_bytes(8, "little") + xxh64(data, 1).to_bytes(8, "little")


def twox64_concat(data):
    return xxh64(data, 0).to_bytes(8, "little") + data


def blake2_128_concat(data):
    return hashlib.blake2b(data, digest_size=16).digest() + data


# --- SS58 (§5) ---------------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def ss58_checksum_input(pubkey, prefix=42):
    return b"SS58PRE" + bytes([prefix]) + pubkey


def ss58_encode(pubkey, prefix=42):
    raw = bytes([prefix]) + pubkey + hashlib.blake2b(ss58_checksum_input(pubkey, prefix)).digest()[:2]
    n, text = int.from_bytes(raw, "big"), ""
    while n:
        n, r = divmod(n, 58)
        text = _B58[r] + text
    return "1" * (len(raw) - len(raw.lstrip(b"\x00"))) + text


def ss58_decode(text):
    n = 0
    for ch in text:
        n = n * 58 + _B58.index(ch)
    return n.to_bytes(35, "big")


# --- the old seal and its rules (§2, §3) -------------------------------------------------------

def block_and_hotkey_hash(block_hash, account):
    return keccak256(block_hash + account)


def old_seal(h, nonce):
    pre = nonce.to_bytes(8, "little") + h
    digest = sha256(pre)
    return pre, digest, keccak256(digest)


def meets_chain(x, d):
    return x * d <= M  # no 256-bit overflow; d = 0 accepts everything


def meets_sdk(x, d):
    return x * d < M


def meets_cubit(x, d):
    return d != 0 and x < M // d


def max_d_chain(x):
    return None if x == 0 else M // x


def max_d_sdk(x):
    return None if x == 0 else (M - 1) // x


def max_d_cubit(x):
    return None if x == 0 else M // (x + 1)


def dec(n):
    return None if n is None else str(n)


def rule_checks(seal, d):
    be, le = int.from_bytes(seal, "big"), int.from_bytes(seal, "little")
    return {
        "meets_chain_be": meets_chain(be, d),
        "meets_chain_le": meets_chain(le, d),
        "meets_sdk": meets_sdk(be, d),
        "meets_cubit": meets_cubit(be, d),
    }


# --- vectors.json: the inputs, written in --------------------------------------------------------

ALICE = bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
BOB = bytes.fromhex("8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48")
CHARLIE = bytes.fromhex("90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22")
SDK_TEST_BLOCK = bytes.fromhex("c444e4205857add79a0427401aa2518d11e85f32377eff9a946d180a54697459")
SDK_TEST_HOTKEY = bytes.fromhex("ba3189e99e75b6097cd94a5ecc771016b83c8432d35d14a03ab731b07112f559")

# The pairs of §9, in file order: (name, block hash, account, two random nonces drawn once).
PAIRS = [
    ("A_zero_block_alice", bytes(32), ALICE, 16846505730196936407, 1525338263),
    ("B_ff_block_bob", b"\xff" * 32, BOB, 4148993240815790396, 2342455912),
    ("C_byte_order_canary", bytes(range(1, 33)), bytes(range(0x21, 0x41)), 5150917458191791031, 2952431666),
    ("D_upstream_sdk_test_inputs", SDK_TEST_BLOCK, SDK_TEST_HOTKEY, 14561445857734961000, 72150467),
    ("E_random_block_charlie",
     bytes.fromhex("f3429cf1de02261e9313c23cfcc90b90fa66438b3dd62a217fb431956bdb8039"), CHARLIE,
     5585291639253512404, 3495376526),
    ("F_random_block_random_key",
     bytes.fromhex("c0782a83764311c96883bda2d10b2f124b262fc5b53fa92423a5a60299290394"),
     bytes.fromhex("875c1212c8868fd1853edb2c9a1752d3fd8090726393d2d72f38e1e9a3b7ca08"),
     5795356022379337224, 414761046),
]
FIXED_NONCES = [0, 1, (1 << 32) - 1, 1 << 32, 1 << 63, U64_MAX]
MIN_NONCE_PAIRS = ["A_zero_block_alice", "C_byte_order_canary", "D_upstream_sdk_test_inputs"]
MIN_NONCE_DIFFICULTIES = [1000, 1000000]

DIFFICULTIES_CHECKED = [1, 2, 3, 1000, 1000000, 10000000, 1 << 32, 1 << 63, (1 << 62) - 1, U64_MAX,
                        (1 << 80) + 7]
EDGE_DIFFICULTIES = [1, 2, 3, 5, 255, 1000, 65535, 65537, 1000000, 10000000, 1 << 32, (1 << 32) + 1,
                     1 << 63, (1 << 62) - 1, U64_MAX, (1 << 80) + 7]

# The SDK's unit tests (opentensor/bittensor tests/unit_tests/utils/test_utils.py) assert these.
SDK_SOURCE = "opentensor/bittensor tests/unit_tests/utils/test_utils.py @ 9429d0703 (2023-11-30)"
SDK_EXPECTED_H = "7869b61229641b33a355dc34d4ef48f8d82166635237f9f10bcb215b8cb48161"
SDK_SEAL_H = bytes.fromhex("ba7ea4eb0b16dee271dbef5911838c3f359fcf598c74da65a54b919b68b67279")
SDK_SEAL_NONCE = 10
SDK_EXPECTED_SEAL = "c501423622a8a54644504be439adda74bb3a8764132f86c63a49389b88f0c230"

OLD_META = {
    "generator": "gen_vectors.py",
    "keccak": "Cryptodome.Hash.keccak (Debian python3-pycryptodome), digest_bits=256 (legacy Keccak, not SHA3)",
    "sha256": "hashlib.sha256",
    "encoding": "hex strings are lowercase, no 0x; integers that may exceed 2^53 are decimal strings",
    "formulas": {
        "block_and_hotkey_hash": "keccak256(block_hash[32] || account_id[32])",
        "pre_seal": "u64_le(nonce)[8] || block_and_hotkey_hash[32]  (40 bytes)",
        "seal": "keccak256(sha256(pre_seal))",
        "chain_rule": "x = U256(seal); valid iff x*d < 2^256 (no overflow)  <=>  x <= floor((2^256-1)/d)",
        "chain_be": "x = int.from_bytes(seal,'big')    (subtensor before commit aedad2e8e; on main until 2025-06-30)",
        "chain_le": "x = int.from_bytes(seal,'little') (subtensor since commit aedad2e8e; main from 2025-06-30, still at HEAD)",
        "sdk_rule": "x = int.from_bytes(seal,'big'); valid iff x*d < 2^256-1  <=>  x <= floor((2^256-2)/d)",
        "cubit_rule": "x = int.from_bytes(seal,'big'); upper = (2^256-1)//d; valid iff x < upper  <=>  x <= floor((2^256-1)/d)-1",
        "max_difficulty_*": "largest d for which the seal passes that rule (null = unbounded, x == 0); d_max passes, d_max+1 fails",
    },
    "difficulties_checked": [str(d) for d in DIFFICULTIES_CHECKED],
}


def ss58_entry(name, pubkey, full):
    entry = {"name": name, "pubkey": pubkey.hex(), "ss58": ss58_encode(pubkey), "prefix": 42}
    if full:
        checksum_input = ss58_checksum_input(pubkey)
        digest = hashlib.blake2b(checksum_input).digest()
        entry["decoded_35_bytes"] = ss58_decode(entry["ss58"]).hex()
        entry["checksum_input"] = checksum_input.hex()
        entry["blake2b_512_of_checksum_input"] = digest.hex()
        entry["checksum"] = digest[:2].hex()
    return entry


def pair_header(name, block_hash, account):
    return {
        "pair": name,
        "block_hash": block_hash.hex(),
        "hotkey_pubkey": account.hex(),
        "hotkey_ss58": ss58_encode(account),
        "block_and_hotkey_hash": block_and_hotkey_hash(block_hash, account).hex(),
    }


def seal_vector(name, block_hash, account, nonce):
    h = block_and_hotkey_hash(block_hash, account)
    pre, digest, seal = old_seal(h, nonce)
    be, le = int.from_bytes(seal, "big"), int.from_bytes(seal, "little")
    v = pair_header(name, block_hash, account)
    v.update({
        "nonce": str(nonce),
        "nonce_le_hex": nonce.to_bytes(8, "little").hex(),
        "pre_seal": pre.hex(),
        "sha256_of_pre_seal": digest.hex(),
        "seal": seal.hex(),
        "seal_uint_be_hex": be.to_bytes(32, "big").hex(),
        "seal_uint_le_hex": le.to_bytes(32, "big").hex(),
        "max_difficulty_chain_be": dec(max_d_chain(be)),
        "max_difficulty_chain_le": dec(max_d_chain(le)),
        "max_difficulty_sdk": dec(max_d_sdk(be)),
        "max_difficulty_cubit": dec(max_d_cubit(be)),
        "checks": {str(d): rule_checks(seal, d) for d in DIFFICULTIES_CHECKED},
    })
    return v


def edge_vectors():
    out = []
    for d in EDGE_DIFFICULTIES:
        t = M // d
        for delta in (-1, 0, 1):
            x = t + delta
            if x > M:
                continue
            out.append({
                "difficulty": str(d),
                "d_divides_2^256-1": M % d == 0,
                "x_hex": x.to_bytes(32, "big").hex(),
                "x_minus_floor_M_over_d": delta,
                "seal_for_be_rules": x.to_bytes(32, "big").hex(),
                "seal_for_le_rule": x.to_bytes(32, "little").hex(),
                "product_ge_2^256": x * d >= 1 << 256,
                "chain_ok": meets_chain(x, d),
                "sdk_ok": meets_sdk(x, d),
                "cubit_ok": meets_cubit(x, d),
            })
    return out


def min_nonce_vector(name, block_hash, account, d):
    h = block_and_hotkey_hash(block_hash, account)
    tests = {
        "chain_be": lambda s: meets_chain(int.from_bytes(s, "big"), d),
        "chain_le": lambda s: meets_chain(int.from_bytes(s, "little"), d),
        "sdk": lambda s: meets_sdk(int.from_bytes(s, "big"), d),
        "cubit": lambda s: meets_cubit(int.from_bytes(s, "big"), d),
    }
    # The scan below is the slow part of the generator: it compares integers against
    # precomputed bounds instead of calling the rule functions (the verdicts are re-derived
    # with them afterwards, in "checks").
    bounds = {"chain_be": ("big", M // d), "chain_le": ("little", M // d),
              "sdk": ("big", (M - 1) // d), "cubit": ("big", M // d - 1)}
    found, nonce = {}, 0
    sha, kec = hashlib.sha256, _keccak.new
    while len(found) < len(tests):
        seal = kec(digest_bits=256, data=sha(nonce.to_bytes(8, "little") + h).digest()).digest()
        be, le = int.from_bytes(seal, "big"), int.from_bytes(seal, "little")
        for rule, (order, bound) in bounds.items():
            if rule not in found and (be if order == "big" else le) <= bound:
                found[rule] = (nonce, seal)
        nonce += 1
    for rule, (n, seal) in found.items():
        assert tests[rule](seal) and n >= 0
    smallest = {}
    for rule in tests:
        n, seal = found[rule]
        smallest[rule] = {
            "nonce": str(n),
            "seal": seal.hex(),
            "seal_uint_be_hex": seal.hex(),
            "seal_uint_le_hex": seal[::-1].hex(),
            "checks": rule_checks(seal, d),
        }
    v = pair_header(name, block_hash, account)
    v["difficulty"] = str(d)
    v["smallest_nonce"] = smallest
    v["sdk_solution_accepted_by_chain_le"] = tests["chain_le"](found["sdk"][1])
    return v


def storage_keys():
    sm = twox128("SubtensorModule")
    work = bytes.fromhex(seal_vector(*PAIRS[0][:3], 0)["seal"])
    return {
        "check_System_Account_prefix": (twox128("System") + twox128("Account")).hex(),
        "twox128_SubtensorModule": sm.hex(),
        "twox128_Difficulty": twox128("Difficulty").hex(),
        "Difficulty": {str(n): (sm + twox128("Difficulty") + n.to_bytes(2, "little")).hex()
                       for n in (0, 1, 2, 3, 18, 255, 256, 65535)},
        "MinDifficulty_netuid1": (sm + twox128("MinDifficulty") + b"\x01\x00").hex(),
        "MaxDifficulty_netuid1": (sm + twox128("MaxDifficulty") + b"\x01\x00").hex(),
        "NetworkPowRegistrationAllowed_netuid1": (sm + twox128("NetworkPowRegistrationAllowed") + b"\x01\x00").hex(),
        "Uids_netuid1_alice": (sm + twox128("Uids") + b"\x01\x00" + blake2_128_concat(ALICE)).hex(),
        "UsedWork_example": {
            "work": work.hex(),
            # SCALE Vec<u8>: compact length 32 is the byte 0x80
            "key": (sm + twox128("UsedWork") + b"\x80" + work).hex(),
        },
        "System_Number": (twox128("System") + twox128("Number")).hex(),
        "System_BlockHash_block_100": (twox128("System") + twox128("BlockHash")
                                       + twox64_concat((100).to_bytes(4, "little"))).hex(),
        "value_encoding": {
            "Difficulty value": "SCALE u64 little-endian, 8 bytes; state_getStorage returns null when unset -> default",
            "example_10_000_000": (10000000).to_bytes(8, "little").hex(),
            "example_u64_max": U64_MAX.to_bytes(8, "little").hex(),
            "runtime_default_InitialDifficulty": "10000000",
        },
    }


def min_nonce_vectors(cases):
    """min_nonce_vector of each (name, block_hash, account, d), in that order, one process per core:
    the scans are most of the generator's time."""
    with concurrent.futures.ProcessPoolExecutor() as pool:
        return list(pool.map(min_nonce_vector, *zip(*cases)))


def old_vectors():
    h_sdk = block_and_hotkey_hash(SDK_TEST_BLOCK, SDK_TEST_HOTKEY).hex()
    seal_sdk = old_seal(SDK_SEAL_H, SDK_SEAL_NONCE)[2].hex()
    seals = []
    for name, block_hash, account, r1, r2 in PAIRS:
        for nonce in FIXED_NONCES + [r1, r2]:
            seals.append(seal_vector(name, block_hash, account, nonce))
    by_name = {p[0]: p for p in PAIRS}
    return {
        "meta": OLD_META,
        "ss58": [ss58_entry("alice", ALICE, True), ss58_entry("bob", BOB, True),
                 ss58_entry("charlie", CHARLIE, True)]
        + [ss58_entry("pubkey of pair " + name, by_name[name][2], False)
           for name in ("C_byte_order_canary", "D_upstream_sdk_test_inputs", "F_random_block_random_key")],
        "upstream_sdk_test_vectors": {
            "source": SDK_SOURCE,
            "hash_block_with_hotkey": {
                "block_hash": SDK_TEST_BLOCK.hex(),
                "hotkey_pubkey": SDK_TEST_HOTKEY.hex(),
                "expected": SDK_EXPECTED_H,
                "reproduced": h_sdk == SDK_EXPECTED_H,
            },
            "create_seal_hash": {
                "block_and_hotkey_hash": SDK_SEAL_H.hex(),
                "nonce": str(SDK_SEAL_NONCE),
                "expected_seal": SDK_EXPECTED_SEAL,
                "reproduced": seal_sdk == SDK_EXPECTED_SEAL,
            },
        },
        "seal_vectors": seals,
        "comparator_edge_vectors": edge_vectors(),
        "min_nonce_vectors": min_nonce_vectors([(*by_name[name][:3], d)
                                                for name in MIN_NONCE_PAIRS for d in MIN_NONCE_DIFFICULTIES]),
        "storage_keys": storage_keys(),
    }


# --- the v1 seal (§10) ---------------------------------------------------------------------------

V1_TAG = b"subtensor-pow-register-v1"
V1_SEED = 474  # the spec_version that introduced pow_register
V1_DIFFICULTIES = [1, 2, 3, 255, 1000, 1000000, 10000000, 1 << 32, 10 ** 12, 1 << 63, U64_MAX, M]
MINER_MAX_ATTEMPTS = 1 << 20


def v1_prefix(netuid, block_hash, hotkey, coldkey):
    return V1_TAG + netuid.to_bytes(2, "little") + block_hash + hotkey + coldkey


def v1_seal(prefix, nonce):
    payload = prefix + nonce.to_bytes(8, "little")
    digest = sha256(payload)
    return payload, digest, keccak256(digest)


def v1_passes(seal, d):
    return int.from_bytes(seal, "little") <= M // d


def v1_seal_vector(case, netuid, block_hash, hotkey, coldkey, nonce, extra_difficulties=()):
    prefix = v1_prefix(netuid, block_hash, hotkey, coldkey)
    payload, digest, seal = v1_seal(prefix, nonce)
    blocks = sha256_blocks(payload)
    midstate = sha256_compress(_SHA256_IV, blocks[0])
    state = sha256_compress(sha256_compress(midstate, blocks[1]), blocks[2])
    if b"".join(w.to_bytes(4, "big") for w in state) != digest:
        raise AssertionError("the plain SHA-256 compression disagrees with hashlib")
    x = int.from_bytes(seal, "little")
    largest = None if x == 0 else M // x
    difficulties = sorted(set(V1_DIFFICULTIES) | set(extra_difficulties))
    return {
        "case": case,
        "netuid": netuid,
        "block_hash": block_hash.hex(),
        "hotkey": hotkey.hex(),
        "hotkey_ss58": ss58_encode(hotkey),
        "coldkey": coldkey.hex(),
        "coldkey_ss58": ss58_encode(coldkey),
        "prefix": prefix.hex(),
        "nonce": str(nonce),
        "nonce_le_hex": nonce.to_bytes(8, "little").hex(),
        "payload": payload.hex(),
        "sha256_blocks": [b.hex() for b in blocks],
        "sha256_state_after_block1": "".join("%08x" % w for w in midstate),
        "sha256": digest.hex(),
        "seal": seal.hex(),
        "seal_le_int": str(x),
        "passes": {str(d): v1_passes(seal, d) for d in difficulties},
        "largest_passing_d": dec(largest),
    }


def v1_first_hit(prefix, d, start, attempts):
    for i in range(attempts):
        nonce = (start + i) & U64_MAX
        seal = v1_seal(prefix, nonce)[2]
        if v1_passes(seal, d):
            return nonce, seal
    return None, None


def v1_vectors():
    rng = random.Random(V1_SEED)

    def key():
        return rng.getrandbits(256).to_bytes(32, "big")

    chain = (1, b"\x01" * 32, b"\x02" * 32, b"\x03" * 32)
    chain_expected = {
        0: "7cdaced691a70795a7656ad9b76ef2c16b961686a14a790bcb22eed6226ef103",
        1: "c2291b632879447b6fe0785b0f25b5151c85a7e07df23a7860cf029e8a03f466",
        U64_MAX: "69f1aef50783893195365b4fb62a4745085c31fee525a0984bc20301ab377aaf",
    }
    chain_vectors = []
    for nonce, expected in chain_expected.items():
        v = v1_seal_vector("chain_test", *chain, nonce)
        v["expected_seal"] = expected
        v["reproduced"] = v["seal"] == expected
        chain_vectors.append(v)

    seals = []
    # Seeded random prefixes, each at a few nonces.
    for netuid in (1, 2, 255, 256, 4242, 65535, rng.randrange(1, 65536), rng.randrange(1, 65536)):
        job = (netuid, key(), key(), key())
        for nonce in (0, 1, rng.getrandbits(64), rng.getrandbits(40)):
            seals.append(v1_seal_vector("random_prefix", *job, nonce))
    # Each byte of the nonce changing alone (it lands in SHA-256 block 2 for bytes 0-4, block 3
    # for bytes 5-7, §10), and every bit of it set.
    job = (rng.randrange(1, 65536), key(), key(), key())
    for byte in range(8):
        for value in (0x01, 0x80, 0xff):
            seals.append(v1_seal_vector("nonce_byte_%d" % byte, *job, value << (8 * byte)))
    seals.append(v1_seal_vector("nonce_max", *job, U64_MAX))
    seals.append(v1_seal_vector("nonce_max", *chain, U64_MAX))

    first_hits, edges = [], []

    def hit_case(case, job, d, start, attempts):
        prefix = v1_prefix(*job)
        nonce, seal = v1_first_hit(prefix, d, start, attempts)
        first_hits.append({
            "case": case,
            "prefix": prefix.hex(),
            "difficulty": str(d),
            "start": str(start),
            "attempts": attempts,
            "first": dec(nonce),
            "work": None if seal is None else seal.hex(),
        })
        if nonce is not None and d > 1:
            edges.append((job, nonce))

    hit_case("d1_last_nonce", chain, 1, U64_MAX, 2)
    hit_case("d1_first_attempt", chain, 1, 12345, 1)
    probe = (7, key(), key(), key())
    for d, start, attempts in ((1000, 0, 5000), (1000, U64_MAX - 999, 5000), (1 << 20, 0, 64),
                               (4, U64_MAX - 7, 16), (3000, rng.getrandbits(64), 20000)):
        hit_case("search", probe, d, start, attempts)
    for _ in range(3):
        hit_case("search", (rng.randrange(1, 65536), key(), key(), key()), 2000, rng.getrandbits(64), 10000)
    # The same run's first hit, asked for with a single attempt at it and just after it.
    base = first_hits[2]
    hit_case("start_at_hit", probe, int(base["difficulty"]), int(base["first"]), 1)
    hit_case("start_after_hit", probe, int(base["difficulty"]), int(base["first"]) + 1, 1)

    # The difficulty edges of each seal found above (each passes d > 1, so its edge is not the
    # trivial one): d = floor(M / x) passes and is the largest that does; one more fails.
    seen = set()
    for job, nonce in edges:
        if (job, nonce) not in seen:
            seen.add((job, nonce))
            x = int.from_bytes(v1_seal(v1_prefix(*job), nonce)[2], "little")
            seals.append(v1_seal_vector("difficulty_edge", *job, nonce, (M // x, M // x + 1)))

    chain_prefix = v1_prefix(*chain)
    refusals = [
        {"case": "prefix of 122 bytes", "prefix": chain_prefix[:-1].hex(), "difficulty": "1",
         "start": "0", "attempts": 1,
         "error": "expected the 123-byte subnet registration challenge prefix"},
        {"case": "prefix without the tag", "prefix": (b"X" + chain_prefix[1:]).hex(), "difficulty": "1",
         "start": "0", "attempts": 1,
         "error": "expected the 123-byte subnet registration challenge prefix"},
        {"case": "netuid 0 (root)", "prefix": v1_prefix(0, *chain[1:]).hex(), "difficulty": "1",
         "start": "0", "attempts": 1, "error": "PoW registration is unavailable on root"},
        {"case": "difficulty 0", "prefix": chain_prefix.hex(), "difficulty": "0", "start": "0",
         "attempts": 1, "error": "PoW difficulty must be positive"},
        {"case": "attempts 0", "prefix": chain_prefix.hex(), "difficulty": "1", "start": "0",
         "attempts": 0, "error": "PoW batch must contain 1..1048576 attempts"},
        {"case": "attempts above 2^20", "prefix": chain_prefix.hex(), "difficulty": "1", "start": "0",
         "attempts": MINER_MAX_ATTEMPTS + 1, "error": "PoW batch must contain 1..1048576 attempts"},
    ]

    return {
        "meta": {
            "generator": "scripts/gen_vectors.py",
            "protocol": "docs/protocol.md §10",
            "keccak": "Cryptodome.Hash.keccak (Debian python3-pycryptodome), digest_bits=256 (legacy Keccak, not SHA3)",
            "sha256": "hashlib.sha256; sha256_state_after_block1 from a plain-Python compression checked against it",
            "seed": V1_SEED,
            "encoding": "hex strings are lowercase, no 0x; integers that may exceed 2^53 are decimal strings; null = none",
            "formulas": {
                "prefix": "'subtensor-pow-register-v1'[25] || le16(netuid) || block_hash[32] || hotkey[32] || coldkey[32]  (123 bytes)",
                "payload": "prefix || le64(nonce)  (131 bytes; SHA-256 pads it to three 64-byte blocks)",
                "seal": "keccak256(sha256(payload))",
                "passes": "int.from_bytes(seal,'little') <= floor((2^256-1)/d), d >= 1 (rule le only)",
                "largest_passing_d": "floor((2^256-1)/seal_le_int); null when seal_le_int == 0",
                "first_hit": "the first nonce of start, start+1, ... (mod 2^64), attempts of them, whose seal passes d; null when none",
            },
            "difficulties_checked": [str(d) for d in V1_DIFFICULTIES],
        },
        "chain_test_vectors": chain_vectors,
        "seal_vectors": seals,
        "first_hit_vectors": first_hits,
        "miner_refusals": refusals,
    }


# --- output ----------------------------------------------------------------------------------------

def render(data):
    return json.dumps(data, indent=1) + "\n"


def cross_check(path):
    """Compares another v1 vector file (keys as in the shared one) with this file's arithmetic."""
    other = json.load(open(path))
    problems = 0
    for v in other.get("chain_test_vectors", []) + other.get("seal_vectors", []):
        seal = v1_seal(bytes.fromhex(v["prefix"]), int(v["nonce"]))[2]
        if seal.hex() != v["seal"]:
            problems += 1
            print("cross-check: seal differs for prefix %s… nonce %s" % (v["prefix"][:16], v["nonce"]))
        for d, verdict in v.get("passes", {}).items():
            if v1_passes(seal, int(d)) != verdict:
                problems += 1
                print("cross-check: verdict at d=%s differs for nonce %s" % (d, v["nonce"]))
        if "largest_passing_d" in v:
            x = int.from_bytes(seal, "little")
            if dec(None if x == 0 else M // x) != v["largest_passing_d"]:
                problems += 1
                print("cross-check: largest_passing_d differs for nonce %s" % v["nonce"])
    for h in other.get("first_hit_vectors", []):
        nonce, _ = v1_first_hit(bytes.fromhex(h["prefix"]), int(h["difficulty"]), int(h["start"]),
                                h["attempts"])
        if dec(nonce) != h["first"]:
            problems += 1
            print("cross-check: first hit differs (%s, expected %s)" % (dec(nonce), h["first"]))
    count = len(other.get("chain_test_vectors", [])) + len(other.get("seal_vectors", []))
    print("cross-check: %d seal vectors and %d first-hit cases of %s: %d difference(s)"
          % (count, len(other.get("first_hit_vectors", [])), path, problems))
    return problems == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="recompute both files in memory and exit 1 if either differs from the committed one")
    parser.add_argument("--cross-check", metavar="FILE", help="also compare with another v1 vector file")
    args = parser.parse_args()

    ok = True
    if args.cross_check:
        ok = cross_check(args.cross_check)
    outputs = [(OLD_PATH, render(old_vectors())), (V1_PATH, render(v1_vectors()))]
    for path, text in outputs:
        rel = os.path.relpath(path, ROOT)
        if args.check:
            try:
                with open(path) as f:
                    committed = f.read()
            except FileNotFoundError:
                committed = None
            if committed != text:
                ok = False
                print("gen_vectors.py: %s differs from what the generator computes" % rel, file=sys.stderr)
            else:
                print("gen_vectors.py: %s reproduced" % rel)
        else:
            with open(path, "w") as f:
                f.write(text)
            print("gen_vectors.py: wrote %s" % rel)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
