"""When a certificate's surveillance (获证后监督) is due.

The rules keep a two-year certificate valid through surveillance; how often could not be
read. The platform's choice (docs/certification.md): surveillance is due **once a year**,
on each anniversary of the issue date that falls within the validity; a surveillance
started no earlier than :data:`WINDOW_DAYS` before a due date meets it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tanji.domain.certification.certificates import add_years

__all__ = ["WINDOW_DAYS", "Due", "due_dates", "next_due"]

#: How many days before a due date a surveillance may start and still meet it.
WINDOW_DAYS = 90


@dataclass(frozen=True)
class Due:
    """The next surveillance a certificate owes: its date, and whether it is overdue."""

    on: date
    overdue: bool
    days_left: int  # negative when overdue


def due_dates(issued_on: date, valid_until: date) -> list[date]:
    """Every anniversary of the issue date up to the last valid day."""
    out, year = [], 1
    while (day := add_years(issued_on, year)) <= valid_until:
        out.append(day)
        year += 1
    return out


def next_due(
    issued_on: date, valid_until: date, started: Iterable[date], today: date
) -> Due | None:
    """The first due date no surveillance has met (``started``: the days surveillances
    started), or None when every one is met. Each surveillance meets one due date."""
    starts = sorted(started)
    for day in due_dates(issued_on, valid_until):
        opens = day - timedelta(days=WINDOW_DAYS)
        meeting = next((s for s in starts if s >= opens), None)
        if meeting is None:
            return Due(day, today > day, (day - today).days)
        starts.remove(meeting)
    return None
