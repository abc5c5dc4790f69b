"""Tables of authentication: server-side browser sessions, single-use tokens (password
resets), invitations to join an organisation, and TOTP second factors with their
recovery codes.

Imported by :mod:`tanji.db.models`, which re-exports the rows, so the metadata Alembic
compares holds them. Every secret a browser or an e-mail carries (session key, reset
token, invitation token, recovery code) is stored as its SHA-256 only: the secrets are
256-bit random values (recovery codes: argon2id, as they are short), so a stolen copy of
the store cannot be replayed. The TOTP seed must be kept in the clear to compute codes;
docs/security.md says so.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tanji.db.base import Base, utcnow

__all__ = [
    "AuthInvitationRow",
    "AuthMfaRow",
    "AuthOneTimeTokenRow",
    "AuthRecoveryCodeRow",
    "AuthSessionRow",
]


class AuthSessionRow(Base):
    """One signed-in browser: the cookie carries a random key whose hash is ``key_hash``.

    The session ends at ``expires_at`` (absolute), after ``idle`` without a request, or
    when ``ended_at`` is set (sign-out, password change, ended from the sessions page, an
    admin); an ended row is kept for the sessions page and the audit trail.
    ``mfa_pending``: the password was right but the second factor is still to come (or
    an administrator must enrol one first); such a session may do nothing else.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    org_id: Mapped[int] = mapped_column(Integer)
    csrf: Mapped[str] = mapped_column(String(64))
    mfa_pending: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_reason: Mapped[str] = mapped_column(String(20), default="")
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class AuthOneTimeTokenRow(Base):
    """A single-use, expiring token sent by e-mail or handed out by an admin
    (``purpose``: ``reset`` — choose a new password)."""

    __tablename__ = "auth_one_time_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issued_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuthInvitationRow(Base):
    """An organisation's admin invites an address with a role; the person who holds the
    address accepts (signing in, or making an account) — nobody is added unasked."""

    __tablename__ = "auth_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_user_id: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuthMfaRow(Base):
    """A person's TOTP second factor (RFC 6238): the base32 seed, whether enrolment was
    confirmed with a code, and the last time step used (a code is accepted once)."""

    __tablename__ = "auth_mfa"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(Text)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_step: Mapped[int] = mapped_column(Integer, default=0)


class AuthRecoveryCodeRow(Base):
    """A single-use recovery code for when the authenticator is lost (argon2id hash)."""

    __tablename__ = "auth_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(Text)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
