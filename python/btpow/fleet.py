"""btpow.fleet: one job feed solved by a Dask fleet, one long-lived btpow solver per Dask worker.

    python3 -m btpow.fleet --scheduler tcp://10.0.0.1:8786 --jobs - --json

stdin and stdout speak the job feed of `btpow solve --jobs - --json` (each solution object gains
a "worker" key). Each worker hashes its own region of the nonce space (btpow._fleet_worker); a
job line reaches every worker at once through Dask actor calls; solutions come back as found and
are re-verified here before they are printed. docs/fleet.md is the manual.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import logging
import math
import os
import queue
import signal
import statistics
import sys
import threading
import time
import uuid
from typing import Any, Dict, List, Optional, Set, TextIO

import btpow

from . import _fleet_feed as feed
from ._fleet_worker import SLOT_NONCES, SLOTS, FleetWorker

EXIT_OK = 0  # solution(s) printed
EXIT_NOT_FOUND = 1  # no solution before --timeout or the end of the feed
EXIT_BAD_INPUT = 2  # bad input or usage
EXIT_NO_WORKER = 3  # no usable worker: none joined within --wait-workers, or none can run btpow
EXIT_IO = 4  # stdout could not be written, or the feed could not be read
EXIT_SCHEDULER = 5  # the scheduler could not be reached, or the connection to it was lost
EXIT_SIGNAL_BASE = 128  # + the signal's number (SIGHUP 129, SIGINT 130, SIGTERM 143)

EXIT_CODES_HELP = """exit codes:
  0  solution(s) printed
  1  no solution before --timeout or the end of the job feed
  2  bad input or usage (the message names the flag or the job line)
  3  no usable worker: none joined within --wait-workers, none could import btpow, or the fleet
     stayed without a worker for --wait-workers while a job was open
  4  stdout could not be written, or the job feed could not be read
  5  the Dask scheduler could not be reached within --connect-timeout, or was lost
  129, 130, 143  stopped by SIGHUP, SIGINT or SIGTERM: what was found is printed, a summary follows
"""

_POLL_SECONDS = 0.5  # a worker's poll waits this long for a solution before it reports counters
_MEMBERSHIP_SECONDS = 1.0  # how often the scheduler's worker list is read
_SCHEDULER_GRACE = 10.0  # the scheduler may miss answers this long before the run ends (exit 5)
_CALL_SECONDS = 10.0  # an actor call that takes longer means its worker is lost
_TERMINAL_STATUS = 0.5
_LOG_STATUS = 5.0


class Stop(Exception):
    """Ends the run with an exit code; the message (if any) goes to stderr as an error."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message)
        self.code = code


def human_count(value: float) -> str:
    prefixes = ["", " k", " M", " G", " T", " P", " E"]
    i = 0
    while abs(value) >= 1000 and i + 1 < len(prefixes):
        value /= 1000
        i += 1
    if i == 0:
        return f"{value:.0f}"
    return f"{value:.{2 if value < 10 else 1 if value < 100 else 0}f}{prefixes[i]}"


def human_rate(rate: Optional[float]) -> str:
    if rate is None:
        return "no rate yet"
    text = human_count(rate)
    return text + (" H/s" if text[-1].isdigit() else "H/s")


def human_duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "forever"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    if seconds < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


@dataclasses.dataclass
class Member:
    """A Dask worker running a FleetWorker actor."""

    address: str
    slot: int
    backend: str
    future: Any = None
    actor: Any = None
    info: Dict[str, Any] = dataclasses.field(default_factory=dict)
    alive: bool = True
    joined: float = dataclasses.field(default_factory=time.monotonic)
    last: Dict[str, Any] = dataclasses.field(default_factory=dict)  # the last poll's counters
    job_hashes: Dict[int, int] = dataclasses.field(default_factory=dict)  # seq -> seals hashed for it
    printed: int = 0  # solutions of this worker printed

    @property
    def rate(self) -> Optional[float]:
        return self.last.get("rate_10s")

    @property
    def busy_rate(self) -> Optional[float]:
        seconds = self.last.get("busy_seconds", 0.0)
        return self.last.get("busy_hashes", 0) / seconds if seconds > 0 else None


