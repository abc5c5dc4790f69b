"""What the certification pages and API read: cases by role (the body's workspace, the
enterprise's applications, the department's overview), one case with everything its
page shows, the footprint under verification, the registry for an application, the
statistics for the competent department, and a product's certification status.

Tenant isolation: a body sees its cases, an enterprise its applications, those who
oversee certification see all; nobody else sees any. The body reads the enterprise's
footprint (model, lines, evidence) only while the case is open and the body is in good
standing — confidentiality ends with the case.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    CertificateRow,
    CertificationBodyRow,
    CertificationCaseRow,
    EvidenceRow,
    FootprintResultRow,
    OrganisationRow,
    UserRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.certification import (
    TRANSITIONS,
    Action,
    CaseState,
    FindingStatus,
    Reason,
    qualified_staff,
    standing_problems,
)
from tanji.domain.certification.case import OPEN_STATES
from tanji.services.audit import audit
from tanji.services.certification._common import load_body, today
from tanji.services.certification._steps import (
    APPLY,
    OVERSEE,
    WORK,
    case_events,
    certificate_of,
    findings_of,
    roles_of,
    visible_case,
)
from tanji.services.certification.bodies import BodyProfile, body_profile
from tanji.services.errors import NotFoundError
from tanji.services.permissions import require
from tanji.services.results import ResultDetail, detail_of

__all__ = [
    "BodyChoice",
    "CaseSummary",
    "CaseView",
    "StaffChoice",
    "Statistics",
    "bodies_for",
    "case_footprint",
    "case_view",
    "list_cases",
    "product_cases",
    "statistics",
]

#: Who the case waits on in each state (the workspace's "waiting on" column).
WAITING_ON: dict[CaseState, str] = {
    CaseState.APPLIED: "body", CaseState.ACCEPTED: "body", CaseState.DOCUMENT_REVIEW: "team",
    CaseState.ON_SITE_INSPECTION: "team", CaseState.VERIFICATION: "team",
    CaseState.EVALUATION: "decision-maker", CaseState.SURVEILLANCE: "team",
}  # fmt: skip


@dataclass(frozen=True)
class CaseSummary:
    id: int
    state: str
    applicant: str
    applicant_en: str
    body: str
    body_en: str
    body_org_id: int
    product_name: str
    product_name_en: str
    product_id: int | None
    category: str
    certification_type: str
    declared_value: float
    unit: str
    per: str
    applied_on: date
    waiting_on: str  # body, team, decision-maker, applicant, or "" (closed)
    next_deadline: date | None  # the earliest deadline of an open nonconformity
    frozen: bool  # the body is not in good standing: the case cannot move
    certificate: str | None  # its number, once granted
    certificate_status: str | None


@dataclass(frozen=True)
class FindingView:
    number: int
    stage: str
    kind: str
    text: str
    deadline: date | None
    status: str
    answer: str
    answer_result_id: int | None
    overdue: bool


@dataclass(frozen=True)
class EvidenceView:
    id: int
    kind: str
    filename: str
    sha256: str
    size: int
    uploaded_org_id: int | None


@dataclass(frozen=True)
class StaffChoice:
    user_id: int
    name: str
    email: str


@dataclass(frozen=True)
class CaseView:
    summary: CaseSummary
    roles: frozenset[str]  # the actor's roles to this case
    actions: tuple[str, ...]  # the table's actions open to those roles in this state
    findings: tuple[FindingView, ...]
    events: tuple[dict[str, Any], ...]
    evidence: tuple[EvidenceView, ...]
    team: tuple[StaffChoice, ...]
    decision_maker: StaffChoice | None
    staff: tuple[StaffChoice, ...]  # qualified staff with an account (for the plan)
    body_problems: tuple[Reason, ...]
    recomputed_value: float | None
    result_id: int
    result_fingerprint: str
    certificate_expires_on: date | None
    may_read_footprint: bool


def _orgs(session: Session, ids: set[int]) -> dict[int, OrganisationRow]:
    if not ids:
        return {}
    rows = session.scalars(select(OrganisationRow).where(OrganisationRow.id.in_(ids)))
    return {row.id: row for row in rows}


def _frozen(session: Session, org_id: int, day: date) -> bool:
    """Whether a body's cases are frozen today: its standing has problems, or it is no
    longer in the registry at all (a list never fails for one such case)."""
    try:
        return bool(standing_problems(load_body(session, org_id), day))
    except NotFoundError:
        return True


def _summaries(session: Session, rows: list[CertificationCaseRow]) -> list[CaseSummary]:
    orgs = _orgs(session, {r.applicant_org_id for r in rows} | {r.body_org_id for r in rows})
    results = {
        r.id: r
        for r in session.scalars(
            select(FootprintResultRow).where(FootprintResultRow.id.in_({c.result_id for c in rows}))
        )
    }
    day = today()
    standing = {org_id: _frozen(session, org_id, day) for org_id in {r.body_org_id for r in rows}}
    out = []
    for row in rows:
        findings = findings_of(session, row.id)
        certificate = certificate_of(session, row.id)
        deadlines = [
            f.deadline for f in findings if f.deadline is not None and f.status != "closed"
        ]
        answered = any(f.status == FindingStatus.ANSWERED.value for f in findings)
        open_nc = any(f.status == FindingStatus.OPEN.value and f.kind == "nonconformity"
                      for f in findings)  # fmt: skip
        state = CaseState(row.state)
        waiting = "applicant" if open_nc else ("team" if answered else WAITING_ON.get(state, ""))
        result = results[row.result_id]
        detail = json.loads(result.result)
        name = (detail.get("product") or {}).get("name") or {}
        applicant, body = orgs[row.applicant_org_id], orgs[row.body_org_id]
        out.append(
            CaseSummary(
                id=row.id, state=row.state, applicant=applicant.name,
                applicant_en=applicant.name_en, body=body.name, body_en=body.name_en,
                body_org_id=row.body_org_id,
                product_name=name.get("zh") or name.get("en") or result.product_code,
                product_name_en=name.get("en") or "",
                product_id=row.product_id, category=row.category,
                certification_type=row.certification_type, declared_value=row.declared_value,
                unit=result.unit, per=result.per, applied_on=row.applied_on,
                waiting_on=waiting if state in OPEN_STATES else "",
                next_deadline=min(deadlines) if deadlines else None,
                frozen=standing[row.body_org_id] and state in OPEN_STATES,
                certificate=certificate.number if certificate else None,
                certificate_status=certificate.status if certificate else None,
            )
        )  # fmt: skip
    return out


def list_cases(session: Session, actor: Actor, *, state: str | None = None) -> list[CaseSummary]:
    """The cases ``actor`` may see (the body's, the enterprise's, or all for those who
    oversee), newest first; ``state`` filters."""
    query = select(CertificationCaseRow).order_by(CertificationCaseRow.id.desc())
    if actor.can(OVERSEE):
        pass
    elif actor.can(WORK):
        query = query.where(CertificationCaseRow.body_org_id == actor.org_id)
    elif actor.can(APPLY) or actor.can("product.read"):
        query = query.where(CertificationCaseRow.applicant_org_id == actor.org_id)
    if state:
        query = query.where(CertificationCaseRow.state == CaseState(state).value)
    return _summaries(session, list(session.scalars(query)))


def product_cases(session: Session, actor: Actor, product_id: int) -> list[CaseSummary]:
    """The certification cases of one of the actor's products (its product page)."""
    query = (
        select(CertificationCaseRow)
        .where(
            CertificationCaseRow.product_id == product_id,
            CertificationCaseRow.applicant_org_id == actor.org_id,
        )
        .order_by(CertificationCaseRow.id.desc())
    )
    return _summaries(session, list(session.scalars(query)))


