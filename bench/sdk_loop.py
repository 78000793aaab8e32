#!/usr/bin/python3
"""The comparison point for the CPU backend: the Python SDK's per-nonce seal loop (docs/protocol.md §7),
re-created step for step (hex round trip of the pre_seal, hashlib SHA-256, pycryptodome
Keccak-256, big-endian integer product check) on one core.

Usage: /usr/bin/python3 bench/sdk_loop.py [seconds]   (Debian: apt-get install python3-pycryptodome)
Prints one JSON object: {"backend":"python-sdk-loop","seals_per_second":…,"seals":…,"seconds":…}.
"""
import binascii
import hashlib
import json
import sys
import time

from Cryptodome.Hash import keccak

LIMIT = 2**256 - 1


def hex_to_u8(hex_bytes):
    return [int(hex_bytes[i:i + 2], 16) for i in range(0, len(hex_bytes), 2)]


def create_seal(block_and_hotkey_hash, nonce):
    pre_seal = binascii.hexlify(nonce.to_bytes(8, "little")) + binascii.hexlify(block_and_hotkey_hash)[:64]
    digest = hashlib.sha256(bytearray(hex_to_u8(pre_seal))).digest()
    return keccak.new(digest_bits=256).update(digest).digest()


def meets(seal, difficulty):
    return int.from_bytes(seal, "big") * difficulty < LIMIT


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    h = bytes.fromhex("c0624595063eff7717b713bc2903b05ef476c0f969bb8e1342576dad3cf5932f")
    assert create_seal(h, 0).hex() == "8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f"
    difficulty = 10**6
    nonce = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(1000):
            meets(create_seal(h, nonce), difficulty)
            nonce += 1
        now = time.perf_counter()
        if now >= deadline:
            break
    elapsed = now - start
    print(json.dumps({"backend": "python-sdk-loop", "seals_per_second": round(nonce / elapsed),
                      "seals": nonce, "seconds": round(elapsed, 3)}))


if __name__ == "__main__":
    main()
