"""Submitting shared data, and reading a submission with the right eyes.

An enterprise or association submits a record (an LCI activity, an emission factor, or
one of its footprint results) with its evidence files (each stored once with its
SHA-256), its data-quality ratings and the database it is meant for. The record is
compared with existing records of the same product and geography at once, so the
reviewers see the outliers. Who reads what:

- the submitter, the database's registered reviewers and the sector's department see
  the whole record and may read the evidence files (every read is audited);
- anyone else sees the public record: confidential fields withheld, evidence by name
  and SHA-256 only, and only once the record is admitted;
- reviewers are anonymous to the submitter when the database says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import (
    AdmissionEvidenceRow,
    AdmissionReviewerRow,
    AdmissionReviewRow,
    AdmissionSubmissionRow,
    DatabaseRow,
    DatabaseVersionRow,
    FactorRecordRow,
    FactorVersionRow,
    FootprintResultRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.admission import (
    AdmissionError,
    BackgroundRecord,
    Comparable,
    Comparison,
    EvidenceKind,
    Reason,
    RecordKind,
    State,
    TraceCheck,
    compare,
    next_state,
    public_view,
    refusals,
)
from tanji.services.admission._common import (
    admission_database,
    case_of,
    log_decision,
    org_name,
    record_of,
    refused,
    sector_of,
    submission_row,
)
from tanji.services.admission.unit_process import unresolved
from tanji.services.audit import audit
from tanji.services.errors import NotFoundError, invalid_field
from tanji.services.permissions import require

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "EvidenceFile",
    "ReviewView",
    "SubmissionSummary",
    "SubmissionView",
    "comparables",
    "list_submissions",
    "read_evidence",
    "submission",
    "submit",
    "withdraw",
]

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class EvidenceFile:
    """A file handed in: its name, kind, what it calibrates (a metering point's file
    name, for a calibration certificate), media type and bytes."""

    name: str
    kind: str
    content: bytes
    media_type: str = "application/octet-stream"
    calibrates: str = ""


def _check_files(files: Sequence[EvidenceFile]) -> None:
    if not files:
        raise AdmissionError((Reason("admission.evidence.missing"),))
    names = set()
    for i, f in enumerate(files):
        if not f.name.strip():
            raise invalid_field(f"evidence[{i}].name", "The file needs a name.")
        if f.name in names:
            raise invalid_field(f"evidence[{i}].name", f"{f.name}: handed in twice.")
        names.add(f.name)
        try:
            EvidenceKind(f.kind)
        except ValueError:
            raise invalid_field(
                f"evidence[{i}].kind",
                f"{f.name}: {f.kind!r} is not one of {', '.join(k.value for k in EvidenceKind)}.",
            ) from None
        if not f.content:
            raise invalid_field(f"evidence[{i}].content", f"{f.name}: the file is empty.")
        if len(f.content) > MAX_EVIDENCE_BYTES:
            raise invalid_field(
                f"evidence[{i}].content", f"{f.name}: larger than {MAX_EVIDENCE_BYTES} bytes."
            )


def comparables(session: Session, record: BackgroundRecord) -> list[Comparable]:
    """The latest version of every stored factor of the same product and geography,
    stated as CO2e under the record's GWP basis (per-gas factors are not restated)."""
    latest = (
        select(FactorVersionRow.record_id, func.max(FactorVersionRow.version).label("v"))
        .group_by(FactorVersionRow.record_id)
        .subquery()
    )
    rows = session.execute(
        select(FactorVersionRow, FactorRecordRow.code, DatabaseRow.name)
        .join(latest, (latest.c.record_id == FactorVersionRow.record_id)
              & (latest.c.v == FactorVersionRow.version))
        .join(FactorRecordRow, FactorRecordRow.id == FactorVersionRow.record_id)
        .join(DatabaseRow, DatabaseRow.id == FactorRecordRow.database_id)
        .where(FactorVersionRow.product_code == record.product,
               FactorVersionRow.geography == record.geography,
               FactorVersionRow.unit == record.unit,
               FactorVersionRow.co2e.is_not(None),
               FactorVersionRow.gwp_basis == record.gwp_basis)
        .order_by(DatabaseRow.name, FactorRecordRow.code)
    )  # fmt: skip
    return [
        Comparable(
            f"{name}:{code}@{row.version}",
            float(row.co2e),
            row.gsd if row.distribution == "lognormal" else None,
        )
        for row, code, name in rows
        if row.co2e is not None
    ]


def _comparison_dict(comparison: Comparison) -> dict[str, Any]:
    return {
        "n": len(comparison.comparables),
        "comparables": [
            {"ref": c.ref, "value": c.value, "gsd": c.gsd} for c in comparison.comparables
        ],
        "q1": comparison.q1,
        "q3": comparison.q3,
        "low_fence": comparison.low_fence,
        "high_fence": comparison.high_fence,
        "outside_fences": comparison.outside_fences,
        "disagreeing": list(comparison.disagreeing),
        "outlier": comparison.outlier,
    }


