"""Certification cases: one function per intention, each applying one row of the
process table (:data:`tanji.domain.certification.TRANSITIONS`) to a stored case.

Every step locks the case's row, rebuilds the domain case, works out who the actor is
to the case (applicant, body, team, decision-maker), applies the step and writes the
new state, the event (the case's history) and an audit entry — or raises
:class:`~tanji.services.certification._common.CertificationRefusedError` with the
domain's reasons. Callers own the transaction.

Who may see a case: the applicant's and the body's people, and those who oversee
certification. Anyone else is told it does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tanji.db.models import (
    CertificateRow,
    CertificationCaseRow,
    FootprintResultRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.certification import (
    Action,
    CaseFinding,
    CaseRole,
    CaseState,
    Certificate,
    CertificationType,
    DocumentKind,
    FindingKind,
    Reason,
    Step,
    application_problems,
    certificate_number,
    expiry_date,
    standing_problems,
)
from tanji.domain.certification.certificates import parse_certificate_number
from tanji.domain.rules import Severity
from tanji.services import results
from tanji.services.audit import audit
from tanji.services.background import BackgroundStore
from tanji.services.certification._common import (
    load_body,
    refused,
    today,
)
from tanji.services.certification._steps import (
    APPLY,
    add_event,
    case_events,
    findings_of,
    roles_of,
    take_step,
    visible_case,
)
from tanji.services.certification.evidence import Document, store_evidence
from tanji.services.errors import ConflictError, invalid_field
from tanji.services.footprints import recompute
from tanji.services.ledger.hooks import certificate_event
from tanji.services.permissions import require

__all__ = [
    "DEFAULT_STANDARD",
    "accept",
    "answer_finding",
    "apply_for_certification",
    "cancel",
    "case_events",
    "close_finding",
    "complete_document_review",
    "complete_inspection",
    "complete_surveillance",
    "complete_verification",
    "expire_due",
    "grant",
    "not_accept",
    "plan",
    "raise_finding",
    "refuse",
    "reinstate",
    "start_surveillance",
    "suspend",
    "verify_footprint",
    "visible_case",
    "withdraw",
]

#: The quantification standard printed on a certificate unless the decision names another.
DEFAULT_STANDARD = "GB/T 24067-2024"

# --- applying --------------------------------------------------------------------------


def apply_for_certification(
    session: Session,
    actor: Actor,
    *,
    result_id: int,
    body_org_id: int,
    certification_type: CertificationType | str = CertificationType.FOOTPRINT,
    management_system_since: date | None,
    documents: Sequence[Document],
    renews: str | None = None,
    on: date | None = None,
) -> int:
    """认证委托: the enterprise applies to a body for certification of one of its
    footprint results. The result must be its own, computed under an accounting rule
    without rule errors, and not illustrative; the result row holds the versions it is
    pinned to. The documents are stored as evidence with their SHA-256. A renewal
    names the certificate it renews (``renews``, one of the enterprise's own). Returns
    the case id."""
    require(actor, APPLY)
    day = on or today()
    try:
        kind = CertificationType(certification_type)
    except ValueError:
        raise invalid_field("certification_type", f"{certification_type!r} is unknown.") from None
    detail = results.result_detail(session, actor, result_id)
    row = session.get(FootprintResultRow, result_id)
    assert row is not None  # result_detail found it
    reasons: list[Reason] = []
    if row.org_id != actor.org_id:
        reasons.append(Reason("certification.application.not_own_result"))
    if detail.summary.illustrative:
        reasons.append(Reason("certification.application.illustrative"))
    if detail.rule is None or not detail.rule.applied:
        reasons.append(Reason("certification.application.no_rule"))
    category = str((detail.result.get("product") or {}).get("category") or "")
    body = load_body(session, body_org_id)
    errors = sum(1 for f in detail.findings if f.severity is Severity.ERROR)
    reasons.extend(
        application_problems(
            documents=frozenset(DocumentKind(d.kind) for d in documents),
            management_system_since=management_system_since,
            rule_errors=errors,
            body=body,
            category=category,
            certification_type=kind,
            on=day,
        )
    )
    if reasons:
        raise refused(reasons)
    renewed = _renewed(session, actor, renews) if renews else None
    case = CertificationCaseRow(
        applicant_org_id=actor.org_id,
        body_org_id=body_org_id,
        product_id=row.product_id,
        result_id=row.id,
        category=category,
        certification_type=kind.value,
        declared_value=row.total,
        state=CaseState.APPLIED.value,
        management_system_since=management_system_since,
        applied_on=day,
        renews_certificate_id=renewed,
        created_by=actor.user_id,
    )
    session.add(case)
    session.flush()
    for document in documents:
        store_evidence(session, actor, case.id, document)
    record = {
        "result_id": row.id,
        "fingerprint": row.fingerprint,
        "pins": json.loads(row.pins),
        "documents": sorted({d.kind for d in documents}),
        "renews": renews,
    }
    add_event(session, case.id, "apply", None, CaseState.APPLIED, actor.user_id, record)
    audit(session, actor, "certification.apply", "certification_case", case.id, None, record)
    return case.id


def _renewed(session: Session, actor: Actor, number: str) -> int:
    certificate = session.scalar(select(CertificateRow).where(CertificateRow.number == number))
    if certificate is None or certificate.holder_org_id != actor.org_id:
        raise invalid_field("renews", f"{number} is not one of your certificates.")
    return certificate.id


# --- the intentions --------------------------------------------------------------------


def accept(session: Session, actor: Actor, case_id: int, *, on: date | None = None) -> None:
    """受理: the body accepts the application (in scope, in good standing, impartial)."""
    take_step(session, actor, case_id, Step(Action.ACCEPT), on=on)


def not_accept(session: Session, actor: Actor, case_id: int, *, reason: str) -> None:
    """受理: the body does not accept the application, saying why."""
    take_step(session, actor, case_id, Step(Action.NOT_ACCEPT, reason=reason))


def plan(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    team: Sequence[int],
    decision_maker: int,
    on: date | None = None,
) -> None:
    """认证策划: the body names the team and a decision-maker not on it (all qualified
    staff, none of whom consulted for the enterprise); document review begins."""
    step = Step(Action.PLAN, team=frozenset(team), decision_maker=decision_maker)
    take_step(session, actor, case_id, step, on=on)


def raise_finding(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    text: str,
    kind: FindingKind | str = FindingKind.NONCONFORMITY,
    deadline: date | None = None,
) -> int:
    """The team records a finding; a nonconformity asks for corrective action by
    ``deadline``. Returns the finding's number in the case."""
    row = visible_case(session, actor, case_id)
    number = 1 + max((f.number for f in findings_of(session, row.id)), default=0)
    try:
        finding = CaseFinding(
            number, CaseState(row.state), FindingKind(kind), text.strip(), deadline
        )
    except ValueError as error:
        raise invalid_field("finding", str(error)) from None
    take_step(session, actor, case_id, Step(Action.RAISE_FINDING, finding=finding))
    return number


def answer_finding(
    session: Session,
    actor: Actor,
    case_id: int,
    finding: int,
    *,
    answer: str,
    result_id: int | None = None,
) -> None:
    """The enterprise answers a finding; a revised model's new result (``result_id``,
    of its own) is named in the answer, and the case's history keeps both."""
    if result_id is not None:
        revised = results.visible_result(session, actor, result_id)
        if revised.org_id != actor.org_id:
            raise invalid_field("result_id", "Name one of your own footprint results.")
    step = Step(
        Action.ANSWER_FINDING, finding_id=finding, answer=answer, answer_result_id=result_id
    )
    take_step(session, actor, case_id, step)


def close_finding(session: Session, actor: Actor, case_id: int, finding: int) -> None:
    """The team accepts the answer and closes the finding."""
    take_step(session, actor, case_id, Step(Action.CLOSE_FINDING, finding_id=finding))


def complete_document_review(session: Session, actor: Actor, case_id: int) -> None:
    """文件评审 done: on to the on-site inspection."""
    take_step(session, actor, case_id, Step(Action.COMPLETE_DOCUMENT_REVIEW))


def complete_inspection(session: Session, actor: Actor, case_id: int) -> None:
    """现场检查 done: on to the footprint verification."""
    take_step(session, actor, case_id, Step(Action.COMPLETE_INSPECTION))


def verify_footprint(
    session: Session, backgrounds: BackgroundStore, actor: Actor, case_id: int
) -> float:
    """产品碳足迹核查: the team recomputes the footprint under its pins and records the
    number it gets (and whether the result's fingerprint matched). Returns the number."""
    row = visible_case(session, actor, case_id)
    if CaseRole.TEAM not in roles_of(actor, row):
        action = Action.RECORD_RECOMPUTATION.value
        raise refused(
            [Reason("certification.actor.not_allowed", {"action": action, "role": "team"})]
        )
    problems = standing_problems(load_body(session, row.body_org_id), today())
    if problems:  # before the (costly) recomputation
        raise refused(problems)
    calculation, same = recompute(session, backgrounds, row.result_id)
    value = calculation.footprint.total
    take_step(session, actor, case_id, Step(Action.RECORD_RECOMPUTATION, recomputed_value=value))
    audit(
        session, actor, "certification.recompute", "certification_case", case_id, None,
        {"result_id": row.result_id, "recomputed": value, "fingerprint_matches": same},
    )  # fmt: skip
    return value


def complete_verification(session: Session, actor: Actor, case_id: int) -> None:
    """Verification done (the recomputed number equals the declared one): to evaluation."""
    take_step(session, actor, case_id, Step(Action.COMPLETE_VERIFICATION))


def grant(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    standard: str = DEFAULT_STANDARD,
    on: date | None = None,
) -> str:
    """认证结果的评价与批准: the decision-maker grants; the certificate is issued (valid
    two years). Returns its number."""
    day = on or today()
    row, _ = take_step(session, actor, case_id, Step(Action.GRANT), on=day)
    result = session.get(FootprintResultRow, row.result_id)
    assert result is not None
    detail = json.loads(result.result)
    kind = CertificationType(row.certification_type)
    prefix = certificate_number(kind, day.year, row.body_org_id, 1)[:-6]
    taken = session.scalars(
        select(CertificateRow.number).where(CertificateRow.number.like(f"{prefix}%"))
    )
    sequence = 1 + max((parse_certificate_number(n)[3] for n in taken), default=0)
    rule = next((p["ref"] for p in json.loads(result.pins) if p.get("link") == "rule:applied"), "")
    name = (detail.get("product") or {}).get("name") or {}
    certificate = Certificate(
        number=certificate_number(kind, day.year, row.body_org_id, sequence),
        certification_type=kind,
        category=row.category,
        product_name=name.get("zh") or name.get("en") or result.product_code,
        holder_org_id=row.applicant_org_id,
        body_org_id=row.body_org_id,
        declared_unit=result.per,
        declared_value=row.declared_value,
        unit=result.unit,
        rule_ref=rule or "-",
        standard=standard,
        issued_on=day,
        expires_on=expiry_date(day),
        case_id=row.id,
    )
    stored = CertificateRow(
        number=certificate.number, case_id=row.id, certification_type=kind.value,
        category=certificate.category, product_name=certificate.product_name,
        holder_org_id=certificate.holder_org_id, body_org_id=certificate.body_org_id,
        result_id=result.id, declared_unit=certificate.declared_unit,
        declared_value=certificate.declared_value, unit=certificate.unit,
        rule_ref=certificate.rule_ref, standard=certificate.standard,
        issued_on=certificate.issued_on, expires_on=certificate.expires_on,
        renews_id=row.renews_certificate_id,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:
        raise ConflictError(
            f"Certificate number {certificate.number} was just taken; retry."
        ) from None
    issued = {"number": stored.number, "case_id": row.id, "expires_on": stored.expires_on}
    audit(session, actor, "certification.certificate-issue", "certificate", stored.id, None, issued)
    certificate_event(session, stored, "renew" if stored.renews_id else "issue")
    return certificate.number


def refuse(session: Session, actor: Actor, case_id: int, *, reason: str) -> None:
    """The decision-maker refuses certification, saying why."""
    take_step(session, actor, case_id, Step(Action.REFUSE, reason=reason))


def start_surveillance(
    session: Session, actor: Actor, case_id: int, *, on: date | None = None
) -> None:
    """获证后监督 begins (the body schedules it; the team records its findings)."""
    take_step(session, actor, case_id, Step(Action.START_SURVEILLANCE), on=on)


def complete_surveillance(session: Session, actor: Actor, case_id: int) -> None:
    """Surveillance done without open nonconformities: the certificate stays valid."""
    take_step(session, actor, case_id, Step(Action.COMPLETE_SURVEILLANCE))


def suspend(session: Session, actor: Actor, case_id: int, *, reason: str) -> None:
    """暂停: the body suspends the certificate."""
    take_step(session, actor, case_id, Step(Action.SUSPEND, reason=reason))


def reinstate(session: Session, actor: Actor, case_id: int, *, on: date | None = None) -> None:
    """The body lifts a suspension (no open nonconformities, not expired)."""
    take_step(session, actor, case_id, Step(Action.REINSTATE), on=on)


def withdraw(session: Session, actor: Actor, case_id: int, *, reason: str) -> None:
    """撤销: the body withdraws the certificate."""
    take_step(session, actor, case_id, Step(Action.WITHDRAW, reason=reason))


def cancel(session: Session, actor: Actor, case_id: int, *, reason: str) -> None:
    """The enterprise withdraws its application, or gives up its certificate (注销)."""
    take_step(session, actor, case_id, Step(Action.CANCEL, reason=reason))


def expire_due(session: Session, *, on: date | None = None) -> list[str]:
    """The scheduler's sweep: every certificate past its two years expires (its case
    too). Returns the numbers expired."""
    day = on or today()
    due = session.scalars(
        select(CertificateRow)
        .where(CertificateRow.expires_on < day, CertificateRow.status.in_(("valid", "suspended")))
        .order_by(CertificateRow.id)
    ).all()
    for certificate in due:
        take_step(session, None, certificate.case_id, Step(Action.EXPIRE), on=day)
    return [c.number for c in due]