@dataclasses.dataclass
class JobState:
    seq: int
    job: feed.FeedJob
    line: int
    read_wall: float  # time.time() the line was read (broadcast latency is measured against it)
    read: float  # time.monotonic() then
    wanted: int
    printed: int = 0
    open: bool = True
    slots: Set[int] = dataclasses.field(default_factory=set)
    nonces: Set[int] = dataclasses.field(default_factory=set)
    awaiting_first_hash: Set[str] = dataclasses.field(default_factory=set)
    first_hash: List[float] = dataclasses.field(default_factory=list)


class StatusLine:
    """The status line and messages on stderr, in the CLI's form ("btpow: …")."""

    def __init__(self, enabled: bool, stream: TextIO = sys.stderr) -> None:
        self.enabled = enabled
        self.stream = stream
        self.terminal = stream.isatty()
        self.interval = _TERMINAL_STATUS if self.terminal else _LOG_STATUS
        self.last = time.monotonic()
        self.shown = False
        self.lock = threading.Lock()

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def _erase(self) -> None:
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def due(self) -> float:
        return max(0.0, self.last + self.interval - time.monotonic())

    def update(self, text: str) -> None:
        if not self.enabled:
            return
        with self.lock:
            self.last = time.monotonic()
            if self.terminal:
                self._write("\r\x1b[K" + text)
                self.shown = True
            else:
                self._write(f"btpow: {text}\n")

    def log(self, level: str, message: str) -> None:
        if not self.enabled and level == "info":
            return
        with self.lock:
            self._erase()
            self._write(f"btpow: {level}: {message}\n")

    def note(self, line: str) -> None:
        if self.enabled:
            with self.lock:
                self._erase()
                self._write(f"btpow: {line}\n")

    def notice(self, line: str) -> None:
        with self.lock:
            self._erase()
            self._write(f"btpow: notice: {line}\n")

    def finish(self) -> None:
        with self.lock:
            self._erase()


