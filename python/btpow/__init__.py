"""btpow: the proof-of-work puzzle of Bittensor's chain (subtensor), solved on CUDA GPUs and every
CPU core.

    import btpow
    job = btpow.Job(block_hash="0x00…00", account="5Grwva…", difficulty=1_000_000, rule="le")
    with btpow.Solver() as solver:
        solver.submit(job)
        solution = solver.wait(timeout=24)

Hashes are ``bytes`` (32) or hex ``str`` (with or without 0x); accounts an SS58 ``str`` (prefix
42), 64 hex digits or 32 ``bytes``; difficulties an ``int`` 0 <= d <= 2**256 - 1 (or its decimal or
0x-hex text). Rules: "le" (the chain since 2025-06-30, the faucet), "be" (the chain before),
"sdk" (the Python SDK's check). Every error is a ``btpow.Error`` naming the field; bad input is a
``btpow.InputError``, also a ``ValueError``. Long calls release the GIL and honour Ctrl-C.

``btpow.cubit`` is a drop-in for the ``cubit`` CUDA module the bittensor SDK imports.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, List, Optional, Sequence, Union

from . import _btpow
from ._errors import DeviceError, Error, InputError, NoDeviceError, bad_input, expect_type

__version__ = "0.1.0"

M = (1 << 256) - 1
U64_MAX = (1 << 64) - 1
RULES = ("le", "be", "sdk")

HashLike = Union[bytes, bytearray, memoryview, str]
AccountLike = Union[bytes, bytearray, memoryview, str]
DifficultyLike = Union[int, str]


def _thirty_two_bytes(value: Union[HashLike, AccountLike], field: str, parse, text_form: str) -> bytes:
    """32 bytes given as such or as text that ``parse`` reads; an error naming ``field`` otherwise."""
    if isinstance(value, str):
        return parse(value, field)
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if len(data) != 32:
            raise bad_input(field, f"expected 32 bytes, got {len(data)}", "bad_hex_length")
        return data
    raise bad_input(field, f"expected {text_form} or 32 bytes, got {type(value).__name__}", "bad_type")


def _hash(value: HashLike, field: str) -> bytes:
    return _thirty_two_bytes(value, field, _btpow.parse_hash, "64 hex digits")


def _account(value: AccountLike, field: str = "account") -> bytes:
    return _thirty_two_bytes(value, field, _btpow.parse_account, "an SS58 address, 64 hex digits")


def _difficulty(value: DifficultyLike, field: str = "difficulty") -> int:
    if isinstance(value, str):
        return int(_btpow.parse_difficulty(value, field))
    expect_type(value, (int,), field, "an int 0 <= d <= 2**256 - 1")
    if value < 0:
        raise bad_input(field, f"expected 0 <= d <= 2**256 - 1, got a negative number ({value})", "negative_integer")
    if value > M:
        raise bad_input(field, "expected 0 <= d <= 2**256 - 1, got a larger number", "integer_out_of_range")
    return int(value)


def _u64(value: int, field: str) -> int:
    expect_type(value, (int,), field, "an int 0 <= n <= 2**64 - 1")
    if value < 0:
        raise bad_input(field, f"expected 0 <= n <= 2**64 - 1, got a negative number ({value})", "negative_integer")
    if value > U64_MAX:
        raise bad_input(field, f"expected 0 <= n <= 2**64 - 1, got {value}", "integer_out_of_range")
    return int(value)


def _rule(value: str) -> str:
    expect_type(value, (str,), "rule", "one of 'le', 'be', 'sdk'")
    return _btpow.parse_rule(value, "rule")


@dataclasses.dataclass(frozen=True)
class Job:
    """One puzzle: the block (its hash and number), the account, the difficulty and the rule.

    The fields are normalised on creation: hashes and accounts become 32 ``bytes``, the
    difficulty an ``int``. ``block_and_hotkey_hash`` (H) may be given instead of ``block_hash``
    and ``account`` by a caller that knows only H; then those two are ignored.
    """

    block_hash: HashLike = bytes(32)
    account: AccountLike = bytes(32)
    difficulty: DifficultyLike = 0
    rule: str = "le"
    block_number: int = 0
    block_and_hotkey_hash: Optional[HashLike] = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "block_hash", _hash(self.block_hash, "block_hash"))
        set_(self, "account", _account(self.account))
        set_(self, "difficulty", _difficulty(self.difficulty))
        set_(self, "rule", _rule(self.rule))
        set_(self, "block_number", _u64(self.block_number, "block_number"))
        if self.block_and_hotkey_hash is not None:
            set_(self, "block_and_hotkey_hash", _hash(self.block_and_hotkey_hash, "block_and_hotkey_hash"))

    @property
    def account_ss58(self) -> str:
        """The account as an SS58 address (prefix 42)."""
        return _btpow.account_ss58(self.account)

    def _spec(self) -> tuple:
        return (self.block_number, self.block_hash, self.account, str(self.difficulty), self.rule,
                self.block_and_hotkey_hash)


def _job(job: Job) -> Job:
    if not isinstance(job, Job):
        raise bad_input("job", f"expected a btpow.Job, got {type(job).__name__}", "bad_type")
    return job


def _devices(backend: str, threads: int, cpu_isa: str, devices: Optional[Sequence[int]], cuda_batch_ms: int) -> tuple:
    expect_type(backend, (str,), "backend", "one of 'auto', 'cpu', 'cuda', 'all'")
    expect_type(threads, (int,), "threads", "an int >= 0")
    if threads < 0:
        raise bad_input("threads", f"expected 0 (every hardware thread) or more, got {threads}", "bad_option")
    expect_type(cpu_isa, (str,), "cpu_isa", "a CPU path name or ''")
    ordinals: List[int] = []
    for d in devices or ():
        expect_type(d, (int,), "devices", "CUDA ordinals (ints >= 0)")
        if d < 0:
            raise bad_input("devices", f"expected CUDA ordinals >= 0, got {d}", "bad_option")
        ordinals.append(int(d))
    expect_type(cuda_batch_ms, (int,), "cuda_batch_ms", "an int 0..1000")
    if not 0 <= cuda_batch_ms <= 1000:
        raise bad_input("cuda_batch_ms", f"expected 1..1000 ms, or 0 for the default, got {cuda_batch_ms}", "bad_option")
    return (backend, threads, cpu_isa, ordinals, cuda_batch_ms)


def block_and_hotkey_hash(block_hash: HashLike, account: AccountLike) -> bytes:
    """H = keccak256(block_hash ‖ account), computed once per job."""
    return _btpow.block_and_hotkey_hash(_hash(block_hash, "block_hash"), _account(account))


def seal(block_hash: HashLike, account: AccountLike, nonce: int) -> bytes:
    """The seal keccak256(sha256(le64(nonce) ‖ H)) of a block, an account and a nonce."""
    return _btpow.seal(block_and_hotkey_hash(block_hash, account), _u64(nonce, "nonce"))


def seal_from_hash(block_and_hotkey_hash: HashLike, nonce: int) -> bytes:
    """The seal of a nonce given H directly."""
    return _btpow.seal(_hash(block_and_hotkey_hash, "block_and_hotkey_hash"), _u64(nonce, "nonce"))


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The seal of (job, nonce) and whether it passes each rule; ``passes`` is the job's rule's."""

    block_and_hotkey_hash: bytes
    seal: bytes
    le: bool
    be: bool
    sdk: bool
    passes: bool


