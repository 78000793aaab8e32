"""Shared fixtures: the test vectors (tests/data/vectors.json) and the demo job."""

import json
import os
from pathlib import Path

import pytest

import btpow

VECTORS = Path(os.environ.get("BTPOW_TEST_DATA", Path(__file__).resolve().parents[1] / "data")) / "vectors.json"
ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
ALICE_HEX = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
M = (1 << 256) - 1


@pytest.fixture(scope="session")
def vectors():
    with open(VECTORS) as f:
        return json.load(f)


@pytest.fixture
def demo_job():
    """The faucet's demo job: block hash 0x00..00, Alice, d = 10^6, rule le."""
    return btpow.Job(block_hash="0x" + "00" * 32, account=ALICE, difficulty=10**6, rule="le")
