"""What the certification services share: refusals as service errors, rows as domain
values, today's date."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import (
    BlacklistEntryRow,
    CaseFindingRow,
    CertificationBodyRow,
    CertificationCaseRow,
    ConsultancyDeclarationRow,
    CreditFindingRow,
    OrganisationRow,
    ScopeRow,
    StaffRow,
)
from tanji.domain.certification import (
    BlacklistEntry,
    BodyStatus,
    Case,
    CaseFinding,
    CaseState,
    CertificationBody,
    CertificationType,
    ConsultancyDeclaration,
    CreditFinding,
    CreditFindingKind,
    FindingKind,
    FindingStatus,
    Reason,
    ScopeEntry,
    StaffMember,
)
from tanji.services.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RefusedError,
    refused_error,
)

__all__ = [
    "CertificationRefusedError",
    "body_row",
    "case_value",
    "declarations_about",
    "load_body",
    "refused",
    "today",
]


class CertificationRefusedError(RefusedError):
    """The process refused a step (its reasons' keys and values, for the web layer)."""


def refused(reasons: Sequence[Reason]) -> ConflictError | PermissionDeniedError:
    """The service error for refused reasons: not the actor's step → permission denied."""
    return refused_error(
        reasons, not_allowed="certification.actor.not_allowed", error=CertificationRefusedError
    )


def today() -> date:
    return utcnow().date()


def body_row(session: Session, org_id: int) -> CertificationBodyRow:
    row = session.scalar(select(CertificationBodyRow).where(CertificationBodyRow.org_id == org_id))
    if row is None:
        raise NotFoundError(f"No certification body registered for organisation {org_id}.")
    return row


def load_body(session: Session, org_id: int) -> CertificationBody:
    """The body of organisation ``org_id`` with its scope, staff, blacklist and credit."""
    row = body_row(session, org_id)
    org = session.get(OrganisationRow, org_id)
    assert org is not None
    scope = session.scalars(select(ScopeRow).where(ScopeRow.body_id == row.id))
    staff = session.scalars(
        select(StaffRow).where(StaffRow.body_id == row.id).order_by(StaffRow.id)
    )
    blacklist = session.scalars(
        select(BlacklistEntryRow).where(BlacklistEntryRow.body_id == row.id)
    )
    credit = session.scalars(select(CreditFindingRow).where(CreditFindingRow.body_id == row.id))
    return CertificationBody(
        org_id=org_id,
        name=org.name,
        approval_number=row.approval_number,
        status=BodyStatus(row.status),
        pilot_qualified=row.pilot_qualified,
        scope=frozenset(
            ScopeEntry(s.category, CertificationType(s.certification_type)) for s in scope
        ),
        staff=tuple(
            StaffMember(
                s.name, s.qualification, s.experience_since, s.full_time, s.active, s.user_id
            )
            for s in staff
        ),
        blacklist=tuple(
            BlacklistEntry(b.reason, b.authority, b.listed_on, b.appeal, b.lifted_on)
            for b in blacklist
        ),
        credit=tuple(CreditFinding(CreditFindingKind(c.kind), c.found_on, c.note) for c in credit),
    )


def declarations_about(
    session: Session, enterprise_org_id: int
) -> tuple[ConsultancyDeclaration, ...]:
    rows = session.scalars(
        select(ConsultancyDeclarationRow).where(
            ConsultancyDeclarationRow.enterprise_org_id == enterprise_org_id
        )
    )
    return tuple(
        ConsultancyDeclaration(
            r.consultant_org_id, r.enterprise_org_id, r.started_on, r.ended_on, r.consultant_user_id
        )
        for r in rows
    )


def case_value(
    row: CertificationCaseRow, findings: Sequence[CaseFindingRow], expires_on: date | None
) -> Case:
    """The domain's case for a stored case; findings are identified by their number."""
    return Case(
        id=row.id,
        applicant_org_id=row.applicant_org_id,
        body_org_id=row.body_org_id,
        category=row.category,
        certification_type=CertificationType(row.certification_type),
        result_id=row.result_id,
        declared_value=row.declared_value,
        state=CaseState(row.state),
        management_system_since=row.management_system_since,
        applied_on=row.applied_on,
        team=frozenset(json.loads(row.team)),
        decision_maker=row.decision_maker_user_id,
        findings=tuple(
            CaseFinding(
                f.number,
                CaseState(f.stage),
                FindingKind(f.kind),
                f.text,
                f.deadline,
                FindingStatus(f.status),
                f.answer,
                f.answer_result_id,
            )
            for f in findings
        ),
        recomputed_value=row.recomputed_value,
        certificate_expires_on=expires_on,
    )
