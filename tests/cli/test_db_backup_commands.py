"""``tanji db backup`` and ``tanji db restore`` as an operator runs them, on both stores."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from .conftest import Run
from .test_data_commands import HEADER, ROW


def _databases(tanji: Run) -> set[str]:
    status, out, err = tanji("data", "list", "--json")
    assert status == 0, err
    return {database["name"] for database in json.loads(out)}


def test_backup_then_restore_undoes_a_later_import(tanji: Run, tmp_path: Path) -> None:
    before = _databases(tanji)
    backup = tmp_path / "backups" / "tanji.backup"
    status, out, err = tanji("db", "backup", str(backup))
    assert status == 0, err
    assert "backup written" in out
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    table = tmp_path / "steel.csv"
    table.write_text("\n".join([HEADER, ROW.format(code="S1", co2=1850)]) + "\n", encoding="utf-8")
    assert tanji("data", "import", str(table), "-f", "csv", "-n", "steel")[0] == 0
    assert _databases(tanji) == before | {"steel"}

    status, out, err = tanji("db", "restore", str(backup), "--yes")
    assert status == 0, err
    assert "store restored" in out
    assert _databases(tanji) == before

    status, _, err = tanji("db", "backup", str(backup))  # never overwrites
    assert status == 2
    assert "already exists" in err

    status, _, err = tanji("db", "restore", str(table), "--yes")
    assert status == 2
    assert f"error: {table} is not a Tanji backup" in err
    assert "Traceback" not in err
