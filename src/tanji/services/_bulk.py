"""Bulk inserts for sector-sized databases (a million exchanges in one import).

Design note: the ORM's bulk insert compiles a statement per group of rows with the same
NULL pattern (138,000 executions for a 5,000-activity database), and even Core's
executemany spends microseconds per row building parameter dicts. Rows go to the driver
as tuples instead: SQLite's ``executemany`` and PostgreSQL's ``COPY … FROM STDIN``. Both
run on the session's connection, so they stay inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from tanji.db.base import Base

__all__ = ["bulk_insert"]


def bulk_insert(
    session: Session, model: type[Base], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert rows (tuples in ``columns`` order) into the model's table."""
    table = cast(Table, model.__table__)
    connection = session.connection()
    names = ", ".join(columns)
    raw: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()
