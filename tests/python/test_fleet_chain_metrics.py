"""btpow-chain's Prometheus metrics scraped by a real Prometheus server (Debian's `prometheus`).

The chain client serves its metrics from the start of a run, before it reaches a node; here its
node is a listener that never answers, so the run waits (within --timeout) while Prometheus
scrapes it. Needs node, the chain client's node_modules (`npm ci` in chain/, which the chain suite
runs first) and BTPOW_CLI; skips, saying so, without them."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from prometheus_server import PROMETHEUS, Prometheus, free_port

ROOT = Path(os.environ.get("BTPOW_SOURCE_ROOT", Path(__file__).resolve().parents[2]))
CHAIN = ROOT / "chain"
NODE = shutil.which("node")
CLI = os.environ.get("BTPOW_CLI", "")


@pytest.mark.skipif(not PROMETHEUS, reason="prometheus not found (apt-get install prometheus)")
@pytest.mark.skipif(not NODE, reason="node not found (apt-get install nodejs)")
@pytest.mark.skipif(not (CHAIN / "node_modules").is_dir(), reason="chain/node_modules absent (npm ci in chain/)")
@pytest.mark.skipif(not CLI, reason="BTPOW_CLI is not set (scripts/test-fleet.sh sets it)")
def test_prometheus_scrapes_btpow_chain(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts TCP and never answers the WebSocket handshake
    node_port = silent.getsockname()[1]
    metrics_port = free_port()
    prom = Prometheus(tmp_path, {"btpow-chain": metrics_port})
    chain = subprocess.Popen([NODE, str(CHAIN / "bin" / "btpow-chain.js"), "faucet", "--dev", "Alice",
                              "--node", f"ws://127.0.0.1:{node_port}", "--btpow", CLI, "--timeout", "60",
                              "--metrics", f"127.0.0.1:{metrics_port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        up = prom.query('up{job="btpow-chain"} == 1', 45)
        assert up, "Prometheus never scraped btpow-chain's /metrics"
        names = prom.query('{__name__=~"btpow_chain_.+", job="btpow-chain"}', 15)
        found = {series["metric"]["__name__"] for series in names}
        assert "btpow_chain_attempts_total" in found, found
        assert any(name.startswith("btpow_chain_head_to_submit_seconds") for name in found), found
    finally:
        chain.terminate()
        try:
            chain.wait(timeout=10)
        except subprocess.TimeoutExpired:
            chain.kill()
        prom.stop()
        silent.close()
