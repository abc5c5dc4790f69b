"""Impartiality: who consulted for the enterprise may not certify it.

A body or a person records a :class:`ConsultancyDeclaration` for every enterprise they
consulted for (carbon-footprint consulting, modelling, training on its products). A
declaration that ended less than :data:`COOLING_OFF_YEARS` before the day in question
keeps the body (a body-level declaration) or the person (a personal one) off that
enterprise's cases.

Design note: the general implementation rules' own period could not be read (see
docs/certification.md); two years follows the cooling-off that ISO/IEC 17021-1 §5.2.5
sets for management-system consultancy, and is one constant here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tanji.domain.certification.bodies import years_between
from tanji.domain.certification.errors import Reason

__all__ = ["COOLING_OFF_YEARS", "ConsultancyDeclaration", "conflicts"]

COOLING_OFF_YEARS = 2


@dataclass(frozen=True)
class ConsultancyDeclaration:
    """``consultant_org_id`` (and, for a person, ``consultant_user_id``) consulted for
    ``enterprise_org_id`` from ``started_on`` to ``ended_on`` (``None``: still going)."""

    consultant_org_id: int
    enterprise_org_id: int
    started_on: date
    ended_on: date | None = None
    consultant_user_id: int | None = None

    def __post_init__(self) -> None:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise Reason("certification.invalid.dates", {"field": "ended_on"}).error()

    def blocks_on(self, day: date) -> bool:
        """Whether the declaration still bars its consultant on ``day``."""
        if self.started_on > day:
            return False
        return self.ended_on is None or years_between(self.ended_on, day) < COOLING_OFF_YEARS


def conflicts(
    declarations: Iterable[ConsultancyDeclaration],
    *,
    body_org_id: int | None,
    enterprise_org_id: int,
    user_ids: Iterable[int] = (),
    on: date,
) -> tuple[Reason, ...]:
    """The impartiality problems of ``body_org_id`` (and of the people ``user_ids``)
    taking ``enterprise_org_id``'s case on ``on``; empty when there are none. With
    ``body_org_id`` ``None`` only the people are checked.

    A personal declaration bars its person whatever body they now work for.
    """
    people = set(user_ids)
    reasons = []
    for declaration in declarations:
        if declaration.enterprise_org_id != enterprise_org_id or not declaration.blocks_on(on):
            continue
        if declaration.consultant_user_id is None and declaration.consultant_org_id == body_org_id:
            who = "the body"
        elif (
            declaration.consultant_user_id is not None and declaration.consultant_user_id in people
        ):
            who = f"user {declaration.consultant_user_id}"
        else:
            continue
        reasons.append(
            Reason(
                "certification.impartiality.consulted",
                {
                    "who": who,
                    "on": (declaration.ended_on or on).isoformat(),
                    "years": COOLING_OFF_YEARS,
                },
            )
        )
    return tuple(reasons)
