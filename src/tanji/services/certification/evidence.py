"""Evidence files of a case: stored once with their SHA-256, never changed, every read
audited.

The applicant's and the body's people add evidence while the case is open. Reading is
confidential: the body's people read a case's evidence only while the case is open
(:data:`~tanji.domain.certification.process.OPEN_STATES`) and the body is in good
standing (a frozen case stays closed to it); the applicant always reads
its own; those who oversee certification read for supervision. Every read writes an
audit entry, and a file whose bytes no longer match its SHA-256 is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tanji.db.models import CertificationCaseRow, EvidenceRow
from tanji.domain.accounts import Actor
from tanji.domain.certification import CaseState, DocumentKind, standing_problems
from tanji.domain.certification.case import OPEN_STATES
from tanji.services.audit import audit
from tanji.services.certification._common import load_body, refused, today
from tanji.services.errors import ConflictError, NotFoundError, invalid_field

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "Document",
    "EvidenceFile",
    "add_evidence",
    "read_evidence",
    "store_evidence",
]

#: The largest evidence file accepted (a scanned licence, a flow chart, site photos).
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
_MAY_ADD = ("certification.apply", "certification.work")


@dataclass(frozen=True)
class Document:
    """A file handed in: its kind (a :class:`DocumentKind` value), name, type, bytes."""

    kind: str
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    case_id: int
    kind: str
    filename: str
    media_type: str
    sha256: str
    content: bytes


def store_evidence(session: Session, actor: Actor, case_id: int, document: Document) -> int:
    """Store one file of case ``case_id`` (the caller checked the actor may add it)."""
    try:
        DocumentKind(document.kind)
    except ValueError:
        raise invalid_field("kind", f"{document.kind!r} is not a kind of document.") from None
    if not document.filename.strip():
        raise invalid_field("filename", "The file needs a name.")
    if len(document.content) > MAX_EVIDENCE_BYTES:
        raise invalid_field(
            "content", f"{document.filename}: larger than {MAX_EVIDENCE_BYTES} bytes."
        )
    digest = hashlib.sha256(document.content).hexdigest()
    row = EvidenceRow(
        case_id=case_id,
        kind=document.kind,
        filename=document.filename.strip(),
        media_type=document.media_type or "application/octet-stream",
        sha256=digest,
        size=len(document.content),
        content=document.content,
        uploaded_by=actor.user_id,
        uploaded_org_id=actor.org_id,
    )
    session.add(row)
    session.flush()
    after = {"case_id": case_id, "kind": row.kind, "filename": row.filename, "sha256": digest,
             "size": row.size}  # fmt: skip
    audit(
        session, actor, "certification.evidence-add", "certification_evidence", row.id, None, after
    )
    return row.id


def _case(session: Session, case_id: int) -> CertificationCaseRow:
    case = session.get(CertificationCaseRow, case_id)
    if case is None:
        raise NotFoundError(f"No certification case {case_id}.")
    return case


def add_evidence(session: Session, actor: Actor, case_id: int, document: Document) -> int:
    """The applicant or the body adds a file to an open case. Returns its id."""
    case = _case(session, case_id)
    party = actor.org_id in (case.applicant_org_id, case.body_org_id)
    if not party or not any(actor.can(a) for a in _MAY_ADD):
        raise NotFoundError(f"No certification case {case_id}.")
    if CaseState(case.state) not in OPEN_STATES:
        raise ConflictError(f"Case {case_id} is closed; evidence can no longer be added.")
    _body_may_act(session, actor, case)
    return store_evidence(session, actor, case_id, document)


def _body_may_act(session: Session, actor: Actor, case: CertificationCaseRow) -> None:
    """A body not in good standing neither adds to nor reads its frozen cases."""
    if actor.org_id == case.body_org_id:
        problems = standing_problems(load_body(session, case.body_org_id), today())
        if problems:
            raise refused(problems)


def read_evidence(session: Session, actor: Actor, evidence_id: int) -> EvidenceFile:
    """One evidence file, if ``actor`` may read it now; the read is audited."""
    row = session.get(EvidenceRow, evidence_id)
    if row is None:
        raise NotFoundError(f"No evidence file {evidence_id}.")
    case = _case(session, row.case_id)
    applicant = actor.org_id == case.applicant_org_id and actor.can("certification.apply")
    body = (
        actor.org_id == case.body_org_id
        and actor.can("certification.work")
        and CaseState(case.state) in OPEN_STATES
    )
    if not (applicant or body or actor.can("certification.oversee")):
        raise NotFoundError(f"No evidence file {evidence_id}.")
    if body:
        _body_may_act(session, actor, case)
    if hashlib.sha256(row.content).hexdigest() != row.sha256:
        raise ConflictError(
            f"Evidence file {evidence_id} does not match its SHA-256; it was altered."
        )
    audit(
        session, actor, "certification.evidence-read", "certification_evidence", row.id, None,
        {"case_id": case.id, "sha256": row.sha256},
    )  # fmt: skip
    return EvidenceFile(
        row.id, case.id, row.kind, row.filename, row.media_type, row.sha256, row.content
    )
