"""Shared fixtures: the test vectors (tests/data/vectors.json, v1_vectors.json), the demo job, and an
independent computation of the v1 seal (hashlib + pycryptodome, no code shared with btpow)."""

import hashlib
import json
import os
from pathlib import Path

import pytest

import btpow

DATA = Path(os.environ.get("BTPOW_TEST_DATA", Path(__file__).resolve().parents[1] / "data"))
VECTORS = DATA / "vectors.json"
V1_VECTORS = DATA / "v1_vectors.json"
ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
ALICE_HEX = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
M = (1 << 256) - 1
V1_TAG = b"subtensor-pow-register-v1"


def keccak256(data: bytes) -> bytes:
    from Cryptodome.Hash import keccak  # Debian's python3-pycryptodome

    return keccak.new(digest_bits=256, data=data).digest()


def v1_seal(prefix: bytes, nonce: int) -> bytes:
    """docs/protocol.md §10, computed apart from btpow: keccak256(sha256(prefix ‖ le64(nonce)))."""
    return keccak256(hashlib.sha256(prefix + nonce.to_bytes(8, "little")).digest())


def v1_passes(seal: bytes, difficulty: int) -> bool:
    return int.from_bytes(seal, "little") <= M // difficulty


@pytest.fixture(scope="session")
def vectors():
    with open(VECTORS) as f:
        return json.load(f)


@pytest.fixture(scope="session")
def v1_vectors():
    with open(V1_VECTORS) as f:
        return json.load(f)


@pytest.fixture
def demo_job():
    """The faucet's demo job: block hash 0x00..00, Alice, d = 10^6, rule le."""
    return btpow.Job(block_hash="0x" + "00" * 32, account=ALICE, difficulty=10**6, rule="le")
