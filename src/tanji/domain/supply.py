"""Green supply chains (R6.1): a lead firm asks its suppliers for their footprints.

A :class:`RequestStatus` is what a request's row says (requested, answered, refused);
:func:`shown_status` adds what the calendar and the answer say — *overdue* when a
request is still open after its due date, *certified* or *self-declared* once
answered, by whether the footprint the supplier gave is verified (a platform
certificate in force, or a PACT file stating third-party assurance).

:func:`coverage` is the lead firm's picture of its supply chain: of the purchases it
listed (one per request), the share of mass and of spend that has supplier data, and
the share that is certified. A purchase whose mass (or spend) is not known counts in
neither the numerator nor the denominator of that share — the shares never guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "Coverage",
    "Purchase",
    "RequestStatus",
    "ShownStatus",
    "coverage",
    "shown_status",
]


class RequestStatus(StrEnum):
    """A request's stored state."""

    REQUESTED = "requested"
    ANSWERED = "answered"
    REFUSED = "refused"


class ShownStatus(StrEnum):
    """What a person reads on a request and on the model line it feeds."""

    REQUESTED = "requested"
    OVERDUE = "overdue"
    CERTIFIED = "certified"
    SELF_DECLARED = "self-declared"
    REFUSED = "refused"


def shown_status(
    status: RequestStatus, due: date, verified: bool | None, today: date
) -> ShownStatus:
    """The status shown: ``verified`` is the answer's footprint's (None: no answer)."""
    if status is RequestStatus.REFUSED:
        return ShownStatus.REFUSED
    if status is RequestStatus.ANSWERED:
        return ShownStatus.CERTIFIED if verified else ShownStatus.SELF_DECLARED
    return ShownStatus.OVERDUE if today > due else ShownStatus.REQUESTED


@dataclass(frozen=True)
class Purchase:
    """One purchased product as the lead firm listed it: mass (kg a year) and spend
    (yuan a year), each ``None`` when not known."""

    mass_kg: float | None
    spend_cny: float | None
    status: ShownStatus


@dataclass(frozen=True)
class Coverage:
    """Shares in [0, 1] (``None`` when nothing of that measure is known)."""

    purchases: int
    with_data: int
    certified: int
    mass_known_kg: float
    mass_with_data: float | None
    mass_certified: float | None
    spend_known_cny: float
    spend_with_data: float | None
    spend_certified: float | None


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def coverage(purchases: Iterable[Purchase]) -> Coverage:
    """The supply chain's coverage by supplier data (see the module docstring)."""
    items = list(purchases)
    has_data = {ShownStatus.CERTIFIED, ShownStatus.SELF_DECLARED}
    mass = sum(p.mass_kg for p in items if p.mass_kg is not None)
    spend = sum(p.spend_cny for p in items if p.spend_cny is not None)

    def total(measure: str, statuses: set[ShownStatus]) -> float:
        return sum(
            getattr(p, measure) or 0.0
            for p in items
            if p.status in statuses and getattr(p, measure) is not None
        )

    certified = {ShownStatus.CERTIFIED}
    return Coverage(
        purchases=len(items),
        with_data=sum(1 for p in items if p.status in has_data),
        certified=sum(1 for p in items if p.status is ShownStatus.CERTIFIED),
        mass_known_kg=mass,
        mass_with_data=_share(total("mass_kg", has_data), mass),
        mass_certified=_share(total("mass_kg", certified), mass),
        spend_known_cny=spend,
        spend_with_data=_share(total("spend_cny", has_data), spend),
        spend_certified=_share(total("spend_cny", certified), spend),
    )
