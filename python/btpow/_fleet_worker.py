"""The fleet's worker side: a Dask actor that owns one long-lived btpow.Solver on its worker.

The driver (btpow.fleet) creates one FleetWorker per Dask worker and talks to it directly (Dask
actor calls go driver → worker without the scheduler). The methods are coroutines, so they run on
the worker's event loop and never queue behind one another: a new job is never held up by a poll
that is waiting for a solution.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import weakref
from typing import Dict, List, Optional

import btpow

# Each worker hashes its own region of the 64-bit nonce space: slot k starts at k * SLOT_NONCES
# and counts up. 2^48 nonces last a 3 G seals/s GPU about a day, far beyond a job's life (a block
# is 12 s), so regions never run into each other; 2^16 slots are far more than a fleet has workers.
SLOT_BITS = 48
SLOT_NONCES = 1 << SLOT_BITS
SLOTS = 1 << (64 - SLOT_BITS)

# A worker whose driver has not polled for this long pauses: a driver that died (or lost its
# network) must not leave machines hashing for nobody.
LEASE_SECONDS = 15.0
_WAIT_SLICE = 0.2  # how often the collecting thread looks at its stop flag and the lease


class _Shared:
    """What the actor and its collecting thread share (the thread never holds the actor itself,
    so a released actor is collected and its solver stopped)."""

    def __init__(self, solver: btpow.Solver) -> None:
        self.solver = solver
        self.lock = threading.Lock()
        self.solutions: List[tuple] = []
        self.seq_of: Dict[int, int] = {}  # solver job id -> driver job sequence number
        self.first_hash: Dict[int, float] = {}  # sequence -> wall time the job's first seals were counted
        self.last_poll = time.monotonic()
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.wakeup: Optional[asyncio.Event] = None
        self.closed = threading.Event()
        self.paused_by_lease = False

    def notify(self) -> None:
        loop, wakeup = self.loop, self.wakeup
        if loop is not None and wakeup is not None:
            try:
                loop.call_soon_threadsafe(wakeup.set)
            except RuntimeError:  # the loop is closing with the worker
                pass

    def close(self) -> None:
        if not self.closed.is_set():
            self.closed.set()
            self.solver.stop()


def _collect(shared: _Shared) -> None:
    """Moves solutions from the solver to the list the driver polls; enforces the lease."""
    while not shared.closed.is_set():
        try:
            found = shared.solver.wait(timeout=_WAIT_SLICE)
        except Exception:  # noqa: BLE001 - a stopped solver; the flag ends the loop
            found = None
        if found is not None:
            with shared.lock:
                seq = shared.seq_of.get(found.job_id)
                if seq is not None:
                    shared.solutions.append(
                        (seq, found.nonce, found.seal.hex(), found.device, found.hashes, found.seconds))
            shared.notify()
        if time.monotonic() - shared.last_poll > LEASE_SECONDS and not shared.paused_by_lease:
            shared.paused_by_lease = True
            shared.solver.pause()


def _watch_first_hash(shared: _Shared, job_id: int, seq: int) -> None:
    """Records when the solver first counts seals of the job: the end of a broadcast."""
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and not shared.closed.is_set():
        stats = shared.solver.stats()
        if stats["job_id"] != job_id:
            return
        if stats["job_hashes"] > 0:
            with shared.lock:
                shared.first_hash[seq] = time.time()
            return
        time.sleep(0.0005)


class FleetWorker:
    """One solver on one Dask worker, hashing the nonces of its slot.

    backend "cuda" for a worker with the GPU resource, else "cpu" with ``threads`` threads.
    """

    def __init__(self, slot: int, backend: str, threads: int, cuda_batch_ms: int) -> None:
        if not 0 <= slot < SLOTS:
            raise ValueError(f"slot: expected 0..{SLOTS - 1}, got {slot}")
        self.slot = slot
        self.backend = backend
        solver = btpow.Solver(backend, threads=threads, cuda_batch_ms=cuda_batch_ms, nonce_start=slot * SLOT_NONCES)
        self._shared = _Shared(solver)
        self._current_seq: Optional[int] = None
        self._open_since: Optional[float] = None  # monotonic time the current job started hashing
        self._open_hashes = 0  # the solver's total seals then
        self._busy_seconds = 0.0
        self._busy_hashes = 0
        threading.Thread(target=_collect, args=(self._shared,), name="btpow-fleet-collect", daemon=True).start()
        weakref.finalize(self, self._shared.close)

    def _bind_loop(self) -> None:
        if self._shared.loop is None:
            self._shared.wakeup = asyncio.Event()
            self._shared.loop = asyncio.get_running_loop()

    def _close_interval(self) -> None:
        if self._open_since is not None:
            total = self._shared.solver.stats()["total"]["hashes"]
            self._busy_seconds += time.monotonic() - self._open_since
            self._busy_hashes += total - self._open_hashes
            self._open_since = None

    async def hello(self) -> dict:
        """What this worker runs: its devices, threads, slot and host."""
        self._bind_loop()
        stats = self._shared.solver.stats()
        return {
            "host": socket.gethostname(),
            "btpow": btpow.__version__,
            "backend": self.backend,
            "slot": self.slot,
            "nonce_start": self.slot * SLOT_NONCES,
            "devices": [d["id"] for d in stats["devices"]],
            "threads": sum(d["threads"] for d in stats["devices"]),
        }

    async def submit(self, seq: int, fields: dict) -> float:
        """Starts job ``seq`` (btpow.Job keyword arguments); returns the wall time it was handed
        to the solver. A sequence already submitted is not started again (its nonces would be
        hashed twice)."""
        self._bind_loop()
        if self._current_seq is not None and seq <= self._current_seq:
            return time.time()
        job = btpow.Job(**fields)
        self._close_interval()
        solver = self._shared.solver
        self._open_hashes = solver.stats()["total"]["hashes"]
        job_id = solver.submit(job)
        handed = time.time()
        self._open_since = time.monotonic()
        self._current_seq = seq
        with self._shared.lock:
            self._shared.seq_of[job_id] = seq
            self._shared.paused_by_lease = False
            self._shared.last_poll = time.monotonic()
        threading.Thread(target=_watch_first_hash, args=(self._shared, job_id, seq), daemon=True).start()
        return handed

    async def pause(self, seq: int) -> None:
        """Stops hashing job ``seq`` (its count reached or its time up) until the next submit."""
        if seq == self._current_seq:
            self._shared.solver.pause()
            self._close_interval()

    async def poll(self, timeout: float) -> dict:
        """Solutions found since the last poll (waiting up to ``timeout`` s for one), the counters,
        and when each job's first seals were counted."""
        self._bind_loop()
        shared = self._shared
        shared.last_poll = time.monotonic()
        with shared.lock:
            ready = bool(shared.solutions)
        if not ready and timeout > 0:
            shared.wakeup.clear()
            with shared.lock:
                ready = bool(shared.solutions)
            if not ready:
                try:
                    await asyncio.wait_for(shared.wakeup.wait(), timeout)
                except asyncio.TimeoutError:
                    pass
        with shared.lock:
            solutions, shared.solutions = shared.solutions, []
            first_hash, shared.first_hash = shared.first_hash, {}
        shared.last_poll = time.monotonic()
        stats = shared.solver.stats()
        busy_seconds, busy_hashes = self._busy_seconds, self._busy_hashes
        if self._open_since is not None:
            busy_seconds += time.monotonic() - self._open_since
            busy_hashes += stats["total"]["hashes"] - self._open_hashes
        total = stats["total"]
        return {
            "solutions": solutions,
            "first_hash": first_hash,
            "seq": self._current_seq,
            "job_hashes": stats["job_hashes"],
            "hashes": total["hashes"],
            "solutions_found": total["solutions"],
            "compute_errors": total["compute_errors"],
            "rate_10s": total["rate_10s"],
            "rate_60s": total["rate_60s"],
            "busy_seconds": busy_seconds,
            "busy_hashes": busy_hashes,
            "failed": [d["id"] for d in stats["devices"] if d["failed"]],
        }

    async def close(self) -> None:
        """Stops the solver; the actor is useless afterwards."""
        self._close_interval()
        self._shared.close()
