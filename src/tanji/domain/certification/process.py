"""The certification process as a table of transitions, and one function that applies one.

:data:`TRANSITIONS` is the process, written as data: from-state, action, to-state, the
role that may act, the guards that must hold and what the step records. :func:`apply`
looks the step up, checks the role and every guard, and returns either
:class:`Applied` (the new case and the event to store) or :class:`Refused` (every reason,
as message keys). It never raises for an expected refusal (STYLE habit 10).

The steps follow the CNCA general implementation rules (2025): 认证委托 → 受理 → 认证策划
→ 文件评审 → 现场检查 → 产品碳足迹核查 → 认证结果的评价与批准 → 获证后监督, then
suspension, withdrawal, expiry; docs/certification.md maps each row to the rules.

A body that is not in good standing (suspended, revoked, blacklisted or understaffed)
cannot act: every step the body, its team or its decision-maker takes carries the
``body-in-good-standing`` guard, so its open cases freeze where they are. The applicant
may still cancel, and certificates still expire by date.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from tanji.domain.certification.bodies import (
    PILOT_CATEGORIES,
    CertificationBody,
    CertificationType,
    standing_problems,
)
from tanji.domain.certification.errors import Reason
from tanji.domain.certification.impartiality import ConsultancyDeclaration, conflicts

__all__ = [
    "GUARDS",
    "MANAGEMENT_SYSTEM_MIN_DAYS",
    "OPEN_STATES",
    "RECOMPUTATION_TOLERANCE",
    "REQUIRED_DOCUMENTS",
    "TRANSITIONS",
    "Action",
    "Applied",
    "Case",
    "CaseFinding",
    "CaseRole",
    "CaseState",
    "Context",
    "DocumentKind",
    "Event",
    "FindingKind",
    "FindingStatus",
    "Refused",
    "Step",
    "Transition",
    "application_problems",
    "apply",
    "transition_for",
]


class CaseState(StrEnum):
    APPLIED = "applied"  # 认证委托: the application is with the body
    NOT_ACCEPTED = "not-accepted"  # 受理: refused, with reasons
    ACCEPTED = "accepted"  # 受理: accepted
    DOCUMENT_REVIEW = "document-review"  # 认证策划 done (plan, team); 文件评审
    ON_SITE_INSPECTION = "on-site-inspection"  # 现场检查
    VERIFICATION = "verification"  # 产品碳足迹核查
    EVALUATION = "evaluation"  # 认证结果的评价与批准
    REFUSED = "refused"  # the decision-maker refused certification
    CERTIFIED = "certified"  # a certificate is in force
    SURVEILLANCE = "surveillance"  # 获证后监督 in progress
    SUSPENDED = "suspended"  # 暂停
    WITHDRAWN = "withdrawn"  # 撤销
    EXPIRED = "expired"  # two years without renewal
    CANCELLED = "cancelled"  # the applicant withdrew the application, or gave up the certificate


#: States in which the case is still open (the team sees the enterprise's data).
OPEN_STATES = frozenset(
    {
        CaseState.APPLIED,
        CaseState.ACCEPTED,
        CaseState.DOCUMENT_REVIEW,
        CaseState.ON_SITE_INSPECTION,
        CaseState.VERIFICATION,
        CaseState.EVALUATION,
        CaseState.SURVEILLANCE,
    }
)


class Action(StrEnum):
    ACCEPT = "accept"
    NOT_ACCEPT = "not-accept"
    PLAN = "plan"
    RAISE_FINDING = "raise-finding"
    ANSWER_FINDING = "answer-finding"
    CLOSE_FINDING = "close-finding"
    COMPLETE_DOCUMENT_REVIEW = "complete-document-review"
    COMPLETE_INSPECTION = "complete-inspection"
    RECORD_RECOMPUTATION = "record-recomputation"
    COMPLETE_VERIFICATION = "complete-verification"
    GRANT = "grant"
    REFUSE = "refuse"
    START_SURVEILLANCE = "start-surveillance"
    COMPLETE_SURVEILLANCE = "complete-surveillance"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    CANCEL = "cancel"


class CaseRole(StrEnum):
    """Who someone is *to this case*; the service works it out from the actor."""

    APPLICANT = "applicant"  # an editor or admin of the applying enterprise
    BODY = "body"  # an editor or admin of the certification body
    TEAM = "team"  # a member of the case's team (认证/检查组)
    DECISION_MAKER = "decision-maker"  # the person who evaluates and decides
    SYSTEM = "system"  # the platform's scheduler (expiry)


class DocumentKind(StrEnum):
    """The application's documents (认证委托资料)."""

    POWER_OF_ATTORNEY = "power-of-attorney"  # 认证委托书
    BUSINESS_LICENCE = "business-licence"  # 营业执照
    PROCESS_FLOW = "process-flow"  # 产品工艺流程图
    MATERIALS_LIST = "materials-list"  # 原辅材料清单
    MANAGEMENT_SYSTEM = "management-system"  # 管理制度 and evidence it runs
    OTHER = "other"


