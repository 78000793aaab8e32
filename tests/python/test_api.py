"""The Python API against the test vectors, its input forms, its errors and its interruptions."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import btpow
from conftest import ALICE, ALICE_HEX, M

RULE_KEYS = {"le": "meets_chain_le", "be": "meets_chain_be", "sdk": "meets_sdk"}


def test_installed_copy_is_tested():
    # The suite runs against the installed package, not python/ in the source tree.
    assert "site-packages" in btpow.__file__ or os.environ.get("BTPOW_TEST_SOURCE_TREE")


def test_seal_vectors(vectors):
    for v in vectors["seal_vectors"]:
        h = btpow.block_and_hotkey_hash(v["block_hash"], v["hotkey_ss58"])
        assert h.hex() == v["block_and_hotkey_hash"]
        nonce = int(v["nonce"])
        assert btpow.seal(v["block_hash"], bytes.fromhex(v["hotkey_pubkey"]), nonce).hex() == v["seal"]
        assert btpow.seal_from_hash(h, nonce).hex() == v["seal"]


def test_verify_under_every_rule(vectors):
    for v in vectors["seal_vectors"][:16]:
        for d, checks in v["checks"].items():
            for rule, key in RULE_KEYS.items():
                job = btpow.Job(block_hash=v["block_hash"], account=v["hotkey_pubkey"], difficulty=int(d), rule=rule)
                verdict = btpow.verify(job, int(v["nonce"]))
                assert verdict.seal.hex() == v["seal"]
                assert verdict.passes == checks[key], (v["pair"], v["nonce"], d, rule)
                assert getattr(verdict, rule) == checks[key]


def test_scan_finds_the_smallest_nonce_of_each_rule(vectors):
    for v in vectors["min_nonce_vectors"]:
        if v["difficulty"] != "1000":
            continue
        for rule, key in (("le", "chain_le"), ("be", "chain_be"), ("sdk", "sdk")):
            want = int(v["smallest_nonce"][key]["nonce"])
            job = btpow.Job(block_hash=v["block_hash"], account=v["hotkey_ss58"], difficulty=1000, rule=rule)
            result = btpow.scan(job, 0, want + 1, threads=2)
            assert result.hits and result.hits[0] == want and result.hits[-1] == want
            assert result.hashes == want + 1


def test_scan_hits_are_every_passing_nonce_ascending(demo_job):
    result = btpow.scan(demo_job, 0, 1_000_000)
    assert result.hits == [675340, 836977, 956945, 959907]
    assert result.hashes == 1_000_000 and result.compute_errors == 0
    assert all(btpow.verify(demo_job, n).passes for n in result.hits)


def test_scan_wraps_modulo_2_64():
    job = btpow.Job(difficulty=0)  # d = 0 accepts every seal
    assert btpow.scan(job, 2**64 - 2, 4).hits == [2**64 - 2, 2**64 - 1, 0, 1]


def test_inputs_bytes_hex_and_ss58_are_the_same():
    forms = [ALICE, ALICE_HEX, "0x" + ALICE_HEX.upper(), bytes.fromhex(ALICE_HEX), bytearray.fromhex(ALICE_HEX)]
    jobs = {btpow.Job(block_hash=bytes(32), account=a, difficulty="0x10") for a in forms}
    assert len(jobs) == 1
    job = jobs.pop()
    assert job.difficulty == 16 and job.account_ss58 == ALICE


def test_difficulty_bounds():
    assert btpow.Job(difficulty=M).difficulty == M
    assert btpow.Job(difficulty=str(M)).difficulty == M
    for bad, code in ((M + 1, "integer_out_of_range"), (-1, "negative_integer"), ("1.5", "bad_integer"),
                      (str(M + 1), "integer_out_of_range"), ("-3", "negative_integer")):
        with pytest.raises(btpow.InputError) as e:
            btpow.Job(difficulty=bad)
        assert e.value.field == "difficulty" and e.value.code == code


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(account="5Grwva"), "account"),
        (dict(account=bytes(31)), "account"),
        (dict(account=42), "account"),
        (dict(block_hash="0x1234"), "block_hash"),
        (dict(block_hash="zz" * 32), "block_hash"),
        (dict(rule="big"), "rule"),
        (dict(difficulty=1.5), "difficulty"),
        (dict(difficulty=True), "difficulty"),
        (dict(block_number=-1), "block_number"),
        (dict(block_number=2**64), "block_number"),
    ],
)
def test_bad_job_fields_raise_input_error_naming_the_field(kwargs, field):
    with pytest.raises(btpow.InputError) as e:
        btpow.Job(**kwargs)
    assert isinstance(e.value, ValueError) and isinstance(e.value, btpow.Error)
    assert e.value.field == field and field in str(e.value)


def test_bad_call_arguments(demo_job):
    with pytest.raises(btpow.InputError, match="count"):
        btpow.scan(demo_job, 0, 0)
    with pytest.raises(btpow.InputError, match="nonce"):
        btpow.verify(demo_job, 2**64)
    with pytest.raises(btpow.InputError, match="job"):
        btpow.verify("not a job", 0)
    with pytest.raises(btpow.InputError, match="backend"):
        btpow.scan(demo_job, 0, 10, backend="quantum")
    with pytest.raises(btpow.InputError, match="threads"):
        btpow.Solver(threads=-1)
    with pytest.raises(btpow.InputError, match="timeout"):
        btpow.Solver(backend="cpu").wait(-1)


def test_no_device_is_an_error_not_an_exit(demo_job):
    if btpow.system_info()["cuda_devices"]:
        pytest.skip("this machine has a CUDA device")
    with pytest.raises(btpow.NoDeviceError) as e:
        btpow.scan(demo_job, 0, 10, backend="cuda")
    assert not isinstance(e.value, ValueError)
    with pytest.raises(btpow.NoDeviceError):
        btpow.Solver(backend="cuda")


def test_solver_solves_the_demo_job(demo_job):
    with btpow.Solver(backend="cpu", nonce_start=0) as solver:
        job_id = solver.submit(demo_job)
        solution = solver.wait(timeout=120)
        assert solution is not None and solution.job is demo_job and solution.job_id == job_id
        assert btpow.verify(demo_job, solution.nonce).passes
        assert solution.seal == btpow.verify(demo_job, solution.nonce).seal
        stats = solver.stats()
        assert stats["job_id"] == job_id and stats["total"]["hashes"] > 0 and stats["devices"]
        for rate in ("rate_10s", "rate_60s", "rate_total"):  # float, or None without an interval yet
            assert stats["total"][rate] is None or stats["total"][rate] >= 0
    began = time.monotonic()
    while solver.wait(timeout=0.2) is not None:  # stopped: what is left drains, then None at once
        pass
    assert time.monotonic() - began < 2


def test_solver_iterates_until_stopped(demo_job):
    solver = btpow.Solver(backend="cpu")
    solver.submit(btpow.Job(block_hash=demo_job.block_hash, account=demo_job.account, difficulty=1000))
    seen = []
    threading.Timer(1.0, solver.stop).start()
    for solution in solver:
        seen.append(solution.nonce)
        if len(seen) >= 3:
            solver.stop()
    assert len(seen) >= 3
    with pytest.raises(btpow.Error):
        solver.submit(demo_job)


def test_solver_wait_times_out(demo_job):
    with btpow.Solver(backend="cpu") as solver:
        solver.submit(btpow.Job(account=ALICE, difficulty=M))
        began = time.monotonic()
        assert solver.wait(timeout=0.3) is None
        assert 0.25 < time.monotonic() - began < 2


def test_system_info():
    info = btpow.system_info()
    assert info["cpu"]["hardware_threads"] >= 1 and info["cpu"]["isas"]
    assert isinstance(info["cuda_compiled"], bool) and isinstance(info["cuda_devices"], list)


def _interrupt_after(seconds):
    """Sends SIGINT to this process after `seconds`; the returned list receives the moment it was
    sent, so that a test measures its reaction from the signal, not from a timer that a busy
    machine may start late."""
    sent = []

    def interrupt():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Timer(seconds, interrupt).start()
    return sent


@pytest.fixture
def ctrl_c_raises():
    """SIGINT raises KeyboardInterrupt during the test, also where the interpreter started with
    SIGINT ignored (a background job, nohup), a disposition that Python keeps."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_interrupts_a_scan_promptly():
    job = btpow.Job(account=ALICE, difficulty=M)
    sent = _interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        btpow.scan(job, 0, 2**40)
    assert time.monotonic() - sent[0] < 0.15


