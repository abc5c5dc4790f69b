"""The SQLite store's write gate (``tanji.db.session``): a read that asks for a row lock
(``with_for_update``, as the ledger, the certification steps and the hub's policies do)
begins a write transaction (``BEGIN IMMEDIATE``) on SQLite too, so a read-modify-write
by concurrent threads loses nothing; writers queue, and one that cannot have the lock
in time fails with "database is locked" (the web's 503), not after a hang."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tanji.db.session import make_engine

_metadata = MetaData()
_counter = Table(
    "counter", _metadata, Column("id", Integer, primary_key=True), Column("n", Integer)
)


def test_reads_for_update_serialise_read_modify_writes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}", sqlite_busy_timeout=30)
    _metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(_counter).values(id=1, n=0))

    def add_one(_: int) -> None:
        with Session(engine) as session, session.begin():
            n = session.execute(select(_counter.c.n).with_for_update()).scalar_one()
            time.sleep(0.005)  # others read the same n here, unless the read locked
            session.execute(update(_counter).values(n=n + 1))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add_one, range(40)))
    with engine.connect() as connection:
        assert connection.execute(select(_counter.c.n)).scalar_one() == 40
    engine.dispose()


def test_a_writer_that_cannot_have_the_lock_in_time_is_told_at_once(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}", sqlite_busy_timeout=0.3)
    _metadata.create_all(engine)
    holding = threading.Event()
    done = threading.Event()

    def hold() -> None:
        with Session(engine) as session, session.begin():
            session.execute(insert(_counter).values(id=2, n=0))
            holding.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        start = time.monotonic()
        with (
            pytest.raises(OperationalError, match="database is locked"),
            Session(engine) as session,
            session.begin(),
        ):
            session.execute(insert(_counter).values(id=3, n=0))
        assert time.monotonic() - start < 2
        with engine.connect() as connection:  # reads do not wait
            assert connection.execute(text("SELECT count(*) FROM counter")).scalar_one() == 0
    finally:
        done.set()
        holder.join(10)
    with engine.connect() as connection:
        assert connection.execute(select(_counter.c.id)).scalars().all() == [2]
    engine.dispose()