REQUIRED_DOCUMENTS = frozenset(DocumentKind) - {DocumentKind.OTHER}
#: "运行满三个月": the platform counts three months as 90 days.
MANAGEMENT_SYSTEM_MIN_DAYS = 90
#: The team's recomputation must agree with the declared value to this relative tolerance.
RECOMPUTATION_TOLERANCE = 1e-9


class FindingKind(StrEnum):
    OBSERVATION = "observation"  # noted; does not block
    NONCONFORMITY = "nonconformity"  # a corrective action is requested, with a deadline


class FindingStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass(frozen=True)
class CaseFinding:
    """A finding of document review, inspection, verification or surveillance. The
    enterprise's ``answer`` may name a revised result (``answer_result_id``)."""

    id: int
    stage: CaseState
    kind: FindingKind
    text: str
    deadline: date | None = None
    status: FindingStatus = FindingStatus.OPEN
    answer: str = ""
    answer_result_id: int | None = None

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise Reason("certification.invalid.text", {"field": "text"}).error()
        if self.kind is FindingKind.NONCONFORMITY and self.deadline is None:
            raise Reason("certification.invalid.text", {"field": "deadline"}).error()

    @property
    def blocking(self) -> bool:
        return self.kind is FindingKind.NONCONFORMITY and self.status is not FindingStatus.CLOSED


@dataclass(frozen=True)
class Case:
    """One certification case: an application by ``applicant_org_id`` to ``body_org_id``
    for the footprint ``result_id`` (pinned: the result row holds its versions)."""

    id: int
    applicant_org_id: int
    body_org_id: int
    category: str
    certification_type: CertificationType
    result_id: int
    declared_value: float
    state: CaseState = CaseState.APPLIED
    management_system_since: date | None = None
    applied_on: date | None = None
    team: frozenset[int] = frozenset()
    decision_maker: int | None = None
    findings: tuple[CaseFinding, ...] = ()
    recomputed_value: float | None = None
    certificate_expires_on: date | None = None

    def finding(self, finding_id: int) -> CaseFinding | None:
        return next((f for f in self.findings if f.id == finding_id), None)

    @property
    def open_nonconformities(self) -> int:
        return sum(1 for f in self.findings if f.blocking)


@dataclass(frozen=True)
class Step:
    """An action with what it carries (only the fields the action uses are read)."""

    action: Action
    reason: str = ""
    team: frozenset[int] = frozenset()
    decision_maker: int | None = None
    finding: CaseFinding | None = None
    finding_id: int | None = None
    answer: str = ""
    answer_result_id: int | None = None
    recomputed_value: float | None = None


