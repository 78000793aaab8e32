"""A drop-in for ``bittensor_core``, the miner the bittensor SDK imports for ``pow_register``
(subtensor spec 474 and later; the v1 seal of docs/protocol.md §10), on btpow's SIMD CPU paths and CUDA.

The contract, as the SDK relies on it:

- ``pow_mine_cpu(prefix, difficulty, start, attempts)`` returns ``None`` or ``(nonce, work)``:
  the **first** nonce in the order ``start, start + 1, …`` (wrapping modulo 2**64) of the
  ``attempts`` nonces whose seal keccak256(sha256(prefix ‖ le64(nonce))), read little-endian,
  is at most floor((2**256 - 1) / difficulty); ``work`` is the 32 seal bytes. ``prefix`` is the
  123-byte challenge: "subtensor-pow-register-v1" ‖ le16(netuid) ‖ block_hash ‖ hotkey ‖ coldkey.
  It hashes on one CPU thread (the SDK runs one call per worker thread; ``threads=`` changes it)
  and releases the GIL while it does.
- ``pow_gpu_devices()`` lists the usable CUDA ordinals (``[]`` without a GPU or in a build
  without CUDA). ``PowGpuMiner(device_ids=None)`` (None: every device) self-tests each device
  and raises when one fails or none is there; ``.mine(prefix, difficulty, start, attempts)``
  has ``pow_mine_cpu``'s contract on those devices, ``.devices()`` lists them.
- Refused, each with a ``btpow.InputError`` (a ``ValueError``) naming the field and nothing
  mined: a prefix that is not 123 bytes or does not start with the tag ("expected the 123-byte
  subnet registration challenge prefix"); netuid bytes 25–26 both zero ("PoW registration is
  unavailable on root"); difficulty 0 ("PoW difficulty must be positive"); attempts 0 or above
  1 048 576 ("PoW batch must contain 1..1048576 attempts"). Difficulties up to 2**256 - 1 are
  taken (the SDK passes 0 < d < 2**64).

Every nonce of the range is hashed and every passing one is re-checked by btpow's reference, so
the first hit is exact, not a sample.

How unchanged SDK code picks it up — either replace the module before the SDK imports it::

    import btpow.bittensor_core
    btpow.bittensor_core.install()   # sys.modules["bittensor_core"] = btpow.bittensor_core
    import bittensor                 # its "import bittensor_core" finds this module

or, when the official module is installed and already imported, point its functions here::

    import bittensor_core, btpow.bittensor_core as fast
    fast.patch(bittensor_core)       # sets pow_mine_cpu, pow_gpu_devices, PowGpuMiner on it

(``patch`` only sets those three attributes; code that did ``from bittensor_core import
pow_mine_cpu`` before the patch keeps the old function, so patch first.)
"""

from __future__ import annotations

import sys
import types
from typing import List, Optional, Sequence, Tuple, Union

from . import Job, MAX_THREADS, scan, seal_v1, system_info
from ._errors import DeviceError, InputError, NoDeviceError, bad_input, expect_type, shown

TAG = b"subtensor-pow-register-v1"  # docs/protocol.md §10
PREFIX_SIZE = 123
MAX_ATTEMPTS = 1 << 20
_U64 = 1 << 64
_CPU_HEAD = 4096
_M = (1 << 256) - 1
_NETUID = slice(25, 27)
_BLOCK_HASH = slice(27, 59)
_HOTKEY = slice(59, 91)
_COLDKEY = slice(91, 123)

# The messages of the official miner (docs/protocol.md §10), which each refusal contains word for word.
PREFIX_MESSAGE = "expected the 123-byte subnet registration challenge prefix"
ROOT_MESSAGE = "PoW registration is unavailable on root"
DIFFICULTY_MESSAGE = "PoW difficulty must be positive"
ATTEMPTS_MESSAGE = "PoW batch must contain 1..1048576 attempts"

BytesLike = Union[bytes, bytearray, memoryview]


