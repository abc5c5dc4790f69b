"""Accounts: organisations, people and their roles.

One function per intention; each takes the session and, where someone acts, the
:class:`~tanji.domain.accounts.Actor`, checks the permission table and the tenant
(:mod:`tanji.services.permissions`), changes rows and writes an audit entry
(:func:`tanji.services.audit.audit`). The caller owns the transaction. Signing in and
API tokens are in :mod:`tanji.services.logins`.

Inputs: every function that takes what people type checks all of it before writing,
and its error names each input at fault (``error.fields``), so a form shows every
problem next to its field at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanji.db.models import OrganisationRow, OrgMemberRow, UserRow
from tanji.domain.accounts import (
    Actor,
    OrgKind,
    OrgStatus,
    Role,
    organisation_code_check_character,
    password_problems,
    unified_social_credit_code_valid,
    uscc_division_matches,
)
from tanji.domain.problems import Problem
from tanji.domain.regions import REGIONS
from tanji.services import logins
from tanji.services.audit import audit
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    invalid_field,
)
from tanji.services.logins import user_by_email
from tanji.services.permissions import require, require_own_org, visible_org_ids

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_USCC",
    "MemberInfo",
    "OrganisationInfo",
    "add_member",
    "change_role",
    "check_enterprise_registration",
    "demo_accounts",
    "ensure_platform_admin",
    "manageable_organisations",
    "members",
    "organisation",
    "organisations",
    "register_enterprise",
    "register_organisation",
    "set_org_status",
]

_T = TypeVar("_T")


# --- Checks ----------------------------------------------------------------------------


def _email(email: str, field_name: str = "email") -> str:
    normal = email.strip().lower()
    local, at, domain = normal.partition("@")
    if not (local and at and "." in domain) or any(char.isspace() for char in normal):
        raise invalid_field(field_name, f"{email!r} is not an email address.")
    return normal


def _check_password(password: str, field_name: str = "password") -> None:
    problems = password_problems(password)
    if problems:
        raise invalid_field(field_name, " ".join(problems))


def _uscc(code: str, field_name: str = "uscc") -> str:
    normal = code.strip().upper()
    if (
        not unified_social_credit_code_valid(normal)
        and len(normal) == 18
        and normal[8:16].isalnum()
        and normal[8:16].isascii()
        and organisation_code_check_character(normal[8:16]) != normal[16]
    ):
        # The organisation code inside the credit code (positions 9–17, GB 11714) is
        # wrong: the commonest slip when a code is typed from a licence.
        raise invalid_field(field_name, Problem("uscc-organisation-code", uscc=normal))
    if not unified_social_credit_code_valid(normal):
        raise invalid_field(
            field_name,
            f"{code!r} is not a valid unified social credit code (统一社会信用代码): expected "
            "18 characters (digits and capital letters other than I, O, S, V, Z) whose last "
            "is the check character of GB 32100-2015. Copy it from the business licence.",
        )
    return normal


def _uscc_in_region(code: str, region: str, field_name: str = "uscc") -> None:
    """A credit code is issued where the organisation is registered: its division code
    (positions 3–8) must lie in the chosen province or city
    (:func:`~tanji.domain.accounts.uscc_division_matches`)."""
    place = REGIONS[region]
    if not uscc_division_matches(code, place.division):
        raise invalid_field(
            field_name,
            Problem(
                "uscc-region",
                division=code[2:8],
                region=place.name_zh,
                region_en=place.name_en,
                prefix=place.division[:2] if place.division[2:] == "0000" else place.division[:4],
            ),
        )


def _name(name: str, field_name: str = "name") -> str:
    if not name.strip():
        raise invalid_field(field_name, "The organisation needs a name.")
    return name.strip()


def _region(region: str, field_name: str = "region") -> str:
    if region not in REGIONS:
        raise invalid_field(
            field_name,
            f"{region!r} is not a region; use CN-JS (the province) or a city's code "
            f"({', '.join(code for code in REGIONS if code != 'CN-JS')}).",
        )
    return region


def _role(role: Role | str, field_name: str = "role") -> Role:
    try:
        return Role(role)
    except ValueError:
        raise invalid_field(
            field_name, f"{role!r} is not a role; use one of {list(Role)}."
        ) from None


@dataclass
class _Checks:
    """Collects what is wrong with a request's inputs, so all of it is reported at once:
    malformed inputs first (:class:`InvalidInputError`), then clashes with stored data
    (:class:`ConflictError`)."""

    invalid: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)

    def value(self, check: Callable[[], _T]) -> _T | None:
        try:
            return check()
        except InvalidInputError as error:
            self.invalid.update(error.fields or {"": str(error)})
            return None

    def conflict(self, field_name: str, message: str) -> None:
        self.conflicts[field_name] = message

    def raise_any(self) -> None:
        if self.invalid:
            raise InvalidInputError(" ".join(self.invalid.values()), fields=self.invalid)
        if self.conflicts:
            raise ConflictError(" ".join(self.conflicts.values()), fields=self.conflicts)


def _check_org(
    session: Session,
    checks: _Checks,
    name: str,
    uscc: str | None,
    region: str,
    prefix: str = "",
) -> None:
    checks.value(lambda: _name(name, prefix + "name"))
    place = checks.value(lambda: _region(region, prefix + "region"))
    code = checks.value(lambda: _uscc(uscc, prefix + "uscc")) if uscc is not None else None
    if code is not None and place is not None:
        checks.value(lambda: _uscc_in_region(code, place, prefix + "uscc"))
    if code is not None and session.scalar(
        select(OrganisationRow.id).where(OrganisationRow.uscc == code)
    ):
        checks.conflict(
            prefix + "uscc", f"An organisation with the credit code {code} is registered."
        )


def _check_user(
    session: Session, checks: _Checks, email: str, password: str, prefix: str = ""
) -> None:
    address = checks.value(lambda: _email(email, prefix + "email"))
    checks.value(lambda: _check_password(password, prefix + "password"))
    if address is not None and user_by_email(session, address) is not None:
        checks.conflict(
            prefix + "email", f"{address} already has an account; add it as a member instead."
        )


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


# --- Organisations and people -----------------------------------------------------------


def _new_org(
    session: Session, kind: OrgKind, name: str, uscc: str | None, region: str, name_en: str
) -> OrganisationRow:
    checks = _Checks()
    _check_org(session, checks, name, uscc, region)
    checks.raise_any()
    org = OrganisationRow(
        kind=kind.value,
        name=name.strip(),
        name_en=name_en.strip(),
        uscc=_uscc(uscc) if uscc is not None else None,
        region=region,
        status=OrgStatus.ACTIVE.value,
    )
    session.add(org)
    session.flush()
    return org


def _new_user(
    session: Session, email: str, password: str, display_name: str, prefix: str = ""
) -> UserRow:
    checks = _Checks()
    _check_user(session, checks, email, password, prefix)
    checks.raise_any()
    user = UserRow(
        email=_email(email),
        display_name=display_name.strip() or email,
        password_hash=logins.PASSWORD_HASHER.hash(password),
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


def check_enterprise_registration(
    session: Session, *, name: str, uscc: str, region: str, email: str, password: str
) -> None:
    """Check an enterprise's registration without writing anything: raise what
    :func:`register_enterprise` would (every malformed input at once, else every
    credit code or email already taken)."""
    checks = _Checks()
    _check_org(session, checks, name, uscc, region)
    _check_user(session, checks, email, password)
    checks.raise_any()


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
    unique, its region Jiangsu or one of its cities) and its first admin. Every input is
    checked before anything is written; the error names each one at fault (``name``,
    ``uscc``, ``region``, ``email``, ``password``). Returns the new admin as an actor,
    ready to log in."""
    check_enterprise_registration(
        session, name=name, uscc=uscc, region=region, email=email, password=password
    )
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
    (``org.register-department``) can be admitted by the platform operator only. Every
    input is checked before anything is written; errors name the inputs at fault
    (``kind``, ``name``, ``uscc``, ``region``, ``admin_email``, ``admin_password``).
    """
    try:
        kind = OrgKind(kind)
    except ValueError:
        raise invalid_field("kind", f"{kind!r} is not a kind of organisation.") from None
    require(actor, _registration_action(kind))
    checks = _Checks()
    _check_org(session, checks, name, uscc, region)
    if admin_email is not None:
        if admin_password is None:
            checks.invalid["admin_password"] = "A new admin needs a password."
        else:
            _check_user(session, checks, admin_email, admin_password, "admin_")
    checks.raise_any()
    org = _new_org(session, kind, name, uscc, region, name_en)
    audit(session, actor, "org.register", "organisation", org.id, None, _org_dict(org))
    if admin_email is not None and admin_password is not None:
        user = _new_user(session, admin_email, admin_password, admin_display_name, "admin_")
        member = _add_membership(session, org.id, user.id, Role.ADMIN)
        audit(session, actor, "member.add", "member", member.id, None, _member_dict(member))
    return org.id


def set_org_status(
    session: Session, actor: Actor, org_id: int, status: OrgStatus | str, *, reason: str = ""
) -> None:
    """Suspend, blacklist (S4) or reactivate an organisation; its people cannot log in
    or use tokens while it is not active. Blacklisting needs a ``reason`` (it is a
    penalty and is read later); the platform operator cannot suspend itself."""
    require(actor, "org.status")
    try:
        status = OrgStatus(status)
    except ValueError:
        raise invalid_field(
            "status", f"{status!r} is not a status; use one of {[s.value for s in OrgStatus]}."
        ) from None
    if status is OrgStatus.BLACKLISTED and not reason.strip():
        raise invalid_field(
            "reason", "Say why the organisation is blacklisted (the reason is kept)."
        )
    org = session.get(OrganisationRow, org_id)
    if org is None:
        raise NotFoundError(f"No organisation {org_id}.")
    if org.kind == OrgKind.PLATFORM_ADMIN.value and status is not OrgStatus.ACTIVE:
        raise ConflictError("The platform operator's own organisation cannot be suspended.")
    before = _org_dict(org)
    org.status = status.value
    session.flush()
    audit(
        session,
        actor,
        "org.status",
        "organisation",
        org.id,
        before,
        _org_dict(org) | {"reason": reason.strip()},
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
    """An organisation's admin makes an account for a new person, with a first
    ``password`` (required and checked) and a role. An address that already has an
    account is refused (:class:`ConflictError`): that person is invited instead
    (:func:`tanji.services.auth.invitations.invite`) and accepts. Returns the user id."""
    require_own_org(actor, org_id, "member.manage")
    if session.get(OrganisationRow, org_id) is None:
        raise NotFoundError(f"No organisation {org_id}.")
    checks = _Checks()
    checks.value(lambda: _role(role))
    checks.value(lambda: _email(email))
    checks.raise_any()
    new_role = _role(role)
    user = user_by_email(session, _email(email))
    if user is not None:
        # Nobody joins unasked: a person with an account accepts an invitation
        # (tanji.services.auth.invitations), which answers alike for every address.
        raise ConflictError(
            f"{user.email} cannot be given a new account; send an invitation instead.",
            fields={"email": "has an account"},
        )
    if password is None:
        raise invalid_field("password", f"{email} has no account yet: give a first password.")
    user = _new_user(session, email, password, display_name)
    audit(session, actor, "user.create", "user", user.id, None, _user_dict(user))
    member = _add_membership(session, org_id, user.id, new_role)
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
    require_own_org(actor, org_id, "member.manage")
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


@dataclass(frozen=True)
class OrganisationInfo:
    """An organisation as listed: who it is, where, and whether it may act."""

    id: int
    kind: OrgKind
    name: str
    name_en: str
    uscc: str | None
    region: str
    status: OrgStatus
    created_at: datetime
    members: int


def _organisation_info(org: OrganisationRow, members: int) -> OrganisationInfo:
    return OrganisationInfo(
        org.id,
        OrgKind(org.kind),
        org.name,
        org.name_en,
        org.uscc,
        org.region,
        OrgStatus(org.status),
        org.created_at,
        members,
    )


def organisations(
    session: Session,
    actor: Actor,
    *,
    kind: OrgKind | str | None = None,
    status: OrgStatus | str | None = None,
) -> list[OrganisationInfo]:
    """The organisations ``actor`` may see (:func:`visible_org_ids`: the platform
    operator all of them, everyone else their own), by id, with member counts."""
    counts = (
        select(OrgMemberRow.org_id, func.count(OrgMemberRow.id).label("n"))
        .group_by(OrgMemberRow.org_id)
        .subquery()
    )
    query = (
        select(OrganisationRow, counts.c.n)
        .outerjoin(counts, counts.c.org_id == OrganisationRow.id)
        .order_by(OrganisationRow.id)
    )
    visible = visible_org_ids(actor)
    if visible is not None:
        query = query.where(OrganisationRow.id.in_(visible))
    if kind is not None:
        query = query.where(OrganisationRow.kind == OrgKind(kind).value)
    if status is not None:
        query = query.where(OrganisationRow.status == OrgStatus(status).value)
    return [_organisation_info(org, n or 0) for org, n in session.execute(query)]


def organisation(session: Session, actor: Actor, org_id: int) -> OrganisationInfo:
    """One organisation, if ``actor`` may see it (else :class:`NotFoundError`, so an
    outsider cannot tell which ids exist)."""
    visible = visible_org_ids(actor)
    org = session.get(OrganisationRow, org_id)
    if org is None or (visible is not None and org_id not in visible):
        raise NotFoundError(f"No organisation {org_id}.")
    members = session.scalar(
        select(func.count(OrgMemberRow.id)).where(OrgMemberRow.org_id == org_id)
    )
    return _organisation_info(org, members or 0)


def manageable_organisations(session: Session, actor: Actor) -> list[OrganisationInfo]:
    """Every organisation, for the platform operator's directory (``org.status``)."""
    require(actor, "org.status")
    return organisations(session, actor)