@dataclass(frozen=True)
class Context:
    """What the guards need besides the case: who acts (their roles to this case), the
    body as it stands, the consultancy declarations, and the day."""

    user_id: int | None
    roles: frozenset[CaseRole]
    body: CertificationBody
    on: date
    declarations: tuple[ConsultancyDeclaration, ...] = ()
    qualified_user_ids: frozenset[int] = frozenset()  # the body's staff who count


@dataclass(frozen=True)
class Transition:
    """One row of the process: ``action`` moves a case from ``source`` to ``target``
    (the same state for steps that record without moving), taken by ``role``, allowed
    when every guard in ``guards`` holds, recording the named fields ``records``."""

    source: CaseState
    action: Action
    target: CaseState
    role: CaseRole
    guards: tuple[str, ...] = ()
    records: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """What a step produced: stored in the case's history and the audit log."""

    action: Action
    source: CaseState
    target: CaseState
    user_id: int | None
    on: date
    record: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Applied:
    case: Case
    event: Event


@dataclass(frozen=True)
class Refused:
    reasons: tuple[Reason, ...]


# --- guards: name → (case, step, context) → reasons (empty when it holds) ---------------

Guard = Callable[[Case, Step, Context], tuple[Reason, ...]]


def _body_in_good_standing(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    return standing_problems(ctx.body, ctx.on)


def _scope_problems(
    body: CertificationBody, category: str, certification_type: CertificationType
) -> tuple[Reason, ...]:
    """The body must be approved for the category and type, and — for the pilot's
    categories — hold the pilot qualification."""
    reasons = []
    if not body.covers(category, certification_type):
        reasons.append(
            Reason(
                "certification.body.out_of_scope",
                {"category": category, "certification_type": certification_type.value},
            )
        )
    if category in PILOT_CATEGORIES and not body.pilot_qualified:
        reasons.append(Reason("certification.body.not_pilot"))
    return tuple(reasons)


def _body_scope(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    return _scope_problems(ctx.body, case.category, case.certification_type)


def _body_impartial(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    return conflicts(
        ctx.declarations,
        body_org_id=case.body_org_id,
        enterprise_org_id=case.applicant_org_id,
        on=ctx.on,
    )


def _plan_valid(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    reasons = []
    if not step.team:
        reasons.append(Reason("certification.plan.no_team"))
    outsiders = sorted(step.team - ctx.qualified_user_ids)
    if outsiders:
        reasons.append(Reason("certification.plan.team_not_staff", {"users": outsiders}))
    if step.decision_maker is None or step.decision_maker not in ctx.qualified_user_ids:
        reasons.append(Reason("certification.plan.decision_maker_not_staff"))
    elif step.decision_maker in step.team:
        reasons.append(Reason("certification.plan.decision_maker_on_team"))
    people = set(step.team) | ({step.decision_maker} if step.decision_maker else set())
    reasons.extend(
        conflicts(
            ctx.declarations,
            body_org_id=None,  # the body itself was checked on acceptance
            enterprise_org_id=case.applicant_org_id,
            user_ids=people,
            on=ctx.on,
        )
    )
    return tuple(reasons)


def _no_open_nonconformities(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    count = case.open_nonconformities
    return (Reason("certification.findings.open", {"count": count}),) if count else ()


def _reason_given(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    return () if step.reason.strip() else (Reason("certification.reason.required"),)


def _finding_given(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    return (
        ()
        if step.finding is not None
        else (Reason("certification.invalid.text", {"field": "finding"}),)
    )


def _finding_open(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    finding = case.finding(step.finding_id) if step.finding_id is not None else None
    if finding is None:
        return (Reason("certification.finding.unknown", {"finding": step.finding_id}),)
    if finding.status is not FindingStatus.OPEN:
        return (Reason("certification.finding.not_open", {"finding": finding.id}),)
    if not step.answer.strip():
        return (Reason("certification.invalid.text", {"field": "answer"}),)
    return ()


def _finding_answered(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    finding = case.finding(step.finding_id) if step.finding_id is not None else None
    if finding is None:
        return (Reason("certification.finding.unknown", {"finding": step.finding_id}),)
    if finding.kind is FindingKind.NONCONFORMITY and finding.status is not FindingStatus.ANSWERED:
        return (Reason("certification.finding.not_answered", {"finding": finding.id}),)
    if finding.status is FindingStatus.CLOSED:
        return (Reason("certification.finding.not_open", {"finding": finding.id}),)
    return ()


def _recomputation_given(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    value = step.recomputed_value
    if value is None or not math.isfinite(value):
        return (Reason("certification.verification.missing"),)
    return ()


def _recomputation_matches(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    if case.recomputed_value is None:
        return (Reason("certification.verification.missing"),)
    if not math.isclose(
        case.recomputed_value, case.declared_value, rel_tol=RECOMPUTATION_TOLERANCE, abs_tol=0.0
    ):
        return (
            Reason(
                "certification.verification.mismatch",
                {"recomputed": case.recomputed_value, "declared": case.declared_value},
            ),
        )
    return ()


def _certificate_expired(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    expires = case.certificate_expires_on
    if expires is not None and ctx.on > expires:
        return ()
    return (Reason("certification.certificate.not_expired", {"expires_on": str(expires)}),)


def _certificate_not_expired(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    expires = case.certificate_expires_on
    if expires is not None and ctx.on > expires:
        return (Reason("certification.certificate.expired", {"expires_on": str(expires)}),)
    return ()


GUARDS: Mapping[str, Guard] = {
    "body-in-good-standing": _body_in_good_standing,
    "body-scope-covers": _body_scope,
    "body-impartial": _body_impartial,
    "plan-valid": _plan_valid,
    "no-open-nonconformities": _no_open_nonconformities,
    "reason-given": _reason_given,
    "finding-given": _finding_given,
    "finding-open": _finding_open,
    "finding-answered": _finding_answered,
    "recomputation-given": _recomputation_given,
    "recomputation-matches": _recomputation_matches,
    "certificate-expired": _certificate_expired,
    "certificate-not-expired": _certificate_not_expired,
}

# --- the table -------------------------------------------------------------------------

S, A, R = CaseState, Action, CaseRole
_GOOD = "body-in-good-standing"
_REVIEW_STATES = (S.DOCUMENT_REVIEW, S.ON_SITE_INSPECTION, S.VERIFICATION, S.SURVEILLANCE)
_BEFORE_DECISION = (
    S.APPLIED,
    S.ACCEPTED,
    S.DOCUMENT_REVIEW,
    S.ON_SITE_INSPECTION,
    S.VERIFICATION,
    S.EVALUATION,
)
_HOLDING = (S.CERTIFIED, S.SURVEILLANCE, S.SUSPENDED)


def _t(
    source: CaseState,
    action: Action,
    target: CaseState,
    role: CaseRole,
    guards: tuple[str, ...] = (),
    records: tuple[str, ...] = (),
) -> Transition:
    return Transition(source, action, target, role, guards, records)


TRANSITIONS: tuple[Transition, ...] = (
    # 受理: the body reviews the application and accepts it or says why not.
    _t(S.APPLIED, A.ACCEPT, S.ACCEPTED, R.BODY, (_GOOD, "body-scope-covers", "body-impartial")),
    _t(S.APPLIED, A.NOT_ACCEPT, S.NOT_ACCEPTED, R.BODY, (_GOOD, "reason-given"), ("reason",)),
    # 认证策划: the plan names the team and a decision-maker who is not on it.
    _t(
        S.ACCEPTED,
        A.PLAN,
        S.DOCUMENT_REVIEW,
        R.BODY,
        (_GOOD, "plan-valid"),
        ("team", "decision_maker"),
    ),
    # 文件评审 → 现场检查 → 产品碳足迹核查, each closing only without open nonconformities.
    _t(
        S.DOCUMENT_REVIEW,
        A.COMPLETE_DOCUMENT_REVIEW,
        S.ON_SITE_INSPECTION,
        R.TEAM,
        (_GOOD, "no-open-nonconformities"),
    ),
    _t(
        S.ON_SITE_INSPECTION,
        A.COMPLETE_INSPECTION,
        S.VERIFICATION,
        R.TEAM,
        (_GOOD, "no-open-nonconformities"),
    ),
    _t(
        S.VERIFICATION,
        A.RECORD_RECOMPUTATION,
        S.VERIFICATION,
        R.TEAM,
        (_GOOD, "recomputation-given"),
        ("recomputed_value",),
    ),
    _t(
        S.VERIFICATION,
        A.COMPLETE_VERIFICATION,
        S.EVALUATION,
        R.TEAM,
        (_GOOD, "no-open-nonconformities", "recomputation-matches"),
    ),
    # Findings in every review stage and in surveillance: raised by the team, answered
    # by the enterprise, closed by the team.
    *(
        row
        for state in _REVIEW_STATES
        for row in (
            _t(state, A.RAISE_FINDING, state, R.TEAM, (_GOOD, "finding-given"), ("finding",)),
            _t(
                state,
                A.ANSWER_FINDING,
                state,
                R.APPLICANT,
                (_GOOD, "finding-open"),
                ("finding_id", "answer", "answer_result_id"),
            ),
            _t(state, A.CLOSE_FINDING, state, R.TEAM, (_GOOD, "finding-answered"), ("finding_id",)),
        )
    ),
    # 认证结果的评价与批准: by the decision-maker, who did not do the work.
    _t(
        S.EVALUATION,
        A.GRANT,
        S.CERTIFIED,
        R.DECISION_MAKER,
        (_GOOD, "no-open-nonconformities"),
        ("certificate",),
    ),
    _t(S.EVALUATION, A.REFUSE, S.REFUSED, R.DECISION_MAKER, (_GOOD, "reason-given"), ("reason",)),
    # 获证后监督.
    _t(
        S.CERTIFIED,
        A.START_SURVEILLANCE,
        S.SURVEILLANCE,
        R.BODY,
        (_GOOD, "certificate-not-expired"),
    ),
    _t(
        S.SURVEILLANCE,
        A.COMPLETE_SURVEILLANCE,
        S.CERTIFIED,
        R.TEAM,
        (_GOOD, "no-open-nonconformities"),
    ),
    # Suspension, reinstatement, withdrawal, expiry, cancellation.
    _t(S.CERTIFIED, A.SUSPEND, S.SUSPENDED, R.BODY, (_GOOD, "reason-given"), ("reason",)),
    _t(S.SURVEILLANCE, A.SUSPEND, S.SUSPENDED, R.BODY, (_GOOD, "reason-given"), ("reason",)),
    _t(
        S.SUSPENDED,
        A.REINSTATE,
        S.CERTIFIED,
        R.BODY,
        (_GOOD, "no-open-nonconformities", "certificate-not-expired"),
    ),
    *(
        _t(state, A.WITHDRAW, S.WITHDRAWN, R.BODY, (_GOOD, "reason-given"), ("reason",))
        for state in _HOLDING
    ),
    *(_t(state, A.EXPIRE, S.EXPIRED, R.SYSTEM, ("certificate-expired",)) for state in _HOLDING),
    *(
        _t(state, A.CANCEL, S.CANCELLED, R.APPLICANT, ("reason-given",), ("reason",))
        for state in (*_BEFORE_DECISION, S.CERTIFIED)
    ),
)

_INDEX: Mapping[tuple[CaseState, Action], Transition] = {
    (row.source, row.action): row for row in TRANSITIONS
}


def transition_for(state: CaseState, action: Action) -> Transition | None:
    return _INDEX.get((state, action))


def apply(case: Case, step: Step, ctx: Context) -> Applied | Refused:
    """Apply ``step`` to ``case`` as ``ctx`` describes; the new case and its event, or
    every reason it is refused (state first, then role, then each guard)."""
    row = transition_for(case.state, step.action)
    if row is None:
        return Refused(
            (
                Reason(
                    "certification.state.not_allowed",
                    {"action": step.action.value, "state": case.state.value},
                ),
            )
        )
    if row.role not in ctx.roles:
        return Refused(
            (
                Reason(
                    "certification.actor.not_allowed",
                    {"action": step.action.value, "role": row.role.value},
                ),
            )
        )
    reasons = tuple(reason for name in row.guards for reason in GUARDS[name](case, step, ctx))
    if reasons:
        return Refused(reasons)
    changed = _EFFECTS.get(step.action, _no_effect)(case, step, ctx)
    record = {
        name: _recorded(getattr(step, name, None)) for name in row.records if name != "certificate"
    }
    event = Event(step.action, case.state, row.target, ctx.user_id, ctx.on, record)
    return Applied(replace(changed, state=row.target), event)


def _recorded(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, CaseFinding):
        return {
            "id": value.id,
            "stage": value.stage.value,
            "kind": value.kind.value,
            "text": value.text,
            "deadline": value.deadline.isoformat() if value.deadline else None,
        }
    return value


# --- effects: what a step changes on the case besides its state ------------------------


def _no_effect(case: Case, step: Step, ctx: Context) -> Case:
    return case


def _plan(case: Case, step: Step, ctx: Context) -> Case:
    return replace(case, team=step.team, decision_maker=step.decision_maker)


def _raise(case: Case, step: Step, ctx: Context) -> Case:
    assert step.finding is not None  # the finding-given guard
    finding = replace(step.finding, stage=case.state, status=FindingStatus.OPEN)
    return replace(case, findings=(*case.findings, finding))


def _update_finding(case: Case, finding_id: int | None, **changes: Any) -> Case:
    findings = tuple(replace(f, **changes) if f.id == finding_id else f for f in case.findings)
    return replace(case, findings=findings)


def _answer(case: Case, step: Step, ctx: Context) -> Case:
    return _update_finding(
        case,
        step.finding_id,
        status=FindingStatus.ANSWERED,
        answer=step.answer.strip(),
        answer_result_id=step.answer_result_id,
    )


def _close(case: Case, step: Step, ctx: Context) -> Case:
    return _update_finding(case, step.finding_id, status=FindingStatus.CLOSED)


def _recompute(case: Case, step: Step, ctx: Context) -> Case:
    return replace(case, recomputed_value=step.recomputed_value)


_EFFECTS: Mapping[Action, Callable[[Case, Step, Context], Case]] = {
    Action.PLAN: _plan,
    Action.RAISE_FINDING: _raise,
    Action.ANSWER_FINDING: _answer,
    Action.CLOSE_FINDING: _close,
    Action.RECORD_RECOMPUTATION: _recompute,
}


def application_problems(
    *,
    documents: frozenset[DocumentKind],
    management_system_since: date | None,
    rule_errors: int,
    body: CertificationBody,
    category: str,
    certification_type: CertificationType,
    on: date,
) -> tuple[Reason, ...]:
    """Why an application (认证委托) cannot be filed; empty when it can. The body must be
    in good standing and approved for the category; the documents complete; the
    management system run three months; the footprint free of rule errors."""
    reasons = [*standing_problems(body, on), *_scope_problems(body, category, certification_type)]
    missing = sorted(kind.value for kind in REQUIRED_DOCUMENTS - documents)
    if missing:
        reasons.append(
            Reason("certification.application.documents_missing", {"missing": ", ".join(missing)})
        )
    days = (on - management_system_since).days if management_system_since else 0
    if days < MANAGEMENT_SYSTEM_MIN_DAYS:
        reasons.append(
            Reason("certification.application.management_system_too_young", {"days": days})
        )
    if rule_errors:
        reasons.append(
            Reason("certification.application.result_has_errors", {"count": rule_errors})
        )
    return tuple(reasons)
