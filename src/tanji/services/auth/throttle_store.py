"""Throttle counters in the store (table ``throttle_counters``), shared by every worker
process: each change is one short transaction that locks the key's row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write lock), so concurrent attempts
from one source are all counted. See :mod:`tanji.services.auth.throttle`."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Hashable

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from tanji.db.models import ThrottleCounterRow
from tanji.db.session import UnitOfWork
from tanji.services.auth.throttle import Change, State

__all__ = ["StoreCounters"]

#: Rows unchanged for this long are forgotten (longer than every window and bucket).
FORGET_SECONDS = 86_400.0


def _digest(name: str, key: Hashable) -> str:
    text = json.dumps([name, key], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class StoreCounters:
    """:class:`~tanji.services.auth.throttle.Counters` in the store of ``db``."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def read(self, name: str, key: Hashable) -> State | None:
        with UnitOfWork(self.db) as uow:
            row = uow.session.get(ThrottleCounterRow, _digest(name, key))
            found = row is not None and row.changed >= 0
            return (row.a, row.b, row.c) if row is not None and found else None

    def change(self, name: str, key: Hashable, change: Change) -> float:
        digest = _digest(name, key)
        with UnitOfWork(self.db) as uow:
            session = uow.session
            if random.random() < 0.001:  # now and then: forget rows long unchanged
                old = time.time() - FORGET_SECONDS
                session.execute(delete(ThrottleCounterRow).where(ThrottleCounterRow.changed < old))
            insert = postgresql.insert if self.db.dialect.name == "postgresql" else sqlite.insert
            session.execute(
                insert(ThrottleCounterRow)
                .values(key=digest, a=0.0, b=0.0, c=0.0, changed=-1.0)
                .on_conflict_do_nothing()
            )
            row = session.get(ThrottleCounterRow, digest, with_for_update=True)
            assert row is not None
            state = (row.a, row.b, row.c) if row.changed >= 0 else None
            new, result = change(state)
            if new is None:
                session.delete(row)
            else:
                row.a, row.b, row.c = new
                row.changed = time.time()
            return result
