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

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from tanji.domain.certification.bodies import (
    CertificationBody,
    CertificationType,
    standing_problems,
)
from tanji.domain.certification.case import (
    MANAGEMENT_SYSTEM_MIN_DAYS,
    REQUIRED_DOCUMENTS,
    Action,
    Applied,
    Case,
    CaseFinding,
    CaseRole,
    CaseState,
    Context,
    DocumentKind,
    Event,
    FindingStatus,
    Refused,
    Step,
    Transition,
)
from tanji.domain.certification.errors import Reason
from tanji.domain.certification.guards import GUARDS, scope_problems

__all__ = ["TRANSITIONS", "application_problems", "apply", "transition_for"]

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


# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # 受理: the body reviews the application and accepts it or says why not.
    _t(S.APPLIED, A.ACCEPT, S.ACCEPTED, R.BODY,
       (_GOOD, "body-scope-covers", "body-impartial")),
    _t(S.APPLIED, A.NOT_ACCEPT, S.NOT_ACCEPTED, R.BODY,
       (_GOOD, "reason-given"), ("reason",)),
    # 认证策划: the plan names the team and a decision-maker who is not on it.
    _t(S.ACCEPTED, A.PLAN, S.DOCUMENT_REVIEW, R.BODY,
       (_GOOD, "plan-valid"), ("team", "decision_maker")),
    # 文件评审 → 现场检查 → 产品碳足迹核查, each closing only without open nonconformities.
    _t(S.DOCUMENT_REVIEW, A.COMPLETE_DOCUMENT_REVIEW, S.ON_SITE_INSPECTION, R.TEAM,
       (_GOOD, "no-open-nonconformities")),
    _t(S.ON_SITE_INSPECTION, A.COMPLETE_INSPECTION, S.VERIFICATION, R.TEAM,
       (_GOOD, "no-open-nonconformities")),
    _t(S.VERIFICATION, A.RECORD_RECOMPUTATION, S.VERIFICATION, R.TEAM,
       (_GOOD, "recomputation-given"), ("recomputed_value",)),
    _t(S.VERIFICATION, A.COMPLETE_VERIFICATION, S.EVALUATION, R.TEAM,
       (_GOOD, "no-open-nonconformities", "recomputation-matches")),
    # Findings in every review stage and in surveillance: raised by the team, answered
    # by the enterprise, closed by the team.
    *(row for state in _REVIEW_STATES for row in (
        _t(state, A.RAISE_FINDING, state, R.TEAM,
           (_GOOD, "finding-given"), ("finding",)),
        _t(state, A.ANSWER_FINDING, state, R.APPLICANT,
           (_GOOD, "finding-open"), ("finding_id", "answer", "answer_result_id")),
        _t(state, A.CLOSE_FINDING, state, R.TEAM,
           (_GOOD, "finding-answered"), ("finding_id",)),
    )),
    # 认证结果的评价与批准: by the decision-maker, who did not do the work.
    _t(S.EVALUATION, A.GRANT, S.CERTIFIED, R.DECISION_MAKER,
       (_GOOD, "no-open-nonconformities"), ("certificate",)),
    _t(S.EVALUATION, A.REFUSE, S.REFUSED, R.DECISION_MAKER,
       (_GOOD, "reason-given"), ("reason",)),
    # 获证后监督.
    _t(S.CERTIFIED, A.START_SURVEILLANCE, S.SURVEILLANCE, R.BODY,
       (_GOOD, "certificate-not-expired")),
    _t(S.SURVEILLANCE, A.COMPLETE_SURVEILLANCE, S.CERTIFIED, R.TEAM,
       (_GOOD, "no-open-nonconformities")),
    # Suspension, reinstatement, withdrawal, expiry, cancellation.
    _t(S.CERTIFIED, A.SUSPEND, S.SUSPENDED, R.BODY,
       (_GOOD, "reason-given"), ("reason",)),
    _t(S.SURVEILLANCE, A.SUSPEND, S.SUSPENDED, R.BODY,
       (_GOOD, "reason-given"), ("reason",)),
    _t(S.SUSPENDED, A.REINSTATE, S.CERTIFIED, R.BODY,
       (_GOOD, "no-open-nonconformities", "certificate-not-expired")),
    *(_t(state, A.WITHDRAW, S.WITHDRAWN, R.BODY,
         (_GOOD, "reason-given"), ("reason",)) for state in _HOLDING),
    *(_t(state, A.EXPIRE, S.EXPIRED, R.SYSTEM,
         ("certificate-expired",)) for state in _HOLDING),
    *(_t(state, A.CANCEL, S.CANCELLED, R.APPLICANT,
         ("reason-given",), ("reason",)) for state in (*_BEFORE_DECISION, S.CERTIFIED)),
)
# fmt: on

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
    reasons = [*standing_problems(body, on), *scope_problems(body, category, certification_type)]
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
