"""The durable job queue, kept in the store (table ``jobs``, :mod:`tanji.db.job_tables`).

A job is submitted as a row (``queued``); any worker process of the platform claims it
(``running``, stamped with the worker's id), reports its progress into the row and ends
it (``done`` with the URL of its result, or ``failed`` with a message for the user). The
web layer's runner (:mod:`tanji.web.jobs`) drives these functions; each takes the
caller's session and the caller commits (short transactions, one per step).

Claiming is a compare-and-set — ``UPDATE jobs SET state='running' … WHERE id=? AND
state='queued'`` — so two workers never run the same job; on PostgreSQL the candidate is
picked with ``SELECT … FOR UPDATE SKIP LOCKED`` so concurrent workers do not even wait on
each other. On SQLite the one process's embedded runner is the only writer of the queue.

Design note: a table in the platform's own store rather than a queue library. The job
volume is tiny (a few jobs a minute, minutes each), the store already exists on both
SQLite and PostgreSQL, and the libraries either need a second server (Celery, Dramatiq,
RQ: Redis or RabbitMQ), are PostgreSQL-only (procrastinate) or keep a second store
outside the platform's migrations and backups (huey). Here a backup holds the queue too,
and ``tanji demo`` needs no extra process.

After a restart nothing vanishes: a queued job is simply claimed by the next worker; a
job that was running in a process that is gone (:func:`interrupt`) fails with
:data:`INTERRUPTED`, which asks the user to run it again (its work was one transaction,
rolled back with the process).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tanji.db.models import JobRow
from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.domain.problems import Problem, problem_data, problem_from
from tanji.services.auth.tokens import aware, now

__all__ = [
    "INTERRUPTED",
    "JobRecord",
    "claim",
    "counts",
    "enqueue",
    "find",
    "finish",
    "heartbeat",
    "interrupt",
    "pending_payloads",
    "progress",
    "prune",
]

#: What the user reads about a job whose worker process ended while it ran.
INTERRUPTED = "The work was interrupted by a restart of the platform; run it again."

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass(frozen=True)
class JobRecord:
    """A job as the store holds it."""

    id: str
    kind: str
    title: str
    payload: dict[str, Any]
    actor: Actor
    state: str
    done: int
    total: int
    message: str
    result_url: str | None
    error: str | None
    problems: tuple[tuple[str, str, str], ...]
    worker: str
    created_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    ended_at: datetime | None


def _record(row: JobRow) -> JobRecord:
    scopes = frozenset(row.scopes.split()) if row.scopes is not None else None
    stored = json.loads(row.problems or "[]")
    problems = tuple((str(a), str(b), _detail_of(c)) for a, b, c in stored)
    return JobRecord(
        id=row.id,
        kind=row.kind,
        title=row.title,
        payload=json.loads(row.payload or "{}"),
        actor=Actor(row.user_id, row.org_id, OrgKind(row.org_kind), Role(row.role), scopes),
        state=row.state,
        done=row.done,
        total=row.total,
        message=row.message,
        result_url=row.result_url,
        error=_error_of(row.error),
        problems=problems,
        worker=row.worker,
        created_at=aware(row.created_at),
        started_at=aware(row.started_at) if row.started_at else None,
        heartbeat_at=aware(row.heartbeat_at) if row.heartbeat_at else None,
        ended_at=aware(row.ended_at) if row.ended_at else None,
    )


def _stored_error(error: str | None) -> str | None:
    """A failed job's error as stored: a :class:`~tanji.domain.problems.Problem` as JSON
    (its code and values, to say it again in the reader's language), else its text."""
    if isinstance(error, Problem):
        return json.dumps(problem_data(error), ensure_ascii=False)
    return error


def _detail_of(stored: object) -> str:
    """A stored problem row's detail again: the problem it was, else its text."""
    said = problem_from(stored) if isinstance(stored, dict) else None
    return said if said is not None else str(stored)


def _error_of(stored: str | None) -> str | None:
    """A stored error again: the problem it was (English as ``str``), else its text."""
    if stored is None or not stored.startswith('{"code"'):
        return stored
    try:
        said = problem_from(json.loads(stored))
    except ValueError:
        return stored
    return said if said is not None else stored


def enqueue(
    session: Session,
    *,
    job_id: str,
    kind: str,
    title: str,
    payload: dict[str, Any],
    actor: Actor,
    message: str = "",
) -> JobRecord:
    """Add a queued job for ``actor``."""
    row = JobRow(
        id=job_id,
        kind=kind,
        title=title,
        payload=json.dumps(payload, ensure_ascii=False),
        user_id=actor.user_id,
        org_id=actor.org_id,
        org_kind=actor.org_kind.value,
        role=actor.role.value,
        scopes=" ".join(sorted(actor.scopes)) if actor.scopes is not None else None,
        state=QUEUED,
        done=0,
        total=0,
        message=message,
        problems="[]",
        worker="",
        created_at=now(),
    )
    session.add(row)
    session.flush()
    return _record(row)


def find(session: Session, job_id: str) -> JobRecord | None:
    row = session.get(JobRow, job_id)
    return _record(row) if row is not None else None


def claim(session: Session, worker: str) -> JobRecord | None:
    """Take the oldest queued job for ``worker`` (``None`` when there is none)."""
    pick = select(JobRow.id).where(JobRow.state == QUEUED).order_by(JobRow.created_at).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    job_id = session.scalars(pick).first()
    if job_id is None:
        return None
    moment = now()
    taken = session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state == QUEUED)
        .values(state=RUNNING, worker=worker, started_at=moment, heartbeat_at=moment)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:
        return None  # another worker took it first
    session.flush()
    row = session.get(JobRow, job_id, populate_existing=True)
    assert row is not None
    return _record(row)


