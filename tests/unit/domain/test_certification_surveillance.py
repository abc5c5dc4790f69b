"""When a certificate's surveillance is due (the platform's choice: yearly, on each
anniversary of the issue within the validity; a start up to 90 days before meets it)."""

from __future__ import annotations

from datetime import date, timedelta

from tanji.domain.certification.surveillance import WINDOW_DAYS, due_dates, next_due


def test_surveillance_is_due_on_each_anniversary_within_the_validity() -> None:
    issued, until = date(2024, 2, 29), date(2026, 2, 27)
    assert due_dates(issued, until) == [date(2025, 2, 28)]
    assert due_dates(date(2026, 3, 17), date(2030, 3, 16)) == [
        date(2027, 3, 17), date(2028, 3, 17), date(2029, 3, 17),
    ]  # fmt: skip
    due = next_due(date(2026, 3, 17), date(2028, 3, 16), [], date(2027, 3, 20))
    assert due is not None
    assert (due.on, due.overdue, due.days_left) == (date(2027, 3, 17), True, -3)
    early = date(2027, 3, 17) - timedelta(days=WINDOW_DAYS)
    assert next_due(date(2026, 3, 17), date(2028, 3, 16), [early], date(2027, 4, 1)) is None
    too_early = early - timedelta(days=1)
    assert next_due(date(2026, 3, 17), date(2028, 3, 16), [too_early], date(2027, 4, 1))


def test_each_surveillance_meets_one_due_date_only() -> None:
    issued, until = date(2026, 3, 17), date(2030, 3, 16)
    once = [date(2027, 3, 1)]
    due = next_due(issued, until, once, date(2028, 3, 20))
    assert due is not None
    assert (due.on, due.overdue) == (date(2028, 3, 17), True)