@dataclass(frozen=True)
class MemberInfo:
    """A person in an organisation, with their role there."""

    user_id: int
    email: str
    display_name: str
    role: Role
    active: bool
    last_login_at: datetime | None


def members(session: Session, actor: Actor, org_id: int) -> list[MemberInfo]:
    """The organisation's people (its admins, and the platform operator's), by joining."""
    require_own_org(actor, org_id, "member.manage")
    if session.get(OrganisationRow, org_id) is None:
        raise NotFoundError(f"No organisation {org_id}.")
    query = (
        select(OrgMemberRow, UserRow)
        .join(UserRow, UserRow.id == OrgMemberRow.user_id)
        .where(OrgMemberRow.org_id == org_id)
        .order_by(OrgMemberRow.id)
    )
    return [
        MemberInfo(
            user.id, user.email, user.display_name, Role(m.role), user.active, user.last_login_at
        )
        for m, user in session.execute(query)
    ]


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
    user = user_by_email(session, _email(email))
    if user is None:
        user = _new_user(session, email, password, display_name)
        audit(session, None, "user.create", "user", user.id, None, _user_dict(user))
    if _membership(session, org.id, user.id) is None:
        member = _add_membership(session, org.id, user.id, Role.ADMIN)
        audit(session, None, "member.add", "member", member.id, None, _member_dict(member))
    return Actor(user.id, org.id, OrgKind.PLATFORM_ADMIN, Role.ADMIN)


