"""Signing in and API tokens: who a request stands for.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile);
:func:`authenticate` checks one and returns the :class:`~tanji.domain.accounts.Actor`.
A wrong password is written to the audit log (``login.failed``), which is why the
caller of :func:`authenticate` commits even when it raises. There is no account lockout:
a lock that anyone can trigger by typing wrong passwords locks the owner out (issue
19); repeated failures are slowed down per source instead
(:mod:`tanji.services.auth.throttle`, applied by the web layer).

API tokens are random (``tj_`` + 32 bytes, URL-safe) and stored as SHA-256 only — a fast
hash is enough for 256 random bits and lets a token be found by its hash. A token's
actor is its maker's *current* role, limited to the token's scopes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import ApiTokenRow, OrganisationRow, OrgMemberRow, UserRow
from tanji.domain.accounts import ACTIONS, Actor, OrgKind, OrgStatus, Role
from tanji.services.audit import audit
from tanji.services.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    invalid_field,
)
from tanji.services.permissions import require, require_own_org

__all__ = [
    "Account",
    "AccountInactiveError",
    "Login",
    "TokenInfo",
    "account_of",
    "actor_for_login",
    "actor_for_token",
    "actor_of",
    "authenticate",
    "create_token",
    "login_of",
    "note_token_use",
    "revoke_token",
    "token_login",
    "tokens",
    "user_by_email",
]

#: The password hasher. Design note: a module constant rather than a setting because it
#: holds only parameters (no connection, no state); tests replace it with cheap
#: parameters. When its parameters change, :func:`authenticate` rehashes on next login.
PASSWORD_HASHER = PasswordHasher()

LOGIN_FAILED = "The email or password is not correct."
TOKEN_FAILED = "The API token is not valid (unknown, revoked, or its account is inactive)."
TOKEN_PREFIX = "tj_"


def user_by_email(session: Session, email: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.email == email))


def actor_of(session: Session, user: UserRow, org_id: int | None) -> Actor | None:
    """The user's actor in ``org_id`` (or their first organisation), if it may act."""
    query = (
        select(OrgMemberRow, OrganisationRow)
        .join(OrganisationRow, OrganisationRow.id == OrgMemberRow.org_id)
        .where(OrgMemberRow.user_id == user.id)
        .order_by(OrgMemberRow.id)
    )
    if org_id is not None:
        query = query.where(OrgMemberRow.org_id == org_id)
    found = session.execute(query).first()
    if found is None:
        return None
    member, org = found
    if org.status != OrgStatus.ACTIVE.value:
        return None
    return Actor(user.id, org.id, OrgKind(org.kind), Role(member.role))


def actor_for_login(session: Session, user_id: int, org_id: int) -> Actor | None:
    """The actor a signed-in browser session stands for, re-read on every request so a
    deactivated account, a changed role or a suspended organisation takes effect at
    once; ``None`` when the person may no longer act."""
    found = login_of(session, user_id, org_id)
    return found.actor if found is not None else None


@dataclass(frozen=True)
class Account:
    """What the page header shows about who is signed in."""

    display_name: str
    email: str
    org_name: str
    org_name_en: str


@dataclass(frozen=True)
class Login:
    """Who a request acts as (:class:`Actor`) and what the page header shows of them.

    ``token_use``: the id of the API token it came with when that token's
    ``last_used_at`` is due to be written (:func:`note_token_use`), else ``None``."""

    actor: Actor
    account: Account
    token_use: int | None = None


#: The columns of a person acting in an organisation (users ⋈ members ⋈ organisations).
_PERSON = (
    UserRow.id,
    UserRow.active,
    UserRow.display_name,
    UserRow.email,
    OrgMemberRow.role,
    OrganisationRow.id,
    OrganisationRow.kind,
    OrganisationRow.status,
    OrganisationRow.name,
    OrganisationRow.name_en,
)


def _login(person: Any, scopes: frozenset[str] | None = None) -> Login | None:
    """The login of a :data:`_PERSON` row, or ``None`` when it may not act (an inactive
    account, an organisation that is not active)."""
    user_id, active, display_name, email, role, org_id, kind, status, name, name_en = person
    if not active or status != OrgStatus.ACTIVE.value:
        return None
    return Login(
        Actor(user_id, org_id, OrgKind(kind), Role(role), scopes),
        Account(display_name, email, name, name_en),
    )


