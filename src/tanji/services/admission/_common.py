"""What the admission services share: refusals as service errors, the decision log,
rows as the domain's :class:`~tanji.domain.admission.Case`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tanji.db.models import (
    AdmissionDatabaseRow,
    AdmissionDeclarationRow,
    AdmissionEvidenceRow,
    AdmissionReviewerRow,
    AdmissionReviewRow,
    AdmissionSectorRow,
    AdmissionSubmissionRow,
    ConsultancyDeclarationRow,
    DatabaseRow,
    OrganisationRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.admission import (
    BackgroundRecord,
    Case,
    Declaration,
    EvidenceItem,
    EvidenceKind,
    Reason,
    Relation,
    State,
    trace,
)
from tanji.services.audit import audit
from tanji.services.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RefusedError,
    refused_error,
)
from tanji.services.ledger import append

__all__ = [
    "AdmissionRefusedError",
    "admission_database",
    "case_of",
    "declarations_between",
    "evidence_items",
    "log_decision",
    "org_name",
    "record_of",
    "refused",
    "sector_of",
    "submission_row",
]


class AdmissionRefusedError(RefusedError):
    """The process refused a step (its reasons' keys and values, for the web layer)."""


def refused(reasons: Sequence[Reason]) -> ConflictError | PermissionDeniedError:
    """The service error for refused reasons: not the actor's step → permission denied."""
    return refused_error(
        reasons, not_allowed="admission.actor.not_allowed", error=AdmissionRefusedError
    )


def log_decision(
    session: Session, actor: Actor | None, kind: str, subject: str, payload: Mapping[str, Any]
) -> None:
    """Append a decision to the transparency log (issue 14, :func:`tanji.services.ledger.
    append`) with the acting organisation, in the caller's transaction, and record it in
    the audit log (who did it) with the same content. ``subject`` is
    ``admission-submission:<id>``."""
    record = {**payload, "actor_org_id": actor.org_id if actor else None}
    append(session, kind, subject, record)
    audit(session, actor, kind, "admission", subject, None, record)


def submission_row(session: Session, submission_id: int) -> AdmissionSubmissionRow:
    row = session.get(AdmissionSubmissionRow, submission_id)
    if row is None:
        raise NotFoundError(f"No submission #{submission_id}.")
    return row


def admission_database(session: Session, admission_db_id: int) -> AdmissionDatabaseRow:
    row = session.get(AdmissionDatabaseRow, admission_db_id)
    if row is None:
        raise NotFoundError(f"No background database #{admission_db_id} takes submissions.")
    return row


def sector_of(session: Session, adb: AdmissionDatabaseRow) -> AdmissionSectorRow:
    sector = session.get(AdmissionSectorRow, adb.sector_id)
    assert sector is not None
    return sector


def org_name(session: Session, org_id: int | None) -> str:
    org = session.get(OrganisationRow, org_id) if org_id is not None else None
    return org.name if org is not None else ""


def record_of(row: AdmissionSubmissionRow) -> BackgroundRecord:
    return BackgroundRecord.from_dict(json.loads(row.record))


def evidence_items(session: Session, submission_id: int) -> list[EvidenceItem]:
    rows = session.scalars(
        select(AdmissionEvidenceRow)
        .where(AdmissionEvidenceRow.submission_id == submission_id)
        .order_by(AdmissionEvidenceRow.id)
    )
    return [EvidenceItem(r.name, EvidenceKind(r.kind), r.sha256, r.calibrates) for r in rows]


def declarations_between(session: Session, org_ids: Sequence[int]) -> tuple[Declaration, ...]:
    """Every declared relation touching ``org_ids``, and the certification registry's
    consultancies (a consultant of record is a consultant here too)."""
    declared = session.scalars(
        select(AdmissionDeclarationRow).where(
            or_(
                AdmissionDeclarationRow.org_id.in_(org_ids),
                AdmissionDeclarationRow.other_org_id.in_(org_ids),
            )
        )
    )
    found = [
        Declaration(
            d.org_id,
            d.other_org_id,
            Relation(d.relation),
            f"declared by {org_name(session, d.declared_by_org_id)}",
        )
        for d in declared
    ]
    consultancies = session.scalars(
        select(ConsultancyDeclarationRow).where(
            ConsultancyDeclarationRow.enterprise_org_id.in_(org_ids),
            ConsultancyDeclarationRow.ended_on.is_(None),
        )
    )
    found.extend(
        Declaration(
            c.consultant_org_id, c.enterprise_org_id, Relation.CONSULTANT, "certification registry"
        )
        for c in consultancies
    )
    return tuple(found)


def case_of(
    session: Session, row: AdmissionSubmissionRow, rejection_reasons: Sequence[str] = ()
) -> Case:
    adb = admission_database(session, row.admission_db_id)
    reviewers = frozenset(
        session.scalars(
            select(AdmissionReviewerRow.org_id).where(
                AdmissionReviewerRow.admission_db_id == adb.id
            )
        )
    )
    reviewed = tuple(
        session.scalars(
            select(AdmissionReviewRow.reviewer_org_id)
            .where(AdmissionReviewRow.submission_id == row.id)
            .order_by(AdmissionReviewRow.id)
        )
    )
    database = session.get(DatabaseRow, adb.database_id)
    assert database is not None
    return Case(
        state=State(row.state),
        submitter_org_id=row.submitter_org_id,
        database=database.name,
        department_org_id=sector_of(session, adb).department_org_id,
        reviewer_org_ids=reviewers,
        reviewed_by=reviewed,
        minimum_reviews=adb.min_reviews,
        declarations=declarations_between(session, [row.submitter_org_id, *reviewers]),
        checks=trace(record_of(row), evidence_items(session, row.id)),
        rejection_reasons=tuple(rejection_reasons),
    )
