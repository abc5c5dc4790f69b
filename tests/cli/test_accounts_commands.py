"""``tanji accounts …``: the first admin, a reset link, a lost second factor."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from tanji.services import logins

from .conftest import Run


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        logins, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


# SQLite only: the services behind the commands run on both stores in
# tests/integration/db/test_auth_store.py; this checks the command line.
@pytest.mark.parametrize("tanji", ["sqlite"], indirect=True)
def test_the_first_admin_a_reset_link_and_a_lost_factor(tanji: Run) -> None:
    status, out, err = tanji("accounts", "admin", "ops@example.cn", "--password", "first-Admin-1")
    assert status == 0, err
    assert "ops@example.cn" in out
    status, out, err = tanji(
        "accounts", "reset-link", "ops@example.cn", "--base-url", "https://tanji.example.cn/"
    )
    assert status == 0, err
    assert re.fullmatch(r"https://tanji\.example\.cn/password/reset/[\w-]{43}\n", out)
    status, _, err = tanji("accounts", "reset-link", "nobody@example.cn")
    assert status == 1
    assert "No account" in err
    status, out, err = tanji("accounts", "remove-mfa", "ops@example.cn")
    assert status == 0, err