def _people(session: Session, user_ids: list[int]) -> dict[int, StaffChoice]:
    if not user_ids:
        return {}
    rows = session.scalars(select(UserRow).where(UserRow.id.in_(user_ids)))
    return {u.id: StaffChoice(u.id, u.display_name or u.email, u.email) for u in rows}


def _may_read_footprint(session: Session, actor: Actor, row: CertificationCaseRow) -> bool:
    if actor.can(OVERSEE) or (actor.org_id == row.applicant_org_id):
        return True
    body = load_body(session, row.body_org_id)
    return (
        actor.org_id == row.body_org_id
        and actor.can(WORK)
        and CaseState(row.state) in OPEN_STATES
        and not standing_problems(body, today())
    )


def case_view(session: Session, actor: Actor, case_id: int) -> CaseView:
    """One case with its findings, history, evidence list, team and what the actor may
    do next (the process table's actions for the actor's roles in this state)."""
    row = visible_case(session, actor, case_id)
    summary = _summaries(session, [row])[0]
    roles = roles_of(actor, row)
    state = CaseState(row.state)
    actions = tuple(
        dict.fromkeys(
            t.action.value
            for t in TRANSITIONS
            if t.source is state and t.role in roles and t.action is not Action.EXPIRE
        )
    )
    day = today()
    body = load_body(session, row.body_org_id)
    team_ids = json.loads(row.team)
    staff_ids = [p.user_id for p in qualified_staff(body, day) if p.user_id is not None]
    people = _people(session, [*team_ids, *staff_ids, row.decision_maker_user_id or 0])
    findings = tuple(
        FindingView(
            f.number, f.stage, f.kind, f.text, f.deadline, f.status, f.answer,
            f.answer_result_id,
            overdue=f.deadline is not None and f.status == "open" and f.deadline < day,
        )
        for f in findings_of(session, row.id)
    )  # fmt: skip
    evidence = tuple(
        EvidenceView(e.id, e.kind, e.filename, e.sha256, e.size, e.uploaded_org_id)
        for e in session.scalars(
            select(EvidenceRow).where(EvidenceRow.case_id == row.id).order_by(EvidenceRow.id)
        )
    )
    result = session.get(FootprintResultRow, row.result_id)
    assert result is not None
    certificate = certificate_of(session, row.id)
    return CaseView(
        summary=summary,
        roles=frozenset(r.value for r in roles),
        actions=actions,
        findings=findings,
        events=tuple(case_events(session, actor, case_id)),
        evidence=evidence,
        team=tuple(people[i] for i in team_ids if i in people),
        decision_maker=people.get(row.decision_maker_user_id or 0),
        staff=tuple(people[i] for i in staff_ids if i in people),
        body_problems=standing_problems(body, day),
        recomputed_value=row.recomputed_value,
        result_id=row.result_id,
        result_fingerprint=result.fingerprint,
        certificate_expires_on=certificate.expires_on if certificate else None,
        may_read_footprint=_may_read_footprint(session, actor, row),
    )


