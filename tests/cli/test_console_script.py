"""The installed ``tanji`` console script in a real subprocess: exit codes are the contract."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tanji import __version__

from .datapackages import HAND_FOOTPRINTS

#: The console script installed next to the interpreter running the tests (the venv's bin).
TANJI = Path(sys.executable).parent / "tanji"


def tanji(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert TANJI.is_file(), f"the tanji console script is not installed at {TANJI}"
    return subprocess.run(
        [str(TANJI), *(str(a) for a in argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_version(tmp_path: Path) -> None:
    done = tanji("--version", cwd=tmp_path)

    assert (done.returncode, done.stdout) == (0, f"{__version__}\n")


def test_footprints_succeed_with_status_0(database: Path, method: Path, tmp_path: Path) -> None:
    out_csv = tmp_path / "footprints.csv"

    done = tanji("engine", "footprints", database, method, "-o", out_csv, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    with out_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    assert {int(r[0]): float(r[1]) for r in rows} == pytest.approx(HAND_FOOTPRINTS, rel=1e-12)


def test_unknown_demand_fails_with_status_2_and_one_line(
    database: Path, method: Path, tmp_path: Path
) -> None:
    done = tanji("engine", "lca", database, method, "-d", "9=1", cwd=tmp_path)

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == ["error: unknown activity id(s): 9"]
