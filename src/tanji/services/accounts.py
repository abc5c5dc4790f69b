"""Accounts: organisations, people and their roles, logins, API tokens, the audit log.

One function per intention; each takes the session and, where someone acts, the
:class:`~tanji.domain.accounts.Actor`, checks the permission table
(:func:`tanji.domain.accounts.allowed`) and the tenant, changes rows and writes an
:func:`audit` entry. The caller owns the transaction.

Tenant isolation: :func:`visible_org_ids` says whose records an actor may see; the web
layer filters every query with it. A certification body sees another organisation's
products only through an *assignment* (the verification workflow, not built yet), so it
is not in the set here.

Secrets: passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile);
API tokens are random (``tj_`` + 32 bytes, URL-safe) and stored as SHA-256 only — a fast
hash is enough for 256 random bits and lets a token be found by its hash.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import ApiTokenRow, AuditRow, OrganisationRow, OrgMemberRow, UserRow
from tanji.domain.accounts import (
    ACTIONS,
    Actor,
    OrgKind,
    OrgStatus,
    Role,
    password_problems,
    unified_social_credit_code_valid,
)
from tanji.services.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "Account",
    "Actor",
    "AuditEntry",
    "TokenInfo",
    "account_of",
    "actor_for_login",
    "actor_for_token",
    "add_member",
    "audit",
    "audit_log",
    "authenticate",
    "change_role",
    "create_token",
    "demo_accounts",
    "ensure_platform_admin",
    "register_enterprise",
    "register_organisation",
    "require",
    "revoke_token",
    "set_org_status",
    "tokens",
    "visible_org_ids",
]

#: The password hasher. Design note: a module constant rather than a setting because it
#: holds only parameters (no connection, no state); tests replace it with cheap
#: parameters. When its parameters change, :func:`authenticate` rehashes on next login.
PASSWORD_HASHER = PasswordHasher()

LOGIN_FAILED = "The email or password is not correct."
TOKEN_FAILED = "The API token is not valid (unknown, revoked, or its account is inactive)."
TOKEN_PREFIX = "tj_"


# --- Checks ----------------------------------------------------------------------------


def require(actor: Actor, action: str) -> None:
    """Raise :class:`PermissionDeniedError` unless ``actor`` may do ``action``."""
    if not actor.can(action):
        raise PermissionDeniedError(
            f"A {actor.role} of a {actor.org_kind} may not do {action!r}"
            + (" with this token" if actor.scopes is not None else "")
            + "."
        )


def visible_org_ids(actor: Actor) -> set[int] | None:
    """The organisations whose records ``actor`` may see; ``None`` means all of them.

    The platform operator sees all; everyone else sees their own organisation.
    Certification bodies see enterprises' records only through assignments, and
    departments see aggregates (progress by sector and city), both to be added by the
    workflows that need them — never by widening this set.
    """
    if actor.is_platform_admin:
        return None
    return {actor.org_id}


def _require_own_org(actor: Actor, org_id: int, action: str) -> None:
    require(actor, action)
    if org_id != actor.org_id and not actor.is_platform_admin:
        raise PermissionDeniedError(f"{action!r} is allowed in your own organisation only.")


def _email(email: str) -> str:
    normal = email.strip().lower()
    local, at, domain = normal.partition("@")
    if not (local and at and "." in domain) or any(char.isspace() for char in normal):
        raise InvalidInputError(f"{email!r} is not an email address.")
    return normal


def _check_password(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise InvalidInputError(" ".join(problems))


def _uscc(code: str) -> str:
    normal = code.strip().upper()
    if not unified_social_credit_code_valid(normal):
        raise InvalidInputError(
            f"{code!r} is not a valid unified social credit code (统一社会信用代码): expected "
            "18 characters (digits and capital letters other than I, O, S, V, Z) whose last "
            "is the check character of GB 32100-2015. Copy it from the business licence."
        )
    return normal


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInputError(f"{role!r} is not a role; use one of {list(Role)}.") from None


# --- Snapshots for the audit log (never hashes or secrets) -------------------------------


def _org_dict(org: OrganisationRow) -> dict[str, Any]:
    return {
        "kind": org.kind,
        "name": org.name,
        "name_en": org.name_en,
        "uscc": org.uscc,
        "region": org.region,
        "status": org.status,
    }


def _user_dict(user: UserRow) -> dict[str, Any]:
    return {"email": user.email, "display_name": user.display_name, "active": user.active}


def _member_dict(member: OrgMemberRow) -> dict[str, Any]:
    return {"org_id": member.org_id, "user_id": member.user_id, "role": member.role}


def audit(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_kind: str,
    entity_id: int | str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    *,
    ip: str | None = None,
) -> AuditRow:
    """Append one entry to the audit log: ``actor`` (``None`` for the system) did
    ``action`` to the entity, which looked like ``before`` and then like ``after``.

    Every mutating service calls this; snapshots must not hold secrets or hashes.
    """
    row = AuditRow(
        at=utcnow(),
        actor_user_id=actor.user_id if actor else None,
        actor_org_id=actor.org_id if actor else None,
        action=action,
        entity_kind=entity_kind,
        entity_id=str(entity_id),
        before=_json(before),
        after=_json(after),
        ip=ip,
    )
    session.add(row)
    session.flush()
    return row


def _json(snapshot: Mapping[str, Any] | None) -> str | None:
    if snapshot is None:
        return None
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_user_id: int | None
    actor_org_id: int | None
    action: str
    entity_kind: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None


def audit_log(
    session: Session,
    actor: Actor,
    *,
    entity_kind: str | None = None,
    entity_id: int | str | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The newest entries first. An organisation's admins see what its people did and
    what was done to the organisation itself; the platform operator sees everything."""
    require(actor, "audit.read")
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if not actor.is_platform_admin:
        query = query.where(
            or_(
                AuditRow.actor_org_id == actor.org_id,
                (AuditRow.entity_kind == "organisation")
                & (AuditRow.entity_id == str(actor.org_id)),
            )
        )
    if entity_kind is not None:
        query = query.where(AuditRow.entity_kind == entity_kind)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == str(entity_id))
    return [
        AuditEntry(
            id=row.id,
            at=row.at,
            actor_user_id=row.actor_user_id,
            actor_org_id=row.actor_org_id,
            action=row.action,
            entity_kind=row.entity_kind,
            entity_id=row.entity_id,
            before=json.loads(row.before) if row.before else None,
            after=json.loads(row.after) if row.after else None,
            ip=row.ip,
        )
        for row in session.scalars(query)
    ]


