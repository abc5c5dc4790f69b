"""Invitations: an organisation's admin invites an address; the person accepts.

Nobody joins an organisation unasked. :func:`invite` answers the same whether or not
the address has an account (or is already a member), so the admin learns nothing about
which addresses exist; the link goes by e-mail where a mail server is configured, else
the admin hands it over. The person who opens the link either signs in with the invited
address and accepts (:func:`accept`) or, where the address has no account yet, makes
one (:func:`accept_with_new_account`). A link is single-use and expires after
:data:`INVITATION_LIFETIME`; inviting the same address again replaces the earlier link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tanji.db.models import AuthInvitationRow, OrganisationRow, OrgMemberRow, UserRow
from tanji.domain.accounts import Actor, OrgKind, OrgStatus, Role, password_problems
from tanji.services import logins
from tanji.services.audit import audit
from tanji.services.auth.tokens import aware, digest, new_secret, now
from tanji.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    invalid_field,
)
from tanji.services.permissions import require_own_org

__all__ = [
    "INVITATION_LIFETIME",
    "Invitation",
    "accept",
    "accept_with_new_account",
    "invitation",
    "invite",
    "pending_invitations",
    "revoke_invitation",
]

INVITATION_LIFETIME = timedelta(days=7)
INVITATION_INVALID = "This invitation link is not valid: it is unknown, used, revoked or expired."


@dataclass(frozen=True)
class Invitation:
    """An invitation as its page shows it."""

    id: int
    org_id: int
    org_name: str
    org_name_en: str
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


def _email(email: str) -> str:
    normal = email.strip().lower()
    local, at, domain = normal.partition("@")
    if not (local and at and "." in domain) or any(char.isspace() for char in normal):
        raise invalid_field("email", f"{email!r} is not an email address.")
    return normal


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise invalid_field("role", f"{role!r} is not a role; use one of {list(Role)}.") from None


def _info(row: AuthInvitationRow, org: OrganisationRow) -> Invitation:
    return Invitation(
        row.id,
        org.id,
        org.name,
        org.name_en,
        row.email,
        Role(row.role),
        row.created_at,
        row.expires_at,
    )


def invite(
    session: Session,
    actor: Actor,
    org_id: int,
    email: str,
    role: Role | str,
    *,
    ip: str | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``org_id`` with ``role``; returns the invitation and the
    secret for its link. The same whatever the address (no existence leak)."""
    require_own_org(actor, org_id, "member.manage")
    org = session.get(OrganisationRow, org_id)
    if org is None:
        raise NotFoundError(f"No organisation {org_id}.")
    problems: dict[str, str] = {}
    checks: tuple[Callable[[], object], ...] = (lambda: _email(email), lambda: _role(role))
    for check in checks:
        try:
            check()
        except InvalidInputError as error:
            problems.update(error.fields)
    if problems:
        raise InvalidInputError(" ".join(problems.values()), fields=problems)
    address, new_role = _email(email), _role(role)
    session.execute(
        update(AuthInvitationRow)
        .where(
            AuthInvitationRow.org_id == org_id,
            AuthInvitationRow.email == address,
            AuthInvitationRow.accepted_at.is_(None),
            AuthInvitationRow.revoked_at.is_(None),
        )
        .values(revoked_at=now()),
        execution_options={"synchronize_session": False},
    )
    secret = new_secret()
    row = AuthInvitationRow(
        org_id=org_id,
        email=address,
        role=new_role.value,
        token_hash=digest(secret),
        invited_by=actor.user_id,
        created_at=now(),
        expires_at=now() + INVITATION_LIFETIME,
    )
    session.add(row)
    session.flush()
    snapshot = {"org_id": org_id, "email": address, "role": new_role.value}
    audit(session, actor, "member.invite", "invitation", row.id, None, snapshot, ip=ip)
    return _info(row, org), secret