def case_footprint(
    session: Session, actor: Actor, case_id: int, result_id: int | None = None
) -> ResultDetail:
    """The footprint under verification — the case's result, or a revised result named
    in an answer (``result_id``) — with its model, lines, sources and findings. The
    body's people read it only while the case is open and the body in good standing;
    every read by the body is audited."""
    row = visible_case(session, actor, case_id)
    if not _may_read_footprint(session, actor, row):
        raise NotFoundError(f"The footprint of case {case_id} is closed to you.")
    allowed = {row.result_id} | {
        f.answer_result_id for f in findings_of(session, row.id) if f.answer_result_id
    }
    wanted = result_id or row.result_id
    result = session.get(FootprintResultRow, wanted)
    if wanted not in allowed or result is None:
        raise NotFoundError(f"No footprint result #{wanted} in case {case_id}.")
    if actor.org_id != row.applicant_org_id:
        audit(
            session, actor, "certification.footprint-read", "certification_case", case_id,
            None, {"result_id": wanted},
        )  # fmt: skip
    return detail_of(session, result)


@dataclass(frozen=True)
class BodyChoice:
    org_id: int
    name: str
    name_en: str
    approval_number: str
    scope: tuple[str, ...]  # "category:type"
    pilot_qualified: bool
    profile: BodyProfile


def bodies_for(session: Session, actor: Actor) -> list[BodyChoice]:
    """The registry: every body with its scope, credit score, staff and standing (an
    enterprise chooses among those in good standing; the department sees them all)."""
    require(actor, "product.read")
    out = []
    for row in session.scalars(select(CertificationBodyRow).order_by(CertificationBodyRow.id)):
        profile = body_profile(session, actor, row.org_id)
        org = session.get(OrganisationRow, row.org_id)
        assert org is not None
        scope = tuple(
            sorted(f"{e.category}:{e.certification_type.value}" for e in profile.body.scope)
        )
        out.append(
            BodyChoice(
                row.org_id, org.name, org.name_en, row.approval_number, scope,
                row.pilot_qualified, profile,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class Statistics:
    cases_by_state: dict[str, int]
    certificates_by_status: dict[str, int]
    by_body: list[tuple[str, int, int]]  # (body name, cases, valid certificates)
    by_category: dict[str, int]  # valid certificates per product category
    bodies: int
    bodies_in_good_standing: int


def statistics(session: Session, actor: Actor) -> Statistics:
    """信息报送: cases by state, certificates by status, per body and per category."""
    require(actor, OVERSEE)
    cases = list(session.scalars(select(CertificationCaseRow)))
    certificates = list(session.scalars(select(CertificateRow)))
    orgs = _orgs(session, {c.body_org_id for c in cases} | {c.body_org_id for c in certificates})
    per_body_cases = Counter(c.body_org_id for c in cases)
    per_body_valid = Counter(c.body_org_id for c in certificates if c.status == "valid")
    day = today()
    registered = list(session.scalars(select(CertificationBodyRow.org_id)))
    good = sum(1 for org_id in registered if not standing_problems(load_body(session, org_id), day))
    return Statistics(
        cases_by_state=dict(Counter(c.state for c in cases)),
        certificates_by_status=dict(Counter(c.status for c in certificates)),
        by_body=sorted(
            ((orgs[i].name, per_body_cases[i], per_body_valid[i]) for i in orgs),
            key=lambda t: (-t[1], t[0]),
        ),
        by_category=dict(Counter(c.category for c in certificates if c.status == "valid")),
        bodies=len(registered),
        bodies_in_good_standing=good,
    )
