"""The durable job queue: one row per background job (a Monte Carlo calculation, a data
import, an admission propagation run).

Imported by :mod:`tanji.db.models`, which re-exports the row, so the metadata Alembic
compares holds it. The row is the job: what to run (``kind`` and its JSON ``payload``),
for whom (the submitting actor, rebuilt when it runs), where it is (``state``: queued →
running → done | failed, with its progress), and which worker process runs it
(``worker``: ``host:pid:boot``, with a ``heartbeat_at`` it refreshes) — so a job
survives a restart of the process that accepted it and any worker process may run it
(:mod:`tanji.services.jobs`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = ["JobRow"]


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # the submitting actor, as it was when the job was submitted
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    org_id: Mapped[int] = mapped_column(Integer)
    org_kind: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40))
    scopes: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
    result_url: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str] = mapped_column(Text, default="[]")
    worker: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_jobs_state_created", "state", "created_at"),)
