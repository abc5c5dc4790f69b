"""The registry of certification bodies: registration, scope, staff, status, the
blacklist, credit findings and consultancy declarations.

Only the competent department or the platform operator (``certification.oversee``)
registers a body, changes its status, lists or lifts it on the blacklist and records
findings against its credit; a body's admins keep its staff and its declarations
(``certification.body``). Every change is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    BlacklistEntryRow,
    CertificationBodyRow,
    ConsultancyDeclarationRow,
    CreditFindingRow,
    OrganisationRow,
    ScopeRow,
    StaffRow,
)
from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.certification import (
    BlacklistEntry,
    BodyStatus,
    CertificationBody,
    CertificationError,
    CertificationType,
    ConsultancyDeclaration,
    CreditFinding,
    CreditFindingKind,
    Reason,
    ScopeEntry,
    StaffMember,
    credit_score,
    qualified_staff,
    standing_problems,
)
from tanji.services.audit import audit
from tanji.services.certification._common import body_row, load_body, today
from tanji.services.certification.notifications import notify_frozen
from tanji.services.errors import ConflictError, InvalidInputError, NotFoundError, invalid_field
from tanji.services.permissions import require, require_own_org

__all__ = [
    "BodyProfile",
    "ListedEntry",
    "add_staff",
    "blacklist_body",
    "blacklist_entries",
    "body_profile",
    "declare_consultancy",
    "lift_blacklist",
    "record_credit_finding",
    "register_body",
    "set_body_status",
]

OVERSEE, KEEP = "certification.oversee", "certification.body"


@dataclass(frozen=True)
class BodyProfile:
    """A body as its pages show it: the registry entry and what follows from it."""

    body: CertificationBody
    credit_score: int
    qualified_staff: int
    problems: tuple[Reason, ...]  # why it may not take cases today; empty when it may


def _invalid(error: CertificationError) -> InvalidInputError:
    return InvalidInputError(str(error))


def register_body(
    session: Session,
    actor: Actor,
    org_id: int,
    *,
    approval_number: str,
    scope: Iterable[tuple[str, CertificationType | str]],
    pilot_qualified: bool = False,
) -> int:
    """Enter an organisation of kind certification-body in the registry with its CNCA
    approval number and scope (category, certification type). Returns the entry's id."""
    require(actor, OVERSEE)
    org = session.get(OrganisationRow, org_id)
    if org is None:
        raise NotFoundError(f"No organisation {org_id}.")
    if org.kind != OrgKind.CERTIFICATION_BODY.value:
        raise invalid_field("org_id", f"{org.name} is not a certification body.")
    if not approval_number.strip():
        raise invalid_field("approval_number", "Give the CNCA approval number.")
    if session.scalar(select(CertificationBodyRow.id).where(CertificationBodyRow.org_id == org_id)):
        raise ConflictError(f"{org.name} is already in the registry.")
    if session.scalar(
        select(CertificationBodyRow.id).where(
            CertificationBodyRow.approval_number == approval_number.strip()
        )
    ):
        raise invalid_field("approval_number", f"{approval_number} is another body's number.")
    try:
        entries = {ScopeEntry(c.strip(), CertificationType(t)) for c, t in scope}
    except ValueError as error:
        raise invalid_field("scope", str(error)) from None
    row = CertificationBodyRow(
        org_id=org_id, approval_number=approval_number.strip(), pilot_qualified=pilot_qualified
    )
    session.add(row)
    session.flush()
    for entry in sorted(entries, key=lambda e: (e.category, e.certification_type)):
        session.add(
            ScopeRow(
                body_id=row.id,
                category=entry.category,
                certification_type=entry.certification_type.value,
            )
        )
    session.flush()
    after = {
        "org_id": org_id,
        "approval_number": row.approval_number,
        "pilot_qualified": pilot_qualified,
        "scope": sorted(f"{e.category}:{e.certification_type}" for e in entries),
    }
    audit(session, actor, "certifier.register", "certification_body", org_id, None, after)
    return row.id


def add_staff(
    session: Session,
    actor: Actor,
    body_org_id: int,
    *,
    name: str,
    qualification: str,
    experience_since: date,
    full_time: bool = True,
    user_id: int | None = None,
) -> int:
    """A body's admin adds a certification person (counted against the minimum of ten
    when full-time with two years' experience). Returns the staff row id."""
    require_own_org(actor, body_org_id, KEEP)
    body = body_row(session, body_org_id)
    try:
        person = StaffMember(name.strip(), qualification.strip(), experience_since, full_time)
    except CertificationError as error:
        raise _invalid(error) from None
    row = StaffRow(
        body_id=body.id,
        user_id=user_id,
        name=person.name,
        qualification=person.qualification,
        experience_since=experience_since,
        full_time=full_time,
    )
    session.add(row)
    session.flush()
    after = asdict(person) | {"user_id": user_id}
    audit(session, actor, "certifier.staff-add", "certification_body", body_org_id, None, after)
    return row.id


def set_body_status(
    session: Session, actor: Actor, body_org_id: int, status: BodyStatus | str, *, reason: str
) -> None:
    """Suspend, revoke or reactivate a body's approval; the reason is kept. A body that
    is not active accepts no application and its open cases freeze."""
    require(actor, OVERSEE)
    try:
        status = BodyStatus(status)
    except ValueError:
        raise invalid_field("status", f"{status!r} is not a body status.") from None
    if not reason.strip():
        raise invalid_field("reason", "Say why (the reason is kept).")
    row = body_row(session, body_org_id)
    before = {"status": row.status}
    row.status = status.value
    session.flush()
    after = {"status": row.status, "reason": reason.strip()}
    audit(session, actor, "certifier.status", "certification_body", body_org_id, before, after)
    notify_frozen(session, body_org_id, row.status)


