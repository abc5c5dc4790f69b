"""Engines and the unit of work: the one transaction boundary.

Services receive a :class:`UnitOfWork`; they never commit. The caller (a command, a web
request) opens it with ``with uow:``; leaving the block commits on success and rolls
back on any error, so an import either lands whole or not at all.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

#: Seconds a write waits for SQLite's write lock unless a setting says otherwise
#: (``TANJI_SQLITE_BUSY_TIMEOUT``): long enough for other requests' short writes, short
#: enough that a person is told "busy, retry" rather than left waiting.
SQLITE_BUSY_TIMEOUT = 5.0

#: The most threads of one process that wait for its SQLite write gate at a time; one
#: more is refused at once as busy, so waiting writers never take every thread of the
#: web's pool (anyio's 40) from the reads.
SQLITE_MAX_WAITING_WRITERS = 16


def make_engine(
    url: str, *, sqlite_busy_timeout: float = SQLITE_BUSY_TIMEOUT, pool_size: int = 16
) -> Engine:
    """A SQLAlchemy engine; SQLite files get their folder, foreign keys, WAL with
    ``synchronous=FULL`` (an acknowledged write survives a power loss too) and a write
    gate (:class:`_WriteGate`): writes wait up to ``sqlite_busy_timeout`` seconds for
    the write lock, then fail with "database is locked", which the web answers 503
    "busy, retry".

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
        engine = create_engine(
            url,
            connect_args={"timeout": sqlite_busy_timeout},
            # A connection per thread that may ask for one (the web's 40, the jobs'):
            # no thread waits for the pool, and one that would is told "busy" as soon
            # as a writer would be.
            pool_size=8,
            max_overflow=64,
            pool_timeout=sqlite_busy_timeout,
        )
    else:
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size // 2)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        _WriteGate(sqlite_busy_timeout).watch(engine)
    return engine


def _private_sqlite_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on a power loss
    # (they are acknowledged before the WAL reaches the disk).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class _WriteGate:
    """One writer at a time per process on a SQLite store, queued in the process.

    SQLite lets one connection write at a time; the others retry in its busy handler,
    sleeping up to 100 ms between tries. Under many concurrent writers (50 clients
    posting products) the retries and the threads' contention for the GIL stretched
    every write transaction until most ran into the busy timeout. The gate makes the
    process's writers wait on a lock instead: a transaction takes it before its first
    write (when SQLite would take the write lock: the driver begins the transaction
    there), or before a read asking for row locks (``with_for_update``: then it begins
    the transaction with ``BEGIN IMMEDIATE``, so the read-modify-write is serialised as
    on PostgreSQL), and gives it back when its connection returns to the pool (after
    the commit or rollback). A writer that cannot have it within the busy timeout, or that would
    be one waiting writer too many (:data:`SQLITE_MAX_WAITING_WRITERS`), fails with
    "database is locked": a 503 "busy, retry", never a hang.

    Other processes (a command-line import) still meet SQLite's own busy timeout.
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._lock = threading.Lock()
        self._count = threading.Lock()
        self._waiting = 0

    def watch(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before_execute)
        event.listen(engine, "checkin", self._release)
        event.listen(engine, "invalidate", self._release_invalid)

    def _before_execute(
        self, conn: Any, _cursor: Any, statement: str, _p: Any, context: Any, _many: bool
    ) -> None:
        if conn.info.get(_HOLDS):
            return
        locking = _locks_rows(context)
        if not (locking or statement.lstrip()[:7].upper().startswith(_WRITES)):
            return
        with self._count:
            if self._waiting >= SQLITE_MAX_WAITING_WRITERS:
                raise sqlite3.OperationalError("database is locked (too many waiting writers)")
            self._waiting += 1
        try:
            taken = self._lock.acquire(timeout=self._timeout)
        finally:
            with self._count:
                self._waiting -= 1
        if not taken:
            raise sqlite3.OperationalError("database is locked")
        conn.info[_HOLDS] = True
        driver = conn.connection.dbapi_connection
        if locking and not driver.in_transaction:
            # SQLite has no row locks and the driver begins a transaction only at the
            # first write: a read "for update" would see a state another writer may
            # change before this one writes. Begin the write transaction here instead.
            driver.execute("BEGIN IMMEDIATE")

    def _release(self, _dbapi: Any, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS, False):
            self._lock.release()

    def _release_invalid(self, _dbapi: Any, record: Any, _error: Any) -> None:
        self._release(_dbapi, record)


_HOLDS = "tanji_write_gate"


def _locks_rows(context: Any) -> bool:
    """Whether the statement is a read asking for row locks (``with_for_update``), which
    the SQLite dialect leaves out of the SQL."""
    statement = getattr(getattr(context, "compiled", None), "statement", None)
    return getattr(statement, "_for_update_arg", None) is not None


#: One session factory per engine: a ``sessionmaker`` makes a new ``Session`` subclass,
#: whose event dispatch SQLAlchemy then sets up again, so making one per unit of work
#: cost every web request about a tenth of its CPU.
#: Two threads meeting a new engine at once may each make one: alike, and the last kept.
_FACTORIES: weakref.WeakKeyDictionary[Engine, sessionmaker[Session]] = weakref.WeakKeyDictionary()


def _factory_of(engine: Engine) -> sessionmaker[Session]:
    factory = _FACTORIES.get(engine)
    if factory is None:
        factory = _FACTORIES[engine] = sessionmaker(engine, expire_on_commit=False)
    return factory


@contextmanager
def autocommit_reads(engine: Engine) -> Iterator[Connection]:
    """A pooled connection on which each statement stands alone (autocommit): for a
    few reads that need no transaction of their own, such as a request's sign-in check.
    No ``BEGIN`` and ``COMMIT`` go to the store: two round trips fewer than a unit of
    work. Each statement sees what was committed when it began, as every statement
    does under PostgreSQL's READ COMMITTED. Not for writes: each would commit on its
    own."""
    with engine.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


class UnitOfWork:
    """A session whose block commits on success and rolls back on error."""

    def __init__(self, engine: Engine) -> None:
        self._factory = _factory_of(engine)
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
