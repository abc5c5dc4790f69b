"""In-app notifications: every step of a case that leaves it waiting on someone leaves
a notice for them — the body (a new application, a case to plan), the team (a stage to
work, an answer to review), the decision-maker (a decision to take), the enterprise (a
finding to answer, a decision made, a certificate's status changed).

A notice is addressed to an organisation, or to one person in it (a team member, the
decision-maker). ``kind`` is a message key the web layer translates; ``params`` its
values. Green supply chains and the service hub leave their notices here too
(:data:`SUPPLY_KINDS`, docs/supply-chains.md; ``service-request``). Each new notice's id
is kept in the session (:data:`PENDING_MAIL`): once the transaction has committed,
:func:`tanji.services.certification.mailing.deliver` sends its e-mail copy (never
before, so a failed send cannot roll the case back).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import CertificationCaseRow, NotificationRow
from tanji.domain.accounts import Actor
from tanji.domain.certification import Action, CaseFinding, FindingKind
from tanji.domain.certification.case import OPEN_STATES, CaseState
from tanji.services.errors import NotFoundError

__all__ = [
    "KINDS",
    "PENDING_MAIL",
    "SUPPLY_KINDS",
    "Notice",
    "mark_all_read",
    "mark_read",
    "notices",
    "notify",
    "notify_frozen",
    "notify_step",
    "unread_count",
]

#: Notices of green supply chains (a footprint request, its answer, its refusal, a
#: reminder): ``params["supply_request"]`` names the request; no case.
SUPPLY_KINDS = ("supply-request", "supply-answered", "supply-refused", "supply-reminder")
#: Every kind of notice (the web layer has a sentence for each; a test checks it).
KINDS = (
    "application", "accepted", "plan", "not-accepted", "review", "finding", "observation",
    "answered", "closed", "inspection", "verification", "decision", "granted", "refused",
    "surveillance", "surveillance-done", "suspended", "reinstated", "withdrawn", "expired",
    "cancelled", "frozen", "body-status", "surveillance-due", "surveillance-overdue",
    "service-request",
    "contact-request", "contact-reply",  # the public directory's buyers and suppliers
    # green supply chains (tanji.services.supply): params carry the request's id
    *SUPPLY_KINDS,
)  # fmt: skip
#: The key in ``Session.info`` under which new notices wait for their e-mail copy.
PENDING_MAIL = "tanji.pending_notice_mail"
_APPLICANT_NOTICE = {
    Action.NOT_ACCEPT: "not-accepted", Action.GRANT: "granted", Action.REFUSE: "refused",
    Action.COMPLETE_SURVEILLANCE: "surveillance-done", Action.SUSPEND: "suspended",
    Action.REINSTATE: "reinstated", Action.WITHDRAW: "withdrawn", Action.EXPIRE: "expired",
    Action.CLOSE_FINDING: "closed",
}  # fmt: skip
_TEAM_NOTICE = {
    Action.PLAN: "review", Action.COMPLETE_DOCUMENT_REVIEW: "inspection",
    Action.COMPLETE_INSPECTION: "verification", Action.ANSWER_FINDING: "answered",
    Action.START_SURVEILLANCE: "surveillance",
}  # fmt: skip


@dataclass(frozen=True)
class Notice:
    id: int
    kind: str
    params: dict[str, Any]
    case_id: int | None
    created_at: datetime
    read: bool


def notify(
    session: Session,
    org_id: int,
    kind: str,
    *,
    case_id: int | None = None,
    user_id: int | None = None,
    **params: Any,
) -> None:
    """Leave a notice for ``org_id`` (or only ``user_id`` of it)."""
    assert kind in KINDS, kind
    text = json.dumps(params | {"case": case_id}, ensure_ascii=False, sort_keys=True, default=str)
    row = NotificationRow(org_id=org_id, user_id=user_id, case_id=case_id, kind=kind, params=text)
    session.add(row)
    session.flush()
    pending = session.info.get(PENDING_MAIL)
    if pending is None:  # the first notice of this session: forget them on a rollback
        pending = session.info[PENDING_MAIL] = []
        event.listen(session, "after_rollback", _forget_pending)
    pending.append(row.id)


def _forget_pending(session: Session) -> None:
    """A rolled-back notice is no notice: its e-mail must not go out."""
    session.info.get(PENDING_MAIL, []).clear()


def notify_step(
    session: Session, row: CertificationCaseRow, action: Action, findings: Sequence[CaseFinding]
) -> None:
    """The notices a step leaves, by who waits after it."""
    case_id, team = row.id, json.loads(row.team)
    if action is Action.ACCEPT:
        notify(session, row.applicant_org_id, "accepted", case_id=case_id)
        notify(session, row.body_org_id, "plan", case_id=case_id)
    elif action is Action.RAISE_FINDING and findings:
        latest = findings[-1]
        kind = "finding" if latest.kind is FindingKind.NONCONFORMITY else "observation"
        notify(
            session, row.applicant_org_id, kind, case_id=case_id, finding=latest.id,
            deadline=latest.deadline,
        )  # fmt: skip
    elif action is Action.COMPLETE_VERIFICATION and row.decision_maker_user_id is not None:
        notify(session, row.body_org_id, "decision", case_id=case_id,
               user_id=row.decision_maker_user_id)  # fmt: skip
    elif action is Action.CANCEL:
        notify(session, row.body_org_id, "cancelled", case_id=case_id)
    if action in _APPLICANT_NOTICE:
        notify(session, row.applicant_org_id, _APPLICANT_NOTICE[action], case_id=case_id)
    if action in _TEAM_NOTICE:
        for user_id in team:
            notify(session, row.body_org_id, _TEAM_NOTICE[action], case_id=case_id,
                   user_id=user_id)  # fmt: skip
    if action is Action.START_SURVEILLANCE:
        notify(session, row.applicant_org_id, "surveillance", case_id=case_id)


def notify_frozen(session: Session, body_org_id: int, status: str) -> None:
    """A body's standing changed: it is told, and so is every applicant whose open case
    with it freezes (or thaws)."""
    notify(session, body_org_id, "body-status", status=status)
    open_cases = session.scalars(
        select(CertificationCaseRow).where(
            CertificationCaseRow.body_org_id == body_org_id,
            CertificationCaseRow.state.in_([s.value for s in OPEN_STATES | {CaseState.CERTIFIED}]),
        )
    )
    for case in open_cases:
        notify(session, case.applicant_org_id, "frozen", case_id=case.id, status=status)


def _mine(actor: Actor) -> Any:
    return (NotificationRow.org_id == actor.org_id) & or_(
        NotificationRow.user_id.is_(None), NotificationRow.user_id == actor.user_id
    )


def unread_count(session: Session, actor: Actor) -> int:
    """How many notices addressed to ``actor`` are unread (the navigation's count)."""
    query = select(func.count(NotificationRow.id)).where(
        _mine(actor), NotificationRow.read_at.is_(None)
    )
    return int(session.scalar(query) or 0)


def notices(session: Session, actor: Actor, *, limit: int = 100) -> list[Notice]:
    """The notices addressed to ``actor``, newest first."""
    rows = session.scalars(
        select(NotificationRow).where(_mine(actor)).order_by(NotificationRow.id.desc()).limit(limit)
    )
    return [
        Notice(r.id, r.kind, json.loads(r.params), r.case_id, r.created_at, r.read_at is not None)
        for r in rows
    ]


def mark_read(session: Session, actor: Actor, notice_id: int) -> None:
    row = session.get(NotificationRow, notice_id)
    if row is None or row.org_id != actor.org_id or row.user_id not in (None, actor.user_id):
        raise NotFoundError(f"No notification {notice_id}.")
    if row.read_at is None:
        row.read_at = utcnow()
        session.flush()


def mark_all_read(session: Session, actor: Actor) -> int:
    """Mark every unread notice of ``actor`` read; returns how many."""
    result = session.execute(
        update(NotificationRow)
        .where(_mine(actor), NotificationRow.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
