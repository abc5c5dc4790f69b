"""The admission process as a table of transitions, and its guards.

A submission is *in review* from the moment it is handed in. Reviewers of other
organisations review it; the competent department of the sector verifies and admits or
rejects it; the submitter may withdraw it while it is in review. Admission and rejection
are final (a rejected record may be submitted again, as a new submission).

:data:`TRANSITIONS` is the table (state, action, who, next state); :func:`refusals`
returns every reason an action is refused, empty when it is allowed; the services apply
a transition only then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tanji.domain.admission.reasons import Reason
from tanji.domain.admission.review import Declaration, conflicts
from tanji.domain.admission.traceability import TraceCheck, blocking_failures

__all__ = ["TRANSITIONS", "Case", "Party", "State", "Transition", "next_state", "refusals"]


class State(StrEnum):
    IN_REVIEW = "in_review"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Party(StrEnum):
    SUBMITTER = "the submitter"
    REVIEWER = "a registered reviewer of another organisation"
    DEPARTMENT = "the sector's competent department"


@dataclass(frozen=True)
class Transition:
    state: State
    action: str
    party: Party
    to: State


TRANSITIONS: tuple[Transition, ...] = (
    Transition(State.IN_REVIEW, "review", Party.REVIEWER, State.IN_REVIEW),
    Transition(State.IN_REVIEW, "admit", Party.DEPARTMENT, State.ADMITTED),
    Transition(State.IN_REVIEW, "reject", Party.DEPARTMENT, State.REJECTED),
    Transition(State.IN_REVIEW, "withdraw", Party.SUBMITTER, State.WITHDRAWN),
)


@dataclass(frozen=True)
class Case:
    """What the guards need to know of a submission and its target database."""

    state: State
    submitter_org_id: int
    database: str
    department_org_id: int
    reviewer_org_ids: frozenset[int]  # registered reviewers of the database
    reviewed_by: tuple[int, ...]  # organisations that reviewed, in order
    minimum_reviews: int
    declarations: tuple[Declaration, ...] = ()
    checks: tuple[TraceCheck, ...] = ()
    rejection_reasons: tuple[str, ...] = field(default_factory=tuple)


def _transition(state: State, action: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.state is state and t.action == action), None)


def _any_transition(action: str) -> Transition:
    return next(t for t in TRANSITIONS if t.action == action)


def _party_refusal(case: Case, action: str, org_id: int) -> Reason | None:
    party = _any_transition(action).party
    ok = {
        Party.SUBMITTER: org_id == case.submitter_org_id,
        Party.DEPARTMENT: org_id == case.department_org_id,
        Party.REVIEWER: True,  # the review guards say why not
    }[party]
    return (
        None
        if ok
        else Reason("admission.actor.not_allowed", {"action": action, "role": party.value})
    )


def _review_refusals(case: Case, org_id: int) -> list[Reason]:
    if org_id == case.submitter_org_id:
        return [Reason("admission.review.self")]
    found = []
    if org_id not in case.reviewer_org_ids:
        found.append(Reason("admission.review.not_registered", {"database": case.database}))
    if org_id in case.reviewed_by:
        found.append(Reason("admission.review.twice"))
    found.extend(conflicts(org_id, case.submitter_org_id, case.declarations))
    return found


def _admit_refusals(case: Case) -> list[Reason]:
    found = []
    others = [o for o in case.reviewed_by if o != case.submitter_org_id]
    if len(set(others)) < case.minimum_reviews:
        found.append(
            Reason(
                "admission.review.too_few",
                {
                    "count": len(set(others)),
                    "database": case.database,
                    "minimum": case.minimum_reviews,
                },
            )
        )
    for check in blocking_failures(case.checks):
        found.extend(check.missing)
    return found


def refusals(case: Case, action: str, org_id: int) -> list[Reason]:
    """Every reason ``org_id`` may not do ``action`` now (empty: it may)."""
    if _transition(case.state, action) is None:
        return [
            Reason("admission.state.not_allowed", {"action": action, "state": case.state.value})
        ]
    party = _party_refusal(case, action, org_id)
    if party is not None:
        return [party]
    if action == "review":
        return _review_refusals(case, org_id)
    if action == "admit":
        return _admit_refusals(case)
    if action == "reject" and not case.rejection_reasons:
        return [Reason("admission.reject.reasons")]
    return []


def next_state(state: State, action: str) -> State:
    transition = _transition(state, action)
    assert transition is not None, f"{action} from {state}: check refusals() first"
    return transition.to


def refusal_keys(reasons: Sequence[Reason]) -> list[str]:
    return [r.key for r in reasons]
