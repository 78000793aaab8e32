"""A real Prometheus server (Debian's `prometheus`) for the tests that check what it scrapes: a free
port, the server started on a scrape configuration of named targets, and instant queries that wait
for an answer."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable, Optional

PROMETHEUS = shutil.which("prometheus")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prometheus:
    """A server on 127.0.0.1:port scraping each job's target every second, its data under work_dir."""

    def __init__(self, work_dir: Path, targets: dict) -> None:
        self.port = free_port()
        config = work_dir / "prometheus.yml"
        config.write_text("global:\n  scrape_interval: 1s\nscrape_configs:\n" + "".join(
            f"  - job_name: {job}\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n"
            for job, port in targets.items()))
        self.proc = subprocess.Popen([PROMETHEUS, f"--config.file={config}",
                                      f"--storage.tsdb.path={work_dir / 'prometheus-data'}",
                                      f"--web.listen-address=127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def query(self, promql: str, timeout: float, at: Optional[float] = None,
              accept: Callable[[list], bool] = bool) -> list:
        """The result of an instant query (at a time, or now) once `accept` takes it, or [] after timeout
        seconds."""
        deadline = time.monotonic() + timeout
        params = {"query": promql} if at is None else {"query": promql, "time": at}
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode(params)
        while True:
            try:
                result = json.loads(urllib.request.urlopen(url, timeout=5).read())["data"]["result"]
                if accept(result):
                    return result
            except OSError:
                pass
            if time.monotonic() > deadline:
                return []
            time.sleep(1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
