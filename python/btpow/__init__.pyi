# Type stubs of the btpow package (python/btpow/__init__.py).
from typing import Dict, Iterator, List, Optional, Sequence, Union


__version__: str
M: int
RULES: tuple
SEALS: tuple
MAX_THREADS: int

HashLike = Union[bytes, bytearray, memoryview, str]
AccountLike = Union[bytes, bytearray, memoryview, str]
DifficultyLike = Union[int, str]

class Error(Exception):
    field: str
    code: str
    def __init__(self, message: str, field: str = ..., code: str = ...) -> None: ...

class InputError(Error, ValueError): ...
class NoDeviceError(Error): ...
class DeviceError(Error): ...

class Job:
    block_hash: bytes
    account: bytes
    difficulty: int
    rule: str
    block_number: int
    block_and_hotkey_hash: Optional[bytes]
    seal: str
    netuid: int
    hotkey: Optional[bytes]
    coldkey: Optional[bytes]
    def __init__(
        self,
        block_hash: HashLike = ...,
        account: AccountLike = ...,
        difficulty: DifficultyLike = ...,
        rule: str = ...,
        block_number: int = ...,
        block_and_hotkey_hash: Optional[HashLike] = ...,
        seal: str = ...,
        netuid: int = ...,
        hotkey: Optional[AccountLike] = ...,
        coldkey: Optional[AccountLike] = ...,
    ) -> None: ...
    @property
    def account_ss58(self) -> str: ...
    @property
    def v1_prefix(self) -> bytes: ...

class Verdict:
    block_and_hotkey_hash: bytes
    seal: bytes
    le: bool
    be: bool
    sdk: bool
    passes: bool

class ScanResult:
    hits: List[int]
    hashes: int
    candidates: int
    compute_errors: int
    seconds: float
    setup_seconds: float

class Solution:
    job: Optional[Job]
    job_id: int
    nonce: int
    seal: bytes
    device: str
    hashes: int
    seconds: float

class Solver:
    def __init__(
        self,
        backend: str = ...,
        *,
        threads: int = ...,
        cpu_isa: str = ...,
        devices: Optional[Sequence[int]] = ...,
        cuda_batch_ms: int = ...,
        nonce_start: Optional[int] = ...,
    ) -> None: ...
    def submit(self, job: Job) -> int: ...
    def wait(self, timeout: Optional[float] = ...) -> Optional[Solution]: ...
    def __iter__(self) -> Iterator[Solution]: ...
    def stats(self) -> Dict[str, object]: ...
    def pause(self) -> None: ...
    def stop(self) -> None: ...
    def __enter__(self) -> "Solver": ...
    def __exit__(self, *exc: object) -> None: ...

def block_and_hotkey_hash(block_hash: HashLike, account: AccountLike) -> bytes: ...
def seal(block_hash: HashLike, account: AccountLike, nonce: int) -> bytes: ...
def seal_from_hash(block_and_hotkey_hash: HashLike, nonce: int) -> bytes: ...
def seal_v1(prefix: Union[bytes, bytearray, memoryview], nonce: int) -> bytes: ...
def verify(job: Job, nonce: int) -> Verdict: ...
def scan(
    job: Job,
    start: int,
    count: int,
    *,
    backend: str = ...,
    threads: int = ...,
    cpu_isa: str = ...,
    devices: Optional[Sequence[int]] = ...,
    cuda_batch_ms: int = ...,
) -> ScanResult: ...
def system_info() -> Dict[str, object]: ...