class Fleet:
    """The driver: the scheduler's workers, the current job, and the solutions coming back."""

    def __init__(self, client: Any, options: argparse.Namespace, status: StatusLine, out: TextIO) -> None:
        self.client = client
        self.options = options
        self.status = status
        self.out = out
        self.events: "queue.Queue[tuple]" = queue.Queue()
        self.lock = threading.Lock()  # members, known addresses, slots; read by the metrics thread
        self.members: Dict[str, Member] = {}
        self.gone: List[Member] = []  # lost members, kept for the summary and the ledger
        self.known: Set[str] = set()  # addresses being enlisted or enlisted
        self.unusable: Dict[str, str] = {}  # address -> why it cannot run btpow
        self.pending_slots: Set[int] = set()
        self.token = uuid.uuid4().hex[:12]
        self.keys = itertools.count(1)
        self.stopping = threading.Event()
        self.seq = 0
        self.current: Optional[JobState] = None
        self.recent: Dict[int, JobState] = {}  # the last jobs by sequence number, for late reports
        self.jobs_received = 0
        self.refused_lines = 0
        self.printed = 0
        self.stale = 0
        self.rejected = 0
        self.latencies: List[float] = []
        self.end_of_input = False
        self.started = time.monotonic()
        self.no_worker_since: Optional[float] = time.monotonic()
        self.ledger: List[Dict[str, Any]] = []
        self.stop_signal = 0

    # --- threads that post events ---------------------------------------------------------

    def post(self, *event: Any) -> None:
        self.events.put(event)

    def watch_membership(self) -> None:
        """Reads the scheduler's worker list: joining workers are enlisted, leaving ones lost."""
        last_answer = time.monotonic()
        while not self.stopping.is_set():
            try:
                identity = self.client.sync(self.client.scheduler.identity, callback_timeout=_CALL_SECONDS / 2)
                last_answer = time.monotonic()
            except Exception as error:  # noqa: BLE001 - any failure to reach the scheduler
                if time.monotonic() - last_answer > _SCHEDULER_GRACE:
                    self.post("scheduler_lost", f"{type(error).__name__}: {error}")
                    return
                self.stopping.wait(_MEMBERSHIP_SECONDS)
                continue
            workers = identity.get("workers", {})
            with self.lock:
                fresh = [a for a in workers if a not in self.known and a not in self.unusable]
                self.known.update(fresh)
                left = [a for a in self.known if a not in workers]
                for address in left:
                    self.known.discard(address)
                for address in [a for a in self.unusable if a not in workers]:
                    del self.unusable[address]
            for address in left:
                self.post("left", address)
            for address in fresh:
                threading.Thread(target=self.enlist, args=(address, workers[address]), daemon=True,
                                 name="btpow-fleet-enlist").start()
            self.stopping.wait(_MEMBERSHIP_SECONDS)

    def take_slot(self) -> int:
        # A slot never used by a live worker nor, within the current job, by a lost one: so no
        # nonce is hashed twice within a job.
        with self.lock:
            used = {m.slot for m in self.members.values()} | self.pending_slots
            if self.current is not None:
                used |= self.current.slots
            for slot in range(SLOTS):
                if slot not in used:
                    self.pending_slots.add(slot)
                    return slot
        raise RuntimeError("every nonce slot is in use")

    def enlist(self, address: str, worker: Dict[str, Any]) -> None:
        """Starts a FleetWorker on the worker at ``address``; posts joined or unusable."""
        gpu = (worker.get("resources") or {}).get("GPU", 0) > 0
        backend = "cuda" if gpu else "cpu"
        threads = 0 if gpu else (self.options.threads if self.options.threads is not None
                                 else int(worker.get("nthreads") or 0))
        slot = self.take_slot()
        key = f"btpow-fleet-{self.token}-{next(self.keys)}"
        member = Member(address, slot, backend)
        try:
            member.future = self.client.submit(FleetWorker, slot, backend, threads, self.options.cuda_batch_ms,
                                               actor=True, workers=[address], allow_other_workers=False,
                                               pure=False, key=key)
            deadline = time.monotonic() + self.options.wait_workers + 30
            while True:
                try:
                    member.actor = member.future.result(timeout=1)
                    break
                except (TimeoutError, asyncio.TimeoutError):
                    with self.lock:
                        still_there = address in self.known
                    if not still_there or time.monotonic() > deadline or self.stopping.is_set():
                        raise TimeoutError("the worker did not start the solver in time") from None
            member.info = member.actor.hello().result(timeout=_CALL_SECONDS)
        except BaseException as error:  # noqa: BLE001 - whatever the worker raised, reported
            with self.lock:
                self.pending_slots.discard(slot)
                gone = address not in self.known  # it left meanwhile: nothing to report
            self.release(member)
            if not gone and not self.stopping.is_set():
                self.post("unusable", address, self.describe_failure(error))
            return
        self.post("joined", member)

    @staticmethod
    def describe_failure(error: BaseException) -> str:
        text = f"{type(error).__name__}: {error}"
        if isinstance(error, ImportError) or "No module named 'btpow'" in text:
            return (f"cannot import btpow ({text}); install the btpow package (the same version as the "
                    "driver's) on every worker, see docs/fleet.md")
        if isinstance(error, btpow.NoDeviceError):
            return f"no usable device ({text})"
        return text

    def release(self, member: Member) -> None:
        if member.future is not None:
            try:
                self.client.cancel(member.future)
            except Exception:  # noqa: BLE001 - the scheduler may be gone too
                pass

    def poll_member(self, member: Member) -> None:
        while member.alive and not self.stopping.is_set():
            try:
                result = member.actor.poll(_POLL_SECONDS).result(timeout=_CALL_SECONDS)
            except Exception as error:  # noqa: BLE001 - a lost worker shows as any failure
                if member.alive and not self.stopping.is_set():
                    self.post("lost", member, f"{type(error).__name__}: {error}")
                return
            self.post("poll", member, result)

    def send(self, member: Member, seq: int, calls: Any) -> None:
        try:
            calls.result(timeout=_CALL_SECONDS)
        except Exception as error:  # noqa: BLE001
            if member.alive:
                self.post("lost", member, f"the job did not reach it: {type(error).__name__}: {error}")

    # --- the main thread ------------------------------------------------------------------

    def live(self) -> List[Member]:
        return [m for m in self.members.values() if m.alive]

    def submit_to(self, member: Member, state: JobState) -> None:
        with self.lock:
            state.slots.add(member.slot)
        call = member.actor.submit(state.seq, state.job.fields)
        threading.Thread(target=self.send, args=(member, state.seq, call), daemon=True).start()

    def broadcast(self, job: feed.FeedJob, line: int, read_wall: float, read: float) -> None:
        self.seq += 1
        self.jobs_received += 1
        state = JobState(self.seq, job, line, read_wall, read, job.count)
        live = self.live()
        state.awaiting_first_hash = {m.address for m in live}
        with self.lock:
            self.current = state
        self.recent[state.seq] = state
        self.recent.pop(state.seq - 64, None)
        for member in live:
            self.submit_to(member, state)
        if not live:
            self.status.log("warning", f"block {job.fields['block_number']}: no worker in the fleet yet; the job "
                            "starts when one joins")

    def close_job(self, state: JobState) -> None:
        state.open = False
        for member in self.live():
            member.actor.pause(state.seq)

    def on_joined(self, member: Member) -> None:
        with self.lock:
            self.pending_slots.discard(member.slot)
            if member.address not in self.known:  # left while it was being enlisted
                member.alive = False
            else:
                self.members[member.address] = member
        if not member.alive:
            self.release(member)
            return
        info = member.info
        self.status.log("info", f"worker {member.address} ({info.get('host', '?')}) joined: "
                        f"{', '.join(info.get('devices', [])) or member.backend}"
                        f"{', %d threads' % info['threads'] if info.get('threads') else ''}, "
                        f"nonces from {info.get('nonce_start', member.slot * SLOT_NONCES)}")
        threading.Thread(target=self.poll_member, args=(member,), daemon=True, name="btpow-fleet-poll").start()
        state = self.current
        if state is not None and state.open:
            self.submit_to(member, state)

    def on_lost(self, member: Member, why: str) -> None:
        if not member.alive:
            return
        with self.lock:
            member.alive = False
            self.members.pop(member.address, None)
            self.gone.append(member)
            # Listed again (a nanny's restart at the same address, or a worker that is alive but
            # lost its actor), it is enlisted afresh: a new actor with a new slot.
            self.known.discard(member.address)
        for state in self.recent.values():
            if member.address in state.awaiting_first_hash:
                state.awaiting_first_hash.discard(member.address)
                self.finish_latency(state)
        threading.Thread(target=self.release, args=(member,), daemon=True).start()
        self.status.log("warning", f"worker {member.address} lost ({feed.printable(why, 200)}); "
                        f"{len(self.live())} worker(s) go on")

    def on_poll(self, member: Member, result: Dict[str, Any]) -> None:
        if not member.alive:
            return
        with self.lock:
            member.last = result
            if result.get("seq") is not None:
                member.job_hashes[result["seq"]] = result["job_hashes"]
        for seq, wall in result.get("first_hash", {}).items():
            # A report may come after the next job was read: it still times its own job.
            state = self.recent.get(seq)
            if state is not None and member.address in state.awaiting_first_hash:
                state.awaiting_first_hash.discard(member.address)
                state.first_hash.append(wall)
                self.finish_latency(state)
        for solution in result.get("solutions", []):
            self.on_solution(member, *solution)

    def finish_latency(self, state: JobState) -> None:
        if not state.awaiting_first_hash and state.first_hash:
            self.latencies.append(max(state.first_hash) - state.read_wall)
            state.first_hash = []

    def on_solution(self, member: Member, seq: int, nonce: int, seal_hex: str, device: str, hashes: int,
                    seconds: float) -> None:
        state = self.current
        if state is None or seq != state.seq or not state.open:
            self.stale += 1  # a replaced (or closed) job's: dropped, as its block has moved on
            return
        verdict = btpow.verify(state.job.job, nonce)
        if not verdict.passes or verdict.seal.hex() != seal_hex:
            self.rejected += 1
            self.status.log("error", f"worker {member.address} reported nonce {nonce} for block "
                            f"{state.job.fields['block_number']}, which does not verify here; dropped")
            return
        if nonce in state.nonces:
            return
        state.nonces.add(nonce)
        with self.lock:
            others = sum(m.job_hashes.get(seq, 0) for m in list(self.members.values()) + self.gone
                         if m is not member)
        solution = feed.solution_object(state.job, nonce, verdict.seal, hashes + others,
                                        time.monotonic() - state.read, device, member.address)
        self.emit(feed.dumps(solution) if self.options.json else self.solution_text(state, solution))
        state.printed += 1
        self.printed += 1
        member.printed += 1
        if state.printed >= state.wanted:
            self.close_job(state)

    def solution_text(self, state: JobState, s: Dict[str, Any]) -> str:
        lines = [f"solution for block {s['block_number']} ({state.job.kind} seal, rule {s['rule']}, difficulty "
                 f"{s['difficulty']})", f"  nonce        {s['nonce']}", f"  seal         {s['seal']}",
                 f"  work         {human_count(int(s['hashes']))} seals in {human_duration(s['seconds'])} "
                 f"(found by {s['worker']}, {s['backend']})"]
        if "faucet_call" in s:
            lines.append(f"  faucet call  {s['faucet_call']}")
        return "\n".join(lines)

    def emit(self, text: str) -> None:
        self.status.finish()
        try:
            self.out.write(text + "\n")
            self.out.flush()
        except (OSError, ValueError) as error:
            raise Stop(EXIT_IO, f"cannot write to standard output: {getattr(error, 'strerror', None) or error}; "
                       "output is lost, stopping") from None

    def status_text(self) -> str:
        live = self.live()
        rate10 = [m.rate for m in live if m.rate is not None]
        rate60 = [m.last.get("rate_60s") for m in live if m.last.get("rate_60s") is not None]
        text = (f"fleet {human_rate(sum(rate10) if rate10 else None)} 10s, "
                f"{human_rate(sum(rate60) if rate60 else None)} 60s, {len(live)} worker(s)")
        for m in live:
            text += f" | {m.address} {human_rate(m.rate)}"
        state = self.current
        if state is not None:
            hashes = sum(m.job_hashes.get(state.seq, 0) for m in list(self.members.values()) + self.gone)
            text += (f" | block {state.job.fields['block_number']}: {human_count(hashes)} seals in "
                     f"{human_duration(time.monotonic() - state.read)}")
        errors = sum(m.last.get("compute_errors", 0) for m in live)
        if errors:
            text += f" | {errors} compute errors"
        return text

    def summary(self) -> str:
        everyone = list(self.members.values()) + self.gone
        seals = sum(m.last.get("hashes", 0) for m in everyone)
        rates = [m.busy_rate for m in everyone if m.alive and m.busy_rate is not None]
        text = (f"{self.jobs_received} jobs, {self.printed} solutions, {self.refused_lines} lines refused, "
                f"{seals} seals hashed in {human_duration(time.monotonic() - self.started)}; fleet "
                f"{human_rate(sum(rates) if rates else None)} while hashing")
        parts = []
        for m in everyone:
            parts.append(f"{m.address} {human_rate(m.busy_rate)}, {m.last.get('hashes', 0)} seals, "
                         f"{m.printed} solutions{'' if m.alive else ', lost'}")
        if parts:
            text += " (" + "; ".join(parts) + ")"
        if self.stale:
            text += f"; {self.stale} solutions of replaced jobs dropped"
        if self.rejected:
            text += f"; {self.rejected} solutions failed verification"
        if self.latencies:
            ms = sorted(x * 1000 for x in self.latencies)
            text += (f"; job broadcast (line read to every worker hashing) median {statistics.median(ms):.1f} ms, "
                     f"max {ms[-1]:.1f} ms over {len(ms)} jobs")
        return text

    def write_ledger(self, path: str) -> None:
        """Which nonces each worker hashed for each job: [nonce_start, nonce_start + hashes)."""
        lines = []
        for m in list(self.members.values()) + self.gone:
            for seq, hashes in sorted(m.job_hashes.items()):
                lines.append(feed.dumps({"job": seq, "worker": m.address, "slot": m.slot,
                                         "nonce_start": str(m.slot * SLOT_NONCES), "hashes": str(hashes),
                                         "lost": not m.alive}))
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))

    def wait_for_first_workers(self) -> None:
        """Until every worker the scheduler listed has joined or failed, and at least one joined."""
        deadline = time.monotonic() + self.options.wait_workers
        while True:
            self.drain(timeout=0.1)
            with self.lock:
                pending = [a for a in self.known if a not in self.members and a not in self.unusable]
                joined = len(self.members)
            if joined and not pending:
                return
            if time.monotonic() > deadline:
                if joined:
                    return
                with self.lock:
                    failures = dict(self.unusable)
                if failures:
                    raise Stop(EXIT_NO_WORKER, "no usable worker: " + "; ".join(
                        f"{a}: {why}" for a, why in failures.items()))
                raise Stop(EXIT_NO_WORKER, f"no usable worker: the scheduler at {self.options.scheduler} has no "
                           f"workers (waited {self.options.wait_workers:g} s; start dask-worker processes, see "
                           "docs/fleet.md)")
            if self.stop_signal:
                return

    def drain(self, timeout: float) -> None:
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self.handle(event)
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return

    def handle(self, event: tuple) -> None:
        kind = event[0]
        if kind == "poll":
            self.on_poll(event[1], event[2])
        elif kind == "job":
            _, job, line, read_wall, read = event
            self.broadcast(job, line, read_wall, read)
        elif kind == "joined":
            self.on_joined(event[1])
        elif kind == "lost":
            self.on_lost(event[1], event[2])
        elif kind == "left":
            member = self.members.get(event[1])
            if member is not None:
                self.on_lost(member, "it left the scheduler")
        elif kind == "unusable":
            _, address, why = event
            with self.lock:
                self.known.discard(address)
                self.unusable[address] = why
            self.status.log("error", f"worker {address} cannot be used: {why}")
        elif kind == "refused":
            _, message, line = event
            self.refused_lines += 1
            self.status.log("error", message + " (line refused; the current job goes on)")
            if self.options.json:
                self.emit(feed.error_object(message, line))
        elif kind == "strict":
            raise Stop(EXIT_BAD_INPUT, event[1])
        elif kind == "end":
            self.end_of_input = True
        elif kind == "read_error":
            raise Stop(EXIT_IO, event[1])
        elif kind == "scheduler_lost":
            raise Stop(EXIT_SCHEDULER, f"lost the Dask scheduler at {self.options.scheduler}: {event[1]}")

    def run(self) -> int:
        threading.Thread(target=self.watch_membership, daemon=True, name="btpow-fleet-members").start()
        self.wait_for_first_workers()
        threading.Thread(target=read_feed, args=(self, self.options), daemon=True, name="btpow-fleet-feed").start()
        while not self.stop_signal:
            self.drain(timeout=min(0.1, max(0.001, self.status.due())))
            now = time.monotonic()
            state = self.current
            if state is not None and state.open and self.options.timeout is not None and \
                    now - state.read >= self.options.timeout:
                self.close_job(state)
                self.status.finish()
                self.status.notice(f"block {state.job.fields['block_number']}: {state.printed} of {state.wanted} "
                                   f"solution(s) within {human_duration(self.options.timeout)}; waiting for the "
                                   "next job")
            if self.live():
                self.no_worker_since = None
            elif self.no_worker_since is None:
                self.no_worker_since = now
            if state is not None and state.open and self.no_worker_since is not None and \
                    now - self.no_worker_since > self.options.wait_workers:
                raise Stop(EXIT_NO_WORKER, f"no usable worker for {self.options.wait_workers:g} s while block "
                           f"{state.job.fields['block_number']} was open; stopping")
            if self.end_of_input and (state is None or not state.open):
                break
            if state is not None and state.open and self.status.due() == 0:
                self.status.update(self.status_text())
        self.status.finish()
        if self.stop_signal:
            name = {signal.SIGHUP: "SIGHUP", signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}.get(
                self.stop_signal, str(self.stop_signal))
            self.status.notice(f"stopped by {name}: {self.summary()}")
            return EXIT_SIGNAL_BASE + self.stop_signal
        if self.jobs_received == 0:
            self.status.notice("no job read: every line of the feed was refused" if self.refused_lines else
                               "no job read: the feed ended before its first line")
        if not self.options.quiet:
            self.status.note(f"summary: {self.summary()}")
        if self.printed:
            return EXIT_OK
        if self.jobs_received == 0 and self.refused_lines:
            return EXIT_BAD_INPUT
        return EXIT_NOT_FOUND

    def shutdown(self) -> None:
        self.stopping.set()
        calls = []
        for member in self.live():
            try:
                calls.append(member.actor.close())
            except Exception:  # noqa: BLE001
                pass
        for call in calls:
            try:
                call.result(timeout=2)
            except Exception:  # noqa: BLE001 - a worker that is gone has nothing to close
                pass


