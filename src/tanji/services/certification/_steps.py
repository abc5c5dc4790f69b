"""How a step of the process is applied to a stored case: who the actor is to the case,
locking and rebuilding it, applying the domain's table, writing the new state, the
findings, the event (the case's history), the certificate's status and the audit entry.

The intentions in :mod:`.cases` call :func:`take_step`; nothing else writes a case.
"""

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import (
    CaseEventRow,
    CaseFindingRow,
    CertificateRow,
    CertificationCaseRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.certification import (
    Applied,
    CaseRole,
    CaseState,
    CertificateStatus,
    Context,
    Step,
    apply,
    qualified_staff,
)
from tanji.services.audit import audit
from tanji.services.certification._common import (
    case_value,
    declarations_about,
    load_body,
    refused,
    today,
)
from tanji.services.errors import NotFoundError
from tanji.services.ledger.hooks import certificate_status_changed

APPLY, WORK, OVERSEE = "certification.apply", "certification.work", "certification.oversee"
_CERTIFICATE_STATUS = {
    CaseState.CERTIFIED: CertificateStatus.VALID,
    CaseState.SURVEILLANCE: CertificateStatus.VALID,
    CaseState.SUSPENDED: CertificateStatus.SUSPENDED,
    CaseState.WITHDRAWN: CertificateStatus.WITHDRAWN,
    CaseState.EXPIRED: CertificateStatus.EXPIRED,
    CaseState.CANCELLED: CertificateStatus.CANCELLED,
}


def visible_case(session: Session, actor: Actor, case_id: int) -> CertificationCaseRow:
    """The case if ``actor`` may see it; else :class:`NotFoundError`."""
    row = session.get(CertificationCaseRow, case_id)
    if row is None or not _may_see(actor, row):
        raise NotFoundError(f"No certification case {case_id}.")
    return row


def _may_see(actor: Actor, row: CertificationCaseRow) -> bool:
    if actor.can(OVERSEE):
        return True
    return actor.org_id in (row.applicant_org_id, row.body_org_id) and (
        actor.can(APPLY) or actor.can(WORK) or actor.can("product.read")
    )


def case_events(session: Session, actor: Actor, case_id: int) -> list[dict[str, Any]]:
    """The case's history, oldest first."""
    visible_case(session, actor, case_id)
    rows = session.scalars(
        select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.id)
    )
    return [
        {
            "action": r.action,
            "source": r.source,
            "target": r.target,
            "user_id": r.user_id,
            "at": r.at,
            "record": json.loads(r.record),
        }
        for r in rows
    ]


def certificate_of(session: Session, case_id: int) -> CertificateRow | None:
    return session.scalar(select(CertificateRow).where(CertificateRow.case_id == case_id))


def roles_of(actor: Actor | None, row: CertificationCaseRow) -> frozenset[CaseRole]:
    if actor is None:
        return frozenset({CaseRole.SYSTEM})
    roles = set()
    if actor.org_id == row.applicant_org_id and actor.can(APPLY):
        roles.add(CaseRole.APPLICANT)
    if actor.org_id == row.body_org_id and actor.can(WORK):
        roles.add(CaseRole.BODY)
        if actor.user_id in json.loads(row.team):
            roles.add(CaseRole.TEAM)
        if actor.user_id == row.decision_maker_user_id:
            roles.add(CaseRole.DECISION_MAKER)
    return frozenset(roles)


def findings_of(session: Session, case_id: int) -> list[CaseFindingRow]:
    return list(
        session.scalars(
            select(CaseFindingRow)
            .where(CaseFindingRow.case_id == case_id)
            .order_by(CaseFindingRow.number)
        )
    )


def take_step(
    session: Session, actor: Actor | None, case_id: int, step: Step, *, on: date | None = None
) -> tuple[CertificationCaseRow, Applied]:
    if actor is not None:
        row = visible_case(session, actor, case_id)
    else:
        found = session.get(CertificationCaseRow, case_id)
        if found is None:
            raise NotFoundError(f"No certification case {case_id}.")
        row = found
    session.refresh(row, with_for_update=True)
    day = on or today()
    findings = findings_of(session, row.id)
    certificate = certificate_of(session, row.id)
    body = load_body(session, row.body_org_id)
    context = Context(
        user_id=actor.user_id if actor else None,
        roles=roles_of(actor, row),
        body=body,
        on=day,
        declarations=declarations_about(session, row.applicant_org_id),
        qualified_user_ids=frozenset(
            p.user_id for p in qualified_staff(body, day) if p.user_id is not None
        ),
    )
    outcome = apply(
        case_value(row, findings, certificate.expires_on if certificate else None), step, context
    )
    if not isinstance(outcome, Applied):
        raise refused(outcome.reasons)
    before = {"state": row.state}
    _write(session, row, findings, outcome, actor)
    add_event(
        session, row.id, step.action.value, CaseState(before["state"]), outcome.case.state,
        context.user_id, dict(outcome.event.record),
    )  # fmt: skip
    if certificate is not None and outcome.case.state in _CERTIFICATE_STATUS:
        status_before = certificate.status
        certificate.status = _CERTIFICATE_STATUS[outcome.case.state].value
        certificate.status_changed_at = utcnow()
        certificate_status_changed(session, certificate, step.action.value, status_before)
    audit(
        session, actor, f"certification.{step.action.value}", "certification_case", row.id,
        before, {"state": row.state, **jsonable(outcome.event.record)},
    )  # fmt: skip
    return row, outcome


def _write(
    session: Session,
    row: CertificationCaseRow,
    findings: list[CaseFindingRow],
    outcome: Applied,
    actor: Actor | None,
) -> None:
    case = outcome.case
    row.state = case.state.value
    row.team = json.dumps(sorted(case.team))
    row.decision_maker_user_id = case.decision_maker
    row.recomputed_value = case.recomputed_value
    stored = {f.number: f for f in findings}
    now, user = utcnow(), actor.user_id if actor else None
    for finding in case.findings:
        existing = stored.get(finding.id)
        if existing is None:
            session.add(
                CaseFindingRow(
                    case_id=row.id, number=finding.id, stage=finding.stage.value,
                    kind=finding.kind.value, text=finding.text, deadline=finding.deadline,
                    status=finding.status.value, raised_by=user, raised_at=now,
                )
            )  # fmt: skip
        elif existing.status != finding.status.value:
            if finding.status.value == "answered":
                existing.answer, existing.answer_result_id = (
                    finding.answer,
                    finding.answer_result_id,
                )
                existing.answered_by, existing.answered_at = user, now
            else:
                existing.closed_by, existing.closed_at = user, now
            existing.status = finding.status.value
    session.flush()


def add_event(
    session: Session,
    case_id: int,
    action: str,
    source: CaseState | None,
    target: CaseState,
    user_id: int | None,
    record: dict[str, Any],
) -> None:
    session.add(
        CaseEventRow(
            case_id=case_id,
            action=action,
            source=source.value if source else "",
            target=target.value,
            user_id=user_id,
            record=json.dumps(jsonable(record), ensure_ascii=False, sort_keys=True),
        )
    )
    session.flush()


def jsonable(record: Any) -> Any:
    return json.loads(json.dumps(record, default=str))