def login_of(session: Session, user_id: int, org_id: int) -> Login | None:
    """:func:`actor_for_login` with the :class:`Account` too, read in one query."""
    query = (
        select(*_PERSON)
        .join(OrgMemberRow, OrgMemberRow.user_id == UserRow.id)
        .join(OrganisationRow, OrganisationRow.id == OrgMemberRow.org_id)
        .where(UserRow.id == user_id, OrgMemberRow.org_id == org_id)
        .order_by(OrgMemberRow.id)
        .limit(1)
    )
    found = session.execute(query).first()
    return _login(found) if found is not None else None


def account_of(session: Session, actor: Actor) -> Account:
    user = session.get(UserRow, actor.user_id)
    org = session.get(OrganisationRow, actor.org_id)
    if user is None or org is None:
        raise NotFoundError(f"No account {actor.user_id} in organisation {actor.org_id}.")
    return Account(user.display_name, user.email, org.name, org.name_en)


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    org_id: int | None = None,
    ip: str | None = None,
) -> Actor:
    """Check a login; returns the person acting for ``org_id`` (default: the first
    organisation they joined).

    Raises :class:`AuthenticationError` with one message whatever failed (except for a
    right password on an account that cannot act). An unknown email
    costs one hash too, so timing does not tell which addresses have accounts. A hash
    made with older parameters is replaced by one with the current parameters.

    A wrong password on a known account is written to the audit log (``login.failed``,
    no secret): the caller should commit even when this raises.
    """
    user = user_by_email(session, email.strip().lower())
    if user is None:
        PASSWORD_HASHER.hash(password)  # the same work as a verification
        raise AuthenticationError(LOGIN_FAILED)
    try:
        PASSWORD_HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        audit(session, None, "login.failed", "user", user.id, ip=ip)
        raise AuthenticationError(LOGIN_FAILED) from None
    actor = actor_of(session, user, org_id) if user.active else None
    if actor is None:
        raise AccountInactiveError(
            "This account cannot act now (deactivated, or its organisation is suspended); "
            "ask your organisation's admin or the platform operator."
        )
    if PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = PASSWORD_HASHER.hash(password)
    user.last_login_at = utcnow()
    session.flush()
    return actor


class AccountInactiveError(AuthenticationError):
    """The password was right, but the account or its organisation may not act."""


# --- API tokens ------------------------------------------------------------------------


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session, actor: Actor, name: str, scopes: Iterable[str]
) -> tuple[int, str]:
    """A new API token for ``actor`` limited to ``scopes`` (each an action the actor may
    do). Returns ``(token id, secret)``: show the secret once; only its hash is kept."""
    require(actor, "token.manage")
    wanted = sorted(set(scopes))
    if not wanted:
        raise invalid_field("scopes", "A token needs at least one scope.")
    unknown = [scope for scope in wanted if scope not in ACTIONS]
    if unknown:
        raise invalid_field("scopes", f"Unknown scopes {unknown}; the actions are {list(ACTIONS)}.")
    refused = [scope for scope in wanted if not actor.can(scope)]
    if refused:
        raise PermissionDeniedError(f"A token cannot do what its maker may not: {refused}.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiTokenRow(
        org_id=actor.org_id,
        user_id=actor.user_id,
        name=name.strip() or "token",
        token_hash=_token_hash(secret),
        prefix=secret[:8],
        scopes=" ".join(wanted),
    )
    session.add(row)
    session.flush()
    snapshot = {"name": row.name, "prefix": row.prefix, "scopes": row.scopes}
    audit(session, actor, "token.create", "token", row.id, None, snapshot)
    return row.id, secret


#: How precisely a token's ``last_used_at`` is kept (see :func:`actor_for_token`).
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def actor_for_token(session: Session, secret: str) -> Actor:
    """The actor an API token stands for: its maker's current role in the token's
    organisation, limited to the token's scopes. Refuses revoked tokens, deactivated
    accounts, former members and organisations that are not active."""
    return token_login(session, secret).actor


