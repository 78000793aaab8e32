"""btpow.bittensor_core against docs/protocol.md §10's contract of the official miner: the chain's vectors, the
first-hit vectors, the SDK's call pattern re-checked by an independent seal computation, and
every refusal with its message."""

import os
import random
import sys
import types

import pytest

import btpow
import btpow.bittensor_core as bc
from conftest import M, V1_TAG, v1_passes, v1_seal

U64 = 1 << 64
CHAIN_PREFIX = V1_TAG + b"\x01\x00" + b"\x01" * 32 + b"\x02" * 32 + b"\x03" * 32


def reference_first(prefix: bytes, difficulty: int, start: int, attempts: int):
    """The first passing nonce of the range by the independent computation, or None."""
    for offset in range(attempts):
        nonce = (start + offset) % U64
        seal = v1_seal(prefix, nonce)
        if v1_passes(seal, difficulty):
            return nonce, seal
    return None


def random_prefix(rng: random.Random) -> bytes:
    netuid = rng.randrange(1, 1 << 16)
    return V1_TAG + netuid.to_bytes(2, "little") + bytes(rng.randrange(256) for _ in range(96))


@pytest.fixture(scope="module")
def rng():
    seed = int(os.environ.get("BTPOW_TEST_SEED", random.randrange(1 << 32)))
    print(f"bittensor_core tests: BTPOW_TEST_SEED={seed}")
    return random.Random(seed)


def test_chain_vectors(v1_vectors):
    for v in v1_vectors["chain_test_vectors"]:
        prefix = bytes.fromhex(v["prefix"])
        assert prefix == CHAIN_PREFIX
        assert btpow.seal_v1(prefix, int(v["nonce"])).hex() == v["seal"]
    # docs/protocol.md §10: d = 1 accepts every seal, so the first nonce of {2^64 - 1, 0} is 2^64 - 1.
    nonce, work = bc.pow_mine_cpu(CHAIN_PREFIX, 1, U64 - 1, 2)
    assert nonce == U64 - 1
    assert bytes(work).hex() == "69f1aef50783893195365b4fb62a4745085c31fee525a0984bc20301ab377aaf"


def test_seal_vectors_through_job_and_verify(v1_vectors):
    for v in v1_vectors["seal_vectors"]:
        job = btpow.Job(seal="v1", netuid=v["netuid"], block_hash=v["block_hash"], hotkey=v["hotkey"],
                        coldkey=v["coldkey"], difficulty=int(v["largest_passing_d"]))
        assert job.v1_prefix.hex() == v["prefix"]
        verdict = btpow.verify(job, int(v["nonce"]))
        assert verdict.seal.hex() == v["seal"]
        assert verdict.passes and verdict.le and not verdict.be and not verdict.sdk
        assert verdict.block_and_hotkey_hash == bytes(32)
        one_more = btpow.Job(seal="v1", netuid=v["netuid"], block_hash=v["block_hash"], hotkey=v["hotkey"],
                             coldkey=v["coldkey"], difficulty=int(v["largest_passing_d"]) + 1)
        if int(v["largest_passing_d"]) < M:
            assert not btpow.verify(one_more, int(v["nonce"])).passes


def test_first_hit_vectors(v1_vectors):
    for v in v1_vectors["first_hit_vectors"]:
        found = bc.pow_mine_cpu(bytes.fromhex(v["prefix"]), int(v["difficulty"]), int(v["start"]), v["attempts"])
        if v["first"] is None:
            assert found is None, v
        else:
            assert found == (int(v["first"]), bytes.fromhex(v["work"])), v


def test_miner_refusal_vectors(v1_vectors):
    for v in v1_vectors["miner_refusals"]:
        with pytest.raises(btpow.InputError) as e:
            bc.pow_mine_cpu(bytes.fromhex(v["prefix"]), int(v["difficulty"]), int(v["start"]), v["attempts"])
        assert v["error"] in str(e.value), v["case"]


def test_sdk_call_pattern_rechecked_independently(rng):
    # The SDK: 100 000 attempts from a random 64-bit start per call. At d = 40 000 a call finds a
    # nonce about nine times in ten; every answer (and every "none") is recomputed apart.
    for _ in range(3):
        prefix = random_prefix(rng)
        start = rng.randrange(U64)
        found = bc.pow_mine_cpu(prefix, 40_000, start, 100_000)
        if found is None:
            assert reference_first(prefix, 40_000, start, 100_000) is None
            continue
        nonce, work = found
        assert isinstance(work, bytes) and len(work) == 32
        assert (nonce, bytes(work)) == reference_first(prefix, 40_000, start, (nonce - start) % U64 + 1)


def test_none_when_no_nonce_passes(rng):
    prefix = random_prefix(rng)
    start = rng.randrange(U64)
    assert bc.pow_mine_cpu(prefix, 1 << 63, start, 2000) == reference_first(prefix, 1 << 63, start, 2000) is None