@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_interrupts_a_wait_promptly():
    with btpow.Solver(backend="cpu", threads=1) as solver:
        solver.submit(btpow.Job(account=ALICE, difficulty=M))
        sent = _interrupt_after(0.3)
        with pytest.raises(KeyboardInterrupt):
            solver.wait()
        assert time.monotonic() - sent[0] < 0.15


def test_gil_is_released_during_a_scan():
    job = btpow.Job(account=ALICE, difficulty=M)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    t.start()
    btpow.scan(job, 0, 3_000_000, threads=1)
    stop.set()
    t.join()
    assert len(ticks) >= 10


def test_bad_input_never_ends_the_interpreter():
    code = (
        "import btpow\n"
        "for bad in ('x', b'', None, 2**300):\n"
        "    try: btpow.Job(account=bad)\n"
        "    except btpow.Error: pass\n"
        "print('alive')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "alive", out.stderr


# The v1 seal (docs/protocol.md §10): pow_register's, spec 474 and later.

V1_JOB = dict(seal="v1", netuid=1, block_hash="0x" + "01" * 32, hotkey="0x" + "02" * 32, coldkey="0x" + "03" * 32)


def test_v1_job_builds_the_chain_prefix():
    from conftest import V1_TAG

    job = btpow.Job(**V1_JOB, difficulty=1)
    assert job.v1_prefix == V1_TAG + b"\x01\x00" + b"\x01" * 32 + b"\x02" * 32 + b"\x03" * 32
    assert btpow.verify(job, 0).seal.hex() == "7cdaced691a70795a7656ad9b76ef2c16b961686a14a790bcb22eed6226ef103"
    assert job.seal == "v1" and job.hotkey == b"\x02" * 32 and job.account == bytes(32)


def test_v1_scan_matches_the_independent_seal():
    from conftest import v1_passes, v1_seal

    job = btpow.Job(**V1_JOB, difficulty=500)
    result = btpow.scan(job, 2**64 - 3000, 6000, threads=2)
    want = [n % 2**64 for n in range(2**64 - 3000, 2**64 + 3000) if v1_passes(v1_seal(job.v1_prefix, n % 2**64), 500)]
    assert result.hits == want and result.compute_errors == 0 and want


def test_v1_solver_solution_passes_and_carries_its_job():
    from conftest import v1_passes, v1_seal

    job = btpow.Job(**V1_JOB, difficulty=5000, block_number=1234)
    with btpow.Solver("cpu", threads=2) as solver:
        job_id = solver.submit(job)
        solution = solver.wait(timeout=120)
    assert solution is not None and solution.job == job and solution.job_id == job_id
    assert solution.seal == v1_seal(job.v1_prefix, solution.nonce)
    assert v1_passes(solution.seal, 5000)


@pytest.mark.parametrize("kwargs, field", [
    ({**V1_JOB, "seal": "v2"}, "seal"),
    ({**V1_JOB, "seal": 1}, "seal"),
    ({**V1_JOB, "rule": "be"}, "rule"),
    ({**V1_JOB, "netuid": 0}, "netuid"),
    ({**V1_JOB, "netuid": 65536}, "netuid"),
    ({**V1_JOB, "netuid": -1}, "netuid"),
    ({**V1_JOB, "netuid": "1"}, "netuid"),
    ({**V1_JOB, "hotkey": "5Grwva"}, "hotkey"),
    ({**V1_JOB, "coldkey": bytes(31)}, "coldkey"),
    ({**V1_JOB, "block_and_hotkey_hash": bytes(32)}, "block_and_hotkey_hash"),
    ({k: v for k, v in V1_JOB.items() if k != "hotkey"}, "hotkey"),
    ({k: v for k, v in V1_JOB.items() if k != "coldkey"}, "coldkey"),
])
def test_bad_v1_jobs_are_refused_by_field(kwargs, field):
    with pytest.raises(btpow.InputError) as e:
        btpow.Job(**kwargs)
    assert e.value.field == field


def test_seal_v1_refuses_a_wrong_length_prefix():
    with pytest.raises(btpow.InputError) as e:
        btpow.seal_v1(bytes(122), 0)
    assert e.value.field == "prefix"


def test_version_comes_from_cmake():
    from importlib import metadata

    try:
        assert btpow.__version__ == metadata.version("btpow")
    except metadata.PackageNotFoundError:
        assert os.environ.get("BTPOW_TEST_SOURCE_TREE")  # run from the source tree, not installed
    root = os.environ.get("BTPOW_SOURCE_ROOT")
    if not root:
        pytest.skip("BTPOW_SOURCE_ROOT not set (scripts/test-python.sh sets it)")
    import json
    import re

    with open(os.path.join(root, "CMakeLists.txt")) as f:
        cmake = re.search(r"project\(\s*btpow\s+VERSION\s+([0-9.]+)", f.read()).group(1)
    with open(os.path.join(root, "chain", "package.json")) as f:
        chain = json.load(f)["version"]
    assert btpow.__version__ == cmake == chain


def test_jobs_pickle_and_copy():
    import copy
    import pickle

    for job in (btpow.Job(account=ALICE, difficulty=10**6), btpow.Job(**V1_JOB, difficulty=7, block_number=9)):
        for clone in (pickle.loads(pickle.dumps(job)), copy.deepcopy(job), copy.copy(job)):
            assert clone == job
            assert btpow.verify(clone, 5) == btpow.verify(job, 5)
