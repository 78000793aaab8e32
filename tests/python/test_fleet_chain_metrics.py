"""btpow-chain's Prometheus metrics scraped by a real Prometheus server (Debian's `prometheus`).

The chain client serves its metrics from the start of a run, before it reaches a node; here its
node is a listener that never answers, so the run waits (within --timeout) while Prometheus
scrapes it. Needs node, the chain client's node_modules (`npm ci` in chain/, which the chain suite
runs first) and BTPOW_CLI; skips, saying so, without them."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("BTPOW_SOURCE_ROOT", Path(__file__).resolve().parents[2]))
CHAIN = ROOT / "chain"
PROMETHEUS = shutil.which("prometheus")
NODE = shutil.which("node")
CLI = os.environ.get("BTPOW_CLI", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(port: int, promql: str, deadline: float) -> list:
    """The result of an instant query once it is not empty, or [] at the deadline."""
    while time.monotonic() < deadline:
        url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        try:
            result = json.loads(urllib.request.urlopen(url, timeout=5).read())["data"]["result"]
            if result:
                return result
        except OSError:
            pass
        time.sleep(1)
    return []


@pytest.mark.skipif(not PROMETHEUS, reason="prometheus not found (apt-get install prometheus)")
@pytest.mark.skipif(not NODE, reason="node not found (apt-get install nodejs)")
@pytest.mark.skipif(not (CHAIN / "node_modules").is_dir(), reason="chain/node_modules absent (npm ci in chain/)")
@pytest.mark.skipif(not CLI, reason="BTPOW_CLI is not set (scripts/test-fleet.sh sets it)")
def test_prometheus_scrapes_btpow_chain(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts TCP and never answers the WebSocket handshake
    node_port = silent.getsockname()[1]
    metrics_port, prom_port = free_port(), free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: btpow-chain
    static_configs: [{{targets: ['127.0.0.1:{metrics_port}']}}]
""")
    prom = subprocess.Popen([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
                             f"--web.listen-address=127.0.0.1:{prom_port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    chain = subprocess.Popen([NODE, str(CHAIN / "bin" / "btpow-chain.js"), "faucet", "--dev", "Alice",
                              "--node", f"ws://127.0.0.1:{node_port}", "--btpow", CLI, "--timeout", "60",
                              "--metrics", f"127.0.0.1:{metrics_port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 45
        up = query(prom_port, 'up{job="btpow-chain"} == 1', deadline)
        assert up, "Prometheus never scraped btpow-chain's /metrics"
        names = query(prom_port, '{__name__=~"btpow_chain_.+", job="btpow-chain"}', deadline)
        found = {series["metric"]["__name__"] for series in names}
        assert "btpow_chain_attempts_total" in found, found
        assert any(name.startswith("btpow_chain_head_to_submit_seconds") for name in found), found
    finally:
        for process in (chain, prom):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        silent.close()