def _refuse(field: str, official: str, detail: str, code: str) -> InputError:
    return InputError(f"{official} ({field}: {detail})", field, code)


def _job(prefix: BytesLike, difficulty: int) -> Job:
    """The v1 job the prefix stands for, after the official miner's checks, in its order."""
    if not isinstance(prefix, (bytes, bytearray, memoryview)):
        raise _refuse("prefix", PREFIX_MESSAGE, f"got {type(prefix).__name__}", "bad_type")
    data = bytes(prefix)
    if len(data) != PREFIX_SIZE:
        raise _refuse("prefix", PREFIX_MESSAGE, f"got {len(data)} bytes", "bad_hex_length")
    if not data.startswith(TAG):
        raise _refuse("prefix", PREFIX_MESSAGE, "it does not start with b'subtensor-pow-register-v1'", "bad_job")
    if data[_NETUID] == b"\0\0":
        raise _refuse("prefix", ROOT_MESSAGE, "netuid 0 in bytes 25-26", "bad_job")
    if not isinstance(difficulty, int) or isinstance(difficulty, bool):
        raise _refuse("difficulty", DIFFICULTY_MESSAGE, f"got {type(difficulty).__name__}", "bad_type")
    if difficulty <= 0:
        raise _refuse("difficulty", DIFFICULTY_MESSAGE, f"got {shown(difficulty)}", "integer_out_of_range")
    if difficulty > _M:
        raise _refuse("difficulty", "PoW difficulty must be at most 2**256 - 1", "got a larger number",
                      "integer_out_of_range")
    return Job(seal="v1", netuid=int.from_bytes(data[_NETUID], "little"), block_hash=data[_BLOCK_HASH],
               hotkey=data[_HOTKEY], coldkey=data[_COLDKEY], difficulty=difficulty, rule="le")


def _range(start: int, attempts: int) -> Tuple[int, int]:
    expect_type(start, (int,), "start", "an int 0 <= start <= 2**64 - 1")
    if not 0 <= start < _U64:
        raise bad_input("start", f"expected 0 <= start <= 2**64 - 1, got {shown(start)}", "integer_out_of_range")
    if not isinstance(attempts, int) or isinstance(attempts, bool):
        raise _refuse("attempts", ATTEMPTS_MESSAGE, f"got {type(attempts).__name__}", "bad_type")
    if not 1 <= attempts <= MAX_ATTEMPTS:
        raise _refuse("attempts", ATTEMPTS_MESSAGE, f"got {shown(attempts)}", "integer_out_of_range")
    return int(start), int(attempts)


def _first_hit(prefix: BytesLike, difficulty: int, start: int, attempts: int, head: int,
               **devices) -> Optional[Tuple[int, bytes]]:
    job = _job(prefix, difficulty)
    start, attempts = _range(start, attempts)
    # On the CPU a short head first: at a low difficulty it holds the answer, and the rest of the
    # range is neither hashed nor are its many hits re-checked. (A GPU pays its set-up per scan.)
    head = min(attempts, head)
    for offset, count in ((0, head), (head, attempts - head)):
        if count == 0:
            break
        hits = scan(job, (start + offset) % _U64, count, **devices).hits  # ascending: hits[0] is first
        if hits:
            return hits[0], seal_v1(job.v1_prefix, hits[0])
    return None


def pow_mine_cpu(prefix: BytesLike, difficulty: int, start: int, attempts: int, *,
                 threads: int = 1) -> Optional[Tuple[int, bytes]]:
    """The first nonce of start, start + 1, … (attempts of them, wrapping at 2**64) whose v1 seal
    passes difficulty, with its seal as ``(nonce, work)``; None when none does. On ``threads``
    CPU threads (1 by default: the SDK runs one call per worker thread)."""
    expect_type(threads, (int,), "threads", f"an int 1..{MAX_THREADS}")
    if not 1 <= threads <= MAX_THREADS:
        raise bad_input("threads", f"expected 1..{MAX_THREADS} threads, got {shown(threads)}", "bad_option")
    return _first_hit(prefix, difficulty, start, attempts, _CPU_HEAD, backend="cpu", threads=threads)


