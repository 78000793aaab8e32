"""The fleet driver's job feed and solution objects (btpow._fleet_feed) against the CLI's: the same
keys accepted and refused, the same solution keys (plus "worker"). No Dask needed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

import btpow
from btpow import _fleet_feed as feed

ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
ALICE_HEX = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
ZERO_HASH = "0x" + "00" * 32
CLI = os.environ.get("BTPOW_CLI", "")


def line(**values) -> str:
    base = {"block_number": 7, "block_hash": ZERO_HASH, "account": ALICE, "difficulty": "1000"}
    base.update(values)
    return json.dumps({k: v for k, v in base.items() if v is not None})


def test_old_seal_line_is_normalised():
    job = feed.parse_job_line(line(count=3, rule="be", **{"x-anything": [1, {"a": 2}]}), 1, "le", 1)
    assert job.kind == "old" and job.count == 3
    assert job.fields == {"block_number": 7, "block_hash": ZERO_HASH, "account": ALICE_HEX, "difficulty": "1000",
                          "rule": "be"}
    assert job.job == btpow.Job(block_hash=ZERO_HASH, account=ALICE, difficulty=1000, rule="be", block_number=7)
    assert feed.parse_job_line(line(seal="old", difficulty=2**200), 2, "sdk", 5).fields["difficulty"] == str(2**200)


@pytest.mark.parametrize("text, message", [
    ("[]", "--jobs line 4: expected a JSON object {…}, got an array"),
    ("{", "--jobs line 4: not valid JSON"),
    (line(rulez="be"), 'unknown key "rulez"'),
    (line(netuid=1), 'unknown key "netuid" for the old seal'),
    (line(account=None), "--jobs line 4, account: missing"),
    (line(block_hash="0x12"), "--jobs line 4, block_hash:"),
    (line(block_number=1.5), "--jobs line 4, block_number: expected a decimal integer"),
    (line(block_number=-1), "--jobs line 4, block_number:"),
    (line(count=0), "--jobs line 4, count: expected 1.."),
    (line(rule="xx"), "--jobs line 4, rule:"),
    (line(seal="v2"), '--jobs line 4, seal: expected "old" or "v1"'),
    (line(difficulty={"a": 1}), "--jobs line 4, difficulty: expected a string or a number, got an object"),
    ('{"block_number":1,"block_number":2}', '"block_number": duplicate key'),
    ("[" * 100000 + "]" * 100000, "--jobs line 4:"),
])
def test_refused_lines_name_the_line_and_key(text, message):
    with pytest.raises(feed.FeedError) as error:
        feed.parse_job_line(text, 4, "le", 1)
    assert message in str(error.value)


def test_v1_line():
    text = json.dumps({"seal": "v1", "block_number": 9, "block_hash": ZERO_HASH, "netuid": 3, "hotkey": ALICE,
                       "coldkey": ALICE_HEX, "difficulty": "1000", "count": 2})
    if not feed.v1_supported():
        with pytest.raises(feed.FeedError, match="cannot solve the v1 seal yet"):
            feed.parse_job_line(text, 1, "le", 1)
        pytest.skip("this btpow package has no v1 seal yet: v1 lines are refused, as checked")
    job = feed.parse_job_line(text, 1, "le", 1)
    assert job.kind == "v1" and job.count == 2
    assert job.fields["hotkey"] == ALICE_HEX and job.fields["coldkey"] == ALICE_HEX and job.fields["netuid"] == 3
    nonce = btpow.scan(job.job, 0, 1 << 16).hits[0]
    out = feed.solution_object(job, nonce, btpow.verify(job.job, nonce).seal, 10, 0.5, "cpu", "tcp://w")
    assert out["seal_kind"] == "v1" and out["work_block"] == 9 and out["work"] == out["seal"]
    with pytest.raises(feed.FeedError, match='one rule, "le"'):
        feed.parse_job_line(text.replace('"count"', '"rule":"be","count"'), 1, "le", 1)


@pytest.mark.skipif(not CLI, reason="BTPOW_CLI (the btpow CLI binary) is not set: run scripts/test-fleet.sh")
def test_solution_object_has_the_cli_keys():
    text = line(difficulty="1000")
    run = subprocess.run([CLI, "solve", "--jobs", "-", "--json", "--threads", "1", "--backend", "cpu", "--quiet"],
                         input=text + "\n", capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    cli = json.loads(run.stdout.splitlines()[0])
    job = feed.parse_job_line(text, 1, "le", 1)
    nonce = int(cli["nonce"])
    ours = feed.solution_object(job, nonce, btpow.verify(job.job, nonce).seal, int(cli["hashes"]), cli["seconds"],
                                cli["backend"], "tcp://127.0.0.1:1")
    assert ours.pop("worker") == "tcp://127.0.0.1:1"
    if "seal_kind" not in cli:  # the CLI before the v1 seal landed
        ours.pop("seal_kind")
    assert set(ours) == set(cli)
    for key in ("block_number", "block_hash", "account", "nonce", "seal", "rule", "difficulty", "faucet_call"):
        assert ours[key] == cli[key], key


@pytest.mark.skipif(not CLI, reason="BTPOW_CLI (the btpow CLI binary) is not set: run scripts/test-fleet.sh")
def test_cli_metrics_flag_refuses_bad_addresses():
    import socket

    for value in ("nope", "127.0.0.1:0", "127.0.0.1:70000", ":9100"):
        run = subprocess.run([CLI, "solve", "--jobs", "-", "--metrics", value], input="", capture_output=True,
                             text=True, timeout=30)
        assert run.returncode == 2 and "--metrics: expected HOST:PORT" in run.stderr, (value, run.stderr)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([CLI, "solve", "--jobs", "-", "--backend", "cpu", "--threads", "1", "--metrics",
                              f"127.0.0.1:{port}"], input="", capture_output=True, text=True, timeout=30)
    assert run.returncode == 2 and f"--metrics: cannot listen on 127.0.0.1:{port}" in run.stderr, run.stderr


def test_v1_conversion_with_a_v1_job_class(monkeypatch):
    """The v1 path against a stand-in for btpow.Job(seal="v1", netuid=…, hotkey=…, coldkey=…), so it
    is checked before the package has the v1 seal."""
    import dataclasses

    real_job = btpow.Job

    @dataclasses.dataclass(frozen=True)
    class V1Job:
        block_hash: object = bytes(32)
        account: object = bytes(32)
        difficulty: object = 0
        rule: str = "le"
        block_number: int = 0
        seal: str = "old"
        netuid: int = 0
        hotkey: object = bytes(32)
        coldkey: object = bytes(32)

        def __post_init__(self):
            old = real_job(block_hash=self.block_hash, account=self.hotkey, difficulty=self.difficulty)
            object.__setattr__(self, "block_hash", old.block_hash)
            object.__setattr__(self, "difficulty", old.difficulty)
            object.__setattr__(self, "hotkey", old.account)
            object.__setattr__(self, "coldkey", real_job(account=self.coldkey).account)

    monkeypatch.setattr(feed.btpow, "Job", V1Job)
    text = json.dumps({"seal": "v1", "block_number": "9", "block_hash": ZERO_HASH, "netuid": 65535,
                       "hotkey": ALICE, "coldkey": ALICE_HEX, "difficulty": 1000})
    job = feed.parse_job_line(text, 1, "be", 1)  # --rule be is the old seal's default, not v1's
    assert job.fields == {"block_number": 9, "block_hash": ZERO_HASH, "seal": "v1", "netuid": 65535,
                          "hotkey": ALICE_HEX, "coldkey": ALICE_HEX, "difficulty": "1000", "rule": "le"}
    assert V1Job(**job.fields) == job.job  # what a worker rebuilds is the same job
    out = feed.solution_object(job, 5, bytes(range(32)), 10, 0.25, "cpu", "tcp://w")
    assert list(out) == ["seal_kind", "block_number", "work_block", "block_hash", "netuid", "hotkey", "coldkey",
                         "nonce", "seal", "work", "rule", "difficulty", "hashes", "seconds", "backend", "worker"]
    assert out["work"] == out["seal"] == "0x" + bytes(range(32)).hex() and out["nonce"] == "5"
    for bad, message in (({"netuid": 65536}, "netuid: expected 0..65535"), ({"account": ALICE}, 'unknown key'),
                         ({"coldkey": None}, "coldkey: missing")):
        line = {**json.loads(text), **bad}
        with pytest.raises(feed.FeedError, match=message):
            feed.parse_job_line(json.dumps({k: v for k, v in line.items() if v is not None}), 1, "le", 1)


FAKE_NVML = r"""
#include <string.h>
typedef void *device;
static int gpu0;
int nvmlInit_v2(void) { return 0; }
int nvmlShutdown(void) { return 0; }
int nvmlDeviceGetCount_v2(unsigned *n) { *n = 1; return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned i, device *d) { if (i) return 2; *d = &gpu0; return 0; }
int nvmlDeviceGetName(device d, char *name, unsigned length) { strncpy(name, "Fake GPU", length); return 0; }
int nvmlDeviceGetTemperature(device d, int sensor, unsigned *t) { if (sensor) return 2; *t = 61; return 0; }
int nvmlDeviceGetPowerUsage(device d, unsigned *mw) { *mw = 250500; return 0; }
int nvmlDeviceGetClockInfo(device d, int kind, unsigned *mhz) { if (kind == 0) return 3; *mhz = kind == 1 ? 1980 : 2619; return 0; }
int nvmlDeviceGetTotalEnergyConsumption(device d, unsigned long long *mj) { *mj = 123456789ULL; return 0; }
"""


@pytest.mark.skipif(not CLI, reason="BTPOW_CLI (the btpow CLI binary) is not set: run scripts/test-fleet.sh")
@pytest.mark.skipif(not shutil.which("cc"), reason="no C compiler to build the stand-in NVML library")
def test_cli_metrics_serve_nvml_readings(tmp_path):
    """NVML's readings through a stand-in libnvidia-ml.so.1 (this machine has no NVIDIA driver); the
    graphics clock it calls unsupported is left out, not shown as 0."""
    import socket
    import time
    import urllib.request

    (tmp_path / "fake.c").write_text(FAKE_NVML)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(tmp_path / "libnvidia-ml.so.1"), str(tmp_path / "fake.c")],
                   check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path))
    proc = subprocess.Popen([CLI, "solve", "--jobs", "-", "--backend", "cpu", "--threads", "1", "--quiet", "--metrics",
                             f"127.0.0.1:{port}"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        text = ""
        for _ in range(100):
            try:
                text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait()
    assert 'btpow_gpu_temperature_celsius{gpu="0",name="Fake GPU"} 61' in text, text
    assert 'btpow_gpu_power_watts{gpu="0",name="Fake GPU"} 250.5' in text
    assert 'btpow_gpu_energy_joules_total{gpu="0",name="Fake GPU"} 123456.789' in text
    assert 'btpow_gpu_clock_hertz{gpu="0",name="Fake GPU",clock="sm"} 1980000000' in text
    assert 'btpow_gpu_clock_hertz{gpu="0",name="Fake GPU",clock="memory"} 2619000000' in text
    assert 'clock="graphics"' not in text
