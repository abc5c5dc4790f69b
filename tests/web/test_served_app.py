"""A served process freezes its start-up objects out of the garbage collector's full
collections (each walked some 300,000 objects and paused every request); a test app
does not (its many apps would stay in memory). Run in a fresh interpreter: a freeze
cannot be undone in this one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = """
import gc, sys
from fastapi.testclient import TestClient
from tanji.web.app import create_app, serve_app
factory = serve_app if sys.argv[1] == "served" else create_app
with TestClient(factory()) as client:
    assert client.get("/api/v1/health/live").status_code == 200
    print(gc.get_freeze_count() - int(sys.argv[2]))
"""


def _frozen(kind: str, data_dir: Path) -> int:
    """How many objects the app froze (beyond those the interpreter starts with)."""
    start = subprocess.run(
        [sys.executable, "-c", "import gc; print(gc.get_freeze_count())"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    env = {"TANJI_DATA_DIR": str(data_dir), "TANJI_SECRET_KEY": "x", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, kind, start.stdout.strip()],
        env=env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def test_a_served_app_freezes_its_start_up_and_a_test_app_does_not(tmp_path: Path) -> None:
    assert _frozen("served", tmp_path / "served") > 100_000
    assert _frozen("test", tmp_path / "test") == 0