def pow_gpu_devices() -> List[int]:
    """The CUDA ordinals this build and machine can mine on; [] when there is none."""
    info = system_info()
    if not info["cuda_compiled"]:
        return []
    return [int(d["ordinal"]) for d in info["cuda_devices"]]


# docs/protocol.md §10's chain vector: tag ‖ 01 00 ‖ 32×01 ‖ 32×02 ‖ 32×03, whose nonce 2^64 - 1 seals to this;
# at d = 1 the range {2^64 - 1, 0} must give 2^64 - 1 first.
_SELF_TEST_PREFIX = TAG + b"\x01\x00" + b"\x01" * 32 + b"\x02" * 32 + b"\x03" * 32
_SELF_TEST_SEAL = bytes.fromhex("69f1aef50783893195365b4fb62a4745085c31fee525a0984bc20301ab377aaf")


class PowGpuMiner:
    """Mines v1 seals on CUDA devices under ``pow_mine_cpu``'s contract.

    ``device_ids``: CUDA ordinals, or None for every usable device. Each is self-tested on
    creation (docs/protocol.md §10's chain vector); raises ``btpow.NoDeviceError`` when there is no GPU or
    an ordinal is not one, ``btpow.DeviceError`` when a device gives a wrong answer.
    """

    def __init__(self, device_ids: Optional[Sequence[int]] = None) -> None:
        available = pow_gpu_devices()
        if device_ids is None:
            if not available:
                info = system_info()
                why = info["cuda_error"] or ("this build has no CUDA backend" if not info["cuda_compiled"]
                                             else "no CUDA device")
                raise NoDeviceError(f"device_ids: no usable GPU ({why})", "device_ids", "no_device")
            ids = list(available)
        else:
            if isinstance(device_ids, (str, bytes, bytearray)) or not isinstance(device_ids, Sequence):
                raise bad_input("device_ids", f"expected None or a list of CUDA ordinals, got "
                                f"{type(device_ids).__name__}", "bad_type")
            ids = []
            for d in device_ids:
                expect_type(d, (int,), "device_ids", "CUDA ordinals (ints >= 0)")
                if d not in available:
                    raise NoDeviceError(f"device_ids: no usable CUDA device {shown(d)} (usable: {available})",
                                        "device_ids", "no_device")
                if d not in ids:
                    ids.append(int(d))
            if not ids:
                raise bad_input("device_ids", "expected at least one CUDA ordinal, or None for all", "bad_option")
        for d in ids:
            found = _first_hit(_SELF_TEST_PREFIX, 1, _U64 - 1, 2, 2, backend="cuda", devices=[d])
            if found != (_U64 - 1, _SELF_TEST_SEAL):
                raise DeviceError(f"device_ids: CUDA device {d} failed its self-test (got {found})", "device_ids",
                                  "backend_failure")
        self._ids = ids

    def devices(self) -> List[int]:
        """The CUDA ordinals this miner uses."""
        return list(self._ids)

    def mine(self, prefix: BytesLike, difficulty: int, start: int, attempts: int) -> Optional[Tuple[int, bytes]]:
        """``pow_mine_cpu``'s contract on this miner's devices."""
        return _first_hit(prefix, difficulty, start, attempts, attempts, backend="cuda", devices=self._ids)


def install() -> None:
    """Makes ``import bittensor_core`` return this module (call before the SDK is imported)."""
    sys.modules["bittensor_core"] = sys.modules[__name__]


def patch(module: types.ModuleType) -> None:
    """Points an imported ``bittensor_core`` module's miner at this one."""
    module.pow_mine_cpu = pow_mine_cpu
    module.pow_gpu_devices = pow_gpu_devices
    module.PowGpuMiner = PowGpuMiner


__all__ = ["pow_mine_cpu", "pow_gpu_devices", "PowGpuMiner", "install", "patch", "TAG", "PREFIX_SIZE",
           "MAX_ATTEMPTS"]