def verify(job: Job, nonce: int) -> Verdict:
    """The seal of ``nonce`` for ``job`` and its verdict under every rule."""
    return Verdict(*_btpow.verify(_job(job)._spec(), _u64(nonce, "nonce")))


@dataclasses.dataclass(frozen=True)
class ScanResult:
    """Every passing nonce of a range, ascending from its start, and what it took."""

    hits: List[int]
    hashes: int
    candidates: int
    compute_errors: int
    seconds: float  # hashing time
    setup_seconds: float  # device set-up (self-test, calibration) before it


def scan(job: Job, start: int, count: int, *, backend: str = "cpu", threads: int = 0, cpu_isa: str = "",
         devices: Optional[Sequence[int]] = None, cuda_batch_ms: int = 0) -> ScanResult:
    """Every nonce in [start, start + count), wrapping modulo 2**64, whose seal passes the job's
    rule. Runs on the CPU unless ``backend`` says otherwise ("cuda", "auto", "all"). Releases the
    GIL; Ctrl-C raises KeyboardInterrupt within about 50 ms."""
    spec = _job(job)._spec()
    start = _u64(start, "start")
    count = _u64(count, "count")
    if count == 0:
        raise bad_input("count", "expected 1..2**64 - 1 nonces, got 0", "bad_option")
    hits, stats = _btpow.scan(spec, start, count, _devices(backend, threads, cpu_isa, devices, cuda_batch_ms))
    return ScanResult(hits, *stats)