#: A token's login in one query (built once: SQLAlchemy then reuses its compiled form
#: and cache key on every request).
_TOKEN_LOGIN = (
    select(*_PERSON, ApiTokenRow.id, ApiTokenRow.scopes, ApiTokenRow.last_used_at)
    .select_from(ApiTokenRow)
    .join(UserRow, UserRow.id == ApiTokenRow.user_id)
    .join(
        OrgMemberRow,
        (OrgMemberRow.user_id == ApiTokenRow.user_id) & (OrgMemberRow.org_id == ApiTokenRow.org_id),
    )
    .join(OrganisationRow, OrganisationRow.id == ApiTokenRow.org_id)
    .where(ApiTokenRow.token_hash == bindparam("token_hash"), ApiTokenRow.revoked_at.is_(None))
    .order_by(OrgMemberRow.id)
    .limit(1)
)


def token_login(session: Session | Connection, secret: str) -> Login:
    """:func:`actor_for_token` with the :class:`Account` too: the token, its maker and
    their membership are read in one query (a token's request pays one round trip to
    the store, not five). Only reads: a connection of
    :func:`~tanji.db.session.autocommit_reads` will do."""
    if not secret.startswith(TOKEN_PREFIX):
        raise AuthenticationError(TOKEN_FAILED)
    found = session.execute(_TOKEN_LOGIN, {"token_hash": _token_hash(secret)}).first()
    login = _login(found[:-3], frozenset(found[-2].split())) if found is not None else None
    if found is None or login is None:
        raise AuthenticationError(TOKEN_FAILED)
    token_id, last = int(found[-3]), cast("datetime | None", found[-1])
    now = utcnow()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)  # SQLite gives back naive UTC
    if last is None or now - last >= TOKEN_USE_RESOLUTION:
        return replace(login, token_use=token_id)
    return login


def note_token_use(session: Session, token_id: int) -> bool:
    """Write that token ``token_id`` was just used, unless that was written less than
    :data:`TOKEN_USE_RESOLUTION` ago (by another request or worker process). Whether
    it was written.

    Design note: the caller runs this in a transaction of its own, after the answer —
    never inside the request's transaction. There the row lock would be held until the
    request ends, and every other request of the token arriving in that moment would
    wait for it holding a thread of the pool (at 50 concurrent clients the pool ran dry
    and the process stalled); SQLite's write lock would likewise queue the token's reads
    behind any import."""
    now = utcnow()
    stale = ApiTokenRow.last_used_at.is_(None) | (
        ApiTokenRow.last_used_at <= now - TOKEN_USE_RESOLUTION
    )
    done = session.execute(
        update(ApiTokenRow).where(ApiTokenRow.id == token_id, stale).values(last_used_at=now)
    )
    return bool(getattr(done, "rowcount", 0))


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    user_id: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def tokens(session: Session, actor: Actor) -> list[TokenInfo]:
    """The organisation's tokens (its admins) or the actor's own (everyone else)."""
    require(actor, "token.manage")
    query = select(ApiTokenRow).where(ApiTokenRow.org_id == actor.org_id)
    if not actor.can("member.manage"):
        query = query.where(ApiTokenRow.user_id == actor.user_id)
    return [
        TokenInfo(
            row.id,
            row.name,
            row.prefix,
            tuple(row.scopes.split()),
            row.user_id,
            row.created_at,
            row.last_used_at,
            row.revoked_at,
        )
        for row in session.scalars(query.order_by(ApiTokenRow.id))
    ]


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    """Revoke a token: its maker may, and so may their organisation's admins (and the
    platform operator's). Revoking a revoked token changes nothing."""
    row = session.get(ApiTokenRow, token_id)
    if row is None:
        raise NotFoundError(f"No API token {token_id}.")
    if row.user_id == actor.user_id and row.org_id == actor.org_id:
        require(actor, "token.manage")
    else:
        require_own_org(actor, row.org_id, "member.manage")
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.flush()
    audit(session, actor, "token.revoke", "token", row.id, {"revoked": False}, {"revoked": True})
