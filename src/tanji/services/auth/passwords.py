"""Changing and resetting passwords.

- :func:`change_password`: the signed-in person gives the current password and a new
  one; every other session of theirs ends (ASVS 3.3.3).
- A reset goes through a single-use link that expires after :data:`RESET_LIFETIME`:
  :func:`request_reset` makes one for an address *if* it has an active account and
  returns the message to mail — the caller answers the same either way and sends the
  message after answering, so neither the words nor the timing tell which addresses
  have accounts. Where no mail server is configured, an organisation's admin makes the
  link (:func:`issue_reset_link`) and hands it over. :func:`reset_password` uses it:
  the new password is set, the link and every other reset link of the person stop
  working, and all their sessions end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tanji.db.models import AuthOneTimeTokenRow, OrgMemberRow, UserRow
from tanji.domain.accounts import Actor, password_problems
from tanji.services import logins
from tanji.services.audit import audit
from tanji.services.auth import sessions
from tanji.services.auth.tokens import aware, digest, new_secret, now
from tanji.services.errors import AuthenticationError, NotFoundError, invalid_field
from tanji.services.permissions import require_own_org

__all__ = [
    "RESET_LIFETIME",
    "ResetLink",
    "change_password",
    "check_reset",
    "issue_reset_link",
    "operator_reset_link",
    "request_reset",
    "reset_password",
]

#: How long a reset link works (ASVS 2.5.x: short-lived, single-use).
RESET_LIFETIME = timedelta(hours=1)
#: For an admin-issued link: the person may not read it at once.
ADMIN_RESET_LIFETIME = timedelta(hours=24)
RESET_INVALID = "This password-reset link is not valid: it is unknown, used or expired."
RESET = "reset"


@dataclass(frozen=True)
class ResetLink:
    """A reset secret made for a person: put it in a link and send or hand it over."""

    user_id: int
    email: str
    display_name: str
    secret: str


def _check_new(password: str, field_name: str = "new_password") -> None:
    problems = password_problems(password)
    if problems:
        raise invalid_field(field_name, " ".join(problems))


def _set_password(session: Session, user: UserRow, password: str) -> None:
    user.password_hash = logins.PASSWORD_HASHER.hash(password)
    session.execute(
        update(AuthOneTimeTokenRow)
        .where(AuthOneTimeTokenRow.user_id == user.id, AuthOneTimeTokenRow.used_at.is_(None))
        .values(used_at=now()),
        execution_options={"synchronize_session": False},
    )


def change_password(
    session: Session,
    actor: Actor,
    current: str,
    new: str,
    *,
    keep_session: int | None = None,
    ip: str | None = None,
) -> int:
    """Change the actor's password; ends their other sessions (``keep_session`` stays).
    Returns how many sessions ended. Errors name ``current_password`` or
    ``new_password``."""
    user = session.get(UserRow, actor.user_id)
    if user is None:
        raise NotFoundError(f"No user {actor.user_id}.")
    try:
        logins.PASSWORD_HASHER.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise invalid_field("current_password", "The current password is not correct.") from None
    _check_new(new)
    if new == current:
        raise invalid_field("new_password", "The new password is the same as the current one.")
    _set_password(session, user, new)
    ended = sessions.end_all(session, user.id, reason="password-changed", keep=keep_session)
    audit(
        session, actor, "password.change", "user", user.id, None, {"sessions_ended": ended}, ip=ip
    )
    return ended


def _new_link(
    session: Session, user: UserRow, lifetime: timedelta, issued_by: int | None
) -> ResetLink:
    secret = new_secret()
    session.add(
        AuthOneTimeTokenRow(
            purpose=RESET,
            token_hash=digest(secret),
            user_id=user.id,
            issued_by=issued_by,
            created_at=now(),
            expires_at=now() + lifetime,
        )
    )
    session.flush()
    return ResetLink(user.id, user.email, user.display_name, secret)


def request_reset(session: Session, email: str, *, ip: str | None = None) -> ResetLink | None:
    """A reset link for ``email`` if it names an active account, else ``None``. The
    caller must answer the same in both cases (and mail the link after answering)."""
    user = logins.user_by_email(session, email.strip().lower())
    if user is None or not user.active:
        return None
    link = _new_link(session, user, RESET_LIFETIME, None)
    audit(session, None, "password.reset-request", "user", user.id, ip=ip)
    return link


def issue_reset_link(session: Session, actor: Actor, org_id: int, user_id: int) -> ResetLink:
    """An admin of ``org_id`` (or the platform operator) makes a reset link for one of
    its members, to hand over where no mail server is configured."""
    require_own_org(actor, org_id, "member.manage")
    member = session.scalar(
        select(OrgMemberRow).where(OrgMemberRow.org_id == org_id, OrgMemberRow.user_id == user_id)
    )
    user = session.get(UserRow, user_id) if member is not None else None
    if user is None:
        raise NotFoundError(f"User {user_id} is not a member of organisation {org_id}.")
    link = _new_link(session, user, ADMIN_RESET_LIFETIME, actor.user_id)
    audit(session, actor, "password.reset-issue", "user", user.id)
    return link


def operator_reset_link(session: Session, email: str) -> ResetLink:
    """A 24-hour reset link made by whoever runs the server (``tanji accounts
    reset-link``): the way back in for the last admin where no mail is configured."""
    user = logins.user_by_email(session, email.strip().lower())
    if user is None:
        raise NotFoundError(f"No account {email!r}.")
    link = _new_link(session, user, ADMIN_RESET_LIFETIME, None)
    audit(session, None, "password.reset-issue", "user", user.id, None, {"by": "operator"})
    return link


def _usable(session: Session, secret: str) -> AuthOneTimeTokenRow:
    row = session.scalar(
        select(AuthOneTimeTokenRow).where(AuthOneTimeTokenRow.token_hash == digest(secret))
    )
    if (
        row is None
        or row.purpose != RESET
        or row.used_at is not None
        or aware(row.expires_at) <= now()
    ):
        raise AuthenticationError(RESET_INVALID)
    return row


def check_reset(session: Session, secret: str) -> None:
    """Raise :class:`AuthenticationError` unless the link can still be used."""
    _usable(session, secret)


def reset_password(session: Session, secret: str, new: str, *, ip: str | None = None) -> int:
    """Set a new password through a reset link; returns the user id. The link is used
    up, other reset links of the person stop working, and all their sessions end."""
    row = _usable(session, secret)
    _check_new(new)
    user = session.get(UserRow, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError(RESET_INVALID)
    _set_password(session, user, new)
    row.used_at = now()
    ended = sessions.end_all(session, user.id, reason="password-reset")
    audit(session, None, "password.reset", "user", user.id, None, {"sessions_ended": ended}, ip=ip)
    return user.id