def read_feed(fleet: Fleet, options: argparse.Namespace) -> None:
    """Reads job lines (stdin or a file) and posts them as events; never touches the fleet state."""
    try:
        stream = sys.stdin.buffer if options.jobs == "-" else open(options.jobs, "rb")  # noqa: SIM115
    except OSError as error:
        fleet.post("read_error", f"--jobs: cannot open {options.jobs}: {error.strerror}")
        return
    line_number = 0
    try:
        while True:
            raw = stream.readline(feed.MAX_LINE_BYTES + 1)
            if not raw:
                break
            read_wall, read = time.time(), time.monotonic()
            line_number += 1
            too_long = len(raw) > feed.MAX_LINE_BYTES and not raw.endswith(b"\n")
            if too_long:
                while raw and not raw.endswith(b"\n"):
                    raw = stream.readline(feed.MAX_LINE_BYTES)
                message = f"--jobs line {line_number}: longer than {feed.MAX_LINE_BYTES // 1024} KiB"
            else:
                try:
                    text = raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError:
                    text, message = None, f"--jobs line {line_number}: not valid UTF-8"
                if text is not None:
                    if not text.strip(" \t\r"):
                        continue
                    try:
                        job = feed.parse_job_line(text, line_number, options.rule, options.count)
                        fleet.post("job", job, line_number, read_wall, read)
                        continue
                    except feed.FeedError as error:
                        message = str(error)
            fleet.post("strict" if options.strict else "refused", message, line_number)
    except OSError as error:
        fleet.post("read_error", f"--jobs: reading {'standard input' if options.jobs == '-' else options.jobs} "
                   f"failed: {error.strerror or error}")
        return
    fleet.post("end")


