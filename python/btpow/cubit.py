"""A drop-in for ``cubit``, the CUDA module the bittensor SDK imports for registration.

Make code written for cubit run on btpow without editing it::

    import btpow.cubit
    btpow.cubit.install()          # the same as sys.modules["cubit"] = btpow.cubit
    import bittensor               # its "import cubit" now finds this module

The contract (the SDK calls ``solve_cuda`` positionally):

- ``solve_cuda(tpb, nonce_start, update_interval, upper, bahh_hex, dev_id)`` covers the
  ``tpb * update_interval`` nonces from ``nonce_start`` (wrapping modulo 2**64) and returns the
  smallest of them whose seal, read big-endian, is strictly below ``upper``, or -1 when none is.
  ``upper`` is floor((2**256 - 1) / d) as 32 little-endian bytes, ``bahh_hex`` the 64 ASCII hex
  characters of H = keccak256(block_hash ‖ hotkey).
- Every SM of CUDA device ``dev_id`` works on each call; without a CUDA device the CPU does (said
  once on stderr). No state is kept between calls, errors raise ``btpow.Error`` instead of ending
  the process, and Ctrl-C interrupts a call.
- ``reset_cuda()`` and ``log_cuda_errors()`` exist for the SDK's sake.

This is the rule of the chain before 2025-06-30 (and of Torus), read big-endian. Today's chain
and its faucet read the seal little-endian: use ``btpow.Solver`` with ``rule="le"`` for those.
"""

from __future__ import annotations

import sys
from typing import Any, List, Optional

from . import _btpow
from ._errors import Error, NoDeviceError, bad_input, expect_type, shown

M = (1 << 256) - 1
_U64 = 1 << 64

_device_count: Optional[int] = None
_cpu_notice_given = False
_errors: List[str] = []


def _cuda_device_count() -> int:
    global _device_count
    if _device_count is None:
        info = _btpow.system_info()
        _device_count = len(info["cuda_devices"]) if info["cuda_compiled"] else 0
        if _device_count == 0:
            reason = info["cuda_error"] or ("this build has no CUDA backend" if not info["cuda_compiled"]
                                            else "no CUDA device")
            _cpu_fallback_notice(reason, info["cpu"]["hardware_threads"])
    return _device_count


def _cpu_fallback_notice(reason: str, threads: int) -> None:
    global _cpu_notice_given
    if not _cpu_notice_given:
        _cpu_notice_given = True
        print(f"btpow.cubit: {reason}; solving on the CPU ({threads} threads)", file=sys.stderr, flush=True)


def _non_negative(value: Any, field: str) -> int:
    expect_type(value, (int,), field, "an int >= 0")
    if value < 0:
        raise bad_input(field, f"expected an int >= 0, got {shown(value)}", "negative_integer")
    return int(value)


def _upper(upper: Any) -> bytes:
    try:
        data = bytes(memoryview(upper))
    except TypeError:
        raise bad_input("upper", f"expected 32 little-endian bytes, got {type(upper).__name__}", "bad_type") from None
    if len(data) != 32:
        raise bad_input("upper", f"expected 32 little-endian bytes, got {len(data)}", "bad_hex_length")
    return data


def _bahh(bahh_hex: Any) -> bytes:
    if isinstance(bahh_hex, str):
        text = bahh_hex
    else:
        try:
            text = bytes(memoryview(bahh_hex)).decode("ascii")
        except (TypeError, UnicodeDecodeError):
            raise bad_input("bahh_hex", "expected the 64 ASCII hex characters of the block-and-hotkey hash",
                            "bad_hex_character") from None
    return _btpow.parse_hash(text.encode("utf-8", "surrogatepass"), "bahh_hex")


def narrowing_difficulty(upper: int) -> int:
    """A difficulty d' whose `be` threshold floor(M / d') is at least upper - 1, and close to it:
    every seal with x < upper passes `be` at d', so scanning at d' and keeping the hits with
    x < upper finds exactly cubit's solutions. upper must be >= 1."""
    bound = upper - 1  # cubit passes x <= upper - 1
    return M if bound == 0 else M // bound


def solve_cuda(tpb: int, nonce_start: int, update_interval: int, upper: Any, bahh_hex: Any, dev_id: int = 0) -> int:
    """The smallest nonce of [nonce_start, nonce_start + tpb * update_interval) whose seal, read
    big-endian, is strictly below ``upper`` (32 little-endian bytes); -1 when there is none."""
    tpb = _non_negative(tpb, "tpb")
    nonce_start = _non_negative(nonce_start, "nonce_start")
    if nonce_start >= _U64:
        raise bad_input("nonce_start", f"expected 0 <= nonce_start <= 2**64 - 1, got {shown(nonce_start)}",
                        "integer_out_of_range")
    update_interval = _non_negative(update_interval, "update_interval")
    dev_id = _non_negative(dev_id, "dev_id")
    upper_bytes = _upper(upper)
    h = _bahh(bahh_hex)
    count = tpb * update_interval
    if count >= _U64:
        raise bad_input("update_interval", f"tpb * update_interval must be below 2**64, got {shown(count)}",
                        "integer_out_of_range")
    upper_value = int.from_bytes(upper_bytes, "little")
    if count == 0 or upper_value == 0:
        return -1  # nothing to scan, or no seal is below 0

    devices = _cuda_device_count()
    if devices > 0:
        if dev_id >= devices:
            raise NoDeviceError(f"dev_id: no CUDA device {shown(dev_id)} (this machine has {devices})", "dev_id", "no_device")
        options = _btpow.DeviceOptions(backend="cuda", cpu_threads=0, cpu_isa="", cuda_devices=[dev_id],
                                       cuda_batch_ms=0)
    else:
        options = _btpow.DeviceOptions(backend="cpu", cpu_threads=0, cpu_isa="", cuda_devices=[], cuda_batch_ms=0)
    job = _btpow.Job(seal="old", block_number=0, block_hash=bytes(32), account=bytes(32),
                     difficulty=str(narrowing_difficulty(upper_value)), rule="be", block_and_hotkey_hash=h,
                     netuid=0, hotkey=bytes(32), coldkey=bytes(32))
    try:
        found = _btpow.cubit_scan(job, nonce_start, count, upper_bytes, options)
    except Error as e:
        _errors.append(str(e))
        raise
    return found.hits[0] if found.hits else -1


def reset_cuda() -> None:
    """Nothing to reset: no state is kept between calls. (cubit needed a device reset after its
    first solution.)"""


def log_cuda_errors() -> str:
    """Prints (on stdout, as cubit did) and returns the errors of earlier calls, then forgets them."""
    text = "".join(f"btpow.cubit: {e}\n" for e in _errors)
    _errors.clear()
    if text:
        print(text, end="")
    return text


def install() -> None:
    """Makes ``import cubit`` return this module (before the SDK is imported)."""
    sys.modules["cubit"] = sys.modules[__name__]


__all__ = ["solve_cuda", "reset_cuda", "log_cuda_errors", "install", "narrowing_difficulty"]
