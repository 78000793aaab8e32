"""The exceptions btpow raises: one base class, with the field the error is about."""

from __future__ import annotations




class Error(Exception):
    """An error of btpow. ``field`` names the argument it is about ("account", "difficulty", ...,
    or "" when none); ``code`` is a short machine-readable name ("bad_hex_length", "no_device", ...)."""

    def __init__(self, message: str, field: str = "", code: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


class InputError(Error, ValueError):
    """Bad input: a malformed or out-of-range argument. Also a ValueError."""


class NoDeviceError(Error):
    """The chosen backend has no usable device in this build or on this machine."""


class DeviceError(Error):
    """A device or backend failed at run time."""


def from_native(code: str, field: str, message: str) -> Error:
    """The exception for an error of the native core (used by btpow._btpow)."""
    if code == "no_device":
        return NoDeviceError(message, field, code)
    if code == "backend_failure":
        return DeviceError(message, field, code)
    return InputError(message, field, code)


def bad_input(field: str, message: str, code: str = "bad_input") -> InputError:
    return InputError(f"{field}: {message}", field, code)


def shown(value: object) -> str:
    """An int as a message may show it: in full up to 256 bits, else its size (printing a huge int
    is slow, and Python refuses to print more than 4 300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a {value.bit_length()}-bit {'negative ' if value < 0 else ''}number"
    return repr(value) if isinstance(value, float) else str(value)


def expect_type(value: object, types: tuple, field: str, expected: str) -> None:
    if not isinstance(value, types) or isinstance(value, bool):
        raise bad_input(field, f"expected {expected}, got {type(value).__name__}", "bad_type")


__all__ = ["Error", "InputError", "NoDeviceError", "DeviceError"]


for _cls in (Error, InputError, NoDeviceError, DeviceError):
    _cls.__module__ = "btpow"