def blacklist_body(
    session: Session,
    actor: Actor,
    body_org_id: int,
    *,
    reason: str,
    authority: str,
    listed_on: date | None = None,
) -> int:
    """Put a body on the blacklist (S4) with the reason and the authority that decided."""
    require(actor, OVERSEE)
    row = body_row(session, body_org_id)
    try:
        entry = BlacklistEntry(reason.strip(), authority.strip(), listed_on or today())
    except CertificationError as error:
        raise _invalid(error) from None
    listed = BlacklistEntryRow(
        body_id=row.id,
        reason=entry.reason,
        authority=entry.authority,
        listed_on=entry.listed_on,
        recorded_by=actor.user_id,
    )
    session.add(listed)
    session.flush()
    audit(
        session, actor, "certifier.blacklist", "certification_body", body_org_id, None,
        asdict(entry) | {"entry_id": listed.id},
    )  # fmt: skip
    notify_frozen(session, body_org_id, "blacklisted")
    return listed.id


def lift_blacklist(
    session: Session,
    actor: Actor,
    entry_id: int,
    *,
    appeal: str,
    lifted_on: date | None = None,
) -> None:
    """End a blacklist entry, recording the appeal (or the decision) that ended it."""
    require(actor, OVERSEE)
    entry = session.get(BlacklistEntryRow, entry_id)
    if entry is None or entry.lifted_on is not None:
        raise NotFoundError(f"No blacklist entry {entry_id} in force.")
    if not appeal.strip():
        raise invalid_field("appeal", "Record the appeal or decision that lifts the entry.")
    day = lifted_on or today()
    if day < entry.listed_on:
        raise invalid_field("lifted_on", "An entry cannot be lifted before it was listed.")
    body = session.get(CertificationBodyRow, entry.body_id)
    assert body is not None
    before = {"entry_id": entry.id, "lifted_on": None, "appeal": entry.appeal}
    entry.appeal, entry.lifted_on = appeal.strip(), day
    session.flush()
    after = {"entry_id": entry.id, "lifted_on": day, "appeal": entry.appeal}
    audit(
        session, actor, "certifier.blacklist-lift", "certification_body", body.org_id, before, after
    )


def record_credit_finding(
    session: Session,
    actor: Actor,
    body_org_id: int,
    kind: CreditFindingKind | str,
    *,
    found_on: date | None = None,
    note: str = "",
) -> int:
    """Record a finding against a body's credit (a complaint upheld, a certificate
    withdrawn on review, late surveillance, a false report)."""
    require(actor, OVERSEE)
    try:
        kind = CreditFindingKind(kind)
    except ValueError:
        raise invalid_field("kind", f"{kind!r} is not a kind of credit finding.") from None
    row = body_row(session, body_org_id)
    finding = CreditFinding(kind, found_on or today(), note.strip())
    stored = CreditFindingRow(
        body_id=row.id, kind=kind.value, found_on=finding.found_on, note=finding.note,
        recorded_by=actor.user_id,
    )  # fmt: skip
    session.add(stored)
    session.flush()
    audit(
        session, actor, "certifier.credit-finding", "certification_body", body_org_id, None,
        asdict(finding) | {"finding_id": stored.id},
    )  # fmt: skip
    return stored.id


def declare_consultancy(
    session: Session,
    actor: Actor,
    enterprise_org_id: int,
    *,
    started_on: date,
    ended_on: date | None = None,
    user_id: int | None = None,
) -> int:
    """The actor's organisation (or one of its people, ``user_id``) declares that it
    consulted for ``enterprise_org_id``; the declaration bars it from that enterprise's
    cases for two years after it ends."""
    require(actor, KEEP)
    if session.get(OrganisationRow, enterprise_org_id) is None:
        raise NotFoundError(f"No organisation {enterprise_org_id}.")
    try:
        declared = ConsultancyDeclaration(
            actor.org_id, enterprise_org_id, started_on, ended_on, user_id
        )
    except CertificationError as error:
        raise _invalid(error) from None
    row = ConsultancyDeclarationRow(
        consultant_org_id=actor.org_id,
        consultant_user_id=user_id,
        enterprise_org_id=enterprise_org_id,
        started_on=started_on,
        ended_on=ended_on,
        declared_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit(
        session, actor, "certifier.declare-consultancy", "consultancy_declaration", row.id,
        None, asdict(declared),
    )  # fmt: skip
    return row.id


def body_profile(
    session: Session, actor: Actor, body_org_id: int, *, on: date | None = None
) -> BodyProfile:
    """A body's registry entry with its credit score, qualified staff and standing.
    The registry is public to signed-in users (customers check who certified)."""
    require(actor, "product.read")
    body = load_body(session, body_org_id)
    day = on or today()
    return BodyProfile(
        body=body,
        credit_score=credit_score(body.credit, day),
        qualified_staff=len(qualified_staff(body, day)),
        problems=standing_problems(body, day),
    )


@dataclass(frozen=True)
class ListedEntry:
    """A blacklist entry with its id (to lift it)."""

    id: int
    entry: BlacklistEntry


def blacklist_entries(session: Session, actor: Actor, body_org_id: int) -> list[ListedEntry]:
    """The body's blacklist entries, in force or lifted, newest first (public)."""
    require(actor, "product.read")
    row = body_row(session, body_org_id)
    rows = session.scalars(
        select(BlacklistEntryRow)
        .where(BlacklistEntryRow.body_id == row.id)
        .order_by(BlacklistEntryRow.id.desc())
    )
    return [
        ListedEntry(b.id, BlacklistEntry(b.reason, b.authority, b.listed_on, b.appeal, b.lifted_on))
        for b in rows
    ]
