"""Second factors: TOTP (RFC 6238) with single-use recovery codes.

Required of the people who hold the platform's widest powers — the admins of the
platform operator and of the provincial and city departments (:func:`mfa_required`) —
and open to everyone else. Enrolment: :func:`begin_enrolment` makes a seed and its
``otpauth://`` URI (shown as a QR code), :func:`confirm_enrolment` checks a first code
and returns :data:`RECOVERY_CODES` recovery codes, shown once and stored as argon2id
hashes. At sign-in :func:`verify` accepts a current code (each once: the last used time
step is kept) or an unused recovery code.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tanji.db.models import AuthMfaRow, AuthRecoveryCodeRow, OrgMemberRow, UserRow
from tanji.domain.accounts import Actor, OrgKind, Role
from tanji.domain.totp import matching_step, new_secret, otpauth_uri
from tanji.services import logins
from tanji.services.audit import audit
from tanji.services.auth.tokens import now
from tanji.services.errors import ConflictError, NotFoundError, invalid_field
from tanji.services.permissions import require_own_org

__all__ = [
    "ISSUER",
    "MFA_KINDS",
    "RECOVERY_CODES",
    "Enrolment",
    "begin_enrolment",
    "confirm_enrolment",
    "enrolled",
    "mfa_required",
    "remove",
    "verify",
]

ISSUER = "碳迹 Tanji"
RECOVERY_CODES = 10
#: Organisation kinds whose admins must use a second factor.
MFA_KINDS = frozenset(
    {OrgKind.PLATFORM_ADMIN, OrgKind.DEPARTMENT_PROVINCE, OrgKind.DEPARTMENT_CITY}
)
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


@dataclass(frozen=True)
class Enrolment:
    """A seed waiting for its first code: show ``uri`` as a QR code, and ``secret`` for
    typing in."""

    secret: str
    uri: str


def mfa_required(actor: Actor) -> bool:
    """Whether this actor must sign in with a second factor."""
    return actor.role is Role.ADMIN and actor.org_kind in MFA_KINDS


def enrolled(session: Session, user_id: int) -> bool:
    row = session.get(AuthMfaRow, user_id)
    return row is not None and row.confirmed


def begin_enrolment(session: Session, actor: Actor) -> Enrolment:
    """The actor's seed waiting for its first code (made on first call, the same on
    later calls until confirmed). One already confirmed stays until removed
    (:func:`remove`)."""
    user = session.get(UserRow, actor.user_id)
    if user is None:
        raise NotFoundError(f"No user {actor.user_id}.")
    row = session.get(AuthMfaRow, actor.user_id)
    if row is not None and row.confirmed:
        raise ConflictError("A second factor is already set up; remove it first.")
    if row is None:
        secret = new_secret()
        session.add(AuthMfaRow(user_id=user.id, secret=secret, confirmed=False, last_step=0))
        session.flush()
    else:
        secret = row.secret  # the seed already shown (a reload must not invalidate a scan)
    return Enrolment(secret, otpauth_uri(secret, user.email, ISSUER))


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def confirm_enrolment(
    session: Session, actor: Actor, code: str, *, unix_time: float | None = None
) -> list[str]:
    """Check the first code from the app; on success the factor is on and the recovery
    codes are returned (show them once). A wrong code names ``code``."""
    row = session.get(AuthMfaRow, actor.user_id)
    if row is None or row.confirmed:
        raise ConflictError("Start the set-up again: there is no second factor waiting.")
    moment = time.time() if unix_time is None else unix_time
    step = matching_step(row.secret, code, moment)
    if step is None:
        raise invalid_field("code", "The code is not correct; type the 6 digits the app shows.")
    row.confirmed = True
    row.last_step = step
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.execute(delete(AuthRecoveryCodeRow).where(AuthRecoveryCodeRow.user_id == row.user_id))
    for recovery in codes:
        session.add(
            AuthRecoveryCodeRow(
                user_id=row.user_id, code_hash=logins.PASSWORD_HASHER.hash(recovery)
            )
        )
    session.flush()
    audit(session, actor, "mfa.enrol", "user", row.user_id)
    return codes


def verify(
    session: Session,
    user_id: int,
    code: str,
    *,
    unix_time: float | None = None,
    ip: str | None = None,
) -> bool:
    """Whether ``code`` is the person's current TOTP code (not used before) or one of
    their unused recovery codes (then used up)."""
    row = session.get(AuthMfaRow, user_id)
    if row is None or not row.confirmed:
        return False
    moment = time.time() if unix_time is None else unix_time
    step = matching_step(row.secret, code, moment, after_step=row.last_step)
    if step is not None:
        row.last_step = step
        session.flush()
        return True
    typed = code.strip().lower()
    if len(typed) != 11 or typed[5] != "-":
        return False
    for recovery in session.scalars(
        select(AuthRecoveryCodeRow).where(
            AuthRecoveryCodeRow.user_id == user_id, AuthRecoveryCodeRow.used_at.is_(None)
        )
    ):
        try:
            logins.PASSWORD_HASHER.verify(recovery.code_hash, typed)
        except (VerificationError, InvalidHashError):
            continue
        recovery.used_at = now()
        session.flush()
        audit(session, None, "mfa.recovery-use", "user", user_id, ip=ip)
        return True
    return False


def remove(session: Session, actor: Actor, org_id: int, user_id: int) -> None:
    """Remove a person's second factor: themselves, or an admin of an organisation they
    belong to (after the person lost the device and the recovery codes). They enrol
    again at their next sign-in where it is required."""
    if user_id != actor.user_id:
        require_own_org(actor, org_id, "member.manage")
        member = session.scalar(
            select(OrgMemberRow.id).where(
                OrgMemberRow.org_id == org_id, OrgMemberRow.user_id == user_id
            )
        )
        if member is None:
            raise NotFoundError(f"User {user_id} is not a member of organisation {org_id}.")
    session.execute(delete(AuthRecoveryCodeRow).where(AuthRecoveryCodeRow.user_id == user_id))
    deleted = session.execute(delete(AuthMfaRow).where(AuthMfaRow.user_id == user_id))
    if getattr(deleted, "rowcount", 0):
        audit(session, actor, "mfa.remove", "user", user_id)


def remove_by_operator(session: Session, user_id: int) -> None:
    """Remove a person's second factor on the server's command line (no actor)."""
    session.execute(delete(AuthRecoveryCodeRow).where(AuthRecoveryCodeRow.user_id == user_id))
    deleted = session.execute(delete(AuthMfaRow).where(AuthMfaRow.user_id == user_id))
    if getattr(deleted, "rowcount", 0):
        audit(session, None, "mfa.remove", "user", user_id, None, {"by": "operator"})
