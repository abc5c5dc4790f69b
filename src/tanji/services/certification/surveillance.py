"""Surveillance reminders (获证后监督): which valid certificates owe a surveillance soon
or are overdue (:mod:`tanji.domain.certification.surveillance` says when one is due),
the list a body's (or holder's) workspace shows, and the scheduler's sweep that leaves
one reminder per certificate and due date for the body and the holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tanji.db.models import (
    CaseEventRow,
    CertificateRow,
    OrganisationRow,
    SurveillanceReminderRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.certification import Action
from tanji.domain.certification.surveillance import Due, next_due
from tanji.services.certification._common import today
from tanji.services.certification.notifications import notify
from tanji.services.errors import invalid_field
from tanji.services.permissions import require

__all__ = ["DEFAULT_LEAD_DAYS", "UpcomingSurveillance", "send_reminders", "upcoming_surveillance"]

#: How many days ahead a reminder goes out (and the workspace looks) by default.
DEFAULT_LEAD_DAYS = 30


@dataclass(frozen=True)
class UpcomingSurveillance:
    certificate_id: int
    number: str
    product_name: str
    holder_org_id: int
    holder_name: str
    body_org_id: int
    case_id: int
    due_on: date
    overdue: bool
    days_left: int


def _started(session: Session, case_id: int) -> list[date]:
    rows = session.scalars(
        select(CaseEventRow.at).where(
            CaseEventRow.case_id == case_id,
            CaseEventRow.action == Action.START_SURVEILLANCE.value,
        )
    )
    return [at.date() for at in rows]


def _due(session: Session, certificate: CertificateRow, day: date) -> Due | None:
    return next_due(
        certificate.issued_on, certificate.expires_on, _started(session, certificate.case_id), day
    )


def _owing(
    session: Session, day: date, within_days: int, *, org_id: int | None = None
) -> list[tuple[CertificateRow, Due]]:
    if not 0 <= within_days <= 3660:
        raise invalid_field("within_days", "Give a number of days from 0 to 3660.")
    query = select(CertificateRow).where(CertificateRow.status == "valid")
    if org_id is not None:
        query = query.where(
            (CertificateRow.body_org_id == org_id) | (CertificateRow.holder_org_id == org_id)
        )
    horizon = day + timedelta(days=within_days)
    out = []
    for certificate in session.scalars(query.order_by(CertificateRow.id)):
        due = _due(session, certificate, day)
        if due is not None and due.on <= horizon:
            out.append((certificate, due))
    return out


def upcoming_surveillance(
    session: Session,
    actor: Actor,
    *,
    within_days: int = 60,
    on: date | None = None,
) -> list[UpcomingSurveillance]:
    """Certificates issued by, or held by, the actor's organisation whose surveillance
    is due within ``within_days`` or overdue, soonest first; those who oversee
    certification see every one."""
    require(actor, "product.read")
    oversee = actor.can("certification.oversee")
    owing = _owing(session, on or today(), within_days, org_id=None if oversee else actor.org_id)
    names: dict[int, str] = dict(
        session.execute(select(OrganisationRow.id, OrganisationRow.name)).all()
    )
    found = [
        UpcomingSurveillance(
            c.id,
            c.number,
            c.product_name,
            c.holder_org_id,
            names.get(c.holder_org_id, ""),
            c.body_org_id,
            c.case_id,
            due.on,
            due.overdue,
            due.days_left,
        )
        for c, due in owing
    ]
    return sorted(found, key=lambda u: (u.due_on, u.number))


def send_reminders(
    session: Session, *, within_days: int = DEFAULT_LEAD_DAYS, on: date | None = None
) -> list[tuple[str, date, bool]]:
    """The scheduler's sweep: for every valid certificate whose surveillance is due
    within ``within_days`` (or overdue) and not yet reminded for that due date, a notice
    to the body and to the holder. Idempotent: one reminder per certificate and due
    date. Returns (certificate number, due date, overdue) of the reminders sent."""
    day = on or today()
    sent = []
    for certificate, due in _owing(session, day, within_days):
        already = session.scalar(
            select(SurveillanceReminderRow.id).where(
                SurveillanceReminderRow.certificate_id == certificate.id,
                SurveillanceReminderRow.due_on == due.on,
            )
        )
        if already is not None:
            continue
        try:
            with session.begin_nested():
                session.add(
                    SurveillanceReminderRow(
                        certificate_id=certificate.id, due_on=due.on, overdue=due.overdue
                    )
                )
        except IntegrityError:  # a concurrent sweep sent it
            continue
        kind = "surveillance-overdue" if due.overdue else "surveillance-due"
        for org_id in (certificate.body_org_id, certificate.holder_org_id):
            notify(
                session, org_id, kind, case_id=certificate.case_id,
                certificate=certificate.number, due=due.on.isoformat(),
            )  # fmt: skip
        sent.append((certificate.number, due.on, due.overdue))
    return sent