def test_wraps_at_2_64_in_order(rng):
    prefix = random_prefix(rng)
    start = U64 - 300
    want = reference_first(prefix, 200, start, 2000)
    assert want is not None
    assert bc.pow_mine_cpu(prefix, 200, start, 2000) == want
    assert bc.pow_mine_cpu(prefix, 200, start, 2000, threads=2) == want


@pytest.mark.parametrize("prefix, message", [
    (CHAIN_PREFIX[:-1], bc.PREFIX_MESSAGE),
    (CHAIN_PREFIX + b"\0", bc.PREFIX_MESSAGE),
    (b"subtensor-pow-register-v2" + CHAIN_PREFIX[25:], bc.PREFIX_MESSAGE),
    (CHAIN_PREFIX.hex(), bc.PREFIX_MESSAGE),
    (None, bc.PREFIX_MESSAGE),
    (V1_TAG + b"\0\0" + CHAIN_PREFIX[27:], bc.ROOT_MESSAGE),
])
def test_bad_prefix_refused(prefix, message):
    with pytest.raises(btpow.InputError) as e:
        bc.pow_mine_cpu(prefix, 1, 0, 1)
    assert message in str(e.value) and e.value.field == "prefix"
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("difficulty", [0, -1, 1.0, "1", True, None, M + 1])
def test_bad_difficulty_refused(difficulty):
    with pytest.raises(btpow.InputError) as e:
        bc.pow_mine_cpu(CHAIN_PREFIX, difficulty, 0, 1)
    assert e.value.field == "difficulty"
    if difficulty in (0, -1):
        assert bc.DIFFICULTY_MESSAGE in str(e.value)


@pytest.mark.parametrize("attempts", [0, -1, 1_048_577, 1 << 64, 1.5, None])
def test_bad_attempts_refused(attempts):
    with pytest.raises(btpow.InputError) as e:
        bc.pow_mine_cpu(CHAIN_PREFIX, 1, 0, attempts)
    assert e.value.field == "attempts"
    if isinstance(attempts, int):
        assert bc.ATTEMPTS_MESSAGE in str(e.value)


@pytest.mark.parametrize("start", [-1, U64, "0", None])
def test_bad_start_refused(start):
    with pytest.raises(btpow.InputError) as e:
        bc.pow_mine_cpu(CHAIN_PREFIX, 1, start, 1)
    assert e.value.field == "start"


def test_largest_batch_is_taken():
    assert bc.pow_mine_cpu(CHAIN_PREFIX, 1, 5, 1_048_576)[0] == 5
    assert bc.pow_mine_cpu(CHAIN_PREFIX, 1 << 200, 5, 1_048_576) is None


def test_gpu_miner_without_a_gpu_raises_clearly():
    if bc.pow_gpu_devices():
        pytest.skip("a CUDA device is present: see test_gpu_miner_on_every_device")
    assert bc.pow_gpu_devices() == []
    with pytest.raises(btpow.NoDeviceError) as e:
        bc.PowGpuMiner()
    assert e.value.field == "device_ids"
    with pytest.raises(btpow.NoDeviceError):
        bc.PowGpuMiner([0])


def test_gpu_miner_on_every_device(v1_vectors, rng):
    devices = bc.pow_gpu_devices()
    if not devices:
        pytest.skip("no CUDA device in this build or on this machine")
    miner = bc.PowGpuMiner()
    assert miner.devices() == devices
    assert miner.mine(CHAIN_PREFIX, 1, U64 - 1, 2)[0] == U64 - 1
    for v in v1_vectors["first_hit_vectors"]:
        found = miner.mine(bytes.fromhex(v["prefix"]), int(v["difficulty"]), int(v["start"]), v["attempts"])
        assert found == (None if v["first"] is None else (int(v["first"]), bytes.fromhex(v["work"])))
    prefix = random_prefix(rng)
    start = rng.randrange(U64)
    assert miner.mine(prefix, 40_000, start, 100_000) == bc.pow_mine_cpu(prefix, 40_000, start, 100_000)
    with pytest.raises(btpow.InputError):
        miner.mine(CHAIN_PREFIX, 0, 0, 1)
    with pytest.raises(btpow.NoDeviceError):
        bc.PowGpuMiner([max(devices) + 1])


@pytest.mark.parametrize("ids", [5, "0", [0.0], [-1]])
def test_gpu_miner_bad_device_ids(ids):
    with pytest.raises((btpow.InputError, btpow.NoDeviceError)) as e:
        bc.PowGpuMiner(ids)
    assert e.value.field == "device_ids"


def test_install_and_patch():
    saved = sys.modules.get("bittensor_core")
    try:
        bc.install()
        import bittensor_core

        assert bittensor_core is bc
        official = types.ModuleType("bittensor_core")
        bc.patch(official)
        assert official.pow_mine_cpu is bc.pow_mine_cpu
        assert official.pow_gpu_devices is bc.pow_gpu_devices
        assert official.PowGpuMiner is bc.PowGpuMiner
    finally:
        if saved is None:
            sys.modules.pop("bittensor_core", None)
        else:
            sys.modules["bittensor_core"] = saved