def pending_invitations(session: Session, actor: Actor, org_id: int) -> list[Invitation]:
    """The organisation's invitations not yet accepted, revoked or expired."""
    require_own_org(actor, org_id, "member.manage")
    org = session.get(OrganisationRow, org_id)
    if org is None:
        raise NotFoundError(f"No organisation {org_id}.")
    rows = session.scalars(
        select(AuthInvitationRow)
        .where(
            AuthInvitationRow.org_id == org_id,
            AuthInvitationRow.accepted_at.is_(None),
            AuthInvitationRow.revoked_at.is_(None),
        )
        .order_by(AuthInvitationRow.id)
    )
    return [_info(row, org) for row in rows if aware(row.expires_at) > now()]


def revoke_invitation(session: Session, actor: Actor, org_id: int, invitation_id: int) -> None:
    require_own_org(actor, org_id, "member.manage")
    row = session.get(AuthInvitationRow, invitation_id)
    if row is None or row.org_id != org_id:
        raise NotFoundError(f"No invitation {invitation_id}.")
    if row.accepted_at is None and row.revoked_at is None:
        row.revoked_at = now()
        session.flush()
        audit(session, actor, "member.invite-revoke", "invitation", row.id)


def _usable(session: Session, secret: str) -> tuple[AuthInvitationRow, OrganisationRow]:
    row = session.scalar(
        select(AuthInvitationRow).where(AuthInvitationRow.token_hash == digest(secret))
    )
    org = session.get(OrganisationRow, row.org_id) if row is not None else None
    if (
        row is None
        or org is None
        or row.accepted_at is not None
        or row.revoked_at is not None
        or aware(row.expires_at) <= now()
        or org.status != OrgStatus.ACTIVE.value
    ):
        raise NotFoundError(INVITATION_INVALID)
    return row, org


def invitation(session: Session, secret: str) -> Invitation:
    """The invitation a link names, if it can still be accepted (else
    :class:`NotFoundError`, one message whatever the reason)."""
    row, org = _usable(session, secret)
    return _info(row, org)


def _join(session: Session, row: AuthInvitationRow, org: OrganisationRow, user: UserRow) -> Actor:
    member = session.scalar(
        select(OrgMemberRow).where(OrgMemberRow.org_id == org.id, OrgMemberRow.user_id == user.id)
    )
    if member is None:
        member = OrgMemberRow(org_id=org.id, user_id=user.id, role=row.role)
        session.add(member)
        session.flush()
    row.accepted_at = now()
    row.accepted_user_id = user.id
    actor = Actor(user.id, org.id, OrgKind(org.kind), Role(member.role))
    snapshot = {"org_id": org.id, "user_id": user.id, "role": member.role}
    audit(session, actor, "member.add", "member", member.id, None, snapshot)
    audit(session, actor, "member.invite-accept", "invitation", row.id)
    return actor


def accept(session: Session, secret: str, actor: Actor) -> Actor:
    """The signed-in person accepts: their address must be the invited one. Returns
    their actor in the organisation they joined."""
    row, org = _usable(session, secret)
    user = session.get(UserRow, actor.user_id)
    if user is None or user.email != row.email:
        raise PermissionDeniedError(
            "This invitation is for another e-mail address: sign in with the invited address."
        )
    return _join(session, row, org, user)


def accept_with_new_account(
    session: Session, secret: str, *, display_name: str, password: str
) -> Actor:
    """Accept by making an account for the invited address (which must have none: the
    person then signs in and accepts instead)."""
    row, org = _usable(session, secret)
    problems = password_problems(password)
    if problems:
        raise invalid_field("password", " ".join(problems))
    if logins.user_by_email(session, row.email) is not None:
        raise ConflictError(
            "This address already has an account: sign in to accept the invitation.",
            fields={"email": "has an account"},
        )
    user = UserRow(
        email=row.email,
        display_name=display_name.strip() or row.email,
        password_hash=logins.PASSWORD_HASHER.hash(password),
        active=True,
    )
    session.add(user)
    session.flush()
    audit(session, None, "user.create", "user", user.id, None, {"email": user.email})
    return _join(session, row, org, user)
