"""Engines and the unit of work: the one transaction boundary.

Services receive a :class:`UnitOfWork`; they never commit. The caller (a command, a web
request) opens it with ``with uow:``; leaving the block commits on success and rolls
back on any error, so an import either lands whole or not at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, sqlite_busy_timeout: float = 15.0, pool_size: int = 16) -> Engine:
    """A SQLAlchemy engine; SQLite files get their folder, foreign keys and WAL, and
    writes wait up to ``sqlite_busy_timeout`` seconds for the write lock (then the
    driver raises "database is locked", which the web answers 503).

    A new SQLite store file is created with mode 0600 (its folder 0700): it holds
    enterprises' confidential data. SQLite gives its ``-wal`` and ``-shm`` files the
    database file's mode.

    A server store (PostgreSQL) keeps ``pool_size`` connections open per process, and
    opens up to half as many more for a burst (closed again when returned): with
    SQLAlchemy's default of 5 a loaded worker opened and closed connections all the
    time. Two workers use at most 48 of PostgreSQL's default 100."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        _private_sqlite_file(Path(url.removeprefix("sqlite:///")))
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": sqlite_busy_timeout})
    else:
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size // 2)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _private_sqlite_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class UnitOfWork:
    """A session whose block commits on success and rolls back on error."""

    def __init__(self, engine: Engine) -> None:
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside a 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            if kind is None:
                self._session.commit()
            else:
                self._session.rollback()
        finally:
            self._session.close()
            self._session = None
