"""The committed vector files are what scripts/gen_vectors.py computes from scratch (docs/protocol.md §9, §10)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gen_vectors_reproduces_the_committed_files():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_vectors.py"), "--check"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