def _check_result(session: Session, actor: Actor, record: BackgroundRecord) -> None:
    if record.kind is not RecordKind.FOOTPRINT_RESULT or record.result_id is None:
        return
    result = session.get(FootprintResultRow, record.result_id)
    if result is None or result.org_id != actor.org_id:
        raise AdmissionError((Reason("admission.result.not_own", {"result_id": record.result_id}),))


def submit(
    session: Session,
    actor: Actor,
    admission_db_id: int,
    record: BackgroundRecord,
    files: Sequence[EvidenceFile],
) -> int:
    """Hand in ``record`` for the database with its evidence files; returns its id."""
    require(actor, "admission.submit")
    adb = admission_database(session, admission_db_id)
    _check_files(files)
    _check_result(session, actor, record)
    database = session.get(DatabaseRow, adb.database_id)
    if database is not None and database.kind == "lci":
        problems = unresolved(session, database, record)
        if problems:
            raise AdmissionError(tuple(problems))
    comparison = compare(record.co2e, record.gsd, comparables(session, record))
    row = AdmissionSubmissionRow(
        admission_db_id=adb.id,
        submitter_org_id=actor.org_id,
        submitted_by=actor.user_id,
        kind=record.kind.value,
        code=record.code,
        product=record.product,
        geography=record.geography,
        record=json.dumps(record.as_dict(), ensure_ascii=False, sort_keys=True),
        state=State.IN_REVIEW.value,
        comparison=json.dumps(_comparison_dict(comparison)),
    )
    session.add(row)
    session.flush()
    hashes = []
    for f in files:
        digest = hashlib.sha256(f.content).hexdigest()
        hashes.append({"name": f.name, "kind": f.kind, "sha256": digest})
        session.add(
            AdmissionEvidenceRow(
                submission_id=row.id,
                name=f.name.strip(),
                kind=f.kind,
                calibrates=f.calibrates,
                media_type=f.media_type or "application/octet-stream",
                sha256=digest,
                size=len(f.content),
                content=f.content,
                uploaded_by=actor.user_id,
            )
        )
    session.flush()
    log_decision(session, actor, "admission.submit", f"admission-submission:{row.id}", {
        "database_id": adb.database_id, "kind": record.kind.value, "code": record.code,
        "submitter_org_id": actor.org_id, "evidence": hashes,
        "outlier": comparison.outlier,
    })  # fmt: skip
    return row.id


def withdraw(session: Session, actor: Actor, submission_id: int) -> None:
    row = submission_row(session, submission_id)
    reasons = refusals(case_of(session, row), "withdraw", actor.org_id)
    if reasons:
        raise refused(reasons)
    row.state = next_state(State(row.state), "withdraw").value
    row.decided_at = utcnow()
    row.decided_by = actor.user_id
    session.flush()
    log_decision(session, actor, "admission.withdraw", f"admission-submission:{row.id}", {})


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewView:
    reviewer: str  # the organisation's name, or "Reviewer n" when anonymous to the reader
    completeness: int
    representativeness: int
    consistency: int
    dqr: tuple[int, int, int, int]
    recommendation: str
    summary: str
    comments: dict[str, str]


@dataclass(frozen=True)
class SubmissionSummary:
    id: int
    database: str
    sector: str
    submitter: str
    kind: str
    code: str
    product: str
    geography: str
    state: str
    reviews: int
    min_reviews: int
    outlier: bool
    created_at: str


@dataclass(frozen=True)
class SubmissionView:
    summary: SubmissionSummary
    record: dict[str, Any]  # whole for those who may see it, public view for others
    full: bool  # whether the reader sees the confidential fields
    evidence: tuple[dict[str, Any], ...]
    reviews: tuple[ReviewView, ...]
    checks: tuple[TraceCheck, ...]
    comparison: dict[str, Any]
    decision_reasons: tuple[str, ...]
    database_version: str | None
    roles: frozenset[str]  # the reader's parties: submitter, reviewer, department


def _roles(session: Session, actor: Actor | None, row: AdmissionSubmissionRow) -> frozenset[str]:
    if actor is None:
        return frozenset()
    adb = admission_database(session, row.admission_db_id)
    roles = set()
    if actor.org_id == row.submitter_org_id:
        roles.add("submitter")
    if actor.org_id == sector_of(session, adb).department_org_id:
        roles.add("department")
    if actor.org_id != row.submitter_org_id and session.scalar(
        select(AdmissionReviewerRow.id).where(
            AdmissionReviewerRow.admission_db_id == adb.id,
            AdmissionReviewerRow.org_id == actor.org_id,
        )
    ):
        roles.add("reviewer")
    if actor.is_platform_admin:
        roles.add("operator")
    return frozenset(roles)