@dataclasses.dataclass(frozen=True)
class Solution:
    """A nonce that passed the full check under its job's rule."""

    job: Job
    job_id: int
    nonce: int
    seal: bytes
    device: str  # "cpu", "cuda:0", ...
    hashes: int  # seals hashed for the job when it was found
    seconds: float  # since the job was submitted


class Solver:
    """CPU threads and/or CUDA devices working on one job at a time.

    ``submit`` replaces the current job at once (a new block); ``wait`` returns the next solution
    or None after ``timeout`` seconds; iterating yields solutions as they come. A context manager:
    leaving the block stops the workers. Methods may be called from any thread.
    """

    _recent_jobs = 64

    def __init__(self, backend: str = "auto", *, threads: int = 0, cpu_isa: str = "",
                 devices: Optional[Sequence[int]] = None, cuda_batch_ms: int = 0,
                 nonce_start: Optional[int] = None) -> None:
        spec = _devices(backend, threads, cpu_isa, devices, cuda_batch_ms)
        start = None if nonce_start is None else _u64(nonce_start, "nonce_start")
        self._native = _btpow.NativeSolver(spec, start)
        self._jobs: Dict[int, Job] = {}

    def submit(self, job: Job) -> int:
        """Starts work on ``job``, replacing the current one; returns its id (from 1)."""
        job_id = self._native.submit(_job(job)._spec())
        self._jobs[job_id] = job
        for old in [i for i in self._jobs if i <= job_id - self._recent_jobs]:
            del self._jobs[old]
        return job_id

    def wait(self, timeout: Optional[float] = None) -> Optional[Solution]:
        """The next solution not yet returned, or None after ``timeout`` seconds (None: no limit)
        or once the solver is stopped. Releases the GIL; Ctrl-C raises KeyboardInterrupt."""
        if timeout is not None:
            expect_type(timeout, (int, float), "timeout", "seconds (a number >= 0) or None")
            if not timeout >= 0:
                raise bad_input("timeout", f"expected seconds >= 0 or None, got {timeout}", "bad_option")
        found = self._native.wait(None if timeout is None else float(timeout))
        if found is None:
            return None
        job_id, nonce, seal_bytes, device, hashes, seconds = found
        return Solution(self._jobs.get(job_id), job_id, nonce, seal_bytes, device, hashes, seconds)

    def __iter__(self) -> Iterator[Solution]:
        while True:
            solution = self.wait()
            if solution is None:
                return
            yield solution

    def stats(self) -> dict:
        """Counters (exact) and rates (seals/s over 10 s, 60 s, total) per device and in total.

        A rate is None when there is no interval to measure over yet, never a made-up 0."""
        return self._native.stats()

    def pause(self) -> None:
        """Stops hashing until the next submit."""
        self._native.pause()

    def stop(self) -> None:
        """Stops every worker (within about 100 ms). Idempotent."""
        self._native.stop()

    def __enter__(self) -> "Solver":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def system_info() -> dict:
    """What this build and machine offer: the CPU, its SIMD paths, and the CUDA devices."""
    return _btpow.system_info()


__all__ = [
    "Error", "InputError", "NoDeviceError", "DeviceError", "Job", "Verdict", "ScanResult", "Solution", "Solver",
    "block_and_hotkey_hash", "seal", "seal_from_hash", "verify", "scan", "system_info", "M", "RULES",
]
