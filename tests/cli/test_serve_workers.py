"""``tanji serve --workers N``: several processes need PostgreSQL; an SQLite store is
refused with a message before anything listens."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanji.cli.main import main


def test_several_workers_on_sqlite_are_refused_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TANJI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANJI_DATABASE_URL", f"sqlite:///{tmp_path / 'tanji.db'}")
    status = main(["serve", "--workers", "2", "--port", "1"])
    captured = capsys.readouterr()
    assert status == 2
    assert "PostgreSQL" in captured.err
    assert "Tanji is running" not in captured.out