def progress(session: Session, job_id: str, done: int, total: int, message: str) -> None:
    session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state == RUNNING)
        .values(done=done, total=total, message=message[:300], heartbeat_at=now())
        .execution_options(synchronize_session=False)
    )


def finish(
    session: Session,
    job_id: str,
    *,
    failed: bool,
    result_url: str | None = None,
    error: str | None = None,
    problems: Iterable[tuple[str, str, str]] = (),
) -> None:
    """End a job: done with ``result_url``, or failed with ``error`` (and ``problems``;
    a problem's detail that is a :class:`~tanji.domain.problems.Problem` is stored with
    its code and values, to say it again in the reader's language)."""
    session.execute(
        update(JobRow)
        .where(JobRow.id == job_id)
        .values(
            state=FAILED if failed else DONE,
            result_url=result_url,
            error=_stored_error(error),
            problems=json.dumps(
                [[a, b, problem_data(c) if isinstance(c, Problem) else c] for a, b, c in problems],
                ensure_ascii=False,
            ),
            ended_at=now(),
        )
        .execution_options(synchronize_session=False)
    )


def heartbeat(session: Session, job_ids: Iterable[str]) -> None:
    """Say the worker running ``job_ids`` is alive."""
    ids = list(job_ids)
    if ids:
        session.execute(
            update(JobRow)
            .where(JobRow.id.in_(ids), JobRow.state == RUNNING)
            .values(heartbeat_at=now())
            .execution_options(synchronize_session=False)
        )


def interrupt(session: Session, gone: Callable[[str, datetime | None], bool]) -> list[JobRecord]:
    """Fail the running jobs whose worker is ``gone(worker, heartbeat_at)`` with
    :data:`INTERRUPTED`; the jobs so ended (their payloads may name files to remove)."""
    ended: list[JobRecord] = []
    moment = now()
    for row in session.scalars(select(JobRow).where(JobRow.state == RUNNING)):
        beat = aware(row.heartbeat_at) if row.heartbeat_at else None
        if not gone(row.worker, beat):
            continue
        row.state = FAILED
        row.error = INTERRUPTED
        row.ended_at = moment
        ended.append(_record(row))
    session.flush()
    return ended


def prune(session: Session, keep: timedelta) -> int:
    """Forget jobs that ended more than ``keep`` ago; how many."""
    cutoff = now() - keep
    old = [
        row.id
        for row in session.scalars(select(JobRow).where(JobRow.ended_at.is_not(None)))
        if row.ended_at is not None and aware(row.ended_at) < cutoff
    ]
    if old:
        session.execute(delete(JobRow).where(JobRow.id.in_(old)))
    return len(old)


def pending_payloads(session: Session) -> list[dict[str, Any]]:
    """The payloads of the jobs still queued or running (their files are in use)."""
    rows = session.scalars(select(JobRow.payload).where(JobRow.state.in_([QUEUED, RUNNING])))
    return [json.loads(p or "{}") for p in rows]


def counts(session: Session) -> dict[str, int]:
    """How many jobs the store holds, by state."""
    found = dict.fromkeys((QUEUED, RUNNING, DONE, FAILED), 0)
    for state, number in session.execute(select(JobRow.state, func.count()).group_by(JobRow.state)):
        found[str(state)] = int(number)
    return found