def _positive_int(flag: str, low: int, high: int):
    def parse(text: str) -> int:
        if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{flag}: expected an integer {low}..{high}, got {text!r}")
        return int(text)

    return parse


def _seconds(flag: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"{flag}: expected seconds > 0, got {text!r}")
        return value

    return parse


def _host_port(text: str) -> tuple:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"--metrics: expected HOST:PORT (e.g. 127.0.0.1:9101), got {text!r}")
    return host.strip("[]"), int(port)


def _rule(text: str) -> str:
    if text not in btpow.RULES:
        raise argparse.ArgumentTypeError(f"--rule: expected one of le, be, sdk, got {text!r}")
    return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m btpow.fleet",
        description="Solve a job feed on a Dask fleet: one btpow solver per Dask worker (its GPU when it has the "
                    "GPU resource, else its CPU threads). stdin/stdout as `btpow solve --jobs - --json`.",
        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scheduler", required=True, metavar="tcp://HOST:PORT", help="the Dask scheduler's address")
    p.add_argument("--jobs", required=True, metavar="-|FILE", help="the job feed: - for standard input, or a file")
    p.add_argument("--json", action="store_true", help="one JSON object per solution (and per refused line)")
    p.add_argument("--count", type=_positive_int("--count", 1, (1 << 64) - 1), default=1,
                   help="solutions wanted per job unless its line says (default 1)")
    p.add_argument("--timeout", type=_seconds("--timeout"), metavar="SECONDS",
                   help="per job: stop it after this long and wait for the next line")
    p.add_argument("--rule", type=_rule, default="le", help="rule of the old seal unless a line says (default le)")
    p.add_argument("--strict", action="store_true", help="a refused line ends the run (exit 2)")
    p.add_argument("--quiet", action="store_true", help="no status line, no summary")
    p.add_argument("--threads", type=_positive_int("--threads", 0, 4096), metavar="N",
                   help="CPU threads per CPU worker (default: the Dask worker's --nthreads; 0: every core)")
    p.add_argument("--cuda-batch-ms", type=_positive_int("--cuda-batch-ms", 1, 1000), default=0, metavar="MS",
                   help="GPU time each CUDA batch aims for on GPU workers (default 50)")
    p.add_argument("--wait-workers", type=_seconds("--wait-workers"), default=30.0, metavar="SECONDS",
                   help="how long to wait for a usable worker at start, or while the fleet has none (default 30)")
    p.add_argument("--connect-timeout", type=_seconds("--connect-timeout"), default=10.0, metavar="SECONDS",
                   help="how long to try to reach the scheduler (default 10)")
    p.add_argument("--metrics", type=_host_port, metavar="HOST:PORT",
                   help="serve Prometheus metrics of the fleet, per worker, at http://HOST:PORT/metrics")
    p.add_argument("--ledger", metavar="FILE",
                   help="at the end, write which nonces each worker hashed for each job (JSON lines)")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    options = parser().parse_args(argv)
    status = StatusLine(not options.quiet)
    if options.jobs != "-" and not os.access(options.jobs, os.R_OK):
        print(f"btpow: error: --jobs: cannot open {options.jobs}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if "://" not in options.scheduler:
        options.scheduler = "tcp://" + options.scheduler  # Dask's default protocol, as dask-worker reads it
    host, _, port = options.scheduler.split("://", 1)[1].rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        print(f"btpow: error: --scheduler: expected tcp://HOST:PORT, got {options.scheduler!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    metrics = None
    if options.metrics:
        from . import _fleet_metrics

        try:
            metrics = _fleet_metrics.serve(options.metrics)
        except _fleet_metrics.Unavailable as error:
            print(f"btpow: error: --metrics: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except OSError as error:
            print(f"btpow: error: --metrics: cannot listen on {options.metrics[0]}:{options.metrics[1]}: "
                  f"{error.strerror or error}", file=sys.stderr)
            return EXIT_BAD_INPUT

    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        from distributed import Client
    except ImportError as error:
        print(f"btpow: error: the fleet needs Dask distributed (apt-get install python3-distributed): {error}",
              file=sys.stderr)
        return EXIT_NO_WORKER

    fleet: Optional[Fleet] = None
    previous = {}

    def on_signal(number: int, _frame: Any) -> None:
        if fleet is not None and fleet.stop_signal:
            os._exit(EXIT_SIGNAL_BASE + number)  # a second stop signal ends the process at once
        if fleet is None:  # still connecting: nothing found yet, nothing to print
            raise SystemExit(EXIT_SIGNAL_BASE + number)
        fleet.stop_signal = number

    for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.getsignal(sig)
        if previous[sig] is not signal.SIG_IGN:  # a signal the driver was started with ignored stays so
            signal.signal(sig, on_signal)

    client = None
    try:
        try:
            client = Client(options.scheduler, timeout=options.connect_timeout)  # actors need the default client
        except (OSError, TimeoutError, asyncio.TimeoutError) as error:
            raise Stop(EXIT_SCHEDULER, f"cannot reach the Dask scheduler at {options.scheduler} within "
                       f"{options.connect_timeout:g} s ({type(error).__name__}: {error})") from None
        except ValueError as error:
            raise Stop(EXIT_BAD_INPUT, f"--scheduler: {error}") from None
        fleet = Fleet(client, options, status, sys.stdout)
        if metrics is not None:
            metrics.attach(fleet)
        try:
            return fleet.run()
        finally:
            if options.ledger:
                fleet.write_ledger(options.ledger)
    except Stop as stop:
        status.finish()
        if str(stop):
            print(f"btpow: error: {stop}", file=sys.stderr)
        if fleet is not None and stop.code not in (EXIT_SCHEDULER,) and fleet.jobs_received and not options.quiet:
            status.note(f"summary: {fleet.summary()}")
        return stop.code
    finally:
        if fleet is not None:
            fleet.shutdown()
        if client is not None:
            try:
                client.close(timeout=3)
            except Exception:  # noqa: BLE001 - closing a lost connection
                pass


def _exit(code: int) -> None:
    """Exits without the interpreter's shutdown, which would wait on the feed reader still blocked
    on an open input (and abort); everything printed is flushed first."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            if stream is sys.stdout and code == EXIT_OK:
                code = EXIT_IO
    os._exit(code)


if __name__ == "__main__":
    _exit(main())
