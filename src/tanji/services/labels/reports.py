"""Reports of suspected fake labels: anyone may send one from the public page; the
operator reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.label_tables import LabelReportRow
from tanji.domain.accounts import Actor
from tanji.services.errors import NotFoundError, invalid_field
from tanji.services.labels.issuance import label_row
from tanji.services.permissions import require

__all__ = ["FakeReport", "fake_reports", "mark_reviewed", "report_fake"]

MAX_TEXT = 2000
MAX_SHORT = 300


@dataclass(frozen=True)
class FakeReport:
    id: int
    label: str
    known_label: bool
    where_seen: str
    description: str
    contact: str
    status: str
    created_at: datetime


def report_fake(
    session: Session, label: str, *, description: str, where_seen: str = "", contact: str = ""
) -> int:
    """Store a report about label ``label`` (which may be an id the platform never
    issued: that is what a fake often carries). Returns the report's id."""
    text = description.strip()
    if not text:
        raise invalid_field("description", "Describe what looks wrong about the label.")
    if len(text) > MAX_TEXT:
        raise invalid_field("description", f"At most {MAX_TEXT} characters, please.")
    for name, value in (("where_seen", where_seen), ("contact", contact), ("label", label)):
        if len(value) > MAX_SHORT:
            raise invalid_field(name, f"At most {MAX_SHORT} characters, please.")
    row = label_row(session, label)
    report = LabelReportRow(
        label_public_id=label[:64], label_id=row.id if row else None,
        where_seen=where_seen.strip(), description=text, contact=contact.strip(),
    )  # fmt: skip
    session.add(report)
    session.flush()
    return report.id


def fake_reports(session: Session, actor: Actor, *, status: str | None = None) -> list[FakeReport]:
    """The reports, newest first: the operator's to read."""
    require(actor, "org.status")
    query = select(LabelReportRow).order_by(LabelReportRow.id.desc())
    if status is not None:
        query = query.where(LabelReportRow.status == status)
    return [
        FakeReport(
            r.id,
            r.label_public_id,
            r.label_id is not None,
            r.where_seen,
            r.description,
            r.contact,
            r.status,
            r.created_at,
        )
        for r in session.scalars(query)
    ]


def mark_reviewed(session: Session, actor: Actor, report_id: int) -> None:
    require(actor, "org.status")
    row = session.get(LabelReportRow, report_id)
    if row is None:
        raise NotFoundError(f"No report {report_id}.")
    row.status, row.reviewed_by, row.reviewed_at = "reviewed", actor.user_id, utcnow()
