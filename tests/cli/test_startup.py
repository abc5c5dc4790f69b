"""The command line starts fast: ``tanji --help`` and each command import only what they use.

Checked in fresh interpreters (``sys.modules`` of a subprocess), so nothing the test
session imported hides an import. The time itself is a benchmark
(``benchmarks/cli_startup.py``), not a test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tanji.cli.main import COMMANDS, load_command

#: Heavy libraries none of which the root help needs.
HEAVY = (
    "numpy",
    "scipy",
    "sqlalchemy",
    "pandas",
    "pint",
    "openpyxl",
    "pydantic",
    "rich",
    "fastapi",
    "jinja2",
    "bw_processing",
)
#: What a database-free engine command has no use for.
STORE_AND_WEB = ("sqlalchemy", "pint", "openpyxl", "fastapi", "jinja2", "alembic")


def _imported_after(argv: list[str], cwd: Path) -> set[str]:
    """Top-level packages imported by ``tanji ARGV`` run in-process in a fresh interpreter."""
    script = (
        "import json, sys\n"
        "from tanji.cli.main import main\n"
        f"status = main({argv!r})\n"
        "print(json.dumps([status, sorted({m.split('.')[0] for m in sys.modules})]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    status, modules = json.loads(done.stdout.splitlines()[-1])
    assert status == 0, done.stderr
    return set(modules)


def test_root_help_imports_no_heavy_library(tmp_path: Path) -> None:
    assert _imported_after(["--help"], tmp_path).isdisjoint(HEAVY)


def test_version_imports_no_heavy_library(tmp_path: Path) -> None:
    # Typer parses every option value with pydantic: the one library an option needs.
    heavy = set(HEAVY) - {"pydantic"}
    assert _imported_after(["--version"], tmp_path).isdisjoint(heavy)


def test_engine_footprints_imports_neither_store_nor_web(
    database: Path, method: Path, tmp_path: Path
) -> None:
    argv = ["engine", "footprints", str(database), str(method), "-o", str(tmp_path / "y.csv")]
    imported = _imported_after(argv, tmp_path)
    assert {"numpy", "scipy"} <= imported  # the engine did run
    assert imported.isdisjoint(STORE_AND_WEB)


def test_engine_help_imports_no_numerics(tmp_path: Path) -> None:
    imported = _imported_after(["engine", "--help"], tmp_path)
    assert imported.isdisjoint({"numpy", "scipy", "bw_processing", "sqlalchemy"})


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_help_is_the_commands_own(name: str) -> None:
    command = load_command(name)
    own = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
    assert own == COMMANDS[name][2]
    assert command.name == name
