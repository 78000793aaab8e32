"""The fleet driver's Prometheus metrics (--metrics HOST:PORT), per worker, read from the driver's
state when scraped. Names match `btpow solve --metrics` where they mean the same (btpow_seals_total
and friends, with a worker label); docs/fleet.md lists them."""

from __future__ import annotations

import time
from typing import Any, Iterator, Optional


class Unavailable(Exception):
    """The Prometheus client library is missing."""


class FleetCollector:
    def __init__(self) -> None:
        self.fleet: Optional[Any] = None

    def attach(self, fleet: Any) -> None:
        self.fleet = fleet

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        fleet = self.fleet
        labels = ["worker", "device"]
        seals = CounterMetricFamily("btpow_seals", "Seals hashed, per worker", labels=labels)
        solutions = CounterMetricFamily("btpow_solutions", "Solutions printed (verified by the driver), per worker",
                                        labels=labels)
        errors = CounterMetricFamily("btpow_compute_errors", "Candidates a worker's reference check refuted",
                                     labels=labels)
        rates = GaugeMetricFamily("btpow_seals_per_second", "Seals per second over a window, per worker",
                                  labels=labels + ["window"])
        workers = GaugeMetricFamily("btpow_fleet_workers", "Workers in the fleet now")
        jobs = CounterMetricFamily("btpow_jobs_received", "Job lines accepted")
        block = GaugeMetricFamily("btpow_job_block", "The current job's block number")
        age = GaugeMetricFamily("btpow_job_age_seconds", "Seconds since the current job's line was read")
        stale = CounterMetricFamily("btpow_fleet_stale_solutions", "Solutions of replaced jobs, dropped")
        rejected = CounterMetricFamily("btpow_fleet_rejected_solutions", "Solutions that failed verification")
        broadcast = GaugeMetricFamily("btpow_fleet_broadcast_seconds",
                                      "The last job's broadcast: line read to every worker hashing it")
        if fleet is not None:
            with fleet.lock:
                members = [m for m in fleet.members.values() if m.alive]
                snapshot = [(m.address, m.info.get("devices") or [m.backend], dict(m.last), m.printed)
                            for m in members]
                state = fleet.current
            for address, devices, last, printed in snapshot:
                device = ",".join(devices)
                seals.add_metric([address, device], last.get("hashes", 0))
                solutions.add_metric([address, device], printed)
                errors.add_metric([address, device], last.get("compute_errors", 0))
                for window in ("10s", "60s"):
                    value = last.get(f"rate_{window}")
                    if value is not None:
                        rates.add_metric([address, device, window], value)
            workers.add_metric([], len(snapshot))
            jobs.add_metric([], fleet.jobs_received)
            if state is not None:
                block.add_metric([], state.job.fields["block_number"])
                age.add_metric([], time.monotonic() - state.read)
            stale.add_metric([], fleet.stale)
            rejected.add_metric([], fleet.rejected)
            if fleet.latencies:
                broadcast.add_metric([], fleet.latencies[-1])
        yield from (seals, solutions, errors, rates, workers, jobs, block, age, stale, rejected, broadcast)


def serve(where: tuple) -> FleetCollector:
    """Starts the exposition at http://HOST:PORT/metrics; OSError when the port is taken."""
    try:
        from prometheus_client import CollectorRegistry, start_http_server
    except ImportError as error:
        raise Unavailable(f"needs the Prometheus client library (apt-get install python3-prometheus-client): "
                          f"{error}") from None
    registry = CollectorRegistry()
    collector = FleetCollector()
    registry.register(collector)
    start_http_server(where[1], addr=where[0], registry=registry)
    return collector
