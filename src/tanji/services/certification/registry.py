"""The registry's pages and API beyond :mod:`.bodies`: which certification-body
organisations still wait for registration, a body's staff list (with who counts against
the minimum of ten), taking a person off or back on the list, and a body's consultancy
declarations (declared by the enterprise's unified social credit code).

Who may: the competent department and the platform operator register; a body's admins
keep its staff and declarations (``certification.body``, own organisation only); every
change is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    CertificationBodyRow,
    ConsultancyDeclarationRow,
    OrganisationRow,
    RuleRow,
    StaffRow,
    UserRow,
)
from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.certification.bodies import (
    MIN_FULL_TIME_STAFF,
    MIN_STAFF_EXPERIENCE_YEARS,
    PILOT_CATEGORIES,
    years_between,
)
from tanji.domain.certification.certificates import add_years
from tanji.domain.certification.impartiality import COOLING_OFF_YEARS
from tanji.services.audit import audit
from tanji.services.certification._common import body_row, today
from tanji.services.certification.bodies import declare_consultancy
from tanji.services.errors import NotFoundError, invalid_field
from tanji.services.permissions import require, require_own_org

__all__ = [
    "DeclarationEntry",
    "StaffEntry",
    "StaffList",
    "declarations_of",
    "declare_for_credit_code",
    "scope_categories",
    "set_staff_active",
    "staff_of",
    "unregistered_bodies",
]

OVERSEE, KEEP = "certification.oversee", "certification.body"


def unregistered_bodies(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Organisations of kind certification body not yet in the registry (id, name)."""
    require(actor, OVERSEE)
    registered = select(CertificationBodyRow.org_id)
    rows = session.execute(
        select(OrganisationRow.id, OrganisationRow.name)
        .where(OrganisationRow.kind == OrgKind.CERTIFICATION_BODY.value)
        .where(OrganisationRow.id.not_in(registered))
        .order_by(OrganisationRow.id)
    )
    return [(org_id, name) for org_id, name in rows]


@dataclass(frozen=True)
class StaffEntry:
    id: int
    name: str
    qualification: str
    experience_since: date
    experience_years: int
    full_time: bool
    active: bool
    login: str | None  # the linked account's e-mail, if any
    counts: bool  # counts against the minimum today


@dataclass(frozen=True)
class StaffList:
    staff: list[StaffEntry]
    qualified: int
    minimum: int = MIN_FULL_TIME_STAFF
    min_years: int = MIN_STAFF_EXPERIENCE_YEARS


def staff_of(
    session: Session, actor: Actor, body_org_id: int, *, on: date | None = None
) -> StaffList:
    """A body's certification staff, each with whether they count against the minimum
    (active, full-time, two or more whole years' experience) on ``on``."""
    require(actor, "product.read")
    body = body_row(session, body_org_id)
    day = on or today()
    rows = session.execute(
        select(StaffRow, UserRow.email)
        .outerjoin(UserRow, UserRow.id == StaffRow.user_id)
        .where(StaffRow.body_id == body.id)
        .order_by(StaffRow.id)
    )
    staff = []
    for row, email in rows:
        years = years_between(row.experience_since, day)
        counts = row.active and row.full_time and years >= MIN_STAFF_EXPERIENCE_YEARS
        staff.append(
            StaffEntry(
                row.id, row.name, row.qualification, row.experience_since, years, row.full_time,
                row.active, email, counts,
            )
        )  # fmt: skip
    return StaffList(staff, sum(1 for s in staff if s.counts))


def set_staff_active(
    session: Session, actor: Actor, body_org_id: int, staff_id: int, *, active: bool
) -> None:
    """Take a person off the body's active staff (they left) or back on; audited. Staff
    rows are never deleted: past cases name them."""
    require_own_org(actor, body_org_id, KEEP)
    body = body_row(session, body_org_id)
    row = session.get(StaffRow, staff_id)
    if row is None or row.body_id != body.id:
        raise NotFoundError(f"No staff member {staff_id} in this body.")
    before = {"staff_id": row.id, "active": row.active}
    row.active = active
    session.flush()
    audit(
        session, actor, "certifier.staff-active", "certification_body", body_org_id, before,
        {"staff_id": row.id, "active": active},
    )  # fmt: skip


@dataclass(frozen=True)
class DeclarationEntry:
    id: int
    enterprise_org_id: int
    enterprise_name: str
    person: str | None  # the staff member's login, or None for the body itself
    started_on: date
    ended_on: date | None
    barred_until: date | None  # None while the consultancy is ongoing


def declarations_of(session: Session, actor: Actor, org_id: int) -> list[DeclarationEntry]:
    """The consultancy an organisation declared (its own admins, or an overseer)."""
    if not actor.can(OVERSEE):
        require_own_org(actor, org_id, KEEP)
    rows = session.execute(
        select(ConsultancyDeclarationRow, OrganisationRow.name, UserRow.email)
        .join(OrganisationRow, OrganisationRow.id == ConsultancyDeclarationRow.enterprise_org_id)
        .outerjoin(UserRow, UserRow.id == ConsultancyDeclarationRow.consultant_user_id)
        .where(ConsultancyDeclarationRow.consultant_org_id == org_id)
        .order_by(ConsultancyDeclarationRow.id)
    )
    out = []
    for row, name, email in rows:
        until = add_years(row.ended_on, COOLING_OFF_YEARS) if row.ended_on else None
        out.append(
            DeclarationEntry(
                row.id, row.enterprise_org_id, name, email, row.started_on, row.ended_on, until
            )
        )
    return out


def declare_for_credit_code(
    session: Session,
    actor: Actor,
    uscc: str,
    *,
    started_on: date,
    ended_on: date | None = None,
    staff_id: int | None = None,
) -> int:
    """Declare consultancy for the enterprise with this unified social credit code, by
    the body itself or by one of its staff (who must have a login)."""
    require(actor, KEEP)
    code = uscc.strip().upper()
    enterprise = session.scalar(select(OrganisationRow.id).where(OrganisationRow.uscc == code))
    if enterprise is None:
        raise invalid_field("uscc", "No organisation on the platform has this credit code.")
    user_id = None
    if staff_id is not None:
        body = body_row(session, actor.org_id)
        staff = session.get(StaffRow, staff_id)
        if staff is None or staff.body_id != body.id:
            raise invalid_field("staff_id", "Choose a person of your staff.")
        if staff.user_id is None:
            raise invalid_field("staff_id", "This person has no login; declare for the body.")
        user_id = staff.user_id
    return declare_consultancy(
        session, actor, enterprise, started_on=started_on, ended_on=ended_on, user_id=user_id
    )


def scope_categories(session: Session) -> list[str]:
    """The categories a body's scope may name: the pilot's ten and every rule's."""
    ruled = session.scalars(select(RuleRow.category).distinct())
    return sorted(set(PILOT_CATEGORIES) | {c for c in ruled if c})
