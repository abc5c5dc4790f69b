"""Server-side browser sessions: the cookie carries a random key, the store the session.

A session is a row (:class:`~tanji.db.models.AuthSessionRow`) found by the SHA-256 of
the key the browser sends; so ending it — signing out, changing the password, ending it
from the sessions page — takes effect at once, and a copied cookie stops working.
Lifetimes (OWASP ASVS 4.0 §3.3.2, level 2): :data:`ABSOLUTE_LIFETIME` from sign-in,
:data:`IDLE_LIFETIME` without a request.

Sign-ins and sign-outs are written to the audit log (``login.success``, ``logout``,
``session.end``). A session whose person still owes a second factor
(``mfa_pending``) authorises nothing but that step (:mod:`tanji.services.auth.mfa`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tanji.db.models import AuthSessionRow
from tanji.domain.accounts import Actor
from tanji.services.audit import audit
from tanji.services.auth.tokens import aware, digest, new_secret, now
from tanji.services.errors import NotFoundError

__all__ = [
    "ABSOLUTE_LIFETIME",
    "IDLE_LIFETIME",
    "SessionInfo",
    "WebSession",
    "end_all",
    "end_own",
    "finish_mfa",
    "lookup",
    "own_sessions",
    "sign_out",
    "start",
    "touch",
]

#: A working day: a session ends 8 hours after sign-in, whatever the activity.
ABSOLUTE_LIFETIME = timedelta(hours=8)
#: ... or after 30 minutes without a request (ASVS 3.3.2 level 2).
IDLE_LIFETIME = timedelta(minutes=30)
#: How precisely ``last_seen_at`` is kept: a write per minute at most, not per request.
TOUCH_RESOLUTION = timedelta(minutes=1)
MFA_CODE, MFA_ENROL = "code", "enrol"


@dataclass(frozen=True)
class WebSession:
    """A live session as a request sees it."""

    id: int
    user_id: int
    org_id: int
    csrf: str
    mfa_pending: str
    #: Its ``last_seen_at`` is due to be written: the caller does, after the answer and
    #: in a transaction of its own (:func:`touch`).
    touch_due: bool = False


@dataclass(frozen=True)
class SessionInfo:
    """A session as its owner sees it on the sessions page."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    user_agent: str
    current: bool


def _web(row: AuthSessionRow) -> WebSession:
    return WebSession(row.id, row.user_id, row.org_id, row.csrf, row.mfa_pending)


def start(
    session: Session,
    actor: Actor,
    *,
    ip: str | None = None,
    user_agent: str = "",
    mfa_pending: str = "",
) -> tuple[str, WebSession]:
    """A new session for ``actor``; returns ``(key for the cookie, session)``. Only the
    key's hash is stored. Without a pending second factor, the sign-in is audited."""
    key = new_secret()
    moment = now()
    row = AuthSessionRow(
        key_hash=digest(key),
        user_id=actor.user_id,
        org_id=actor.org_id,
        csrf=new_secret(),
        mfa_pending=mfa_pending,
        created_at=moment,
        last_seen_at=moment,
        expires_at=moment + ABSOLUTE_LIFETIME,
        ip=ip,
        user_agent=user_agent[:300],
    )
    session.add(row)
    session.flush()
    if not mfa_pending:
        audit(session, actor, "login.success", "session", row.id, ip=ip)
    return key, _web(row)


def lookup(session: Session, key: str) -> WebSession | None:
    """The live session of a cookie's key, or ``None`` (unknown, ended, expired, idle)."""
    row = session.scalar(select(AuthSessionRow).where(AuthSessionRow.key_hash == digest(key)))
    if row is None or row.ended_at is not None:
        return None
    moment = now()
    if aware(row.expires_at) <= moment or moment - aware(row.last_seen_at) > IDLE_LIFETIME:
        return None
    due = moment - aware(row.last_seen_at) >= TOUCH_RESOLUTION
    return replace(_web(row), touch_due=due) if due else _web(row)


def touch(session: Session, session_id: int) -> bool:
    """Write that session ``session_id`` was just seen, unless that was written less than
    :data:`TOUCH_RESOLUTION` ago (by another request or worker process); whether it was.

    Design note: run in a transaction of its own after the answer, not in the request's:
    there its row lock (SQLite: the store's write lock) would be held for the whole
    request, and the session's other requests of that moment would queue behind it."""
    moment = now()
    stale = AuthSessionRow.last_seen_at <= moment - TOUCH_RESOLUTION
    done = session.execute(
        update(AuthSessionRow)
        .where(AuthSessionRow.id == session_id, AuthSessionRow.ended_at.is_(None), stale)
        .values(last_seen_at=moment)
    )
    return bool(getattr(done, "rowcount", 0))


def finish_mfa(session: Session, actor: Actor, session_id: int, *, ip: str | None = None) -> None:
    """The second factor was given (or enrolled): the session may act; the sign-in is
    audited now."""
    row = session.get(AuthSessionRow, session_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFoundError(f"No session {session_id}.")
    row.mfa_pending = ""
    session.flush()
    audit(session, actor, "login.success", "session", row.id, {"mfa": True}, ip=ip)


def _end(row: AuthSessionRow, reason: str) -> None:
    row.ended_at = now()
    row.ended_reason = reason


def sign_out(
    session: Session, session_id: int, *, actor: Actor | None, ip: str | None = None
) -> None:
    """End the session the request came with (``logout`` in the audit log)."""
    row = session.get(AuthSessionRow, session_id)
    if row is None or row.ended_at is not None:
        return
    _end(row, "signed-out")
    session.flush()
    audit(session, actor, "logout", "session", row.id, ip=ip)


def end_own(session: Session, actor: Actor, session_id: int, *, ip: str | None = None) -> None:
    """End one of one's own sessions (another browser, a lost laptop). Someone else's
    session answers as unknown."""
    row = session.get(AuthSessionRow, session_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFoundError(f"No session {session_id}.")
    if row.ended_at is not None:
        return
    _end(row, "ended")
    session.flush()
    audit(session, actor, "session.end", "session", row.id, ip=ip)


def end_all(session: Session, user_id: int, *, reason: str, keep: int | None = None) -> int:
    """End every live session of ``user_id`` but ``keep``; returns how many ended."""
    session.flush()  # pending changes first: the loaded rows are expired below
    query = (
        update(AuthSessionRow)
        .where(AuthSessionRow.user_id == user_id, AuthSessionRow.ended_at.is_(None))
        .values(ended_at=now(), ended_reason=reason)
    )
    if keep is not None:
        query = query.where(AuthSessionRow.id != keep)
    ended = session.execute(query, execution_options={"synchronize_session": False})
    session.expire_all()
    return int(getattr(ended, "rowcount", 0) or 0)


def own_sessions(session: Session, actor: Actor, current: int | None) -> list[SessionInfo]:
    """The actor's live sessions, the newest first; ``current`` marks this browser's."""
    moment = now()
    rows = session.scalars(
        select(AuthSessionRow)
        .where(AuthSessionRow.user_id == actor.user_id, AuthSessionRow.ended_at.is_(None))
        .order_by(AuthSessionRow.id.desc())
    )
    return [
        SessionInfo(
            row.id,
            row.created_at,
            row.last_seen_at,
            row.expires_at,
            row.ip,
            row.user_agent,
            row.id == current,
        )
        for row in rows
        if aware(row.expires_at) > moment and moment - aware(row.last_seen_at) <= IDLE_LIFETIME
    ]
