"""The guards of the process table: each takes (case, step, context) and returns the
reasons it does not hold (empty when it holds). :data:`GUARDS` names them; the table
refers to them by name."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from tanji.domain.certification.bodies import (
    PILOT_CATEGORIES,
    CertificationBody,
    CertificationType,
    standing_problems,
)
from tanji.domain.certification.case import (
    RECOMPUTATION_TOLERANCE,
    Case,
    Context,
    FindingKind,
    FindingStatus,
    Step,
)
from tanji.domain.certification.errors import Reason
from tanji.domain.certification.impartiality import conflicts

__all__ = ["GUARDS", "Guard", "scope_problems"]


Guard = Callable[[Case, Step, Context], tuple[Reason, ...]]


def _body_in_good_standing(case: Case, step: Step, ctx: Context) -> tuple[Reason, ...]:
    return standing_problems(ctx.body, ctx.on)


def scope_problems(
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
    return scope_problems(ctx.body, case.category, case.certification_type)


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
