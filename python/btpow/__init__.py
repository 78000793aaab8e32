"""btpow: the proof-of-work puzzle of Bittensor's chain (subtensor), solved on CUDA GPUs and every
CPU core.

    import btpow
    job = btpow.Job(block_hash="0x00…00", account="5Grwva…", difficulty=1_000_000, rule="le")
    with btpow.Solver() as solver:
        solver.submit(job)
        solution = solver.wait(timeout=24)

A job of the v1 seal (``pow_register``, subtensor spec 474 and later; docs/protocol.md §10) names the work
block's hash, the subnet and both keys::

    job = btpow.Job(seal="v1", block_number=work_block, block_hash="0x…", netuid=1,
                    hotkey="5F…", coldkey="5G…", difficulty=10_000_000)

Hashes are ``bytes`` (32) or hex ``str`` (with or without 0x); accounts an SS58 ``str`` (prefix
42), 64 hex digits or 32 ``bytes``; difficulties an ``int`` 0 <= d <= 2**256 - 1 (or its decimal or
0x-hex text). Rules: "le" (the chain since 2025-06-30, the faucet), "be" (the chain before),
"sdk" (the Python SDK's check). Every error is a ``btpow.Error`` naming the field; bad input is a
``btpow.InputError``, also a ``ValueError``. Long calls release the GIL and honour Ctrl-C.

``btpow.cubit`` is a drop-in for the ``cubit`` CUDA module the old SDK imports;
``btpow.bittensor_core`` one for the ``bittensor_core`` miner the SDK uses for ``pow_register``.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from typing import Dict, Iterator, List, Optional, Sequence, Union

from . import _btpow
from ._errors import DeviceError, Error, InputError, NoDeviceError, bad_input, expect_type, shown

__version__: str = _btpow.__version__  # CMake's project() version, the one source

M = (1 << 256) - 1
U64_MAX = (1 << 64) - 1
RULES = ("le", "be", "sdk")
SEALS = ("old", "v1")
MAX_THREADS = 4096  # the library's bound on CPU threads, as the CLI's --threads
_MAX_ORDINAL = (1 << 31) - 1

HashLike = Union[bytes, bytearray, memoryview, str]
AccountLike = Union[bytes, bytearray, memoryview, str]
DifficultyLike = Union[int, str]


def _text(value: str, field: str) -> bytes:
    """str as the UTF-8 bytes the library reads. A lone surrogate (which UTF-8 cannot hold) passes
    as its three bytes, so the library refuses it like any stray byte, naming the field."""
    return value.encode("utf-8", "surrogatepass")


def _thirty_two_bytes(value: Union[HashLike, AccountLike], field: str, parse, text_form: str) -> bytes:
    """32 bytes given as such or as text that ``parse`` reads; an error naming ``field`` otherwise."""
    if isinstance(value, str):
        return parse(_text(value, field), field)
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
        return int(_btpow.parse_difficulty(_text(value, field), field))
    expect_type(value, (int,), field, "an int 0 <= d <= 2**256 - 1")
    if value < 0:
        raise bad_input(field, f"expected 0 <= d <= 2**256 - 1, got a negative number ({shown(value)})", "negative_integer")
    if value > M:
        raise bad_input(field, "expected 0 <= d <= 2**256 - 1, got a larger number", "integer_out_of_range")
    return int(value)


def _bounded_int(value: int, field: str, low: int, high: int, form: str) -> int:
    expect_type(value, (int,), field, f"an int {form}")
    if value < 0 and low >= 0:
        raise bad_input(field, f"expected {form}, got a negative number ({shown(value)})", "negative_integer")
    if not low <= value <= high:
        raise bad_input(field, f"expected {form}, got {shown(value)}", "integer_out_of_range")
    return int(value)


def _u64(value: int, field: str) -> int:
    return _bounded_int(value, field, 0, U64_MAX, "0 <= n <= 2**64 - 1")


def _name(value: str, field: str, parse, expected: str) -> str:
    expect_type(value, (str,), field, expected)
    return parse(_text(value, field), field)


@dataclasses.dataclass(frozen=True)
class Job:
    """One puzzle: which seal, the block (its hash and number), the accounts, the difficulty and
    the rule.

    ``seal="old"`` (the default) is keccak256(sha256(le64(nonce) ‖ H)) with H = keccak256(
    block_hash ‖ account): the faucet, Torus and ``register`` before subtensor spec 474.
    ``block_and_hotkey_hash`` (H) may be given instead of ``block_hash`` and ``account`` by a
    caller that knows only H; then those two are ignored.

    ``seal="v1"`` is ``pow_register``'s seal (docs/protocol.md §10): keccak256(sha256("subtensor-pow-register-v1"
    ‖ le16(netuid) ‖ block_hash ‖ hotkey ‖ coldkey ‖ le64(nonce))), read little-endian only (rule
    "le"). ``block_number`` is the work block and ``block_hash`` its hash; ``netuid`` 1..65535 (root,
    0, is refused), ``hotkey`` the key to register, ``coldkey`` the key that signs the call (both
    required); ``account`` is not used. An old-seal job leaves ``hotkey`` and ``coldkey`` None.

    The fields are normalised on creation: hashes and accounts become 32 ``bytes``, the
    difficulty an ``int``. Bad input raises ``btpow.InputError`` naming the field.
    """

    block_hash: HashLike = bytes(32)
    account: AccountLike = bytes(32)
    difficulty: DifficultyLike = 0
    rule: str = "le"
    block_number: int = 0
    block_and_hotkey_hash: Optional[HashLike] = None
    seal: str = "old"
    netuid: int = 0
    hotkey: Optional[AccountLike] = None
    coldkey: Optional[AccountLike] = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "seal", _name(self.seal, "seal", _btpow.parse_seal_kind, "'old' or 'v1'"))
        set_(self, "block_hash", _hash(self.block_hash, "block_hash"))
        set_(self, "account", _account(self.account))
        set_(self, "difficulty", _difficulty(self.difficulty))
        set_(self, "rule", _name(self.rule, "rule", _btpow.parse_rule, "one of 'le', 'be', 'sdk'"))
        set_(self, "block_number", _u64(self.block_number, "block_number"))
        if self.block_and_hotkey_hash is not None:
            set_(self, "block_and_hotkey_hash", _hash(self.block_and_hotkey_hash, "block_and_hotkey_hash"))
        set_(self, "netuid", _bounded_int(self.netuid, "netuid", 0, 65535, "a subnet 1..65535"))
        for key in ("hotkey", "coldkey"):
            value = getattr(self, key)
            if value is not None:
                set_(self, key, _account(value, key))
            elif self.seal == "v1":
                raise bad_input(key, f"a v1 job needs its {key} (an SS58 address, 64 hex digits or 32 bytes)",
                                "bad_job")
        set_(self, "_native", _btpow.Job(
            seal=self.seal, block_number=self.block_number, block_hash=self.block_hash, account=self.account,
            difficulty=str(self.difficulty), rule=self.rule, block_and_hotkey_hash=self.block_and_hotkey_hash,
            netuid=self.netuid, hotkey=self.hotkey or bytes(32), coldkey=self.coldkey or bytes(32)))

    def __reduce__(self):
        # Pickled by its fields (a process pool sends jobs to workers); the native job is rebuilt.
        return (Job, tuple(getattr(self, f.name) for f in dataclasses.fields(self)))

    @property
    def account_ss58(self) -> str:
        """The account as an SS58 address (prefix 42)."""
        return _btpow.account_ss58(self.account)

    @property
    def v1_prefix(self) -> bytes:
        """The 123 bytes before the nonce in the v1 payload (docs/protocol.md §10): the tag, le16(netuid), the
        block hash, the hotkey and the coldkey — what ``bittensor_core`` calls the prefix."""
        return self._native.v1_prefix


def _job(job: Job):
    if not isinstance(job, Job):
        raise bad_input("job", f"expected a btpow.Job, got {type(job).__name__}", "bad_type")
    return job._native


def _devices(backend: str, threads: int, cpu_isa: str, devices: Optional[Sequence[int]], cuda_batch_ms: int):
    backend_text = _text(_checked_str(backend, "backend", "one of 'auto', 'cpu', 'cuda', 'all'"), "backend")
    threads = _bounded_int(threads, "threads", 0, MAX_THREADS, f"0 (every hardware thread) .. {MAX_THREADS}")
    isa_text = _text(_checked_str(cpu_isa, "cpu_isa", "a CPU path name or ''"), "cpu_isa")
    if devices is not None and (isinstance(devices, (str, bytes, bytearray)) or not isinstance(devices, Sequence)):
        raise bad_input("devices", f"expected None (every device) or a list of CUDA ordinals, got "
                        f"{type(devices).__name__}", "bad_type")
    ordinals = [_bounded_int(d, "devices", 0, _MAX_ORDINAL, "CUDA ordinals 0 .. 2**31 - 1") for d in devices or ()]
    cuda_batch_ms = _bounded_int(cuda_batch_ms, "cuda_batch_ms", 0, 1000, "1..1000 ms, or 0 for the default")
    return _btpow.DeviceOptions(backend=backend_text, cpu_threads=threads, cpu_isa=isa_text, cuda_devices=ordinals,
                                cuda_batch_ms=cuda_batch_ms)


def _checked_str(value: str, field: str, expected: str) -> str:
    expect_type(value, (str,), field, expected)
    return value


def block_and_hotkey_hash(block_hash: HashLike, account: AccountLike) -> bytes:
    """H = keccak256(block_hash ‖ account), computed once per job."""
    return _btpow.block_and_hotkey_hash(_hash(block_hash, "block_hash"), _account(account))


def seal(block_hash: HashLike, account: AccountLike, nonce: int) -> bytes:
    """The seal keccak256(sha256(le64(nonce) ‖ H)) of a block, an account and a nonce."""
    return _btpow.seal(block_and_hotkey_hash(block_hash, account), _u64(nonce, "nonce"))


def seal_from_hash(block_and_hotkey_hash: HashLike, nonce: int) -> bytes:
    """The seal of a nonce given H directly."""
    return _btpow.seal(_hash(block_and_hotkey_hash, "block_and_hotkey_hash"), _u64(nonce, "nonce"))


def seal_v1(prefix: Union[bytes, bytearray, memoryview], nonce: int) -> bytes:
    """The v1 seal keccak256(sha256(prefix ‖ le64(nonce))) of a 123-byte prefix (docs/protocol.md §10;
    ``Job.v1_prefix`` builds one). Any 123 bytes are hashed; the tag is not checked."""
    if not isinstance(prefix, (bytes, bytearray, memoryview)):
        raise bad_input("prefix", f"expected 123 bytes, got {type(prefix).__name__}", "bad_type")
    return _btpow.seal_v1(bytes(prefix), _u64(nonce, "nonce"))


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
    """The seal of ``nonce`` for ``job`` and its verdict under every rule (a v1 seal counts under
    "le" alone, docs/protocol.md §10; ``block_and_hotkey_hash`` is then zero)."""
    native = _job(job)
    v = _btpow.verify(native, _u64(nonce, "nonce"))
    return Verdict(v.block_and_hotkey_hash, v.seal, v.le, v.be, v.sdk, v.passes(native))


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
    native = _job(job)
    start = _u64(start, "start")
    count = _u64(count, "count")
    if count == 0:
        raise bad_input("count", "expected 1..2**64 - 1 nonces, got 0", "bad_option")
    r = _btpow.scan(native, start, count, _devices(backend, threads, cpu_isa, devices, cuda_batch_ms))
    return ScanResult(r.hits, r.hashes, r.candidates, r.compute_errors, r.seconds, r.setup_seconds)


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
    leaving the block stops the workers. Methods may be called from any thread, concurrently.
    Jobs of both seals may follow each other.
    """

    _recent_jobs = 64

    def __init__(self, backend: str = "auto", *, threads: int = 0, cpu_isa: str = "",
                 devices: Optional[Sequence[int]] = None, cuda_batch_ms: int = 0,
                 nonce_start: Optional[int] = None) -> None:
        options = _devices(backend, threads, cpu_isa, devices, cuda_batch_ms)
        start = None if nonce_start is None else _u64(nonce_start, "nonce_start")
        # Guards _jobs: submit and wait may run on several threads at once (the GIL does not make
        # a submit and its record one step).
        self._jobs_lock = threading.Lock()
        self._jobs: Dict[int, Job] = {}
        self._native = _btpow.NativeSolver(options, start)

    def submit(self, job: Job) -> int:
        """Starts work on ``job``, replacing the current one; returns its id (from 1)."""
        native = _job(job)
        with self._jobs_lock:
            job_id = self._native.submit(native)
            self._jobs[job_id] = job
            for old in [i for i in self._jobs if i <= job_id - self._recent_jobs]:
                del self._jobs[old]
        return job_id

    def wait(self, timeout: Optional[float] = None) -> Optional[Solution]:
        """The next solution not yet returned, or None after ``timeout`` seconds (None: no limit)
        or once the solver is stopped. Releases the GIL; Ctrl-C raises KeyboardInterrupt."""
        found = self._native.wait(_timeout(timeout))
        if found is None:
            return None
        with self._jobs_lock:
            job = self._jobs.get(found.job_id)
        return Solution(job, found.job_id, found.nonce, found.seal, found.device, found.hashes, found.seconds)

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


def _timeout(timeout: Optional[float]) -> Optional[float]:
    """Seconds as a float, or None for no limit: infinity and ints too large for a float (which
    are longer than the universe is old) wait like None."""
    if timeout is None:
        return None
    expect_type(timeout, (int, float), "timeout", "seconds (a number >= 0) or None")
    if not timeout >= 0:
        raise bad_input("timeout", f"expected seconds >= 0 or None, got {shown(timeout)}", "bad_option")
    try:
        seconds = float(timeout)
    except OverflowError:
        return None
    return None if math.isinf(seconds) else seconds


def system_info() -> dict:
    """What this build and machine offer: the CPU, its SIMD paths, and the CUDA devices."""
    return _btpow.system_info()


__all__ = [
    "Error", "InputError", "NoDeviceError", "DeviceError", "Job", "Verdict", "ScanResult", "Solution", "Solver",
    "block_and_hotkey_hash", "seal", "seal_from_hash", "seal_v1", "verify", "scan", "system_info", "M", "RULES",
    "SEALS", "MAX_THREADS",
]
