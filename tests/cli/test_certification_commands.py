"""``tanji certification remind``: the scheduler's surveillance sweep from the command
line (what it reminds is tested on both stores in
tests/integration/db/test_certification_reminders.py)."""

from __future__ import annotations

from tests.cli.conftest import Run


def test_the_surveillance_reminder_sweep_runs_and_refuses_bad_input(tanji: Run) -> None:
    status, out, err = tanji("certification", "remind", "--days", "30", "--on", "2099-01-01")
    assert status == 0, err
    assert "0 reminder(s) sent" in out
    status, out, err = tanji("certification", "remind", "--on", "someday")
    assert status != 0
    assert "not a date" in err + out
    status, out, err = tanji("certification", "remind", "--days", "-1")
    assert status != 0