# --- Demo accounts ---------------------------------------------------------------------

#: The demo accounts :func:`demo_accounts` creates, with their passwords — published
#: here on purpose: a demo store is public. Never create them on a production store.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin@tanji.example", "tanji-demo-admin-1", "platform admin (碳迹平台)"),
    ("battery@tanji.example", "tanji-demo-battery-1", "admin of 江苏示范锂电池有限公司"),
    ("certifier@tanji.example", "tanji-demo-certifier-1", "admin of 示范认证中心"),
    ("province@tanji.example", "tanji-demo-province-1", "admin of the provincial department"),
)
#: A credit code made for the demo enterprise: 320500 is Suzhou; the organisation code's
#: check character (GB 11714) and the code's own (GB 32100-2015) are computed
#: (:func:`~tanji.domain.accounts.uscc_of`). It belongs to no real company we know of.
DEMO_USCC = "91320500TJ0DEM009P"


def demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """Create the demo organisations and their admins (idempotent): a Jiangsu battery
    maker, a certification body, the provincial department and the platform operator.
    Returns ``(email, password, what it is)`` for each, as :data:`DEMO_ACCOUNTS`."""
    (admin_email, admin_password, _), battery, certifier, province = DEMO_ACCOUNTS
    platform = ensure_platform_admin(session, admin_email, admin_password)
    if user_by_email(session, battery[0]) is None:
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
            "示范认证 管理员",
        ),
        (
            province,
            OrgKind.DEPARTMENT_PROVINCE,
            "江苏省产品碳足迹主管部门（示范）",
            "Jiangsu provincial department (demo)",
            "CN-JS",
            "省主管部门 管理员",
        ),
    )
    # The admins' display names are people's names, in Chinese as the demo's users write them.
    for (email, password, _), kind, name, name_en, region, admin_name in others:
        if user_by_email(session, email) is None:
            register_organisation(
                session,
                platform,
                kind,
                name,
                name_en=name_en,
                region=region,
                admin_email=email,
                admin_password=password,
                admin_display_name=admin_name,
            )
    return list(DEMO_ACCOUNTS)