def _summary(session: Session, row: AdmissionSubmissionRow) -> SubmissionSummary:
    adb = admission_database(session, row.admission_db_id)
    database = session.get(DatabaseRow, adb.database_id)
    assert database is not None
    reviews = session.scalar(select(func.count()).where(AdmissionReviewRow.submission_id == row.id))
    return SubmissionSummary(
        id=row.id,
        database=database.name,
        sector=sector_of(session, adb).code,
        submitter=org_name(session, row.submitter_org_id),
        kind=row.kind,
        code=row.code,
        product=row.product,
        geography=row.geography,
        state=row.state,
        reviews=reviews or 0,
        min_reviews=adb.min_reviews,
        outlier=bool(json.loads(row.comparison or "{}").get("outlier")),
        created_at=row.created_at.isoformat(timespec="seconds"),
    )


def _reviews(
    session: Session, row: AdmissionSubmissionRow, anonymous: bool
) -> tuple[ReviewView, ...]:
    rows = session.scalars(
        select(AdmissionReviewRow)
        .where(AdmissionReviewRow.submission_id == row.id)
        .order_by(AdmissionReviewRow.id)
    )
    views = []
    for n, r in enumerate(rows, start=1):
        ter, ger, tir, p = (int(v) for v in r.dqr.split(","))
        views.append(
            ReviewView(
                reviewer=f"Reviewer {n}" if anonymous else org_name(session, r.reviewer_org_id),
                completeness=r.completeness,
                representativeness=r.representativeness,
                consistency=r.consistency,
                dqr=(ter, ger, tir, p),
                recommendation=r.recommendation,
                summary=r.summary,
                comments=json.loads(r.comments),
            )
        )
    return tuple(views)


def submission(session: Session, actor: Actor | None, submission_id: int) -> SubmissionView:
    """A submission as ``actor`` may see it (``None``: anyone, admitted records only)."""
    row = submission_row(session, submission_id)
    roles = _roles(session, actor, row)
    if not roles and row.state != State.ADMITTED.value:
        raise NotFoundError(f"No submission #{submission_id}.")
    adb = admission_database(session, row.admission_db_id)
    record = record_of(row)
    full = bool(roles)
    anonymous = adb.anonymous_reviews and roles <= {"submitter"}
    evidence = session.scalars(
        select(AdmissionEvidenceRow)
        .where(AdmissionEvidenceRow.submission_id == row.id)
        .order_by(AdmissionEvidenceRow.id)
    )
    version = None
    if row.database_version_id is not None:
        dbv = session.get(DatabaseVersionRow, row.database_version_id)
        version = dbv.version if dbv is not None else None
    return SubmissionView(
        summary=_summary(session, row),
        record=record.as_dict() if full else public_view(record),
        full=full,
        evidence=tuple(
            {
                "id": e.id,
                "name": e.name,
                "kind": e.kind,
                "sha256": e.sha256,
                "size": e.size,
                "calibrates": e.calibrates,
            }
            for e in evidence
        ),
        reviews=_reviews(session, row, anonymous) if full else (),
        checks=case_of(session, row).checks if full else (),
        comparison=json.loads(row.comparison or "{}") if full else {},
        decision_reasons=tuple(json.loads(row.decision_reasons or "[]")),
        database_version=version,
        roles=roles,
    )


def list_submissions(session: Session, actor: Actor) -> list[SubmissionSummary]:
    """The submissions ``actor``'s organisation takes part in: its own, those it may
    review (registered reviewer, not the submitter) and those of its sectors."""
    rows = session.scalars(
        select(AdmissionSubmissionRow).order_by(AdmissionSubmissionRow.id.desc())
    )
    return [
        _summary(session, r) for r in rows if actor.is_platform_admin or _roles(session, actor, r)
    ]


def read_evidence(
    session: Session, actor: Actor, submission_id: int, evidence_id: int
) -> tuple[AdmissionEvidenceRow, bytes]:
    """An evidence file's bytes, for the submitter, the reviewers and the department;
    audited; refused when the bytes no longer match their SHA-256."""
    row = submission_row(session, submission_id)
    if not _roles(session, actor, row):
        raise NotFoundError(f"No submission #{submission_id}.")
    evidence = session.get(AdmissionEvidenceRow, evidence_id)
    if evidence is None or evidence.submission_id != row.id:
        raise NotFoundError(f"No evidence #{evidence_id} in submission #{submission_id}.")
    if hashlib.sha256(evidence.content).hexdigest() != evidence.sha256:
        raise NotFoundError(f"Evidence {evidence.name}: its bytes no longer match its SHA-256.")
    audit(session, actor, "admission.evidence.read", "admission_evidence", evidence.id, None,
          {"submission_id": row.id, "sha256": evidence.sha256})  # fmt: skip
    return evidence, evidence.content
