"""One entry for every step a person takes on a case, by the action's name: the API's
``POST /certification/cases/{id}/steps/{action}`` and the case page's forms both call
:func:`take_action`, which hands the step to its intention in :mod:`.cases`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tanji.domain.accounts import Actor
from tanji.domain.certification import Action
from tanji.services.background import BackgroundStore
from tanji.services.certification import cases
from tanji.services.errors import invalid_field

__all__ = ["PERSON_ACTIONS", "StepInput", "take_action"]


@dataclass(frozen=True)
class StepInput:
    """What a step may carry; each action reads the fields it needs."""

    reason: str = ""
    team: tuple[int, ...] = ()
    decision_maker: int | None = None
    text: str = ""
    kind: str = "nonconformity"
    deadline: date | None = None
    finding: int | None = None
    answer: str = ""
    result_id: int | None = None
    standard: str = cases.DEFAULT_STANDARD


def _finding(given: StepInput) -> int:
    if given.finding is None:
        raise invalid_field("finding", "Name the finding (its number in the case).")
    return given.finding


def _decision_maker(given: StepInput) -> int:
    if given.decision_maker is None:
        raise invalid_field("decision_maker", "Name the decision-maker.")
    return given.decision_maker


_Handler = Callable[[Session, BackgroundStore, Actor, int, StepInput], object]

_HANDLERS: dict[Action, _Handler] = {
    Action.ACCEPT: lambda s, b, a, c, g: cases.accept(s, a, c),
    Action.NOT_ACCEPT: lambda s, b, a, c, g: cases.not_accept(s, a, c, reason=g.reason),
    Action.PLAN: lambda s, b, a, c, g: cases.plan(
        s, a, c, team=g.team, decision_maker=_decision_maker(g)
    ),
    Action.RAISE_FINDING: lambda s, b, a, c, g: cases.raise_finding(
        s, a, c, text=g.text, kind=g.kind, deadline=g.deadline
    ),
    Action.ANSWER_FINDING: lambda s, b, a, c, g: cases.answer_finding(
        s, a, c, _finding(g), answer=g.answer, result_id=g.result_id
    ),
    Action.CLOSE_FINDING: lambda s, b, a, c, g: cases.close_finding(s, a, c, _finding(g)),
    Action.COMPLETE_DOCUMENT_REVIEW: lambda s, b, a, c, g: cases.complete_document_review(s, a, c),
    Action.COMPLETE_INSPECTION: lambda s, b, a, c, g: cases.complete_inspection(s, a, c),
    Action.RECORD_RECOMPUTATION: lambda s, b, a, c, g: cases.verify_footprint(s, b, a, c),
    Action.COMPLETE_VERIFICATION: lambda s, b, a, c, g: cases.complete_verification(s, a, c),
    Action.GRANT: lambda s, b, a, c, g: cases.grant(s, a, c, standard=g.standard),
    Action.REFUSE: lambda s, b, a, c, g: cases.refuse(s, a, c, reason=g.reason),
    Action.START_SURVEILLANCE: lambda s, b, a, c, g: cases.start_surveillance(s, a, c),
    Action.COMPLETE_SURVEILLANCE: lambda s, b, a, c, g: cases.complete_surveillance(s, a, c),
    Action.SUSPEND: lambda s, b, a, c, g: cases.suspend(s, a, c, reason=g.reason),
    Action.REINSTATE: lambda s, b, a, c, g: cases.reinstate(s, a, c),
    Action.WITHDRAW: lambda s, b, a, c, g: cases.withdraw(s, a, c, reason=g.reason),
    Action.CANCEL: lambda s, b, a, c, g: cases.cancel(s, a, c, reason=g.reason),
}
#: The actions a person can take (expiry is the scheduler's).
PERSON_ACTIONS: tuple[str, ...] = tuple(a.value for a in _HANDLERS)


def take_action(
    session: Session,
    backgrounds: BackgroundStore,
    actor: Actor,
    case_id: int,
    action: str,
    given: StepInput,
) -> object:
    """Take step ``action`` on case ``case_id``; returns what the intention returns (the
    finding's number, the recomputed value, the certificate number, or None)."""
    try:
        handler = _HANDLERS[Action(action)]
    except (ValueError, KeyError):
        raise invalid_field("action", f"{action!r} is not a step a person takes.") from None
    return handler(session, backgrounds, actor, case_id, given)