# --- Organisations and people -----------------------------------------------------------


def _new_org(
    session: Session, kind: OrgKind, name: str, uscc: str | None, region: str, name_en: str
) -> OrganisationRow:
    if not name.strip():
        raise InvalidInputError("The organisation needs a name.")
    if uscc is not None:
        uscc = _uscc(uscc)
        if session.scalar(select(OrganisationRow.id).where(OrganisationRow.uscc == uscc)):
            raise ConflictError(f"An organisation with the credit code {uscc} is registered.")
    org = OrganisationRow(
        kind=kind.value,
        name=name.strip(),
        name_en=name_en.strip(),
        uscc=uscc,
        region=region,
        status=OrgStatus.ACTIVE.value,
    )
    session.add(org)
    session.flush()
    return org


def _user_by_email(session: Session, email: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.email == email))


def _new_user(session: Session, email: str, password: str, display_name: str) -> UserRow:
    email = _email(email)
    _check_password(password)
    if _user_by_email(session, email) is not None:
        raise ConflictError(f"{email} already has an account; add it as a member instead.")
    user = UserRow(
        email=email,
        display_name=display_name.strip() or email,
        password_hash=PASSWORD_HASHER.hash(password),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def _add_membership(session: Session, org_id: int, user_id: int, role: Role) -> OrgMemberRow:
    member = OrgMemberRow(org_id=org_id, user_id=user_id, role=role.value)
    session.add(member)
    session.flush()
    return member


def register_enterprise(
    session: Session,
    *,
    name: str,
    uscc: str,
    email: str,
    password: str,
    display_name: str,
    region: str = "CN-JS",
    name_en: str = "",
    ip: str | None = None,
) -> Actor:
    """An enterprise registers itself: the organisation (its credit code checked and
    unique) and its first admin. Returns the new admin as an actor, ready to log in."""
    org = _new_org(session, OrgKind.ENTERPRISE, name, uscc, region, name_en)
    user = _new_user(session, email, password, display_name)
    member = _add_membership(session, org.id, user.id, Role.ADMIN)
    actor = Actor(user.id, org.id, OrgKind.ENTERPRISE, Role.ADMIN)
    audit(session, actor, "org.register", "organisation", org.id, None, _org_dict(org), ip=ip)
    audit(session, actor, "member.add", "member", member.id, None, _member_dict(member), ip=ip)
    return actor


def _registration_action(kind: OrgKind) -> str:
    if kind is OrgKind.CERTIFICATION_BODY:
        return "org.register-certifier"
    if kind in (OrgKind.DEPARTMENT_PROVINCE, OrgKind.DEPARTMENT_CITY, OrgKind.PLATFORM_ADMIN):
        return "org.register-department"
    return "org.register"


def register_organisation(
    session: Session,
    actor: Actor,
    kind: OrgKind | str,
    name: str,
    *,
    uscc: str | None = None,
    region: str = "CN-JS",
    name_en: str = "",
    admin_email: str | None = None,
    admin_password: str | None = None,
    admin_display_name: str = "",
) -> int:
    """The platform operator registers an organisation of any kind, optionally with its
    first admin (a new account; give ``admin_password``). Returns the organisation id.

    Certification bodies (``org.register-certifier``) and departments
    (``org.register-department``) can be admitted by the platform operator only.
    """
    kind = OrgKind(kind)
    require(actor, _registration_action(kind))
    org = _new_org(session, kind, name, uscc, region, name_en)
    audit(session, actor, "org.register", "organisation", org.id, None, _org_dict(org))
    if admin_email is not None:
        if admin_password is None:
            raise InvalidInputError("A new admin needs a password.")
        user = _new_user(session, admin_email, admin_password, admin_display_name)
        member = _add_membership(session, org.id, user.id, Role.ADMIN)
        audit(session, actor, "member.add", "member", member.id, None, _member_dict(member))
    return org.id


def set_org_status(
    session: Session, actor: Actor, org_id: int, status: OrgStatus | str, *, reason: str = ""
) -> None:
    """Suspend, blacklist (S4) or reactivate an organisation; its people cannot log in
    or use tokens while it is not active."""
    require(actor, "org.status")
    org = session.get(OrganisationRow, org_id)
    if org is None:
        raise NotFoundError(f"No organisation {org_id}.")
    before = _org_dict(org)
    org.status = OrgStatus(status).value
    session.flush()
    audit(
        session,
        actor,
        "org.status",
        "organisation",
        org.id,
        before,
        _org_dict(org) | {"reason": reason},
    )


def add_member(
    session: Session,
    actor: Actor,
    org_id: int,
    email: str,
    role: Role | str,
    *,
    password: str | None = None,
    display_name: str = "",
) -> int:
    """An organisation's admin adds a person with a role. A new address gets an account
    (``password`` is then required and checked); an existing account keeps its password.
    Returns the user id."""
    _require_own_org(actor, org_id, "member.manage")
    role = _role(role)
    if session.get(OrganisationRow, org_id) is None:
        raise NotFoundError(f"No organisation {org_id}.")
    user = _user_by_email(session, _email(email))
    if user is None:
        if password is None:
            raise InvalidInputError(f"{email} has no account yet: give a first password.")
        user = _new_user(session, email, password, display_name)
        audit(session, actor, "user.create", "user", user.id, None, _user_dict(user))
    elif _membership(session, org_id, user.id) is not None:
        raise ConflictError(f"{user.email} is already a member.")
    member = _add_membership(session, org_id, user.id, role)
    audit(session, actor, "member.add", "member", member.id, None, _member_dict(member))
    return user.id


def _membership(session: Session, org_id: int, user_id: int) -> OrgMemberRow | None:
    return session.scalar(
        select(OrgMemberRow).where(OrgMemberRow.org_id == org_id, OrgMemberRow.user_id == user_id)
    )


def change_role(
    session: Session, actor: Actor, org_id: int, user_id: int, role: Role | str
) -> None:
    """An admin changes a member's role; the last admin of an organisation stays admin."""
    _require_own_org(actor, org_id, "member.manage")
    role = _role(role)
    member = _membership(session, org_id, user_id)
    if member is None:
        raise NotFoundError(f"User {user_id} is not a member of organisation {org_id}.")
    if member.role == Role.ADMIN and role is not Role.ADMIN:
        admins = session.scalars(
            select(OrgMemberRow.id).where(
                OrgMemberRow.org_id == org_id, OrgMemberRow.role == Role.ADMIN.value
            )
        ).all()
        if len(admins) == 1:
            raise ConflictError("This is the organisation's last admin; name another first.")
    before = _member_dict(member)
    member.role = role.value
    session.flush()
    audit(session, actor, "member.role", "member", member.id, before, _member_dict(member))


# --- Logging in ------------------------------------------------------------------------


def _actor_of(session: Session, user: UserRow, org_id: int | None) -> Actor | None:
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
    user = session.get(UserRow, user_id)
    if user is None or not user.active:
        return None
    return _actor_of(session, user, org_id)


@dataclass(frozen=True)
class Account:
    """What the page header shows about who is signed in."""

    display_name: str
    email: str
    org_name: str
    org_name_en: str


def account_of(session: Session, actor: Actor) -> Account:
    user = session.get(UserRow, actor.user_id)
    org = session.get(OrganisationRow, actor.org_id)
    if user is None or org is None:
        raise NotFoundError(f"No account {actor.user_id} in organisation {actor.org_id}.")
    return Account(user.display_name, user.email, org.name, org.name_en)


def authenticate(
    session: Session, email: str, password: str, *, org_id: int | None = None
) -> Actor:
    """Check a login; returns the person acting for ``org_id`` (default: the first
    organisation they joined).

    Raises :class:`AuthenticationError` with one message whatever failed. An unknown
    email costs one hash too, so timing does not tell which addresses have accounts. A
    hash made with older parameters is replaced by one with the current parameters.
    """
    user = _user_by_email(session, email.strip().lower())
    if user is None:
        PASSWORD_HASHER.hash(password)  # the same work as a verification
        raise AuthenticationError(LOGIN_FAILED)
    try:
        PASSWORD_HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthenticationError(LOGIN_FAILED) from None
    actor = _actor_of(session, user, org_id) if user.active else None
    if actor is None:
        raise AuthenticationError(
            "This account cannot act now (deactivated, or its organisation is suspended); "
            "ask your organisation's admin or the platform operator."
        )
    if PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = PASSWORD_HASHER.hash(password)
    user.last_login_at = utcnow()
    session.flush()
    return actor


def ensure_platform_admin(
    session: Session, email: str, password: str, *, display_name: str = "Platform admin"
) -> Actor:
    """Bootstrap: the platform operator's organisation and an admin in it, if missing.

    Idempotent: an existing account keeps its password and gains the admin membership.
    """
    org = session.scalar(
        select(OrganisationRow)
        .where(OrganisationRow.kind == OrgKind.PLATFORM_ADMIN.value)
        .order_by(OrganisationRow.id)
    )
    if org is None:
        org = _new_org(session, OrgKind.PLATFORM_ADMIN, "碳迹平台", None, "CN-JS", "Tanji platform")
        audit(session, None, "org.register", "organisation", org.id, None, _org_dict(org))
    user = _user_by_email(session, _email(email))
    if user is None:
        user = _new_user(session, email, password, display_name)
        audit(session, None, "user.create", "user", user.id, None, _user_dict(user))
    if _membership(session, org.id, user.id) is None:
        member = _add_membership(session, org.id, user.id, Role.ADMIN)
        audit(session, None, "member.add", "member", member.id, None, _member_dict(member))
    return Actor(user.id, org.id, OrgKind.PLATFORM_ADMIN, Role.ADMIN)


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
        raise InvalidInputError("A token needs at least one scope.")
    unknown = [scope for scope in wanted if scope not in ACTIONS]
    if unknown:
        raise InvalidInputError(f"Unknown scopes {unknown}; the actions are {list(ACTIONS)}.")
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


def actor_for_token(session: Session, secret: str) -> Actor:
    """The actor an API token stands for: its maker's current role in the token's
    organisation, limited to the token's scopes. Refuses revoked tokens, deactivated
    accounts, former members and organisations that are not active."""
    if not secret.startswith(TOKEN_PREFIX):
        raise AuthenticationError(TOKEN_FAILED)
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _token_hash(secret)))
    if row is None or row.revoked_at is not None:
        raise AuthenticationError(TOKEN_FAILED)
    user = session.get(UserRow, row.user_id)
    actor = _actor_of(session, user, row.org_id) if user is not None and user.active else None
    if actor is None:
        raise AuthenticationError(TOKEN_FAILED)
    row.last_used_at = utcnow()
    session.flush()
    return Actor(
        actor.user_id, actor.org_id, actor.org_kind, actor.role, frozenset(row.scopes.split())
    )


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
        _require_own_org(actor, row.org_id, "member.manage")
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.flush()
    audit(session, actor, "token.revoke", "token", row.id, {"revoked": False}, {"revoked": True})


