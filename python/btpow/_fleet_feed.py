"""The job feed and the solution objects of `btpow solve --jobs - --json`, read and written in
Python for the fleet driver: the same keys, the same checks, the same messages."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List, Tuple

import btpow

MAX_LINE_BYTES = 64 * 1024  # a longer line is refused without being kept
_EXCERPT = 40
OLD_KEYS = ("block_number", "block_hash", "account", "difficulty", "rule", "count", "seal")
V1_KEYS = ("block_number", "block_hash", "netuid", "hotkey", "coldkey", "difficulty", "rule", "count", "seal")
_IGNORED_PREFIX = "x-"
_U16_MAX = (1 << 16) - 1
_U64_MAX = (1 << 64) - 1


class FeedError(Exception):
    """A refused job line; the message names the line and the key."""


@dataclasses.dataclass
class FeedJob:
    kind: str  # "old" or "v1"
    fields: Dict[str, Any]  # btpow.Job keyword arguments, as plain values a worker can rebuild
    job: btpow.Job
    count: int


def printable(text: str, limit: int = _EXCERPT) -> str:
    cleaned = "".join(c if c.isprintable() else "?" for c in text)
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def v1_supported() -> bool:
    """Whether this btpow package can build v1 jobs (docs/protocol.md §10)."""
    return "seal" in {f.name for f in dataclasses.fields(btpow.Job)}


class _Float(str):
    """A JSON number with a fraction or exponent, kept as written."""


def _pairs(where: str):
    def hook(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
        seen: Dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise FeedError(f'{where}: "{printable(key)}": duplicate key (each key at most once)')
            seen[key] = value
        return seen

    return hook


def _scalar(value: Any, field: str, numbers: bool) -> str:
    if isinstance(value, str) and not isinstance(value, _Float):
        return value
    if numbers and isinstance(value, (int, _Float)) and not isinstance(value, bool):
        return str(value)
    shown = json.dumps(value) if not isinstance(value, _Float) else str(value)
    if isinstance(value, (dict, list)):
        shown = "an object" if isinstance(value, dict) else "an array"
    raise FeedError(f"{field}: expected {'an integer or a string' if numbers else 'a string'}, got {printable(shown)}")


def _integer(text: str, field: str, low: int, high: int) -> int:
    if not text.isascii() or not text.isdigit():
        raise FeedError(f"{field}: expected a decimal integer {low}..{high}, got \"{printable(text)}\"")
    value = int(text)
    if not low <= value <= high:
        raise FeedError(f"{field}: expected {low}..{high}, got {printable(text)}")
    return value


def _native(error: btpow.Error, field: str) -> FeedError:
    message = str(error)
    prefix = f"{error.field}: "
    if error.field and message.startswith(prefix):
        message = message[len(prefix):]
    return FeedError(f"{field}: {message}")


def parse_job_line(line: str, line_number: int, default_rule: str, default_count: int) -> FeedJob:
    """One line of the feed as a job, or FeedError naming the line and the key."""
    where = f"--jobs line {line_number}"
    if len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
        raise FeedError(f"{where}: longer than {MAX_LINE_BYTES // 1024} KiB")
    try:
        value = json.loads(line, object_pairs_hook=_pairs(where), parse_float=_Float,
                           parse_constant=lambda c: _Float(c))
    except FeedError:
        raise
    except RecursionError:
        raise FeedError(f"{where}: nested too deeply") from None
    except json.JSONDecodeError as error:
        near = line[max(0, error.pos - 10):error.pos + 20]
        raise FeedError(f'{where}: not valid JSON (at character {error.pos + 1}, near "{printable(near)}")') from None
    if not isinstance(value, dict):
        got = "an array" if isinstance(value, list) else f'"{printable(json.dumps(value))}"'
        raise FeedError(f"{where}: expected a JSON object {{…}}, got {got}")

    known: Dict[str, Any] = {}
    for key, item in value.items():
        if key.startswith(_IGNORED_PREFIX):
            continue
        known[key] = item
    field_of = lambda key: f"{where}, {key}"  # noqa: E731
    kind = "old"
    if "seal" in known:
        kind = _scalar(known["seal"], field_of("seal"), False)
        if kind not in ("old", "v1"):
            raise FeedError(f'{field_of("seal")}: expected "old" or "v1", got "{printable(kind)}"')
    allowed = V1_KEYS if kind == "v1" else OLD_KEYS
    for key, item in known.items():
        if key not in allowed:
            raise FeedError(f'{where}: unknown key "{printable(key)}" for the {kind} seal (known: '
                            f"{', '.join(allowed)}; keys starting with x- are ignored)")
        if isinstance(item, (dict, list)):
            raise FeedError(f"{field_of(key)}: expected a string or a number, got "
                            f"{'an object' if isinstance(item, dict) else 'an array'}")
    need = ("block_number", "block_hash", "netuid", "hotkey", "coldkey", "difficulty") if kind == "v1" else \
        ("block_number", "block_hash", "account", "difficulty")

    def required(key: str) -> Any:
        if key not in known:
            raise FeedError(f"{field_of(key)}: missing (a{' v1' if kind == 'v1' else ''} job needs "
                            f"{', '.join(need[:-1])} and {need[-1]})")
        return known[key]

    fields: Dict[str, Any] = {}
    fields["block_number"] = _integer(_scalar(required("block_number"), field_of("block_number"), True),
                                      field_of("block_number"), 0, _U64_MAX)
    fields["block_hash"] = _scalar(required("block_hash"), field_of("block_hash"), False)
    rule = "le" if kind == "v1" else default_rule  # --rule is the old seal's default; v1 has one rule
    if "rule" in known:
        rule = _scalar(known["rule"], field_of("rule"), False)
    if kind == "v1":
        if rule != "le":
            raise FeedError(f'{field_of("rule")}: the v1 seal has one rule, "le" (docs/protocol.md §10), got "{printable(rule)}"')
        if not v1_supported():
            raise FeedError(f"{field_of('seal')}: this btpow package cannot solve the v1 seal yet (upgrade btpow "
                            "on the driver and every worker)")
        fields["seal"] = "v1"
        fields["netuid"] = _integer(_scalar(required("netuid"), field_of("netuid"), True), field_of("netuid"),
                                    0, _U16_MAX)
        fields["hotkey"] = _scalar(required("hotkey"), field_of("hotkey"), False)
        fields["coldkey"] = _scalar(required("coldkey"), field_of("coldkey"), False)
    else:
        fields["account"] = _scalar(required("account"), field_of("account"), False)
    fields["difficulty"] = _scalar(required("difficulty"), field_of("difficulty"), True)
    fields["rule"] = rule
    count = default_count
    if "count" in known:
        count = _integer(_scalar(known["count"], field_of("count"), True), field_of("count"), 1, _U64_MAX)

    try:
        job = btpow.Job(**fields)
    except btpow.Error as error:
        raise _native(error, field_of(error.field or "job")) from None
    # What workers rebuild the job from: normalised, so every worker reads the same bytes.
    plain = dict(fields)
    plain["block_hash"] = "0x" + job.block_hash.hex()
    plain["difficulty"] = str(job.difficulty)
    plain["rule"] = job.rule
    if kind == "v1":
        plain["hotkey"] = "0x" + bytes(job.hotkey).hex()
        plain["coldkey"] = "0x" + bytes(job.coldkey).hex()
    else:
        plain["account"] = "0x" + job.account.hex()
    return FeedJob(kind, plain, job, count)


def faucet_call_hex(block_number: int, nonce: int, seal: bytes) -> str:
    """docs/protocol.md §4: pallet 7, call 60, le64 block, le64 nonce, compact length 32 (0x80), the seal."""
    return ("0x073c" + block_number.to_bytes(8, "little").hex() + nonce.to_bytes(8, "little").hex() + "80" +
            seal.hex())


def solution_object(feed: FeedJob, nonce: int, seal: bytes, hashes: int, seconds: float, backend: str,
                    worker: str) -> Dict[str, Any]:
    """The solution line of `btpow solve --json`, plus the worker that found it."""
    f = feed.fields
    if feed.kind == "v1":
        out: Dict[str, Any] = {
            "seal_kind": "v1", "block_number": f["block_number"], "work_block": f["block_number"],
            "block_hash": f["block_hash"], "netuid": f["netuid"], "hotkey": f["hotkey"], "coldkey": f["coldkey"],
            "nonce": str(nonce), "seal": "0x" + seal.hex(), "work": "0x" + seal.hex(), "rule": "le",
            "difficulty": f["difficulty"], "hashes": str(hashes), "seconds": seconds, "backend": backend,
        }
    else:
        out = {
            "seal_kind": "old", "block_number": f["block_number"], "block_hash": f["block_hash"],
            "account": f["account"], "nonce": str(nonce), "seal": "0x" + seal.hex(), "rule": f["rule"],
            "difficulty": f["difficulty"], "hashes": str(hashes), "seconds": seconds, "backend": backend,
            "faucet_call": faucet_call_hex(f["block_number"], nonce, seal),
        }
    out["worker"] = worker
    return out


def dumps(value: Dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def error_object(message: str, line_number: int) -> str:
    return dumps({"error": message, "line": line_number})

