"""Backup and restore on both stores: what was backed up comes back exactly, changes made
after the backup are gone, files of the wrong kind are refused and leave the store as it
was, and backups (and a new SQLite store) are readable by their owner only."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, MetaData, select, text

from tanji.db.migrate import current_revision, head_revision, upgrade
from tanji.db.session import UnitOfWork, make_engine
from tanji.services import logins
from tanji.services.backup import backup_store, restore_store
from tanji.services.errors import InvalidInputError

from .conftest import enterprise


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two stores are equal when their snapshots are."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
            for name, table in sorted(metadata.tables.items())
        }


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        logins, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def engine(store_url: str) -> Any:
    engine = make_engine(store_url)
    upgrade(engine)
    with UnitOfWork(engine) as uow:
        enterprise(uow.session)
    yield engine
    engine.dispose()


def test_restore_gives_back_the_backed_up_store(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    with UnitOfWork(engine) as uow:
        enterprise(uow.session)
    backed_up = _snapshot(engine)
    info = backup_store(store_url, tmp_path / "store.backup")
    assert _mode(info.path) == 0o600
    assert list(tmp_path.glob(".store.backup.*")) == []  # no partial file left

    with UnitOfWork(engine) as uow:  # after the backup: one more, one changed
        enterprise(uow.session)
        uow.session.execute(text("UPDATE organisations SET name = 'changed'"))
    assert _snapshot(engine) != backed_up

    restore_store(store_url, info.path)
    engine.dispose()  # pooled connections predate the restore
    assert _snapshot(engine) == backed_up
    assert current_revision(engine) == head_revision()
    with UnitOfWork(engine) as uow:  # the restored store takes writes
        enterprise(uow.session)


def test_a_file_that_is_no_backup_is_refused_and_the_store_kept(
    engine: Engine, store_url: str, tmp_path: Path
) -> None:
    before = _snapshot(engine)
    head = head_revision()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="is not a Tanji backup"):
        restore_store(store_url, text_file)

    foreign = tmp_path / "foreign.db"  # a SQLite database, but not a Tanji store
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE t (x)")
    fake_dump = tmp_path / "fake.dump"
    fake_dump.write_bytes(b"PGDMP" + b"\0" * 64)
    if store_url.startswith("sqlite"):
        with pytest.raises(InvalidInputError, match="not a Tanji store"):
            restore_store(store_url, foreign)
        with pytest.raises(InvalidInputError, match="backup of a PostgreSQL store"):
            restore_store(store_url, fake_dump)
    else:
        with pytest.raises(InvalidInputError, match="backup of a SQLite store"):
            restore_store(store_url, foreign)
        with pytest.raises(InvalidInputError, match="not a readable pg_dump archive"):
            restore_store(store_url, fake_dump)

    with engine.begin() as connection:  # a backup of a newer Tanji
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    future = backup_store(store_url, tmp_path / "future.backup").path
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    with pytest.raises(InvalidInputError, match="revision 9999_future"):
        restore_store(store_url, future)
    engine.dispose()
    assert _snapshot(engine) == before


def test_a_backup_never_overwrites_a_file(store_url: str, tmp_path: Path) -> None:
    existing = tmp_path / "keep.me"
    existing.write_text("precious", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="already exists"):
        backup_store(store_url, existing)
    assert existing.read_text(encoding="utf-8") == "precious"


def test_a_new_sqlite_store_is_private_and_its_backup_complete(tmp_path: Path) -> None:
    """The store file, its -wal/-shm and folder are the owner's only; committed rows
    still in the write-ahead log are in the backup (a file copy of tanji.db misses them),
    which needs no -wal file beside it."""
    path = tmp_path / "data" / "tanji.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with UnitOfWork(engine) as uow:  # the pool keeps the connection open: no checkpoint
        enterprise(uow.session)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    companions = list(path.parent.glob("tanji.db-*"))
    assert companions
    assert {_mode(companion) for companion in companions} == {0o600}

    expected = _snapshot(engine)
    backup = backup_store(url, tmp_path / "copy.db").path
    assert not Path(f"{backup}-wal").exists()
    copy = make_engine(f"sqlite:///{backup}")
    assert _snapshot(copy) == expected
    copy.dispose()
    engine.dispose()