# --- Demo accounts ---------------------------------------------------------------------

#: The demo accounts :func:`demo_accounts` creates, with their passwords — published
#: here on purpose: a demo store is public. Never create them on a production store.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin@tanji.example", "tanji-demo-admin-1", "platform admin (碳迹平台)"),
    ("battery@tanji.example", "tanji-demo-battery-1", "admin of 江苏示范锂电池有限公司"),
    ("certifier@tanji.example", "tanji-demo-certifier-1", "admin of 示范认证中心"),
    ("province@tanji.example", "tanji-demo-province-1", "admin of the provincial department"),
)
#: A credit code made for the demo enterprise: 320500 is Suzhou; the check character
#: is computed (GB 32100-2015). It belongs to no real company we know of.
DEMO_USCC = "91320500TJ0DEM001Y"


def demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """Create the demo organisations and their admins (idempotent): a Jiangsu battery
    maker, a certification body, the provincial department and the platform operator.
    Returns ``(email, password, what it is)`` for each, as :data:`DEMO_ACCOUNTS`."""
    (admin_email, admin_password, _), battery, certifier, province = DEMO_ACCOUNTS
    platform = ensure_platform_admin(session, admin_email, admin_password)
    if _user_by_email(session, battery[0]) is None:
        register_enterprise(
            session,
            name="江苏示范锂电池有限公司",
            name_en="Jiangsu Demo Lithium Battery Co., Ltd.",
            uscc=DEMO_USCC,
            email=battery[0],
            password=battery[1],
            display_name="示范电池 管理员",
            region="CN-JS-SZ",
        )
    others = (
        (
            certifier,
            OrgKind.CERTIFICATION_BODY,
            "示范认证中心",
            "Demo Certification Centre",
            "CN-JS-NJ",
        ),
        (
            province,
            OrgKind.DEPARTMENT_PROVINCE,
            "江苏省产品碳足迹主管部门（示范）",
            "Jiangsu provincial department (demo)",
            "CN-JS",
        ),
    )
    for (email, password, _), kind, name, name_en, region in others:
        if _user_by_email(session, email) is None:
            register_organisation(
                session,
                platform,
                kind,
                name,
                name_en=name_en,
                region=region,
                admin_email=email,
                admin_password=password,
                admin_display_name=name_en,
            )
    return list(DEMO_ACCOUNTS)
